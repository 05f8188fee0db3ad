"""The dataflow of TF1 graph code: what a session program builds, and what each run needs.

`analyze_scope` reads the statements of one scope (a module, or a function such as `main`)
that builds a graph and runs it in a session. It sorts every statement into a kind (placeholder,
variable, optimizer, training op, graph computation, plain Python, boilerplate), finds every
place where the session runs something, and works out for each distinct run the backward slice
of graph statements it needs and the placeholders it is fed. Whatever it cannot prove safe raises
`Declined` with a reason code; callers then leave the scope as working compat.v1 code.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import libcst as cst
import libcst.matchers as m

from migrate.analysis import walk
from migrate.analysis.optimizers import OPTIMIZERS

Resolver = Callable[[cst.CSTNode], "str | None"]

SESSION_APIS = frozenset({"tf.Session", "tf.InteractiveSession"})
PLACEHOLDER_APIS = frozenset({"tf.placeholder", "tf.placeholder_with_default"})
INITIALIZER_APIS = frozenset(
    {
        "tf.global_variables_initializer",
        "tf.initialize_all_variables",
        "tf.local_variables_initializer",
        "tf.initialize_local_variables",
        "tf.tables_initializer",
        "tf.variables_initializer",
    }
)
# Graph ops that produce no value: fetched, they give None, as a training op does.
OP_APIS = frozenset({"tf.group", "tf.no_op"})
DROPPED_CALLS = frozenset({"tf.reset_default_graph", "tf.disable_v2_behavior", "tf.disable_eager_execution"})
# Graph-wide state that has no meaning once code runs eagerly; a scope using it is declined.
COLLECTION_APIS = frozenset(
    {
        "tf.get_collection",
        "tf.add_to_collection",
        "tf.trainable_variables",
        "tf.global_variables",
        "tf.all_variables",
        "tf.local_variables",
        "tf.get_default_graph",
        "tf.GraphKeys",
        "tf.train.import_meta_graph",
        "tf.import_graph_def",
    }
)
# Constructs the variables-and-layers family converts; until it does, they are declined here.
VARIABLE_FAMILY_APIS = frozenset(
    {"tf.get_variable", "tf.variable_scope", "tf.train.Saver", "tf.contrib.slim", "tf.layers"}
)
# TF1 summary ops and the TF 2 function that writes the same record.
SUMMARY_OPS = {
    "tf.summary.scalar": "scalar",
    "tf.summary.histogram": "histogram",
    "tf.summary.image": "image",
    "tf.summary.text": "text",
}
SUMMARY_MERGES = frozenset({"tf.summary.merge_all", "tf.summary.merge"})
SUMMARY_WRITER = "tf.summary.FileWriter"
SUMMARY_APIS = frozenset({"tf.summary"})


class Kind(enum.Enum):
    PLACEHOLDER = "placeholder"
    VARIABLE = "variable"
    OPTIMIZER = "optimizer"
    TRAIN = "train"
    INITIALIZER = "initializer"
    GRAPH = "graph"
    PYTHON = "python"
    DROP = "drop"
    SUMMARY = "summary"  # a TF1 summary op: `tf.summary.scalar("loss", loss)`
    MERGE = "merge"  # `merged = tf.summary.merge_all()`
    WRITER = "writer"  # `writer = tf.summary.FileWriter(logdir, sess.graph)`


class Declined(Exception):
    """The scope cannot be converted safely; `code` is the reason code reported to the user."""

    def __init__(self, code: str, message: str, node: cst.CSTNode | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.node = node


# Reason codes (documented by the sessions transform's FINDINGS).
GRAPH_IN_CONTROL_FLOW = "TFM210"
SESSION_ESCAPES = "TFM211"
FETCH_BY_NAME = "TFM212"
FEED_OVERRIDE = "TFM213"
TENSOR_OUTSIDE_RUN = "TFM214"
GRAPH_COLLECTIONS = "TFM215"
VARIABLE_FAMILY = "TFM216"
UNFED_PLACEHOLDER = "TFM217"
UNSUPPORTED_RUN = "TFM218"
UNSUPPORTED_OPTIMIZER = "TFM402"


@dataclass
class Statement:
    node: cst.BaseStatement
    kind: Kind
    defines: tuple[str, ...] = ()
    uses: frozenset[str] = frozenset()
    call: cst.Call | None = None
    # For VARIABLE statements: how the bound name holds its variables.
    holds: str = ""  # "variable", "dict", "sequence" or "module" (`.trainable_variables`)
    gradients: Gradients | None = None  # for GRAPH statements computing gradients
    # For GRAPH statements: the graph statements whose values this one reads (the definitions
    # that reach it), so `h = dense(h)` chains slice correctly.
    deps: list[Statement] = field(default_factory=list)


# TF 2 objects that earlier transforms create where TF1 code made graph state (checkpoints,
# writers, Keras optimizers and initializers): plain Python objects kept where they are made.
EAGER_OBJECT_APIS = (
    "tf.train.Checkpoint",
    "tf.train.CheckpointManager",
    "tf.summary.create_file_writer",
    "tf.keras.optimizers",
    "tf.keras.initializers",
    "tf.keras.regularizers",
)

# Keras layers that own no variables: nothing of theirs goes into a var_list.
WEIGHTLESS_LAYERS = frozenset(
    f"tf.keras.layers.{name}"
    for name in (
        "Activation", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "Dropout",
        "Flatten", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D",
        "GlobalMaxPooling2D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "Permute",
        "ReLU", "Reshape", "Softmax", "SpatialDropout1D", "SpatialDropout2D",
    )
)

# Objects that own variables and list them as `.trainable_variables`: Keras layers and models,
# and tf.Module subclasses defined in the file (as the variables transform writes them).
MODULE_APIS = ("tf.keras.layers", "tf.keras.Sequential", "tf.keras.Model", "tf.Module")


@dataclass(frozen=True)
class Placeholder:
    """A function parameter: a TF1 placeholder, or a tensor a run fed over (`dtype` None)."""

    name: str
    dtype: cst.BaseExpression | None
    shape: cst.BaseExpression | None
    spec_name: cst.BaseExpression | None
    default: cst.BaseExpression | None


@dataclass(frozen=True)
class Summary:
    kind: str  # the TF 2 `tf.summary` function
    tag: cst.BaseExpression  # with the enclosing name scopes, as TF1 prefixed it
    value: cst.BaseExpression
    extra: tuple[cst.Arg, ...]  # e.g. `max_outputs=`


@dataclass(frozen=True)
class TrainOp:
    name: str
    loss: str | None  # None for `apply_gradients`: the gradients come from `applied`
    optimizer: cst.BaseExpression  # a module-level name or an inline TF1 optimizer call
    var_list: cst.BaseExpression | None
    global_step: cst.BaseExpression | None
    applied: cst.BaseExpression | None = None  # the (gradient, variable) pairs applied
    # `minimize(tf.reduce_sum(y))`: the loss expression, computed under the tape as `loss`.
    loss_expression: cst.BaseExpression | None = None


@dataclass(frozen=True)
class Gradients:
    """`gv = opt.compute_gradients(loss, var_list)` (pairs) or `g = tf.gradients(loss, xs)`
    (a list): inside a generated function, a `tape.gradient` of the loss computed under the
    tape."""

    loss: str
    targets: cst.BaseExpression | None  # None: the trainable variables the loss reaches
    pairs: bool


@dataclass
class RunSite:
    """One place that runs the graph: `sess.run(...)`, `t.eval(...)` or `op.run(...)`."""

    call: cst.Call
    fetches: cst.BaseExpression
    feeds: list[tuple[str, cst.BaseExpression]]
    function: Function | None = None  # None when the site only reads variables


@dataclass
class Helper:
    """Graph statements that several generated functions need, written once as a plain
    Python function they all call."""

    name: str
    params: list[str]
    returns: list[str]
    statements: list[Statement]


@dataclass
class Function:
    """A generated `tf.function`: the graph slice one kind of run needs."""

    name: str
    params: list[Placeholder]
    fetches: cst.BaseExpression
    train: TrainOp | None
    statements: list[Statement] = field(default_factory=list)
    key: str = ""
    roots: frozenset[str] = frozenset()
    steps: list[Statement | Helper] = field(default_factory=list)


@dataclass
class ScopePlan:
    statements: list[Statement]
    placeholders: dict[str, Placeholder]
    variables: dict[str, Statement]
    train_ops: dict[str, TrainOp]
    run_sites: list[RunSite]
    functions: list[Function]
    session_names: set[str]
    first_run_index: int
    dropped_config: list[cst.CSTNode]
    init_calls: list[cst.Call]
    helpers: list[Helper]
    threaded: dict[str, tuple[str, ...]]
    feed_dict_nodes: dict[int, cst.Dict]
    structured: set[str]  # graph names bound to a dict / list / tuple of tensors
    summaries: list[Summary]  # what the one merged summary op collects, in TF1's order
    writers: dict[str, cst.BaseExpression]  # FileWriter name -> its log directory
    summary_writes: dict[int, cst.Call]  # `writer.add_summary(value, step)` calls
    merged: set[str]
    graph_defs: dict[str, Statement]  # tensor name -> its last definition
    ops: set[str]  # fetched names that give no value: training ops, groups, no_ops


class _Names(cst.CSTVisitor):
    """Names a piece of code reads, leaving out attribute names and keyword names."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        walk.visit(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk.visit(node.value, self)
        return False


