"""Step functions given the session as an argument: the parameter goes, and the function reads
the scope's session as the ones that close over it do (migrate.analysis.step_functions).

    def run_epoch(session, X, Y):
        _, l = session.run([train_op, loss], {x: X, y: Y})

    with tf.Session() as sess:
        run_epoch(sess, data, labels)

Every call of `run_epoch` in the scope gives the parameter the same session: the scope's `sess`,
or, from another such function, its own parameter that holds it. Inside `run_epoch` the
parameter always held that session, so it becomes `def run_epoch(X, Y):` reading `sess` where
it read `session`, and its calls drop the argument. The function must be called only by name,
with no unpacked arguments, must not bind the parameter or the session's name itself, and must
define no functions, lambdas or comprehensions that could bind them; otherwise nothing changes
here, and the step function rules refuse it as before.

The graph values a step function is given go the same way, as TensorFlow's
fully_connected_feed.py gives its evaluation helper the tensor and placeholders it runs:

    def do_eval(sess, eval_correct, images_placeholder, labels_placeholder, data_set):
        ...
        true_count += sess.run(eval_correct, feed_dict=fill_feed_dict(data_set, ...))

    do_eval(sess, eval_correct, images_placeholder, labels_placeholder, train_set)

A parameter that every call, made in the scope, gives the same graph value of the scope reads
that value itself: the function closes over it, as it would had it been written so."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from migrate.analysis import walk
from migrate.analysis.syntax import (
    COMPREHENSIONS,
    assigned_names,
    call_argument,
    local_names,
    nodes_of,
    scope_bindings,
)


@dataclass(frozen=True)
class _Parameter:
    name: str
    position: int  # among the positional parameters
    value: str  # the scope's name (a session, a graph value) every call gives it


def without_session_parameters(
    statements: Sequence[cst.BaseStatement], steps: Collection[str], sessions: Collection[str]
) -> list[cst.BaseStatement]:
    """`statements` with the session parameters of the step functions `steps` taken out, where
    every call gives them one session of `sessions`; as they were otherwise."""
    functions = {
        s.name.value: s for s in statements if isinstance(s, cst.FunctionDef) and s.name.value in steps
    }
    # Each call of those functions, with the function of the scope it is made in (None: the scope).
    calls: list[tuple[cst.Call, str | None]] = []
    for statement in statements:
        within = statement.name.value if isinstance(statement, cst.FunctionDef) else None
        for call in nodes_of(statement, cst.Call):
            assert isinstance(call, cst.Call)
            if isinstance(call.func, cst.Name) and call.func.value in functions:
                calls.append((call, within))
    found: dict[str, _Parameter] = {}
    grown = True
    while grown:  # a function passes its own parameter on: settled once its callers' are
        grown = False
        for name, function in functions.items():
            if name not in found:
                mine = [(call, within) for call, within in calls if _called(call) == name]
                parameter = _session_parameter(function, mine, sessions, functions, found)
                if parameter is not None:
                    found[name] = parameter
                    grown = True
    if not found:
        return list(statements)
    return [walk.transform(statement, _DropParameters({k: [v] for k, v in found.items()})) for statement in statements]


def without_graph_parameters(
    statements: Sequence[cst.BaseStatement], steps: Collection[str], graph_values: Collection[str]
) -> list[cst.BaseStatement] | None:
    """`statements` with the parameters of the step functions `steps` that every call gives
    the same one of the scope's `graph_values` taken out, the functions reading the value
    itself; None when there is no such parameter."""
    functions = {
        s.name.value: s for s in statements if isinstance(s, cst.FunctionDef) and s.name.value in steps
    }
    calls: dict[str, list[cst.Call]] = {name: [] for name in functions}
    for statement in statements:
        # A call made in a scope of its own may pass a name of that scope: a function's, a
        # lambda's, a comprehension's.
        nested = nodes_of(statement, cst.FunctionDef, cst.ClassDef, cst.Lambda, *COMPREHENSIONS)
        inner = {id(call) for node in nested for call in nodes_of(node, cst.Call)}
        for call in nodes_of(statement, cst.Call):
            assert isinstance(call, cst.Call)
            if isinstance(call.func, cst.Name) and call.func.value in functions:
                if id(call) in inner:
                    return None
                calls[call.func.value].append(call)
    found: dict[str, list[_Parameter]] = {}
    for name, function in functions.items():
        # Only values bound before the definition: the function must not read graph built after it.
        index = next(i for i, s in enumerate(statements) if s is function)
        before = frozenset().union(*(scope_bindings(s) for s in statements[:index])) & set(graph_values)
        parameters = _graph_parameters(function, calls[name], before)
        if parameters:
            found[name] = parameters
    if not found:
        return None
    return [walk.transform(statement, _DropParameters(found)) for statement in statements]


def _graph_parameters(
    function: cst.FunctionDef, calls: Sequence[cst.Call], graph_values: Collection[str]
) -> list[_Parameter]:
    """The positional parameters every call of `function` gives the same graph value, where the
    function can read the value in their place."""
    params = function.params
    if not calls or params.star_arg is not cst.MaybeSentinel.DEFAULT or params.posonly_params:
        return []
    if any(arg.star for call in calls for arg in call.args):
        return []
    if nodes_of(function.body, cst.Global, cst.Nonlocal):
        return []
    assigned = assigned_names(function.body)
    locals_ = local_names(function)
    names = [p.name.value for p in params.params]
    found: list[_Parameter] = []
    for position, (name, param) in enumerate(zip(names, params.params, strict=True)):
        given = {_name_of(call_argument(call, position, name)) for call in calls}
        if len(given) != 1 or param.default is not None or name in assigned:
            continue
        (value,) = given
        if value is None or value not in graph_values:
            continue
        if value != name and (value in locals_ or _nested_scopes(function)):
            continue
        found.append(_Parameter(name, position, value))
    values = [p.value for p in found]
    if len(set(values)) != len(values):
        return []  # two parameters given one value: one would be renamed to the other's name
    return found


def _name_of(value: cst.BaseExpression | None) -> str | None:
    return value.value if isinstance(value, cst.Name) else None


def _called(call: cst.Call) -> str:
    assert isinstance(call.func, cst.Name)
    return call.func.value


def _session_parameter(
    function: cst.FunctionDef,
    calls: Sequence[tuple[cst.Call, str | None]],
    sessions: Collection[str],
    functions: Mapping[str, cst.FunctionDef],
    found: Mapping[str, _Parameter],
) -> _Parameter | None:
    """The positional parameter every call gives the same session, None if there is no such
    one parameter or the function could not read the session in its place."""
    params = function.params
    if not calls or params.star_arg is not cst.MaybeSentinel.DEFAULT or params.posonly_params:
        return None
    names = [p.name.value for p in params.params]
    given: list[set[str | None]] = [set() for _ in names]
    for call, within in calls:
        if any(arg.star for arg in call.args):
            return None
        for position, name in enumerate(names):
            value = call_argument(call, position, name)
            given[position].add(_session_held(value, within, sessions, functions, found))
    chosen = [i for i, held in enumerate(given) if len(held) == 1 and None not in held]
    if len(chosen) != 1:
        return None
    position = chosen[0]
    name, (session,) = names[position], given[position]
    assert session is not None
    if params.params[position].default is not None or name in assigned_names(function.body):
        return None
    if session != name and (session in local_names(function) or _nested_scopes(function)):
        return None
    if any(isinstance(s, (cst.Global, cst.Nonlocal)) for s in nodes_of(function.body, cst.Global, cst.Nonlocal)):
        return None
    return _Parameter(name, position, session)


def _nested_scopes(function: cst.FunctionDef) -> bool:
    return bool(nodes_of(function.body, cst.FunctionDef, cst.ClassDef, cst.Lambda, *COMPREHENSIONS))


def _session_held(
    value: cst.BaseExpression | None,
    within: str | None,
    sessions: Collection[str],
    functions: Mapping[str, cst.FunctionDef],
    found: Mapping[str, _Parameter],
) -> str | None:
    """The scope's session a call argument holds: a session's name read in the scope, or in a
    function, its session parameter (once settled) or a session it does not bind itself."""
    if not isinstance(value, cst.Name):
        return None
    if within is None:
        return value.value if value.value in sessions else None
    own = found.get(within)
    if own is not None and value.value == own.name:
        return own.value
    if value.value in local_names(functions[within]):
        return None
    return value.value if value.value in sessions else None


class _DropParameters(cst.CSTTransformer):
    """Takes the parameters out of the functions and the arguments out of their calls, and
    renames a parameter named otherwise than its value where the function reads it."""

    def __init__(self, found: Mapping[str, Sequence[_Parameter]]) -> None:
        self.found = found
        self.renaming: dict[str, str] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        parameters = self.found.get(node.name.value, ())
        self.renaming = {p.name: p.value for p in parameters if p.name != p.value}

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        parameters = self.found.get(original_node.name.value)
        if parameters is None:
            return updated_node
        self.renaming = {}
        gone = {p.position for p in parameters}
        kept = [p for i, p in enumerate(updated_node.params.params) if i not in gone]
        if kept:
            kept[-1] = kept[-1].with_changes(comma=updated_node.params.params[-1].comma)
        return updated_node.with_changes(params=updated_node.params.with_changes(params=kept))

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value in self.renaming:
            return updated_node.with_changes(value=self.renaming[original_node.value])
        return updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        if updated_node.attr is original_node.attr:
            return updated_node
        return updated_node.with_changes(attr=original_node.attr)  # `x.session` names no variable

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        if updated_node.keyword is original_node.keyword:
            return updated_node
        return updated_node.with_changes(keyword=original_node.keyword)  # nor does `f(session=...)`

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        func = original_node.func
        parameters = self.found.get(func.value) if isinstance(func, cst.Name) else None
        if parameters is None:
            return updated_node
        positions = {p.position for p in parameters}
        names = {p.name for p in parameters}
        args = [
            arg
            for index, arg in enumerate(updated_node.args)
            if not (arg.keyword is None and index in positions)
            and not (arg.keyword is not None and arg.keyword.value in names)
        ]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(args=args)
