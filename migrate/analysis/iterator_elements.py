"""A generated function takes the element a run reads from a dataset iterator, not the iterator.

A TF1 run that reads `iterator.get_next()` at the end of the data fails as a whole: none of its
updates happen. Inside a `tf.function` the same read fails too, but the function's other state
changes do not wait for it: Keras' optimizer counts the step (`optimizer.iterations`) at once,
and Adam's bias correction is one step ahead from then on. So the element is read eagerly at the
call (`train_step(iterator.get_next())`, which raises the same `tf.errors.OutOfRangeError`
before anything runs), and the function and the helpers it calls take it as a parameter:

    def train_step(element):
        x, y = element

Each TF1 `get_next()` is an op of its own, which a run evaluates once: a function (with its
helpers) that reads one iterator twice, or passes it on to other code, is declined.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping

import libcst as cst

from migrate.analysis.declined import Declined
from migrate.analysis.graph_model import STATEFUL_INPUT
from migrate.analysis.syntax import single_assignment, unique_name


def element_names(iterators: Collection[str], taken: Collection[str]) -> dict[str, str]:
    """A parameter name for each iterator's element: `train_iterator` reads `train_element`."""
    names: dict[str, str] = {}
    used = set(taken)
    for iterator in sorted(iterators):
        prefix = iterator
        for suffix in ("iterator", "iter", "it"):
            if iterator.lower() == suffix or iterator.lower().endswith(f"_{suffix}"):
                prefix = iterator[: len(iterator) - len(suffix)].rstrip("_")
                break
        name = unique_name(f"{prefix}_element" if prefix else "element", used)
        used.add(name)
        names[iterator] = name
    return names


Reads = dict[str, list[cst.Call]]  # iterator -> its `get_next()` calls


def read_elements(
    node: cst.FunctionDef, elements: Mapping[str, str], helpers: Collection[str]
) -> tuple[cst.FunctionDef, Reads]:
    """`node` taking elements for the iterators it reads, with the reads of each one (not
    counting the `helpers` it calls, generated functions that take the element in turn)."""
    rewriter = _ReadElements(elements)
    result = node.visit(rewriter)
    assert isinstance(result, cst.FunctionDef)
    passed = Counter(iterator for callee, iterator in rewriter.passed if callee in helpers)
    for iterator, count in rewriter.bare.items():
        if count > passed[iterator]:
            raise Declined(
                STATEFUL_INPUT,
                f"`{node.name.value}` uses the iterator `{iterator}` other than by `get_next()`",
                node,
            )
    for iterator in rewriter.reads:
        if not rewriter.bare[iterator]:
            result = _named_parameter(result, elements[iterator])
    return result, rewriter.reads


def _named_parameter(node: cst.FunctionDef, element: str) -> cst.FunctionDef:
    """`def f(x_batch):` rather than `def f(element):` whose body begins `x_batch = element`."""
    assignments = [
        (statement, assigned[0])
        for statement in _simple_statements(node.body)
        if (assigned := single_assignment(statement)) is not None
        and isinstance(assigned[1], cst.Name)
        and assigned[1].value == element
    ]
    if len(assignments) != 1 or any(line.comment is not None for line in assignments[0][0].leading_lines):
        return node
    statement, name = assignments[0]
    if name in {p.name.value for p in node.params.params}:
        return node
    params = [p.with_changes(name=cst.Name(name)) if p.name.value == element else p for p in node.params.params]
    result = node.with_changes(params=node.params.with_changes(params=params)).visit(_Without(statement))
    assert isinstance(result, cst.FunctionDef)
    return result


def _simple_statements(block: cst.BaseSuite) -> list[cst.SimpleStatementLine]:
    """The simple statements of a function body, in its `with` blocks too, not in nested
    functions; those alone in their block aside (the block cannot lose them)."""
    found: list[cst.SimpleStatementLine] = []
    if isinstance(block, cst.IndentedBlock):
        for statement in block.body:
            if isinstance(statement, cst.SimpleStatementLine) and len(block.body) > 1:
                found.append(statement)
            elif isinstance(statement, cst.With):
                found.extend(_simple_statements(statement.body))
    return found


class _Without(cst.CSTTransformer):
    def __init__(self, statement: cst.SimpleStatementLine) -> None:
        self.statement = statement

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        return cst.RemovalSentinel.REMOVE if original_node is self.statement else updated_node


def check_reads(function: str, reads: Reads, helpers: Mapping[str, Reads], called: Collection[str]) -> None:
    """Refuse a function that, with the helpers it calls, reads one iterator more than once."""
    total: Reads = {iterator: list(calls) for iterator, calls in reads.items()}
    for helper in called:
        for iterator, calls in helpers.get(helper, {}).items():
            total.setdefault(iterator, []).extend(calls)
    for iterator, calls in total.items():
        if len(calls) > 1:
            raise Declined(
                STATEFUL_INPUT,
                f"`{function}` reads `{iterator}.get_next()` {len(calls)} times in one run, each a new element "
                "in TF1, where the element read at the call is one",
                calls[1],
            )


class _ReadElements(cst.CSTTransformer):
    def __init__(self, elements: Mapping[str, str]) -> None:
        self.elements = dict(elements)
        self.reads: Reads = {}
        self.bare: Counter[str] = Counter()  # uses other than reads, parameters aside
        self.passed: list[tuple[str, str]] = []  # (function called, iterator passed to it)
        self._attribute_names: set[int] = set()
        self._parameters: set[int] = set()
        self._reads_seen: set[int] = set()

    def visit_Param(self, node: cst.Param) -> None:
        self._parameters.add(id(node.name))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._attribute_names.add(id(node.attr))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "get_next"
            and isinstance(func.value, cst.Name)
            and func.value.value in self.elements
            and not node.args
        ):
            self._reads_seen.add(id(func.value))
        if isinstance(func, cst.Name):
            for arg in node.args:
                if arg.keyword is None and isinstance(arg.value, cst.Name) and arg.value.value in self.elements:
                    self.passed.append((func.value, arg.value.value))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if isinstance(func, cst.Attribute) and id(func.value) in self._reads_seen:
            assert isinstance(func.value, cst.Name)
            self.reads.setdefault(func.value.value, []).append(original_node)
            return cst.Name(self.elements[func.value.value])
        return updated_node

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if id(original_node) in self._attribute_names or original_node.value not in self.elements:
            return updated_node
        if id(original_node) in self._reads_seen:
            return updated_node  # replaced whole with its call
        if id(original_node) not in self._parameters:
            self.bare[original_node.value] += 1
        return updated_node.with_changes(value=self.elements[original_node.value])
