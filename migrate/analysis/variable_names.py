"""The names TF1 gave the `tf.Variable`s of a scope, as a Saver saved them.

TF1 named a variable by the name scopes open where it was made and its `name=` ("Variable"
without one), made unique within its graph by `Graph.unique_name` against every name taken
before it (variables, ops named by a literal, name scopes): the second `Variable` of a scope is
`Variable_1`, the second `w` is `w_1`, and names differing only in case count as one. A
checkpoint converted from TF1 finds each variable under that name, so a name this module
cannot be sure of is reported with why, never guessed: a name that is not a string literal, or
made in a name scope whose name is not one, or that TF1 numbered (a scope opened twice, or
named like something made before).

Each top-level reset of the default graph, and each `with tf.Graph().as_default():` block,
starts a graph whose names count afresh. A call of a variable factory (`W =
weight_variable(shape)`, a function returning the one `tf.Variable` it makes) makes its
variable where it is called.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.graph_model import SESSION_APIS, Resolver
from migrate.analysis.graph_segments import graph_generations
from migrate.analysis.graph_statements import VARIABLE_NAME_POSITION

VARIABLE = "tf.Variable"
NAME_SCOPE = "tf.name_scope"
UNNAMED = "Variable"  # the name TF1 gave a variable made without one


@dataclass
class _Graph:
    """The names one graph has in use, lower case, as TF1 compared them."""

    in_use: dict[str, int] = field(default_factory=dict)

    def unique(self, name: str) -> str:
        """TF1's Graph.unique_name: `name`, or `name_1`, `name_2`, ... when taken."""
        key = name.lower()
        count = self.in_use.get(key, 0)
        self.in_use[key] = count + 1
        if count == 0:
            return name
        base = key
        while key in self.in_use:
            key = f"{base}_{count}"
            count += 1
        self.in_use[key] = 1
        return f"{name}_{count - 1}"


@dataclass(frozen=True)
class _Context:
    graph: _Graph
    prefix: str  # the open name scopes, each followed by "/"
    problem: str | None = None  # why the names made here cannot be told


def tf1_variable_names(
    body: Sequence[cst.BaseStatement], resolve: Resolver, factories: Mapping[str, cst.Call] = MappingProxyType({})
) -> dict[int, str | ValueError]:
    """For each `tf.Variable(...)` call of `body` (by identity; not those of its functions and
    classes), and each call of one of the variable `factories` (a function's name -> the
    `tf.Variable(...)` call it returns), the name TF1 gave the variable, or a ValueError saying
    why it cannot be told."""
    names: dict[int, str | ValueError] = {}
    generations = graph_generations(body, resolve)
    walker = _Walker(resolve, _bound_names(body, resolve), factories)
    for statement in body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue
        context = _Context(walker.graph(("generation", generations[id(statement)])), "")
        for call, where in walker.variables_in(statement, context):
            made = call
            if isinstance(call.func, cst.Name) and call.func.value in factories:
                made = factories[call.func.value]
            name_node = syntax.call_argument(made, VARIABLE_NAME_POSITION, "name")
            name = UNNAMED if name_node is None else syntax.string_literal(name_node)
            if where.problem is not None:
                names[id(call)] = ValueError(where.problem)
            elif name is None:
                names[id(call)] = ValueError("a tf.Variable whose name is not a string literal")
            else:
                names[id(call)] = where.graph.unique(where.prefix + name)
    return names


class _Walker:
    """Walks statements in the order TF1 ran them, knowing the graphs and sessions they enter."""

    def __init__(self, resolve: Resolver, bound: dict[str, str], factories: Mapping[str, cst.Call]) -> None:
        self.resolve = resolve
        self.bound = bound  # name -> "graph" or "session", what the body binds it to
        self.factories = factories
        self.graphs: dict[tuple[str, object], _Graph] = {}

    def graph(self, key: tuple[str, object]) -> _Graph:
        return self.graphs.setdefault(key, _Graph())

    def variables_in(self, node: cst.CSTNode, context: _Context) -> Iterator[tuple[cst.Call, _Context]]:
        """The `tf.Variable` and factory calls under `node` in the order TF1 made their
        variables, each with where."""
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return  # what a definition makes, it makes where it is called
        if isinstance(node, cst.With):
            inner = context
            for item in node.items:
                yield from self.variables_in(item.item, inner)
                inner = self._entered(item, inner)
            yield from self.variables_in(node.body, inner)
            return
        for child in node.children:
            # A call's arguments (a variable's initial value) are made before it.
            yield from self.variables_in(child, context)
        if isinstance(node, cst.Call):
            api = self.resolve(node.func)
            if api == VARIABLE or (isinstance(node.func, cst.Name) and node.func.value in self.factories):
                yield node, context
            elif api is not None and api.startswith("tf.") and api != NAME_SCOPE and context.problem is None:
                # An op named by a literal takes its name before the variables made after it.
                named = next((a.value for a in node.args if a.keyword and a.keyword.value == "name"), None)
                literal = syntax.string_literal(named)
                if literal:
                    context.graph.unique(context.prefix + literal)

    def _entered(self, item: cst.WithItem, context: _Context) -> _Context:
        """Where the body of `with <item>:` makes its variables."""
        call = item.item
        if not isinstance(call, cst.Call):
            return context
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "as_default":
            owner = func.value
            if isinstance(owner, cst.Call) and self.resolve(owner.func) == "tf.Graph":
                return _Context(self.graph(("new", id(call))), "", context.problem)
            kind = self.bound.get(owner.value) if isinstance(owner, cst.Name) else None
            if kind == "session":
                return context
            if kind == "graph" and isinstance(owner, cst.Name):
                return _Context(self.graph(("named", owner.value)), "", context.problem)
            return _Context(context.graph, context.prefix, "a graph this rule cannot tell is entered")
        api = self.resolve(func)
        if api == NAME_SCOPE:
            name = syntax.string_literal(syntax.call_argument(call, 0, "name"))
            if not name or "/" in name:
                return _Context(context.graph, context.prefix, "a name scope whose name is not a plain string literal")
            taken = context.graph.unique(context.prefix + name)
            if taken != context.prefix + name:
                why = f"the name scope `{context.prefix}{name}` opened again, or named like an op: TF1 made `{taken}`"
                return _Context(context.graph, f"{taken}/", why)
            return _Context(context.graph, f"{taken}/", context.problem)
        leaf = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if "scope" in leaf.lower():
            return _Context(context.graph, context.prefix, f"a scope ({leaf}) that names the variables made in it")
        return context


def _bound_names(body: Sequence[cst.BaseStatement], resolve: Resolver) -> dict[str, str]:
    """Names the body binds to a new graph (`g = tf.Graph()`) or a session, by kind."""
    bound: dict[str, str] = {}
    for statement in body:
        for node in syntax.nodes_of(statement, cst.Assign, cst.WithItem):
            if isinstance(node, cst.Assign) and len(node.targets) == 1:
                target, value = node.targets[0].target, node.value
            elif isinstance(node, cst.WithItem) and node.asname is not None:
                target, value = node.asname.name, node.item
            else:
                continue
            if isinstance(target, cst.Name) and isinstance(value, cst.Call):
                api = resolve(value.func)
                if api == "tf.Graph":
                    bound[target.value] = "graph"
                elif api in SESSION_APIS:
                    bound[target.value] = "session"
    return bound
