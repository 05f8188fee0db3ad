"""One scope of TF1 graph code, statement by statement.

`flatten` unwraps the blocks that only set up graph and session (`with tf.Session() as sess:`,
`with tf.Graph().as_default():`, name scopes) and drops session boilerplate; `classify` tells
each remaining statement's kind; the `*_of` functions read what a placeholder, training op,
gradient computation or summary statement says.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple, cast

import libcst as cst
import libcst.matchers as m

from migrate.analysis import walk
from migrate.analysis.call_arguments import keyword_arg
from migrate.analysis.declined import Declined
from migrate.analysis.graph_model import (
    COLLECTION_APIS,
    CONFIG_APIS,
    DROPPED_CALLS,
    EAGER_OBJECT_APIS,
    GLOBAL_STEP_API,
    GLOBAL_STEP_MAKERS,
    GRAPH_COLLECTIONS,
    GRAPH_IN_CONTROL_FLOW,
    INITIALIZER_APIS,
    ITERATOR_APIS,
    ITERATOR_METHODS,
    MODULE_APIS,
    MULTI_OUTPUT_APIS,
    PLACEHOLDER_APIS,
    PYTHON_VALUED_APIS,
    SESSION_APIS,
    SESSION_ESCAPES,
    SPARSE_PLACEHOLDER_APIS,
    STATEFUL_INPUT,
    STATEFUL_INPUT_APIS,
    STATEFUL_INPUT_METHODS,
    STRUCTURE_ITERATOR_API,
    SUMMARY_APIS,
    SUMMARY_MERGES,
    SUMMARY_OPS,
    SUMMARY_WRITER,
    UNSUPPORTED_OPTIMIZER,
    UNSUPPORTED_RUN,
    VARIABLE_FAMILY,
    VARIABLE_FAMILY_APIS,
    WEIGHTLESS_LAYERS,
    Gradients,
    Holding,
    Kind,
    ModuleDefinitions,
    Placeholder,
    Resolver,
    Statement,
    Summary,
    TrainOp,
)
from migrate.analysis.optimizers import OPTIMIZERS
from migrate.analysis.placeholder_helpers import helper_placeholders
from migrate.analysis.syntax import (
    NameCollector,
    api_under,
    bound_names,
    call_argument,
    calls_in,
    code_of,
    defined_names,
    is_docstring,
    leading_lines,
    names_in,
    nodes_of,
    own_names,
    read_names,
    single_call,
    string_literal,
    tf_apis_in,
    with_leading_lines,
    without_last_comma,
)

# --- flattening --------------------------------------------------------------------------


def opens_session(node: cst.CSTNode, resolve: Resolver) -> bool:
    """Whether code names a session class: a function that runs its own graph."""
    return any(api in SESSION_APIS for api, _ in tf_apis_in(node, resolve))


def _session_call(node: cst.BaseExpression, resolve: Resolver) -> bool:
    return isinstance(node, cst.Call) and resolve(node.func) in SESSION_APIS


# A device of this process: `/cpu:0`, `/GPU:1`, `/device:CPU:0`. A job or task names a cluster.
_LOCAL_DEVICE = re.compile(r"/(?:device:)?(?:cpu|gpu):\d+", re.IGNORECASE)


def local_device_scope(item: cst.WithItem, resolve: Resolver) -> bool:
    """`with tf.device("/cpu:0"):`: where TF1 placed the block's ops and variables. TF 2 places
    each op itself, and computes the same numbers wherever it runs."""
    call = item.item
    if item.asname is not None or not (isinstance(call, cst.Call) and resolve(call.func) == "tf.device"):
        return False
    spec = string_literal(call_argument(call, 0, "device_name"))
    return spec is not None and _LOCAL_DEVICE.fullmatch(spec) is not None


def _is_graph_as_default(item: cst.WithItem, resolve: Resolver, graphs: set[str]) -> bool:
    """`with tf.Graph().as_default():` or `with graph.as_default():` for a `graph = tf.Graph()`."""
    call = item.item
    if not (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "as_default"
    ):
        return False
    owner = call.func.value
    if isinstance(owner, cst.Name):
        return owner.value in graphs
    return isinstance(owner, cst.Call) and resolve(owner.func) == "tf.Graph"


class Flattened(NamedTuple):
    statements: list[cst.BaseStatement]
    handles: set[str]  # names of the sessions and graphs
    sessions: frozenset[str]  # names of the sessions alone
    dropped: list[cst.CSTNode]  # session configuration arguments and device scopes
    opened: dict[str, int]  # each session's name -> the index of the first statement it is open for
    # The comment lines no statement follows: those that ended an unwrapped block (its footer)
    # or stood before a dropped line, at the end of the body.
    trailing: list[cst.EmptyLine]


def flatten(
    body: Sequence[cst.BaseStatement],
    resolve: Resolver,
    prefixes: dict[int, str],
    factories: Collection[str] = (),
    unnamed_factories: Collection[str] = (),
) -> Flattened:
    """Unwrap `with tf.Graph().as_default():`, `with tf.Session() as sess:`,
    `with tf.name_scope(...):` and `with tf.device("/cpu:0"):` blocks and drop session creation /
    closing lines. `prefixes` receives the name-scope prefix of each statement that had one.
    A line calling one of the `unnamed_factories` keeps its name scope (see
    `_factory_in_name_scope`)."""
    statements: list[cst.BaseStatement] = []
    sessions: set[str] = set()
    opened: dict[str, int] = {}
    graphs: set[str] = set()
    dropped: list[cst.CSTNode] = []
    scopes: list[str] = []
    scope_calls: list[cst.Call] = []  # the `tf.name_scope(...)` call of each open scope
    opened_scopes: set[str] = set()
    reopened: list[bool] = []  # per open name scope: whether TF1 numbered it (`loss_1`)
    given: dict[str, set[str]] = {}  # per name scope path: the names its variables took
    carried: list[cst.EmptyLine] = []

    def emit(statement: cst.BaseStatement) -> None:
        nonlocal carried
        if scopes and _creates_variables(statement, resolve):
            statement = _variable_in_name_scope(statement, scopes, any(reopened), resolve, given)
        elif scopes and (factory := _factory_called(statement, factories)) is not None:
            statement = _factory_in_name_scope(
                statement, factory, unnamed_factories, scopes, scope_calls[-1], any(reopened), given
            )
        if carried:
            statement = with_leading_lines(statement, [*carried, *leading_lines(statement)])
            carried = []
        if scopes:
            prefixes[id(statement)] = "".join(f"{scope}/" for scope in scopes)
        statements.append(statement)

    def open_session(name: str) -> None:
        sessions.add(name)
        opened.setdefault(name, len(statements))

    def walk(nodes: Sequence[cst.BaseStatement]) -> None:
        nonlocal carried
        for statement in nodes:
            if (
                isinstance(statement, cst.With)
                and len(statement.items) > 1
                and isinstance(statement.body, cst.IndentedBlock)
                and all(
                    _is_graph_as_default(item, resolve, graphs) or _session_call(item.item, resolve)
                    for item in statement.items
                )
            ):
                # `with graph.as_default(), tf.Session() as sess:`
                for item in statement.items:
                    if _session_call(item.item, resolve):
                        open_session(_session_name(item, statement))
                        dropped.extend(_configuration(item.item))
                carried = [*carried, *leading_lines(statement)]
                walk(statement.body.body)
                carried = [*carried, *statement.body.footer]
                continue
            if isinstance(statement, cst.With) and len(statement.items) == 1:
                item = statement.items[0]
                unwrap = False
                if _session_call(item.item, resolve):
                    open_session(_session_name(item, statement))
                    dropped.extend(_configuration(item.item))
                    unwrap = True
                elif _is_graph_as_default(item, resolve, graphs | sessions):
                    unwrap = True
                elif local_device_scope(item, resolve):
                    dropped.append(item.item)
                    unwrap = True
                elif (scope := _name_scope(item, resolve, statement.body)) is not None:
                    if isinstance(statement.body, cst.IndentedBlock):
                        carried = [*carried, *leading_lines(statement)]
                        scopes.append(scope)
                        scope_calls.append(cast(cst.Call, item.item))
                        path = "/".join(scopes)
                        reopened.append(path in opened_scopes)
                        opened_scopes.add(path)
                        walk(statement.body.body)
                        carried = [*carried, *statement.body.footer]
                        reopened.pop()
                        scope_calls.pop()
                        scopes.pop()
                        continue
                    if _creates_variables(statement, resolve):
                        raise Declined(VARIABLE_FAMILY, "variables created inside a name scope", statement)
                if unwrap and isinstance(statement.body, cst.IndentedBlock):
                    carried = [*carried, *leading_lines(statement)]
                    walk(statement.body.body)
                    carried = [*carried, *statement.body.footer]
                    continue
            if _sets_config(statement, configs):
                carried = [*carried, *leading_lines(statement)]
                continue
            targets, call, _small = single_call(statement)
            if call is not None and _session_call(call, resolve) and len(targets) == 1:
                open_session(targets[0])
                dropped.extend(_configuration(call))
                carried = [*carried, *leading_lines(statement)]
                continue
            if call is not None and resolve(call.func) == "tf.Graph" and len(targets) == 1 and not call.args:
                graphs.add(targets[0])
                carried = [*carried, *leading_lines(statement)]
                continue
            if call is not None and not targets and resolve(call.func) in DROPPED_CALLS:
                carried = [*carried, *leading_lines(statement)]
                continue
            if call is not None and not targets and _method_of(call.func, sessions) == "close":
                carried = [*carried, *leading_lines(statement)]
                continue
            emit(statement)

    configs = session_only_configs(body, resolve)
    walk(body)
    # A graph object is only ever entered or handed to a session; any other use is declined.
    return Flattened(statements, sessions | graphs, frozenset(sessions), dropped, opened, carried)


def session_only_configs(body: Sequence[cst.BaseStatement], resolve: Resolver) -> frozenset[str]:
    """Names bound to a session configuration (`config = tf.ConfigProto()`) that the code only
    fills in (`config.gpu_options.allow_growth = True`, `tf.ConfigProto(gpu_options=gpu)`) and
    hands to sessions (`tf.Session(config=config)`): they go with the sessions' configuration."""
    allowed: set[int] = set()  # Name nodes used in those ways
    inside: dict[int, str] = {}  # a Name passed to the configuration bound to another name
    bound: set[str] = set()
    for node in body:
        for inner in nodes_of(node, cst.Assign, cst.Call):
            if isinstance(inner, cst.Assign):
                for target in inner.targets:
                    root = _attribute_root(target.target)
                    if root is not None and root is not target.target:
                        allowed.add(id(root))  # `config.field = value`
                value = inner.value
                if (
                    len(inner.targets) == 1
                    and isinstance(inner.targets[0].target, cst.Name)
                    and isinstance(value, cst.Call)
                    and resolve(value.func) in CONFIG_APIS
                ):
                    owner = inner.targets[0].target.value
                    bound.add(owner)
                    allowed.add(id(inner.targets[0].target))
                    inside.update((id(a.value), owner) for a in value.args if isinstance(a.value, cst.Name))
            elif isinstance(inner, cst.Call) and resolve(inner.func) in SESSION_APIS:
                config = call_argument(inner, 2, "config")
                if isinstance(config, cst.Name):
                    allowed.add(id(config))
    if not bound:
        return frozenset()
    reads = _NameNodes()
    for node in body:
        walk.visit_code(node, reads)
    uses = [n for n in reads.found if n.value in bound]
    kept: set[str] = set()
    changed = True
    while changed:  # a configuration passed to one that stays, stays too
        before = len(kept)
        kept |= {
            n.value for n in uses if id(n) not in allowed and (id(n) not in inside or inside[id(n)] in kept)
        }
        changed = len(kept) != before
    return frozenset(bound - kept)


