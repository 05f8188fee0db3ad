"""TFM107: a TensorFlow version check that every release answers alike keeps only its branch.

Real TF1 code guards API moves with the version: `if tf.__version__[0] >= '1': cell =
tf.contrib.rnn.BasicRNNCell(...) else: cell = tf.nn.rnn_cell.BasicRNNCell(...)`. The later rules
cannot convert code that sits in a branch, and one of the branches is dead on every TensorFlow the
program can meet. A condition that reads only the version (`tf.__version__`, `tf.VERSION`,
`tf.version.VERSION`) through comparisons, indexing, `int` / `float` / `str`, `split` and
`startswith`, and that gives the same answer for TF 1.0, 1.4, 1.15 and 2.21, is replaced by the
branch it takes. A check the releases answer differently (`tf.__version__ < '2'`) is a real choice
between TF1 and TF 2 code and stays as it is.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import ClassVar

import libcst as cst
import libcst.codemod

from migrate.analysis import syntax
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform

_VERSION_APIS = frozenset({"tf.__version__", "tf.VERSION", "tf.version.VERSION"})
# The releases a check must answer alike: the first TF1, two later ones, the TF 2 this project targets.
RELEASES = ("1.0.0", "1.4.1", "1.15.5", "2.21.0")
_VERSION = "tensorflow_version"
_FUNCTIONS = {"int": int, "float": float, "str": str}
_METHODS = frozenset({"split", "startswith", "strip"})
_ALLOWED = (
    ast.Expression, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Not, ast.And, ast.Or, ast.Subscript, ast.Slice,
    ast.Constant, ast.Tuple, ast.Load, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.USub,
)  # fmt: skip


class _VersionReads(cst.CSTTransformer):
    """Replaces each read of the TensorFlow version in a condition by one name."""

    def __init__(self, rule: MigrationTransform) -> None:
        super().__init__()
        self.rule = rule
        self.found = 0

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if self.rule.tf_api(original_node) in _VERSION_APIS:
            self.found += 1
            return cst.Name(_VERSION)
        return updated_node


def _allowed(tree: ast.AST) -> bool:
    """Only comparisons of the version and literals, through the few functions and methods above."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id != _VERSION and node.id not in _FUNCTIONS:
                return False
        elif isinstance(node, ast.Call):
            func = node.func
            known = (isinstance(func, ast.Name) and func.id in _FUNCTIONS) or (
                isinstance(func, ast.Attribute) and func.attr in _METHODS
            )
            if not known or node.keywords:
                return False
        elif isinstance(node, ast.Attribute):
            if node.attr not in _METHODS:
                return False
        elif not isinstance(node, _ALLOWED):
            return False
    return True


def answer(condition_code: str) -> bool | None:
    """The answer every release in RELEASES gives to a condition over `tensorflow_version`, or
    None when they differ, or the condition is not one this rule reads."""
    try:
        tree = ast.parse(condition_code.strip(), mode="eval")
    except SyntaxError:
        return None
    if not _allowed(tree):
        return None
    code = compile(tree, "<version check>", "eval")
    answers = set()
    for release in RELEASES:
        try:
            answers.add(bool(eval(code, {"__builtins__": {}, **_FUNCTIONS, _VERSION: release})))
        except Exception:  # noqa: BLE001  # a check that fails on some release is not dead code
            return None
    return answers.pop() if len(answers) == 1 else None


class VersionChecks(MigrationTransform):
    CODE = "TFM107"
    DESCRIPTION = "a TensorFlow version check that every release answers alike keeps only the branch it takes"
    TRIGGERS = ("__version__", "VERSION")
    EXAMPLES: ClassVar = (
        Example(
            "import tensorflow as tf\n\n"
            "if tf.__version__[0] >= '1':\n"
            "    cell = tf.contrib.rnn.BasicRNNCell(8)\n"
            "else:\n"
            "    cell = tf.nn.rnn_cell.BasicRNNCell(8)\n",
            "import tensorflow as tf\n\ncell = tf.contrib.rnn.BasicRNNCell(8)\n",
            "dead-branch-goes",
        ),
        Example(
            "import tensorflow as tf\n\n"
            "if tf.__version__ < '2':\n"
            "    cell = tf.nn.rnn_cell.BasicRNNCell(8)\n"
            "else:\n"
            "    cell = tf.keras.layers.SimpleRNNCell(8)\n",
            None,
            "tf1-or-tf2-choice-stays",
        ),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._elifs: set[int] = set()  # `elif` nodes: decided with the `if` that holds them

    def visit_If(self, node: cst.If) -> None:
        if isinstance(node.orelse, cst.If):
            self._elifs.add(id(node.orelse))

    def _taken(self, node: cst.If) -> Sequence[cst.BaseStatement] | None:
        """The statements an `if` / `elif` chain runs on every release, or None."""
        if any(isinstance(name, cst.Name) and name.value == _VERSION for name in syntax.nodes_of(node.test, cst.Name)):
            return None  # the program's own name would pass for the version
        reads = _VersionReads(self)
        test = node.test.visit(reads)
        if not reads.found or not isinstance(test, cst.BaseExpression):
            return None
        taken = answer(cst.Module([]).code_for_node(test))
        if taken is None:
            return None
        if taken:
            return _statements(node.body)
        if node.orelse is None:
            return ()
        if isinstance(node.orelse, cst.If):
            return self._taken(node.orelse)
        return _statements(node.orelse.body)

    def leave_If(
        self, original_node: cst.If, updated_node: cst.If
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if id(original_node) in self._elifs or self.is_suppressed_at(original_node):
            return updated_node
        taken = self._taken(updated_node)
        if taken is None:
            return updated_node
        releases = f"TensorFlow {RELEASES[0]} to {RELEASES[-1]} all answer this version check alike"
        kept = "the branch they take stays, the check goes" if taken else "the code it guards never runs: it goes"
        self.report(original_node, f"{releases}: {kept}", severity=Severity.INFO)
        if not taken:
            return cst.RemoveFromParent()
        first, *rest = taken
        if isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            # The comments above the `if` stay above what replaces it.
            first = first.with_changes(leading_lines=[*updated_node.leading_lines, *first.leading_lines])
        return cst.FlattenSentinel([first, *rest])


    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if original_node.body and not updated_node.body:
            return updated_node.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        return updated_node


def _statements(block: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    """The statements of a branch, a comment on its header line kept above the first."""
    if isinstance(block, cst.SimpleStatementSuite):
        return (cst.SimpleStatementLine(body=block.body, trailing_whitespace=block.trailing_whitespace),)
    assert isinstance(block, cst.IndentedBlock)
    comment = block.header.comment
    if comment is None or not block.body:
        return block.body
    first, *rest = block.body
    if isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        first = first.with_changes(leading_lines=[cst.EmptyLine(comment=comment), *first.leading_lines])
    return (first, *rest)
