"""TFM130: `tf.contrib.slim` becomes the `tf_slim` package it was split out into.

`tf_slim` carries the same functions under the same names, so imports and references change
and nothing else. `tf_slim` works on TF 2 with and without legacy Keras.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrate.analysis import tf_names
from migrate.analysis.imports import LOCAL, module_bindings
from migrate.transforms.base import Example, MigrationTransform

_SLIM = "tf.contrib.slim"


def _slim_import(alias: str) -> cst.Import:
    asname = None if alias == "tf_slim" else cst.AsName(cst.Name(alias))
    return cst.Import(names=[cst.ImportAlias(cst.Name("tf_slim"), asname)])


class SlimImport(MigrationTransform):
    CODE = "TFM130"
    DESCRIPTION = "`tf.contrib.slim` becomes `import tf_slim as slim`"
    TRAVERSAL_GROUP = "modules"
    TRIGGERS = ("slim",)
    EXAMPLES = (
        Example(
            "import tensorflow.contrib.slim as slim  # layers\n\nnet = slim.conv2d(x, 32, [3, 3])\n",
            "import tf_slim as slim  # layers\n\nnet = slim.conv2d(x, 32, [3, 3])\n",
            "import-as",
        ),
        Example(
            "import tensorflow as tf\n\nslim = tf.contrib.slim\nnet = tf.contrib.slim.fully_connected(x, 10)\n",
            "import tensorflow as tf\n\nimport tf_slim as slim\nnet = slim.fully_connected(x, 10)\n",
            "attribute",
        ),
        Example("import tf_slim as slim\n\nnet = slim.conv2d(x, 32, [3, 3])\n", None, "already-tf-slim"),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._alias: str | None = None
        self._bindings: dict[str, set[str]] = {}
        self._other_slim = False

    def visit_Module(self, node: cst.Module) -> bool:
        super().visit_Module(node)
        self._bindings = module_bindings(node)
        self._other_slim = any(
            isinstance(statement, cst.SimpleStatementLine)
            and any(
                isinstance(small, cst.Assign)
                and any(tf_names.dotted(t.target) == "slim" for t in small.targets)
                and self.tf_api(small.value) != _SLIM
                for small in statement.body
            )
            for statement in node.body
        )
        return True

    def _slim_alias(self) -> str:
        if self._alias is None:
            # A module-level `slim` that is not slim itself (or `slim = tf.contrib.slim`, which
            # becomes the import) must not be shadowed.
            taken = self._bindings.get("slim", set()) - {"tf_slim", "tensorflow.contrib.slim", LOCAL}
            self._alias = "tf_slim" if taken or self._other_slim else "slim"
            AddImportsVisitor.add_needed_import(
                self.context, "tf_slim", asname=None if self._alias == "tf_slim" else "slim"
            )
        return self._alias

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        if self.is_suppressed_at(original_node):
            return updated_node
        names = [
            alias.with_changes(name=cst.Name("tf_slim"))
            if tf_names.dotted(alias.name) == "tensorflow.contrib.slim" and alias.asname is not None
            else alias
            for alias in updated_node.names
        ]
        return updated_node.with_changes(names=names)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.Import | cst.ImportFrom:
        if (
            original_node.module is None
            or original_node.relative
            or tf_names.dotted(original_node.module) != "tensorflow.contrib"
            or isinstance(original_node.names, cst.ImportStar)
            or len(original_node.names) != 1
            or tf_names.dotted(original_node.names[0].name) != "slim"
            or self.is_suppressed_at(original_node)
        ):
            return updated_node
        alias = original_node.names[0].evaluated_alias or "slim"
        return _slim_import(alias).with_changes(semicolon=updated_node.semicolon)

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.BaseSmallStatement:
        # `slim = tf.contrib.slim` is an import in disguise.
        if (
            len(original_node.targets) == 1
            and isinstance(original_node.targets[0].target, cst.Name)
            and self.tf_api(original_node.value) == _SLIM
            and not self.is_suppressed_at(original_node)
        ):
            return _slim_import(original_node.targets[0].target.value).with_changes(
                semicolon=updated_node.semicolon
            )
        return updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if self.tf_api(original_node) != _SLIM or tf_names.dotted(original_node) == "tf_slim":
            return updated_node
        if self.is_suppressed_at(original_node):
            return updated_node
        return cst.Name(self._slim_alias())
