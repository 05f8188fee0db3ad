"""Sessions become functions: placeholders, feed_dict and `sess.run` become `tf.function` calls.

Each distinct run of the graph becomes a generated `@tf.function` whose parameters are the
placeholders that run feeds (with their dtype and shape as the input signature) and whose body is
the slice of graph statements its fetches depend on. Variables and optimizers stay where the
graph code created them, so they are created once. `minimize` becomes a `tf.GradientTape` step.
Fetched values come back as NumPy values, as `sess.run` gave them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import libcst as cst

from migrate.analysis import graph_model as model
from migrate.analysis import graph_program as gp
from migrate.analysis import graph_segments, graph_statements, iterator_elements, syntax
from migrate.analysis.call_arguments import keyword_arg
from migrate.analysis.declined import Declined
from migrate.analysis.imports import LOCAL, head_name, module_bindings
from migrate.analysis.optimizer_calls import UnmappedArgument, defaults_note, keras_arguments
from migrate.analysis.optimizers import OPTIMIZERS
from migrate.analysis.project import PROJECT_KEY, ModuleLinks, relative_to
from migrate.analysis.row_lookups import row_lookups
from migrate.findings import Finding, RunSite, Severity
from migrate.transforms.base import (
    FINDINGS_KEY,
    RUN_SITES_KEY,
    Example,
    MigrationTransform,
)
from migrate.transforms.optimizer_subclasses import Subclass, Subclasses, updates_rows

_STATELESS_OPTIMIZER = "tf.train.GradientDescentOptimizer"
CONFIG_DROPPED = "TFM220"
UNUSED_GRAPH = "TFM221"
SHAPE_AS_TEXT = "TFM223"
SHAPE_AS_TEXT_NOTE = "a static shape written out as text: TF 2 writes an unknown dimension `None` where TF1 wrote `?`"
RENAMED_BINDINGS = "TFM225"
MOVED_HELPERS = "TFM226"
INLINED_CALLS = "TFM227"
OPTIMIZER_DEFAULTS = "TFM401"
OPTIMIZER_ROUNDING = "TFM403"


class SessionsToFunctions(MigrationTransform):
    CODE = "TFM201"
    LEAVES_GRAPH_MODE = True
    DESCRIPTION = "placeholders, feed_dict and Session.run become tf.function calls"
    DECLINE_FINDINGS = frozenset(
        {
            model.GRAPH_IN_CONTROL_FLOW, model.SESSION_ESCAPES, model.FETCH_BY_NAME, model.FEED_OVERRIDE,
            model.TENSOR_OUTSIDE_RUN, model.GRAPH_COLLECTIONS, model.VARIABLE_FAMILY, model.UNFED_PLACEHOLDER,
            model.UNSUPPORTED_RUN, model.STATEFUL_INPUT, model.UNBUILT_LAYER, model.UNSUPPORTED_OPTIMIZER,
            model.REBOUND_NAME,
        }
    )
    REBOUND_FINDINGS: ClassVar[dict[str, str]] = {model.REBOUND_NAME: RENAMED_BINDINGS}
    MOVED_HELPERS_NOTE: ClassVar[str | None] = MOVED_HELPERS
    INLINED_CALLS_NOTE: ClassVar[str | None] = INLINED_CALLS
    FINDINGS: ClassVar[dict[str, str]] = {
        model.GRAPH_IN_CONTROL_FLOW: "graph built inside a loop, branch or function: left as a session",
        model.SESSION_ESCAPES: "the session is used other than to run fetches: left as a session",
        model.FETCH_BY_NAME: "a fetch or feed by tensor-name string: left as a session",
        model.FEED_OVERRIDE: "feeding over a structure, or over a tensor in a training run: left as a session",
        model.TENSOR_OUTSIDE_RUN: "a graph tensor used outside a session run: left as a session",
        model.GRAPH_COLLECTIONS: "graph collections or graph surgery: left as a session",
        model.VARIABLE_FAMILY: "variable scopes, get_variable, tf.layers or Saver the TFM3xx/TFM5xx rules left: left as a session",
        model.UNFED_PLACEHOLDER: "a placeholder a run needs is not fed there: left as a session",
        model.UNSUPPORTED_RUN: "a session-run form this tool does not convert: left as a session",
        model.STATEFUL_INPUT: "a dataset iterator, queue, reader or lookup table feeds the runs: left as a session",
        model.UNBUILT_LAYER: "a layer called only by graph code no run fetches (its variables would not exist): left as a session",
        model.UNSUPPORTED_OPTIMIZER: "an optimizer or learning-rate schedule not converted: left as a session",
        model.REBOUND_NAME: "a name bound again after graph code read it, not renamed or not enough: left as a session",
        CONFIG_DROPPED: "session configuration (ConfigProto) or a device scope dropped; set tf.config options if needed",
        UNUSED_GRAPH: "graph code that no run fetched is removed",
        SHAPE_AS_TEXT: "a static shape printed or formatted: TF 2 writes `None` for a dimension TF1 wrote `?`",
        RENAMED_BINDINGS: "the later bindings of a name bound again after graph code read it are renamed (`w_2`)",
        MOVED_HELPERS: "a module-level placeholder, feed or session helper called from one function or main block is moved into it",
        INLINED_CALLS: "a module function making the training variables or ops, called once, is written in place of its call",
        OPTIMIZER_DEFAULTS: "TF1 optimizer mapped to Keras with TF1's differing defaults made explicit",
        OPTIMIZER_ROUNDING: "the Keras optimizer computes the same update in another order: long runs drift apart slightly",
    }
    TRIGGERS = ("Session",)
    EXAMPLES = (
        Example(
            name="feed-and-fetch",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "x = tf.placeholder(tf.float32, [None])\n"
                "y = x * 2.0\n"
                "with tf.Session() as sess:\n"
                "    print(sess.run(y, feed_dict={x: [1.0, 2.0]}))\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "\n"
                "@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])\n"
                "def compute_y(x):\n"
                "    y = x * 2.0\n"
                "    return y\n"
                "\n"
                "\n"
                "print(compute_y([1.0, 2.0]).numpy())\n"
            ),
        ),
        Example(
            name="no-session",
            before="import tensorflow as tf\n\nx = tf.constant(1.0)\nprint(x.numpy())\n",
        ),
    )

    module_imports: dict[str, set[str]]  # what each module-level name of the file is bound to
    module_body: Sequence[cst.BaseStatement]
    module_names: frozenset[str]
    subclasses: Subclasses  # optimizer subclasses the converted scopes may use

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        # A file is converted whole or not at all: one scope converted to eager code next to
        # one left as graph code would run in graph mode (TFM002 keeps graph mode on for the
        # declined one) and break the converted one.
        self.module_imports = module_bindings(original_node)
        self.module_body = original_node.body
        self.module_names = syntax.names_in(original_node)
        self.subclasses = Subclasses()
        scopes: list[tuple[int | None, Sequence[cst.BaseStatement], cst.CSTNode]] = [
            (None, original_node.body, original_node)
        ]
        outcomes = [self._convert_scope(original_node.body, original_node, top_level=True)]
        if outcomes[0].status == "declined":
            segmented = self._convert_segments(original_node)
            if isinstance(segmented, list):
                body, trailing = _joined(segmented)
                return self._converted(updated_node, body, segmented, trailing)
            if segmented is not None:
                # Taken whole, a file of several programs often declines over what they share
                # only by name; the program that declines on its own says what stops the file.
                outcomes[0] = segmented
        if outcomes[0].status == "none":
            # Each function is a scope of its own, and so is the block a script runs only as a
            # program (`if __name__ == "__main__":`).
            scopes, outcomes = [], []
            for index, statement in enumerate(original_node.body):
                if (
                    isinstance(statement, cst.FunctionDef) or syntax.is_script_block(statement, original_node.body)
                ) and isinstance(statement.body, cst.IndentedBlock):
                    outcome = self._convert_scope(
                        statement.body.body, statement, top_level=False, enclosing=original_node.body
                    )
                    if outcome.status != "none":
                        scopes.append((index, statement.body.body, statement))
                        outcomes.append(outcome)
        declined = [o for o in outcomes if o.status == "declined"]
        for outcome in declined:
            self._keep(outcome)
        if declined:
            self._checkpoints_need_eager(original_node)
        converted = [o for o in outcomes if o.status == "converted"]
        if not converted:
            return updated_node
        if declined:
            for (_, _, owner), outcome in zip(scopes, outcomes):
                if outcome.status == "converted":
                    self.report(
                        owner,
                        "not converted, so that the file does not mix eager and graph code: "
                        "another scope of the file is left as a session",
                        code=model.UNSUPPORTED_RUN,
                    )
            return updated_node
        if scopes[0][0] is None:
            return self._converted(updated_node, converted[0].body, converted, converted[0].trailing)
        body = list(original_node.body)
        for (position, _, owner), outcome in zip(scopes, outcomes):
            assert position is not None and isinstance(owner, (cst.FunctionDef, cst.If))
            assert isinstance(owner.body, cst.IndentedBlock)
            block = owner.body.with_changes(body=outcome.body, footer=[*outcome.trailing, *owner.body.footer])
            body[position] = owner.with_changes(body=block)
        return self._converted(updated_node, body, converted)

    def _converted(
        self,
        module: cst.Module,
        body: Sequence[cst.BaseStatement],
        outcomes: list[_Outcome],
        trailing: Sequence[cst.EmptyLine] = (),
    ) -> cst.Module:
        for outcome in outcomes:
            self._keep(outcome)
        module = module.with_changes(body=_without_unused_framework_ops(body), footer=[*trailing, *module.footer])
        return self.subclasses.defined_in(module, self.tf_alias(), only_read_by=body)

    def optimizer_subclass(self, subclass: Subclass) -> str:
        """The name of the Keras optimizer subclass that updates as TF1's (defined after the
        imports once a scope using it is converted)."""
        return self.subclasses.name(subclass, self.module_names)

    def _convert_segments(self, module: cst.Module) -> list[_Outcome] | _Outcome | None:
        """The module converted as independent graph programs (migrate.analysis.graph_segments),
        the outcome of the first of them that is declined, or None when it is one program."""
        pieces = graph_segments.segments(module.body, self.tf_api)
        if len(pieces) < 2:
            return None
        definitions = [s for s in module.body if isinstance(s, (cst.FunctionDef, cst.ClassDef))]
        reserved: set[str] = set()
        outcomes: list[_Outcome] = []
        for piece in pieces:
            enclosing = [s for s in definitions if s not in piece]
            outcome = self._convert_scope(piece, module, top_level=True, enclosing=enclosing, reserved=reserved)
            if outcome.status == "declined":
                return outcome
            if outcome.status == "none":
                outcome.body = list(piece)
            reserved.update(name for statement in outcome.body for name in syntax.defined_names(statement))
            outcomes.append(outcome)
        return outcomes

    def _checkpoints_need_eager(self, module: cst.Module) -> None:
        """Objects earlier transforms made for eager code (TFM501's `tf.train.Checkpoint`,
        TFM311's Keras 3 layers) do not work in graph mode: say so loudly where the file stays
        a session program."""
        for call in syntax.calls_in(module):
            api = self.tf_api(call.func)
            if api == "tf.train.Checkpoint":
                why = "read() restores nothing in graph mode: keep tf.compat.v1.train.Saver"
            elif api is not None and api.startswith("tf.keras.layers."):
                why = "Keras 3 layers do not run in TF1 graph mode: keep tf.compat.v1.layers"
            else:
                continue
            self.report(
                call,
                f"this file stays a session program, but {why} or convert the session code by hand",
                code=model.UNSUPPORTED_RUN,
                severity=Severity.ERROR,
            )
            return

    def _refuse_graph_state_of_imports(self, plan: model.ScopePlan) -> None:
        """A function of a module of the tree that makes variables or placeholders where it is
        called (`from layers import dense`) cannot be called by the converted scope: moved into
        a generated function it would make them at each trace, and kept outside it it would make
        them eagerly, apart from the graph the module still builds. The joint rewrite of the
        two (migrate.joint_modules) writes its definitions into this file instead."""
        links = self.context.scratch.get(PROJECT_KEY)
        if not isinstance(links, ModuleLinks) or not links.stateful_modules:
            return
        for site in links.stateful_imports():
            if site.star:
                why = f"`{site.statement}` imports every name of {relative_to(site.module, links.path)}, which makes graph state"
                raise Declined(model.UNSUPPORTED_RUN, why)
        imported = links.stateful_names()
        for statement in plan.statements:
            for call in syntax.calls_in(statement.node):
                head = head_name(call.func)
                if head is None or head.value not in imported:
                    continue
                if LOCAL in self.module_imports.get(head.value, {LOCAL}):
                    continue  # bound by this file's own code (a joint rewrite's definitions)
                why = (
                    f"`{syntax.code_of(call.func)}` is a function of {imported[head.value]}, a module of this "
                    "tree that makes variables or placeholders where it is called; the two are rewritten "
                    "apart (TFM006, TFM007)"
                )
                raise Declined(model.UNSUPPORTED_RUN, why, call)

    def _keep(self, outcome: _Outcome) -> None:
        self.context.scratch.setdefault(FINDINGS_KEY, []).extend(outcome.findings)
        self.context.scratch.setdefault(RUN_SITES_KEY, []).extend(outcome.run_sites)

    # --- one scope ---------------------------------------------------------------------
    def _convert_scope(
        self,
        body: Sequence[cst.BaseStatement],
        owner: cst.CSTNode,
        *,
        top_level: bool,
        enclosing: Sequence[cst.BaseStatement] = (),
        reserved: Collection[str] = (),
    ) -> _Outcome:
        """Plan and write one scope, with what it reports held back until the file's fate is known."""
        kept_findings = self.context.scratch.get(FINDINGS_KEY, [])
        kept_sites = self.context.scratch.get(RUN_SITES_KEY, [])
        self.context.scratch[FINDINGS_KEY] = []
        self.context.scratch[RUN_SITES_KEY] = []
        try:
            plan = gp.analyze_scope(body, self.tf_api, enclosing, reserved, self.module_body)
            if plan is None:
                outcome = _Outcome("none")
            else:
                self._refuse_graph_state_of_imports(plan)
                if syntax.is_script_block(owner, enclosing):
                    _refuse_globals_read_elsewhere(plan, enclosing)
                writer = _ScopeWriter(self, plan, top_level)
                outcome = _Outcome("converted", writer.write(), trailing=writer.trailing)
        except Declined as declined:
            self.report(
                declined.node or owner,
                f"{declined.message}; left as tf.compat.v1 session code",
                code=declined.code,
                severity=Severity.WARNING,
            )
            outcome = _Outcome("declined")
        outcome.findings = self.context.scratch[FINDINGS_KEY]
        outcome.run_sites = self.context.scratch[RUN_SITES_KEY]
        self.context.scratch[FINDINGS_KEY] = kept_findings
        self.context.scratch[RUN_SITES_KEY] = kept_sites
        return outcome


# The kinds of statements a scope keeps where they stand (graph code goes into the functions).
_KEPT_IN_PLACE = frozenset(
    {model.Kind.PYTHON, model.Kind.VARIABLE, model.Kind.OPTIMIZER, model.Kind.TRAIN, model.Kind.WRITER, model.Kind.ITERATOR}
)


def _refuse_globals_read_elsewhere(plan: model.ScopePlan, module: Sequence[cst.BaseStatement]) -> None:
    """The names the `if __name__ == "__main__":` block binds are the module's globals, which
    the module's functions and classes may read: one that reads a placeholder or graph tensor
    the conversion takes out of the block would read a name no longer bound."""
    gone = set(plan.placeholders) | {
        name for statement in plan.statements if statement.kind not in _KEPT_IN_PLACE for name in statement.defines
    }
    functions = [(s.name.value, s) for s in module if isinstance(s, cst.FunctionDef)]
    for owner in module:
        if isinstance(owner, cst.ClassDef) and isinstance(owner.body, cst.IndentedBlock):
            functions.extend(
                (f"{owner.name.value}.{s.name.value}", s) for s in owner.body.body if isinstance(s, cst.FunctionDef)
            )
    for name, function in functions:
        read = sorted(syntax.free_names(function) & gone)
        if read:
            raise Declined(
                model.TENSOR_OUTSIDE_RUN, f"graph tensor `{read[0]}` is read as a global by the function `{name}`", function
            )


def _joined(outcomes: Sequence[_Outcome]) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
    """The bodies of consecutive scopes as one, each one's trailing comments before the next
    one's first statement; and the last one's trailing comments."""
    body: list[cst.BaseStatement] = []
    trailing: list[cst.EmptyLine] = []
    for outcome in outcomes:
        statements = list(outcome.body)
        if trailing and statements:
            lines = [*trailing, *syntax.leading_lines(statements[0])]
            statements[0] = syntax.with_leading_lines(statements[0], lines)
            trailing = []
        body.extend(statements)
        trailing = [*trailing, *outcome.trailing]
    return body, trailing


# What planning one scope came to: "none" when it has no session.
_Status = Literal["none", "converted", "declined"]


@dataclass
class _Outcome:
    status: _Status
    body: list[cst.BaseStatement] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    run_sites: list[RunSite] = field(default_factory=list)
    trailing: list[cst.EmptyLine] = field(default_factory=list)  # _ScopeWriter.trailing


class _ScopeWriter:
    """Builds the new statements of one scope from its plan."""

    def __init__(self, transform: SessionsToFunctions, plan: model.ScopePlan, top_level: bool) -> None:
        self.t = transform
        self.plan = plan
        self.top_level = top_level
        self.tf = transform.tf_alias()
        self.taken = gp.names_kept(plan.statements) | {f.name for f in plan.functions} | {
            h.name for h in plan.helpers
        }
        self.optimizer_names: dict[str, str] = {}  # train op -> module-level optimizer name
        self.shared_optimizers: dict[str, cst.Call] = {}  # a stateless TF1 optimizer of several train ops
        # Train ops whose gradients of looked-up rows are made dense (OptimizerMapping.repeated_rows)
        self.dense_gradients: set[str] = set()
        # Optimizer calls that become the subclass updating looked-up rows as TF1's.
        self.row_updates: set[int] = set()
        self.init_calls = {id(call) for call in plan.init_calls}
        self.elements = iterator_elements.element_names(
            [name for name, p in plan.placeholders.items() if p.iterator], self.taken
        )
        self.taken |= set(self.elements.values())
        self.helper_reads: dict[str, iterator_elements.Reads] = {}  # helper -> the iterators it reads
        self.summary_helpers: dict[str, str] = {}  # summary op -> the helper writing its values
        # The comment lines after the last statement written, for the footer of its block.
        self.trailing: list[cst.EmptyLine] = []

    def write(self) -> list[cst.BaseStatement]:
        plan = self.plan
        for config in plan.dropped_config:
            if isinstance(config, cst.Call) and self.t.tf_api(config.func) == "tf.device":
                what = f"device placement `{syntax.code_of(config)}` dropped: TF 2 places each op itself"
            else:
                what = "session configuration dropped"
            self.t.report(config, what, code=CONFIG_DROPPED, severity=Severity.INFO)
        self._check_optimizers()
        out: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        gone: set[int] = set()  # statements dropped, whose leading lines were carried
        # The functions go before the first run (those a static shape read traces before it,
        # before that read); they are written last, once every optimizer they use has its name
        # (an optimizer may come after the first run of something else).
        functions_at: int | None = None
        traced_at: int | None = None
        after_functions = False
        sites = {id(site.call): site for site in plan.run_sites}
        used_graph = {id(s) for f in plan.functions for s in f.statements}
        first_helpers = self._helpers_traced_first()
        for index, statement in enumerate(plan.statements):
            if index == plan.shape_read_index and traced_at is None:
                traced_at = len(out)
                after_functions = bool(plan.traced_first)
            if index == plan.first_run_index and functions_at is None:
                functions_at = len(out)
                after_functions = after_functions or bool(
                    {f.name for f in plan.functions} - plan.traced_first
                    or len(plan.helpers) > len(first_helpers)
                    or plan.summary_writes
                )
            kind = statement.kind
            produced: list[cst.BaseStatement] = []
            if kind is model.Kind.OPTIMIZER:
                produced = [self._keras_optimizer(statement)]
            elif kind is model.Kind.TRAIN:
                produced = self._train_setup(statement)
            elif kind is model.Kind.VARIABLE and statement.holds is model.Holding.GLOBAL_STEP:
                produced = [self._global_step(statement)]
            elif kind is model.Kind.VARIABLE:
                produced = [statement.node]
            elif kind is model.Kind.WRITER:
                produced = [self._summary_writer(statement)]
            elif kind is model.Kind.ITERATOR and (dataset := plan.iterators[statement.defines[0]]) is not None:
                assert isinstance(statement.node, cst.SimpleStatementLine)
                if not self._started_before_use(index):
                    produced = [_replace_value(statement.node, _iterator_over(dataset))]
            elif kind is model.Kind.PYTHON:
                produced = _replace_sites(statement.node, sites, self)
                if plan.threaded:
                    produced = [_thread(s, plan.threaded) if isinstance(s, cst.FunctionDef) else s for s in produced]
            elif kind is model.Kind.GRAPH and id(statement) in used_graph:
                # Its comments moved with it into the functions; the spacing stays here.
                carried.extend(line for line in syntax.leading_lines(statement.node) if line.comment is None)
                continue
            elif kind is model.Kind.GRAPH:
                self.t.report(statement.node, "graph code that no run fetches is removed", code=UNUSED_GRAPH, severity=Severity.INFO)
            if not produced:
                # `x, y = placeholder_inputs(n)` is one statement a placeholder: its lines once.
                if id(statement.node) not in gone:
                    carried.extend(syntax.leading_lines(statement.node))
                gone.add(id(statement.node))
                continue
            lines = [*carried, *syntax.leading_lines(produced[0])]
            carried = []
            if after_functions:
                lines = [cst.EmptyLine(indent=False)] * (2 if self.top_level else 1) + lines
                after_functions = False
            produced[0] = syntax.with_leading_lines(produced[0], _tidy(lines, 2 if self.top_level else 1))
            out.extend(produced)
        first, rest = self._functions(first_helpers)
        out[len(out) if functions_at is None else functions_at : functions_at] = rest
        out[len(out) if traced_at is None else traced_at : traced_at] = first
        if not out:
            out.append(cst.SimpleStatementLine([cst.Pass()]))
        left = [*carried, *plan.trailing]
        self.trailing = left if any(line.comment is not None for line in left) else []
        for site in plan.run_sites:
            self.t.record_run_site(site.call, site.function.name if site.function else "")
        for call in plan.init_calls:
            self.t.record_run_site(call, "")  # gone: the harness pairs no function with it
        return out

    def _started_before_use(self, index: int) -> bool:
        """Whether the iterator statement `index` makes is started (`sess.run(it.initializer)`)
        by the first later statement of the scope that names it, before anything reads it: that
        start makes the TF 2 iterator, and one made here would never be read."""
        name = self.plan.statements[index].defines[0]
        for later in self.plan.statements[index + 1 :]:
            node = later.node
            if later.kind not in _KEPT_IN_PLACE or name not in syntax.names_in(node):
                continue  # graph code goes into the functions, which take the elements read
            return (
                isinstance(node, cst.SimpleStatementLine)
                and len(node.body) == 1
                and isinstance(node.body[0], cst.Expr)
                and self.plan.restarts.get(id(node.body[0].value), ("",))[0] == name
            )
        return False

    # --- optimizers --------------------------------------------------------------------
    def _check_optimizers(self) -> None:
        users: dict[str, int] = {}
        for train in self.plan.train_ops.values():
            if isinstance(train.optimizer, cst.Name):
                users[train.optimizer.value] = users.get(train.optimizer.value, 0) + 1
        made = {s.defines[0]: s.call for s in self.plan.statements if s.kind is model.Kind.OPTIMIZER}
        for name, count in users.items():
            if count == 1:
                continue
            call = made.get(name)
            # TF1's gradient descent keeps no state, so one optimizer per loss computes what the
            # shared one did; a Keras optimizer only updates the variables it was built with.
            if call is None or self.t.tf_api(call.func) != _STATELESS_OPTIMIZER:
                raise Declined(model.UNSUPPORTED_OPTIMIZER, f"optimizer `{name}` minimises several losses")
            self.shared_optimizers[name] = call
        graph = set(self.plan.placeholders) | {
            n for s in self.plan.statements if s.kind is model.Kind.GRAPH for n in s.defines
        }
        for statement in self.plan.statements:
            if statement.kind is model.Kind.OPTIMIZER and statement.uses & graph:
                raise Declined(model.UNSUPPORTED_OPTIMIZER, "a learning rate computed in the graph", statement.node)
        lookups = row_lookups(self.t.module_body, self.t.tf_api, graph - set(self.plan.variables))
        for train in self.plan.train_ops.values() if lookups else ():
            call = train.optimizer if isinstance(train.optimizer, cst.Call) else made.get(syntax.code_of(train.optimizer))
            mapping = OPTIMIZERS.get(self.t.tf_api(call.func) or "") if call is not None else None
            if mapping is None:
                continue
            # The training step makes the gradients of the program's own `minimize` dense; a
            # subclass updates the rest as TF1.
            caveat = mapping.rows_caveat or (mapping.repeated_rows if train.applied is not None else "")
            if caveat and updates_rows(mapping):
                assert call is not None
                self.row_updates.add(id(call))
            elif caveat:
                why = f"`{train.name}` trains a table that {syntax.code_of(lookups[0].func)} reads rows of: {caveat}"
                raise Declined(model.UNSUPPORTED_OPTIMIZER, why, lookups[0])
            elif mapping.repeated_rows:
                self.dense_gradients.add(train.name)

    def _global_step(self, statement: model.Statement) -> cst.BaseStatement:
        """`tf.train.get_or_create_global_step()` is the int64 variable TF1 made for it."""
        assert isinstance(statement.node, cst.SimpleStatementLine)
        value = cst.parse_expression(
            f'{self.tf}.Variable(0, dtype={self.tf}.int64, trainable=False, name="global_step")'
        )
        return _replace_value(statement.node, value)

    def _keras_call(self, call: cst.Call) -> cst.Call:
        api = self.t.tf_api(call.func)
        assert api is not None
        mapping = OPTIMIZERS[api]
        try:
            args = keras_arguments(call, api)
        except UnmappedArgument as unmapped:
            raise Declined(model.UNSUPPORTED_OPTIMIZER, str(unmapped), call) from None
        note = defaults_note(api)
        if note is not None:
            self.t.report(call, note, code=OPTIMIZER_DEFAULTS, severity=Severity.INFO)
        if mapping.caveat:
            self.t.report(call, mapping.caveat, code=OPTIMIZER_ROUNDING, severity=Severity.INFO)
        rows = id(call) in self.row_updates
        if not rows and not mapping.slots_start_at_one:
            return cst.Call(func=self.t.tf_expr(f"keras.optimizers.{mapping.keras_name}"), args=args)
        subclass = Subclass(mapping, rows=rows)
        name = self.t.optimizer_subclass(subclass)
        self.t.report(call, subclass.described(name), code=OPTIMIZER_DEFAULTS, severity=Severity.INFO)
        return cst.Call(func=cst.Name(name), args=args)

    def _keras_optimizer(self, statement: model.Statement) -> cst.BaseStatement:
        assert statement.call is not None and isinstance(statement.node, cst.SimpleStatementLine)
        return _replace_value(statement.node, self._keras_call(statement.call))

    def _train_setup(self, statement: model.Statement) -> list[cst.BaseStatement]:
        """What stays at the place of `train_op = opt.minimize(loss)`: the optimizer, if it was
        created inline."""
        train = self.plan.train_ops[statement.defines[0]]
        produced: list[cst.BaseStatement] = []
        if isinstance(train.optimizer, cst.Name) and train.optimizer.value in self.shared_optimizers:
            shared = train.optimizer.value
            if shared in self.optimizer_names.values():  # the first training op has it already
                name = self._new_name(f"{train.name.removesuffix('_op')}_optimizer")
            else:
                name = shared
            if name != shared:
                call = self._keras_call(self.shared_optimizers[shared])
                produced.append(cst.parse_statement(f"{name} = {syntax.code_of(call)}\n"))
        elif isinstance(train.optimizer, cst.Name):
            name = train.optimizer.value
        else:
            assert isinstance(train.optimizer, cst.Call)
            # The training op's own name is free once it is gone: `optimizer = ....minimize(loss)`
            # keeps the name `optimizer` for the optimizer itself.
            stem = "optimizer" if len(self.plan.train_ops) == 1 else f"{train.name.removesuffix('_op')}_optimizer"
            if train.name == stem or train.name in {"optimizer", "opt", "optim"}:
                stem = train.name
                self.taken.discard(stem)
            name = self._new_name(stem)
            produced.append(
                statement.node.with_changes(
                    body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=self._keras_call(train.optimizer))]
                )
                if isinstance(statement.node, cst.SimpleStatementLine)
                else statement.node
            )
        self.optimizer_names[train.name] = name
        return produced

    def _var_list_code(self, train: model.TrainOp) -> str:
        if train.loss_expression is not None:
            return self._variables_reaching(syntax.names_in(train.loss_expression), train.var_list, train.loss)
        if train.loss is not None:
            return self._variables_reaching({train.loss}, train.var_list, train.loss)
        gradients = self._applied_gradients(train)
        return self._variables_reaching({gradients.loss}, gradients.targets, gradients.loss)

    def _variables_reaching(
        self, roots: Collection[str], var_list: cst.BaseExpression | None, loss: str | None
    ) -> str:
        """The variables TF1 differentiated: the given list, or (TF1's default) every trainable
        variable, of which only those the loss (read from `roots`) reaches get a gradient."""
        if var_list is not None:
            return syntax.code_of(var_list)
        used: set[str] = set(roots)
        for statement in gp.backward_slice(roots, self.plan.graph_defs):
            used |= statement.uses
        trainable = [
            _variable_refs(name, statement)
            for name, statement in self.plan.variables.items()
            if name in used
            and statement.holds not in (model.Holding.NOTHING, model.Holding.GLOBAL_STEP)
            and not gp.untrainable(statement)
        ]
        if not trainable:
            raise Declined(model.UNSUPPORTED_RUN, *self._no_trainable_variable(roots, loss))
        if len(trainable) == 1 and trainable[0].endswith(".trainable_variables"):
            return trainable[0].removeprefix("*")  # already a list
        return "[" + ", ".join(trainable) + "]"

    def _no_trainable_variable(self, roots: Collection[str], loss: str | None) -> tuple[str, cst.Call | None]:
        """Why training `loss` declines, and where: where the loss is computed by functions of an
        imported module, that module makes the variables, and the two files are rewritten apart."""
        imported: dict[str, cst.Call] = {}
        for statement in gp.backward_slice(roots, self.plan.graph_defs):
            for call in syntax.calls_in(statement.node):
                head = head_name(call.func)
                if head is None or self.t.tf_api(call.func) is not None:
                    continue
                bound = self.t.module_imports.get(head.value, {LOCAL})
                if LOCAL not in bound:
                    imported.setdefault(syntax.code_of(call.func), call)
        if not imported:
            return f"no trainable variable reaches `{loss}`", None
        calls = ", ".join(f"`{name}`" for name in imported)
        why = (
            f"no variable of this file reaches `{loss}`: it is computed by {calls} of an imported module, "
            "which makes the variables it trains; a program spread over modules is rewritten file by "
            "file (TFM006, TFM007)"
        )
        return why, next(iter(imported.values()))

    def _applied_gradients(self, train: model.TrainOp) -> model.Gradients:
        """The one gradient computation whose result `apply_gradients` applies."""
        assert train.applied is not None
        found = [
            s.gradients
            for s in gp.backward_slice(syntax.names_in(train.applied), self.plan.graph_defs)
            if s.gradients is not None
        ]
        if len(found) != 1:
            raise Declined(model.UNSUPPORTED_RUN, f"`{train.name}` applies gradients this tool cannot trace")
        return found[0]

    def _new_name(self, stem: str) -> str:
        name = syntax.unique_name(stem, self.taken)
        self.taken.add(name)
        return name

    # --- generated functions -----------------------------------------------------------
    def _helpers_traced_first(self) -> set[int]:
        """The helpers the functions a static shape read traces before the first run call."""
        traced = [f for f in self.plan.functions if f.name in self.plan.traced_first]
        return {id(step) for f in traced for step in f.steps if isinstance(step, model.Helper)}

    def _functions(self, called: set[int]) -> tuple[list[cst.BaseStatement], list[cst.BaseStatement]]:
        """The generated functions a static shape read traces before the first run, with the
        helpers they call (`called`); and the others."""
        plan = self.plan
        first = [f for f in plan.functions if f.name in plan.traced_first]
        written: list[cst.BaseStatement] = [self._helper(h) for h in plan.helpers if id(h) in called]
        written.extend(self._function(f) for f in first)
        rest: list[cst.BaseStatement] = [self._helper(h) for h in plan.helpers if id(h) not in called]
        rest.extend(self._function(f) for f in plan.functions if f.name not in plan.traced_first)
        for group in dict.fromkeys(plan.summary_writes.values()):
            rest.append(self._summary_helper(group))
        return written, rest

    # --- summaries ---------------------------------------------------------------------
    def _summary_writer(self, statement: model.Statement) -> cst.BaseStatement:
        """`FileWriter(logdir, sess.graph)` becomes `tf.summary.create_file_writer(logdir)`."""
        assert isinstance(statement.node, cst.SimpleStatementLine)
        logdir = self.plan.writers[statement.defines[0]]
        call = cst.Call(self.t.tf_expr("summary.create_file_writer"), [cst.Arg(logdir)])
        return _replace_value(statement.node, call)

    def summary_helper_name(self, group: str) -> str:
        """`write_summaries` when the scope writes one summary op's values, else one helper per
        op named after it: `write_merged`, `write_image_summary`."""
        if group not in self.summary_helpers:
            alone = len(set(self.plan.summary_writes.values())) == 1
            self.summary_helpers[group] = self._new_name("write_summaries" if alone else f"write_{group}")
        return self.summary_helpers[group]

    def _summary_helper(self, group: str) -> cst.FunctionDef:
        """Writes what a summary op collected, as `writer.add_summary` wrote it."""
        lines = []
        for index, summary in enumerate(self.plan.summary_groups[group]):
            extra = "".join(f", {syntax.code_of(arg)}" for arg in summary.extra)
            lines.append(
                f"        {self.tf}.summary.{summary.kind}({syntax.code_of(summary.tag)}, values[{index}], step=step{extra})\n"
            )
        body = cst.parse_statement(f"with writer.as_default():\n{''.join(lines)}")
        return self._def(f"def {self.summary_helper_name(group)}(writer, values, step):\n", [body])

    def summary_write(self, call: cst.Call, group: str) -> cst.Call:
        """`writer.add_summary(summary, step)` becomes `write_summaries(writer, summary, step)`."""
        assert isinstance(call.func, cst.Attribute)
        value, step = call.args
        if step.keyword is not None:  # `global_step=step`: the helper's parameter is `step`
            step = step.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
        return cst.Call(
            cst.Name(self.summary_helper_name(group)),
            [cst.Arg(call.func.value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), value, step],
        )

    def _def(self, header: str, body: list[cst.BaseStatement]) -> cst.FunctionDef:
        node = cst.parse_statement(f"{header}    pass\n")
        assert isinstance(node, cst.FunctionDef)
        blank = [cst.EmptyLine(indent=False)] * (2 if self.top_level else 1)
        return node.with_changes(
            body=node.body.with_changes(body=body or [cst.SimpleStatementLine([cst.Pass()])]),
            leading_lines=blank,
        )

    def _moved(self, statement: model.Statement) -> cst.BaseStatement:
        node = _strip_blank(statement.node)
        return _thread(node, self.plan.threaded) if self.plan.threaded else node

    def _steps(self, steps: Sequence[model.Statement | model.Helper]) -> list[cst.BaseStatement]:
        body: list[cst.BaseStatement] = []
        for step in steps:
            if isinstance(step, model.Helper):
                targets = ", ".join(step.returns)
                call = f"{step.name}({', '.join(step.params)})"
                body.append(cst.parse_statement(f"{targets} = {call}\n" if targets else f"{call}\n"))
            else:
                body.append(self._moved(step))
        return body

    def _fed_value(self, name: str, dtype: str) -> cst.BaseStatement:
        tf = self.tf
        return cst.parse_statement(f"{name} = {tf}.cast({tf}.convert_to_tensor({name}, dtype_hint={dtype}), {dtype})\n")

    def _default_dtype(self, default: cst.BaseExpression) -> str:
        """The dtype TF1 gave a `placeholder_with_default`: that of its default value."""
        literal = default.expression if isinstance(default, cst.UnaryOperation) else default
        if isinstance(literal, cst.Float):
            return f"{self.tf}.float32"
        if isinstance(literal, cst.Integer):
            return f"{self.tf}.int32"
        if isinstance(literal, cst.Name) and literal.value in ("True", "False"):
            return f"{self.tf}.bool"
        return f"{self.tf}.convert_to_tensor({syntax.code_of(default)}).dtype"

    def _helper(self, helper: model.Helper) -> cst.FunctionDef:
        body = [self._moved(s) for s in helper.statements]
        if helper.returns:
            body.append(cst.parse_statement(f"return {', '.join(helper.returns)}\n"))
        node = self._def(f"def {helper.name}({', '.join(helper.params)}):\n", body)
        node, self.helper_reads[helper.name] = iterator_elements.read_elements(node, self.elements, ())
        return node

    def _function(self, function: model.Function) -> cst.FunctionDef:
        tf = self.tf
        specs: list[str] = []
        for p in function.params:
            shape = syntax.code_of(p.shape) if p.shape is not None else "None"
            if p.iterator or p.python_value:
                specs = []  # an iterator or a Python value: traced for each structure or value
                break
            if p.default is not None:
                dtype = self._default_dtype(p.default)
            elif p.dtype is not None:
                dtype = syntax.code_of(p.dtype)
            else:
                specs = []  # a tensor fed over has no declared dtype: no input signature
                break
            spec = "SparseTensorSpec" if p.sparse else "TensorSpec"
            specs.append(f"{tf}.{spec}(shape={shape}, dtype={dtype})")
        decorator = f"@{tf}.function"
        if specs:
            one_line = f"@{tf}.function(input_signature=[{', '.join(specs)}])"
            if len(one_line) <= 99:
                decorator = one_line
            else:
                listed = "".join(f"        {spec},\n" for spec in specs)
                decorator = f"@{tf}.function(\n    input_signature=[\n{listed}    ]\n)"
        params = ", ".join(p.name for p in function.params)
        # A tensor the run fed over arrives as whatever was fed (a list, a NumPy array); without
        # an input signature a placeholder's value still takes its dtype, as a TF1 feed did:
        # TF1 cast the fed value NumPy's way (`np.asarray(value, dtype)`), float64 arrays to
        # float32 included. Traced, a NumPy argument is already a tensor of its own dtype, which
        # `convert_to_tensor` would refuse to change; the hint keeps Python numbers exact.
        body: list[cst.BaseStatement] = []
        for p in function.params:
            if p.dtype is None and p.default is None:
                body.append(cst.parse_statement(f"{p.name} = {tf}.convert_to_tensor({p.name})\n"))
            elif not specs and p.dtype is not None and p.default is None and not p.sparse:
                body.append(self._fed_value(p.name, syntax.code_of(p.dtype)))
            elif not specs and p.default is not None and not (p.python_value or p.iterator):
                # A placeholder_with_default was a tensor, fed or not: `tf.cond` takes no Python bool.
                body.append(self._fed_value(p.name, self._default_dtype(p.default)))
        body += self._differentiated(function)
        returns = _returned(function.fetches, self.plan)
        if returns is not None:
            body.append(cst.SimpleStatementLine([cst.Return(returns)]))
        node = self._def(f"{decorator}\ndef {function.name}({params}):\n", body)
        helpers = [step.name for step in function.steps if isinstance(step, model.Helper)]
        node, reads = iterator_elements.read_elements(node, self.elements, helpers)
        iterator_elements.check_reads(function.name, reads, self.helper_reads, helpers)
        return node

    def _differentiated(self, function: model.Function) -> list[cst.BaseStatement]:
        """The function's statements; where it trains or takes gradients, the forward pass runs
        under a `tf.GradientTape` and what uses the gradients follows it."""
        gradient_steps = [s for s in function.statements if s.gradients is not None]
        train = function.train
        if train is None and not gradient_steps:
            return self._steps(function.steps)
        orders = _gradient_orders(function.statements)
        if any(orders[id(s)] > 1 for s in gradient_steps):
            if train is not None:
                raise Declined(model.UNSUPPORTED_RUN, "gradients of gradients in a training run")
            return self._nested_tapes(function, orders)
        dependent: set[str] = set()
        for statement in function.statements:
            if statement.gradients is not None or statement.uses & dependent:
                dependent |= set(statement.defines)
        before: list[model.Statement | model.Helper] = []
        after: list[model.Statement | model.Helper] = []
        for step in function.steps:
            inner = step.statements if isinstance(step, model.Helper) else [step]
            late = [s for s in inner if set(s.defines) & dependent]
            if late and len(late) != len(inner):
                raise Declined(model.UNSUPPORTED_RUN, "gradients computed in code shared by several runs")
            if late and isinstance(step, model.Helper):
                raise Declined(model.UNSUPPORTED_RUN, "gradients computed in code shared by several runs")
            (after if late else before).append(step)
        tf = self.tf
        computations = len(gradient_steps) + (1 if train is not None and train.loss is not None else 0)
        persistent = "persistent=True" if computations > 1 else ""
        tape = cst.parse_statement(f"with {tf}.GradientTape({persistent}) as tape:\n    pass\n")
        assert isinstance(tape, cst.With) and isinstance(tape.body, cst.IndentedBlock)
        inside = self._watched(gradient_steps) + self._steps(before)
        if train is not None and train.loss_expression is not None:
            inside.append(cst.parse_statement(f"{train.loss} = {syntax.code_of(train.loss_expression)}\n"))
        tape = tape.with_changes(body=tape.body.with_changes(body=inside or [cst.SimpleStatementLine([cst.Pass()])]))
        body: list[cst.BaseStatement] = [tape]
        for step in after:
            assert isinstance(step, model.Statement)
            body.append(self._gradient_statement(step) if step.gradients is not None else self._moved(step))
        if train is not None:
            optimizer = self.optimizer_names[train.name]
            if train.applied is not None:
                lines = f"{optimizer}.apply_gradients({syntax.code_of(train.applied)})\n"
            else:
                var_list = self._var_list_code(train)
                lines = ""
                if not var_list.isidentifier() and "variables" not in self.taken:
                    lines, var_list = f"variables = {var_list}\n", "variables"
                lines += f"gradients = tape.gradient({train.loss}, {var_list})\n"
                if train.name in self.dense_gradients:
                    lines += (
                        "# TF1 adds up the gradients of a row looked up more than once before squaring them.\n"
                        f"gradients = [{tf}.convert_to_tensor(g) if isinstance(g, {tf}.IndexedSlices) else g"
                        " for g in gradients]\n"
                    )
                lines += f"{optimizer}.apply_gradients(zip(gradients, {var_list}))\n"
            if train.global_step is not None:
                lines += f"{syntax.code_of(train.global_step)}.assign_add(1)\n"
            body.extend(cst.parse_module(lines).body)
        return body

    def _nested_tapes(self, function: model.Function, orders: dict[int, int]) -> list[cst.BaseStatement]:
        """Gradients of gradients (`tf.gradients(jacobians[0], [x, y])`): one tape per order,
        each recording the ones inside it, so that the outer one differentiates what the inner
        one computed: `tape` for the first order, `tape_2` around it for the second, ..."""
        levels: dict[int, list[model.Statement]] = {}
        for step in function.steps:
            inner = step.statements if isinstance(step, model.Helper) else [step]
            level = max(orders[id(s)] for s in inner)
            if level and isinstance(step, model.Helper):
                raise Declined(model.UNSUPPORTED_RUN, "gradients computed in code shared by several runs")
            levels.setdefault(level, []).extend(inner)
        body = self._steps([s for s in function.steps if not isinstance(s, model.Statement) or orders[id(s)] == 0])
        for level in range(1, max(levels) + 1):
            name = "tape" if level == 1 else f"tape_{level}"
            steps = levels.get(level, [])
            gradients = [s for s in steps if s.gradients is not None]
            persistent = "persistent=True" if len(gradients) > 1 else ""
            tape = cst.parse_statement(f"with {self.tf}.GradientTape({persistent}) as {name}:\n    pass\n")
            assert isinstance(tape, cst.With) and isinstance(tape.body, cst.IndentedBlock)
            inside = self._watched(gradients, name) + body
            tape = tape.with_changes(body=tape.body.with_changes(body=inside or [cst.SimpleStatementLine([cst.Pass()])]))
            body = [tape]
            body.extend(self._gradient_statement(s, name) for s in gradients)
            body.extend(self._moved(s) for s in steps if s.gradients is None)
        return body

    def _gradient_statement(self, statement: model.Statement, tape: str = "tape") -> cst.BaseStatement:
        """`gv = opt.compute_gradients(loss, vl)` -> pairs from the tape; `g = tf.gradients(loss,
        xs)` -> `g = tape.gradient(loss, xs)`."""
        gradients = statement.gradients
        assert gradients is not None and isinstance(statement.node, cst.SimpleStatementLine)
        targets = self._variables_reaching({gradients.loss}, gradients.targets, gradients.loss)
        if gradients.pairs:
            value = f"list(zip({tape}.gradient({gradients.loss}, {targets}), {targets}))"
        else:
            value = f"{tape}.gradient({gradients.loss}, {targets})"
        line = _strip_blank(statement.node)
        assert isinstance(line, cst.SimpleStatementLine)
        return _replace_value(line, cst.parse_expression(value))

    def _watched(self, gradient_steps: list[model.Statement], tape: str = "tape") -> list[cst.BaseStatement]:
        """Gradients with respect to fed inputs need the tape to watch them (variables it watches)."""
        watched = [
            name
            for s in gradient_steps
            if s.gradients is not None and s.gradients.targets is not None
            for name in syntax.names_in(s.gradients.targets)
            if name in self.plan.placeholders
        ]
        return [cst.parse_statement(f"{tape}.watch({name})\n") for name in dict.fromkeys(watched)]

    # --- call sites --------------------------------------------------------------------
    def call_for(self, site: model.RunSite) -> cst.BaseExpression:
        """The expression that replaces a run site, NumPy values as sess.run gave them."""
        if site.function is None:
            return _numpy_leaves(site.fetches)
        call = self.function_call(site)
        if not self._value_leaves(site.fetches):
            return call
        fetches = site.fetches
        if isinstance(fetches, (cst.List, cst.Tuple, cst.Dict)):
            if any(self.has_op(e) for e in _elements(fetches)):
                return self._ops_first(site, call, fetches)
            return self._numpy(call, _elements(fetches), type(fetches).__name__.lower())
        return self._numpy(call, [fetches], "single")

    def _ops_first(
        self, site: model.RunSite, call: cst.Call, fetches: cst.List | cst.Tuple | cst.Dict
    ) -> cst.BaseExpression:
        """`sess.run([train_op, loss, acc])` used as a value, where TF1 gave None for each op:
        the function returns the values alone (`_returned`), and the structure is built
        around them with None in the ops' places. Only for ops that come first (`[train_op,
        ...]`, `{"train": train_op, ...}`): the values then keep their order."""
        elements = _elements(fetches)
        leading = next(i for i, element in enumerate(elements) if not self._is_op(element))
        values = elements[leading:]
        unpacked = isinstance(fetches, cst.Dict) and len(elements) < len(fetches.elements)  # `**more`
        if unpacked or any(self.has_op(value) for value in values):
            raise Declined(
                model.UNSUPPORTED_RUN, "a training op fetched after a value, inside a structure used as a value", site.call
            )
        none = cst.Name("None")
        if isinstance(fetches, cst.Dict):
            computed = cst.parse_expression(f"{self.tf}.nest.map_structure(lambda t: t.numpy(), {syntax.code_of(call)})")
            ops = [e.with_changes(value=none, comma=cst.MaybeSentinel.DEFAULT) for e in fetches.elements[:leading]]
            return cst.Dict([*ops, cst.StarredDictElement(computed)])
        if len(values) == 1:
            rest: list[cst.BaseElement] = [cst.Element(self._numpy(call, values, "single"))]
        elif any(self._is_structure(value) or isinstance(value, (cst.List, cst.Tuple, cst.Dict)) for value in values):
            computed = cst.parse_expression(f"{self.tf}.nest.map_structure(lambda t: t.numpy(), {syntax.code_of(call)})")
            rest = [cst.StarredElement(computed)]
        else:
            rest = [cst.StarredElement(cst.parse_expression(f"(value.numpy() for value in {syntax.code_of(call)})"))]
        ops_none = [cst.Element(none) for _ in range(leading)]
        return type(fetches)([*ops_none, *rest])

    def has_op(self, fetch: cst.BaseExpression) -> bool:
        if isinstance(fetch, (cst.List, cst.Tuple, cst.Dict)):
            return any(self.has_op(e) for e in _elements(fetch))
        return self._is_op(fetch)

    def sparse_tensor(self, call: cst.Call, dtype: cst.BaseExpression) -> cst.Call:
        """`tf.SparseTensorValue(indices, values, shape)` fed to a sparse placeholder: a
        `tf.SparseTensor` with the values in the placeholder's dtype, which TF1's feed cast
        them to and an input signature does not."""
        func = self.t.tf_expr("SparseTensor")
        if self.t.tf_api(dtype) == "tf.string":
            return call.with_changes(func=func)
        positional = 0
        args: list[cst.Arg] = []
        for arg in call.args:
            if (arg.keyword is None and positional == 1) or (arg.keyword is not None and arg.keyword.value == "values"):
                constant = f"{self.tf}.constant({syntax.code_of(arg.value)}, dtype={syntax.code_of(dtype)})"
                arg = arg.with_changes(value=cst.parse_expression(constant))
            positional += arg.keyword is None
            args.append(arg)
        return call.with_changes(func=func, args=args)

    def static_shape(self, read: cst.BaseExpression, source: model.ShapeSource) -> cst.BaseExpression:
        """TF1's static shape as a TensorShape: a placeholder's declared shape, or the output
        shape of the function computing the tensor, traced for its input signature as TF1
        built it."""
        origin = source.origin
        if isinstance(origin, model.Placeholder):
            shape = syntax.code_of(origin.shape) if origin.shape is not None else "None"
            if source.as_text and not _fully_known(origin.shape):
                self.t.report(read, SHAPE_AS_TEXT_NOTE, code=SHAPE_AS_TEXT, severity=Severity.INFO)
            return cst.parse_expression(f"{self.tf}.TensorShape({shape})")
        if source.as_text:
            self.t.report(read, SHAPE_AS_TEXT_NOTE, code=SHAPE_AS_TEXT, severity=Severity.INFO)
        # Without an input signature (it takes an iterator's element), it is traced for the
        # dataset's element spec and the placeholders' declared shapes.
        args = ", ".join(self._traced_for(p) for p in origin.params) if any(p.iterator for p in origin.params) else ""
        return cst.parse_expression(f"{origin.name}.get_concrete_function({args}).structured_outputs{source.path}.shape")

    def _traced_for(self, param: model.Placeholder) -> str:
        """What a function taking `param` is traced for, as static_shapes checked it can be."""
        if param.iterator:
            dataset = self.plan.iterators[param.name]
            assert dataset is not None
            return f"{syntax.code_of(dataset)}.element_spec"
        assert param.dtype is not None
        shape = syntax.code_of(param.shape) if param.shape is not None else "None"
        return f"{self.tf}.TensorSpec(shape={shape}, dtype={syntax.code_of(param.dtype)})"

    def destructure(self, site: model.RunSite, target: cst.BaseExpression) -> cst.Assign | None:
        """`_, l = sess.run([train_op, loss])` becomes `l = train_step(...).numpy()`."""
        if site.function is None or not isinstance(site.fetches, (cst.List, cst.Tuple)):
            return None
        if not isinstance(target, (cst.Tuple, cst.List)) or len(target.elements) != len(site.fetches.elements):
            return None
        kept: list[cst.BaseExpression] = []
        fetched: list[cst.BaseExpression] = []
        for element, fetch in zip(target.elements, site.fetches.elements):
            if self._is_op(fetch.value):
                if not (isinstance(element.value, cst.Name) and element.value.value == "_"):
                    raise Declined(model.UNSUPPORTED_RUN, "the result of a training op is kept", site.call)
                continue
            kept.append(element.value)
            fetched.append(fetch.value)
        if not kept:
            return None
        call = self.function_call(site)
        if len(kept) == 1:
            single = kept[0]
            assert isinstance(single, cst.BaseAssignTargetExpression)
            return cst.Assign([cst.AssignTarget(single)], self._numpy(call, fetched, "single"))
        new_target = target.with_changes(elements=[cst.Element(v) for v in kept])
        return cst.Assign([cst.AssignTarget(new_target)], self._numpy(call, fetched, "list"))

    def _numpy(self, call: cst.Call, fetched: list[cst.BaseExpression], shape: str) -> cst.BaseExpression:
        """`call` converted to NumPy values: `.numpy()` for one tensor, a comprehension for a
        flat list or tuple (`shape`), `tf.nest.map_structure` for a dict or anything nested."""
        if shape == "dict" or any(self._is_structure(value) for value in fetched):
            return cst.parse_expression(f"{self.tf}.nest.map_structure(lambda t: t.numpy(), {syntax.code_of(call)})")
        if shape == "single":
            return _dot_numpy(call)
        if shape == "tuple":
            return cst.parse_expression(f"tuple(value.numpy() for value in {syntax.code_of(call)})")
        return cst.parse_expression(f"[value.numpy() for value in {syntax.code_of(call)}]")

    def _is_structure(self, fetch: cst.BaseExpression) -> bool:
        if graph_statements.gives_structure(fetch, self.t.tf_api):
            return True  # `sess.run(tf.self_adjoint_eig(d))` fetched a tuple
        return isinstance(fetch, cst.Name) and (
            fetch.value in self.plan.structured or fetch.value in self.plan.merged
        )

    def function_call(self, site: model.RunSite) -> cst.Call:
        assert site.function is not None
        fed = dict(site.feeds)
        args = []
        for p in site.function.params:
            value = fed.get(p.name, p.default)
            assert value is not None
            if p.iterator:  # read before the call: see migrate.analysis.iterator_elements
                value = cst.Call(cst.Attribute(value, cst.Name("get_next")))
            args.append(cst.Arg(value))
        return cst.Call(cst.Name(site.function.name), args=args)

    def _is_op(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Name) and node.value in self.plan.ops

    def _value_leaves(self, fetches: cst.BaseExpression) -> list[cst.BaseExpression]:
        if isinstance(fetches, (cst.List, cst.Tuple, cst.Dict)):
            return [leaf for e in _elements(fetches) for leaf in self._value_leaves(e)]
        return [] if self._is_op(fetches) else [fetches]


