"""Binding a call's arguments to parameters, under each policy, and the keyword arguments rules write."""

from __future__ import annotations

import libcst as cst
import pytest

from migrate.analysis.call_arguments import (
    ArgumentsNotBound,
    UnknownKeywords,
    bind_arguments,
    bind_arguments_or_none,
    bound_values,
    keyword_arg,
)

PARAMETERS = ("x", "rate", "name")


def _call(text: str) -> cst.Call:
    call = cst.parse_expression(text)
    assert isinstance(call, cst.Call)
    return call


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


@pytest.mark.parametrize("policy", list(UnknownKeywords))
def test_positional_then_keyword_arguments_in_call_order(policy: UnknownKeywords) -> None:
    bound = bound_values(_call("f(a, name='n', rate=0.5)"), PARAMETERS, unknown_keywords=policy)
    assert list(bound) == ["x", "name", "rate"]
    assert [_code(value) for value in bound.values()] == ["a", "'n'", "0.5"]


def test_bound_arguments_keep_their_text() -> None:
    bound = bind_arguments(_call("f(a ,  rate = 0.5)"), PARAMETERS, unknown_keywords=UnknownKeywords.REFUSE)
    assert _code(bound["x"]) == "a ,  "
    assert _code(bound["rate"]) == "rate = 0.5"


def test_unknown_keyword_bound_under_its_own_name() -> None:
    bound = bound_values(_call("f(a, seed=1)"), PARAMETERS, unknown_keywords=UnknownKeywords.BIND)
    assert _code(bound["seed"]) == "1"


def test_unknown_keyword_refused() -> None:
    with pytest.raises(ArgumentsNotBound, match="unknown argument seed="):
        bind_arguments(_call("f(a, seed=1)"), PARAMETERS, unknown_keywords=UnknownKeywords.REFUSE)
    assert bind_arguments_or_none(_call("f(a, seed=1)"), PARAMETERS, unknown_keywords=UnknownKeywords.REFUSE) is None


@pytest.mark.parametrize("policy", list(UnknownKeywords))
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("f(*args)", "arguments passed with \\*"),
        ("f(a, **options)", "arguments passed with \\*"),
        ("f(a, b, c, d)", "too many positional arguments"),
        ("f(a, x=b)", "argument x= given twice"),
    ],
)
def test_calls_no_policy_can_bind(text: str, reason: str, policy: UnknownKeywords) -> None:
    with pytest.raises(ArgumentsNotBound, match=reason):
        bind_arguments(_call(text), PARAMETERS, unknown_keywords=policy)
    assert bind_arguments_or_none(_call(text), PARAMETERS, unknown_keywords=policy) is None


def test_keyword_arg_is_written_without_spaces() -> None:
    assert _code(keyword_arg("axis", cst.Integer("1"))) == "axis=1"


def test_keyword_arg_keeps_the_comma_and_whitespace_of_the_argument_it_replaces() -> None:
    like = _call("f(keep_prob = 0.8,  )").args[0]
    assert _code(keyword_arg("rate", cst.Float("0.2"), like)) == "rate=0.2,  "
