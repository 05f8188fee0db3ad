"""TFM501: `tf.train.Saver` becomes `tf.train.Checkpoint`, keyed by the TF1 variable names.

`saver = tf.train.Saver()` becomes a `tf.train.Checkpoint` of every variable the scope creates,
each under the name TF1 gave it (`"layer/w"`), so the names survive and `tf-migrate checkpoint
convert` can turn a TF1 checkpoint into one the program reads. `saver.save(sess, path)` becomes
`checkpoint.write(path)`, the same file prefix TF1 wrote, and `saver.restore(sess, path)` becomes
a `read` that fails, as TF1's restore did, when a variable is missing from the file. A save with
a global step goes through a `tf.train.CheckpointManager` of the save path's directory: it writes
`path-<step>`, records it in the directory's `checkpoint` state file (which
`tf.train.latest_checkpoint` and `get_checkpoint_state` read) and deletes all but the last
`max_to_keep`, as TF1's Saver did. A save without a step writes the file only (TFM505); where the
program reads the checkpoint state itself, the Saver is declined.

The variables must be plain `tf.Variable`s whose TF1 names can be told
(migrate.analysis.variable_names: their name scopes, and TF1's numbering, `Variable`,
`Variable_1`, of unnamed ones), the global step of `tf.train.get_or_create_global_step()`
("global_step", which TF1's Saver saved too), the attributes of tf.Module subclasses of the
file as the variables rule (TFM301) writes them, or be held by an object the Checkpoint saves
whole under its TF1 name: a Keras layer the layer rule (TFM311) wrote (`"hidden1":
hidden1_layer`), an RNN layer the RNN rule (TFM321) wrote (`"rnn": rnn`), or an instance of a
function made at each call (TFM301, TFM331: `"dnn/hidden1": dnn_hidden1`, its class defined in
the module or in the scope). Those objects make their variables at their first call; a
Checkpoint of the object writes them once made and restores them when made. So a save that
can come before the session first runs anything is declined when the Checkpoint holds such an
object: TF1's Saver saved its variables from the start. Any other call of a function or class
of the file that makes variables (a factory, `v = make()`) keeps the Saver too: its Checkpoint
would leave them out. The rule runs after the layer rules, so it reads the layers as they were
written.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar, cast

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor

from migrate.analysis import syntax, walk
from migrate.analysis.call_arguments import UnknownKeywords, values_or_declined
from migrate.analysis.declined import Declined
from migrate.analysis.graph_model import GLOBAL_STEP_MAKERS, INITIALIZER_APIS
from migrate.analysis.graph_segments import graph_generations
from migrate.analysis.graph_statements import VARIABLE_NAME_POSITION, factory_variable
from migrate.analysis.keras_weights import LAYER_WEIGHTS, WEIGHTLESS_LAYERS, rnn_cell_of
from migrate.analysis.rnn_cells import is_rnn_api
from migrate.analysis.variable_names import tf1_variable_names
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform
from migrate.transforms.contrib_table import makes_no_variables
from migrate.transforms.layers import LAYER_SCOPES_KEY

UNTRACKED_VARIABLES = "TFM502"
SLOTS_NOT_SAVED = "TFM503"
UNSUPPORTED_SAVER = "TFM504"
STATE_NOT_RECORDED = "TFM505"

SAVER = "tf.train.Saver"
# tf.train.Saver(var_list=None, reshape=False, sharded=False, max_to_keep=5, ...)
SAVER_PARAMS = ("var_list", "reshape", "sharded", "max_to_keep", "keep_checkpoint_every_n_hours")
SAVER_ARGS_DROPPED = frozenset({"max_to_keep", "keep_checkpoint_every_n_hours", "sharded"})
TF1_MAX_TO_KEEP = "5"
GLOBAL_STEP_NAME = "global_step"  # the variable tf.train.get_or_create_global_step() made
# Calls that read a directory's checkpoint state file, which TF1's Saver.save updated.
STATE_READERS = ("tf.train.latest_checkpoint", "tf.train.get_checkpoint_state", "tf.train.checkpoint_exists")
# Saver.save(sess, save_path, global_step=None, latest_filename=None, meta_graph_suffix="meta",
# write_meta_graph=True, write_state=True, strip_default_attrs=False, save_debug_info=False)
SAVE_PARAMS = (
    "sess",
    "save_path",
    "global_step",
    "latest_filename",
    "meta_graph_suffix",
    "write_meta_graph",
    "write_state",
)
SAVE_ARGS_DROPPED = frozenset({"write_meta_graph", "meta_graph_suffix", "write_state"})
RESTORE_PARAMS = ("sess", "save_path")


def saves_every_variable(t: MigrationTransform, var_list: cst.BaseExpression) -> bool:
    """`tf.global_variables()` (or `tf.all_variables()`) as a Saver's var_list: every variable."""
    return (
        isinstance(var_list, cst.Call)
        and not var_list.args
        and t.tf_api(var_list.func) in ("tf.global_variables", "tf.all_variables")
    )


