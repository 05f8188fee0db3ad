"""Uses of libcst names outside its public API, behind one door.

libcst's matcher-decorator set-up (`MatcherDecoratableTransformer.__init__` and
`MatcherDecoratableVisitor.__init__`) walks `dir()` of every new instance, about 1,600
attributes, to find hooks decorated with `m.visit`, `m.call_if_inside` and the like: several
milliseconds (3.9 for AddImportsVisitor) for each transform and import visitor, on every file. For a class without
decorated hooks it finds nothing and leaves empty tables; the functions and bases here build those
empty tables directly. libcst's AddImportsVisitor builds a second such visitor (the gatherer of
the imports already at the top of the module) in its `visit_Module`; `AddImports` runs that same
method with a gatherer built the same cheap way. Neither visitor has a hook below a statement
line of the module, so neither descends further (a libcst traversal costs tens of microseconds a
node).

Each assumption is checked against the installed libcst by tests/test_libcst_internals.py, which
says which one broke. Where a broken assumption would change what a visitor does rather than fail
loudly (the hooks the import visitors have, how `visit_Module` names its gatherer), it is also
checked here once, and the visitor then runs as libcst runs it.
"""

from __future__ import annotations

import threading
import types
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any

import libcst as cst
from libcst import MetadataDependent

# Re-exported for the modules that need them: metadata a provider computes only when it is read
# (`MetadataWrapper.resolve` hands these out), and the state `_codegen` writes code into (a
# subclass hears of each node before and after its code).
from libcst._metadata_dependent import LazyValue
from libcst._nodes.internal import CodegenState
from libcst.codemod import Codemod, CodemodContext, ContextAwareTransformer, ContextAwareVisitor
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.codemod.visitors._add_imports import _GatherTopImportsBeforeStatements

# The name-mangled fields behind each class's `_matchers` property: None until the property
# gathers the gating matchers of `m.call_if_inside` / `m.call_if_not_inside` decorators.
TRANSFORMER_MATCHERS = "_MatcherDecoratableTransformer__matchers"
VISITOR_MATCHERS = "_MatcherDecoratableVisitor__matchers"
# The global through which AddImportsVisitor.visit_Module names its gatherer class.
GATHERER_NAME = "_GatherTopImportsBeforeStatements"
# The method through which Codemod.transform_module computes a codemod's metadata and scopes it
# to one module; MigrationTransform overrides it to share one wrapper between transforms.
METADATA_SCOPE = "_handle_metadata_reference"


__all__ = [
    "ADD_IMPORTS_HOOKS",
    "ADD_IMPORTS_VISIT_MODULE",
    "GATHERER_HOOKS",
    "GATHERER_NAME",
    "MATCHER_ATTRIBUTES",
    "METADATA_SCOPE",
    "REMOVER_KNOWN",
    "REMOVE_IMPORTS_HOOKS",
    "TRANSFORMER_MATCHERS",
    "VISITOR_MATCHERS",
    "AddImports",
    "CodegenState",
    "LazyValue",
    "RemoveKnownUnusedImports",
    "TransformerWithoutMatcherSetUp",
    "VisitorWithoutMatcherSetUp",
    "codegen",
    "hooks_above",
    "init_transformer_without_matcher_set_up",
    "init_visitor_without_matcher_set_up",
    "is_removable",
    "metadata_scope",
    "parse_without_checks",
    "uses_matcher_decorators",
]

# Attributes libcst's matcher decorators (`m.visit`, `m.leave`, `m.call_if_inside`, ...) set on
# the methods they decorate.
MATCHER_ATTRIBUTES = ("_call_if_inside_matcher", "_call_if_not_inside_matcher", "_visit_matcher", "_leave_matcher")
_USES_MATCHERS: dict[type, bool] = {}


def uses_matcher_decorators(transform_type: type[cst.CSTVisitor | cst.CSTTransformer]) -> bool:
    """Whether a method of the class carries a libcst matcher decorator (`m.visit`, ...)."""
    found = _USES_MATCHERS.get(transform_type)
    if found is None:
        found = any(
            getattr(getattr(transform_type, name, None), attribute, None)
            for name in dir(transform_type)
            if not isinstance(getattr(transform_type, name, None), property)
            for attribute in MATCHER_ATTRIBUTES
        )
        _USES_MATCHERS[transform_type] = found
    return found