def names_in(node: cst.CSTNode) -> frozenset[str]:
    collector = _Names()
    walk.visit(node, collector)
    return frozenset(collector.names)


class _ApiCalls(cst.CSTVisitor):
    def __init__(self, resolve: Resolver) -> None:
        self._resolve = resolve
        self.apis: list[tuple[str, cst.CSTNode]] = []

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        api = self._resolve(node)
        if api is not None:
            self.apis.append((api, node))
            return False
        return True

    def visit_Name(self, node: cst.Name) -> None:
        api = self._resolve(node)
        if api is not None and api != "tf":
            self.apis.append((api, node))


def tf_apis_in(node: cst.CSTNode, resolve: Resolver) -> list[tuple[str, cst.CSTNode]]:
    finder = _ApiCalls(resolve)
    walk.visit(node, finder)
    return finder.apis


def api_under(api: str, prefixes: Iterable[str]) -> bool:
    """Whether a TF API path is one of `prefixes` or inside one (`tf.layers` covers `tf.layers.dense`)."""
    return any(api == p or api.startswith(p + ".") for p in prefixes)


def call_argument(call: cst.Call, position: int, keyword: str) -> cst.BaseExpression | None:
    """The argument bound to a parameter, given by keyword or at its position."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    return positional[position].value if position < len(positional) else None


def _single_call(statement: cst.BaseStatement) -> tuple[tuple[str, ...], cst.Call | None, cst.BaseSmallStatement | None]:
    """For `a = f(...)`/`f(...)` lines: (targets, the call, the small statement)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return (), None, None
    small = statement.body[0]
    value: cst.BaseExpression | None = None
    targets: tuple[str, ...] = ()
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        value = small.value
        target = small.targets[0].target
        if isinstance(target, cst.Name):
            targets = (target.value,)
        elif isinstance(target, (cst.Tuple, cst.List)) and all(
            isinstance(e.value, cst.Name) for e in target.elements
        ):
            targets = tuple(e.value.value for e in target.elements if isinstance(e.value, cst.Name))
        else:
            return (), None, small
    elif isinstance(small, cst.Expr):
        value = small.value
    else:
        return (), None, small
    return targets, value if isinstance(value, cst.Call) else None, small


def defined_names(statement: cst.BaseStatement) -> tuple[str, ...]:
    if isinstance(statement, cst.SimpleStatementLine):
        found: list[str] = []
        for small in statement.body:
            targets: list[cst.BaseExpression] = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                targets = [small.target]
            elif isinstance(small, (cst.Import, cst.ImportFrom)):
                continue
            for target in targets:
                found.extend(sorted(names_in(target)))
        return tuple(found)
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return (statement.name.value,)
    return ()


# --- flattening --------------------------------------------------------------------------


