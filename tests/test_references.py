"""`syntax.references_in`, which TFM801, TFM002 and the layer and RNN rules share, against
libcst's own traversal of the same files."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrate.analysis import syntax

ROOT = Path(__file__).parent.parent
SOURCES = sorted([*(ROOT / "tests" / "fixtures").glob("*/*.in.py"), *(ROOT / "legacy_examples").glob("*.py")])


class _Expected(cst.CSTVisitor):
    """References outside imports, with the ones inside each, by libcst's node.visit."""

    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []
        self.inside: list[list[cst.CSTNode]] = []
        self.lines: list[cst.SimpleStatementLine] = []
        self._open: list[int] = []

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.lines.append(node)

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Attribute, cst.Name)):
            for index in self._open:
                self.inside[index].append(node)
            self._open.append(len(self.nodes))
            self.nodes.append(node)
            self.inside.append([])
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, (cst.Attribute, cst.Name)):
            self._open.pop()
        super().on_leave(original_node)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_references_match_libcst(path: Path) -> None:
    module = cst.parse_module(path.read_text())
    expected = _Expected()
    module.visit(expected)
    found = syntax.references_in(module)
    assert [id(n) for n in found.nodes] == [id(n) for n in expected.nodes]
    assert [id(n) for n in found.lines] == [id(n) for n in expected.lines]
    for index, end in enumerate(found.ends):
        assert [id(n) for n in found.nodes[index + 1 : end]] == [id(n) for n in expected.inside[index]]


def test_outermost_skips_inside_chains_and_imports() -> None:
    module = cst.parse_module(
        "import tensorflow as tf\n"
        "from tensorflow.contrib import slim\n"
        "y = tf.contrib.layers.flatten(x).shape[0] + f(tf.nn.relu)\n"
    )
    outer = [cst.Module([]).code_for_node(node) for node in syntax.references_in(module).outermost()]
    assert outer == ["y", "tf.contrib.layers.flatten(x).shape", "f", "tf.nn.relu"]


def test_remembered_for_the_same_tree_only() -> None:
    module = cst.parse_module("a = b.c\n")
    assert syntax.references_in(module) is syntax.references_in(module)
    other = cst.parse_module("a = b.c\n")
    assert syntax.references_in(other) is not syntax.references_in(module)
