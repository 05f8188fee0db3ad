"""Read-only traversal of a libcst tree: `node.visit(visitor)` without rebuilding every node.

libcst drives a `CSTVisitor` through the same code that drives a transformer, so each visited
node is constructed (and validated) again and then thrown away; a whole-file visitor pass costs
about 25 ms for 100 lines. `visit(node, visitor)` sends the visitor the same events in the same
order (on_visit, the attribute events, on_leave; a False from on_visit skips the children) by
reading the children straight from the node's fields. The field order of each node class is the
order libcst visits them in, learnt once per class from libcst itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}
# Node classes whose children libcst visits only under a condition (`format_spec` when present,
# `names` unless it is `*`): their fields are learnt for each node. tests/test_walk.py keeps
# this list complete against libcst's sources.
CONDITIONAL = frozenset(
    {"FormattedStringExpression", "ImportFrom", "LazyImportFrom", "TemplatedStringExpression"}
)
_ATTRIBUTE_HOOKS: dict[type[cst.CSTVisitor], bool] = {}
_ATTRIBUTE_HOOK = re.compile(r"^(?:(?:visit|leave)_[A-Z][A-Za-z]*_[a-z_]+|on_(?:visit|leave)_attribute)$")


class _FieldRecorder(cst.CSTVisitor):
    """Records the fields libcst visits on one node, without descending."""

    def __init__(self, parent: cst.CSTNode) -> None:
        self.parent = parent
        self.fields: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return False

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if node is self.parent:
            self.fields.append(attribute)


def fields(node: cst.CSTNode) -> tuple[str, ...]:
    """The names of the fields holding `node`'s children, in libcst's visiting order."""
    kind = type(node)
    found = _FIELDS.get(kind)
    if found is None:
        recorder = _FieldRecorder(node)
        node._visit_and_replace_children(recorder)
        found = tuple(recorder.fields)
        if kind.__name__ not in CONDITIONAL:
            _FIELDS[kind] = found
    return found


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """`node.children`, in order, without rebuilding `node`."""
    for name in fields(node):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (tuple, list)):
            yield from value


def visit(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """What `node.visit(visitor)` does for a read-only visitor."""
    if _has_attribute_hooks(type(visitor)):
        _visit_with_attributes(node, visitor)
    else:
        _visit(node, visitor)


def _visit(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    if visitor.on_visit(node):
        for name in _FIELDS.get(type(node)) or fields(node):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                _visit(value, visitor)
            elif isinstance(value, (tuple, list)):
                for child in value:
                    _visit(child, visitor)
    visitor.on_leave(node)


def _visit_with_attributes(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    if visitor.on_visit(node):
        for name in fields(node):
            visitor.on_visit_attribute(node, name)
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                _visit_with_attributes(value, visitor)
            elif isinstance(value, (tuple, list)):
                for child in value:
                    _visit_with_attributes(child, visitor)
            visitor.on_leave_attribute(node, name)
    visitor.on_leave(node)


def _has_attribute_hooks(kind: type[cst.CSTVisitor]) -> bool:
    """Whether the visitor defines visit_<Node>_<field> hooks (or overrides the dispatch)."""
    found = _ATTRIBUTE_HOOKS.get(kind)
    if found is None:
        found = _ATTRIBUTE_HOOKS[kind] = any(
            _ATTRIBUTE_HOOK.match(name) is not None
            for owner in kind.__mro__
            if not owner.__module__.startswith("libcst.")
            for name in owner.__dict__
        )
    return found