def leading_lines(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    """The blank and comment lines before a statement (every statement kind has them)."""
    assert isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    return statement.leading_lines


def with_leading_lines(statement: cst.BaseStatement, lines: Sequence[cst.EmptyLine]) -> cst.BaseStatement:
    assert isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    return statement.with_changes(leading_lines=list(lines))


def _session_call(node: cst.BaseExpression, resolve: Resolver) -> bool:
    return isinstance(node, cst.Call) and resolve(node.func) in SESSION_APIS


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


def flatten(
    body: Sequence[cst.BaseStatement], resolve: Resolver, prefixes: dict[int, str]
) -> tuple[list[cst.BaseStatement], set[str], list[cst.CSTNode]]:
    """Unwrap `with tf.Graph().as_default():`, `with tf.Session() as sess:` and
    `with tf.name_scope(...):` blocks and drop session creation / closing lines. Returns the
    statements, the session names and the session configuration arguments that were dropped;
    `prefixes` receives the name-scope prefix of each statement that had one."""
    statements: list[cst.BaseStatement] = []
    sessions: set[str] = set()
    graphs: set[str] = set()
    dropped: list[cst.CSTNode] = []
    scopes: list[str] = []
    carried: list[cst.EmptyLine] = []

    def emit(statement: cst.BaseStatement) -> None:
        nonlocal carried
        if carried:
            statement = with_leading_lines(statement, [*carried, *leading_lines(statement)])
            carried = []
        if scopes:
            prefixes[id(statement)] = "".join(f"{scope}/" for scope in scopes)
        statements.append(statement)

    def walk(nodes: Sequence[cst.BaseStatement]) -> None:
        nonlocal carried
        for statement in nodes:
            if isinstance(statement, cst.With) and len(statement.items) == 1:
                item = statement.items[0]
                unwrap = False
                if _session_call(item.item, resolve):
                    if item.asname is None or not isinstance(item.asname.name, cst.Name):
                        raise Declined(SESSION_ESCAPES, "a session without a name", statement)
                    sessions.add(item.asname.name.value)
                    dropped.extend(_configuration(item.item))
                    unwrap = True
                elif _is_graph_as_default(item, resolve, graphs):
                    unwrap = True
                elif _name_scope(item, resolve) is not None:
                    if _creates_variables(statement, resolve):
                        raise Declined(
                            VARIABLE_FAMILY, "variables created inside a name scope", statement
                        )
                    if isinstance(statement.body, cst.IndentedBlock):
                        carried = [*carried, *leading_lines(statement)]
                        scopes.append(_name_scope(item, resolve) or "")
                        walk(statement.body.body)
                        scopes.pop()
                        continue
                if unwrap and isinstance(statement.body, cst.IndentedBlock):
                    carried = [*carried, *leading_lines(statement)]
                    walk(statement.body.body)
                    continue
            targets, call, _small = _single_call(statement)
            if call is not None and _session_call(call, resolve) and len(targets) == 1:
                sessions.add(targets[0])
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
            if (
                call is not None
                and not targets
                and m.matches(call, m.Call(func=m.Attribute(value=m.Name(), attr=m.Name("close"))))
                and call.func.value.value in sessions  # type: ignore[attr-defined]
            ):
                carried = [*carried, *leading_lines(statement)]
                continue
            emit(statement)

    walk(body)
    # A graph object is only ever entered or handed to a session; any other use is declined.
    return statements, sessions | graphs, dropped


def _name_scope(item: cst.WithItem, resolve: Resolver) -> str | None:
    """The literal name of `with tf.name_scope("x"):`, None for anything else."""
    call = item.item
    if not (isinstance(call, cst.Call) and resolve(call.func) == "tf.name_scope") or item.asname:
        return None
    name = call_argument(call, 0, "name")
    if isinstance(name, cst.SimpleString):
        value = name.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _creates_variables(node: cst.CSTNode, resolve: Resolver) -> bool:
    return any(api == "tf.Variable" for api, _ in tf_apis_in(node, resolve))


def _configuration(session_call: cst.BaseExpression) -> list[cst.CSTNode]:
    """The arguments of a session constructor other than its graph: configuration dropped."""
    assert isinstance(session_call, cst.Call)
    return [a for a in session_call.args if not (a.keyword is not None and a.keyword.value == "graph")]


# --- classification ----------------------------------------------------------------------


class _OutsideRuns(_Names):
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
            if owner in self.graph_names and func.attr.value in {"eval", "run"}:
                return False
        return True


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


def classify(
    statement: cst.BaseStatement,
    resolve: Resolver,
    graph_names: set[str],
    sessions: set[str],
    module_classes: frozenset[str] = frozenset(),
) -> Statement:
    if isinstance(statement, cst.ClassDef) and statement.name.value in module_classes:
        return Statement(statement, Kind.PYTHON, defined_names(statement), names_in(statement))
    if _control_dependencies_block(statement, resolve):
        # Graph code under `tf.control_dependencies`: moved into the functions whole, where the
        # dependencies mean what they meant in the graph.
        assert isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock)
        defines = tuple(name for line in statement.body.body for name in defined_names(line))
        return Statement(statement, Kind.GRAPH, defines, names_in(statement))
    targets, call, small = _single_call(statement)
    outside = _OutsideRuns(sessions, graph_names)
    walk.visit(statement, outside)
    uses = frozenset(outside.names)
    defines = defined_names(statement)
    if call is not None:
        api = resolve(call.func)
        if api in PLACEHOLDER_APIS and len(targets) == 1:
            return Statement(statement, Kind.PLACEHOLDER, targets, uses, call)
        if api in INITIALIZER_APIS:
            return Statement(statement, Kind.INITIALIZER, targets, uses, call)
        if api == "tf.Variable" and len(targets) == 1:
            return Statement(statement, Kind.VARIABLE, targets, uses, call, "variable")
        if len(targets) == 1 and api in WEIGHTLESS_LAYERS:
            return Statement(statement, Kind.VARIABLE, targets, uses, call, "nothing")
        if len(targets) == 1 and (
            (api is not None and api_under(api, MODULE_APIS))
            or (isinstance(call.func, cst.Name) and call.func.value in module_classes)
        ):
            return Statement(statement, Kind.VARIABLE, targets, uses, call, "module")
        if api in OPTIMIZERS and len(targets) == 1:
            return Statement(statement, Kind.OPTIMIZER, targets, uses, call)
        if (
            m.matches(call.func, m.Attribute(attr=m.Name("minimize") | m.Name("apply_gradients")))
            and len(targets) == 1
        ):
            return Statement(statement, Kind.TRAIN, targets, uses, call)
        if m.matches(call.func, m.Attribute(attr=m.Name("compute_gradients"))) and len(targets) == 1:
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
        holds = "dict" if isinstance(small.value, cst.Dict) else "sequence"
        return Statement(statement, Kind.VARIABLE, targets, uses, None, holds)
    apis = tf_apis_in(statement, resolve)
    for api, node in apis:
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
    calls_tf = _has_tf_call(statement, resolve) and not _has_run(statement, sessions, graph_names)
    reads_graph = bool(uses & graph_names)
    if isinstance(statement, cst.SimpleStatementLine) and targets and (calls_tf or reads_graph):
        return Statement(statement, Kind.GRAPH, defines, uses, call)
    return Statement(statement, Kind.PYTHON, defines, uses, call)


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
    for line in statement.body.body:
        targets, call, small = _single_call(line)
        if not isinstance(small, cst.Assign) or not targets:
            return False
        if call is not None and isinstance(call.func, cst.Attribute) and call.func.attr.value in (
            "minimize", "apply_gradients", "compute_gradients"
        ):
            return False  # training under dependencies: not a plain tensor
        if any(api == "tf.Variable" or api in PLACEHOLDER_APIS for api, _ in tf_apis_in(line, resolve)):
            return False
    return True