class _NameNodes(NameCollector):
    """The Name nodes that name variables: not attribute names or keywords."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.Name] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.found.append(node)


def _sets_config(statement: cst.BaseStatement, configs: frozenset[str]) -> bool:
    """`config = tf.ConfigProto(...)` or `config.field = value` for one of `configs`."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return False
    small = statement.body[0]
    if not isinstance(small, cst.Assign):
        return False
    for target in small.targets:
        root = _attribute_root(target.target)
        if root is None or root.value not in configs:
            return False
    return True


def _attribute_root(node: cst.BaseExpression) -> cst.Name | None:
    """`a` of `a`, `a.b` or `a.b.c`; None for anything else."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return node if isinstance(node, cst.Name) else None


def _session_name(item: cst.WithItem, statement: cst.With) -> str:
    if item.asname is None or not isinstance(item.asname.name, cst.Name):
        raise Declined(SESSION_ESCAPES, "a session without a name", statement)
    return item.asname.name.value


def _method_of(func: cst.BaseExpression, owners: set[str]) -> str | None:
    """`m` for a `name.m` whose `name` is one of `owners`, else None."""
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in owners:
        return func.attr.value
    return None


def _name_scope(item: cst.WithItem, resolve: Resolver, body: cst.BaseSuite) -> str | None:
    """The literal name of `with tf.name_scope("x"):` (or `... as scope:` when the body does
    not read `scope`), None for anything else."""
    call = item.item
    if not (isinstance(call, cst.Call) and resolve(call.func) == "tf.name_scope"):
        return None
    if item.asname is not None and (
        not isinstance(item.asname.name, cst.Name) or item.asname.name.value in names_in(body)
    ):
        return None
    name = call_argument(call, 0, "name")
    if isinstance(name, cst.SimpleString):
        value = name.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _creates_variables(node: cst.CSTNode, resolve: Resolver) -> bool:
    return any(api == "tf.Variable" for api, _ in tf_apis_in(node, resolve))


def makes_global_step(call: cst.Call, resolve: Resolver) -> bool:
    """Whether `call` makes the variable `tf.train.get_global_step()` finds: a global-step maker,
    or a `tf.Variable` named "global_step" (TF1 looked it up as the tensor "global_step:0")."""
    api = resolve(call.func)
    return api in GLOBAL_STEP_MAKERS or (
        api == "tf.Variable" and string_literal(call_argument(call, VARIABLE_NAME_POSITION, "name")) == "global_step"
    )


def _factory_called(statement: cst.BaseStatement, factories: Collection[str]) -> str | None:
    names = (call.func.value for call in calls_in(statement) if isinstance(call.func, cst.Name))
    return next((name for name in names if name in factories), None)


def _factory_in_name_scope(
    statement: cst.BaseStatement,
    factory: str,
    unnamed_factories: Collection[str],
    scopes: Sequence[str],
    scope_call: cst.Call,
    reopened: bool,
    given: dict[str, set[str]],
) -> cst.BaseStatement:
    """`w = weight_variable(shape)` under `with tf.name_scope("s"):`, in a scope of its own,
    `with tf.name_scope("s/"):` (absolute, as TF 2 names variables made eagerly under it), so
    the factory's unnamed variable is still "s/Variable". Only the first unnamed variable of the
    scope: TF1 numbered the next ("s/Variable_1"), which a name scope cannot give."""
    path = "/".join(scopes)
    targets, call, _small = single_call(statement)
    taken = given.setdefault(path, set())
    if _VARIABLE_NAME in taken and factory in unnamed_factories:
        numbered = cast(cst.SimpleString, _numbered_name(taken).value).raw_value
        why = (
            f"the variable factory `{factory}` called in the name scope `{path}` after another unnamed "
            f"variable: TF1 numbered its variable `{path}/{numbered}`, which no TF 2 name scope gives"
        )
        raise Declined(VARIABLE_FAMILY, why, statement)
    if (
        factory not in unnamed_factories
        or reopened
        or call is None
        or len(targets) != 1
        or not (isinstance(call.func, cst.Name) and call.func.value == factory)
        or not isinstance(statement, cst.SimpleStatementLine)
        or any(quote in path for quote in "\"'\\")
    ):
        raise Declined(
            VARIABLE_FAMILY,
            f"the variable factory `{factory}` called inside a name scope, which named its variable",
            statement,
        )
    taken.add(_VARIABLE_NAME)
    absolute = scope_call.with_changes(args=[cst.Arg(cst.SimpleString(f'"{path}/"'))])
    line = statement.with_changes(leading_lines=[])
    return cst.With(
        items=[cst.WithItem(absolute)],
        body=cst.IndentedBlock(body=[line]),
        leading_lines=statement.leading_lines,
    )


def _factory_line_in_name_scope(
    statement: cst.BaseStatement, factories: Collection[str]
) -> cst.SimpleStatementLine | None:
    """The factory line of a block `_factory_in_name_scope` wrote, None for any other statement."""
    if not (
        isinstance(statement, cst.With)
        and len(statement.items) == 1
        and isinstance(statement.body, cst.IndentedBlock)
        and len(statement.body.body) == 1
    ):
        return None
    line = statement.body.body[0]
    return line if isinstance(line, cst.SimpleStatementLine) and _factory_called(line, factories) else None


def _variable_in_name_scope(
    statement: cst.BaseStatement,
    scopes: Sequence[str],
    reopened: bool,
    resolve: Resolver,
    given: dict[str, set[str]],
) -> cst.BaseStatement:
    """`w = tf.Variable(..., name="w")` under `with tf.name_scope("s"):`, with the name TF1 gave
    it ("s/w") spelt out: the unwrapped scope no longer names it, and checkpoints and printed
    names must still read "s/w". An unnamed one is named as TF1 numbered them in the scope
    ("s/Variable", "s/Variable_1"); `given` holds the names each scope gave so far."""
    targets, call, _small = single_call(statement)
    name = None if call is None else next((a for a in call.args if a.keyword and a.keyword.value == "name"), None)
    if (
        call is not None
        and name is None
        and resolve(call.func) == "tf.Variable"
        and len([a for a in call.args if a.keyword is None]) <= VARIABLE_NAME_POSITION
        and not any(a.star for a in call.args)
    ):
        numbered = _numbered_name(given.get("/".join(scopes), set()))
        renamed = statement.deep_replace(call, call.with_changes(args=[*without_last_comma(call.args), numbered]))
        assert isinstance(renamed, cst.BaseStatement)
        statement = renamed
        targets, call, _small = single_call(statement)
        assert call is not None
        name = call.args[-1]
    if reopened:
        raise Declined(
            VARIABLE_FAMILY,
            f"variables created in the name scope `{'/'.join(scopes)}` opened again: TF1 numbered its name",
            statement,
        )
    if (
        call is None
        or len(targets) != 1
        or resolve(call.func) != "tf.Variable"
        or sum(api == "tf.Variable" for api, _ in tf_apis_in(statement, resolve)) != 1
        or name is None
        or not isinstance(name.value, cst.SimpleString)
        or not isinstance(name.value.evaluated_value, str)
        or any(name.value.quote in scope or "\\" in scope for scope in scopes)
    ):
        raise Declined(
            VARIABLE_FAMILY,
            "variables created inside a name scope other than as `name = tf.Variable(..., name=\"...\")`",
            statement,
        )
    literal = name.value
    taken = given.setdefault("/".join(scopes), set())
    if literal.raw_value in taken:
        path = "/".join(scopes)
        why = f"two variables named `{literal.raw_value}` in the name scope `{path}`: TF1 numbered the second"
        raise Declined(VARIABLE_FAMILY, why, statement)
    taken.add(literal.raw_value)
    scoped = "/".join([*scopes, literal.raw_value])
    spelt = f"{literal.prefix}{literal.quote}{scoped}{literal.quote}"
    named = name.with_changes(value=literal.with_changes(value=spelt))
    replaced = statement.deep_replace(name, named)
    assert isinstance(replaced, cst.BaseStatement)
    return replaced


# `tf.Variable(initial_value, trainable, collections, validate_shape, caching_device, name, ...)`
VARIABLE_NAME_POSITION = 5


_VARIABLE_NAME = "Variable"  # TF1's name for an unnamed variable


def _numbered_name(taken: set[str]) -> cst.Arg:
    """`name="Variable"`, or the first of `Variable_1`, `Variable_2`, ... not `taken` in the
    scope: what TF1 named an unnamed variable there."""
    count = 0
    while (name := f"{_VARIABLE_NAME}_{count}" if count else _VARIABLE_NAME) in taken:
        count += 1
    return keyword_arg("name", cst.SimpleString(f'"{name}"'))


def _configuration(session_call: cst.BaseExpression) -> list[cst.CSTNode]:
    """The arguments of a session constructor other than its graph: configuration dropped."""
    assert isinstance(session_call, cst.Call)
    return [a for a in session_call.args if not (a.keyword is not None and a.keyword.value == "graph")]


# --- classification ----------------------------------------------------------------------


class _OutsideRuns(NameCollector):
    """Names read outside session runs: a Python line that only fetches stays Python."""

    def __init__(self, sessions: set[str], graph_names: set[str]) -> None:
        super().__init__()
        self.sessions = sessions
        self.graph_names = graph_names

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            owner = func.value.value
            if owner in self.sessions and func.attr.value == "run":
                return False
        if isinstance(func, cst.Attribute) and func.attr.value in {"eval", "run"}:
            # `t.eval()`, `t[i].eval()` of a dict or list of tensors, `tf.argmax(t, 1).eval()`:
            # the run reads the graph values.
            receiver = func.value
            while isinstance(receiver, cst.Subscript):
                receiver = receiver.value
            if isinstance(receiver, cst.Name) and receiver.value in self.graph_names:
                self._read_indexes(func.value)
                return False
            if isinstance(receiver, (cst.Call, cst.BinaryOperation, cst.UnaryOperation)) and (
                names_in(receiver) & self.graph_names
            ):
                return False
        return True

    def _read_indexes(self, node: cst.BaseExpression) -> None:
        """The indexes of `t[i][j]` are Python values read outside the run."""
        while isinstance(node, cst.Subscript):
            for element in node.slice:
                element.visit(self)
            node = node.value


def _variable_container(value: cst.BaseExpression, resolve: Resolver) -> bool:
    """A literal dict / list / tuple whose values are all `tf.Variable(...)` calls."""
    if isinstance(value, cst.Dict):
        values = [e.value for e in value.elements if isinstance(e, cst.DictElement)]
        if len(values) != len(value.elements):
            return False
    elif isinstance(value, (cst.List, cst.Tuple)):
        values = [e.value for e in value.elements]
    else:
        return False
    return bool(values) and all(
        isinstance(v, cst.Call) and resolve(v.func) == "tf.Variable" for v in values
    )


NO_DEFINITIONS = ModuleDefinitions()

_SCALING_OPERATORS = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide)
_FLOAT_DTYPES = frozenset({"tf.float16", "tf.float32", "tf.float64", "tf.bfloat16"})


def _scaled_placeholder(value: cst.BaseExpression, resolve: Resolver) -> cst.Call | None:
    """The `tf.placeholder` call of `tf.placeholder(tf.float32, shape) / 255. + 0.5`: a float
    placeholder under arithmetic with number literals only. TF1 can feed only the expression's
    own tensor (the placeholder inside has no name to feed it by), and a fed tensor takes the fed
    value whole, so the name is a placeholder of the same dtype and shape: scalars change
    neither, and a run that needs it without feeding it fails in TF1 as for any placeholder."""
    if not isinstance(value, cst.BinaryOperation):
        return None
    placeholder: cst.Call | None = None
    pending: list[cst.BaseExpression] = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.BinaryOperation):
            if not isinstance(node.operator, _SCALING_OPERATORS):
                return None
            pending += [node.left, node.right]
        elif isinstance(node, (cst.Integer, cst.Float)):
            continue
        elif isinstance(node, cst.Call) and resolve(node.func) == "tf.placeholder" and placeholder is None:
            placeholder = node
        else:
            return None
    if placeholder is None:
        return None
    dtype = call_argument(placeholder, 0, "dtype")
    return placeholder if dtype is not None and resolve(dtype) in _FLOAT_DTYPES else None


def classify(
    statement: cst.BaseStatement,
    resolve: Resolver,
    graph_names: set[str],
    sessions: set[str],
    definitions: ModuleDefinitions = NO_DEFINITIONS,
    containers: frozenset[str] = frozenset(),
    iterators: frozenset[str] = frozenset(),
    tensors: frozenset[str] = frozenset(),
) -> Statement:
    """The kind of one statement of a scope. `graph_names` are the names bound to graph values
    so far, `containers` those of them a Python loop can run over: variables, and Python lists
    or dicts of graph values; `iterators` those bound to dataset iterators; `tensors` those bound
    to computed tensors, which the generated functions compute as their own locals."""
    if isinstance(statement, cst.ClassDef) and statement.name.value in definitions.classes:
        return Statement(statement, Kind.PYTHON, defined_names(statement), names_in(statement))
    if isinstance(statement, cst.FunctionDef) and statement.name.value in definitions.factories:
        return Statement(statement, Kind.PYTHON, defined_names(statement), names_in(statement))
    if isinstance(statement, cst.FunctionDef) and any(statement is h for h in definitions.placeholder_helpers):
        return Statement(statement, Kind.DROP, (statement.name.value,), frozenset())
    if isinstance(statement, cst.FunctionDef) and (reads := _graph_function_reads(statement, resolve, tensors)):
        # `def f1(): return tf.reduce_mean(x)` for `tf.cond(p, f1, f2)`: graph code run where it
        # is called, moved into the generated functions with its callers.
        return Statement(statement, Kind.GRAPH, (statement.name.value,), reads)
    factory_line = _factory_line_in_name_scope(statement, definitions.factories)
    if factory_line is not None:
        # A factory's variable made in its TF1 name scope (`_factory_in_name_scope`).
        line = classify(factory_line, resolve, graph_names, sessions, definitions, containers, iterators, tensors)
        if line.kind is Kind.VARIABLE:
            return replace(line, node=statement)
    if _control_dependencies_block(statement, resolve):
        # Graph code under `tf.control_dependencies`: moved into the functions whole, where the
        # dependencies mean what they meant in the graph.
        assert isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock)
        defines = tuple(name for line in statement.body.body for name in defined_names(line))
        return Statement(statement, Kind.GRAPH, defines, names_in(statement))
    block_defines = _graph_block(statement, resolve, graph_names, sessions, containers)
    if block_defines is not None:
        # A loop's target is its own: `for i in ...` reads no `i` an earlier loop bound.
        return Statement(statement, Kind.GRAPH, block_defines, read_names(statement))
    targets, call, small = single_call(statement)
    outside = _OutsideRuns(sessions, graph_names)
    walk.visit(statement, outside)
    uses = _read_names(small, frozenset(outside.names), outside)  # `x = f(y)` reads y, not x
    defines = defined_names(statement)
    if call is None and len(targets) == 1 and isinstance(small, cst.Assign):
        scaled = _scaled_placeholder(small.value, resolve)
        if scaled is not None:
            return Statement(statement, Kind.PLACEHOLDER, targets, uses, scaled)
    made = helper_placeholders(statement, definitions.placeholder_helpers, resolve)
    if made is not None and len(made) == 1:
        return Statement(statement, Kind.PLACEHOLDER, targets, uses, made[0])
    if call is not None:
        api = resolve(call.func)
        if api in PLACEHOLDER_APIS and len(targets) == 1:
            return Statement(statement, Kind.PLACEHOLDER, targets, uses, call)
        if len(targets) == 1 and (iterator_source(call, resolve) is not None or _structure_iterator(call, api)):
            return Statement(statement, Kind.ITERATOR, targets, uses, call)
        if len(targets) == 1 and iterator_start(call, iterators) is not None:
            return Statement(statement, Kind.ITERATOR_START, targets, uses, call)
        if api in INITIALIZER_APIS:
            return Statement(statement, Kind.INITIALIZER, targets, uses, call)
        if len(targets) == 1 and (
            api == "tf.Variable" or (isinstance(call.func, cst.Name) and call.func.value in definitions.factories)
        ):
            return Statement(statement, Kind.VARIABLE, targets, uses, call, Holding.VARIABLE)
        if api == GLOBAL_STEP_API and len(targets) == 1 and not call.args:
            return Statement(statement, Kind.VARIABLE, targets, uses, call, Holding.GLOBAL_STEP)
        if len(targets) == 1 and api in WEIGHTLESS_LAYERS:
            return Statement(statement, Kind.VARIABLE, targets, uses, call, Holding.NOTHING)
        if len(targets) == 1 and (
            (api is not None and api_under(api, MODULE_APIS))
            or (isinstance(call.func, cst.Name) and call.func.value in definitions.classes)
        ):
            return Statement(statement, Kind.VARIABLE, targets, uses, call, Holding.MODULE)
        if api in OPTIMIZERS and len(targets) == 1:
            return Statement(statement, Kind.OPTIMIZER, targets, uses, call)
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
        if method in ("minimize", "apply_gradients") and len(targets) == 1:
            return Statement(statement, Kind.TRAIN, targets, uses, call)
        if method == "compute_gradients" and len(targets) == 1:
            return Statement(statement, Kind.GRAPH, targets, uses, call, gradients=_gradients_of(call, True))
        if api == "tf.gradients" and len(targets) == 1:
            return Statement(statement, Kind.GRAPH, targets, uses, call, gradients=_gradients_of(call, False))
        if api is not None and api_under(api, EAGER_OBJECT_APIS):
            # Variables may go in (a checkpoint lists them); a graph tensor going in is
            # refused later, as any Python use of one is.
            return Statement(statement, Kind.PYTHON, defines, uses, call)
        if api in SUMMARY_OPS and len(targets) <= 1:
            return Statement(statement, Kind.SUMMARY, targets, uses, call)
        if api in SUMMARY_MERGES and len(targets) == 1:
            return Statement(statement, Kind.MERGE, targets, uses, call)
        if api == SUMMARY_WRITER and len(targets) == 1:
            return Statement(statement, Kind.WRITER, targets, uses, call)
    if (
        isinstance(small, cst.Assign)
        and len(targets) == 1
        and _variable_container(small.value, resolve)
    ):
        holds = Holding.DICT if isinstance(small.value, cst.Dict) else Holding.SEQUENCE
        return Statement(statement, Kind.VARIABLE, targets, uses, None, holds)
    _refuse_stateful_input(statement, resolve, iterators)
    apis = tf_apis_in(statement, resolve)
    writers = {id(call.func) for call in nested_writers(statement, resolve)}
    for api, node in apis:
        if id(node) in writers:
            continue  # converted where it stands, as the runs are
        if api_under(api, COLLECTION_APIS):
            raise Declined(GRAPH_COLLECTIONS, f"uses graph collections ({api})", node)
        if api_under(api, VARIABLE_FAMILY_APIS):
            raise Declined(
                VARIABLE_FAMILY, f"{api} is left for the variables-and-layers conversion", node
            )
        if api_under(api, SUMMARY_APIS):
            raise Declined(UNSUPPORTED_RUN, f"{api} in a form this tool does not convert", node)
        if api in PLACEHOLDER_APIS or api == "tf.Variable" or api in OPTIMIZERS:
            if not isinstance(statement, cst.SimpleStatementLine):
                raise Declined(GRAPH_IN_CONTROL_FLOW, f"{api} inside a compound statement", node)
            raise Declined(UNSUPPORTED_RUN, f"{api} in an unsupported form", node)
    calls_tf = has_tf_call(statement, resolve) and not _has_run(statement, sessions, graph_names)
    reads_graph = bool(uses & graph_names)
    if isinstance(statement, cst.SimpleStatementLine) and targets and (calls_tf or reads_graph):
        return Statement(statement, Kind.GRAPH, defines, uses, call)
    if (
        isinstance(small, cst.AugAssign)
        and isinstance(small.target, cst.Name)
        and (small.target.value in graph_names or names_in(small.value) & graph_names)
        and not _has_run(statement, sessions, graph_names)
    ):
        # `l2_loss += tf.nn.l2_loss(W)`: a new tensor from the one the name held (a Python
        # number it started from, `l2_loss = 0`, moves with it).
        return Statement(statement, Kind.GRAPH, defines, uses, call)
    return Statement(statement, Kind.PYTHON, defines, uses, call)


# What a function moved into the generated functions may not hold: state made once, runs.
_NOT_IN_GRAPH_FUNCTIONS = (
    *PLACEHOLDER_APIS,
    *OPTIMIZERS,
    *SESSION_APIS,
    *VARIABLE_FAMILY_APIS,
    *COLLECTION_APIS,
    *SUMMARY_APIS,
    *STATEFUL_INPUT_APIS,
    "tf.Variable",
)


def _graph_function_reads(node: cst.FunctionDef, resolve: Resolver, tensors: frozenset[str]) -> frozenset[str]:
    """The names a plain function reads from its scope when it builds graph from tensors the
    scope computes, and nothing else (no state, no runs, no decorators); empty for any other
    function. (One that reads only variables and placeholders stays a module function.)"""
    if node.decorators or node.asynchronous or nodes_of(node, cst.Yield, cst.Global, cst.Nonlocal, cst.ClassDef):
        return frozenset()
    reads = frozenset(names_in(node.body)) - own_names(node) - {node.name.value}
    if not reads & tensors or not has_tf_call(node, resolve):
        return frozenset()
    if any(api_under(api, _NOT_IN_GRAPH_FUNCTIONS) for api, _ in tf_apis_in(node, resolve)):
        return frozenset()
    if any(isinstance(call.func, cst.Attribute) and call.func.attr.value in ("run", "eval") for call in calls_in(node)):
        return frozenset()
    return reads


def _read_names(small: cst.BaseSmallStatement | None, uses: frozenset[str], outside: _OutsideRuns) -> frozenset[str]:
    """`uses` without the names an assignment only binds: `[b] = sess.run(b)` reads no `b`
    outside the run."""
    if not isinstance(small, cst.Assign):
        return uses
    bound = {name for target in small.targets for name in bound_names(target.target)}
    if not bound:
        return uses
    in_value = _OutsideRuns(outside.sessions, outside.graph_names)
    walk.visit(small.value, in_value)
    return frozenset((uses - bound) | (in_value.names & bound))


def iterator_source(call: cst.Call, resolve: Resolver) -> cst.BaseExpression | None:
    """The dataset of `dataset.make_one_shot_iterator()` (or initializable, or the
    `tf.data.make_*_iterator(dataset)` functions), None for any other call."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value in ITERATOR_METHODS and not call.args:
        return func.value if resolve(func) is None else None
    if resolve(func) in ITERATOR_APIS and len(call.args) == 1 and call.args[0].keyword is None:
        return call.args[0].value
    return None


