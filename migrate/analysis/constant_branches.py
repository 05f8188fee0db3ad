"""Branches a constructor takes for the constants it is built with.

A model class often builds part of its graph only for one use (`if is_training:` around the
optimizer, `if mode == "train":` around dropout). Once a construction binds such a parameter to
a literal (`Model(is_training=True)`) and `__init__` never rebinds it, the test has one outcome:
the statements of the branch taken replace the `if`, and the graph rules see a graph built
once, as TF1 built it for that construction.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

import libcst as cst

from migrate.analysis import syntax

# A literal's Python value, or this when the expression is not a literal.
UNKNOWN = object()


def literal_value(node: cst.BaseExpression) -> object:
    """The value of `True`, `None`, `3`, `-1.5`, `"train"` (and tuples of them), or `UNKNOWN`."""
    if isinstance(node, cst.Name):
        return {"True": True, "False": False, "None": None}.get(node.value, UNKNOWN)
    if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString, cst.UnaryOperation, cst.Tuple)):
        try:
            return ast.literal_eval(syntax.code_of(node))
        except (ValueError, SyntaxError):
            return UNKNOWN
    return UNKNOWN


def constants(arguments: Sequence[tuple[str, cst.BaseExpression]], body: cst.CSTNode) -> dict[str, object]:
    """The parameters bound to a literal that `body` never rebinds, with their values."""
    rebound = syntax.assigned_names(body)
    found: dict[str, object] = {}
    for name, value in arguments:
        literal = literal_value(value)
        if literal is not UNKNOWN and name not in rebound:
            found[name] = literal
    return found


def outcome(test: cst.BaseExpression, known: Mapping[str, object]) -> bool | None:
    """What `test` gives with the names of `known` bound to their values; None when that is not
    decided by them alone (`if p:`, `if not p:`, `p is None`, `p == "train"`, `p in ("a", "b")`,
    `and` / `or` of those)."""
    value = _evaluate(test, known)
    return None if value is UNKNOWN else bool(value)


def _evaluate(node: cst.BaseExpression, known: Mapping[str, object]) -> object:
    if isinstance(node, cst.Name) and node.value in known:
        return known[node.value]
    literal = literal_value(node)
    if literal is not UNKNOWN:
        return literal
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        inner = _evaluate(node.expression, known)
        return UNKNOWN if inner is UNKNOWN else not inner
    if isinstance(node, cst.BooleanOperation):
        left = _evaluate(node.left, known)
        right = _evaluate(node.right, known)
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        return (left and right) if isinstance(node.operator, cst.And) else (left or right)
    if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
        left = _evaluate(node.left, known)
        target = node.comparisons[0]
        right = _evaluate(target.comparator, known)
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        return _compare(target.operator, left, right)
    return UNKNOWN


def _compare(operator: cst.BaseCompOp, left: object, right: object) -> object:
    try:
        if isinstance(operator, cst.Is):
            return left is right if left is None or right is None or isinstance(left, bool) else UNKNOWN
        if isinstance(operator, cst.IsNot):
            return left is not right if left is None or right is None or isinstance(left, bool) else UNKNOWN
        if isinstance(operator, cst.Equal):
            return left == right
        if isinstance(operator, cst.NotEqual):
            return left != right
        if isinstance(operator, cst.In):
            return left in right  # type: ignore[operator]
        if isinstance(operator, cst.NotIn):
            return left not in right  # type: ignore[operator]
    except TypeError:
        return UNKNOWN
    return UNKNOWN


class TakenBranches(cst.CSTTransformer):
    """Each `if` (and `elif` chain) whose test `known` decides becomes the statements of the
    branch taken, with the comment lines above the `if`. Nested functions keep their own names."""

    def __init__(self, known: Mapping[str, object]) -> None:
        super().__init__()
        self.known = known
        self.hidden: list[frozenset[str]] = []
        self.elifs: set[int] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.hidden.append(syntax.own_names(node))
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.hidden.pop()
        return updated_node

    def visit_If(self, node: cst.If) -> bool:
        if isinstance(node.orelse, cst.If):
            self.elifs.add(id(node.orelse))
        return True

    def leave_If(
        self, original_node: cst.If, updated_node: cst.If
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if id(original_node) in self.elifs:
            return updated_node  # decided with the `if` that heads its chain
        statements = self._taken(updated_node)
        if statements is None:
            return updated_node
        if not statements:
            return cst.RemoveFromParent()
        lines = [*updated_node.leading_lines, *syntax.leading_lines(statements[0])]
        return cst.FlattenSentinel([syntax.with_leading_lines(statements[0], lines), *statements[1:]])

    def _taken(self, node: cst.If) -> list[cst.BaseStatement] | None:
        known = self.known
        if self.hidden:
            shadowed = frozenset().union(*self.hidden)
            known = {name: value for name, value in known.items() if name not in shadowed}
        taken = outcome(node.test, known)
        if taken is None:
            return None
        if taken:
            return list(_block(node.body))
        if node.orelse is None:
            return []
        if isinstance(node.orelse, cst.Else):
            return list(_block(node.orelse.body))
        chained = self._taken(node.orelse)
        if chained is None:  # the `elif` stays, as an `if` of its own
            return [cst.If(test=node.orelse.test, body=node.orelse.body, orelse=node.orelse.orelse)]
        return chained

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if updated_node.body:
            return updated_node
        return updated_node.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])


def _block(suite: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    if isinstance(suite, cst.IndentedBlock):
        return suite.body
    assert isinstance(suite, cst.SimpleStatementSuite)
    return [cst.SimpleStatementLine(list(suite.body))]
