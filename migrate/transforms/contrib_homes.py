"""TFM150: `tf.contrib` members whose code moved use it where it lives now.

TF 2 dropped `tf.contrib`, but much of it moved rather than went away: contrib.layers' and
contrib.framework's layers, regularizers, initializers, arg scopes and variable helpers are the
`tf_slim` package (`tf.contrib.layers.l2_regularizer` is `slim.l2_regularizer`, the same code),
and a few members were aliases of core symbols (`tf.contrib.framework.get_global_step` is
`tf.compat.v1.train.get_global_step`, `tf.contrib.rnn.DropoutWrapper` is
`tf.compat.v1.nn.rnn_cell.DropoutWrapper`, `tf.contrib.keras.datasets` is `tf.keras.datasets`,
`tfe.Iterator(dataset)` is `iter(dataset)`). contrib.learn's text `VocabularyProcessor`, the
sequence losses of contrib.legacy_seq2seq and contrib.seq2seq and contrib.training's `HParams`,
which TF 2 has nothing like, become modules written next to the program with the same behaviour
(migrate/support: vocabulary_processor.py, sequence_losses.py, hyperparameters.py). An import
of a contrib module that nothing in the file uses goes: TF 2 cannot import it, and it did nothing
but bind the name. Runs after the layer transforms, so it sees only what they left; in a file
that keeps TF1 graph mode those are the slim layers themselves, which create graph variables
exactly as contrib did. In TF 2 code (no graph-only symbol left) only the members that create no
variables move; the others stay for TFM801 to report.
The tables are in migrate.transforms.contrib_table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from migrate.analysis import syntax, tf_names
from migrate.analysis.graph_only import graph_only_reason
from migrate.analysis.imports import forget_import, head_name, module_bindings
from migrate.findings import Severity
from migrate.support import text_of
from migrate.transforms import contrib_table as table
from migrate.transforms.base import Example, MigrationTransform

_SLIM = "tf_slim"


class ContribHomes(MigrationTransform):
    CODE = "TFM150"
    DESCRIPTION = (
        "tf.contrib members that moved (to tf_slim or core TensorFlow) use their new home, the same code;"
        " contrib.learn's VocabularyProcessor, contrib's sequence losses and HParams become modules"
        " written beside; unused contrib imports go"
    )
    TRIGGERS = ("contrib",)
    EXAMPLES: ClassVar = (
        Example(
            "import tensorflow as tf\nfrom tensorflow.contrib.tensorboard.plugins import projector\n\n"
            "x = tf.ones([2])\n",
            "import tensorflow as tf\n\nx = tf.ones([2])\n",
            "unused-contrib-import-goes",
        ),
        Example(
            "import tensorflow as tf\n\nreg = tf.contrib.layers.l2_regularizer(0.1)\n"
            "step = tf.contrib.framework.get_global_step()\n",
            "import tensorflow as tf\nimport tf_slim as slim\n\nreg = slim.l2_regularizer(0.1)\n"
            "step = tf.compat.v1.train.get_global_step()\n",
            "slim-and-core",
        ),
        Example(
            "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\n"
            "w = tfe.Variable(1.0, name='w')\nfor x in tfe.Iterator(dataset):\n    print(x)\n",
            "import tensorflow as tf\n\nw = tf.Variable(1.0, name='w')\nfor x in iter(dataset):\n    print(x)\n",
            "eager",
        ),
        Example(
            "from tensorflow.contrib import learn\n\n"
            "processor = learn.preprocessing.VocabularyProcessor(20, min_frequency=1)\n"
            "ids = list(processor.fit_transform(texts))\n",
            "import vocabulary_processor\n\n"
            "processor = vocabulary_processor.VocabularyProcessor(20, min_frequency=1)\n"
            "ids = list(processor.fit_transform(texts))\n",
            "vocabulary-processor-in-a-module-beside",
        ),
        Example(
            "import tensorflow as tf\n\n"
            "loss = tf.contrib.legacy_seq2seq.sequence_loss_by_example(logits, targets, weights)\n",
            "import tensorflow as tf\nimport sequence_losses\n\n"
            "loss = sequence_losses.sequence_loss_by_example(logits, targets, weights)\n",
            "sequence-loss-in-a-module-beside",
        ),
        Example(
            "import tensorflow as tf\n\nx = tf.compat.v1.placeholder(tf.float32, [None, 4])\n"
            "h = tf.contrib.layers.fully_connected(x, 8)\n",
            "import tensorflow as tf\nimport tf_slim as slim\n\nx = tf.compat.v1.placeholder(tf.float32, [None, 4])\n"
            "h = slim.fully_connected(x, 8)\n",
            "layer-in-graph-mode",
        ),
        Example(
            "import tensorflow as tf\n\nh = tf.contrib.layers.fully_connected(tf.ones([2, 4]), 8)\n",
            None,
            "layer-in-tf2-code-left-to-tfm801",
        ),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._graph_mode = False
        self._bindings: dict[str, set[str]] = {}
        self._slim_alias: str | None = None
        self._reported: set[str] = set()
        self._variable_calls: set[int] = set()  # funcs of contrib.eager.Variable calls that convert
        self._removable: set[str] = set()  # names whose every use converts: their import can go
        self._names: set[str] = set()  # every name the file uses: a support module must not shadow one
        self._support_modules: set[str] = set()  # support modules written for this file

    def visit_Module(self, node: cst.Module) -> bool:
        super().visit_Module(node)
        self._bindings = module_bindings(node)
        references = syntax.references_in(node)
        self._graph_mode = any(
            graph_only_reason(api) is not None
            for api in (self.tf_api(reference) for reference in references.nodes)
            if api is not None
        )
        self._variable_calls = {
            id(call.func)
            for call in syntax.calls_in(node)
            if self.tf_api(call.func) == table.EAGER_VARIABLE and self._converts_variable(call)
        }
        self._names = {name.value for name in syntax.nodes_of(node, cst.Name) if isinstance(name, cst.Name)}
        self._removable = self._removable_names(references.nodes)
        self._drop_unused_contrib_imports(node)
        return True

    def _drop_unused_contrib_imports(self, module: cst.Module) -> None:
        used = {
            name.value
            for statement in module.body
            if not _imports_only(statement)
            for name in syntax.nodes_of(statement, cst.Name)
            if isinstance(name, cst.Name)
        }
        for statement in module.body:
            if not _imports_only(statement) or self.is_suppressed_at(statement):
                continue
            assert isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body:
                for module_path, name, asname in _contrib_imports(small):
                    if (asname or name) not in used:
                        RemoveImportsVisitor.remove_unused_import(self.context, module_path, name, asname)
                        imported = f"{module_path}.{name}" if name else module_path
                        self.report(
                            small,
                            f"import of {imported} removed: TF 2 has no tf.contrib, and nothing in this file uses it",
                            severity=Severity.INFO,
                        )

    def _removable_names(self, references: Sequence[cst.Attribute | cst.Name]) -> set[str]:
        """Names bound by imports all of whose uses this transform replaces. Removing an import
        is scheduled only for those: a scheduled removal that cannot happen costs every later
        pass libcst's scope analysis of the whole module."""
        attributes = [ref for ref in references if isinstance(ref, cst.Attribute)]
        inner = {id(ref.value) for ref in attributes} | {id(ref.attr) for ref in attributes}
        verdicts: dict[str, bool] = {}
        for reference in references:
            if id(reference) in inner or tf_names.dotted(reference) is None:
                continue  # a part of a longer chain (or an attribute's name), or not a plain dotted name
            head = head_name(reference)
            if head is None or head.value == self._tf_alias:
                continue
            verdicts[head.value] = verdicts.get(head.value, True) and self._converts(reference)
        return {name for name, converts in verdicts.items() if converts}

    def _converts(self, chain: cst.BaseExpression) -> bool:
        """Whether this transform replaces the dotted chain or a part of it."""
        while True:
            name = self.tf_api(chain)
            if id(chain) in self._variable_calls or (name is not None and self._has_home(name)):
                return True
            if not isinstance(chain, cst.Attribute):
                return False
            chain = chain.value

    @staticmethod
    def _converts_variable(call: cst.Call) -> bool:
        positional = [arg for arg in call.args if arg.keyword is None]
        return not any(arg.star for arg in call.args) and len(positional) <= table.EAGER_VARIABLE_POSITIONALS

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return self._moved(original_node, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._moved(original_node, updated_node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node.func) not in self._variable_calls or self.is_suppressed_at(original_node):
            return updated_node
        self._note(table.EAGER_VARIABLE, original_node, "tf.Variable")
        self._forget_import(original_node.func)
        return updated_node.with_changes(func=self.tf_expr("Variable"))

    def _moved(self, original: cst.Attribute | cst.Name, updated: cst.BaseExpression) -> cst.BaseExpression:
        name = self.tf_api(original)
        if name is None or not name.startswith("tf.contrib.") or self.is_suppressed_at(original):
            return updated
        replacement = self._replacement(name)
        if replacement is None:
            return updated
        # A moved module is reported once, not for each attribute of a chain through it.
        moved = next((prefix.rstrip(".") for prefix in table.PREFIXES_IN_TENSORFLOW if name.startswith(prefix)), None)
        home = table.PREFIXES_IN_TENSORFLOW.get(f"{moved}.", "").rstrip(".")
        if name in table.IN_SUPPORT_MODULES:
            written = f"{table.IN_SUPPORT_MODULES[name][0]}.py"
            self._note(name, original, f"{tf_names.dotted(replacement)}, from {written} written next to the program")
        else:
            self._note(moved or name, original, f"tf.{home}" if moved else tf_names.dotted(replacement) or "")
        self._forget_import(original)
        return replacement

    def _forget_import(self, node: cst.BaseExpression) -> None:
        head = head_name(node)
        if head is not None and head.value in self._removable:
            forget_import(self, node, self._tf_alias)

    def _has_home(self, name: str) -> bool:
        if name in table.IN_TENSORFLOW or name == table.EAGER_ITERATOR:
            return True
        if name in table.IN_SUPPORT_MODULES:
            return table.IN_SUPPORT_MODULES[name][0] not in self._names
        if any(name.startswith(prefix) for prefix in table.PREFIXES_IN_TENSORFLOW):
            return True
        member = table.slim_member(name)
        return member is not None and (member in table.SLIM_ANYWHERE or self._graph_mode)

    def _replacement(self, name: str) -> cst.BaseExpression | None:
        if not self._has_home(name):
            return None
        if name in table.IN_TENSORFLOW:
            return self.tf_expr(table.IN_TENSORFLOW[name])
        for prefix, home in table.PREFIXES_IN_TENSORFLOW.items():
            if name.startswith(prefix):
                return self.tf_expr(home + name[len(prefix) :])
        if name == table.EAGER_ITERATOR:
            return cst.Name("iter")
        if name in table.IN_SUPPORT_MODULES:
            module, member = table.IN_SUPPORT_MODULES[name]
            self._write_support_module(module)
            return tf_names.build_dotted(f"{module}.{member}")
        return tf_names.build_dotted(f"{self._slim()}.{table.slim_member(name)}")

    def _write_support_module(self, module: str) -> None:
        if module not in self._support_modules:
            self._support_modules.add(module)
            self.add_support_file(f"{module}.py", text_of(f"{module}.py"))
            AddImportsVisitor.add_needed_import(self.context, module)

    def _slim(self) -> str:
        """The name tf_slim goes by in this file, importing it on first use."""
        if self._slim_alias is None:
            bound = sorted(name for name, what in self._bindings.items() if what == {_SLIM})
            if bound:
                self._slim_alias = bound[0]
            elif "slim" not in self._bindings:
                self._slim_alias = "slim"
                AddImportsVisitor.add_needed_import(self.context, _SLIM, asname="slim")
            else:
                self._slim_alias = _SLIM
                AddImportsVisitor.add_needed_import(self.context, _SLIM)
        return self._slim_alias

    def _note(self, name: str, node: cst.CSTNode, replacement: str) -> None:
        if name not in self._reported:
            self._reported.add(name)
            same = "" if name in table.IN_SUPPORT_MODULES else ", the same code"
            self.report(node, f"{name} is now {replacement}{same}", severity=Severity.INFO)


def _imports_only(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def _contrib_imports(small: cst.BaseSmallStatement) -> list[tuple[str, str | None, str | None]]:
    """(module, name, alias) of each `tensorflow.contrib` import in an import statement that
    binds a name of its own (`import tensorflow.contrib` binds `tensorflow`: not one of them)."""
    found: list[tuple[str, str | None, str | None]] = []
    if isinstance(small, cst.Import):
        for alias in small.names:
            path = tf_names.dotted(alias.name) or ""
            if path.startswith("tensorflow.contrib") and alias.asname is not None:
                found.append((path, None, alias.evaluated_alias))
    elif isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
        module_path = tf_names.dotted(small.module) or ""
        if (module_path == "tensorflow" or module_path.startswith("tensorflow.contrib")) and not isinstance(
            small.names, cst.ImportStar
        ):
            for alias in small.names:
                name = tf_names.dotted(alias.name) or ""
                if module_path != "tensorflow" or name == "contrib":
                    found.append((module_path, name, alias.evaluated_alias))
    return found
