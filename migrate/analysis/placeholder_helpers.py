"""Functions that only make a placeholder: `def new_input(dims, name=None): return
tf.placeholder(tf.float32, shape=dims, name=name)`.

Each call of one makes a placeholder, as the call written in its place would, so a call at the
scope's own level (`x = new_input([None, 3])`) is a placeholder whose dtype, shape and name are
the helper's returned call with the call's arguments put in for the parameters. The conversion
then leaves no use of the helper, and it goes with the placeholders. Only helpers every use of
which is such a call of the same scope take part: any other use keeps the helper, and the scope
declines as before (a placeholder inside a compound statement).
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from migrate.analysis.call_arguments import UnknownKeywords, bind_arguments_or_none
from migrate.analysis.graph_model import Resolver
from migrate.analysis.syntax import NameSubstitution, assigned_call, is_docstring, nodes_of

PLAIN_PLACEHOLDER = "tf.placeholder"
# Defaults put in for a parameter the call leaves out: values that mean the same wherever the
# placeholder's arguments are read (a name could be bound again between the definition and a call).
_CONSTANT_DEFAULTS = (cst.Integer, cst.Float, cst.SimpleString, cst.Attribute)
_CONSTANT_NAMES = frozenset({"None", "True", "False"})


def placeholder_helpers(nodes: Sequence[cst.BaseStatement], resolve: Resolver) -> tuple[cst.FunctionDef, ...]:
    """The helpers among `nodes` whose every use in them is `target = helper(...)` at their level."""
    found: list[cst.FunctionDef] = []
    for node in nodes:
        if not isinstance(node, cst.FunctionDef) or _returned_placeholder(node, resolve) is None:
            continue
        name = node.name.value
        # Only calls whose arguments bind: a helper a call of which stayed would be gone.
        calls = sum(
            1 for statement in nodes
            if (call := _helper_call(statement, name)) is not None and _bind(node, call) is not None
        )
        references = sum(_references(statement, name) for statement in nodes)
        if calls and references == calls + 1:  # the calls' callees and the def's own name
            found.append(node)
    return tuple(found)


def helper_placeholder(
    statement: cst.BaseStatement, helpers: Sequence[cst.FunctionDef], resolve: Resolver
) -> cst.Call | None:
    """The placeholder call `target = helper(args)` stands for, its arguments put in; None when
    `statement` is no such line or its arguments do not bind."""
    for helper in helpers:
        call = _helper_call(statement, helper.name.value)
        if call is None:
            continue
        returned = _returned_placeholder(helper, resolve)
        bound = _bind(helper, call)
        if returned is None or bound is None:
            return None
        substituted = returned.visit(NameSubstitution(bound))
        assert isinstance(substituted, cst.Call)
        return substituted
    return None


def _returned_placeholder(node: cst.FunctionDef, resolve: Resolver) -> cst.Call | None:
    """The `tf.placeholder(...)` call a helper returns, when returning it is all it does."""
    if not isinstance(node.body, cst.IndentedBlock) or node.asynchronous or node.decorators:
        return None
    params = node.params
    if not isinstance(params.star_arg, cst.MaybeSentinel) or params.star_kwarg:
        return None
    if params.kwonly_params or params.posonly_params:
        return None
    if any(p.default is not None and not _constant(p.default) for p in params.params):
        return None
    lines = list(node.body.body)
    if lines and is_docstring(lines[0]):
        lines = lines[1:]
    if len(lines) != 1 or not isinstance(lines[0], cst.SimpleStatementLine) or len(lines[0].body) != 1:
        return None
    returned = lines[0].body[0]
    if not isinstance(returned, cst.Return) or not isinstance(returned.value, cst.Call):
        return None
    call = returned.value
    if resolve(call.func) != PLAIN_PLACEHOLDER or any(arg.star for arg in call.args):
        return None
    return call


def _constant(default: cst.BaseExpression) -> bool:
    if isinstance(default, cst.Name):
        return default.value in _CONSTANT_NAMES
    return isinstance(default, _CONSTANT_DEFAULTS)


def _helper_call(statement: cst.BaseStatement, name: str) -> cst.Call | None:
    assigned = assigned_call(statement)
    if assigned is None or not (isinstance(assigned[1].func, cst.Name) and assigned[1].func.value == name):
        return None
    return assigned[1]


def _references(node: cst.CSTNode, name: str) -> int:
    return sum(1 for found in nodes_of(node, cst.Name) if isinstance(found, cst.Name) and found.value == name)


def _bind(helper: cst.FunctionDef, call: cst.Call) -> dict[str, cst.BaseExpression] | None:
    """Each parameter's value at `call`: its argument, else its default."""
    params = helper.params.params
    bound = bind_arguments_or_none(call, [p.name.value for p in params], unknown_keywords=UnknownKeywords.REFUSE)
    if bound is None:
        return None
    values = {name: arg.value for name, arg in bound.items()}
    for param in params:
        if param.name.value not in values:
            if param.default is None:
                return None
            values[param.name.value] = param.default
    return values
