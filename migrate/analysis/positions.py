"""Where nodes start in the text of a module, computed only when a finding needs it.

libcst's PositionProvider records start and end line and column of every node while it
regenerates the code, at about five times the cost of generating the code alone. Findings and
suppression comments need only the start, so this generates the code once, recording the
character offset where each node starts, under exactly PositionProvider's rules for where a node
starts (its syntactic start, past leading comments and blank lines), and turns an offset into a
line and column when asked.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst
from libcst._nodes.internal import CodegenState

_NEWLINE = re.compile(r"\r\n?|\n")


class _StartRecorder(CodegenState):
    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.length = 0
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


class Positions:
    """Start line (1-based) and column (0-based) of the nodes of one module tree."""

    def __init__(self, module: cst.Module) -> None:
        state = _StartRecorder(module)
        module._codegen(state)
        self._starts = state.starts
        code = "".join(state.tokens)
        # Offset just past each line break: the first offset of lines 2, 3, ...
        self._line_starts = [match.end() for match in _NEWLINE.finditer(code)]

    def start(self, node: cst.CSTNode) -> tuple[int, int] | None:
        offset = self._starts.get(node)
        if offset is None:
            return None
        index = bisect.bisect_right(self._line_starts, offset)
        line_start = self._line_starts[index - 1] if index else 0
        return index + 1, offset - line_start
