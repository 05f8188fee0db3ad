"""The text of a module tree and where its nodes start, generated once per top-level statement.

The pipeline needs the text of every tree a pass returns (the next pass's triggers, suppression
comments and line map), and findings need the line and column where their nodes start. libcst's
`Module.code` and its PositionProvider generate the whole module again each time, the provider at
about five times the cost of the code alone. Transforms rebuild only what they change, so a
top-level statement that a pass left alone is the same node object in the next tree: its text
and the starts of its nodes are generated once, kept by the statement's identity, and reused by
every later tree of the file.

Starts follow PositionProvider's rules for where a node starts (its syntactic start, past leading
comments and blank lines); tests/test_module_text.py checks text and starts against libcst.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import libcst as cst
from libcst._nodes.internal import CodegenState

_NEWLINE = re.compile(r"\r\n?|\n")


class _StartRecorder(CodegenState):
    """Generates code like libcst, noting the character offset where each node starts."""

    def __init__(self, default_indent: str, default_newline: str, offset: int = 0) -> None:
        super().__init__(default_indent=default_indent, default_newline=default_newline)
        self.length = offset
        self.starts: dict[cst.CSTNode, int] = {}
        self._stack: list[int] = []

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.length += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append(self.length)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        self.starts.setdefault(node, start)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        start = self.length
        try:
            yield
        finally:
            self.starts[node] = self.starts[start_node] if start_node is not None else start


@dataclass(frozen=True)
class _Generated:
    """One top-level statement's code, as generated for a module with `layout`."""

    node: cst.CSTNode
    layout: tuple[str, str]  # the module's default indent and newline
    tokens: tuple[str, ...]  # tokens, not one string: a module without a final newline drops its last
    starts: Mapping[cst.CSTNode, int]  # offsets from the statement's first character
    length: int


# By the statement's id; each entry holds its node, so an id is never reused while it lives.
_STATEMENTS: dict[int, _Generated] = {}
_TEXTS: dict[int, tuple[cst.Module, ModuleText]] = {}
_LIMIT = 50_000


def forget_statements() -> None:
    """Drop the kept statements (the pipeline calls this once per file)."""
    _STATEMENTS.clear()
    _TEXTS.clear()


def _generated(statement: cst.CSTNode, layout: tuple[str, str]) -> _Generated:
    known = _STATEMENTS.get(id(statement))
    if known is not None and known.node is statement and known.layout == layout:
        return known
    recorder = _StartRecorder(*layout)
    statement._codegen(recorder)
    generated = _Generated(statement, layout, tuple(recorder.tokens), recorder.starts, recorder.length)
    if len(_STATEMENTS) > _LIMIT:
        _STATEMENTS.clear()
    _STATEMENTS[id(statement)] = generated
    return generated


class ModuleText:
    """The code of one module tree, and the line (1-based) and column (0-based) where each of
    its nodes starts. Build it with `text_of`, which reuses the text of a tree already seen."""

    def __init__(self, module: cst.Module) -> None:
        layout = (module.default_indent, module.default_newline)
        header = _StartRecorder(*layout)
        for line in module.header:
            line._codegen(header)
        tokens = header.tokens
        # (offset, starts) for the header, each statement, then the footer, in the code's order.
        self._pieces: list[tuple[int, Mapping[cst.CSTNode, int]]] = [(0, {module: 0}), (0, header.starts)]
        offset = header.length
        for statement in module.body:
            generated = _generated(statement, layout)
            self._pieces.append((offset, generated.starts))
            tokens.extend(generated.tokens)
            offset += generated.length
        footer = _StartRecorder(*layout, offset=offset)
        for line in module.footer:
            line._codegen(footer)
        self._pieces.append((0, footer.starts))
        tokens.extend(footer.tokens)
        # libcst's Module._codegen_impl ends the same way.
        if module.has_trailing_newline:
            if not tokens:
                tokens.append(module.default_newline)
        elif tokens:
            tokens.pop()
        self.code = "".join(tokens)
        # Offset just past each line break: the first offset of lines 2, 3, ...
        self._line_starts = [match.end() for match in _NEWLINE.finditer(self.code)]

    def start(self, node: cst.CSTNode) -> tuple[int, int] | None:
        for base, starts in self._pieces:
            offset = starts.get(node)
            if offset is not None:
                return self._line_and_column(base + offset)
        return None

    def _line_and_column(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._line_starts, offset)
        line_start = self._line_starts[index - 1] if index else 0
        return index + 1, offset - line_start


def text_of(module: cst.Module) -> ModuleText:
    """The text of `module`, the same object for the same tree until `forget_statements`."""
    known = _TEXTS.get(id(module))
    if known is not None and known[0] is module:
        return known[1]
    text = ModuleText(module)
    if len(_TEXTS) > 64:
        _TEXTS.clear()
    _TEXTS[id(module)] = (module, text)
    return text
