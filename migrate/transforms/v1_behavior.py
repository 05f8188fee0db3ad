"""TFM002: keep graph mode only where the file still needs it.

Runs last. If any reference left in the file is a graph-only TF1 API, the file must run with
TF 2 behaviour off: a `tf.compat.v1.disable_v2_behavior()` call is ensured right after the
imports and TFM003 says why. Otherwise the calls that switched behaviour
(`disable_v2_behavior`, `disable_eager_execution`, `enable_eager_execution`) are removed: TF 2's
defaults are what the migrated code wants. So are the calls that reset the default graph
(`tf.reset_default_graph()`, often in a notebook's `reset_graph()` helper) once the file spells
no other tf.compat.v1 symbol: eager code keeps nothing in that graph, and the function that
reset it goes on setting its seeds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Final

import libcst as cst
from libcst.codemod.visitors import RemoveImportsVisitor

from migrate.analysis import syntax, tf_names
from migrate.analysis.graph_model import RESET_GRAPH_APIS
from migrate.analysis.graph_only import EAGER_SWITCHES, GRAPH_RUNNERS, graph_only_reason
from migrate.analysis.optimizers import OPTIMIZERS
from migrate.analysis.project import PROJECT_KEY, ImportSite, ModuleLinks, relative_to
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform
from migrate.transforms.eager_programs import NameUses, compiled_optimizer

STILL_GRAPH = "TFM003"
SWITCH_REMOVED = "TFM004"
KEPT_AS_COMPAT_V1 = "TFM005"
RUN_ELSEWHERE = "TFM006"
RUNS_GRAPH_OF = "TFM007"
# In graph code, TF1 symbols whose TF 2 namesakes are something else: the summary ops (TF 2's
# write summaries, not graph summaries), and the variable class when it makes a variable (TF 2's
# makes a resource variable, which `tf.train.get_global_step` does not find and whose reads see
# the assignments of the same run in another order than TF1's reference variables did).
_V1_FORMS = frozenset(
    {"tf.summary.scalar", "tf.summary.histogram", "tf.summary.image", "tf.summary.audio", "tf.summary.text"}
)
_V1_CONSTRUCTORS = frozenset({"tf.Variable"})

BEHAVIOUR_SWITCHES: Final = frozenset(
    {"tf.disable_v2_behavior", "tf.disable_eager_execution", "tf.enable_eager_execution"}
)
_DISABLE: Final = "tf.disable_v2_behavior"


def _kept_reason(symbol: str) -> str:
    if symbol.startswith(tf_names.NEEDS_LEGACY_KERAS):
        return (
            "Keras 3 does not provide it; it needs the tf-keras package and TF_USE_LEGACY_KERAS=1 "
            "set before TensorFlow is imported"
        )
    return "it has no TF 2 equivalent this tool could use here"


class V1Behavior(MigrationTransform):
    CODE = "TFM002"
    DESCRIPTION = "graph-only code keeps `tf.compat.v1.disable_v2_behavior()`; otherwise behaviour switches are removed"
    FINDINGS: ClassVar[Mapping[str, str]] = {
        STILL_GRAPH: "the file still runs in TF1 graph mode through tf.compat.v1",
        SWITCH_REMOVED: "a v1/v2 behaviour switch or a reset of the default graph was removed: nothing in the "
        "file needs graph mode",
        KEPT_AS_COMPAT_V1: "a TF1 symbol left as tf.compat.v1 in the output (info, once per symbol)",
        RUN_ELSEWHERE: "graph code in a module that opens no session (another module runs it): left as graph "
        "code; in a directory run, the finding names the modules of the tree that import it",
        RUNS_GRAPH_OF: "a module imports graph code from a module of its tree that opens no session (TFM006): "
        "the two are rewritten apart (info, at the import)",
    }
    TRIGGERS = ("tensorflow",)
    GRAPH_MODE_FINDINGS = frozenset({STILL_GRAPH})
    EXAMPLES = (
        Example(
            "import tensorflow as tf\n\nx = tf.compat.v1.placeholder(tf.float32)\n",
            "import tensorflow as tf\ntf.compat.v1.disable_v2_behavior()\n\nx = tf.compat.v1.placeholder(tf.float32)\n",
            "graph-only-keeps-v1",
        ),
        Example(
            "import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '2'\nimport tensorflow as tf\n\n"
            "x = tf.compat.v1.placeholder(tf.float32)\n",
            "import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '2'\nimport tensorflow as tf\n"
            "tf.compat.v1.disable_v2_behavior()\n\nx = tf.compat.v1.placeholder(tf.float32)\n",
            "switch-after-a-late-tensorflow-import",
        ),
        Example(
            "import tensorflow as tf\n\ntf.compat.v1.disable_v2_behavior()\ny = tf.math.log(2.0)\n",
            "import tensorflow as tf\ny = tf.math.log(2.0)\n",
            "eager-ready-drops-switch",
        ),
        Example(
            "import tensorflow as tf\ntf.compat.v1.disable_v2_behavior()\n\nsess = tf.compat.v1.Session()\n",
            None,
            "already-switched",
        ),
        Example(
            "import tensorflow as tf\n\n\ndef reset_graph(seed=42):\n    tf.compat.v1.reset_default_graph()\n"
            "    tf.random.set_seed(seed)\n",
            "import tensorflow as tf\n\n\ndef reset_graph(seed=42):\n    tf.random.set_seed(seed)\n",
            "eager-ready-drops-graph-reset",
        ),
        Example(
            "import tensorflow as tf\n\n\ndef reset_graph():\n    tf.compat.v1.reset_default_graph()\n\n\n"
            "reset_graph()\ng = tf.compat.v1.get_default_graph()\n",
            None,
            "graph-reset-kept-beside-default-graph",
        ),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._first_graph_only: tuple[str, cst.CSTNode] | None = None
        self._opens_session = False
        # Every graph-only symbol is a TF1 optimizer made for Keras' compile, which runs it.
        self._only_keras_optimizers = False
        self._module_disables = False
        self._keeps_eager_switch = False
        self._switches: list[cst.SimpleStatementLine] = []
        self._drops_resets = False
        self._v1_forms: dict[int, str] = {}  # `tf.summary.scalar` reference -> its symbol

    def visit_Module(self, node: cst.Module) -> bool:
        super().visit_Module(node)
        self._module_disables = any(self._switch(statement) == _DISABLE for statement in node.body)
        # Decided before any switch is left: a graph-only use may come after the switch.
        references = syntax.references_in(node)
        called = {id(call.func) for call in syntax.calls_in(node)}
        graph_only: list[cst.Attribute | cst.Name] = []
        for reference in references.nodes:
            if tf_names.dotted(reference) is None:
                continue  # an attribute of what an expression gives: its own reference is next
            name = self.tf_api(reference)
            self._opens_session |= name in GRAPH_RUNNERS or name in EAGER_SWITCHES
            if name is not None and graph_only_reason(name) is not None:
                graph_only.append(reference)
                if self._first_graph_only is None:
                    self._first_graph_only = (name, reference)
            if name is None or ".compat.v1." in (tf_names.dotted(reference) or ""):
                continue
            if name in _V1_FORMS or (name in _V1_CONSTRUCTORS and id(reference) in called):
                self._v1_forms[id(reference)] = name
        if any(self.tf_api(reference) in EAGER_SWITCHES for reference in references.nodes):
            # The program ran eagerly in TF1 too: what it keeps of tf.compat.v1 runs eagerly. Its
            # switch then stays, so that a second rewrite still sees an eager program.
            self._keeps_eager_switch = self._first_graph_only is not None
            self._first_graph_only = None
        self._only_keras_optimizers = self._made_for_keras(node, graph_only)
        spelled = self._compat_v1_symbols(references.nodes)
        resets = {id(call.func) for call in map(self._graph_reset, references.lines) if call is not None}
        self._drops_resets = (
            self._first_graph_only is None
            and not self._keeps_eager_switch
            and all(symbol in RESET_GRAPH_APIS and id(reference) in resets for reference, symbol in spelled)
        )
        self._report_compat_v1(spelled)
        if self._first_graph_only is not None:
            # TF1 summary ops and variables in graph code are tf.compat.v1's (_V1_FORMS): TF 2's
            # `tf.summary.scalar` is another op, which writes nothing without a default writer
            # (merge_all finds none).
            return bool(self._v1_forms)
        # Without a switch or a reset to remove, the traversal below would change nothing: skip it.
        return any(
            self._switch(line) is not None or (self._drops_resets and self._graph_reset(line) is not None)
            for line in references.lines
        )

    def _made_for_keras(self, node: cst.Module, graph_only: Sequence[cst.Attribute | cst.Name]) -> bool:
        """Whether the graph-only references are all TF1 optimizers made for Keras' `compile`:
        handed to it where they are made, or bound once to a name that only `compile` reads.
        Keras runs such a file's graph (TFM407 says what the kept optimizer needs)."""
        calls = {id(call.func): call for call in syntax.calls_in(node)}
        compiled = {id(optimizer) for call in calls.values() if (optimizer := compiled_optimizer(call)) is not None}
        bound = {
            id(assign.value): assign.targets[0].target
            for assign in syntax.nodes_of(node, cst.Assign)
            if isinstance(assign, cst.Assign) and len(assign.targets) == 1
        }
        for reference in graph_only:
            call = calls.get(id(reference))
            if call is None or self.tf_api(call.func) not in OPTIMIZERS:
                return False
            if id(call) in compiled:
                continue
            target = bound.get(id(call))
            if not isinstance(target, cst.Name):
                return False
            uses = NameUses.of(target.value, node)
            if uses.bindings != 1 or uses.other or uses.stepped or not uses.compiled:
                return False
        return bool(graph_only)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        name = self._v1_forms.get(id(original_node))
        if self._first_graph_only is None or name is None or self.is_suppressed_at(original_node):
            return updated_node
        return self.tf_expr("compat.v1." + name.removeprefix("tf."))

    def _compat_v1_symbols(self, references: Sequence[cst.Attribute | cst.Name]) -> list[tuple[cst.Attribute, str]]:
        """The references the output spells `tf.compat.v1.X`, each with its TF1 symbol (`tf.X`),
        behaviour switches left out (removed here, or kept on purpose and reported as TFM003)."""
        found: list[tuple[cst.Attribute, str]] = []
        covered: set[int] = set()
        for reference in references:  # outer attribute chains come before their parts
            if id(reference) in covered or not isinstance(reference, cst.Attribute):
                continue
            if tf_names.dotted(reference) is None:
                continue  # a method of a call's result, not a module symbol
            qualified = {q.name for q in self.qualified_names(reference)}
            spelled = [q for q in qualified if q.startswith("tensorflow.compat.v1.")]
            if len(spelled) != 1:
                continue
            part: cst.BaseExpression = reference
            while isinstance(part, cst.Attribute):
                covered.add(id(part))
                part = part.value
            symbol = "tf." + spelled[0][len("tensorflow.compat.v1.") :]
            if symbol not in BEHAVIOUR_SWITCHES:
                found.append((reference, symbol))
        return found

    def _report_compat_v1(self, spelled: Sequence[tuple[cst.Attribute, str]]) -> None:
        """What the output still spells `tf.compat.v1.X`, once per symbol: reported here, at the
        end, since earlier transforms (sessions) convert many such symbols away."""
        reported: set[str] = set()
        for reference, name in spelled:
            if self._drops_resets and name in RESET_GRAPH_APIS:
                continue
            symbol = "tf.compat.v1." + name.removeprefix("tf.")
            if symbol not in reported:
                reported.add(symbol)
                self.report(
                    reference,
                    f"{symbol} is kept: {_kept_reason(symbol)}",
                    code=KEPT_AS_COMPAT_V1,
                    severity=Severity.WARNING if symbol.startswith(tf_names.NEEDS_LEGACY_KERAS) else Severity.INFO,
                )

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        if self._switch(node) is not None:
            self._switches.append(node)
        return True

    def _sole_call(self, statement: cst.BaseStatement) -> tuple[cst.Call, str] | None:
        """The argument-less TensorFlow call a statement line is, with its API, if that is all it does."""
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        expr = statement.body[0]
        if not isinstance(expr, cst.Expr) or not isinstance(expr.value, cst.Call) or expr.value.args:
            return None
        api = self.tf_api(expr.value.func)
        return (expr.value, api) if api is not None else None

    def _switch(self, statement: cst.BaseStatement) -> str | None:
        """The behaviour switch a statement line calls, if that is all it does."""
        found = self._sole_call(statement)
        return found[1] if found is not None and found[1] in BEHAVIOUR_SWITCHES else None

    def _graph_reset(self, statement: cst.SimpleStatementLine) -> cst.Call | None:
        """The call of a statement line that only resets the default graph."""
        found = self._sole_call(statement)
        return found[0] if found is not None and found[1] in RESET_GRAPH_APIS else None

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        reset = self._graph_reset(original_node) if self._drops_resets else None
        if reset is not None and not self.is_suppressed_at(original_node):
            self.report(
                original_node,
                "removed the reset of the default graph: nothing in this file builds a graph",
                code=SWITCH_REMOVED,
                severity=Severity.INFO,
            )
            if isinstance(reset.func, cst.Attribute) and isinstance(reset.func.value, cst.Name):
                holder = reset.func.value.value  # `ops` of `from tensorflow.python.framework import ops`
                if holder != self.tf_alias():
                    RemoveImportsVisitor.remove_unused_import(self.context, "tensorflow.python.framework", holder)
            return cst.RemovalSentinel.REMOVE
        if self._first_graph_only is not None or self._keeps_eager_switch or original_node not in self._switches:
            return updated_node
        if self.is_suppressed_at(original_node):
            return updated_node
        self.report(
            original_node,
            f"removed {self._switch(original_node)}(): nothing in this file needs graph mode",
            code=SWITCH_REMOVED,
            severity=Severity.INFO,
        )
        return cst.RemovalSentinel.REMOVE

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if self._first_graph_only is None:
            return updated_node
        name, node = self._first_graph_only
        line = self.line_of(node)
        self.report(
            node,
            f"still runs in graph mode through tf.compat.v1: {name} at line {line}",
            code=STILL_GRAPH,
        )
        if not self._opens_session and not self._only_keras_optimizers:
            links = self.context.scratch.get(PROJECT_KEY)
            self.report(
                node,
                f"{name}: this module builds graph code but opens no session; the module that runs it is "
                "not converted with it" + (_run_from(links) if isinstance(links, ModuleLinks) else ""),
                code=RUN_ELSEWHERE,
            )
        if self._module_disables:
            return updated_node
        call = cst.SimpleStatementLine([cst.Expr(cst.Call(self.tf_expr("compat.v1.disable_v2_behavior")))])
        index = syntax.after_imports(original_node, self.tf_alias())  # nothing is removed from a file in graph mode
        return updated_node.with_changes(body=[*updated_node.body[:index], call, *updated_node.body[index:]])


def _run_from(links: ModuleLinks) -> str:
    """Where the tree of a directory run imports the module `links` describes."""
    if not links.imported_by:
        return "; no module of the tree imports it"
    return "; run from " + ", ".join(site.seen_from(links.path) for site in links.imported_by)


def runs_graph_of_message(site: ImportSite) -> str:
    """TFM007's message at `site`, an import of a module that reported TFM006."""
    module = relative_to(site.module, site.importer)
    return f"{site.statement}: {module} builds graph code and opens no session (TFM006); the two are rewritten apart"