def _without_unused_framework_ops(body: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """`body` without `from tensorflow.python.framework import ops` once nothing reads `ops`:
    its `ops.reset_default_graph()` calls went with the sessions. (libcst's RemoveImportsVisitor
    would do this with scope metadata for the whole tree, most of a file's rewrite time.)"""
    imports = [i for i, statement in enumerate(body) if _imports_framework_ops(statement)]
    if len(imports) != 1 or any("ops" in syntax.names_in(s) for i, s in enumerate(body) if i != imports[0]):
        return list(body)
    statement = body[imports[0]]
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
    kept = [alias for alias in small.names if not _is_ops(alias)]
    out = list(body)
    if kept:
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        out[imports[0]] = statement.with_changes(body=[small.with_changes(names=kept)])
    else:
        del out[imports[0]]
        if imports[0] < len(out):  # the next statement keeps the import's leading comments
            following = out[imports[0]]
            lines = [*syntax.leading_lines(statement), *syntax.leading_lines(following)]
            out[imports[0]] = syntax.with_leading_lines(following, lines)
    return out


def _imports_framework_ops(statement: cst.BaseStatement) -> bool:
    """A line that is only `from tensorflow.python.framework import ..., ops, ...`."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    return (
        isinstance(small, cst.ImportFrom)
        and small.module is not None
        and syntax.code_of(small.module) == "tensorflow.python.framework"
        and not isinstance(small.names, cst.ImportStar)
        and any(_is_ops(alias) for alias in small.names)
    )


def _is_ops(alias: cst.ImportAlias) -> bool:
    return isinstance(alias.name, cst.Name) and alias.name.value == "ops" and alias.asname is None


def _elements(node: cst.List | cst.Tuple | cst.Dict) -> list[cst.BaseExpression]:
    if isinstance(node, cst.Dict):
        return [e.value for e in node.elements if isinstance(e, cst.DictElement)]
    return [e.value for e in node.elements]


def _returned(fetches: cst.BaseExpression, plan: model.ScopePlan) -> cst.BaseExpression | None:
    """What a generated function returns: the fetches without the training ops, and the values
    a merged summary op collects in place of its serialized summary."""
    def is_op(node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Name) and node.value in plan.ops

    fetches = _SummaryValues(plan).expand(fetches)

    if isinstance(fetches, (cst.List, cst.Tuple)):
        values = [e.value for e in fetches.elements if not is_op(e.value)]
        if not values:
            return None
        if len(values) == 1 and len(fetches.elements) > 1:
            return values[0]
        if isinstance(fetches, cst.List) and len(values) == len(fetches.elements):
            return cst.List([cst.Element(v) for v in values])  # sess.run gave a list back
        return cst.Tuple([cst.Element(v) for v in values], lpar=[], rpar=[])
    if isinstance(fetches, cst.Dict):
        kept = [e for e in fetches.elements if not (isinstance(e, cst.DictElement) and is_op(e.value))]
        if not kept:
            return None
        if len(kept) < len(fetches.elements):
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return fetches.with_changes(elements=kept)
        return fetches
    if is_op(fetches):
        return None
    return fetches


class _SummaryValues(cst.CSTTransformer):
    def __init__(self, plan: model.ScopePlan) -> None:
        self.plan = plan

    def expand(self, fetches: cst.BaseExpression) -> cst.BaseExpression:
        result = fetches.visit(self)
        assert isinstance(result, cst.BaseExpression)
        return result

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        summaries = self.plan.summary_groups.get(updated_node.value)
        if summaries is None:
            return updated_node
        return cst.Tuple([cst.Element(s.value) for s in summaries] or [])


def _gradient_orders(statements: Sequence[model.Statement]) -> dict[int, int]:
    """How many gradient computations each statement's value went through: 0 for the forward
    pass, 1 for `tf.gradients(f, xs)` and what is computed from it, 2 for a gradient of that."""
    orders: dict[int, int] = {}
    by_name: dict[str, int] = {}
    for statement in statements:
        upstream = max((by_name[name] for name in statement.uses if name in by_name), default=0)
        order = upstream + 1 if statement.gradients is not None else upstream
        orders[id(statement)] = order
        by_name.update(dict.fromkeys(statement.defines, order))
    return orders


def _fully_known(shape: cst.BaseExpression | None) -> bool:
    """A declared shape of integer literals only: written out, TF1 and TF 2 give the same text."""
    return isinstance(shape, (cst.List, cst.Tuple)) and all(
        isinstance(element.value, cst.Integer) for element in shape.elements
    )


def _dot_numpy(node: cst.BaseExpression) -> cst.Call:
    return cst.Call(cst.Attribute(node, cst.Name("numpy")))


def _numpy_leaves(fetches: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(fetches, (cst.List, cst.Tuple)):
        return fetches.with_changes(elements=[e.with_changes(value=_numpy_leaves(e.value)) for e in fetches.elements])
    if isinstance(fetches, cst.Dict):
        return fetches.with_changes(
            elements=[e.with_changes(value=_numpy_leaves(e.value)) if isinstance(e, cst.DictElement) else e for e in fetches.elements]
        )
    return _dot_numpy(fetches)


def _replace_value(line: cst.SimpleStatementLine, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    small = line.body[0]
    assert isinstance(small, cst.Assign)
    return line.with_changes(body=[small.with_changes(value=value)])


def _variable_refs(name: str, statement: model.Statement) -> str:
    """How a variable statement's variables appear in a var_list: `W`, `*weights.values()`."""
    assert statement.holds is not None
    return {
        model.Holding.VARIABLE: name,
        model.Holding.DICT: f"*{name}.values()",
        model.Holding.SEQUENCE: f"*{name}",
        model.Holding.MODULE: f"*{name}.trainable_variables",
        model.Holding.GLOBAL_STEP: name,
    }[statement.holds]


def _tidy(lines: Sequence[cst.EmptyLine], most_blank: int) -> list[cst.EmptyLine]:
    """Lines gathered from removed statements, without runs of more blank lines than PEP 8's."""
    tidy: list[cst.EmptyLine] = []
    blanks = 0
    for line in lines:
        blanks = blanks + 1 if line.comment is None else 0
        if blanks <= most_blank:
            tidy.append(line)
    return tidy


def _strip_blank(statement: cst.BaseStatement) -> cst.BaseStatement:
    """Moved statements keep their comments but not the blank lines that separated them."""
    lines = list(syntax.leading_lines(statement))
    while lines and lines[0].comment is None:
        lines.pop(0)
    return syntax.with_leading_lines(statement, lines)


class _ThreadPlaceholders(cst.CSTTransformer):
    """Adds the placeholders a module function reads to its parameters and to its calls."""

    def __init__(self, threaded: dict[str, tuple[str, ...]]) -> None:
        self.threaded = threaded

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        extra = self.threaded.get(updated_node.name.value, ())
        if not extra:
            return updated_node
        params = [*updated_node.params.params, *(cst.Param(cst.Name(name)) for name in extra)]
        return updated_node.with_changes(params=updated_node.params.with_changes(params=params))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        func = updated_node.func
        extra = self.threaded.get(func.value, ()) if isinstance(func, cst.Name) else ()
        if not extra:
            return updated_node
        args = list(updated_node.args)
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        args.extend(keyword_arg(name, cst.Name(name)) for name in extra)
        return updated_node.with_changes(args=args)


def _iterator_over(dataset: cst.BaseExpression) -> cst.Call:
    """`iter(dataset)`: a TF 2 iterator over what a TF1 iterator ran over."""
    return cst.Call(cst.Name("iter"), [cst.Arg(dataset)])


def _thread(node: cst.BaseStatement, threaded: dict[str, tuple[str, ...]]) -> cst.BaseStatement:
    result = node.visit(_ThreadPlaceholders(threaded))
    assert isinstance(result, cst.BaseStatement)
    return result


class _SiteReplacer(cst.CSTTransformer):
    def __init__(self, sites: dict[int, model.RunSite], writer: _ScopeWriter) -> None:
        self.sites = sites
        self.writer = writer
        self.assignments: dict[int, cst.Assign] = {}  # destructuring assignments rewritten whole
        self.restarted: set[int] = set()  # iterator initializer runs made a new iterator
        self.discarded: set[int] = set()  # runs of ops and values on lines of their own

    def visit_Call(self, node: cst.Call) -> bool:
        return id(node) not in self.sites

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        helper = self.writer.plan.feed_helpers.get(func.value) if isinstance(func, cst.Name) else None
        if helper is not None and helper.dropped_args:
            # The placeholders it was passed for its keys are gone: their names key its dict.
            kept = [
                arg
                for original, arg in zip(original_node.args, updated_node.args, strict=True)
                if id(original) not in helper.dropped_args
            ]
            return updated_node.with_changes(args=syntax.without_last_comma(kept))
        group = self.writer.plan.summary_writes.get(id(original_node))
        if group is not None:
            return self.writer.summary_write(updated_node, group)
        logdir = self.writer.plan.writer_calls.get(id(original_node))
        if logdir is not None:
            return cst.Call(self.writer.t.tf_expr("summary.create_file_writer"), [cst.Arg(logdir)])
        dtype = self.writer.plan.sparse_values.get(id(original_node))
        if dtype is not None:
            return self.writer.sparse_tensor(updated_node, dtype)
        shape_source = self.writer.plan.static_shapes.get(id(original_node))
        if shape_source is not None:
            return self.writer.static_shape(original_node, shape_source)
        site = self.sites.get(id(original_node))
        if site is None:
            return updated_node
        replaced = self.writer.function_call(site) if id(original_node) in self.discarded else self.writer.call_for(site)
        if not self.writer.plan.sparse_values:
            return replaced
        with_tensors = replaced.visit(_SparseValues(self.writer))  # the feeds, inside the call
        assert isinstance(with_tensors, cst.BaseExpression)
        return with_tensors

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        shape_source = self.writer.plan.static_shapes.get(id(original_node))
        if shape_source is not None:
            return self.writer.static_shape(original_node, shape_source)
        return updated_node

    def visit_Assign(self, node: cst.Assign) -> bool:
        site = self.sites.get(id(node.value))
        if site is None or len(node.targets) != 1:
            return True
        replacement = self.writer.destructure(site, node.targets[0].target)
        if replacement is None:
            return True
        self.assignments[id(node)] = replacement
        return False

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.BaseSmallStatement:
        return self.assignments.get(id(original_node), updated_node)

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.Dict:
        if id(original_node) not in self.writer.plan.feed_dict_nodes:
            return updated_node
        # A feed dict keeps its shape, keyed by placeholder names: runs read their arguments
        # from it. A feed helper's key may be a parameter, which stood for the placeholder passed.
        renamed = {key: name for helper in self.writer.plan.feed_helpers.values() for key, name in helper.renamed.items()}
        elements = []
        for original, element in zip(original_node.elements, updated_node.elements, strict=True):
            if isinstance(original, cst.DictElement) and isinstance(original.key, cst.Name):
                key = renamed.get(id(original.key), original.key.value)
                element = element.with_changes(key=cst.SimpleString(f'"{key}"'))
            elements.append(element)
        return updated_node.with_changes(elements=elements)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        helper = self.writer.plan.feed_helpers.get(original_node.name.value)
        if helper is None or helper.function is not original_node or not helper.dropped:
            return updated_node
        params = updated_node.params
        kept = [p for p in params.params if p.name.value not in helper.dropped]
        return updated_node.with_changes(params=params.with_changes(params=syntax.without_last_comma(kept)))

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine] | cst.RemovalSentinel:
        if not updated_node.body:
            return cst.RemoveFromParent()
        helper = self.writer.plan.hoisted_feeds.get(id(original_node))
        if helper is None:
            return updated_node
        # `feed = fill(True)` on a line of its own, which the run's arguments read.
        call = helper.visit(self)
        assert isinstance(call, cst.BaseExpression)
        feed = cst.Assign([cst.AssignTarget(cst.Name(self.writer.plan.feed_name))], call)
        return cst.FlattenSentinel(
            [
                cst.SimpleStatementLine([feed], leading_lines=updated_node.leading_lines),
                updated_node.with_changes(leading_lines=[]),
            ]
        )

    def leave_Expr(
        self, original_node: cst.Expr, updated_node: cst.Expr
    ) -> cst.BaseSmallStatement | cst.RemovalSentinel:
        call = original_node.value
        if isinstance(call, cst.Call) and id(call) in self.writer.init_calls:
            return cst.RemoveFromParent()
        if isinstance(call, cst.Call) and id(call) in self.writer.plan.restarts:
            # The iterator starts over: TF 2 makes a new one over the same dataset.
            self.restarted.add(id(call))
            # No function stands for it: the harness must not pair it with a run a line above.
            self.writer.t.record_run_site(call, "")
            iterator, dataset = self.writer.plan.restarts[id(call)]
            return cst.Assign([cst.AssignTarget(cst.Name(iterator))], _iterator_over(dataset))
        return updated_node

    def visit_Expr(self, node: cst.Expr) -> None:
        site = self.sites.get(id(node.value))
        if site is not None and site.function is not None and self.writer.has_op(site.fetches):
            # `sess.run([train_op, loss])` on a line of its own: what it gave is not kept.
            self.discarded.add(id(node.value))


class _SparseValues(cst.CSTTransformer):
    """The `tf.SparseTensorValue(...)` calls fed to sparse placeholders, as `tf.SparseTensor`s."""

    def __init__(self, writer: _ScopeWriter) -> None:
        self.writer = writer

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        dtype = self.writer.plan.sparse_values.get(id(original_node))
        return updated_node if dtype is None else self.writer.sparse_tensor(updated_node, dtype)


def _replace_sites(
    statement: cst.BaseStatement, sites: dict[int, model.RunSite], writer: _ScopeWriter
) -> list[cst.BaseStatement]:
    """The statement with its runs replaced: none if it went, two for a run whose feed helper's
    call goes on a line before it."""
    replacer = _SiteReplacer(sites, writer)
    result = statement.visit(replacer)
    for call in syntax.calls_in(statement):
        if id(call) in writer.plan.restarts and id(call) not in replacer.restarted:
            raise Declined(model.STATEFUL_INPUT, "an iterator started inside an expression", call)
    if isinstance(result, cst.RemovalSentinel):
        return []
    if isinstance(result, cst.FlattenSentinel):
        return list(result.nodes)
    return [result]
