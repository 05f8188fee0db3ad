"""A call's arguments matched to the parameters of the function it calls, and keyword arguments
written the way the rules write them (`name=value`, no spaces around `=`)."""

from __future__ import annotations

import enum
from collections.abc import Sequence

import libcst as cst

from migrate.analysis.declined import Declined


class ArgumentsNotBound(Exception):
    """The arguments of a call cannot be matched to its parameters; the message says why."""


class UnknownKeywords(enum.Enum):
    """What a keyword argument that names none of the parameters given means.

    BIND: the parameters given are the ones the rule reads, not the whole signature (the callee
    takes more, or `**kwargs`); the keyword is bound under its own name and the rule decides.
    REFUSE: the parameters given are the whole signature the rule knows how to convert; any
    other keyword makes the call one it cannot match.
    """

    BIND = "bind"
    REFUSE = "refuse"


def bind_arguments(
    call: cst.Call, parameters: Sequence[str], *, unknown_keywords: UnknownKeywords
) -> dict[str, cst.Arg]:
    """Each argument of `call` under the name of the parameter it fills, in the call's order.

    Whatever the policy, a call is refused (ArgumentsNotBound) when which argument fills which
    parameter cannot be known or is not one answer: `*args` / `**kwargs` are passed, there are
    more positional arguments than `parameters`, or one parameter is given twice.
    """
    if any(arg.star for arg in call.args):
        raise ArgumentsNotBound("arguments passed with *")
    positional = [arg for arg in call.args if arg.keyword is None]
    if len(positional) > len(parameters):
        raise ArgumentsNotBound("too many positional arguments")
    bound: dict[str, cst.Arg] = dict(zip(parameters, positional))
    for arg in call.args:
        if arg.keyword is None:
            continue
        name = arg.keyword.value
        if unknown_keywords is UnknownKeywords.REFUSE and name not in parameters:
            raise ArgumentsNotBound(f"unknown argument {name}=")
        if name in bound:
            raise ArgumentsNotBound(f"argument {name}= given twice")
        bound[name] = arg
    return bound


def bind_arguments_or_none(
    call: cst.Call, parameters: Sequence[str], *, unknown_keywords: UnknownKeywords
) -> dict[str, cst.Arg] | None:
    """`bind_arguments`, or None for a call it refuses: for rules that then leave the call as it is."""
    try:
        return bind_arguments(call, parameters, unknown_keywords=unknown_keywords)
    except ArgumentsNotBound:
        return None


def bound_values(
    call: cst.Call, parameters: Sequence[str], *, unknown_keywords: UnknownKeywords
) -> dict[str, cst.BaseExpression]:
    """`bind_arguments`, with the value each parameter is given."""
    bound = bind_arguments(call, parameters, unknown_keywords=unknown_keywords)
    return {name: arg.value for name, arg in bound.items()}


def values_or_declined(
    call: cst.Call, parameters: Sequence[str], *, unknown_keywords: UnknownKeywords, code: str, reason: str = ""
) -> dict[str, cst.BaseExpression]:
    """`bound_values`, for a rule that declines a call it cannot bind: `Declined(code)` at the
    call, saying `reason` (by default, why the arguments did not bind)."""
    try:
        return bound_values(call, parameters, unknown_keywords=unknown_keywords)
    except ArgumentsNotBound as problem:
        raise Declined(code, reason or str(problem), call) from None


def keyword_arg(name: str, value: cst.BaseExpression, like: cst.Arg | None = None) -> cst.Arg:
    """`name=value`, keeping the comma and whitespace of `like` when given."""
    keyword = cst.Name(name)
    equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
    if like is not None:
        return like.with_changes(keyword=keyword, equal=equal, value=value)
    return cst.Arg(value=value, keyword=keyword, equal=equal)