def _bind(call: cst.Call, params: Sequence[str]) -> dict[str, cst.BaseExpression]:
    # Keywords beyond `params` are bound: the callers decline each one they do not convert.
    return values_or_declined(
        call,
        params,
        unknown_keywords=UnknownKeywords.BIND,
        code=UNSUPPORTED_SAVER,
        reason="arguments this rule cannot bind",
    )


def _assignments(statement: cst.CSTNode, *, self_attributes: bool = False) -> list[cst.Assign]:
    """`name = call(...)` assignments in a tree (`self.name = call(...)` with `self_attributes`)."""
    found: list[cst.Assign] = []
    for node in syntax.nodes_of(statement, cst.Assign):
        assert isinstance(node, cst.Assign)
        if len(node.targets) != 1 or not isinstance(node.value, cst.Call):
            continue
        target = node.targets[0].target
        if self_attributes:
            if isinstance(target, cst.Attribute) and m.matches(target.value, m.Name("self")):
                found.append(node)
        elif isinstance(target, cst.Name):
            found.append(node)
    return found


class SaverToCheckpoint(MigrationTransform):
    CODE = "TFM501"
    EAGER_ONLY = True
    DESCRIPTION = "tf.train.Saver save/restore become tf.train.Checkpoint write/read keyed by TF1 names"
    DECLINE_FINDINGS = frozenset({UNTRACKED_VARIABLES, UNSUPPORTED_SAVER})
    FINDINGS: ClassVar[dict[str, str]] = {
        UNTRACKED_VARIABLES: "a Saver next to variables without a static name: left as tf.compat.v1",
        SLOTS_NOT_SAVED: "the checkpoint holds the model variables, not the optimizer's slot variables",
        UNSUPPORTED_SAVER: "a Saver used in a form this rule does not convert: left as tf.compat.v1",
        STATE_NOT_RECORDED: "a save without a step writes the checkpoint, not the directory's checkpoint state",
    }
    TRIGGERS = ("Saver",)
    EXAMPLES = (
        Example(
            name="save-and-restore",
            before=(
                "import tensorflow as tf\n"
                "\n"
                'w = tf.Variable(1.0, name="w")\n'
                "saver = tf.train.Saver()\n"
                "with tf.Session() as sess:\n"
                '    saver.save(sess, "/tmp/model")\n'
                '    saver.restore(sess, "/tmp/model")\n'
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                'w = tf.Variable(1.0, name="w")\n'
                'saver = tf.train.Checkpoint(**{"w": w})\n'
                "with tf.Session() as sess:\n"
                '    saver.write("/tmp/model")\n'
                '    saver.read("/tmp/model").assert_existing_objects_matched()\n'
            ),
        ),
        Example(
            name="unnamed-variables-keyed-as-tf1-numbered-them",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "w = tf.Variable(1.0)\n"
                "b = tf.Variable(2.0)\n"
                "saver = tf.train.Saver()\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "w = tf.Variable(1.0)\n"
                "b = tf.Variable(2.0)\n"
                'saver = tf.train.Checkpoint(**{"Variable": w, "Variable_1": b})\n'
            ),
        ),
        Example(
            name="variable-named-at-run-time",
            before=(
                "import tensorflow as tf\n"
                "\n"
                'w = tf.Variable(1.0, name=prefix + "w")\n'
                "saver = tf.train.Saver()\n"
            ),
        ),
    )

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        classes = self._module_classes(original_node.body)
        self._module_body: Sequence[cst.BaseStatement] = original_node.body
        self._reads_state = any(api in STATE_READERS for api, _ in syntax.tf_apis_in(original_node, self.tf_api))
        body: list[cst.BaseStatement] = list(original_node.body)
        changed = False
        top = self._scope(body, classes)
        if top is not None:
            body, changed = top, True
        out: list[cst.BaseStatement] = []
        for statement in body:
            if isinstance(statement, cst.FunctionDef) and isinstance(statement.body, cst.IndentedBlock):
                before = self._made_before(statement.name.value, original_node.body, classes)
                inner = self._scope(list(statement.body.body), classes, before)
                if inner is not None:
                    statement = statement.with_changes(body=statement.body.with_changes(body=inner))
                    changed = True
            out.append(statement)
        return updated_node.with_changes(body=out) if changed else updated_node

    def _module_classes(self, body: Sequence[cst.BaseStatement]) -> dict[str, _ModuleClass]:
        """tf.Module subclasses defined in `body`, with the names of the variables they hold."""
        found: dict[str, _ModuleClass] = {}
        for statement in body:
            if not isinstance(statement, cst.ClassDef):
                continue
            if not any(self.tf_api(base.value) == "tf.Module" for base in statement.bases):
                continue
            pairs: list[tuple[str, str]] = []
            suffixes: list[tuple[str, str]] = []
            called: set[str] = set()  # parameters of `__call__` that name the variables' scope
            call_method = next(
                (s for s in statement.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__call__"),
                None,
            )
            call_params = [p.name.value for p in call_method.params.params[1:]] if call_method is not None else []
            init = next(
                (s for s in statement.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"),
                None,
            )
            made_at_init = {id(a) for a in _assignments(init, self_attributes=True)} if init is not None else set()
            lazy = False
            problem = None
            for assign in _assignments(statement, self_attributes=True):
                assert isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Call)
                target = assign.targets[0].target
                assert isinstance(target, cst.Attribute)
                api = self.tf_api(assign.value.func)
                if api is not None and api.startswith(("tf.keras.layers.", "tf.layers.", "tf.contrib.")):
                    problem = f"class {statement.name.value} holds layers whose variables this rule cannot name"
                if api != "tf.Variable":
                    continue
                name_node = syntax.call_argument(assign.value, VARIABLE_NAME_POSITION, "name")
                name = syntax.string_literal(name_node)
                suffix = _scope_suffix(name_node)
                parameter = _naming_parameter(name_node, call_params)
                if name is not None:
                    pairs.append((name, target.attr.value))
                    lazy = lazy or id(assign) not in made_at_init
                elif suffix is not None:
                    suffixes.append((suffix, target.attr.value))
                elif parameter is not None:
                    called.add(parameter)
                else:
                    problem = f"class {statement.name.value} names its variables at each call"
            if sum(map(bool, (pairs, suffixes, called))) > 1 or len(called) > 1:
                problem = f"class {statement.name.value} names its variables in more than one way"
            if suffixes and not _takes_scope(statement):
                problem = f"class {statement.name.value} reads a scope it is not given"
            if lazy and not suffixes and not called:
                # TFM331's class of a function called once: its `self.hidden1_weights` do not exist
                # before the instance's first call, which comes after the Saver is made.
                problem = f"class {statement.name.value} makes its variables at its first call, after the Saver"
            found[statement.name.value] = _ModuleClass(
                pairs,
                scoped=bool(suffixes),
                problem=problem,
                called_scope=(call_params.index(next(iter(called))), next(iter(called))) if called else None,
            )
        return found

    def _made_before(
        self, function: str, module_body: Sequence[cst.BaseStatement], classes: dict[str, _ModuleClass]
    ) -> Callable[[], list[_Made]]:
        """What the module's own statements made before it called `function` (the first
        statement naming it or a function calling it; all of them when none does), as that
        function's Savers find it: TF1 made it in the default graph, which the Saver took whole.
        A layer is saved whole, as at module level (the layer rules move a function's layers
        there, to be made once); any other variable keeps the Saver, since TF1 numbered its name
        with the function's. Worked out only when the function makes a Saver."""

        def made() -> list[_Made]:
            # The function, and the module's functions that call it, themselves or through another.
            callers = {function}
            definitions = [s for s in module_body if isinstance(s, cst.FunctionDef)]
            while grown := {d.name.value for d in definitions if syntax.names_in(d) & callers} - callers:
                callers |= grown
            calls = (
                index
                for index, statement in enumerate(module_body)
                if not isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and syntax.names_in(statement) & callers
            )
            first = next(calls, len(module_body))
            found: list[_Made] = []
            for made in self._variables(list(module_body), classes):
                if made.position[0] >= first:
                    continue
                if made.lazy and made.name is not None and made.problem is None:
                    found.append(replace(made, position=(-1, len(found))))
                else:
                    why = made.problem or ("variables made at module level, which TF1's Saver saved too", None)
                    found.append(_Made(None, "", (-1, len(found)), why))
            return found

        return made

    def _scope(
        self,
        body: list[cst.BaseStatement],
        classes: dict[str, _ModuleClass],
        made_before: Callable[[], list[_Made]] = list,
    ) -> list[cst.BaseStatement] | None:
        savers: list[tuple[cst.Assign, str, _Position]] = []  # (assignment, name, where it is)
        for index, statement in enumerate(body):
            if isinstance(statement, cst.FunctionDef):
                continue  # a function's savers belong to its own scope
            order = _order_in(statement)
            for assign in _assignments(statement):
                assert isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Call)
                if self.tf_api(assign.value.func) == SAVER:
                    target = assign.targets[0].target
                    assert isinstance(target, cst.Name)
                    savers.append((assign, target.value, (index, order[id(assign)])))
        if not savers or any(self.is_suppressed_at(s) for s in body):
            return None
        try:
            # A function's own classes too: a layer function defined in `main` became one there.
            variables = [*made_before(), *self._variables(body, {**classes, **self._module_classes(body)})]
            generations = graph_generations(body, self.tf_api)
            rewriter = _SaverRewriter(
                self,
                {id(a): (a, n, i) for a, n, i in savers},
                variables,
                [generations[id(statement)] for statement in body],
                _saver_parameters(body, {name for _, name, _ in savers}),
                reads_state=self._reads_state,
                early_saves=self._early_saves(body),
            )
            # A statement that names no saver has nothing for the rewriter.
            out = [
                walk.transform(s, rewriter, code_only=True) if syntax.names_in(s) & rewriter.names else s for s in body
            ]
            kept = [s for s in out if isinstance(s, cst.BaseStatement)]
            for name in rewriter.names:
                uses = sum(
                    1 for s in kept for n in syntax.nodes_of(s, cst.Name) if isinstance(n, cst.Name) and n.value == name
                )
                if uses != rewriter.handled[name]:
                    raise Declined(
                        UNSUPPORTED_SAVER, f"the saver `{name}` is used other than to save and restore", savers[0][0]
                    )
        except Declined as declined:
            self.report(declined.node or savers[0][0], f"{declined.message}; left as tf.compat.v1", code=declined.code)
            return None
        for line in rewriter.unrecorded:
            self.report(
                line,
                "this save writes the checkpoint but not the directory's `checkpoint` state, which TF1's Saver "
                "updated: tf.train.latest_checkpoint does not see it",
                code=STATE_NOT_RECORDED,
                severity=Severity.INFO,
            )
        if any(self._saves_every_variable(assign.value) for assign, _, _ in savers) and self._has_optimizer(body):
            self.report(
                savers[0][0],
                "optimizer slot variables are not in the checkpoint",
                code=SLOTS_NOT_SAVED,
                severity=Severity.INFO,
            )
        return kept

    def _early_saves(self, body: Sequence[cst.BaseStatement]) -> set[int]:
        """`x.save(...)` calls (by identity) that no session run precedes in the code of their
        function (or of the scope): `sess.run(...)` or `t.eval(...)`, an initializer's run
        aside. Only a run calls the layers whose variables a save must find."""
        initializers = {
            assign.targets[0].target.value
            for statement in body
            for assign in _assignments(statement)
            if isinstance(assign.targets[0].target, cst.Name)
            and isinstance(assign.value, cst.Call)
            and self.tf_api(assign.value.func) in INITIALIZER_APIS
        }

        def initializer(node: cst.BaseExpression) -> bool:
            if isinstance(node, cst.Name):
                return node.value in initializers
            return isinstance(node, cst.Call) and self.tf_api(node.func) in INITIALIZER_APIS

        early: set[int] = set()

        def visit(node: cst.CSTNode, ran: bool) -> bool:
            if isinstance(node, (cst.FunctionDef, cst.Lambda)):
                for child in node.children:
                    visit(child, False)
                return ran
            for child in node.children:
                ran = visit(child, ran)
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
                method = node.func.attr.value
                if method == "save" and not ran:
                    early.add(id(node))
                elif method == "eval" or (method == "run" and not (node.args and initializer(node.args[0].value))):
                    ran = True
            return ran

        ran = False
        for statement in body:
            ran = visit(statement, ran)
        return early

    def _saves_every_variable(self, saver: cst.BaseExpression) -> bool:
        """Whether a `tf.train.Saver(...)` call saves every global variable, optimizer slots
        included: no var_list, or `tf.global_variables()`. An explicit list saves only those."""
        assert isinstance(saver, cst.Call)
        var_list = _bind(saver, SAVER_PARAMS).get("var_list")
        return var_list is None or m.matches(var_list, m.Name("None")) or saves_every_variable(self, var_list)

    def _has_optimizer(self, body: list[cst.BaseStatement]) -> bool:
        """Whether the scope makes an optimizer that keeps slot variables, TF1's Saver saved
        with the model (`tf.train.AdamOptimizer(lr).minimize(loss)` reads as one chain)."""
        return any(_keeps_slots(api) for s in body for api, _ in syntax.tf_apis_in(s, self.tf_api))

    def _variable_makers(self, definitions: Sequence[cst.BaseStatement]) -> frozenset[str]:
        """The functions and classes of `definitions` that make variables when called, in
        their own code or through another of them."""
        defined = {s.name.value: s for s in definitions if isinstance(s, (cst.FunctionDef, cst.ClassDef))}
        making = {
            name
            for name, node in defined.items()
            if any(self._makes_variable(api) for api, _ in syntax.tf_apis_in(node, self.tf_api))
        }
        changed = True
        while changed:
            changed = False
            for name, node in defined.items():
                if name not in making and syntax.names_in(node) & making:
                    making.add(name)
                    changed = True
        return frozenset(making)

    def _makes_variable(self, api: str) -> bool:
        return (
            api in ("tf.Variable", "tf.get_variable", "tf.variable_scope")
            or api in GLOBAL_STEP_MAKERS
            or is_rnn_api(api)
            or (api.startswith(("tf.layers", "tf.keras.layers", "tf.contrib")) and not makes_no_variables(api))
        )

    def _keras_layers(self, statement: cst.BaseStatement) -> dict[int, str | None]:
        """`name = tf.keras.layers.Dense(..., name="hidden1")` lines, as the layer rule (TFM311)
        writes them: the id of each class reference -> the layer's TF1 name (None for a layer
        holding no variable). A Checkpoint holds such a layer whole: its variables, made at its
        first call, are saved once made and restored when made."""
        found: dict[int, str | None] = {}
        for assign in _assignments(statement):
            assert isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Call)
            api = self.tf_api(assign.value.func)
            if api is None or not api.startswith("tf.keras.layers."):
                continue
            kind = api.removeprefix("tf.keras.layers.")
            name = next(
                (syntax.string_literal(a.value) for a in assign.value.args if a.keyword and a.keyword.value == "name"),
                None,
            )
            target = assign.targets[0].target
            assert isinstance(target, cst.Name)
            # A layer built in a variable scope: its Keras name holds no "/"; the layer rule kept
            # its TF1 name.
            name = self.context.scratch.get(LAYER_SCOPES_KEY, {}).get(target.value, name)
            if kind in WEIGHTLESS_LAYERS:
                found[id(assign.value.func)] = None
            elif (kind in LAYER_WEIGHTS or (kind == "RNN" and rnn_cell_of(assign.value))) and name:
                found[id(assign.value.func)] = name
        return found

    def _variables(self, body: list[cst.BaseStatement], classes: dict[str, _ModuleClass]) -> list[_Made]:
        """Every variable the scope creates, in order; those this rule cannot name carry why."""
        found: list[_Made] = []
        definitions = [*self._module_body, *body]
        factories = {
            s.name.value: made
            for s in definitions
            if isinstance(s, cst.FunctionDef) and (made := factory_variable(s, self.tf_api)) is not None
        }
        names = tf1_variable_names(body, self.tf_api, factories)
        makers = self._variable_makers(definitions)
        for index, statement in enumerate(body):
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                continue
            order = _order_in(statement)
            # Where in the statement a variable this rule cannot name is made does not matter:
            # a Saver in the same statement declines, before or after it.
            anywhere = (index, -1)
            layers = self._keras_layers(statement)
            # `x = Class(...)` of a class of `classes` and `w = factory(...)` are read below (the
            # instance's variables, the variable), and so is the cell of an RNN layer read as a layer.
            constructed = {
                id(assign.value)
                for assign in _assignments(statement)
                if isinstance(callee := cast(cst.Call, assign.value).func, cst.Name)
                and (callee.value in classes or callee.value in factories)
            } | {
                id(syntax.call_argument(cast(cst.Call, assign.value), 0, "cell"))
                for assign in _assignments(statement)
                if id(cast(cst.Call, assign.value).func) in layers
            }
            for maker in syntax.calls_in(statement):
                if isinstance(maker.func, cst.Name) and maker.func.value in makers and id(maker) not in constructed:
                    problem = (f"`{maker.func.value}` makes variables this rule cannot name", maker)
                    found.append(_Made(None, "", anywhere, problem))
            for api, node in syntax.tf_apis_in(statement, self.tf_api):
                if id(node) in layers:
                    continue
                if api in ("tf.get_variable", "tf.variable_scope") or (
                    api.startswith(("tf.layers", "tf.keras.layers", "tf.contrib")) and not makes_no_variables(api)
                ):
                    found.append(_Made(None, "", anywhere, (f"{api} creates variables this rule cannot name", node)))
            for assign in _assignments(statement):
                assert isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Call)
                target = assign.targets[0].target
                assert isinstance(target, cst.Name)
                func = assign.value.func
                position = (index, order[id(assign)])
                if id(func) in layers:
                    name = layers[id(func)]
                    if name is not None:
                        found.append(_Made(name, target.value, position, lazy=True))
                elif self.tf_api(func) in GLOBAL_STEP_MAKERS:
                    # The variable "global_step", which TF1's Saver saved with the others.
                    found.append(_Made(GLOBAL_STEP_NAME, target.value, position))
                elif self.tf_api(func) == "tf.Variable" or (isinstance(func, cst.Name) and func.value in factories):
                    told = names.get(id(assign.value), ValueError("a tf.Variable this rule cannot name"))
                    if isinstance(told, str):
                        found.append(_Made(told, target.value, position))
                    else:
                        found.append(_Made(None, target.value, position, (str(told), assign)))
                elif isinstance(func, cst.Name) and func.value in classes:
                    calls = [
                        c for s in body for c in syntax.calls_in(s) if m.matches(c.func, m.Name(target.value))
                    ]
                    found.extend(classes[func.value].instance(assign.value, target.value, position, calls))
            bound = {
                id(a.value)
                for a in syntax.nodes_of(statement, cst.Assign)
                if isinstance(a, cst.Assign) and len(a.targets) == 1 and isinstance(a.targets[0].target, cst.Name)
            }
            for call in syntax.nodes_of(statement, cst.Call):
                if isinstance(call, cst.Call) and self.tf_api(call.func) == "tf.Variable" and id(call) not in bound:
                    found.append(_Made(None, "", anywhere, ("a tf.Variable not bound to a name", call)))
        return found