def _structure_iterator(call: cst.Call, api: str | None) -> bool:
    """`tf.data.Iterator.from_structure(types, shapes)`; a `shared_name` would share its state
    with other sessions."""
    return api == STRUCTURE_ITERATOR_API and len(call.args) <= 2 and not any(
        arg.star or (arg.keyword is not None and arg.keyword.value == "shared_name") for arg in call.args
    )


def iterator_start(call: cst.Call, iterators: frozenset[str]) -> tuple[str, cst.BaseExpression] | None:
    """The iterator and the dataset of `iterator.make_initializer(dataset)`, None for any other call."""
    func = call.func
    if not (
        isinstance(func, cst.Attribute)
        and func.attr.value == "make_initializer"
        and isinstance(func.value, cst.Name)
        and func.value.value in iterators
    ):
        return None
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return None
    return func.value.value, call.args[0].value


def _refuse_stateful_input(statement: cst.BaseStatement, resolve: Resolver, iterators: frozenset[str]) -> None:
    for api, node in tf_apis_in(statement, resolve):
        if api_under(api, STATEFUL_INPUT_APIS):
            raise Declined(STATEFUL_INPUT, f"{api} keeps input state across runs", node)
    for call in calls_in(statement):
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "get_next" and (
            isinstance(func.value, cst.Name) and func.value.value in iterators and not call.args
        ):
            continue  # one element per call of the function that runs it, as per TF1 run
        if isinstance(func, cst.Attribute) and func.attr.value in STATEFUL_INPUT_METHODS:
            method = func.attr.value
            raise Declined(STATEFUL_INPUT, f"a dataset iterator (`{method}`) keeps input state across runs", call)


