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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate

import libcst as cst

from migrate.analysis.libcst_internals import CodegenState, codegen

_NEWLINE = re.compile(r"\r\n?|\n")


class _StartRecorder(CodegenState):
    """Generates code like libcst, noting the token where each node starts.

    Token indices, not character offsets, keep `add_token` libcst's own; `offsets` turns them
    into characters once at the end. The syntactic-position hook is a plain context manager
    object: libcst enters one for most nodes, and a generator-based one costs several times more.
    Starts are kept by the node's id (a node's own hash is a Python call): whatever keeps them
    keeps the generated nodes alive, so an id is not reused while its start is kept.
    """

    def __init__(self, default_indent: str, default_newline: str) -> None:
        super().__init__(default_indent=default_indent, default_newline=default_newline)
        self.starts: dict[int, int] = {}
        self._stack: list[int] = []

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append(len(self.tokens))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        self.starts.setdefault(id(node), start)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _SyntacticStart:
        return _SyntacticStart(self, node, start_node)

    def offsets(self, base: int = 0) -> list[int]:
        """The character offset of each token, and of the end, from `base`."""
        return list(accumulate(map(len, self.tokens), initial=base))


class _SyntacticStart:
    """A node starts where its own tokens start (past leading lines), or where `start_node` does."""

    __slots__ = ("_node", "_recorder", "_start", "_start_node")

    def __init__(self, recorder: _StartRecorder, node: cst.CSTNode, start_node: cst.CSTNode | None) -> None:
        self._recorder = recorder
        self._node = node
        self._start_node = start_node
        self._start = 0

    def __enter__(self) -> None:
        self._start = len(self._recorder.tokens)

    def __exit__(self, *exception: object) -> None:
        starts = self._recorder.starts
        start = starts[id(self._start_node)] if self._start_node is not None else self._start
        starts[id(self._node)] = start


@dataclass(frozen=True)
class _Generated:
    """Code generated for one top-level statement (or a module's header or footer)."""

    node: cst.CSTNode | None  # the statement it is kept for, if kept
    layout: tuple[str, str]  # the module's default indent and newline
    tokens: tuple[str, ...]  # tokens, not one string: a module without a final newline drops its last
    starts: Mapping[int, int]  # the token each node (by id) starts at
    offsets: Sequence[int]  # each token's character offset from the first, then the length

    @classmethod
    def of(
        cls, nodes: Sequence[cst.CSTNode], layout: tuple[str, str], kept_for: cst.CSTNode | None = None
    ) -> _Generated:
        recorder = _StartRecorder(*layout)
        for node in nodes:
            codegen(node, recorder)
        return cls(kept_for, layout, tuple(recorder.tokens), recorder.starts, recorder.offsets())


# By the statement's id; each entry holds its node, so an id is never reused while it lives.
_STATEMENTS: dict[int, _Generated] = {}
_TEXTS: dict[int, tuple[cst.Module, ModuleText]] = {}
_LIMIT = 50_000


def forget_statements() -> None:
    """Drop the kept statements (the pipeline calls this once per file)."""
    _STATEMENTS.clear()
    _TEXTS.clear()


def _statement(statement: cst.BaseStatement, layout: tuple[str, str]) -> _Generated:
    known = _STATEMENTS.get(id(statement))
    if known is not None and known.node is statement and known.layout == layout:
        return known
    generated = _Generated.of([statement], layout, kept_for=statement)
    if len(_STATEMENTS) > _LIMIT:
        _STATEMENTS.clear()
    _STATEMENTS[id(statement)] = generated
    return generated


class ModuleText:
    """The code of one module tree, and the line (1-based) and column (0-based) where each of
    its nodes starts. Build it with `text_of`, which reuses the text of a tree already seen."""

    def __init__(self, module: cst.Module) -> None:
        layout = (module.default_indent, module.default_newline)
        pieces = [
            _Generated(module, layout, (), {id(module): 0}, (0,)),
            _Generated.of(module.header, layout),
            *(_statement(statement, layout) for statement in module.body),
            _Generated.of(module.footer, layout),
        ]
        # (where the piece starts in the code, the piece), in the code's order.
        self._pieces: list[tuple[int, _Generated]] = []
        tokens: list[str] = []
        offset = 0
        for piece in pieces:
            self._pieces.append((offset, piece))
            tokens.extend(piece.tokens)
            offset += piece.offsets[-1]
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
        for base, piece in self._pieces:
            token = piece.starts.get(id(node))
            if token is not None:
                return self._line_and_column(base + piece.offsets[token])
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