@dataclass
class _SaverParameters:
    """Parameters of the scope's functions that every call gives one of the scope's Savers
    (`train_one_epoch(sess, saver, ...)`, a model class's method the script calls with its
    Saver): parameter -> the Saver; `references` counts the names of such passings (the argument
    and the parameter) as uses of the Saver."""

    savers: dict[str, str]
    references: dict[str, int]


def _saver_parameters(body: Sequence[cst.BaseStatement], savers: set[str]) -> _SaverParameters:
    found = _SaverParameters({}, {})
    functions: dict[str, list[cst.FunctionDef]] = {}
    for statement in body:
        for function in syntax.nodes_of(statement, cst.FunctionDef):
            assert isinstance(function, cst.FunctionDef)
            functions.setdefault(function.name.value, []).append(function)
    for name, definitions in functions.items():
        if len(definitions) != 1:
            continue
        function = definitions[0]
        params = function.params.params
        calls = [c for s in body for c in syntax.calls_in(s) if m.matches(c.func, m.Name(name))]
        references = sum(1 for s in body for n in syntax.nodes_of(s, cst.Name) if m.matches(n, m.Name(name)))
        if references != len(calls) + 1:
            continue  # used other than called (a callback): what it is given is not known
        for position, param in enumerate(params):
            given = [syntax.call_argument(call, position, param.name.value) for call in calls]
            if not given or not all(isinstance(g, cst.Name) and g.value in savers for g in given):
                continue
            passed = {g.value for g in given if isinstance(g, cst.Name)}
            if len(passed) != 1 or param.default is not None:
                continue
            saver = passed.pop()
            found.savers[param.name.value] = saver
            found.references[saver] = found.references.get(saver, 0) + len(given)
            found.references[param.name.value] = found.references.get(param.name.value, 0) + 1
    return found


