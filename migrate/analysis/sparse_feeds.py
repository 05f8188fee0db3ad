"""What a scope feeds its sparse placeholders.

A sparse placeholder becomes a function parameter with a `tf.SparseTensorSpec`. TF1 fed it a
`tf.SparseTensorValue` (a namedtuple of Python lists) and cast the values to the placeholder's
dtype; a `tf.function` casts nothing, so a value made of Python ints for a float placeholder
would not bind. Each value fed must therefore be traced to the `tf.SparseTensorValue(...)` calls
that make it: directly, through names bound to them, or through the scope's functions that
return one. Those calls become `tf.SparseTensor`s whose values carry the placeholder's dtype,
which is only the same program when nothing but the feeds sees them (a fetched
SparseTensorValue, or one whose lists the code reads, stays as it is): any other use of such a
name or function declines the scope, as does a value traced to nothing (a 3-tuple, a value
built elsewhere).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import libcst as cst

from migrate.analysis import walk
from migrate.analysis.declined import Declined
from migrate.analysis.graph_model import UNSUPPORTED_RUN, Placeholder, Resolver, RunSite
from migrate.analysis.syntax import NameCollector, code_of, nodes_of, string_literal

SPARSE_VALUE_API = "tf.SparseTensorValue"


def sparse_values(
    scope: Sequence[cst.BaseStatement],
    module: Sequence[cst.BaseStatement],
    sites: Sequence[RunSite],
    placeholders: Mapping[str, Placeholder],
    resolve: Resolver,
) -> dict[int, cst.BaseExpression]:
    """The `tf.SparseTensorValue(...)` calls of `scope` fed to sparse placeholders, by id, with
    the dtype each is fed as. `module` is every statement that could use what they make."""
    sparse = {name: p for name, p in placeholders.items() if p.sparse}
    if not sparse:
        return {}
    tracer = _Tracer(scope, resolve)
    for site in sites:
        for name, value in site.feeds:
            if name in sparse:
                for fed in tracer.fed_expressions(value, name):
                    tracer.trace(fed, sparse[name], fed)
    uses = _OtherUses(tracer)
    for statement in module:
        walk.visit(statement, uses)
    return tracer.dtypes()


class _Tracer:
    def __init__(self, scope: Sequence[cst.BaseStatement], resolve: Resolver) -> None:
        self.resolve = resolve
        self.assignments: dict[str, list[cst.Assign]] = {}
        for node in (found for statement in scope for found in nodes_of(statement, cst.Assign)):
            assert isinstance(node, cst.Assign)
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.assignments.setdefault(target.target.value, []).append(node)
        self.functions = {s.name.value: s for s in scope if isinstance(s, cst.FunctionDef)}
        self.fed: set[int] = set()  # expressions fed (or feed dict values)
        self.calls: dict[int, cst.Call] = {}  # calls whose results are fed: the makers and the functions
        self.names: set[str] = set()  # names bound only to fed values
        self.bindings: set[int] = set()  # the assignments binding them
        self.makers: set[str] = set()  # functions returning a SparseTensorValue
        self.fed_as: dict[int, dict[str, cst.BaseExpression]] = {}  # SparseTensorValue call -> dtypes by code
        self.traced: set[tuple[int, str]] = set()  # (expression, placeholder) pairs seen

    def fed_expressions(self, value: cst.BaseExpression, placeholder: str) -> list[cst.BaseExpression]:
        """The expressions a feed gives: `feed["x"]` of a feed dict built earlier stands for the
        value of each `x:` entry of the dicts bound to `feed`."""
        if not (isinstance(value, cst.Subscript) and isinstance(value.value, cst.Name) and len(value.slice) == 1):
            return [value]
        index = value.slice[0].slice
        if not (isinstance(index, cst.Index) and string_literal(index.value) == placeholder):
            return [value]
        found: list[cst.BaseExpression] = []
        for assignment in self.assignments.get(value.value.value, []):
            if isinstance(assignment.value, cst.Dict):
                found.extend(
                    element.value
                    for element in assignment.value.elements
                    if isinstance(element, cst.DictElement)
                    and isinstance(element.key, cst.Name)
                    and element.key.value == placeholder
                )
        return found or [value]

    def trace(self, value: cst.BaseExpression, placeholder: Placeholder, fed: cst.BaseExpression) -> None:
        self.fed.add(id(fed))
        if (id(value), placeholder.name) in self.traced:
            return
        self.traced.add((id(value), placeholder.name))
        if isinstance(value, cst.Call) and not any(arg.star for arg in value.args):
            if self.resolve(value.func) == SPARSE_VALUE_API:
                assert placeholder.dtype is not None
                self.calls[id(value)] = value
                self.fed_as.setdefault(id(value), {})[code_of(placeholder.dtype)] = placeholder.dtype
                return
            if isinstance(value.func, cst.Name) and value.func.value in self.functions:
                self.calls[id(value)] = value
                for returned in self._returned(value.func.value):
                    self.trace(returned, placeholder, returned)
                return
        if isinstance(value, cst.Name) and value.value in self.assignments:
            self.names.add(value.value)
            for assignment in self.assignments[value.value]:
                if len(assignment.targets) != 1:
                    break
                self.bindings.add(id(assignment))
                self.trace(assignment.value, placeholder, assignment.value)
            else:
                return
        raise Declined(
            UNSUPPORTED_RUN,
            f"feeding the sparse placeholder `{placeholder.name}` a value not made by tf.SparseTensorValue here",
            value,
        )

    def _returned(self, function: str) -> list[cst.BaseExpression]:
        node = self.functions[function]
        self.makers.add(function)
        returns = [r for r in nodes_of(node.body, cst.Return) if isinstance(r, cst.Return)]
        nested = nodes_of(node.body, cst.FunctionDef, cst.Lambda, cst.Yield)
        values = [r.value for r in returns if r.value is not None]
        if nested or not values or len(values) != len(returns):
            why = f"`{function}` makes what a sparse placeholder is fed in a form not traced"
            raise Declined(UNSUPPORTED_RUN, why, node)
        return values

    def dtypes(self) -> dict[int, cst.BaseExpression]:
        found: dict[int, cst.BaseExpression] = {}
        for call_id, dtypes in self.fed_as.items():
            if len(dtypes) != 1:
                why = "a tf.SparseTensorValue fed to sparse placeholders of different dtypes"
                raise Declined(UNSUPPORTED_RUN, why, self.calls[call_id])
            found[call_id] = next(iter(dtypes.values()))
        return found


class _OtherUses(NameCollector):
    """Refuses any use of a traced name or function other than binding, feeding or calling it."""

    def __init__(self, tracer: _Tracer) -> None:
        super().__init__()
        self.t = tracer
        self.allowed: set[int] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if id(node) in self.t.bindings:
            self.allowed.add(id(node.targets[0].target))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.name.value in self.t.makers:
            self.allowed.add(id(node.name))

    def visit_Call(self, node: cst.Call) -> None:
        if id(node) in self.t.calls:
            self.allowed.add(id(node.func))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value not in self.t.names and node.value not in self.t.makers:
            return
        if id(node) not in self.allowed and id(node) not in self.t.fed:
            why = f"`{node.value}` makes what a sparse placeholder is fed, and is used otherwise"
            raise Declined(UNSUPPORTED_RUN, why, node)
