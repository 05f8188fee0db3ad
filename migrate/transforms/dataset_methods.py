"""TFM105: TF1 dataset methods TF 2's datasets lack become the `tf.compat.v1.data` functions.

`dataset.make_one_shot_iterator()`, `dataset.make_initializable_iterator()` and
`dataset.output_types` / `output_shapes` / `output_classes` are methods and properties of TF1's
`DatasetV1`; TF 2's `tf.data.Dataset` has none of them, not even in graph mode, so an output that
keeps them fails. `tf.compat.v1.data` has each as a function of the dataset (as `tf_upgrade_v2`
writes them). The session transform then turns the iterators it can into Python iteration; in a
file that stays in graph mode these calls are what keeps it working.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst
import libcst.codemod

from migrate.analysis import tf_names
from migrate.transforms.base import Example, MigrationTransform

# Methods and properties of TF1 datasets (and iterators) -> their tf.compat.v1.data function.
_METHODS = {
    "make_one_shot_iterator": "make_one_shot_iterator",
    "make_initializable_iterator": "make_initializable_iterator",
}
_PROPERTIES = {
    "output_types": "get_output_types",
    "output_shapes": "get_output_shapes",
    "output_classes": "get_output_classes",
}


class DatasetMethods(MigrationTransform):
    CODE = "TFM105"
    DESCRIPTION = "dataset.make_one_shot_iterator() and other TF1-only dataset methods become tf.compat.v1.data calls"
    TRIGGERS = ("_iterator", "output_types", "output_shapes", "output_classes")
    EXAMPLES: ClassVar = (
        Example(
            "import tensorflow as tf\n\nit = tf.data.Dataset.range(3).make_one_shot_iterator()\n",
            "import tensorflow as tf\n\nit = tf.compat.v1.data.make_one_shot_iterator(tf.data.Dataset.range(3))\n",
            "one-shot-iterator",
        ),
        Example(
            "import tensorflow as tf\n\nit = tf.data.Iterator.from_structure(\n"
            "    train.output_types, train.output_shapes\n)\n",
            "import tensorflow as tf\n\nit = tf.data.Iterator.from_structure(\n"
            "    tf.compat.v1.data.get_output_types(train), tf.compat.v1.data.get_output_shapes(train)\n)\n",
            "structure-properties",
        ),
        Example("import tensorflow as tf\n\nspec.output_types = (tf.float32,)\n", None, "assigned-attribute"),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._assigned: set[int] = set()  # attributes written to, not read

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._assigned.add(id(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._assigned.add(id(node.target))

    def _module_member(self, node: cst.BaseExpression) -> bool:
        """`tf.data.make_one_shot_iterator` itself, not a method of a value (libcst also names
        `tf.data.Dataset.range(3).make_one_shot_iterator` through the call)."""
        return tf_names.dotted(node) is not None and self.tf_api(node) is not None

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _METHODS:
            return updated_node
        if self._module_member(original_node.func) or any(arg.star for arg in updated_node.args):
            return updated_node  # a TensorFlow module function of that name, not a dataset's method
        if self.is_suppressed_at(original_node):
            return updated_node
        receiver = cst.Arg(func.value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        arguments = [receiver, *updated_node.args] if updated_node.args else [cst.Arg(func.value)]
        return cst.Call(self.tf_expr(f"compat.v1.data.{_METHODS[func.attr.value]}"), arguments)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if updated_node.attr.value not in _PROPERTIES or id(original_node) in self._assigned:
            return updated_node
        if self._module_member(original_node):
            return updated_node
        if self.is_suppressed_at(original_node):
            return updated_node
        function = self.tf_expr(f"compat.v1.data.{_PROPERTIES[updated_node.attr.value]}")
        return cst.Call(function, [cst.Arg(updated_node.value)])