def _keeps_slots(api: str) -> bool:
    parts = api.split(".")
    if api.startswith("tf.train."):
        optimizer = parts[2]
        return optimizer.endswith("Optimizer") and optimizer != "GradientDescentOptimizer"
    return api.startswith("tf.keras.optimizers.") and parts[3] != "SGD"


def _kept_checkpoints(call: cst.BaseExpression) -> str:
    """The CheckpointManager arguments that keep the checkpoints TF1's `Saver(...)` kept: its
    `max_to_keep` (5 unless given; 0 or None kept all, which is None to the manager) and its
    `keep_checkpoint_every_n_hours`."""
    assert isinstance(call, cst.Call)
    bound = _bind(call, SAVER_PARAMS)
    keep = bound.get("max_to_keep")
    if keep is None:
        kept = f"max_to_keep={TF1_MAX_TO_KEEP}"
    elif m.matches(keep, m.Integer("0") | m.Name("None")):
        kept = "max_to_keep=None"
    elif isinstance(keep, cst.Integer):
        kept = f"max_to_keep={keep.value}"
    else:
        kept = f"max_to_keep={syntax.code_of(keep)} or None"
    hours = bound.get("keep_checkpoint_every_n_hours")
    if hours is not None:
        kept += f", keep_checkpoint_every_n_hours={syntax.code_of(hours)}"
    return kept