def _control_dependencies_block(statement: cst.BaseStatement, resolve: Resolver) -> bool:
    """`with tf.control_dependencies([...]):` around plain tensor assignments only."""
    if not isinstance(statement, cst.With) or not isinstance(statement.body, cst.IndentedBlock):
        return False
    if not all(
        isinstance(item.item, cst.Call)
        and resolve(item.item.func) == "tf.control_dependencies"
        and item.asname is None
        for item in statement.items
    ):
        return False
    return _plain_tensor_lines(statement.body.body, resolve, allow_python=False)


# Methods that add to a Python list: `losses.append(t)` builds up the list a loop fills.
_GROWING_METHODS = frozenset({"append", "extend", "insert"})


def _grown_list(small: cst.BaseSmallStatement | None) -> str | None:
    """`name.append(...)` (or extend, insert) as a statement: the list's name."""
    if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
        return None
    func = small.value.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in _GROWING_METHODS:
        return func.value.value
    return None


def updated_in_place(statement: cst.BaseStatement) -> frozenset[str]:
    """The names the lines of a statement change without binding them anew (`total += t`,
    `d[k] = t`, `ts.append(t)`): what they held is built up there."""
    found: set[str] = set()
    for line in nodes_of(statement, cst.SimpleStatementLine):
        assert isinstance(line, cst.SimpleStatementLine)
        for small in line.body:
            if isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
                found.add(small.target.value)
            elif isinstance(small, cst.Assign):
                found.update(
                    t.target.value.value
                    for t in small.targets
                    if isinstance(t.target, cst.Subscript) and isinstance(t.target.value, cst.Name)
                )
            elif (grown := _grown_list(small)) is not None:
                found.add(grown)
    return frozenset(found)


