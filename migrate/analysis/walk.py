"""Read-only traversal of a libcst tree: `node.visit(visitor)` without rebuilding every node.

libcst drives a `CSTVisitor` through the same code that drives a transformer, so each visited
node is constructed (and validated) again and then thrown away; a whole-file visitor pass costs
about 25 ms for 100 lines. `visit(node, visitor)` sends the visitor the same events in the same
order (on_visit, the attribute events, on_leave; a False from on_visit skips the children) by
reading the children straight from the node's fields. The field order of each node class is the
order libcst visits them in, learnt once per class from libcst itself.

`transform(node, transformer)` does the same for a transformer: libcst rebuilds every node on
the way up; this rebuilds only the nodes whose children a hook replaced.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Container, Iterator, Sequence
from typing import Any

import libcst as cst

from migrate.analysis.libcst_internals import is_removable, uses_matcher_decorators

_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}
_DEFAULT = cst.MaybeSentinel.DEFAULT  # MaybeSentinel's only member
# Node classes whose children libcst visits only under a condition (`format_spec` when present,
# `names` unless it is `*`): their fields are learnt for each node. tests/test_walk.py keeps
# this list complete against libcst's sources.
CONDITIONAL = frozenset(
    {"FormattedStringExpression", "ImportFrom", "LazyImportFrom", "TemplatedStringExpression"}
)
_ATTRIBUTE_HOOKS: dict[type[cst.CSTVisitor | cst.CSTTransformer], bool] = {}
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
    """What `node.visit(visitor)` does for a read-only visitor. A visitor with no hook on
    formatting nodes is not sent them (`visit_code`): it could not tell the difference."""
    kind = type(visitor)
    if has_attribute_hooks(kind):
        _visit_with_attributes(node, visitor)
    elif not sees_formatting(kind):
        _visit_code(node, visitor)
    elif (table := _dispatch_table(kind)) is not None:
        _visit_dispatched(node, visitor, table, _FIELDS, fields)
    else:
        _visit(node, visitor)


# Node classes made only of formatting, which `visit_code` and `transform(code_only=True)` skip.
FORMATTING_NODES = frozenset(
    {
        "SimpleWhitespace", "ParenthesizedWhitespace", "TrailingWhitespace", "EmptyLine", "Newline",
        "Comment", "LeftParen", "RightParen", "LeftSquareBracket", "RightSquareBracket",
        "LeftCurlyBrace", "RightCurlyBrace", "Comma", "Dot", "Semicolon", "Colon", "AssignEqual",
        "Asynchronous",
    }
)
_OPERATORS = (cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp)
_SEES_FORMATTING: dict[type[cst.CSTVisitor | cst.CSTTransformer], bool] = {}


def sees_formatting(kind: type[cst.CSTVisitor | cst.CSTTransformer]) -> bool:
    """Whether a visitor or transformer class could observe formatting nodes: a hook on one, a
    generic on_visit / on_leave of its own, or libcst's matcher decorators."""
    found = _SEES_FORMATTING.get(kind)
    if found is None:
        found = _SEES_FORMATTING[kind] = uses_matcher_decorators(kind) or any(
            own_hook(kind, name) for name in dir(kind) if _formatting_hook(name)
        )
    return found


def _formatting_hook(name: str) -> bool:
    if name in ("on_visit", "on_leave"):
        return True
    prefix, _, node = name.partition("_")
    if prefix not in ("visit", "leave"):
        return False
    node_class = getattr(cst, node, None)
    return node in FORMATTING_NODES or (isinstance(node_class, type) and issubclass(node_class, _OPERATORS))


@functools.cache
def own_hook(kind: type, name: str) -> bool:
    """Whether `kind` defines the hook `name` itself: libcst's base classes declare a no-op
    visit_* / leave_* for every node type."""
    owner = next((c for c in kind.__mro__ if name in c.__dict__), None)
    return owner is not None and not owner.__module__.startswith("libcst.")


