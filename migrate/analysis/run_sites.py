"""Where a scope runs its graph (`sess.run`, `.eval()`, `op.run()`), what each run fetches and
what it feeds; any other use of the session or of a graph tensor from Python is declined."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

import libcst as cst

from migrate.analysis import walk
from migrate.analysis.declined import Declined
from migrate.analysis.feed_helpers import FeedHelper, helper_call
from migrate.analysis.graph_model import (
    COLLECTION_APIS,
    FEED_OVERRIDE,
    FETCH_BY_NAME,
    GRAPH_COLLECTIONS,
    GRAPH_IN_CONTROL_FLOW,
    INITIALIZER_APIS,
    NOT_PURE_API,
    SESSION_ESCAPES,
    STATEFUL_INPUT,
    STATEFUL_INPUT_METHODS,
    SUMMARY_WRITER,
    TENSOR_OUTSIDE_RUN,
    UNSUPPORTED_RUN,
    Placeholder,
    Resolver,
    RunSite,
    Statement,
    TrainOp,
)
from migrate.analysis.graph_statements import call_logdir, has_tf_call
from migrate.analysis.syntax import (
    COMPREHENSIONS,
    api_under,
    assigned_names,
    bound_names,
    call_argument,
    calls_in,
    code_of,
    local_names,
    names_in,
    nodes_of,
    tf_apis_in,
)

# --- run sites ---------------------------------------------------------------------------

_LOCAL_INITIALIZERS = frozenset(
    {"tf.local_variables_initializer", "tf.initialize_local_variables", "tf.tables_initializer"}
)


@dataclass(frozen=True)
class InitializerRun:
    """A run of initializers, and the variables it initialises (None: every variable)."""

    variables: frozenset[str] | None

    def overlaps(self, earlier: frozenset[str] | None) -> bool:
        """Whether it initialises a variable that runs before initialised (`earlier`)."""
        if self.variables is None:
            return earlier is None or bool(earlier)
        if earlier is None:
            return True
        return bool(self.variables & earlier)

    def add_to(self, earlier: frozenset[str] | None) -> frozenset[str] | None:
        return None if earlier is None or self.variables is None else earlier | self.variables


@dataclass(frozen=True)
class StaticShape:
    """`t.shape` or `t.get_shape()` read outside the runs, where TF1 and TF 2 give the same
    value from the same static shape: `.as_list()`, `len(...)`, `.ndims` / `.rank`, `s[i].value`,
    `int(s[i])`, or the shape written out as text (printed or formatted: TF 2 writes an unknown
    dimension `None` where TF1 wrote `?`)."""

    shape: cst.BaseExpression  # the `t.shape` / `t.get_shape()` expression
    tensor: str
    index: int  # of the statement that reads it
    as_text: bool = False


@dataclass(frozen=True)
class IteratorRestart:
    """`sess.run(iterator.initializer)`, or a run of `iterator.make_initializer(dataset)`: the
    dataset iterator starts over `dataset` (made anew in TF 2)."""

    iterator: str
    dataset: cst.BaseExpression


class Role(enum.Enum):
    """What one fetched expression of a run is."""

    OP = "op"  # a training op, group or no_op: fetched, it gives None
    TENSOR = "tensor"
    VARIABLE = "variable"
    SUMMARY = "summary"  # a summary op: the merged one, or one bound to a name
    INIT = "init"  # an initializer
    RESTART = "restart"  # `iterator.initializer`
    EAGER = "eager"  # built in a loop or branch from Python values: a value where it stands


@dataclass
class Leaf:
    expression: cst.BaseExpression
    role: Role


class RunSiteFinder(cst.CSTVisitor):
    """Finds the session runs in plain Python statements, and refuses any other use of the
    session or of a graph tensor there: in eager code those would mean something else."""

    def __init__(self, plan: RunContext) -> None:
        self.plan = plan
        self.sites: list[RunSite] = []
        self.init_calls: list[cst.Call] = []
        self.local_names: list[frozenset[str]] = []  # parameters and locals of enclosing defs
        self.function_names: list[str] = []  # the enclosing defs
        self.test_cases = 0  # enclosing tf.test.TestCase classes
        self.summary_writes: dict[int, str] = {}  # add_summary call -> the summary op it writes
        self.summaries_held: dict[str, str] = {}  # Python name -> the summary op a run gave it
        self.writer_calls: dict[int, cst.BaseExpression] = {}  # FileWriters made in Python code -> logdir
        self.control_flow = 0  # loops and branches around the node being visited
        self.loops: list[int] = []  # for each enclosing loop, how many sites were found before it
        self.assigning = 0
        self.rebound: set[str] = set()  # graph names Python code bound anew
        self.initialised: frozenset[str] | None = frozenset()  # None: every variable
        self.restarts: dict[int, tuple[str, cst.BaseExpression]] = {}  # iterator starts: call -> iterator, dataset
        self.static_shapes: list[StaticShape] = []
        self.shapes_read: set[int] = set()  # the shape expressions of static_shapes
        self.statement_index = 0  # of the statement being visited
        self.lines: list[cst.SimpleStatementLine] = []  # the statement line being visited

    def visit_For(self, node: cst.For) -> None:
        self.control_flow += 1
        self.loops.append(len(self.sites))

    def leave_For(self, original_node: cst.For) -> None:
        self.control_flow -= 1
        self._check_loop_runs(original_node)

    def visit_While(self, node: cst.While) -> None:
        self.control_flow += 1
        self.loops.append(len(self.sites))

    def leave_While(self, original_node: cst.While) -> None:
        self.control_flow -= 1
        self._check_loop_runs(original_node)

    def _check_loop_runs(self, loop: cst.For | cst.While) -> None:
        """A run in a loop fetching a graph name the loop binds again: from the second pass on,
        TF1 ran what the name was bound to then, not the graph tensor the run was read as."""
        bound = assigned_names(loop)
        for site in self.sites[self.loops.pop():]:
            for name in names_in(site.fetches) & bound:
                leaves = [n for n in nodes_of(site.fetches, cst.Name) if isinstance(n, cst.Name) and n.value == name]
                if any(self.plan.decided.get(id(n)) is Role.TENSOR for n in leaves):
                    why = f"a run in a loop fetches `{name}`, which the loop binds again"
                    raise Declined(UNSUPPORTED_RUN, why, site.call)

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
        self.function_names.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.local_names.pop()
        self.function_names.pop()

    def _is_local(self, name: str) -> bool:
        return any(name in scope for scope in self.local_names)

    def visit_Call(self, node: cst.Call) -> bool:
        if id(node) in self.shapes_read:
            return False  # `t.get_shape()`, read as a static shape by the call around it
        for shape, as_text in self._shapes_read_by(node):
            self._read_shape(shape, as_text=as_text)
        printed = self._printed_tensor(node)
        if printed is not None:
            raise Declined(
                TENSOR_OUTSIDE_RUN,
                f"graph tensor `{printed.value}` is printed: TF1 prints the symbolic tensor"
                " (`Tensor(...)`: its graph name, static shape and dtype), which TF 2 code has no counterpart of",
                printed,
            )
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value == "add_summary":
            writer = func.value.value
            if writer in self.plan.writers:
                if not _summary_and_step(node):
                    raise Declined(UNSUPPORTED_RUN, "add_summary without a value and a step", node)
                self.summary_writes[id(node)] = self._summary_written(node)
        site = self.plan.run_site(node)
        if site is None:
            return True
        if isinstance(site, IteratorRestart):
            if self.local_names:
                # The new iterator would be bound in the function only; its callers read the old one.
                why = "an iterator started inside a function: the new TF 2 iterator would be bound there only"
                raise Declined(STATEFUL_INPUT, why, node)
            self.restarts[id(node)] = (site.iterator, site.dataset)
            return False
        helper = self.plan.helper_feeds.get(id(node))
        if helper is not None:
            self._hoist(node, helper)
        if isinstance(site, InitializerRun):
            again = self.control_flow or self.local_names or site.overlaps(self.initialised)
            if again and self.plan.changes_variables:
                # TF 2 variables keep their values: a second initialisation (another session,
                # a loop of trainings) would no longer reset them.
                raise Declined(UNSUPPORTED_RUN, "variables initialised more than once", node)
            self.initialised = site.add_to(self.initialised)
            self.init_calls.append(node)
        else:
            self.sites.append(site)
        return False

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.lines.append(node)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self.lines.pop()

    def _hoist(self, run: cst.Call, helper: cst.Call) -> None:
        """Put the feed helper's call `helper` that feeds `run` on a line of its own before the
        run's line: only where the line calls nothing else than the run and the calls around it
        (`print(sess.run(...))`), so that nothing the line calls ran before the helper in TF1."""
        line = self.lines[-1] if self.lines else None
        if line is None or len(line.body) != 1:
            why = (
                f"a run fed by `{code_of(helper.func)}(...)` in a compound statement's header or one-line "
                "body, or on a line of several statements"
            )
            raise Declined(UNSUPPORTED_RUN, why, helper)
        for node in nodes_of(line, cst.Lambda, cst.IfExp, cst.BooleanOperation, *COMPREHENSIONS):
            if any(call is run for call in calls_in(node)):
                # Its feed would be built once before the line, where TF1 built it at each
                # evaluation, or only when the branch was taken.
                why = f"a run fed by `{code_of(helper.func)}(...)` inside a lambda, comprehension or conditional"
                raise Declined(UNSUPPORTED_RUN, why, helper)
        inner = {id(call) for call in calls_in(run)}
        for call in calls_in(line):
            if id(call) not in inner and not any(inner_call is run for inner_call in calls_in(call)):
                why = f"a run fed by `{code_of(helper.func)}(...)` on a line that also calls `{code_of(call.func)}`"
                raise Declined(UNSUPPORTED_RUN, why, helper)
        dropped = self.plan.feed_helpers[cast(cst.Name, helper.func).value].dropped_args
        for arg in helper.args:
            if id(arg) not in dropped:
                walk.visit(arg.value, self)
        self.plan.hoisted[id(line)] = helper

    def _printed_tensor(self, node: cst.Call) -> cst.Name | None:
        """The graph tensor `print(t)` prints, if any (a run's value printed is not one)."""
        if not (isinstance(node.func, cst.Name) and node.func.value == "print") or self.test_cases:
            return None
        for arg in node.args:
            value = arg.value
            if arg.keyword is not None or not isinstance(value, cst.Name) or self._is_local(value.value):
                continue
            if value.value in self.plan.symbolic:
                return value
            if value.value in self.plan.graph_only and value.value not in self.rebound:
                return value
        return None

    def _read_shape(self, shape: cst.BaseExpression, *, as_text: bool) -> None:
        tensor = self._shape_owner(shape)
        if tensor is not None:
            self.static_shapes.append(StaticShape(shape, tensor, self.statement_index, as_text))
            self.shapes_read.add(id(shape))

    def _shapes_read_by(self, node: cst.Call) -> list[tuple[cst.BaseExpression, bool]]:
        """The shape expressions `node` reads in a way TF1 and TF 2 agree on, each with whether
        it is written out as text: `s.as_list()`, `len(s)`, `int(s[i])`, and the arguments of
        `print(...)` and of `"...".format(...)`."""
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "as_list" and not node.args:
            return [(func.value, False)]
        if isinstance(func, cst.Name) and func.value == "len" and len(node.args) == 1 and not node.args[0].star:
            return [(node.args[0].value, False)]
        if isinstance(func, cst.Name) and func.value == "int" and len(node.args) == 1 and not node.args[0].star:
            # TF1's Dimension and TF 2's int (or None) give the same int, or both fail.
            indexed = _indexed_shape(node.args[0].value)
            return [] if indexed is None else [(indexed, False)]
        formats = isinstance(func, cst.Attribute) and func.attr.value == "format" and isinstance(
            func.value, (cst.SimpleString, cst.ConcatenatedString)
        )
        if (isinstance(func, cst.Name) and func.value == "print") or formats:
            return [(arg.value, True) for arg in node.args if not arg.star and arg.keyword is None]
        return []

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        if node.conversion is None and node.format_spec is None:
            self._read_shape(node.expression, as_text=True)

    def _shape_owner(self, shape: cst.BaseExpression) -> str | None:
        """The tensor of `t.shape` / `t.get_shape()`, a placeholder or a computed tensor:
        TF1's static shape, which TF 2 knows without running anything."""
        if isinstance(shape, cst.Attribute) and shape.attr.value == "shape":
            owner = shape.value
        elif (
            isinstance(shape, cst.Call)
            and not shape.args
            and isinstance(shape.func, cst.Attribute)
            and shape.func.attr.value == "get_shape"
        ):
            owner = shape.func.value
        else:
            return None
        if not isinstance(owner, cst.Name) or self._is_local(owner.value) or owner.value in self.rebound:
            return None
        name = owner.value
        placeholder = self.plan.placeholders.get(name)
        if placeholder is not None:
            return name if placeholder.default is None and not placeholder.iterator else None
        plain = name in self.plan.graph_defs and name not in self.plan.structured | self.plan.ops | self.plan.merged
        return name if plain else None

    def visit_Assign(self, node: cst.Assign) -> bool:
        self.assigning += 1
        value = node.value
        if isinstance(value, cst.Call) and self.plan.resolve(value.func) == SUMMARY_WRITER:
            # `writer = tf.summary.FileWriter(logdir, sess.graph)` in a loop or branch: the graph
            # argument names the session, which the TF 2 writer no longer takes.
            writer = node.targets[0].target if len(node.targets) == 1 else None
            if not isinstance(writer, cst.Name):
                raise Declined(UNSUPPORTED_RUN, "a FileWriter bound other than to a name", node)
            self.plan.writers.add(writer.value)
            self.writer_calls[id(value)] = call_logdir(value)
            return False
        found = self.plan.feed_dict_assignment(node)
        if found is not None:
            for value in found:
                walk.visit(value, self)
            return False
        sites = len(self.sites)
        walk.visit(node.value, self)
        built = self.plan.built_in_control_flow
        # What a TF call builds, or what is computed from graph built so; a run's value is not.
        ran = any(site.call is node.value for site in self.sites[sites:])
        builds = bool(self.control_flow) and not ran and (
            has_tf_call(node.value, self.plan.resolve) or bool(names_in(node.value) & set(built))
        )
        eager = builds and self._pure(node.value)
        for site in self.sites[sites:]:
            if site.call is node.value:
                self._hold_summaries(node, site.fetches)
        for target in node.targets:
            bound = bound_names(target.target)
            if not bound:
                walk.visit(target.target, self)
            # `X, Y = data.T`: from here on the names hold Python values.
            self.rebound.update(bound)
            for name in bound:
                if builds:
                    built[name] = node
                    self.plan.symbolic.add(name)
                else:
                    self.plan.symbolic.discard(name)
                if eager:
                    self.plan.eager_in_control_flow.add(name)
                elif builds:
                    self.plan.eager_in_control_flow.discard(name)
        return False

    def _hold_summaries(self, node: cst.Assign, fetches: cst.BaseExpression) -> None:
        """Which names the run `node` assigns get a summary op's serialized summary: `s = sess.run(
        merged)`, `_, l, s = sess.run([train, loss, merged])`."""
        pairs: list[tuple[cst.BaseExpression, cst.BaseExpression]] = []
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                pairs.append((target.target, fetches))
            elif (
                isinstance(target.target, (cst.Tuple, cst.List))
                and isinstance(fetches, (cst.Tuple, cst.List))
                and len(target.target.elements) == len(fetches.elements)
            ):
                pairs.extend((t.value, f.value) for t, f in zip(target.target.elements, fetches.elements))
        for bound, fetched in pairs:
            if not isinstance(bound, cst.Name):
                continue
            if isinstance(fetched, cst.Name) and fetched.value in self.plan.summary_ops:
                self.summaries_held[bound.value] = fetched.value
            else:
                self.summaries_held.pop(bound.value, None)

    def _summary_written(self, call: cst.Call) -> str:
        """The summary op whose serialized summary `writer.add_summary(value, step)` writes."""
        value = call.args[0].value
        if isinstance(value, cst.Name) and value.value in self.summaries_held:
            return self.summaries_held[value.value]
        for ops in (self.plan.merged, self.plan.summary_ops):
            if len(ops) == 1:
                return next(iter(ops))
        raise Declined(UNSUPPORTED_RUN, "add_summary of a value no run of one summary op gave", call)

    def _pure(self, value: cst.BaseExpression) -> bool:
        """Whether `value` is a function of Python values and of tensors built so: no state,
        randomness or input, and no method that changes or reads such state."""
        built = set(self.plan.built_in_control_flow)
        if not names_in(value) & built <= self.plan.eager_in_control_flow:
            return False
        if any(NOT_PURE_API.search(api) for api, _ in tf_apis_in(value, self.plan.resolve)):
            return False
        methods = (call.func.attr.value for call in calls_in(value) if isinstance(call.func, cst.Attribute))
        return not any(NOT_PURE_API.search(method) or method in STATEFUL_INPUT_METHODS for method in methods)

    def visit_Name(self, node: cst.Name) -> None:
        if self._is_local(node.value) or node.value in self.rebound or id(node) in self.plan.feed_keys:
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
            raise Declined(TENSOR_OUTSIDE_RUN, self._outside_run(node.value), node)

    def _outside_run(self, name: str) -> str:
        """Why a graph tensor read from Python code stops the conversion, as precisely as the
        place says."""
        if self.test_cases:
            return f"graph tensor `{name}` is used in a tf.test.TestCase, which evaluates it in a test session of its own"
        if self.function_names:
            return f"graph tensor `{name}` is read as a global by the function `{self.function_names[-1]}`"
        return f"graph tensor `{name}` is used outside a session run"

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if any(self.plan.resolve(base.value) == "tf.test.TestCase" for base in node.bases):
            self.test_cases += 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        if any(self.plan.resolve(base.value) == "tf.test.TestCase" for base in original_node.bases):
            self.test_cases -= 1

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if node.attr.value in ("ndims", "rank"):
            self._read_shape(node.value, as_text=False)
        elif node.attr.value == "value" and (indexed := _indexed_shape(node.value)) is not None:
            # `s[i].value`: TF1's Dimension's int or None, TF 2's element as it is (TFM106 drops `.value`).
            self._read_shape(indexed, as_text=False)
        if id(node) not in self.shapes_read:
            walk.visit(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk.visit(node.value, self)
        return False

    def visit_Subscript(self, node: cst.Subscript) -> None:
        indexed = _indexed_shape(node)
        if indexed is not None and id(indexed) not in self.shapes_read and self._shape_owner(indexed) is not None:
            raise Declined(
                TENSOR_OUTSIDE_RUN,
                f"the static dimension `{code_of(node)}`: TF1 gives a Dimension, TF 2 an int (None where"
                " unknown), which print otherwise and have no `.value`; `int(...)` or `.value` of it is read alike",
                node,
            )


def _indexed_shape(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """`s` of `s[i]`, one dimension of a shape indexed with a plain index (not a slice)."""
    if (
        isinstance(node, cst.Subscript)
        and len(node.slice) == 1
        and isinstance(node.slice[0].slice, cst.Index)
        and node.slice[0].slice.star is None
    ):
        return node.value
    return None


def _item(feed: cst.Name, key: str) -> cst.Subscript:
    """`feed["key"]`: a feed dict's value for the tensor named `key`."""
    return cst.Subscript(feed, [cst.SubscriptElement(cst.Index(cst.SimpleString(f'"{key}"')))])


def _summary_and_step(call: cst.Call) -> bool:
    """`add_summary(value, step)` or `add_summary(value, global_step=step)`: what TF 2 writes."""
    if len(call.args) != 2 or any(a.star for a in call.args) or call.args[0].keyword is not None:
        return False
    step = call.args[1].keyword
    return step is None or step.value == "global_step"


@dataclass
class RunContext:
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
    # The scope's feed helpers (migrate.analysis.feed_helpers), and the Name nodes of their
    # keys, which their dicts no longer read as tensors.
    feed_helpers: dict[str, FeedHelper] = field(default_factory=dict)
    feed_keys: set[int] = field(default_factory=set)
    # A run fed by a feed helper's call itself (`sess.run(t, feed_dict=fill(True))`): the call
    # is bound to `feed_name` on a line of its own before the run's line, which reads it.
    feed_name: str = "feed"
    helper_feeds: dict[int, cst.Call] = field(default_factory=dict)  # run call -> the helper call it is fed by
    hoisted: dict[int, cst.Call] = field(default_factory=dict)  # statement line -> the helper call put before it
    structured: set[str] = field(default_factory=set)
    merged: set[str] = field(default_factory=set)  # merge ops
    summary_ops: set[str] = field(default_factory=set)  # what a run may fetch a summary of: merge ops and named summaries
    ops: set[str] = field(default_factory=set)  # training ops and value-less graph ops
    summary_roots: dict[str, frozenset[str]] = field(default_factory=dict)  # summary op -> what it reads
    writers: set[str] = field(default_factory=set)
    # Whether any run can change a variable (training or assign ops): only then does running
    # an initializer again reset something.
    changes_variables: bool = True
    python_values: frozenset[str] = frozenset()  # names the scope's Python code binds to values
    initializer_calls: dict[str, cst.Call] = field(default_factory=dict)  # `init = tf....initializer()`
    iterators: dict[str, cst.BaseExpression | None] = field(default_factory=dict)  # iterator -> its dataset
    starts: dict[str, tuple[str, cst.BaseExpression]] = field(default_factory=dict)  # start op -> iterator, dataset
    # Names Python code inside a loop or branch binds to what a TF call builds: graph the
    # analysis did not take in, which a run may fetch.
    built_in_control_flow: dict[str, cst.Assign] = field(default_factory=dict)
    # Those of them built from Python values by pure TF calls only: TF 2 computes each where it
    # stands, and a run of it reads the value.
    eager_in_control_flow: set[str] = field(default_factory=set)
    # The names that hold, at the statement being read, what a loop or branch built (a graph
    # name rebuilt in a loop included); kept up to date as the scope is read in order.
    symbolic: set[str] = field(default_factory=set)
    # What each fetched name was where its run stands, decided when the run was read: later
    # statements may bind the name again.
    decided: dict[int, Role] = field(default_factory=dict)

    def add_feed_helpers(self, helpers: Mapping[str, FeedHelper]) -> None:
        """Take the scope's feed helpers: their dicts are re-keyed as dicts built ahead are."""
        self.feed_helpers.update(helpers)
        for helper in helpers.values():
            self.feed_keys.update(helper.renamed)
            self.feed_dict_nodes.update((id(d), d) for d in helper.dicts)

    def feed_dict_assignment(self, node: cst.Assign) -> list[cst.BaseExpression] | None:
        """`feed = {x: xs, y: ys}` with placeholder keys (or keys of tensors a run may feed
        over): the dict is kept with their names as string keys, and each run reads its
        arguments from it. The same for `feed = helper(...)` of a feed helper. The Python
        expressions left in the statement, if it is one."""
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return None
        built = helper_call(node, self.feed_helpers)
        if built is not None:
            name, helper = built
            self.feed_dicts[name] = helper.keys
            assert isinstance(node.value, cst.Call)
            return [arg.value for arg in node.value.args if id(arg) not in helper.dropped_args]
        value = node.value
        if not isinstance(value, cst.Dict) or not value.elements:
            return None
        keys: list[str] = []
        for element in value.elements:
            if not (isinstance(element, cst.DictElement) and isinstance(element.key, cst.Name)):
                return None
            if not self.feedable(element.key.value):
                return None
            keys.append(element.key.value)
        name = node.targets[0].target.value
        self.feed_dicts[name] = tuple(keys)
        self.feed_dict_nodes[id(value)] = value
        return [element.value for element in value.elements]

    def feedable(self, name: str) -> bool:
        """A placeholder, or a computed tensor: feeding one overrides it for that run, and the
        function takes it as a parameter and does not compute it."""
        statement = self.graph_defs.get(name)
        return name in self.placeholders or (statement is not None and name not in self.structured)

    def run_site(self, call: cst.Call) -> RunSite | InitializerRun | IteratorRestart | None:
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
        elif (method in {"eval", "run"} and self._is_graph_object(target)) or (
            method == "eval" and self._tf_made(target)
        ):
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
        if len(leaves) == 1 and leaves[0].role is Role.RESTART:
            if feed is not None:
                raise Declined(STATEFUL_INPUT, "an iterator started with a feed", call)
            return self._restart(leaves[0].expression, call)
        if any(leaf.role is Role.RESTART for leaf in leaves):
            raise Declined(STATEFUL_INPUT, "an iterator started in a run that fetches more", call)
        if leaves and all(leaf.role is Role.INIT for leaf in leaves):
            return InitializerRun(self._initialised_by(leaves))
        if any(leaf.role is Role.INIT for leaf in leaves):
            raise Declined(UNSUPPORTED_RUN, "initializer fetched together with other values", call)
        eager = [leaf for leaf in leaves if leaf.role is Role.EAGER]
        if eager and (feed is not None or any(leaf.role not in (Role.EAGER, Role.VARIABLE) for leaf in leaves)):
            # The eager value is computed where it stands: no function could take a feed for it
            # or compute it together with graph tensors.
            raise Declined(
                GRAPH_IN_CONTROL_FLOW,
                f"graph built inside a loop or branch (`{code_of(eager[0].expression)}`) is run"
                + (" with a feed" if feed is not None else " together with graph tensors"),
                call,
            )
        return RunSite(call, fetches, self.feeds(feed, call))

    def _restart(self, expression: cst.BaseExpression, call: cst.Call) -> IteratorRestart:
        if isinstance(expression, cst.Name):
            return IteratorRestart(*self.starts[expression.value])
        assert isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name)
        iterator = expression.value.value
        dataset = self.iterators.get(iterator)
        if dataset is None:
            why = f"`{iterator}` is made from a structure: it has no initializer of its own"
            raise Declined(STATEFUL_INPUT, why, call)
        return IteratorRestart(iterator, dataset)

    def _initialised_by(self, leaves: list[Leaf]) -> frozenset[str] | None:
        """The variables initializer fetches initialise: `w.initializer` its own, the global
        initializer all (None); local and table initializers none this tool keeps."""
        found: set[str] = set()
        for leaf in leaves:
            expression = leaf.expression
            if isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name):
                found.add(expression.value.value)
                continue
            call = self.initializer_calls.get(expression.value) if isinstance(expression, cst.Name) else expression
            api = self.resolve(call.func) if isinstance(call, cst.Call) else None
            if api in _LOCAL_INITIALIZERS:
                continue
            listed = call_argument(call, 0, "var_list") if isinstance(call, cst.Call) else None
            if api == "tf.variables_initializer" and isinstance(listed, (cst.List, cst.Tuple)) and all(
                isinstance(e.value, cst.Name) for e in listed.elements
            ):
                found.update(e.value.value for e in listed.elements if isinstance(e.value, cst.Name))
                continue
            return None
        return frozenset(found)

    def _iterator_initializer(self, node: cst.BaseExpression) -> bool:
        """`it.initializer` of a dataset iterator `it`."""
        if not (isinstance(node, cst.Attribute) and node.attr.value == "initializer"):
            return False
        owner = node.value
        return isinstance(owner, cst.Name) and owner.value in self.placeholders and self.placeholders[owner.value].iterator

    def _variable_initializer(self, node: cst.BaseExpression) -> bool:
        """`w.initializer` of a variable `w`."""
        return (
            isinstance(node, cst.Attribute)
            and node.attr.value == "initializer"
            and isinstance(node.value, cst.Name)
            and node.value.value in self.variables
        )

    def _is_graph_object(self, node: cst.BaseExpression) -> bool:
        if self._variable_initializer(node) or self._iterator_initializer(node):
            return True
        if isinstance(node, cst.Subscript):
            # `vgg[layer].eval(...)`: an element of a dict or list of tensors, or a slice of one.
            return self._is_graph_object(node.value)
        if isinstance(node, cst.Name):
            return (
                node.value in self.graph_defs
                or node.value in self.train_ops
                or node.value in self.initializers
                or node.value in self.variables
                or node.value in self.symbolic
                or node.value in self.summary_ops
            )
        if isinstance(node, cst.Call) and self.resolve(node.func) in INITIALIZER_APIS:
            return True
        if isinstance(node, (cst.BinaryOperation, cst.UnaryOperation)) or self._tf_made(node):
            # `(y * 2.0).eval()`, `tf.argmax(y, 1).eval(feed)`: graph built in the run's own
            # expression from graph values, fetched as `sess.run(tf.argmax(y, 1))` fetches it.
            return any(self._is_graph_object(cst.Name(name)) for name in names_in(node))
        return False

    def _tf_made(self, node: cst.BaseExpression) -> bool:
        """A tf call's result, such as the tensor of `tf.constant(3.0).eval()`: only a tensor has
        `eval`, so one evaluated is built in the run's own expression."""
        return isinstance(node, cst.Call) and (self.resolve(node.func) or "").startswith("tf.")

    def leaves(self, fetches: cst.BaseExpression) -> list[Leaf]:
        if isinstance(fetches, (cst.List, cst.Tuple)):
            return [leaf for element in fetches.elements for leaf in self.leaves(element.value)]
        if isinstance(fetches, cst.Dict):
            found: list[Leaf] = []
            for element in fetches.elements:
                if not isinstance(element, cst.DictElement):
                    raise Declined(UNSUPPORTED_RUN, "a fetch dict built with **", fetches)
                found.extend(self.leaves(element.value))
            return found
        if isinstance(fetches, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            raise Declined(FETCH_BY_NAME, "a fetch by tensor-name string", fetches)
        if isinstance(fetches, cst.Name):
            role = self.decided.get(id(fetches))
            if role is None:
                role = self.decided[id(fetches)] = self._name_role(fetches)
            return [Leaf(fetches, role)]
        if isinstance(fetches, cst.Call) and self.resolve(fetches.func) in INITIALIZER_APIS:
            return [Leaf(fetches, Role.INIT)]
        if self._variable_initializer(fetches):
            return [Leaf(fetches, Role.INIT)]
        if self._iterator_initializer(fetches):
            return [Leaf(fetches, Role.RESTART)]
        if (
            isinstance(fetches, cst.Subscript)
            and isinstance(fetches.value, cst.Name)
            and fetches.value.value in self.variables
        ):
            return [Leaf(fetches, Role.VARIABLE)]
        for api, node in tf_apis_in(fetches, self.resolve):
            if api_under(api, COLLECTION_APIS):
                raise Declined(GRAPH_COLLECTIONS, f"fetches through {api}", node)
        rebuilt = sorted(names_in(fetches) & self.symbolic)
        if rebuilt:
            why = f"graph built inside a loop or branch (`{rebuilt[0]}`) is run in an expression"
            raise Declined(GRAPH_IN_CONTROL_FLOW, why, fetches)
        return [Leaf(fetches, Role.TENSOR)]

    def _name_role(self, fetches: cst.Name) -> Role:
        """What a fetched name is where its run stands."""
        name = fetches.value
        if name in self.symbolic:
            # Bound, before this run, to what a loop or branch built: that tensor is run.
            if name in self.eager_in_control_flow:
                return Role.EAGER
            raise Declined(
                GRAPH_IN_CONTROL_FLOW, f"graph built inside a loop or branch (`{name}`)", self.built_in_control_flow[name]
            )
        if name in self.train_ops or name in self.ops:
            return Role.OP
        if name in self.initializers:
            return Role.INIT
        if name in self.starts:
            return Role.RESTART
        if name in self.summary_ops:
            return Role.SUMMARY
        if name in self.variables:
            return Role.VARIABLE
        if name in self.placeholders:
            raise Declined(UNSUPPORTED_RUN, f"fetching the placeholder `{name}`", fetches)
        if name in self.graph_defs:
            return Role.TENSOR
        if name in self.built_in_control_flow:  # built there once, bound to something else since
            raise Declined(
                GRAPH_IN_CONTROL_FLOW, f"graph built inside a loop or branch (`{name}`)", self.built_in_control_flow[name]
            )
        raise Declined(UNSUPPORTED_RUN, f"fetch `{name}` is not a tensor this tool can trace", fetches)

    def feeds(self, feed: cst.BaseExpression | None, call: cst.Call) -> list[tuple[str, cst.BaseExpression]]:
        if feed is None:
            return []
        if isinstance(feed, cst.Name) and feed.value in self.feed_dicts:
            return [(key, _item(feed, key)) for key in self.feed_dicts[feed.value]]
        if isinstance(feed, cst.Call) and isinstance(feed.func, cst.Name) and feed.func.value in self.feed_helpers:
            self.helper_feeds[id(call)] = feed
            return [(key, _item(cst.Name(self.feed_name), key)) for key in self.feed_helpers[feed.func.value].keys]
        if not isinstance(feed, cst.Dict):
            raise Declined(UNSUPPORTED_RUN, "a feed_dict built elsewhere", call)
        pairs: list[tuple[str, cst.BaseExpression]] = []
        for element in feed.elements:
            if not isinstance(element, cst.DictElement):
                raise Declined(UNSUPPORTED_RUN, "a feed_dict built with **", call)
            key = element.key
            if isinstance(key, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                raise Declined(FETCH_BY_NAME, "a feed by tensor-name string", key)
            if isinstance(key, cst.Name) and self.feedable(key.value):
                pairs.append((key.value, element.value))
                continue
            raise Declined(FEED_OVERRIDE, "feeding a value for a tensor that is neither a placeholder nor a named tensor", key)
        return pairs