def is_removable(node: cst.CSTNode) -> bool:
    """Whether libcst drops `node` from a statement list when it comes back emptied, as its own
    `visit_body_iterable` does (`CSTNode._is_removable`)."""
    return node._is_removable()


def codegen(node: cst.CSTNode, state: CodegenState) -> None:
    """Generate `node`'s code into `state`, as `Module.code_for_node` does (`CSTNode._codegen`):
    a state subclass sees `before_codegen` / `after_codegen` for every node."""
    node._codegen(state)


# CSTNode.__post_init__: the per-node field checks a parse can skip (see parse_without_checks).
_VALIDATING_POST_INIT = cst.CSTNode.__post_init__
_PARSE_LOCK = threading.Lock()


def _trusted(self: cst.CSTNode) -> None:
    """A node built by libcst's parser: nothing to check."""


def parse_without_checks(source: str) -> cst.Module:
    """`libcst.parse_module(source)`, the same tree, with the per-node field checks that
    `CSTNode.__post_init__` runs switched off while the parser builds it. The switch is on the
    class, so a node another thread builds meanwhile is not checked either; parses themselves
    take turns."""
    if cst.CSTNode.__dict__.get("__post_init__") is not _VALIDATING_POST_INIT:
        return cst.parse_module(source)  # another libcst, or a parse already running
    with _PARSE_LOCK:
        cst.CSTNode.__post_init__ = _trusted  # type: ignore[method-assign]
        try:
            return cst.parse_module(source)
        finally:
            cst.CSTNode.__post_init__ = _VALIDATING_POST_INIT  # type: ignore[method-assign]


def init_transformer_without_matcher_set_up(transformer: ContextAwareTransformer, context: CodemodContext) -> None:
    """`ContextAwareTransformer.__init__(transformer, context)` for a class with no
    matcher-decorated hook: the same fields, with the empty tables the set-up would find."""
    Codemod.__init__(transformer, context)
    cst.CSTTransformer.__init__(transformer)
    _empty_matcher_tables(transformer, TRANSFORMER_MATCHERS)


def init_visitor_without_matcher_set_up(visitor: ContextAwareVisitor, context: CodemodContext) -> None:
    """`ContextAwareVisitor.__init__(visitor, context)` for a class with no matcher-decorated hook
    and no metadata dependency."""
    MetadataDependent.__init__(visitor)
    cst.CSTVisitor.__init__(visitor)
    _empty_matcher_tables(visitor, VISITOR_MATCHERS)
    visitor.context = context


def _empty_matcher_tables(instance: object, matchers_field: str) -> None:
    setattr(instance, matchers_field, {})
    setattr(instance, "_extra_visit_funcs", {})  # noqa: B010
    setattr(instance, "_extra_leave_funcs", {})  # noqa: B010


class TransformerWithoutMatcherSetUp(ContextAwareTransformer):
    """Listed after a libcst transformer class (`class X(LibcstTransformer, TransformerWithoutMatcherSetUp)`),
    it comes before ContextAwareTransformer in X's method order, so the libcst class's
    `super().__init__(context)` lands here."""

    def __init__(self, context: CodemodContext) -> None:
        if uses_matcher_decorators(type(self)):
            ContextAwareTransformer.__init__(self, context)
        else:
            init_transformer_without_matcher_set_up(self, context)


class VisitorWithoutMatcherSetUp(ContextAwareVisitor):
    """The same for a libcst visitor class: `class X(LibcstVisitor, VisitorWithoutMatcherSetUp)`."""

    def __init__(self, context: CodemodContext) -> None:
        if uses_matcher_decorators(type(self)) or self.get_inherited_dependencies():
            ContextAwareVisitor.__init__(self, context)
        else:
            init_visitor_without_matcher_set_up(self, context)


