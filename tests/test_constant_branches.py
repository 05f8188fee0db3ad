"""The branches a constructor takes for the literal arguments it is built with."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from migrate.analysis import constant_branches
from migrate.analysis.constant_branches import TakenBranches

OUTCOMES = [
    pytest.param("flag", {"flag": True}, True, id="name"),
    pytest.param("not flag", {"flag": True}, False, id="not"),
    pytest.param("flag is None", {"flag": None}, True, id="is-none"),
    pytest.param("flag is not None", {"flag": 3}, True, id="is-not-none"),
    pytest.param('mode == "train"', {"mode": "eval"}, False, id="equal-string"),
    pytest.param('mode != "train"', {"mode": "eval"}, True, id="not-equal"),
    pytest.param('mode in ("train", "tune")', {"mode": "tune"}, True, id="in-tuple"),
    pytest.param("flag and size > 2", {"flag": True, "size": 3}, None, id="ordering-undecided"),
    pytest.param("flag and other", {"flag": True}, None, id="unknown-name"),
    pytest.param("flag or other", {"flag": False}, None, id="unknown-or"),
    pytest.param("a and not b", {"a": True, "b": False}, True, id="and"),
    pytest.param("size is 3", {"size": 3}, None, id="identity-of-number"),
    pytest.param("flag()", {"flag": True}, None, id="call"),
]


@pytest.mark.parametrize("test, known, expected", OUTCOMES)
def test_outcome(test: str, known: dict[str, object], expected: bool | None) -> None:
    assert constant_branches.outcome(cst.parse_expression(test), known) is expected


def test_constants_are_literal_arguments_never_rebound() -> None:
    body = cst.parse_module("if is_training:\n    rate = 0.5\nbatch = 1\n")
    arguments = [
        ("is_training", cst.parse_expression("True")),
        ("batch", cst.parse_expression("4")),  # rebound in the body
        ("scope", cst.parse_expression('"policy"')),
        ("size", cst.parse_expression("hidden_size")),  # not a literal
        ("shape", cst.parse_expression("(2, -1)")),
    ]
    assert constant_branches.constants(arguments, body) == {"is_training": True, "scope": "policy", "shape": (2, -1)}


BRANCHES = [
    pytest.param(
        """
        x = 1
        # the optimizer
        if is_training:
            y = 2  # kept
        else:
            y = 3
        """,
        {"is_training": True},
        """
        x = 1
        # the optimizer
        y = 2  # kept
        """,
        id="if-taken",
    ),
    pytest.param(
        """
        if is_training:
            y = 2
        z = 1
        """,
        {"is_training": False},
        """
        z = 1
        """,
        id="if-not-taken-without-else",
    ),
    pytest.param(
        """
        if mode == "train":
            d = 1
        elif mode == "eval":
            d = 2
        else:
            d = 3
        """,
        {"mode": "eval"},
        """
        d = 2
        """,
        id="elif-taken",
    ),
    pytest.param(
        """
        if mode == "train":
            d = 1
        elif ready:
            d = 2
        else:
            d = 3
        """,
        {"mode": "eval"},
        """
        if ready:
            d = 2
        else:
            d = 3
        """,
        id="undecided-elif-becomes-if",
    ),
    pytest.param(
        """
        with scope:
            if not reuse:
                w = make()
        """,
        {"reuse": True},
        """
        with scope:
            pass
        """,
        id="emptied-block-passes",
    ),
    pytest.param(
        """
        def helper(flag):
            if flag:
                return 1
        if flag:
            done = True
        """,
        {"flag": False},
        """
        def helper(flag):
            if flag:
                return 1
        """,
        id="parameter-of-nested-function-kept",
    ),
    pytest.param(
        """
        if size > limit:
            big = True
        """,
        {"size": 3},
        """
        if size > limit:
            big = True
        """,
        id="undecided-kept",
    ),
]


@pytest.mark.parametrize("source, known, expected", BRANCHES)
def test_taken_branches(source: str, known: dict[str, object], expected: str) -> None:
    module = cst.parse_module(textwrap.dedent(source).lstrip("\n"))
    assert module.visit(TakenBranches(known)).code == textwrap.dedent(expected).lstrip("\n")
