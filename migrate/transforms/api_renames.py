"""TFM101: rename TF1 symbols to their TF 2 names, from TensorFlow's own upgrade tables.

Every reference counts, not only calls: attribute chains (`tf.gfile.Exists`), names imported
with `from tensorflow import random_normal`, decorators, values passed around. References are
resolved to canonical TF1 paths, so `tf.compat.v1.log` (as TFM001 leaves it) is renamed like
`tf.log`, and a reference already spelled as its target (`tf.compat.v1.placeholder`) stays.
A from-imported name is replaced by a reference through the root alias and its import goes
when nothing else uses it.

After TFM001, code written against `tensorflow.compat.v1` reads `tf.compat.v1.X` everywhere.
Where `tf.X` has no table entry and exists in TF 2, the reference becomes `tf.X`: that is the
tables' own contract (TensorFlow's upgrader leaves such a `tf.X` as it is, since the argument
changes between the two versions are exactly what TFM102 and TFM110 apply), so code written
against `import tensorflow.compat.v1 as tf` ends up like code written against
`import tensorflow as tf`. Most of these are even the same object (`RenameTables.same_in_v1`).

`tf.keras.*` references are never touched (see `rename_tables.NOT_APPLICABLE`), nor the names
TFM110 emits (`native_table.NATIVE_TF2_NAMES`): the tables' Keras entries point at Keras-2
names that Keras 3 does not have, and the tool's own output must be a fixed point.

A few TF 2 names are themselves TF1 names of something else (`tf.nn.max_pool_v2` ->
`tf.nn.max_pool`, whose TF1 meaning is `tf.nn.max_pool2d`). Renaming into such a name would
make a second run rename it again, so those symbols become `tf.compat.v1.X` instead.

Findings, at most one per symbol and file: TFM103 for TensorFlow's notes on changed
behaviour (its note that `partition_strategy` is gone from `embedding_lookup`, `nce_loss` and
`sampled_softmax_loss` only where the table may be a list of shards: with one tensor, which
migrate.analysis.shard_lists tells, TF 2 computes the same; its note that initializers take no
`dtype` when made only where one is given), TFM104 for members of modules TF 2 no longer has
(`tf.flags`, `tf.app.flags`; the `tf.contrib` modules TFM801 reports with a replacement are
left to it), symbols left as `tf.compat.v1` are reported by TFM002 at the end (TFM005), once
later transforms (the sessions transform) have converted what they can.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Final

import libcst as cst

from migrate.analysis import rename_tables
from migrate.analysis.call_arguments import UnknownKeywords, bind_arguments_or_none
from migrate.analysis.graph_model import SUMMARY_OPS
from migrate.analysis.graph_only import graph_only_reason
from migrate.analysis.imports import forget_import, through_v1_alias
from migrate.analysis.rename_tables import SEVERITIES, RenameTables
from migrate.analysis.shard_lists import OneTensor
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform
from migrate.transforms.initializer_table import DTYPE, V1_INITIALIZER_PARAMETERS
from migrate.transforms.native_table import NATIVE_TF2_NAMES
from migrate.transforms.native_table import SOURCE_NAMES as NATIVE_SOURCE_NAMES
from migrate.transforms.unported_table import lookup as unported

BEHAVIOUR_CHANGED = "TFM103"
DEPRECATED_MODULE = "TFM104"
_COMPAT_V1 = "tf.compat.v1."
_QUALIFIED_COMPAT_V1 = "tensorflow.compat.v1."
# tf_slim resolves to `tf.contrib.slim.*` for the rules that convert slim code; the package
# itself works with TF 2, so its members are no deprecated-module finding here.
_NOT_DEPRECATED_ROOTS = ("tf_slim",)
# Modules TF 2 dropped whole, whose members TF 2.21's tables no longer all list (Keras 3 took
# tf.compat.v1.layers out of TensorFlow's own API; tf-keras serves it): they keep their v1 path.
V1_ONLY_MODULES: Final = ("tf.layers.",)
# Functions whose table TF1 split among its shards by `partition_strategy` (see
# migrate.analysis.shard_lists): their TF1 parameters, the table first.
_SAMPLED_LOSS = ("weights", "biases", "labels", "inputs", "num_sampled", "num_classes", "num_true", "sampled_values",
                 "remove_accidental_hits", "partition_strategy", "name")
_SHARDED_TABLES: Final = {
    "tf.nn.embedding_lookup": ("params", "ids", "partition_strategy", "name", "validate_indices", "max_norm"),
    "tf.nn.nce_loss": _SAMPLED_LOSS,
    "tf.nn.sampled_softmax_loss": (*_SAMPLED_LOSS, "seed"),
}
_PARTITION_STRATEGY = "partition_strategy"


def effective_target(tables: RenameTables, name: str) -> str | None:
    """What `name` becomes: its table entry, unless that entry is itself renamed again."""
    target = tables.symbol_renames.get(name)
    if target is None and name.startswith(V1_ONLY_MODULES):
        return _COMPAT_V1 + name[len("tf.") :]
    if (
        target is None
        or target not in tables.symbol_renames
        or tables.symbol_renames[target] == target
    ):
        return target
    final = target
    seen = {name}
    while final in tables.symbol_renames and final not in seen:
        seen.add(final)
        final = tables.symbol_renames[final]
    if final.startswith(_COMPAT_V1) or name.startswith("tf.contrib."):
        return final  # tf.compat.v1 has no contrib; its chain ends in a stable name
    return _COMPAT_V1 + name[len("tf.") :]


def converted_later(name: str) -> bool:
    """Symbols the structural transforms (sessions, variables, layers, checkpoints) convert, or
    that TFM003 reports when they cannot: TensorFlow's note on them would be noise."""
    return graph_only_reason(name) is not None or name in SUMMARY_OPS


