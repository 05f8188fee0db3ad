"""Whether an argument evidently holds one tensor rather than a list of shards.

TF1's `tf.nn.embedding_lookup`, `nce_loss` and `sampled_softmax_loss` took their table either as
one tensor or as a list of shards (a partitioned variable is one), split among them by
`partition_strategy`, "mod" by default; TF 2 has no such argument and splits by "div". With
one tensor there is nothing to split and both give the same numbers, so TensorFlow's note on
the change says nothing about such a call.

An argument is one tensor when it is a TensorFlow call that returns one (not `tf.split`,
`tf.unstack` and the like, not a variable made with a `partitioner`), arithmetic on such
values, or a name (or `self.name`) that the file binds only by plain assignments of those.
Anything else (a parameter, a loop variable, a list, a name bound elsewhere) may be a list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import libcst as cst

from migrate.analysis.tf_names import dotted

# TensorFlow calls that return a list of tensors (or a partitioned variable) by design.
_LISTS: Final = frozenset(
    {
        "tf.split", "tf.unstack", "tf.unpack", "tf.meshgrid", "tf.dynamic_partition", "tf.create_partitioned_variables",
        "tf.get_collection", "tf.trainable_variables", "tf.global_variables", "tf.gradients",
    }
)
_PARTITIONER = "partitioner"
# An expression's TensorFlow API name (canonical, `tf.` + path), or None.
Resolver = Callable[[cst.BaseExpression], "str | None"]


class _Assignments(cst.CSTVisitor):
    """Every value a name or `self.attribute` is given by `target = value`, and the names that
    some other statement binds (parameters, loops, unpacking, `with ... as`, imports, `+=`)."""

    def __init__(self) -> None:
        self.values: dict[str, list[cst.BaseExpression]] = {}
        self.other: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            text = _text(target.target)
            if len(node.targets) == 1 and text is not None:
                self.values.setdefault(text, []).append(node.value)
            else:
                self.other.update(_bound_texts(target.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.other.update(_bound_texts(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.other.update(_bound_texts(node.target))

    def visit_For(self, node: cst.For) -> None:
        self.other.update(_bound_texts(node.target))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.other.update(_bound_texts(node.target))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.other.update(_bound_texts(node.asname.name))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.other.update(_bound_texts(node.target))

    def visit_Param(self, node: cst.Param) -> None:
        self.other.add(node.name.value)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        self.other.add(node.evaluated_alias or (dotted(node.name) or "").split(".")[0])


def _text(node: cst.BaseExpression) -> str | None:
    """`name` or `self.name`, as written; None for other targets."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return f"self.{node.attr.value}"
    return None


def _bound_texts(node: cst.CSTNode) -> set[str]:
    found = {_text(node)} if isinstance(node, cst.BaseExpression) else set()
    if isinstance(node, (cst.Tuple, cst.List)):
        for element in node.elements:
            found |= _bound_texts(element.value)
    elif isinstance(node, cst.StarredElement):
        found |= _bound_texts(node.value)
    return {text for text in found if text is not None}


class OneTensor:
    """Answers `holds_one(argument)` for the expressions of one module."""

    def __init__(self, module: cst.Module, resolve: Resolver) -> None:
        self._module = module
        self._resolve = resolve
        self._assignments: _Assignments | None = None  # read on the first question: most files ask none

    def holds_one(self, expression: cst.BaseExpression) -> bool:
        if self._assignments is None:
            self._assignments = _Assignments()
            self._module.visit(self._assignments)
        return self._holds_one(expression, frozenset())

    def _holds_one(self, expression: cst.BaseExpression, seen: frozenset[str]) -> bool:
        if isinstance(expression, (cst.Integer, cst.Float)):
            return True
        if isinstance(expression, cst.UnaryOperation):
            return self._holds_one(expression.expression, seen)
        if isinstance(expression, cst.BinaryOperation):
            return self._holds_one(expression.left, seen) and self._holds_one(expression.right, seen)
        if isinstance(expression, cst.Call):
            api = self._resolve(expression.func)
            return (
                api is not None and api.startswith("tf.") and api not in _LISTS
                and not any(arg.keyword is not None and arg.keyword.value == _PARTITIONER for arg in expression.args)
            )
        assert self._assignments is not None
        text = _text(expression)
        if text is None or text in seen or text in self._assignments.other:
            return False
        values = self._assignments.values.get(text, [])
        return bool(values) and all(self._holds_one(value, seen | {text}) for value in values)