def _plain_tensor_lines(lines: Sequence[cst.BaseStatement], resolve: Resolver, *, allow_python: bool) -> bool:
    """Lines that only assign tensors (or, with `allow_python`, plain values): no training,
    variables or placeholders, which must be made once rather than per function call."""
    for line in lines:
        targets, call, small = single_call(line)
        assigns = isinstance(small, cst.Assign) and bool(targets)
        if allow_python:  # also `loss += ...`, `d["k"] = ...` and `losses.append(...)`
            assigns = assigns or isinstance(small, (cst.Assign, cst.AugAssign)) and bool(defined_names(line))
            assigns = assigns or _grown_list(small) is not None
        if not assigns:
            return False
        if call is not None and isinstance(call.func, cst.Attribute) and call.func.attr.value in (
            "minimize", "apply_gradients", "compute_gradients"
        ):
            return False  # training under dependencies: not a plain tensor
        if any(
            api == "tf.Variable" or api in PLACEHOLDER_APIS or api_under(api, VARIABLE_FAMILY_APIS)
            for api, _ in tf_apis_in(line, resolve)
        ):
            return False
    return True


def _reports_error(line: cst.BaseStatement) -> bool:
    """`raise ...` or `print(...)`: the branch of a graph-building `if` chain taken on bad input."""
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return False
    small = line.body[0]
    if isinstance(small, cst.Raise):
        return True
    return (
        isinstance(small, cst.Expr)
        and isinstance(small.value, cst.Call)
        and m.matches(small.value.func, m.Name("print"))
    )


