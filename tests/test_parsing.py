"""`parsing.parse_module` builds libcst's own tree, and leaves node checks on for everyone else."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrate.analysis import parsing

ROOT = Path(__file__).parent.parent
SOURCES = sorted([*(ROOT / "tests" / "fixtures").glob("*/*.py"), *(ROOT / "legacy_examples").glob("*.py")])
LAYOUTS = [
    pytest.param("", id="empty"),
    pytest.param("x = 1", id="no-final-newline"),
    pytest.param("if x:\r\n\ty = 1\r\n", id="crlf-tabs"),
    pytest.param("# -*- coding: latin-1 -*-\ns = 'caf\u00e9'\n", id="encoding-cookie"),
    pytest.param("x = (1 +\\\n     2)  # continued\n", id="backslash-continuation"),
]


@pytest.mark.parametrize(
    "source", [*(pytest.param(p.read_text(), id=str(p.relative_to(ROOT))) for p in SOURCES), *LAYOUTS]
)
def test_same_tree_as_libcst(source: str) -> None:
    fast = parsing.parse_module(source)
    assert fast.deep_equals(cst.parse_module(source))
    assert fast.code == source


def test_checks_stay_on_after_a_parse() -> None:
    parsing.parse_module("x = 1\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")


def test_checks_stay_on_after_a_failed_parse() -> None:
    with pytest.raises(cst.ParserSyntaxError):
        parsing.parse_module("def (:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.SimpleWhitespace("x")