class ApiRenames(MigrationTransform):
    CODE = "TFM101"
    DESCRIPTION = "rename TF1 symbols to their TF 2 names (TensorFlow's upgrade tables)"
    FINDINGS: ClassVar[Mapping[str, str]] = {
        BEHAVIOUR_CHANGED: "a TF1 symbol whose behaviour changed in TF 2 (TensorFlow's note); check its use",
        DEPRECATED_MODULE: "a member of a module that TF 2 no longer has (tf.contrib, tf.flags)",
    }
    EXAMPLES: ClassVar[Sequence[Example]] = (
        Example(
            "import tensorflow as tf\nw = tf.random_normal([3]) + tf.log(x)\n",
            "import tensorflow as tf\nw = tf.random.normal([3]) + tf.math.log(x)\n",
            "attribute-chains",
        ),
        Example(
            "from tensorflow import random_normal\nw = random_normal([3])\n",
            "import tensorflow as tf\n\nw = tf.random.normal([3])\n",
            "from-import",
        ),
        Example(
            "import tensorflow as tf\nif tf.gfile.Exists(path):\n    read = tf.gfile.GFile\n",
            "import tensorflow as tf\nif tf.io.gfile.exists(path):\n    read = tf.io.gfile.GFile\n",
            "non-call-reference",
        ),
        Example(
            "import tensorflow as tf\ny = tf.compat.v1.nn.relu(tf.compat.v1.matmul(x, w))\n"
            "z = tf.compat.v1.cast(y, tf.compat.v1.float32)\n",
            "import tensorflow as tf\ny = tf.nn.relu(tf.matmul(x, w))\nz = tf.cast(y, tf.float32)\n",
            "compat-v1-same-object",
        ),
        Example(
            "import tensorflow as tf\nw = tf.random.normal([3])\nx = tf.compat.v1.placeholder(tf.float32)\n",
            None,
            "already-tf2",
        ),
        Example(
            "import tensorflow as tf\ns = tf.compat.v1.reduce_sum(x, keep_dims=True)\n"
            "h = tf.compat.v1.nn.dropout(x, 0.5)\n",
            None,
            "compat-v1-different-object",
        ),
        Example(
            "import tensorflow as tf\nopt = tf.keras.optimizers.Adam(0.1)\n"
            "init = tf.keras.initializers.Zeros()\n",
            None,
            "keras-3-untouched",
        ),
        Example(
            "import tensorflow as tf\ndef f(tf):\n    return tf.random_normal([3])\n",
            None,
            "shadowed-alias",
        ),
        Example(
            "import tensorflow as tf\ny = tf.layers.Dense(3).apply(x)\nz = tf.random_normal([2]).shape\n",
            "import tensorflow as tf\ny = tf.compat.v1.layers.Dense(3).apply(x)\nz = tf.random.normal([2]).shape\n",
            "attribute-of-a-call-result",
        ),
    )

    @classmethod
    def runnable(cls) -> bool:
        # Without TensorFlow there are no tables: the file is left as it is.
        return rename_tables.tables_problem() is None

    def visit_Module(self, node: cst.Module) -> bool:
        self._tables: RenameTables = rename_tables.load_tables()
        # By the node's id (nodes of the tree being read, alive for the whole pass): libcst's
        # own hash of a node is a Python-level call, and these are asked at every reference.
        self._replacements: dict[int, cst.BaseExpression] = {}
        self._covered: set[int] = set()
        self._calls: dict[int, cst.Call] = {}
        self._reported: set[tuple[str, str]] = set()
        self._one_tensor = OneTensor(node, self.tf_api)
        return super().visit_Module(node)

    # Names inside import statements are bindings, not references.
    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        self._calls[id(node.func)] = node
        return True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self._reference(node)
        return True

    def visit_Name(self, node: cst.Name) -> bool:
        self._reference(node)
        return True

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_Name(
        self, original_node: cst.Name, updated_node: cst.Name
    ) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def _replace(
        self, original: cst.Attribute | cst.Name, updated: cst.Attribute | cst.Name
    ) -> cst.BaseExpression:
        replacement = self._replacements.get(id(original))
        if replacement is None:
            return updated
        return replacement.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def _reference(self, node: cst.Attribute | cst.Name) -> None:
        """Handle the outermost TensorFlow chain that `node` starts, once."""
        if id(node) in self._covered:
            return
        name = self.tf_api(node)
        if name is None or name == "tf" or not self.is_load(node):
            return
        chain: list[cst.Attribute | cst.Name] = []
        current: cst.BaseExpression = node
        while isinstance(current, (cst.Attribute, cst.Name)):
            chain.append(current)
            current = (
                current.value if isinstance(current, cst.Attribute) else cst.Ellipsis()
            )
        self._covered.update(map(id, chain))
        if not isinstance(chain[-1], cst.Name):
            # An attribute of what an expression gives (`tf.layers.Dense(3).apply`): libcst
            # names it through the call, but it is no module symbol; the call's own reference
            # is handled on its own.
            return
        if through_v1_alias(self._qualified(chain[-1])):
            return
        for part in chain:  # longest first: `tf.GraphKeys.X` renames `tf.GraphKeys`
            part_name = self.tf_api(part)
            if part_name is None or part_name == "tf":
                break
            if (
                rename_tables.not_applicable(part_name) is not None
                or part_name in NATIVE_TF2_NAMES
            ):
                return  # already TF 2 code; the tables' entries would break it
            if part_name in self._tables.symbol_renames or part_name.startswith(V1_ONLY_MODULES):
                self._rename(part, part_name)
                return
        self._drop_compat_v1(chain)
        self._note(node, name)

    def _drop_compat_v1(self, chain: Sequence[cst.Attribute | cst.Name]) -> None:
        """`tf.compat.v1.X` -> `tf.X` for the longest part that TF 2 exports."""
        if self._qualified(chain[-1]) != {"tensorflow"}:
            return  # spelled through a from-import or a module alias: left as written
        for part in chain:
            spelled = [
                q for q in self._qualified(part) if q.startswith(_QUALIFIED_COMPAT_V1)
            ]
            if len(spelled) != 1:
                return
            path = spelled[0][len(_QUALIFIED_COMPAT_V1) :]
            if "tf." + path in NATIVE_SOURCE_NAMES:
                return  # TFM110 converts these where it can; what it left needs compat.v1
            if "tf." + path not in self._tables.tf2_names:
                continue
            call = self._calls.get(id(chain[0])) if part is chain[0] else None
            if call is not None and self._needs_argument_changes("tf." + path, call):
                return  # TFM102 has not adapted this call (not selected, or it declined)
            if not self.is_suppressed_at(part) and self._alias_usable(part):
                self._replacements[id(part)] = self.tf_expr(path)
            return

    def _needs_argument_changes(self, name: str, call: cst.Call) -> bool:
        """Whether the call still has arguments whose TF 2 meaning differs (per the tables)."""
        renamed = self._tables.keyword_renames.get(name, {})
        if any(a.keyword is not None and a.keyword.value in renamed for a in call.args):
            return True
        positional = [a for a in call.args if a.keyword is None]
        reorder = self._tables.reorders.get(name, ())
        if any(n < len(reorder) and reorder[n] for n in range(len(positional))):
            return True  # a positional argument whose position TF 2 changed
        added = self._tables.added_arguments.get(name)
        if not added:
            return False
        return not any(a.keyword is not None and a.keyword.value in added for a in call.args)

    def _same_in_tf2(self, node: cst.CSTNode, name: str) -> bool:
        """A call that TensorFlow's note on `name` does not concern: a `_SHARDED_TABLES`
        function given one tensor as its table and no `partition_strategy` (TF 2's change of
        strategy makes no difference to it), or an initializer made without a `dtype`."""
        call = self._calls.get(id(node))
        if call is None:
            return False
        if name in V1_INITIALIZER_PARAMETERS:
            signature = V1_INITIALIZER_PARAMETERS[name]
            made = bind_arguments_or_none(call, signature, unknown_keywords=UnknownKeywords.REFUSE)
            return made is not None and DTYPE not in made
        parameters = _SHARDED_TABLES.get(name)
        if parameters is None:
            return False
        bound = bind_arguments_or_none(call, parameters, unknown_keywords=UnknownKeywords.REFUSE)
        if bound is None or _PARTITION_STRATEGY in bound or parameters[0] not in bound:
            return False
        return self._one_tensor.holds_one(bound[parameters[0]].value)

    def _qualified(self, node: cst.CSTNode) -> set[str]:
        return {q.name for q in self.qualified_names(node)}

    def _rename(self, node: cst.Attribute | cst.Name, name: str) -> None:
        target = effective_target(self._tables, name)
        if target is None or not target.startswith("tf."):
            return
        if _to_qualified(target) in self._qualified(node) or self.is_suppressed_at(
            node
        ):
            return  # already spelled as its target, or switched off here
        self._note(node, name)
        if not self._alias_usable(node):
            return
        self._replacements[id(node)] = self.tf_expr(target[len("tf.") :])
        forget_import(self, node, self._tf_alias)
    def _note(self, node: cst.CSTNode, name: str) -> None:
        warning = self._tables.function_warnings.get(name)
        if warning is not None and not converted_later(name) and not self._same_in_tf2(node, name):
            message = f"{name} requires manual check: {rename_tables.condense(warning.message, name)}"
            self._once(
                node,
                name,
                BEHAVIOUR_CHANGED,
                message,
                SEVERITIES.get(warning.level, Severity.WARNING),
            )
        if name in self._tables.symbol_renames or any(
            q.startswith(_NOT_DEPRECATED_ROOTS) for q in self._qualified(node)
        ):
            return
        module = _deprecated_module(self._tables, name)
        if module is not None and unported(name) is None:  # else TFM801 reports it
            note = self._tables.module_deprecations[module]
            message = (
                f"{name} is in module {module}, which TF 2 does not have: {rename_tables.condense(note.message, name)}"
            )
            self._once(
                node,
                name,
                DEPRECATED_MODULE,
                message,
                SEVERITIES.get(note.level, Severity.WARNING),
            )

    def _once(
        self, node: cst.CSTNode, name: str, code: str, message: str, severity: Severity
    ) -> None:
        if (code, name) in self._reported:
            return
        self._reported.add((code, name))
        self.report(node, message, code=code, severity=severity)

    def _alias_usable(self, node: cst.CSTNode) -> bool:
        """The root alias (or the `tf` an import will bind) must mean TensorFlow at `node`."""
        alias = self._tf_alias or "tf"
        bindings = self.import_bindings(node, alias)
        if not bindings:
            return True
        return all(
            statement is not None and self._binds_root(statement, alias)
            for statement in bindings
        )

    @staticmethod
    def _binds_root(statement: cst.Import | cst.ImportFrom, alias: str) -> bool:
        if not isinstance(statement, cst.Import):
            return False
        for imported in statement.names:
            bound = imported.evaluated_alias or imported.evaluated_name
            if bound == alias and imported.evaluated_name == "tensorflow":
                return True
        return False


def _to_qualified(target: str) -> str:
    return "tensorflow" + target[len("tf") :]


def _deprecated_module(tables: RenameTables, name: str) -> str | None:
    parts = name.split(".")
    for end in range(len(parts) - 1, 1, -1):
        module = ".".join(parts[:end])
        if module in tables.module_deprecations:
            return module
    return None
