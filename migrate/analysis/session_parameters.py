"""Step functions given the session as an argument: the parameter goes, and the function reads
the scope's session as the ones that close over it do (migrate.analysis.step_functions).

    def train(sess, X, Y):
        _, l = sess.run([train_op, loss], {x: X, y: Y})

    with tf.Session() as sess:
        train(sess, data, labels)

The parameter is named as the session, and every call of `train` in the scope (from the scope
itself or from another such function) gives it that session by that name: inside `train` it
always held the session the scope opened. `train` becomes `def train(X, Y):`, reading `sess`,
and its calls drop the argument. The function must be called only by name, with no unpacked
arguments, and must not bind the name itself; otherwise nothing changes here, and the step
function rules refuse it as before."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import libcst as cst

from migrate.analysis import walk
from migrate.analysis.syntax import assigned_names, nodes_of


def without_session_parameters(
    statements: Sequence[cst.BaseStatement], steps: Collection[str], sessions: Collection[str]
) -> list[cst.BaseStatement]:
    """`statements` with the session parameters of the step functions `steps` taken out, where
    every call gives them the session of that name; as they were otherwise."""
    functions = {
        s.name.value: s for s in statements if isinstance(s, cst.FunctionDef) and s.name.value in steps
    }
    calls = [
        call
        for statement in statements
        for call in nodes_of(statement, cst.Call)
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in functions
    ]
    found: dict[str, tuple[int, str]] = {}
    for name, function in functions.items():
        parameter = _session_parameter(function, [c for c in calls if _called(c) == name], sessions)
        if parameter is not None:
            found[name] = parameter
    if not found:
        return list(statements)
    rewriter = _DropSessionParameters(found)
    return [walk.transform(statement, rewriter) for statement in statements]


def _called(call: cst.Call) -> str:
    assert isinstance(call.func, cst.Name)
    return call.func.value


def _session_parameter(
    function: cst.FunctionDef, calls: Sequence[cst.Call], sessions: Collection[str]
) -> tuple[int, str] | None:
    """The position and name of the parameter named as a session that every call gives that
    session, None if there is none."""
    params = function.params
    if not calls or params.star_arg is not cst.MaybeSentinel.DEFAULT or params.posonly_params:
        return None
    named = [(i, p) for i, p in enumerate(params.params) if p.name.value in sessions]
    if len(named) != 1:
        return None
    position, param = named[0]
    name = param.name.value
    if param.default is not None or name in assigned_names(function.body):
        return None
    for call in calls:
        if any(arg.star for arg in call.args):
            return None
        value = _argument(call, position, name)
        if not (isinstance(value, cst.Name) and value.value == name):
            return None
    return position, name


def _argument(call: cst.Call, position: int, name: str) -> cst.BaseExpression | None:
    for index, arg in enumerate(call.args):
        if arg.keyword is None and index == position:
            return arg.value
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


class _DropSessionParameters(cst.CSTTransformer):
    def __init__(self, found: Mapping[str, tuple[int, str]]) -> None:
        self.found = found

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        parameter = self.found.get(original_node.name.value)
        if parameter is None:
            return updated_node
        params = [p for p in updated_node.params.params if p.name.value != parameter[1]]
        if params:
            params[-1] = params[-1].with_changes(comma=updated_node.params.params[-1].comma)
        return updated_node.with_changes(params=updated_node.params.with_changes(params=params))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        func = original_node.func
        parameter = self.found.get(func.value) if isinstance(func, cst.Name) else None
        if parameter is None:
            return updated_node
        position, name = parameter
        args = [
            arg
            for index, arg in enumerate(updated_node.args)
            if not (arg.keyword is None and index == position)
            and not (arg.keyword is not None and arg.keyword.value == name)
        ]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(args=args)
