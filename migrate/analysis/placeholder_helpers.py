"""Functions that only make placeholders: `def new_input(dims, name=None): return
tf.placeholder(tf.float32, shape=dims, name=name)`, or several, as TensorFlow's
fully_connected_feed.py makes its inputs:

    def placeholder_inputs(batch_size):
        images_placeholder = tf.placeholder(tf.float32, shape=(batch_size, IMAGE_PIXELS))
        labels_placeholder = tf.placeholder(tf.int32, shape=(batch_size))
        return images_placeholder, labels_placeholder

Each call of one makes its placeholders, as the calls written in its place would, so a call at
the scope's own level (`x = new_input([None, 3])`, `images, labels = placeholder_inputs(100)`)
stands for placeholders whose dtype, shape and name are the helper's calls with the call's
arguments put in for the parameters. The conversion then leaves no use of the helper, and it
goes with the placeholders. Only helpers every use of which is such a call of the same scope
take part: any other use keeps the helper, and the scope declines as before (a placeholder
inside a compound statement).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import libcst as cst

from migrate.analysis.call_arguments import UnknownKeywords, bind_arguments_or_none
from migrate.analysis.graph_model import Resolver
from migrate.analysis.syntax import NameSubstitution, assigned_call, is_docstring, names_in, nodes_of, unpacked_call

PLAIN_PLACEHOLDER = "tf.placeholder"
# Defaults put in for a parameter the call leaves out: values that mean the same wherever the
# placeholder's arguments are read (a name could be bound again between the definition and a call).
_CONSTANT_DEFAULTS = (cst.Integer, cst.Float, cst.SimpleString, cst.Attribute)
_CONSTANT_NAMES = frozenset({"None", "True", "False"})


def placeholder_helpers(nodes: Sequence[cst.BaseStatement], resolve: Resolver) -> tuple[cst.FunctionDef, ...]:
    """The helpers among `nodes` whose every use in them is `target = helper(...)` (one name for
    each placeholder it returns) at their level."""
    found: list[cst.FunctionDef] = []
    for node in nodes:
        returned = _returned_placeholders(node, resolve) if isinstance(node, cst.FunctionDef) else None
        if not isinstance(node, cst.FunctionDef) or returned is None:
            continue
        name = node.name.value
        # Only calls whose arguments bind: a helper a call of which stayed would be gone.
        calls = sum(
            1 for statement in nodes
            if (call := _helper_call(statement, name, len(returned))) is not None and _bind(node, call) is not None
        )
        references = sum(_references(statement, name) for statement in nodes)
        if calls and references == calls + 1:  # the calls' callees and the def's own name
            found.append(node)
    return tuple(found)


def helper_placeholders(
    statement: cst.BaseStatement, helpers: Sequence[cst.FunctionDef], resolve: Resolver
) -> list[cst.Call] | None:
    """The placeholder calls `target = helper(args)` (or `a, b = helper(args)`) stands for, in
    the order of its targets, their arguments put in; None when `statement` is no such line or
    its arguments do not bind."""
    for helper in helpers:
        returned = _returned_placeholders(helper, resolve)
        if returned is None:
            continue
        call = _helper_call(statement, helper.name.value, len(returned))
        if call is None:
            continue
        bound = _bind(helper, call)
        if bound is None:
            return None
        substituted = [made.visit(NameSubstitution(bound)) for made in returned]
        return [cast(cst.Call, made) for made in substituted]
    return None


def _returned_placeholders(node: cst.FunctionDef, resolve: Resolver) -> list[cst.Call] | None:
    """The `tf.placeholder(...)` calls a helper returns, when making and returning them is all
    it does: `return tf.placeholder(...)`, or `a = tf.placeholder(...)` lines and `return a, b`."""
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
    if not lines or not all(isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 for line in lines):
        return None
    *made, last = [cast(cst.SimpleStatementLine, line) for line in lines]
    returned = last.body[0]
    if not isinstance(returned, cst.Return) or returned.value is None:
        return None
    if not made and isinstance(returned.value, cst.Call):
        calls = [returned.value]
    else:
        assigned = [assigned_call(line) for line in made]
        locals_ = {a[0]: a[1] for a in assigned if a is not None}
        names = [e.value for e in returned.value.elements] if isinstance(returned.value, cst.Tuple) else []
        if (
            len(locals_) != len(made)
            or len(names) != len(made)
            or not all(isinstance(n, cst.Name) and n.value in locals_ for n in names)
            or len({cast(cst.Name, n).value for n in names}) != len(names)
        ):
            return None
        calls = [locals_[cast(cst.Name, n).value] for n in names]
        # A placeholder's arguments read the helper's parameters only, not the others it made.
        if any(names_in(call) & set(locals_) for call in calls):
            return None
    if any(resolve(call.func) != PLAIN_PLACEHOLDER or any(arg.star for arg in call.args) for call in calls):
        return None
    return calls


def _constant(default: cst.BaseExpression) -> bool:
    if isinstance(default, cst.Name):
        return default.value in _CONSTANT_NAMES
    return isinstance(default, _CONSTANT_DEFAULTS)


def _helper_call(statement: cst.BaseStatement, name: str, targets: int) -> cst.Call | None:
    assigned = unpacked_call(statement)
    if assigned is None or not (isinstance(assigned[1].func, cst.Name) and assigned[1].func.value == name):
        return None
    return assigned[1] if len(assigned[0]) == targets else None


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
