"""Step functions: functions of a scope that run its session.

Most training scripts run their graph through helpers that close over the session:

    def train_step(x_batch, y_batch):
        feed_dict = {input_x: x_batch, input_y: y_batch}
        _, step, loss = sess.run([train_op, global_step, cost], feed_dict)

    for batch in batches:
        train_step(*zip(*batch))

Such a helper's runs are run sites like the scope's own: each becomes a call of a generated
`tf.function`, and the rest of the helper stays Python. That keeps TF1's meaning only where the
helper runs the graph the scope built before the helper: TF1 looks its globals up when it is
called, the generated functions are sliced from the graph that reaches the helper's `def`. So
a step function must be defined at the scope's own level once the graph it runs is complete,
be called (from the scope or from other step functions, never handed around as a value) only
after the session exists and the variables are initialised, take neither the session nor
graph values as arguments, build no graph of its own, and not recurse or hold definitions of
its own. Anything else is declined with TFM211, the helper's name and its line.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

import libcst as cst

from migrate.analysis import walk
from migrate.analysis.declined import Declined
from migrate.analysis.graph_model import PYTHON_VALUED_APIS, SESSION_ESCAPES, Kind, Resolver, Statement
from migrate.analysis.run_sites import RunContext, RunSiteFinder
from migrate.analysis.syntax import NameCollector, api_under, calls_in, free_names, names_in, nodes_of

# The checkpoints rule's save of a Saver a step function is given (TFM501): a Python object made
# at the save, as TF1's Saver.save was a Python call, not graph.
CHECKPOINT_SAVES = ("tf.train.CheckpointManager",)

RUN_METHODS = ("eval", "run")


def _refuse(function: cst.FunctionDef, why: str) -> Declined:
    return Declined(SESSION_ESCAPES, f"the step function `{function.name.value}` {why}", function)


def _definitions(statements: Sequence[Statement], steps: Collection[str]) -> dict[str, tuple[int, cst.FunctionDef]]:
    """Each step function with the index of its `def`."""
    found: dict[str, tuple[int, cst.FunctionDef]] = {}
    for index, statement in enumerate(statements):
        node = statement.node
        if isinstance(node, cst.FunctionDef) and node.name.value in steps:
            if node.name.value in found:
                raise _refuse(node, "is defined twice")
            found[node.name.value] = (index, node)
    return found


class _Uses(NameCollector):
    """The Name nodes that read one of the `watched` names, and the calls of them."""

    def __init__(self, names: Collection[str]) -> None:
        super().__init__()
        self.watched = names
        self.read: list[cst.Name] = []
        self.called: set[int] = set()
        self.calls: list[cst.Call] = []

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.watched:
            self.read.append(node)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value in self.watched:
            self.called.add(id(node.func))
            self.calls.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        for part in (*node.decorators, node.params, node.body):
            walk.visit_code(part, self)  # not the defined name
        return False


def check_sessions(statements: Sequence[cst.BaseStatement], steps: Collection[str], sessions: Collection[str]) -> None:
    """Refuse the step functions given a session, before the scope's graph is read: the
    session goes, and the function would run it still."""
    functions = {s.name.value: s for s in statements if isinstance(s, cst.FunctionDef) and s.name.value in steps}
    for function in functions.values():
        shadowed = sorted(_parameters(function) & set(sessions))
        if shadowed:
            raise _refuse(function, f"takes the session `{shadowed[0]}` as a parameter")
    uses = _Uses(functions)
    for statement in statements:
        walk.visit_code(statement, uses)
    _refuse_passed(uses, functions, sessions)


def _parameters(function: cst.FunctionDef) -> set[str]:
    params = function.params
    return {p.name.value for p in (*params.params, *params.kwonly_params, *params.posonly_params)}


def _refuse_passed(uses: _Uses, functions: Mapping[str, cst.FunctionDef], values: Collection[str]) -> None:
    """Refuse a call of a step function that passes one of `values`."""
    for call in uses.calls:
        passed = sorted(frozenset().union(*(names_in(a.value) for a in call.args)) & set(values))
        if passed:
            assert isinstance(call.func, cst.Name)
            raise _refuse(functions[call.func.value], f"is passed `{passed[0]}`, a session or graph value")


def check_definitions(
    statements: Sequence[Statement], steps: Collection[str], state: RunContext, resolve: Resolver
) -> None:
    """Refuse the step functions whose shape alone breaks the conversion: what they are given,
    what they define and build, how they are referred to, and graph bound after them."""
    definitions = _definitions(statements, steps)
    graph_values = set(state.sessions) | state.graph_only | set(state.variables)
    others = {
        s.node.name.value: s.node
        for s in statements
        if isinstance(s.node, cst.FunctionDef) and s.node.name.value not in definitions
    }
    for index, function in definitions.values():
        if function.asynchronous is not None or function.decorators:
            raise _refuse(function, "is async or decorated")
        inner = nodes_of(function.body, cst.FunctionDef, cst.ClassDef, cst.Lambda)
        if any(isinstance(n, (cst.FunctionDef, cst.ClassDef)) for n in inner):
            raise _refuse(function, "defines functions or classes of its own")
        if any(_runs_in(n) for n in inner):
            raise _refuse(function, "runs the graph inside a lambda")
        shadowed = sorted(_parameters(function) & graph_values)
        if shadowed:
            raise _refuse(function, f"takes `{shadowed[0]}`, a session or graph value, as a parameter")
        if _builds(function, resolve):
            raise _refuse(function, "builds graph of its own, which TF1 added to the graph at each call")
        reads = free_names(function)
        for callee in sorted(reads & set(others)):
            if callee in state.threaded or _builds(others[callee], resolve):
                raise _refuse(function, f"calls `{callee}`, which builds graph")
        for later in statements[index + 1 :]:
            bound = set(later.defines) if later.kind is not Kind.PYTHON else set(later.defines) & graph_values
            again = sorted(reads & bound)
            if again:
                why = f"is defined before the graph it runs is complete: `{again[0]}` is bound after it"
                raise _refuse(function, why)
    uses = _Uses(definitions)
    for statement in statements:
        walk.visit_code(statement.node, uses)
    for node in uses.read:
        if id(node) not in uses.called:
            raise _refuse(definitions[node.value][1], "is used other than by calling it (passed, returned or stored)")
    _refuse_passed(uses, {name: function for name, (_, function) in definitions.items()}, graph_values)
    _refuse_recursion(definitions)


class _GraphCalls(cst.CSTVisitor):
    """TensorFlow calls that build graph, outside what a run fetches and feeds."""

    def __init__(self, resolve: Resolver) -> None:
        self._resolve = resolve
        self.found = False

    def visit_Call(self, node: cst.Call) -> bool:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in RUN_METHODS:
            return False
        api = self._resolve(node.func)
        if api is not None and not api_under(api, PYTHON_VALUED_APIS) and not api_under(api, CHECKPOINT_SAVES):
            self.found = True
        return not self.found


def _builds(function: cst.FunctionDef, resolve: Resolver) -> bool:
    built = _GraphCalls(resolve)
    walk.visit(function.body, built)
    return built.found


def _runs_in(node: cst.CSTNode) -> bool:
    return any(isinstance(c.func, cst.Attribute) and c.func.attr.value in RUN_METHODS for c in calls_in(node))


def _refuse_recursion(definitions: Mapping[str, tuple[int, cst.FunctionDef]]) -> None:
    calls = {name: free_names(function) & set(definitions) for name, (_, function) in definitions.items()}
    for name, (_, function) in definitions.items():
        seen: set[str] = set()
        pending = list(calls[name])
        while pending:
            callee = pending.pop()
            if callee == name:
                raise _refuse(function, "calls itself")
            if callee not in seen:
                seen.add(callee)
                pending.extend(calls[callee])


def check_calls(
    statements: Sequence[Statement],
    steps: Collection[str],
    finder: RunSiteFinder,
    opened: Mapping[str, int],
    runs_implicitly: Callable[[cst.Call], bool],
) -> None:
    """Refuse the step functions called before the session they run exists or before the
    variables are initialised (TF1 failed there; the generated functions would not), those
    with a call that may run graph code through the default session (`runs_implicitly`) other
    than the runs found, and runs inside any other function."""
    definitions = _definitions(statements, steps)
    inits = {id(call) for call in finder.init_calls}
    taken = {id(site.call) for site in finder.sites} | inits | set(finder.restarts)
    initialised: int | None = None
    for index, statement in enumerate(statements):
        node = statement.node
        step = isinstance(node, cst.FunctionDef) and node.name.value in definitions
        for inner in nodes_of(node, cst.FunctionDef, cst.Lambda):
            if inner is node and step:
                continue
            if any(id(call) in taken for call in calls_in(inner)):
                name = f"`{inner.name.value}`" if isinstance(inner, cst.FunctionDef) else "a lambda"
                why = f"a session run inside {name}, which is not a function of the scope's own level"
                raise Declined(SESSION_ESCAPES, why, inner)
        if initialised is None and not step and any(id(call) in inits for call in calls_in(node)):
            initialised = index
    for _, function in definitions.values():
        if any(runs_implicitly(call) and id(call) not in taken for call in calls_in(function)):
            why = "runs graph code through the default session other than by the runs this tool converts"
            raise _refuse(function, why)
    for index, statement in enumerate(statements):
        node = statement.node
        if isinstance(node, cst.FunctionDef) and node.name.value in definitions:
            continue
        for name in sorted(names_in(node) & set(definitions)):
            function = definitions[name][1]
            sessions = (free_names(function) & set(opened)) or set(opened)
            if any(index < opened[session] for session in sessions):
                raise _refuse(function, "is called before the session it runs is made")
            if initialised is not None and index < initialised:
                raise _refuse(function, "is called before the variables are initialised")
