"""TFM106: a static dimension's `.value` goes: TF 2 shapes hold plain ints.

TF1's `TensorShape` held `Dimension`s, read as `x.get_shape()[1].value`; TF 2's holds ints (or
None where TF1's `.value` was None), which have no `.value`, so a converted program that keeps
it fails at once. In a file converted to TF 2, `.value` on an element of a static shape goes:
`x.shape[i]`, `x.get_shape()[i]`, a name bound once in its scope to such a shape (`shape =
x.get_shape()` then `shape[1].value`), and a loop or comprehension variable over one or over a
slice of one (`[d.value for d in x.get_shape()[1:]]`). A file that stays in graph mode keeps it
(EAGER_ONLY): there `disable_v2_behavior` gives back TF1's shapes, whose dimensions other code
may rely on.
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

import libcst as cst
import libcst.codemod

from migrate.analysis import syntax
from migrate.transforms.base import Example, MigrationTransform


def _is_shape(node: cst.BaseExpression) -> bool:
    """`x.shape`, `x.get_shape()`, or `tf.TensorShape(...)` (a placeholder's static shape
    as the sessions rule writes it out)."""
    if isinstance(node, cst.Attribute):
        return node.attr.value == "shape"
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
        return False
    if node.func.attr.value == "TensorShape":
        return len(node.args) == 1
    return not node.args and node.func.attr.value == "get_shape"


# Nodes that bind their `target`.
_BINDERS = (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor, cst.NamedExpr)


def _bound_in(scope: cst.CSTNode) -> Counter[str]:
    """How many times each name is bound in `scope`, nested functions included (a name bound
    there too is not taken for a shape)."""
    counts: Counter[str] = Counter()
    for node in syntax.nodes_of(scope, *_BINDERS, cst.AsName, cst.Param):
        if isinstance(node, cst.AsName):
            target: cst.BaseExpression | None = node.name if isinstance(node.name, cst.BaseExpression) else None
        elif isinstance(node, cst.Param):
            target = node.name
        else:
            assert isinstance(node, _BINDERS)
            target = node.target
        if target is not None:
            counts.update(syntax.bound_names(target))
    return counts


def _shape_names(scope: cst.CSTNode, body: cst.CSTNode) -> tuple[frozenset[str], frozenset[str]]:
    """The names `scope` binds, and those of them bound once, to a static shape."""
    counts = _bound_in(scope)
    shapes = {
        node.targets[0].target.value
        for node in syntax.nodes_of(body, cst.Assign)
        if isinstance(node, cst.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0].target, cst.Name)
        and _is_shape(node.value)
    }
    return frozenset(counts), frozenset(name for name in shapes if counts[name] == 1)


class DimensionValues(MigrationTransform):
    CODE = "TFM106"
    DESCRIPTION = "`.value` of a static dimension (x.get_shape()[1].value) goes: TF 2 shapes hold ints"
    EAGER_ONLY = True
    TRIGGERS = (".value",)
    EXAMPLES: ClassVar = (
        Example(
            "import tensorflow as tf\n\n"
            "def flatten(x):\n"
            "    shape = x.get_shape()\n"
            "    size = shape[1].value * shape[2].value\n"
            "    return tf.reshape(x, [-1, size]), [d.value for d in x.shape], x.shape[-1].value\n",
            "import tensorflow as tf\n\n"
            "def flatten(x):\n"
            "    shape = x.get_shape()\n"
            "    size = shape[1] * shape[2]\n"
            "    return tf.reshape(x, [-1, size]), [d for d in x.shape], x.shape[-1]\n",
            "static-dimensions",
        ),
        Example(
            "import tensorflow as tf\n\n"
            "shape = x.get_shape()\n"
            "shape = [3, 4]\n"
            "n = shape[0].value + v.value + w.value()\n",
            None,
            "not-a-dimension",
        ),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        # Innermost last: the names each scope binds, and those bound once to a shape.
        self._scopes: list[tuple[frozenset[str], frozenset[str]]] = []
        self._dimensions: list[frozenset[str]] = []  # loop and comprehension variables over a shape
        self._called: set[int] = set()

    def visit_Module(self, node: cst.Module) -> bool:
        self._scopes.append(_shape_names(node, node))
        return super().visit_Module(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(_shape_names(node, node.body))

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._scopes.pop()
        return updated_node

    def visit_Call(self, node: cst.Call) -> None:
        self._called.add(id(node.func))

    def visit_For(self, node: cst.For) -> None:
        self._dimensions.append(self._loop_variables([(node.target, node.iter)]))

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        self._dimensions.pop()
        return updated_node

    # A comprehension's element comes before its `for` in the tree: its variables are known first.
    def _visit_comprehension(self, node: cst.BaseComp) -> None:
        loops: list[tuple[cst.BaseExpression, cst.BaseExpression]] = []
        comp: cst.CompFor | None = node.for_in
        while comp is not None:
            loops.append((comp.target, comp.iter))
            comp = comp.inner_for_in
        self._dimensions.append(self._loop_variables(loops))

    def _leave_comprehension(self) -> None:
        self._dimensions.pop()

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._visit_comprehension(node)

    def leave_ListComp(self, original_node: cst.ListComp, updated_node: cst.ListComp) -> cst.BaseExpression:
        self._leave_comprehension()
        return updated_node

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._visit_comprehension(node)

    def leave_SetComp(self, original_node: cst.SetComp, updated_node: cst.SetComp) -> cst.BaseExpression:
        self._leave_comprehension()
        return updated_node

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._visit_comprehension(node)

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp, updated_node: cst.GeneratorExp) -> cst.BaseExpression:
        self._leave_comprehension()
        return updated_node

    def _loop_variables(self, loops: list[tuple[cst.BaseExpression, cst.BaseExpression]]) -> frozenset[str]:
        return frozenset(target.value for target, over in loops if isinstance(target, cst.Name) and self._shape(over))

    def _shape(self, node: cst.BaseExpression) -> bool:
        if _is_shape(node):
            return True
        if isinstance(node, cst.Subscript):  # a slice of a shape is a shape
            return len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Slice) and self._shape(node.value)
        if not isinstance(node, cst.Name):
            return False
        for bound, shapes in reversed(self._scopes):
            if node.value in bound:
                return node.value in shapes
        return False

    def _dimension(self, node: cst.BaseExpression) -> bool:
        """An element of a static shape: `shape[i]`, or a loop variable over a shape."""
        if isinstance(node, cst.Subscript):
            return (
                len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) and self._shape(node.value)
            )
        return isinstance(node, cst.Name) and any(node.value in names for names in self._dimensions)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if original_node.attr.value != "value" or id(original_node) in self._called:
            return updated_node
        if not self._dimension(original_node.value) or self.is_suppressed_at(original_node):
            return updated_node
        return updated_node.value