def _has_run(statement: cst.CSTNode, sessions: set[str], graph_names: set[str]) -> bool:
    everything = _Names()
    walk.visit(statement, everything)
    outside = _OutsideRuns(sessions, graph_names)
    walk.visit(statement, outside)
    return everything.names != outside.names or any(
        m.findall(statement, m.Call(func=m.Attribute(value=m.Name(n), attr=m.Name("run")))) for n in sessions
    )


class _TfCalls(cst.CSTVisitor):
    def __init__(self, resolve: Resolver) -> None:
        self._resolve = resolve
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        if self._resolve(node.func) is not None:
            self.found = True


def _has_tf_call(node: cst.CSTNode, resolve: Resolver) -> bool:
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
        statement.defines[0], dtype, call_argument(call, 1, "shape"), call_argument(call, 2, "name"), None
    )


def _gradients_of(call: cst.Call, pairs: bool) -> Gradients:
    loss = call_argument(call, 0, "loss" if pairs else "ys")
    if not isinstance(loss, cst.Name):
        raise Declined(UNSUPPORTED_RUN, "gradients of an expression rather than a named loss", call)
    allowed = {None, "loss", "var_list", "ys", "xs", "name"}
    for arg in call.args:
        keyword = arg.keyword.value if arg.keyword else None
        if keyword not in allowed or arg.star:
            raise Declined(UNSUPPORTED_RUN, f"gradients(..., {keyword}=...) is not converted", call)
    targets = call_argument(call, 1, "var_list" if pairs else "xs")
    if not pairs and targets is None:
        raise Declined(UNSUPPORTED_RUN, "tf.gradients without xs", call)
    return Gradients(loss.value, targets, pairs)


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


# --- run sites ---------------------------------------------------------------------------


@dataclass
class _Leaf:
    expression: cst.BaseExpression
    role: str  # "op", "tensor", "variable", "init"