def graph_block_header(statement: cst.BaseStatement) -> frozenset[str]:
    """The names the header of an `if` chain or `for` loop reads (conditions, iterable)."""
    if isinstance(statement, cst.For):
        return names_in(statement.iter)
    names: set[str] = set()
    branch: cst.If | cst.Else | None = statement if isinstance(statement, cst.If) else None
    while isinstance(branch, cst.If):
        names |= names_in(branch.test)
        branch = branch.orelse
    return frozenset(names)


def _graph_block(
    statement: cst.BaseStatement,
    resolve: Resolver,
    graph_names: set[str],
    sessions: set[str],
    containers: frozenset[str],
) -> tuple[str, ...] | None:
    """For an `if` chain on Python values or a `for` loop over one whose bodies only compute
    tensors (`if kind == "lasso": loss = ...`): the names it defines, else None. Moved into the
    generated functions whole, such a block builds there what TF1 built in the graph."""
    blocks: list[cst.BaseSuite] = []
    if isinstance(statement, cst.For):
        if statement.orelse is not None or statement.asynchronous or not isinstance(statement.target, cst.Name):
            return None
        blocks.append(statement.body)
    elif isinstance(statement, cst.If):
        branch: cst.If | cst.Else | None = statement
        while branch is not None:
            blocks.append(branch.body)
            branch = branch.orelse if isinstance(branch, cst.If) else None
    else:
        return None
    # A condition on a tensor is not Python control flow (and `==` on tensors changed meaning);
    # a loop may run over variables and Python lists of graph values, named or written out
    # (`for w in [W1, W2_again]:`, whatever graph values they are).
    header_graph = graph_block_header(statement) & graph_names
    if isinstance(statement, cst.For):
        if not isinstance(statement.iter, (cst.List, cst.Tuple)) and header_graph - containers:
            return None
    elif header_graph:
        return None
    lines = [line for block in blocks if isinstance(block, cst.IndentedBlock) for line in block.body]
    if len(lines) != sum(len(block.body) if isinstance(block, cst.IndentedBlock) else 1 for block in blocks):
        return None
    if any(_has_run(line, sessions, graph_names) for line in lines):
        return None
    # The branch an `if` chain takes on bad input may just complain.
    computes = [line for line in lines if not (isinstance(statement, cst.If) and _reports_error(line))]
    if not computes or not _plain_tensor_lines(computes, resolve, allow_python=True):
        return None
    if not any(has_tf_call(line, resolve) or names_in(line) & graph_names for line in computes):
        return None
    defines = tuple(
        dict.fromkeys(name for line in computes for name in (*defined_names(line), *updated_in_place(line)))
    )
    if isinstance(statement, cst.For):
        defines += tuple(bound_names(statement.target))
    return defines


def _has_run(statement: cst.CSTNode, sessions: set[str], graph_names: set[str]) -> bool:
    outside = _OutsideRuns(sessions, graph_names)
    walk.visit_code(statement, outside)
    return names_in(statement) != outside.names or any(_is_run_of(call, sessions) for call in calls_in(statement))


def _is_run_of(call: cst.Call, sessions: set[str]) -> bool:
    func = call.func
    return (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.value.value in sessions
        and func.attr.value == "run"
    )


class _TfCalls(cst.CSTVisitor):
    def __init__(self, resolve: Resolver) -> None:
        self._resolve = resolve
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        api = self._resolve(node.func)
        if api is not None and not api_under(api, PYTHON_VALUED_APIS):
            self.found = True


def has_tf_call(node: cst.CSTNode, resolve: Resolver) -> bool:
    """Whether code calls a TensorFlow API that builds graph (not one that gives Python values)."""
    finder = _TfCalls(resolve)
    walk.visit(node, finder)
    return finder.found


def placeholder_of(statement: Statement, resolve: Resolver) -> Placeholder:
    call = statement.call
    assert call is not None
    if resolve(call.func) == "tf.placeholder_with_default":
        default = call_argument(call, 0, "input")
        shape = call_argument(call, 1, "shape")
        name = call_argument(call, 2, "name")
        if default is None:
            raise Declined(UNSUPPORTED_RUN, "placeholder_with_default without a default", call)
        return Placeholder(statement.defines[0], cst.Name("None"), shape, name, default)
    dtype = call_argument(call, 0, "dtype")
    if dtype is None:
        raise Declined(UNSUPPORTED_RUN, "placeholder without a dtype", call)
    return Placeholder(
        statement.defines[0],
        dtype,
        call_argument(call, 1, "shape"),
        call_argument(call, 2, "name"),
        None,
        sparse=resolve(call.func) in SPARSE_PLACEHOLDER_APIS,
    )


def _gradients_of(call: cst.Call, pairs: bool) -> Gradients:
    loss = call_argument(call, 0, "loss" if pairs else "ys")
    allowed = {None, "loss", "var_list", "ys", "xs", "name"}
    for arg in call.args:
        keyword = arg.keyword.value if arg.keyword else None
        if keyword not in allowed or arg.star:
            raise Declined(UNSUPPORTED_RUN, f"gradients(..., {keyword}=...) is not converted", call)
    targets = call_argument(call, 1, "var_list" if pairs else "xs")
    if not pairs and targets is None:
        raise Declined(UNSUPPORTED_RUN, "tf.gradients without xs", call)
    if isinstance(loss, cst.Name):
        return Gradients(loss.value, targets, pairs)
    # `tf.gradients(jacobians[0], [x, y])`: the expression is differentiated as it stands; which
    # variables it reaches is not traced, so the targets must be given.
    if loss is None or targets is None or not isinstance(loss, (cst.Subscript, cst.Attribute)):
        raise Declined(UNSUPPORTED_RUN, "gradients of an expression rather than a named loss", call)
    return Gradients(code_of(loss), targets, pairs)