def hooks_above(kind: type, base: type) -> frozenset[str]:
    """The visit / leave hooks (and on_visit / on_leave) that the classes of `kind` before `base`
    in its method order define."""
    order = kind.__mro__
    return frozenset(
        name
        for owner in order[: order.index(base)]
        for name in vars(owner)
        if name.startswith(("visit_", "leave_", "on_visit", "on_leave"))
    )


# The nodes below which AddImportsVisitor and its gatherer have no hook, so need not descend: the
# statement lines of the module (whose `from` imports it extends), and the module.
ADD_IMPORTS_HOOKS = frozenset({"visit_Module", "leave_ImportFrom", "leave_Module"})
GATHERER_HOOKS = frozenset({"leave_Module"})
_ADD_IMPORTS_DESCENDS_INTO: tuple[type[cst.CSTNode], ...] = (
    (cst.Module, cst.SimpleStatementLine)
    if hooks_above(AddImportsVisitor, ContextAwareTransformer) == ADD_IMPORTS_HOOKS
    else (cst.CSTNode,)
)
_GATHERER_DESCENDS_INTO: tuple[type[cst.CSTNode], ...] = (
    (cst.Module,)
    if hooks_above(_GatherTopImportsBeforeStatements, ContextAwareVisitor) == GATHERER_HOOKS
    else (cst.CSTNode,)
)


class _TopImportsGatherer(_GatherTopImportsBeforeStatements, VisitorWithoutMatcherSetUp):
    """libcst's gatherer of the imports at the top of a module, without the matcher set-up."""

    def on_visit(self, node: cst.CSTNode) -> bool:
        return super().on_visit(node) and isinstance(node, _GATHERER_DESCENDS_INTO)


def _with_global(function: Callable[..., Any], name: str, value: object) -> Callable[..., Any]:
    """`function`'s own code, run with its global `name` bound to `value`; `function` itself when
    it is no Python function reading that global."""
    if not isinstance(function, types.FunctionType) or name not in function.__code__.co_names:
        return function
    namespace = {**function.__globals__, name: value}
    return types.FunctionType(
        function.__code__, namespace, function.__name__, function.__defaults__, function.__closure__
    )


ADD_IMPORTS_VISIT_MODULE = _with_global(AddImportsVisitor.visit_Module, GATHERER_NAME, _TopImportsGatherer)


class AddImports(AddImportsVisitor, TransformerWithoutMatcherSetUp):
    """libcst's AddImportsVisitor, all its hooks its own, without the two matcher set-ups and
    without descending where it has no hook."""

    def visit_Module(self, node: cst.Module) -> None:
        ADD_IMPORTS_VISIT_MODULE(self, node)

    def on_visit(self, node: cst.CSTNode) -> bool:
        return super().on_visit(node) and isinstance(node, _ADD_IMPORTS_DESCENDS_INTO)


# RemoveImportsVisitor's hooks: visit_Module finds the unused imports (libcst's scope analysis
# of the whole module), the leave hooks take the scheduled ones of them out.
REMOVE_IMPORTS_HOOKS = frozenset({"visit_Module", "leave_Import", "leave_ImportFrom"})
REMOVER_KNOWN = hooks_above(RemoveImportsVisitor, ContextAwareTransformer) == REMOVE_IMPORTS_HOOKS


class RemoveKnownUnusedImports(RemoveImportsVisitor, TransformerWithoutMatcherSetUp):
    """libcst's RemoveImportsVisitor told which import aliases are unused instead of finding out
    (only where `REMOVER_KNOWN`: a changed libcst may look elsewhere); its own leave hooks."""

    def __init__(self, context: CodemodContext, unused: Mapping[cst.ImportAlias, cst.Import | cst.ImportFrom]) -> None:
        super().__init__(context)
        self._unused_imports = dict(unused)

    def visit_Module(self, node: cst.Module) -> None:
        """The unused imports are known already."""


def metadata_scope(codemod: Codemod, module: cst.Module) -> AbstractContextManager[cst.Module]:
    """The context in which `codemod` transforms `module` as `transform_module` would run it:
    metadata resolved, `codemod.context.wrapper` set; gives the module to transform."""
    scope: AbstractContextManager[cst.Module] = getattr(codemod, METADATA_SCOPE)(module)
    return scope
