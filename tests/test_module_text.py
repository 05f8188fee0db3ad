"""ModuleText gives libcst's code and PositionProvider's starts, reusing unchanged statements."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from migrate.analysis import module_text, walk
from migrate.analysis.module_text import ModuleText, text_of

ROOT = Path(__file__).parent.parent
SOURCES = sorted(
    [*(ROOT / "tests" / "fixtures").glob("*/*.in.py"), *(ROOT / "legacy_examples").glob("*.py")]
)


def _assert_like_libcst(module: cst.Module) -> None:
    text = ModuleText(module)
    assert text.code == module.code
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    for node, where in expected.items():
        assert text.start(node) == (where.start.line, where.start.column), node


@pytest.mark.parametrize("path", SOURCES[::3], ids=lambda path: f"{path.parent.name}/{path.name}")
def test_code_and_starts_equal_libcst(path: Path) -> None:
    _assert_like_libcst(cst.parse_module(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("", id="empty"),
        pytest.param("\n", id="one-newline"),
        pytest.param("x = 1", id="no-final-newline"),
        pytest.param("x = 1  # note", id="comment-without-final-newline"),
        pytest.param("# only a comment\n", id="comment-only"),
        pytest.param("#!/usr/bin/env python\n# header\n\nimport os\n", id="header-comments"),
        pytest.param("import os\n\n# footer\n", id="footer-comment"),
        pytest.param("def f():\r\n\treturn 1\r\n", id="crlf-tabs"),
        pytest.param("if x:\n    y = 1\nelse:\n    y = 2\n# end", id="compound-then-comment"),
    ],
)
def test_edge_layouts_equal_libcst(source: str) -> None:
    module = cst.parse_module(source)
    _assert_like_libcst(module)
    assert ModuleText(module).code == source


class _RenameY(cst.CSTTransformer):
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value="renamed") if updated_node.value == "y" else updated_node


def test_a_rewritten_tree_reuses_the_statements_it_kept() -> None:
    module_text.forget_statements()
    before = cst.parse_module("import os\n\ndef f(x):\n    return x + 1\n\n\ny = f(2)  # two\nprint(y)\n")
    after = walk.transform(before, _RenameY())  # rebuilds only what changed, as the passes do
    assert after.body[0] is before.body[0] and after.body[1] is before.body[1]
    assert after.body[2] is not before.body[2]
    text_of(before)
    kept = {id(statement): module_text._STATEMENTS[id(statement)] for statement in before.body}
    _assert_like_libcst(after)
    assert text_of(after).code == after.code
    for statement in after.body[:2]:
        assert module_text._STATEMENTS[id(statement)] is kept[id(statement)]
    assert module_text._STATEMENTS[id(after.body[2])].node is after.body[2]
    assert text_of(after) is text_of(after)


def test_a_statement_is_generated_again_for_another_layout() -> None:
    module = cst.parse_module("def f():\n    return 1\n")
    tabbed = module.with_changes(default_indent="\t", default_newline="\r\n")
    assert text_of(module).code == module.code
    assert text_of(tabbed).code == tabbed.code
    # The body keeps its own indentation; a newly built one would follow the module's layout.
    built = tabbed.with_changes(body=[cst.parse_statement("def g():\n    return 2\n")])
    assert text_of(built).code == built.code
