"""`walk.visit` sends a visitor exactly the events libcst's `node.visit` sends."""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path
from typing import Any

import libcst as cst
import pytest
from libcst._nodes.base import CSTNode

from migrate.analysis import walk

ROOT = Path(__file__).parent.parent
SOURCES = sorted(
    [
        *(ROOT / "tests" / "fixtures").glob("*/*.py"),
        *(ROOT / "legacy_examples").glob("*.py"),
        *(ROOT / "migrate").rglob("*.py"),
    ]
)[::2]


class _Events(cst.CSTVisitor):
    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", id(node)))
        # Skip some subtrees, as visitors do.
        return not (isinstance(node, cst.Call) and len(self.events) % 3 == 0)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", id(original_node)))


class _AttributeEvents(_Events):
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.events.append((f"visit {attribute}", id(node)))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self.events.append((f"leave {attribute}", id(original_node)))


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
@pytest.mark.parametrize("visitor_type", [_Events, _AttributeEvents], ids=["nodes", "attributes"])
def test_same_events_as_libcst(path: Path, visitor_type: type[_Events]) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    expected, got = visitor_type(), visitor_type()
    module.visit(expected)
    walk.visit(module, got)
    assert got.events == expected.events
    assert [id(child) for child in walk.children(module)] == [id(child) for child in module.children]


# What formatting is made of: visit_code leaves these out, and nothing else.
FORMATTING = (
    cst.BaseParenthesizableWhitespace, cst.TrailingWhitespace, cst.EmptyLine, cst.Newline, cst.Comment,
    cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace,
    cst.RightCurlyBrace, cst.Comma, cst.Dot, cst.Semicolon, cst.Colon, cst.AssignEqual, cst.Asynchronous,
    cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp,
)


class _CodeEvents(_Events):
    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, FORMATTING):
            return False
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if not isinstance(original_node, FORMATTING):
            super().on_leave(original_node)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_visit_code_leaves_out_only_formatting(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    expected, got = _CodeEvents(), _Events()
    walk.visit(module, expected)
    walk.visit_code(module, got)
    assert got.events == expected.events


class _Order(cst.CSTVisitor):
    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []
        self.spans: dict[int, tuple[int, int]] = {}
        self._open: list[int] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self._open.append(len(self.nodes))
        self.nodes.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        start = self._open.pop()
        self.spans[start] = (start, len(self.nodes))


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_code_order_is_visit_codes_order(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    expected = _Order()
    walk.visit_code(module, expected)
    nodes, ends = walk.code_order(module)
    assert [id(n) for n in nodes] == [id(n) for n in expected.nodes]
    assert ends == [expected.spans[position][1] for position in range(len(nodes))]


def _node_classes(kind: type) -> set[type]:
    found: set[type] = set()
    subclasses: list[type] = type.__subclasses__(kind)
    for sub in subclasses:
        found |= {sub, *_node_classes(sub)}
    return found


def test_conditional_visits_are_listed() -> None:
    # A class whose children libcst visits under a condition cannot share one field list.
    conditional = set()
    for kind in _node_classes(CSTNode):
        method = kind.__dict__.get("_visit_and_replace_children")
        if method is None:
            continue
        tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
        if any(isinstance(node, (ast.IfExp, ast.If, ast.For, ast.While)) for node in ast.walk(tree)):
            conditional.add(kind.__name__)
    assert conditional <= walk.CONDITIONAL


class _Rewriter(cst.CSTTransformer):
    """Replaces, removes and flattens, recording the events it gets."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", id(node)))
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        self.events.append(("leave", id(original_node)))
        return super().on_leave(original_node, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value="renamed") if updated_node.value == "self" else updated_node

    def leave_Pass(self, original_node: cst.Pass, updated_node: cst.Pass) -> cst.RemovalSentinel:
        return cst.RemovalSentinel.REMOVE

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg | cst.RemovalSentinel:
        keyword = updated_node.keyword
        return cst.RemovalSentinel.REMOVE if keyword is not None and keyword.value == "name" else updated_node

    def leave_Return(
        self, original_node: cst.Return, updated_node: cst.Return
    ) -> cst.FlattenSentinel[cst.BaseSmallStatement]:
        return cst.FlattenSentinel([cst.Expr(cst.Name("before")), updated_node])

    def leave_Decorator(self, original_node: cst.Decorator, updated_node: cst.Decorator) -> cst.RemovalSentinel:
        return cst.RemovalSentinel.REMOVE


class _AttributeRewriter(_Rewriter):
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.events.append((f"visit {attribute}", id(node)))


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_transform_equals_libcst(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    expected, got = _AttributeRewriter(), _AttributeRewriter()
    expected_module = module.visit(expected)
    got_module = walk.transform(module, got)
    assert isinstance(got_module, cst.Module)
    assert got_module.code == expected_module.code
    assert got_module.deep_equals(expected_module)
    assert got.events == expected.events


# The classes _Rewriter's hooks are on; events for every other class change nothing.
_HOOKED = {cst.Name, cst.Pass, cst.Arg, cst.Return, cst.Decorator}


@pytest.mark.parametrize("path", SOURCES[::3], ids=lambda path: str(path.relative_to(ROOT)))
def test_quiet_types_get_no_events_and_change_nothing(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    quiet = {kind for kind in vars(cst).values() if isinstance(kind, type) and issubclass(kind, cst.CSTNode)} - _HOOKED
    everything, hooked_only = _Rewriter(), _Rewriter()
    expected = walk.transform(module, everything)
    got = walk.transform(module, hooked_only, quiet=frozenset(quiet))
    assert got.code == expected.code
    assert got.deep_equals(expected)
    hooked_ids = {id(node) for node in _all_nodes(module) if type(node) in _HOOKED}
    assert hooked_only.events == [event for event in everything.events if event[1] in hooked_ids]


def _all_nodes(module: cst.Module) -> list[cst.CSTNode]:
    collected: list[cst.CSTNode] = []

    class _All(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            collected.append(node)
            return True

    module.visit(_All())
    return collected


class _CodeHookEvents(cst.CSTVisitor):
    """Hooks by node name only, as most visitors have: walk.visit dispatches them from a table
    and, as none is on a formatting node, leaves those out, which the visitor cannot notice."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []

    def visit_Call(self, node: cst.Call) -> bool:
        self.events.append(("visit Call", id(node)))
        return len(self.events) % 3 != 0  # skip some subtrees, as visitors do

    def leave_Call(self, original_node: cst.Call) -> None:
        self.events.append(("leave Call", id(original_node)))

    def visit_Name(self, node: cst.Name) -> None:
        self.events.append(("visit Name", id(node)))


class _HookEvents(_CodeHookEvents):
    """With a hook on a formatting node: every node is visited."""

    def visit_Comment(self, node: cst.Comment) -> None:
        self.events.append(("visit Comment", id(node)))


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
@pytest.mark.parametrize("visitor_type", [_HookEvents, _CodeHookEvents], ids=["all-nodes", "code-only"])
def test_table_dispatch_sends_libcst_events(path: Path, visitor_type: type[_CodeHookEvents]) -> None:
    assert walk.sees_formatting(visitor_type) is (visitor_type is _HookEvents)
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    expected, got = visitor_type(), visitor_type()
    module.visit(expected)
    walk.visit(module, got)
    assert got.events == expected.events