# Fields that hold only formatting: whitespace, comments, brackets and separators, and the
# operator tokens of an operation. No name, call or other code is ever inside them.
_FORMATTING_FIELDS = frozenset(
    {
        "asynchronous", "colon", "comma", "comment", "dot", "empty_lines", "equal", "first_colon",
        "first_line", "footer", "header", "last_line", "lbrace", "lbracket", "leading_lines",
        "lines_after_decorators", "lpar", "newline", "operator", "rbrace", "rbracket", "rpar",
        "second_colon", "semicolon", "trailing_comma", "trailing_whitespace",
    }
)
_CODE_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def code_fields(node: cst.CSTNode) -> tuple[str, ...]:
    """`fields(node)` without the formatting ones."""
    kind = type(node)
    found = _CODE_FIELDS.get(kind)
    if found is None:
        found = tuple(
            name
            for name in fields(node)
            if name not in _FORMATTING_FIELDS and not name.startswith(("whitespace", "leading_whitespace"))
        )
        if kind.__name__ not in CONDITIONAL:
            _CODE_FIELDS[kind] = found
    return found


def visit_code(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """`visit` for a visitor that looks only at code (names, calls, statements): formatting
    nodes (whitespace, comments, brackets, commas, operator tokens) are neither sent nor
    descended into, which halves the nodes a typical statement has."""
    if has_attribute_hooks(type(visitor)):
        raise TypeError("visit_code does not send attribute events; use visit")
    _visit_code(node, visitor)


def _visit_code(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    table = _dispatch_table(type(visitor))
    if table is None:
        _visit(node, visitor, _CODE_FIELDS, code_fields)
    else:
        _visit_dispatched(node, visitor, table, _CODE_FIELDS, code_fields)


def code_order(node: cst.CSTNode) -> tuple[list[cst.CSTNode], list[int]]:
    """The nodes `visit_code` visits in a tree, in its order, and for each the position just
    past its subtree in that list."""
    nodes: list[cst.CSTNode] = []
    ends: list[int] = []
    _code_order(node, nodes, ends)
    return nodes, ends


def _code_order(node: cst.CSTNode, nodes: list[cst.CSTNode], ends: list[int]) -> None:
    position = len(nodes)
    nodes.append(node)
    ends.append(0)
    for name in _CODE_FIELDS.get(type(node)) or code_fields(node):
        value = getattr(node, name)
        if type(value) is tuple or type(value) is list:
            for child in value:
                _code_order(child, nodes, ends)
        elif value is not None and value is not _DEFAULT:
            _code_order(value, nodes, ends)
    ends[position] = len(nodes)


_Hook = Callable[..., Any]
_DISPATCH: dict[type[cst.CSTVisitor], dict[type[cst.CSTNode], tuple[_Hook | None, _Hook | None]] | None] = {}


def _dispatch_table(kind: type[cst.CSTVisitor]) -> dict[type[cst.CSTNode], tuple[_Hook | None, _Hook | None]] | None:
    """For a visitor that keeps libcst's own on_visit / on_leave (which look up `visit_<Node>` /
    `leave_<Node>` by name on every node), a table of its own hooks per node class, filled as
    classes are met; None for a visitor that dispatches by itself."""
    if kind not in _DISPATCH:
        plain = kind.on_visit is cst.CSTVisitor.on_visit and kind.on_leave is cst.CSTVisitor.on_leave
        _DISPATCH[kind] = {} if plain else None
    return _DISPATCH[kind]


def _visit_dispatched(
    node: cst.CSTNode,
    visitor: cst.CSTVisitor,
    table: dict[type[cst.CSTNode], tuple[_Hook | None, _Hook | None]],
    known: dict[type[cst.CSTNode], tuple[str, ...]],
    learn: Callable[[cst.CSTNode], tuple[str, ...]],
) -> None:
    """`_visit` that calls only the hooks the visitor defines, as libcst's on_visit would."""
    kind = type(node)
    hooks = table.get(kind)
    if hooks is None:
        owner = type(visitor)
        enter_name, leave_name = f"visit_{kind.__name__}", f"leave_{kind.__name__}"
        hooks = table[kind] = (
            getattr(owner, enter_name) if own_hook(owner, enter_name) else None,
            getattr(owner, leave_name) if own_hook(owner, leave_name) else None,
        )
    enter, leave = hooks
    if enter is None or enter(visitor, node) is not False:
        for name in known.get(kind) or learn(node):
            value = getattr(node, name)
            # A child field holds a node, a sequence of nodes, None or MaybeSentinel.DEFAULT;
            # telling them apart by type is much cheaper than isinstance against CSTNode, an ABC.
            if type(value) is tuple or type(value) is list:
                for child in value:
                    _visit_dispatched(child, visitor, table, known, learn)
            elif value is not None and value is not _DEFAULT:
                _visit_dispatched(value, visitor, table, known, learn)
    if leave is not None:
        leave(visitor, node)


def _visit(
    node: cst.CSTNode,
    visitor: cst.CSTVisitor,
    known: dict[type[cst.CSTNode], tuple[str, ...]] = _FIELDS,
    learn: Callable[[cst.CSTNode], tuple[str, ...]] = fields,
) -> None:
    if visitor.on_visit(node):
        for name in known.get(type(node)) or learn(node):
            value = getattr(node, name)
            if type(value) is tuple or type(value) is list:
                for child in value:
                    _visit(child, visitor, known, learn)
            elif value is not None and value is not _DEFAULT:
                _visit(value, visitor, known, learn)
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


def has_attribute_hooks(kind: type[cst.CSTVisitor | cst.CSTTransformer]) -> bool:
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


# --- transformers ------------------------------------------------------------------------------
_KINDS: dict[type[cst.CSTNode], tuple[tuple[str, str | None, str | None], ...]] = {}
_SEQUENCE_HELPERS = frozenset({"visit_sequence", "visit_iterable", "visit_body_sequence", "visit_body_iterable"})
_VISIT_CALL = re.compile(r"\b(visit_[a-z_]+)\(\s*self,\s*\"([a-z_]+)\"")


def field_kinds(node: cst.CSTNode) -> tuple[tuple[str, str | None, str | None], ...]:
    """(field, helper for a sequence, helper for one node) for each child field, in visiting
    order, from libcst's own `_visit_and_replace_children`: the helper says how a removed child
    is handled, and a field visited under a condition (`import *`) has both."""
    kind = type(node)
    found = _KINDS.get(kind)
    if found is None:
        owner = next(c for c in kind.__mro__ if "_visit_and_replace_children" in c.__dict__)
        source = inspect.getsource(owner.__dict__["_visit_and_replace_children"])
        helpers: dict[str, list[str | None]] = {}
        for helper, field in _VISIT_CALL.findall(source):
            slots = helpers.setdefault(field, [None, None])
            slots[0 if helper in _SEQUENCE_HELPERS else 1] = helper
        found = _KINDS[kind] = tuple((field, one, other) for field, (one, other) in helpers.items())
    return found


_Entries = tuple[tuple[str, str | None, str | None], ...]
_CODE_KINDS: dict[type[cst.CSTNode], _Entries] = {}


def _code_kinds(node: cst.CSTNode) -> _Entries:
    kind = type(node)
    found = _CODE_KINDS.get(kind)
    if found is None:
        found = _CODE_KINDS[kind] = tuple(
            entry
            for entry in field_kinds(node)
            if entry[0] not in _FORMATTING_FIELDS and not entry[0].startswith(("whitespace", "leading_whitespace"))
        )
    return found


# The field kinds of each node class (`_KINDS` or `_CODE_KINDS`) and what fills them in.
_Kinds = tuple[dict[type[cst.CSTNode], _Entries], Callable[[cst.CSTNode], _Entries]]


def transform(
    node: cst.CSTNode,
    transformer: cst.CSTTransformer,
    *,
    code_only: bool = False,
    quiet: Container[type[cst.CSTNode]] = frozenset(),
) -> Any:
    """What `node.visit(transformer)` returns, rebuilding only nodes whose children changed.

    Events and their order are libcst's; the one difference is that a leave hook whose node kept
    all its children gets that node itself as `updated_node`, not an equal copy. `code_only`
    leaves formatting nodes out, as `visit_code` does, for a transformer with no hook for them.
    `quiet` names node types whose events the transformer ignores (on_visit would return True
    and on_leave the node it is given): they are walked through without calling it.
    """
    attributes = has_attribute_hooks(type(transformer))
    if code_only and attributes:
        raise TypeError("code_only traversal does not send attribute events")
    if attributes and quiet:
        raise TypeError("attribute events are sent for every node")
    kinds: _Kinds = (_CODE_KINDS, _code_kinds) if code_only else (_KINDS, field_kinds)
    return _transform(node, transformer, attributes, kinds, quiet)


def _transform(
    node: cst.CSTNode,
    transformer: cst.CSTTransformer,
    attributes: bool,
    kinds: _Kinds,
    quiet: Container[type[cst.CSTNode]],
) -> Any:
    kind = type(node)
    silent = kind in quiet
    if silent or transformer.on_visit(node):
        changes: dict[str, Any] | None = None
        entries = kinds[0].get(kind)
        if entries is None:
            entries = kinds[1](node)
        for field, sequence_helper, node_helper in entries:
            value = getattr(node, field)
            if type(value) is tuple or type(value) is list:
                if sequence_helper is None:
                    continue
                if attributes:
                    transformer.on_visit_attribute(node, field)
                new = _transform_sequence(value, transformer, attributes, sequence_helper, kinds, quiet)
            else:
                if node_helper is None:
                    continue  # a conditional field libcst does not visit (no format spec)
                if attributes:
                    transformer.on_visit_attribute(node, field)
                new = value
                if value is not None and value is not _DEFAULT:
                    new = _transform(value, transformer, attributes, kinds, quiet)
                    if new is not value:
                        new = _replaced_one(value, new, node_helper)
            if attributes:
                transformer.on_leave_attribute(node, field)
            if new is not value:
                if changes is None:
                    changes = {}
                changes[field] = new
        updated = node.with_changes(**changes) if changes else node
    else:
        updated = node
    if silent:
        return updated
    result = transformer.on_leave(node, updated)
    if result is not updated and not isinstance(result, (cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel)):
        raise cst.CSTValidationError(
            f"Expected a node of type CSTNode or a RemovalSentinel, but got a return value of {type(result).__name__}"
        )
    return result


def _replaced_one(value: cst.CSTNode, result: Any, helper: str) -> Any:
    """What a field holding one node gets when the traversal returned `result` for it."""
    if isinstance(result, cst.FlattenSentinel):
        raise TypeError(f"We got a FlattenSentinel while visiting a {type(value).__name__}.")
    if isinstance(result, cst.RemovalSentinel):
        if helper == "visit_optional":
            return None
        if helper == "visit_sentinel":
            return cst.MaybeSentinel.DEFAULT
        raise TypeError(f"We got a RemovalSentinel while visiting a {type(value).__name__}.")
    return result


def _transform_sequence(
    values: Sequence[cst.CSTNode],
    transformer: cst.CSTTransformer,
    attributes: bool,
    helper: str,
    kinds: _Kinds,
    quiet: Container[type[cst.CSTNode]],
) -> Any:
    body = helper.startswith("visit_body_")
    new: list[cst.CSTNode] = []
    changed = False
    for child in values:
        result = _transform(child, transformer, attributes, kinds, quiet)
        if result is child:
            new.append(child)
            continue
        changed = True
        if isinstance(result, cst.RemovalSentinel):
            continue
        replacements = list(result) if isinstance(result, cst.FlattenSentinel) else [result]
        for item in replacements:
            # As libcst's visit_body_iterable: a statement emptied by removals is dropped.
            if body and not is_removable(child) and is_removable(item):
                continue
            new.append(item)
    return tuple(new) if changed else values