def local_names(node: cst.FunctionDef) -> frozenset[str]:
    """A function's parameters and the plain names it assigns."""
    params = node.params
    local = {p.name.value for p in (*params.params, *params.kwonly_params, *params.posonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            local.add(star.name.value)
    for target in m.findall(node.body, m.AssignTarget(target=m.Name())):
        assert isinstance(target, cst.AssignTarget) and isinstance(target.target, cst.Name)
        local.add(target.target.value)
    return frozenset(local)


def _threaded_placeholders(
    statements: Sequence[Statement], placeholders: dict[str, Placeholder]
) -> dict[str, tuple[str, ...]]:
    """Module functions that read placeholders as globals, with those placeholders.

    Such a function (`def mlp(x): ... tf.nn.dropout(h, keep_prob)`) is given the placeholders
    as extra parameters, and its calls pass them on, since placeholders become parameters of
    the generated functions rather than globals."""
    defs = {s.node.name.value: s.node for s in statements if isinstance(s.node, cst.FunctionDef)}
    reads: dict[str, set[str]] = {}
    for name, node in defs.items():
        free = names_in(node.body) - local_names(node)
        reads[name] = {n for n in free if n in placeholders or n in defs}
    threaded: dict[str, set[str]] = {name: {n for n in r if n in placeholders} for name, r in reads.items()}
    changed = True
    while changed:
        changed = False
        for name, r in reads.items():
            for callee in r & set(defs):
                if not threaded[callee] <= threaded[name]:
                    threaded[name] |= threaded[callee]
                    changed = True
    order = list(placeholders)
    return {name: tuple(sorted(found, key=order.index)) for name, found in threaded.items() if found}


class _RunSiteFinder(cst.CSTVisitor):
    """Finds the session runs in plain Python statements, and refuses any other use of the
    session or of a graph tensor there: in eager code those would mean something else."""

    def __init__(self, plan: _PlanState) -> None:
        self.plan = plan
        self.sites: list[RunSite] = []
        self.init_calls: list[cst.Call] = []
        self.local_names: list[frozenset[str]] = []  # parameters and locals of enclosing defs
        self.summary_writes: dict[int, cst.Call] = {}
        self.control_flow = 0  # loops and branches around the node being visited
        self.assigning = 0

    def visit_For(self, node: cst.For) -> None:
        self.control_flow += 1

    def leave_For(self, original_node: cst.For) -> None:
        self.control_flow -= 1

    def visit_While(self, node: cst.While) -> None:
        self.control_flow += 1

    def leave_While(self, original_node: cst.While) -> None:
        self.control_flow -= 1

    def visit_If(self, node: cst.If) -> None:
        self.control_flow += 1

    def leave_If(self, original_node: cst.If) -> None:
        self.control_flow -= 1

    def leave_Assign(self, original_node: cst.Assign) -> None:
        self.assigning -= 1

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.assigning += 1

    def leave_AugAssign(self, original_node: cst.AugAssign) -> None:
        self.assigning -= 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        threaded = self.plan.threaded.get(node.name.value, ())
        self.local_names.append(local_names(node) | frozenset(threaded))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.local_names.pop()

    def _is_local(self, name: str) -> bool:
        return any(name in scope for scope in self.local_names)

    def visit_Call(self, node: cst.Call) -> bool:
        if m.matches(node.func, m.Attribute(value=m.Name(), attr=m.Name("add_summary"))):
            writer = node.func.value.value  # type: ignore[attr-defined]
            if writer in self.plan.writers:
                if len(node.args) != 2 or any(a.keyword or a.star for a in node.args):
                    raise Declined(UNSUPPORTED_RUN, "add_summary without a value and a step", node)
                self.summary_writes[id(node)] = node
        site = self.plan.run_site(node)
        if site is None:
            return True
        if isinstance(site, str):  # an initializer run
            self.init_calls.append(node)
        else:
            self.sites.append(site)
        return False

    def visit_Assign(self, node: cst.Assign) -> bool:
        self.assigning += 1
        found = self.plan.feed_dict_assignment(node)
        if found is None:
            return True
        for element in found[1].elements:
            walk.visit(element.value, self)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if self._is_local(node.value):
            return
        if node.value in self.plan.sessions:
            raise Declined(
                SESSION_ESCAPES, f"the session or graph `{node.value}` is used other than to run fetches", node
            )
        if node.value in self.plan.graph_only and self.control_flow and self.assigning:
            raise Declined(
                GRAPH_IN_CONTROL_FLOW,
                f"graph built inside a loop or branch (from `{node.value}`)",
                node,
            )
        if node.value in self.plan.graph_only:
            raise Declined(
                TENSOR_OUTSIDE_RUN,
                f"graph tensor `{node.value}` is used outside a session run",
                node,
            )

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        walk.visit(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk.visit(node.value, self)
        return False


@dataclass
class _PlanState:
    resolve: Resolver
    sessions: set[str]
    placeholders: dict[str, Placeholder]
    variables: dict[str, Statement]
    train_ops: dict[str, TrainOp]
    initializers: set[str]
    graph_defs: dict[str, Statement]
    graph_only: set[str]
    threaded: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # `feed = {x: ..., y: ...}` dicts: name -> placeholders, and the dict nodes to re-key.
    feed_dicts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    feed_dict_nodes: dict[int, cst.Dict] = field(default_factory=dict)
    structured: set[str] = field(default_factory=set)
    merged: set[str] = field(default_factory=set)
    ops: set[str] = field(default_factory=set)  # training ops and value-less graph ops
    summary_roots: frozenset[str] = frozenset()
    writers: set[str] = field(default_factory=set)

    def feed_dict_assignment(self, node: cst.Assign) -> tuple[str, cst.Dict] | None:
        """`feed = {x: xs, y: ys}` with placeholder keys: the dict is kept with the placeholder
        names as string keys, and each run reads its arguments from it."""
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return None
        value = node.value
        if not isinstance(value, cst.Dict) or not value.elements:
            return None
        keys: list[str] = []
        for element in value.elements:
            if not (isinstance(element, cst.DictElement) and isinstance(element.key, cst.Name)):
                return None
            if element.key.value not in self.placeholders:
                return None
            keys.append(element.key.value)
        name = node.targets[0].target.value
        self.feed_dicts[name] = tuple(keys)
        self.feed_dict_nodes[id(value)] = value
        return name, value

    def run_site(self, call: cst.Call) -> RunSite | str | None:
        func = call.func
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        target = func.value
        if isinstance(target, cst.Name) and target.value in self.sessions and method == "run":
            fetches = call_argument(call, 0, "fetches")
            feed = call_argument(call, 1, "feed_dict")
            extra = [a for a in call.args if a.keyword and a.keyword.value not in {"fetches", "feed_dict"}]
            if fetches is None or extra or len([a for a in call.args if a.keyword is None]) > 2:
                raise Declined(UNSUPPORTED_RUN, "session run with options or run metadata", call)
        elif method in {"eval", "run"} and self._is_graph_object(target):
            fetches = target
            feed = call_argument(call, 0, "feed_dict")
            for arg in call.args:
                keyword = arg.keyword.value if arg.keyword else None
                if keyword == "session":
                    if not (isinstance(arg.value, cst.Name) and arg.value.value in self.sessions):
                        raise Declined(SESSION_ESCAPES, "eval/run in another session", call)
                elif keyword not in {None, "feed_dict"}:
                    raise Declined(UNSUPPORTED_RUN, f"{method}(..., {keyword}=...)", call)
        else:
            return None
        leaves = self.leaves(fetches)
        if leaves and all(leaf.role == "init" for leaf in leaves):
            return "init"
        if any(leaf.role == "init" for leaf in leaves):
            raise Declined(UNSUPPORTED_RUN, "initializer fetched together with other values", call)
        return RunSite(call, fetches, self.feeds(feed, call))

    def _is_graph_object(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return node.value in self.graph_defs or node.value in self.train_ops or node.value in self.initializers or node.value in self.variables
        return isinstance(node, cst.Call) and self.resolve(node.func) in INITIALIZER_APIS

    def leaves(self, fetches: cst.BaseExpression) -> list[_Leaf]:
        if isinstance(fetches, (cst.List, cst.Tuple)):
            return [leaf for element in fetches.elements for leaf in self.leaves(element.value)]
        if isinstance(fetches, cst.Dict):
            found: list[_Leaf] = []
            for element in fetches.elements:
                if not isinstance(element, cst.DictElement):
                    raise Declined(UNSUPPORTED_RUN, "a fetch dict built with **", fetches)
                found.extend(self.leaves(element.value))
            return found
        if isinstance(fetches, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            raise Declined(FETCH_BY_NAME, "a fetch by tensor-name string", fetches)
        if isinstance(fetches, cst.Name):
            name = fetches.value
            if name in self.train_ops or name in self.ops:
                return [_Leaf(fetches, "op")]
            if name in self.initializers:
                return [_Leaf(fetches, "init")]
            if name in self.merged:
                return [_Leaf(fetches, "summary")]
            if name in self.variables:
                return [_Leaf(fetches, "variable")]
            if name in self.placeholders:
                raise Declined(UNSUPPORTED_RUN, f"fetching the placeholder `{name}`", fetches)
            if name in self.graph_defs:
                return [_Leaf(fetches, "tensor")]
            raise Declined(UNSUPPORTED_RUN, f"fetch `{name}` is not a tensor this tool can trace", fetches)
        if isinstance(fetches, cst.Call) and self.resolve(fetches.func) in INITIALIZER_APIS:
            return [_Leaf(fetches, "init")]
        if (
            isinstance(fetches, cst.Subscript)
            and isinstance(fetches.value, cst.Name)
            and fetches.value.value in self.variables
        ):
            return [_Leaf(fetches, "variable")]
        for api, node in tf_apis_in(fetches, self.resolve):
            if api_under(api, COLLECTION_APIS):
                raise Declined(GRAPH_COLLECTIONS, f"fetches through {api}", node)
        return [_Leaf(fetches, "tensor")]

    def feeds(self, feed: cst.BaseExpression | None, call: cst.Call) -> list[tuple[str, cst.BaseExpression]]:
        if feed is None:
            return []
        if isinstance(feed, cst.Name) and feed.value in self.feed_dicts:
            return [
                (key, cst.Subscript(feed, [cst.SubscriptElement(cst.Index(cst.SimpleString(f'"{key}"')))]))
                for key in self.feed_dicts[feed.value]
            ]
        if not isinstance(feed, cst.Dict):
            raise Declined(UNSUPPORTED_RUN, "a feed_dict built elsewhere", call)
        pairs: list[tuple[str, cst.BaseExpression]] = []
        for element in feed.elements:
            if not isinstance(element, cst.DictElement):
                raise Declined(UNSUPPORTED_RUN, "a feed_dict built with **", call)
            key = element.key
            if isinstance(key, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                raise Declined(FETCH_BY_NAME, "a feed by tensor-name string", key)
            if isinstance(key, cst.Name) and key.value in self.placeholders:
                pairs.append((key.value, element.value))
                continue
            if isinstance(key, cst.Name) and key.value in self.graph_defs and key.value not in self.structured:
                # Feeding a computed tensor overrides it for that run: the function takes it as a
                # parameter and does not compute it.
                pairs.append((key.value, element.value))
                continue
            raise Declined(FEED_OVERRIDE, "feeding a value for a tensor that is neither a placeholder nor a named tensor", key)
        return pairs


# --- the plan ----------------------------------------------------------------------------


def analyze_scope(
    body: Sequence[cst.BaseStatement],
    resolve: Resolver,
    enclosing: Sequence[cst.BaseStatement] = (),
) -> ScopePlan | None:
    """Plan the conversion of one scope, None when it runs no session. `enclosing` is the
    module body when the scope is a function's, for the classes defined around it."""
    prefixes: dict[int, str] = {}
    statements_nodes, sessions, dropped = flatten(body, resolve, prefixes)
    if not sessions:
        return None
    statements: list[Statement] = []
    module_classes = _module_classes([*enclosing, *statements_nodes], resolve)
    outer_statements = _outer_state(enclosing, resolve, module_classes)
    outer_variables = {s.defines[0]: s for s in outer_statements if s.kind is Kind.VARIABLE}
    graph_names: set[str] = set(outer_variables)
    for node in statements_nodes:
        statement = classify(node, resolve, graph_names, sessions, module_classes)
        if statement.kind is not Kind.PYTHON:
            graph_names.update(statement.defines)
        statements.append(statement)

    placeholders: dict[str, Placeholder] = {}
    variables: dict[str, Statement] = dict(outer_variables)
    summaries: list[Summary] = []
    named_summaries: dict[str, Summary] = {}
    merged: set[str] = set()
    merged_calls: list[Statement] = []
    writers: dict[str, cst.BaseExpression] = {}
    optimizers: set[str] = set()
    train_ops: dict[str, TrainOp] = {}
    initializers: set[str] = set()
    graph_defs: dict[str, Statement] = {}
    for statement in statements:
        if statement.kind is Kind.PLACEHOLDER:
            placeholders[statement.defines[0]] = placeholder_of(statement, resolve)
        elif statement.kind is Kind.VARIABLE:
            if statement.uses & set(placeholders):
                raise Declined(UNSUPPORTED_RUN, "a variable initialised from a placeholder", statement.node)
            variables[statement.defines[0]] = statement
        elif statement.kind is Kind.OPTIMIZER:
            optimizers.add(statement.defines[0])
        elif statement.kind is Kind.TRAIN:
            train_ops[statement.defines[0]] = train_op_of(statement, optimizers, resolve)
        elif statement.kind is Kind.INITIALIZER:
            initializers.update(statement.defines)
        elif statement.kind is Kind.GRAPH and _is_feed_dict(statement, placeholders):
            statement.kind = Kind.PYTHON  # a feed dict built ahead of its runs: see feed_dict_assignment
        elif statement.kind is Kind.GRAPH:
            for name in statement.defines:
                if name in variables or name in placeholders:
                    raise Declined(UNSUPPORTED_RUN, f"`{name}` is bound to a tensor and to a variable or placeholder", statement.node)
                graph_defs[name] = statement  # the last definition: what a run fetches
        elif statement.kind is Kind.SUMMARY:
            summary = _summary_of(statement, prefixes.get(id(statement.node), ""), resolve)
            summaries.append(summary)
            if statement.defines:
                named_summaries[statement.defines[0]] = summary
        elif statement.kind is Kind.MERGE:
            merged.update(statement.defines)
            merged_calls.append(statement)
        elif statement.kind is Kind.WRITER:
            writers[statement.defines[0]] = _writer_logdir(statement)
    if len(merged_calls) > 1:
        raise Declined(UNSUPPORTED_RUN, "several merged summary ops", merged_calls[1].node)
    if merged_calls:
        summaries = _merged_summaries(merged_calls[0], summaries, named_summaries, resolve)

    defined = {name for statement in statements for name in statement.defines}
    for name, train in train_ops.items():
        if train.loss_expression is not None:
            train_ops[name] = replace(train, loss=unique_name("loss", defined))
    _hoist_eager_values(statements, graph_defs, placeholders, train_ops)
    function_uses = _function_uses([*outer_statements, *statements])
    reaching: dict[str, Statement] = {}
    for statement in statements:
        if statement.kind is Kind.GRAPH:
            statement.uses = _expand(statement.uses, function_uses)
            statement.deps = list({id(d): d for d in (reaching[n] for n in statement.uses if n in reaching)}.values())
            for name in statement.defines:
                reaching[name] = statement

    graph_only = set(placeholders) | set(graph_defs) | set(train_ops) | initializers
    graph_only |= set(named_summaries) | merged
    threaded = _threaded_placeholders(statements, placeholders)
    state = _PlanState(
        resolve, sessions, placeholders, variables, train_ops, initializers, graph_defs, graph_only, threaded
    )
    state.merged = merged
    state.structured = {name for name, statement in graph_defs.items() if _binds_container(statement)}
    state.ops = set(train_ops) | {
        name
        for name, statement in graph_defs.items()
        if statement.call is not None and resolve(statement.call.func) in OP_APIS
    }
    state.summary_roots = frozenset().union(*(names_in(s.value) for s in summaries)) if summaries else frozenset()
    state.writers = set(writers)
    finder = _RunSiteFinder(state)
    first_run_index = -1
    for index, statement in enumerate(statements):
        if statement.kind is Kind.PYTHON:
            before = len(finder.sites) + len(finder.init_calls)
            walk.visit(statement.node, finder)
            if first_run_index < 0 and len(finder.sites) + len(finder.init_calls) > before:
                first_run_index = index
    if not finder.sites and not finder.init_calls:
        return None

    functions: list[Function] = []
    by_key: dict[str, Function] = {}
    taken = names_kept(statements)
    for site in finder.sites:
        leaves = state.leaves(site.fetches)
        if all(leaf.role == "variable" for leaf in leaves):
            continue  # a plain variable read needs no function
        function = _function_for(site, leaves, state, statements, function_uses)
        existing = by_key.get(function.key)
        if existing is None:
            function.name = unique_name(function.name, taken)
            taken.add(function.name)
            by_key[function.key] = function
            functions.append(function)
            existing = function
        site.function = existing
    helpers = _share_slices(functions, statements, placeholders, taken)
    return ScopePlan(
        statements,
        placeholders,
        variables,
        train_ops,
        finder.sites,
        functions,
        sessions,
        first_run_index,
        dropped,
        finder.init_calls,
        helpers,
        threaded,
        state.feed_dict_nodes,
        {name for name, statement in graph_defs.items() if _binds_container(statement)},
        summaries,
        writers,
        finder.summary_writes,
        merged,
        graph_defs,
        state.ops,
    )


def _summary_of(statement: Statement, prefix: str, resolve: Resolver) -> Summary:
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
            extra.append(arg.with_changes(keyword=cst.Name("max_outputs"), equal=cst.AssignEqual(
                cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))))
            continue
        raise Declined(UNSUPPORTED_RUN, f"summary argument `{keyword or position}` is not converted", call)
    if prefix:
        if isinstance(tag, cst.SimpleString) and isinstance(tag.evaluated_value, str):
            tag = cst.SimpleString(repr(prefix + tag.evaluated_value))
        else:
            tag = cst.BinaryOperation(cst.SimpleString(repr(prefix)), cst.Add(), tag)
    return Summary(kind, tag, value, tuple(extra))


def _merged_summaries(
    merge: Statement, summaries: list[Summary], named: dict[str, Summary], resolve: Resolver
) -> list[Summary]:
    call = merge.call
    assert call is not None
    if resolve(call.func) == "tf.summary.merge_all":
        if call.args:
            raise Declined(UNSUPPORTED_RUN, "merge_all of a summary collection", call)
        return summaries
    inputs = call_argument(call, 0, "inputs")
    if not isinstance(inputs, (cst.List, cst.Tuple)) or not all(
        isinstance(e.value, cst.Name) and e.value.value in named for e in inputs.elements
    ):
        raise Declined(UNSUPPORTED_RUN, "merge of summaries this tool cannot trace", call)
    return [named[e.value.value] for e in inputs.elements if isinstance(e.value, cst.Name)]


def _writer_logdir(statement: Statement) -> cst.BaseExpression:
    call = statement.call
    assert call is not None
    logdir = call_argument(call, 0, "logdir")
    extra = [
        a for a in call.args[1:] if not (a.keyword is None or a.keyword.value == "graph")
    ]
    if logdir is None or extra or len([a for a in call.args if a.keyword is None]) > 2:
        raise Declined(UNSUPPORTED_RUN, "a FileWriter with options", call)
    return logdir


def _outer_state(
    enclosing: Sequence[cst.BaseStatement], resolve: Resolver, module_classes: frozenset[str]
) -> list[Statement]:
    """What the module around a function scope holds for it: its variables and layers (state
    the scope trains) and its functions (which a graph statement of the scope may call)."""
    found: list[Statement] = []
    for node in enclosing:
        if isinstance(node, cst.FunctionDef):
            found.append(Statement(node, Kind.PYTHON, (node.name.value,), names_in(node)))
            continue
        try:
            statement = classify(node, resolve, set(), set(), module_classes)
        except Declined:
            continue  # not the scope being converted: its own conversion reports it
        if statement.kind is Kind.VARIABLE:
            found.append(statement)
    return found


def _module_classes(nodes: Sequence[cst.BaseStatement], resolve: Resolver) -> frozenset[str]:
    """Classes of the scope that subclass tf.Module or a Keras layer or model."""
    found = set()
    for node in nodes:
        if isinstance(node, cst.ClassDef) and any(
            (api := resolve(base.value)) is not None and api_under(api, MODULE_APIS)
            for base in node.bases
        ):
            found.add(node.name.value)
    return frozenset(found)


def _is_feed_dict(statement: Statement, placeholders: Mapping[str, Placeholder]) -> bool:
    node = statement.node
    if not (isinstance(node, cst.SimpleStatementLine) and isinstance(node.body[0], cst.Assign)):
        return False
    value = node.body[0].value
    return (
        isinstance(value, cst.Dict)
        and bool(value.elements)
        and all(
            isinstance(e, cst.DictElement) and isinstance(e.key, cst.Name) and e.key.value in placeholders
            for e in value.elements
        )
    )


def _binds_container(statement: Statement) -> bool:
    if statement.gradients is not None:
        return True  # a list of gradients, or of (gradient, variable) pairs
    node = statement.node
    return (
        isinstance(node, cst.SimpleStatementLine)
        and isinstance(node.body[0], cst.Assign)
        and isinstance(node.body[0].value, (cst.Dict, cst.List, cst.Tuple))
    )


# Statements that disappear in TF 2 code: their names are free for generated functions.
_VANISHING = frozenset({Kind.TRAIN, Kind.PLACEHOLDER, Kind.INITIALIZER, Kind.SUMMARY, Kind.MERGE})


def names_kept(statements: Sequence[Statement]) -> set[str]:
    """Names the converted scope still binds (graph names included: they live on inside the
    generated functions, which must not shadow them)."""
    return {name for s in statements if s.kind not in _VANISHING for name in s.defines}


def _hoist_eager_values(
    statements: list[Statement],
    graph_defs: dict[str, Statement],
    placeholders: dict[str, Placeholder],
    train_ops: dict[str, TrainOp],
) -> None:
    """Graph statements that variables, optimizers or var_lists are built from stay where they
    are: they are computed once, eagerly, as TF1 computed them once per initialisation."""
    needed: set[str] = set()
    for statement in statements:
        if statement.kind in (Kind.VARIABLE, Kind.OPTIMIZER):
            needed |= statement.uses & set(graph_defs)
    for train in train_ops.values():
        for argument in (train.var_list, train.global_step):
            if argument is not None:
                needed |= names_in(argument) & set(graph_defs)
    while needed:
        name = needed.pop()
        if name not in graph_defs:
            continue
        statement = graph_defs.pop(name)
        if statement.uses & set(placeholders):
            raise Declined(UNSUPPORTED_RUN, f"`{name}` feeds a variable but depends on a placeholder", statement.node)
        statement.kind = Kind.PYTHON
        for other in statement.defines:
            graph_defs.pop(other, None)
        needed |= statement.uses & set(graph_defs)


def _function_uses(statements: Sequence[Statement]) -> dict[str, frozenset[str]]:
    """Names each module-level function reads, so a graph statement that calls a model-building
    function depends on the variables that function reads."""
    uses: dict[str, frozenset[str]] = {}
    for statement in statements:
        if isinstance(statement.node, cst.FunctionDef):
            uses[statement.node.name.value] = names_in(statement.node.body)
    return uses


def _expand(names: frozenset[str], function_uses: dict[str, frozenset[str]]) -> frozenset[str]:
    result = set(names)
    pending = [n for n in names if n in function_uses]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for used in function_uses[name]:
            result.add(used)
            if used in function_uses:
                pending.append(used)
    return frozenset(result)


def backward_slice(
    roots: Iterable[str], graph_defs: Mapping[str, Statement], given: Collection[str] = ()
) -> list[Statement]:
    """The graph statements the named values need: their last definitions and, through the
    definitions reaching each statement, everything those read. Tensors in `given` (fed over
    by the run) are inputs: what computes them is not needed."""
    needed: dict[int, Statement] = {}
    pending = [graph_defs[name] for name in roots if name in graph_defs and name not in given]
    while pending:
        statement = pending.pop()
        if id(statement) in needed:
            continue
        needed[id(statement)] = statement
        pending.extend(d for d in statement.deps if not set(d.defines) & set(given))
    return list(needed.values())


def _function_for(
    site: RunSite,
    leaves: list[_Leaf],
    state: _PlanState,
    statements: list[Statement],
    function_uses: dict[str, frozenset[str]],
) -> Function:
    trains = [
        state.train_ops[leaf.expression.value]
        for leaf in leaves
        if leaf.role == "op" and isinstance(leaf.expression, cst.Name) and leaf.expression.value in state.train_ops
    ]
    if len(trains) > 1:
        raise Declined(UNSUPPORTED_RUN, "several training ops in one run", site.call)
    train = trains[0] if trains else None
    roots: set[str] = set()
    for leaf in leaves:
        if leaf.role in ("tensor", "variable"):
            roots |= _expand(names_in(leaf.expression), function_uses)
        elif leaf.role == "summary":
            roots |= _expand(state.summary_roots, function_uses)
        elif leaf.role == "op" and isinstance(leaf.expression, cst.Name) and leaf.expression.value in state.graph_defs:
            roots.add(leaf.expression.value)  # a group or no_op: run, not returned
    if train is not None:
        if train.loss_expression is not None:
            roots |= _expand(names_in(train.loss_expression), function_uses)
        elif train.loss is not None:
            roots.add(train.loss)
        if train.applied is not None:
            roots |= names_in(train.applied)
        for extra in (train.var_list, train.global_step):
            if extra is not None and names_in(extra) & state.graph_only:
                raise Declined(UNSUPPORTED_RUN, "var_list or global_step computed in the graph", site.call)
    fed = dict(site.feeds)
    overridden = [name for name in fed if name in state.graph_defs]
    if train is not None and overridden:
        raise Declined(FEED_OVERRIDE, "a training run that feeds over a computed tensor", site.call)
    needed = backward_slice(roots, state.graph_defs, overridden)
    order = {id(s): i for i, s in enumerate(statements)}
    needed.sort(key=lambda s: order[id(s)])
    used: set[str] = set(roots)
    for statement in needed:
        used |= statement.uses
    params = [p for name, p in state.placeholders.items() if name in used]
    for placeholder in params:
        if placeholder.name not in fed and placeholder.default is None:
            raise Declined(UNFED_PLACEHOLDER, f"placeholder `{placeholder.name}` is not fed here", site.call)
    params += [Placeholder(name, None, None, None, None) for name in overridden if name in used]
    fetch_code = cst.Module([]).code_for_node(site.fetches)
    key = f"{fetch_code}|{','.join(p.name for p in params)}"
    return Function(_name_for(leaves, train), params, site.fetches, train, needed, key, frozenset(roots))


def _share_slices(
    functions: list[Function],
    statements: list[Statement],
    placeholders: dict[str, Placeholder],
    taken: set[str],
) -> list[Helper]:
    """Split out the graph statements that more than one function needs.

    Statements are grouped into runs that are consecutive in program order and needed by the
    same set of functions; a run needed by two or more becomes one helper. Since every function
    sees the runs in program order, a run's inputs always come from earlier runs."""
    users: dict[int, set[str]] = {}
    for function in functions:
        for statement in function.statements:
            users.setdefault(id(statement), set()).add(function.name)
    runs: list[tuple[frozenset[str], list[Statement]]] = []
    for statement in statements:
        if id(statement) not in users:
            continue
        owners = frozenset(users[id(statement)])
        if runs and runs[-1][0] == owners:
            runs[-1][1].append(statement)
        else:
            runs.append((owners, [statement]))
    helper_of: dict[int, Helper] = {}
    helpers: list[Helper] = []
    graph_order = [name for s in statements for name in s.defines]
    for owners, run in runs:
        if len(owners) < 2:
            continue
        defined = {name for s in run for name in s.defines}
        used = set().union(*(s.uses for s in run))
        in_run = {id(s) for s in run}
        outside: set[str] = set()
        for function in functions:
            if function.name in owners:
                outside |= function.roots
                outside |= set().union(*(s.uses for s in function.statements if id(s) not in in_run))
        # Inputs: placeholders, and the tensors whose definitions reaching the run lie outside
        # it (by reaching definitions, so `cost = cost + penalty` takes the earlier `cost`).
        incoming = {
            name
            for statement in run
            for dep in statement.deps
            if id(dep) not in in_run
            for name in dep.defines
            if name in statement.uses
        }
        params = [p for p in placeholders if p in used]
        params += [n for n in dict.fromkeys(graph_order) if n in incoming and n not in placeholders]
        returns = list(dict.fromkeys(n for n in graph_order if n in defined and n in outside))
        # Helpers are plain functions of the tensors they return (`loss_fn`); the generated
        # tf.functions are named after what a run fetches (`compute_loss`), so names do not meet.
        stem = "forward" if len(returns) > 2 or not returns else "_and_".join(returns) + "_fn"
        helper = Helper(unique_name(stem, taken), list(dict.fromkeys(params)), list(dict.fromkeys(returns)), run)
        taken.add(helper.name)
        helpers.append(helper)
        for statement in run:
            helper_of[id(statement)] = helper
    for function in functions:
        steps: list[Statement | Helper] = []
        for statement in function.statements:
            shared = helper_of.get(id(statement))
            if shared is None:
                steps.append(statement)
            elif shared not in steps:
                steps.append(shared)
        function.steps = steps
    return helpers


def _name_for(leaves: list[_Leaf], train: TrainOp | None) -> str:
    if train is not None:
        stem = train.name.removesuffix("_op")
        if stem in {"train", "train_step", "optimizer", "optim", "opt", "minimize", "update", "step", "training"}:
            return "train_step"
        return stem if stem.endswith("_step") else f"{stem}_step"
    words: list[str] = []
    for leaf in leaves:
        if leaf.role == "op":
            continue
        expression = leaf.expression
        if leaf.role == "summary":
            words.append("summaries")
        elif isinstance(expression, cst.Name):
            words.append(expression.value)
        elif isinstance(expression, cst.Call) and isinstance(expression.func, (cst.Attribute, cst.Name)):
            func = expression.func
            words.append(func.attr.value if isinstance(func, cst.Attribute) else func.value)
        else:
            words.append("value")
    if not words:
        ops = [leaf.expression.value for leaf in leaves if isinstance(leaf.expression, cst.Name)]
        return "run_" + "_and_".join(ops) if 0 < len(ops) <= 2 else "run_ops"
    if words[0] in {"pred", "prediction", "predictions", "y_pred", "logits", "output", "outputs"} and len(words) == 1:
        return "predict"
    name = "compute_" + "_and_".join(dict.fromkeys(words))
    return name if len(name) <= 40 else "compute_" + words[0] + "_and_more"


def unique_name(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    counter = 2
    while f"{name}_{counter}" in taken:
        counter += 1
    return f"{name}_{counter}"