def train_op_of(statement: Statement, optimizers: set[str], resolve: Resolver) -> TrainOp:
    call = statement.call
    assert call is not None and isinstance(call.func, cst.Attribute)
    optimizer = call.func.value
    if call.func.attr.value == "apply_gradients":
        return _applied_op_of(statement, call, optimizers)
    if isinstance(optimizer, cst.Name):
        if optimizer.value not in optimizers:
            raise Declined(UNSUPPORTED_OPTIMIZER, f"minimize on unknown optimizer {optimizer.value}", call)
    elif not (isinstance(optimizer, cst.Call) and resolve(optimizer.func) in OPTIMIZERS):
        raise Declined(UNSUPPORTED_OPTIMIZER, "minimize on an optimizer this tool does not map", call)
    loss = call_argument(call, 0, "loss")
    if loss is None:
        raise Declined(UNSUPPORTED_RUN, "minimize without a loss", call)
    for arg in call.args:
        keyword = arg.keyword.value if arg.keyword else None
        if keyword not in {None, "loss", "global_step", "var_list", "name"}:
            raise Declined(UNSUPPORTED_RUN, f"minimize(..., {keyword}=...) is not converted", call)
    return TrainOp(
        statement.defines[0],
        loss.value if isinstance(loss, cst.Name) else "loss",
        optimizer,
        call_argument(call, 2, "var_list"),
        call_argument(call, 1, "global_step"),
        loss_expression=None if isinstance(loss, cst.Name) else loss,
    )


def _applied_op_of(statement: Statement, call: cst.Call, optimizers: set[str]) -> TrainOp:
    assert isinstance(call.func, cst.Attribute)
    optimizer = call.func.value
    if not (isinstance(optimizer, cst.Name) and optimizer.value in optimizers):
        raise Declined(UNSUPPORTED_OPTIMIZER, "apply_gradients on an optimizer this tool does not map", call)
    for arg in call.args:
        keyword = arg.keyword.value if arg.keyword else None
        if keyword not in {None, "grads_and_vars", "global_step", "name"} or arg.star:
            raise Declined(UNSUPPORTED_RUN, f"apply_gradients(..., {keyword}=...) is not converted", call)
    applied = call_argument(call, 0, "grads_and_vars")
    if applied is None:
        raise Declined(UNSUPPORTED_RUN, "apply_gradients without gradients", call)
    return TrainOp(
        statement.defines[0], None, optimizer, None, call_argument(call, 1, "global_step"), applied
    )


def summary_of(statement: Statement, prefix: str, resolve: Resolver) -> Summary:
    call = statement.call
    assert call is not None
    kind = SUMMARY_OPS[resolve(call.func) or ""]
    tag = call_argument(call, 0, "name")
    value = call_argument(call, 1, "tensor" if kind in ("scalar", "image", "text") else "values")
    if tag is None or value is None:
        raise Declined(UNSUPPORTED_RUN, "a summary without a name or a value", call)
    extra: list[cst.Arg] = []
    for position, arg in enumerate(call.args):
        keyword = arg.keyword.value if arg.keyword else None
        if keyword in (None, "name", "tensor", "values") and position < 2:
            continue
        if kind == "image" and (keyword == "max_outputs" or (keyword is None and position == 2)):
            extra.append(keyword_arg("max_outputs", arg.value, arg))
            continue
        raise Declined(UNSUPPORTED_RUN, f"summary argument `{keyword or position}` is not converted", call)
    if prefix:
        if isinstance(tag, cst.SimpleString) and isinstance(tag.evaluated_value, str):
            tag = cst.SimpleString(repr(prefix + tag.evaluated_value))
        else:
            tag = cst.BinaryOperation(cst.SimpleString(repr(prefix)), cst.Add(), tag)
    return Summary(kind, tag, value, tuple(extra))


def merged_summaries(
    merge: Statement, summaries: list[Summary], named: dict[str, Summary], resolve: Resolver
) -> list[Summary]:
    call = merge.call
    assert call is not None
    if resolve(call.func) == "tf.summary.merge_all":
        if not _default_summary_collection(call, resolve):
            raise Declined(UNSUPPORTED_RUN, "merge_all of a summary collection", call)
        return summaries
    inputs = call_argument(call, 0, "inputs")
    if not isinstance(inputs, (cst.List, cst.Tuple)) or not all(
        isinstance(e.value, cst.Name) and e.value.value in named for e in inputs.elements
    ):
        raise Declined(UNSUPPORTED_RUN, "merge of summaries this tool cannot trace", call)
    return [named[e.value.value] for e in inputs.elements if isinstance(e.value, cst.Name)]


def _default_summary_collection(merge_all: cst.Call, resolve: Resolver) -> bool:
    """`merge_all()`, or `merge_all(key=...)` naming the collection it reads by default."""
    if not merge_all.args:
        return True
    key = call_argument(merge_all, 0, "key")
    return len(merge_all.args) == 1 and key is not None and (
        (isinstance(key, cst.SimpleString) and key.evaluated_value == "summaries")
        or resolve(key) == "tf.GraphKeys.SUMMARIES"
    )


def nested_writers(statement: cst.BaseStatement, resolve: Resolver) -> list[cst.Call]:
    """The `writer = tf.summary.FileWriter(logdir)` lines of a loop or branch: a writer made at
    each pass, as TF 2 makes one with `tf.summary.create_file_writer(logdir)`."""
    if isinstance(statement, cst.SimpleStatementLine):
        return []
    found = []
    for line in nodes_of(statement, cst.SimpleStatementLine):
        assert isinstance(line, cst.SimpleStatementLine)
        targets, call, _small = single_call(line)
        if call is not None and len(targets) == 1 and resolve(call.func) == SUMMARY_WRITER:
            found.append(call)
    return found


def writer_logdir(statement: Statement) -> cst.BaseExpression:
    call = statement.call
    assert call is not None
    return call_logdir(call)


def call_logdir(call: cst.Call) -> cst.BaseExpression:
    """The log directory of `tf.summary.FileWriter(logdir[, graph])`; other arguments decline."""
    logdir = call_argument(call, 0, "logdir")
    extra = [
        a for a in call.args[1:] if not (a.keyword is None or a.keyword.value == "graph")
    ]
    if logdir is None or extra or len([a for a in call.args if a.keyword is None]) > 2:
        raise Declined(UNSUPPORTED_RUN, "a FileWriter with options", call)
    return logdir


def outer_state(
    enclosing: Sequence[cst.BaseStatement], resolve: Resolver, definitions: ModuleDefinitions
) -> list[Statement]:
    """What the module around a function scope holds for it: its variables and layers (state
    the scope trains) and its functions (which a graph statement of the scope may call)."""
    found: list[Statement] = []
    for node in enclosing:
        if isinstance(node, cst.FunctionDef):
            found.append(Statement(node, Kind.PYTHON, (node.name.value,), names_in(node)))
            continue
        try:
            statement = classify(node, resolve, set(), set(), definitions)
        except Declined:
            continue  # not the scope being converted: its own conversion reports it
        if statement.kind is Kind.VARIABLE:
            found.append(statement)
    return found