def _scope_suffix(node: cst.BaseExpression | None) -> str | None:
    """`"/kernel"` for `self.scope + "/kernel"`, the name a per-call class (TFM301, TFM331) gives
    a variable under the variable scope its instance was made for."""
    if not (isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add)):
        return None
    left = node.left
    if not (isinstance(left, cst.Attribute) and syntax.is_self(left.value) and left.attr.value == "scope"):
        return None
    return syntax.string_literal(node.right)


def _naming_parameter(node: cst.BaseExpression | None, parameters: Sequence[str]) -> str | None:
    """`scope_name` for `scope_name + "/kernel"`, the name a per-call class (TFM301) gives a
    variable under the scope its calls name (`fc(x, 8, "fc1")`), one of its `parameters`."""
    if not (isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add)):
        return None
    left = node.left
    if isinstance(left, cst.Name) and left.value in parameters and syntax.string_literal(node.right) is not None:
        return left.value
    return None


def _takes_scope(node: cst.ClassDef) -> bool:
    """`def __init__(self, scope)` storing `self.scope = scope`."""
    init = next(
        (s for s in node.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None
    )
    if init is None or [p.name.value for p in init.params.params] != ["self", "scope"]:
        return False
    return any(
        isinstance(a, cst.Assign)
        and syntax.code_of(a.targets[0].target) == "self.scope"
        and isinstance(a.value, cst.Name)
        and a.value.value == "scope"
        for a in syntax.nodes_of(init.body, cst.Assign)
    )


# Where a statement of a scope is: its index in the scope, then its order among the assignments
# of that statement (a Saver in a `with` block takes the variables made above it in the block).
_Position = tuple[int, int]


def _order_in(statement: cst.BaseStatement) -> dict[int, int]:
    return {id(node): order for order, node in enumerate(syntax.nodes_of(statement, cst.Assign))}


@dataclass(frozen=True)
class _Made:
    """A variable the scope creates: its TF1 name and reference where this rule can tell them,
    else why not (which matters only to a Saver that must name it)."""

    name: str | None
    reference: str
    position: _Position  # where the scope creates it
    problem: tuple[str, cst.CSTNode | None] | None = None
    lazy: bool = False  # held by an object that makes it at its first call (a layer, a per-call instance)


@dataclass(frozen=True)
class _ModuleClass:
    """A tf.Module subclass of the file: the TF1 names of the variables its `__init__` makes
    (`pairs`, with their attributes), or, `scoped`, a per-call class whose variables its instance
    makes at its first call under the scope it was given; `problem` when neither is readable."""

    pairs: list[tuple[str, str]]
    scoped: bool = False
    problem: str | None = None
    # The `__call__` parameter (position after self, name) that names the variables' scope.
    called_scope: tuple[int, str] | None = None

    def instance(
        self, call: cst.Call, target: str, position: _Position, calls: Sequence[cst.Call] = ()
    ) -> list[_Made]:
        """The variables `target = Class(...)` makes. A per-call instance is checkpointed whole,
        under its scope name: its variables do not exist before its first call, and a Checkpoint
        of the object restores them when they are made (TF 2's deferred restoration). An
        instance whose calls name the scope (`calls`, each `target(...)` of the scope) takes the
        one literal they all give."""
        if self.problem is not None:
            return [_Made(None, "", position, (self.problem, call))]
        if self.called_scope is not None:
            index, parameter = self.called_scope
            given = {syntax.string_literal(syntax.call_argument(c, index, parameter)) for c in calls}
            scope = given.pop() if len(given) == 1 else None
            if not scope or not scope.rstrip("/"):
                problem = ("a per-call module whose calls do not all name one scope by a string literal", call)
                return [_Made(None, "", position, problem)]
            return [_Made(scope.rstrip("/"), target, position, lazy=True)]
        if not self.scoped:
            return [_Made(name, f"{target}.{attr}", position) for name, attr in self.pairs]
        scope = syntax.string_literal(syntax.call_argument(call, 0, "scope"))
        if not scope or not scope.rstrip("/"):
            problem = ("a per-call module made for a scope that is not a string literal", call)
            return [_Made(None, "", position, problem)]
        return [_Made(scope.rstrip("/"), target, position, lazy=True)]


class _SaverRewriter(cst.CSTTransformer):
    def __init__(
        self,
        t: SaverToCheckpoint,
        savers: dict[int, tuple[cst.Assign, str, _Position]],
        variables: list[_Made],
        generations: list[int],
        parameters: _SaverParameters,
        *,
        reads_state: bool,
        early_saves: set[int],
    ) -> None:
        self.t = t
        self.savers = savers
        self.variables = variables
        self.generations = generations  # of each statement of the scope, by index
        self.reads_state = reads_state
        self.kept = {name: _kept_checkpoints(assign.value) for assign, name, _ in savers.values()}
        for parameter, saver in parameters.savers.items():
            if self.kept.setdefault(parameter, self.kept[saver]) != self.kept[saver]:
                raise Declined(UNSUPPORTED_SAVER, f"`{parameter}` is given Savers that keep different checkpoints")
        self.names = set(self.kept)
        # Each reference of a saver name is the assignment, a save or restore, or a passing to a
        # function's parameter (`parameters.references`).
        self.handled = dict.fromkeys(self.names, 0)
        for name, count in parameters.references.items():
            self.handled[name] += count
        self.unrecorded: list[cst.Call] = []  # saves that write no checkpoint state
        # Savers holding an object that makes its variables at its first call, and the saves
        # that may come before any run could have called it.
        self.lazy: set[str] = set()
        self.early_saves = early_saves

    def _checkpoint(self, saver: str, call: cst.Call, position: _Position) -> cst.Call:
        """The Checkpoint for `Saver(...)` at statement `position`: with no var_list, of the
        variables that exist by then, as TF1's Saver took them."""
        bound = _bind(call, SAVER_PARAMS)
        for key in bound:
            if key != "var_list" and key not in SAVER_ARGS_DROPPED:
                raise Declined(UNSUPPORTED_SAVER, f"Saver({key}=...) is not converted", call)
        # TF1's Saver took the variables of the default graph: none made before a reset of it.
        generation = self.generations[position[0]]
        existing = [
            made
            for made in self.variables
            if made.position < position
            # Made by the module before the function ran (index -1): in the graph the function
            # starts in, unless it reset it.
            and (self.generations[made.position[0]] == generation if made.position[0] >= 0 else generation == 0)
        ]
        by_ref = {made.reference: made.name for made in existing if made.name is not None}
        var_list = bound.get("var_list")
        if var_list is not None and saves_every_variable(self.t, var_list):
            var_list = None
        entries: list[tuple[str, str]]
        lazy = {made.reference for made in existing if made.lazy}
        if var_list is None:
            for made in existing:
                if made.problem is not None:
                    raise Declined(UNTRACKED_VARIABLES, made.problem[0], made.problem[1])
            entries = [(made.name, made.reference) for made in existing if made.name is not None]
        elif isinstance(var_list, (cst.List, cst.Tuple)):
            entries = []
            for element in var_list.elements:
                ref = syntax.code_of(element.value)
                if ref not in by_ref:
                    raise Declined(UNTRACKED_VARIABLES, f"`{ref}` is not a variable this rule can name", element)
                entries.append((by_ref[ref], ref))
        elif isinstance(var_list, cst.Dict):
            entries = []
            for item in var_list.elements:
                literal = syntax.string_literal(item.key) if isinstance(item, cst.DictElement) else None
                if literal is None:
                    raise Declined(UNSUPPORTED_SAVER, "a Saver dict whose keys are not string literals", var_list)
                entries.append((literal, syntax.code_of(item.value)))
        else:
            raise Declined(UNSUPPORTED_SAVER, "a Saver var_list this rule cannot read", call)
        if not entries:
            raise Declined(
                UNSUPPORTED_SAVER,
                "a Saver of variables made elsewhere (in functions, classes or other modules) that this rule "
                "does not follow",
                call,
            )
        if any(ref in lazy for _, ref in entries):
            self.lazy.add(saver)
        mapping = ", ".join(f'"{name}": {ref}' for name, ref in entries)
        built = cst.parse_expression(f"{self.t.tf_alias()}.train.Checkpoint(**{{{mapping}}})")
        assert isinstance(built, cst.Call)
        return built

    def _managed_save(self, name: str, path: cst.BaseExpression, step: cst.BaseExpression) -> cst.BaseExpression:
        """`saver.save(sess, "dir/model", global_step=step)`: TF1 wrote `dir/model-<step>`, recorded
        it in `dir/checkpoint` and kept the last `max_to_keep`; a CheckpointManager of `dir` named
        `model` does the same."""
        joined = self._joined(path)
        if isinstance(path, cst.SimpleString) and not path.prefix:
            quote = path.quote
            directory = f"{quote}{posixpath.dirname(path.raw_value)}{quote}"
            base = f"{quote}{posixpath.basename(path.raw_value)}{quote}"
        elif joined is not None:
            directory, base = joined
        else:
            AddImportsVisitor.add_needed_import(self.t.context, "os")
            code = syntax.code_of(path)
            directory, base = f"os.path.dirname({code})", f"os.path.basename({code})"
        manager = (
            f"{self.t.tf_alias()}.train.CheckpointManager({name}, {directory}, {self.kept[name]}, "
            f"checkpoint_name={base})"
        )
        return cst.parse_expression(f"{manager}.save(checkpoint_number=int({syntax.code_of(step)}))")

    def _joined(self, path: cst.BaseExpression) -> tuple[str, str] | None:
        """`os.path.join(directory, "name")`: the directory and the file name, as written."""
        if not (isinstance(path, cst.Call) and len(path.args) == 2 and not any(a.keyword or a.star for a in path.args)):
            return None
        # The spelling alone, as for the `os.path` calls this rule writes otherwise.
        if syntax.code_of(path.func) != "os.path.join":
            return None
        name = path.args[1].value
        literal = syntax.string_literal(name)
        if literal is None or "/" in literal:
            return None
        return syntax.code_of(path.args[0].value), syntax.code_of(name)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        small = original_node.body[0] if len(original_node.body) == 1 else None
        if not (isinstance(small, cst.Assign) and id(small) in self.savers):
            return updated_node
        assert isinstance(small.value, cst.Call)
        _, name, position = self.savers[id(small)]
        self.handled[name] += 1
        value = self._checkpoint(name, small.value, position)
        return updated_node.with_changes(body=[small.with_changes(value=value)])

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not (
            isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in self.names
        ):
            return updated_node
        name = func.value.value
        if func.attr.value == "save":
            bound = _bind(original_node, SAVE_PARAMS)
            if set(bound) - {"sess", "save_path", "global_step"} - SAVE_ARGS_DROPPED or "save_path" not in bound:
                raise Declined(UNSUPPORTED_SAVER, "Saver.save with options this rule does not convert", original_node)
            if name in self.lazy and id(original_node) in self.early_saves:
                raise Declined(
                    UNSUPPORTED_SAVER,
                    "a save that can come before the session first runs: the checkpoint holds layers that make "
                    "their variables at their first call, which TF1's Saver saved from the start",
                    original_node,
                )
            self.handled[name] += 1
            if "global_step" in bound:
                return self._managed_save(name, bound["save_path"], bound["global_step"])
            if self.reads_state:
                raise Declined(
                    UNSUPPORTED_SAVER,
                    "a save without a step in a program that reads the checkpoint state: tf.train.Checkpoint.write "
                    "does not record the checkpoint there as TF1's Saver did",
                    original_node,
                )
            self.unrecorded.append(original_node)
            return cst.parse_expression(f"{name}.write({syntax.code_of(bound['save_path'])})")
        if func.attr.value == "restore":
            bound = _bind(original_node, RESTORE_PARAMS)
            if set(bound) != {"sess", "save_path"}:
                raise Declined(UNSUPPORTED_SAVER, "Saver.restore without a session and a path", original_node)
            self.handled[name] += 1
            return cst.parse_expression(
                f"{name}.read({syntax.code_of(bound['save_path'])}).assert_existing_objects_matched()"
            )
        return updated_node