def module_definitions(nodes: Sequence[cst.BaseStatement], resolve: Resolver) -> ModuleDefinitions:
    """The module classes and variable factories among `nodes`."""
    classes = set()
    factories = set()
    for node in nodes:
        if isinstance(node, cst.ClassDef) and any(
            (api := resolve(base.value)) is not None and api_under(api, MODULE_APIS)
            for base in node.bases
        ):
            classes.add(node.name.value)
        elif isinstance(node, cst.FunctionDef) and is_variable_factory(node, resolve):
            factories.add(node.name.value)
    return ModuleDefinitions(frozenset(classes), frozenset(factories))


def is_variable_factory(node: cst.FunctionDef, resolve: Resolver) -> bool:
    """`def f(...):` whose body makes one `tf.Variable` from its parameters and returns it,
    reading nothing else from the module but TensorFlow (so no placeholder or tensor). Its value
    may be computed into locals first, as TensorFlow's own tutorial wrote it: `initial =
    tf.truncated_normal(shape, stddev=0.1)` then `return tf.Variable(initial)`."""
    return factory_variable(node, resolve) is not None


def factory_variable(node: cst.FunctionDef, resolve: Resolver) -> cst.Call | None:
    """The `tf.Variable(...)` call of a variable factory (`is_variable_factory`); None for any
    other function."""
    if not isinstance(node.body, cst.IndentedBlock) or node.asynchronous or node.decorators:
        return None
    lines = [s for s in node.body.body if not is_docstring(s)]
    if not lines or not all(isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 for line in lines):
        return None
    *setup, last = [line.body[0] for line in lines if isinstance(line, cst.SimpleStatementLine)]
    if not isinstance(last, cst.Return) or last.value is None:
        return None
    made: cst.BaseExpression = last.value
    if isinstance(made, cst.Name) and setup and _assigned_name(setup[-1]) == made.value:
        made = cast(cst.Assign, setup.pop()).value
    if not (isinstance(made, cst.Call) and resolve(made.func) == "tf.Variable"):
        return None
    bound = {p.name.value for p in (*node.params.params, *node.params.kwonly_params, *node.params.posonly_params)}
    for statement in [*setup, made]:
        value = statement.value if isinstance(statement, cst.Assign) else statement
        if isinstance(statement, cst.Assign) and _assigned_name(statement) is None:
            return None
        apis = [api for api, _ in tf_apis_in(value, resolve)]
        if statement is not made and "tf.Variable" in apis:
            return None  # a second variable
        if any(api in _NOT_IN_GRAPH_FUNCTIONS and api != "tf.Variable" for api in apis):
            return None
        free = names_in(value) - bound - {"None", "True", "False"}
        references = [n for n in nodes_of(value, cst.Name) if isinstance(n, cst.Name) and n.value in free]
        if not all(resolve(reference) is not None for reference in references):
            return None
        if isinstance(statement, cst.Assign):
            bound.add(cast(str, _assigned_name(statement)))
    return made


def unnamed_factories(body: Sequence[cst.BaseStatement], resolve: Resolver) -> frozenset[str]:
    """The module's variable factories (`is_variable_factory`) whose variable has
    no name given: TF1 named it `Variable` in the name scope the factory was called in."""
    found = set()
    for statement in body:
        if isinstance(statement, cst.FunctionDef):
            made = factory_variable(statement, resolve)
            if made is not None and call_argument(made, VARIABLE_NAME_POSITION, "name") is None:
                found.add(statement.name.value)
    return frozenset(found)


def _assigned_name(statement: cst.BaseSmallStatement) -> str | None:
    """`name` of `name = value`; None for any other statement."""
    if (
        isinstance(statement, cst.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0].target, cst.Name)
    ):
        return statement.targets[0].target.value
    return None


def is_feed_dict(statement: Statement, feedable: Callable[[str], bool]) -> bool:
    """`feed = {x: xs, h: hs}`: a dict whose keys are all names `feedable` accepts (placeholders,
    and tensors a run may feed over)."""
    node = statement.node
    if not (isinstance(node, cst.SimpleStatementLine) and isinstance(node.body[0], cst.Assign)):
        return False
    value = node.body[0].value
    return (
        isinstance(value, cst.Dict)
        and bool(value.elements)
        and all(
            isinstance(e, cst.DictElement) and isinstance(e.key, cst.Name) and feedable(e.key.value)
            for e in value.elements
        )
    )


def binds_container(statement: Statement, resolve: Resolver) -> bool:
    """Whether the statement binds its one name to a structure of tensors rather than a tensor."""
    if statement.gradients is not None:
        return True  # a list of gradients, or of (gradient, variable) pairs
    node = statement.node
    if not (isinstance(node, cst.SimpleStatementLine) and isinstance(node.body[0], cst.Assign)):
        return False
    return gives_structure(node.body[0].value, resolve)


def structured_names(
    statements: Sequence[Statement], resolve: Resolver, functions: Mapping[str, cst.FunctionDef]
) -> set[str]:
    """The graph names whose last definition binds a structure of tensors: those that bind a
    container, a call of a function of the program on such a structure
    (`hessians = replace_none_with_zero(hessians)`), which gives one back as far as can be told,
    and a call of one of `functions` (the program's, by name) that returns a container."""
    structured: set[str] = set()
    for statement in statements:
        if statement.kind is not Kind.GRAPH:
            continue
        small = statement.node.body[0] if isinstance(statement.node, cst.SimpleStatementLine) else None
        value = small.value if isinstance(small, cst.Assign) else None
        passed = (
            isinstance(value, cst.Call)
            and resolve(value.func) is None
            and any(isinstance(arg.value, cst.Name) and arg.value.value in structured for arg in value.args)
        )
        built = (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Name)
            and value.func.value in functions
            and returns_container(functions[value.func.value])
        )
        if binds_container(statement, resolve) or passed or built:
            structured.update(statement.defines)
        else:
            structured.difference_update(statement.defines)
    return structured


_CONTAINERS = (cst.List, cst.Tuple, cst.Dict, cst.ListComp, cst.DictComp)


def returns_container(function: cst.FunctionDef) -> bool:
    """Whether every `return` of `function` gives a list, tuple or dict: a literal or
    comprehension, or a name the function binds only to such (`images = [image[0]]`, appended
    to in a loop, then `return images`)."""
    assigned: dict[str, list[cst.BaseExpression | None]] = {}  # None: bound other than by `=`
    for node in nodes_of(function.body, cst.Assign, cst.AugAssign, cst.AnnAssign):
        assert isinstance(node, (cst.Assign, cst.AugAssign, cst.AnnAssign))
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        for target in targets:
            if isinstance(target, cst.Name):
                assigned.setdefault(target.value, []).append(node.value if isinstance(node, cst.Assign) else None)
    nested = nodes_of(function.body, cst.FunctionDef, cst.Lambda)
    returns = [r for r in nodes_of(function.body, cst.Return) if isinstance(r, cst.Return)]
    if not returns or nested:
        return False
    for returned in returns:
        value = returned.value
        if isinstance(value, cst.Name):
            bindings = assigned.get(value.value, [])
            if not bindings or not all(isinstance(b, _CONTAINERS) for b in bindings):
                return False
        elif not isinstance(value, _CONTAINERS):
            return False
    return True


def gives_structure(value: cst.BaseExpression, resolve: Resolver) -> bool:
    """A literal list, tuple or dict, or a call of an op with several outputs."""
    if isinstance(value, (cst.Dict, cst.List, cst.Tuple)):
        return True
    return isinstance(value, cst.Call) and resolve(value.func) in MULTI_OUTPUT_APIS


# Statements that disappear in TF 2 code: their names are free for generated functions.
