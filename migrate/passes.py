"""One pass of the pipeline: transforms applied to one tree, in as few traversals as they allow.

A libcst traversal of a 100-line file costs tens of milliseconds, about what all the rules
together spend on their own work, and a codemod's traversal several times that (libcst's matcher
machinery asks about every attribute of every node). So the transforms of a pass (consecutive
transforms with the same `TRAVERSAL_GROUP`, or one transform) run in one plain traversal: every
visit and leave event goes to each of them in pipeline order. A transform whose only hooks are
on the Module (it analyses the whole file at once) gets no traversal at all; one that uses
libcst's matcher decorators runs as the codemod it is. The traversal itself
(`migrate.analysis.walk.transform`) rebuilds only the nodes whose children changed.

Each transform's import edits are applied after the traversal, in pipeline order, as libcst
does after a single codemod: a transform's edits do not land in the middle of another's.
libcst's AddImportsVisitor reads and changes only the head of a module (a docstring, the import
block at the top, the blank lines and comments before the statement after it), yet traverses and
copies the whole tree; it runs on the head alone here (`libcst_internals.AddImports`, without the
matcher set-up), so the statements after it stay the same nodes and keep their text and analysis
(`migrate.analysis.module_text`), and a run that adds nothing leaves the tree as it was. Likewise
RemoveImportsVisitor, whose scope analysis of the whole module costs more than a pass, runs only
when the tree still has an import statement from a module a removal is scheduled for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence
from contextlib import ExitStack
from dataclasses import replace
from functools import cache
from typing import Any

import libcst as cst
from libcst.codemod import Codemod, CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.helpers import get_absolute_module_from_package_for_import

from migrate.analysis import syntax, walk
from migrate.analysis.bindings import Bindings
from migrate.analysis.libcst_internals import (
    REMOVER_KNOWN,
    AddImports,
    RemoveKnownUnusedImports,
    metadata_scope,
    uses_matcher_decorators,
)
from migrate.analysis.module_text import text_of
from migrate.transforms.base import (
    PASS_ANALYSIS_KEY,
    MigrationTransform,
    PassAnalysis,
)

_IMPORT_EDITS: tuple[tuple[str, type[Codemod]], ...] = (
    (AddImportsVisitor.CONTEXT_KEY, AddImportsVisitor),
    (RemoveImportsVisitor.CONTEXT_KEY, RemoveImportsVisitor),
)
_MODULE_HOOKS = frozenset({"visit_Module", "leave_Module"})


def run_pass(
    transforms: Sequence[type[MigrationTransform]],
    module: cst.Module,
    code: str | None,
    context: CodemodContext,
) -> cst.Module:
    """Apply `transforms` (in order) to `module`, whose text is `code` (None: not generated
    yet); may raise SkipFile."""
    analysis = context.scratch.get(PASS_ANALYSIS_KEY)
    if not isinstance(analysis, PassAnalysis) or analysis.module is not module:
        # A pass that left the tree as it was hands its analysis on to the next one.
        previous = analysis if isinstance(analysis, PassAnalysis) else None
        context.scratch[PASS_ANALYSIS_KEY] = PassAnalysis(module, code, previous)
    if len(transforms) == 1:
        (transform_type,) = transforms
        if module_hooks_only(transform_type):
            return _apply_import_edits(context, _module_only(transform_type(context), module))
        transform = transform_type(context)
        if not _plain(transform):
            return transform.transform_module(module)
    return _shared_traversal(transforms, module, context)


def _plain(transform: MigrationTransform) -> bool:
    """Whether the transform's traversal needs none of libcst's matcher or attribute hooks."""
    return _plain_type(type(transform))


@cache
def _plain_type(transform_type: type[MigrationTransform]) -> bool:
    if uses_matcher_decorators(transform_type):
        return False
    return not walk.has_attribute_hooks(transform_type)


@cache
def module_hooks_only(transform_type: type[MigrationTransform]) -> bool:
    """True when the transform defines no visit_*/leave_* hook other than the Module's."""
    for name in dir(transform_type):
        if not name.startswith(("visit_", "leave_")) or name in _MODULE_HOOKS:
            continue
        if walk.own_hook(transform_type, name):
            return False
    return True


def _module_only(transform: MigrationTransform, module: cst.Module) -> cst.Module:
    with metadata_scope(transform, module) as tree:
        transform.visit_Module(tree)
        return transform.leave_Module(tree, tree)


def traverse(
    module: cst.Module,
    transformer: cst.CSTTransformer,
    *,
    code_only: bool = False,
    quiet: Container[type[cst.CSTNode]] = frozenset(),
) -> Any:
    """`module.visit(transformer)`, rebuilding only the nodes whose children changed; with
    `code_only`, formatting nodes (whitespace, comments, brackets) are not visited, and nodes
    of the `quiet` types are walked through without events."""
    return walk.transform(module, transformer, code_only=code_only, quiet=quiet)


def _apply_import_edits(context: CodemodContext, tree: cst.Module) -> cst.Module:
    # As libcst's CodemodCommand.transform_module: once a key exists, its visitor runs.
    for key, visitor in _IMPORT_EDITS:
        if key not in context.scratch:
            continue
        if visitor is AddImportsVisitor:
            tree = add_imports(context, tree)
        elif visitor is RemoveImportsVisitor:
            tree = remove_imports(context, tree)
        else:
            tree = visitor(context).transform_module(tree)
    return tree


def add_imports(context: CodemodContext, tree: cst.Module) -> cst.Module:
    """`AddImportsVisitor(context).transform_module(tree)`, run on the statements it reads and
    changes only; `tree` itself when it adds nothing.

    Of the statement after the import block the visitor reads and changes only the blank lines
    and comments before it (it may add a blank line): it gets a `pass` with those lines in its
    place, and the lines it ends with go back onto the statement."""
    end = _import_block_end(tree.body)
    following = tree.body[end] if end < len(tree.body) else None
    stand_in = [] if following is None else [cst.SimpleStatementLine([cst.Pass()], following.leading_lines)]
    head = tree.with_changes(body=[*tree.body[:end], *stand_in])
    edited = AddImports(context).transform_module(head)
    if edited.deep_equals(head):
        return tree
    if following is None:
        return tree.with_changes(body=edited.body)
    *statements, last = edited.body
    if not last.deep_equals(stand_in[0]):
        following = following.with_changes(leading_lines=last.leading_lines)
    return tree.with_changes(body=[*statements, following, *tree.body[end + 1 :]])


def remove_imports(context: CodemodContext, tree: cst.Module) -> cst.Module:
    """`RemoveImportsVisitor(context).transform_module(tree)`, without the visitor's scope analysis
    of the whole module where the import table tells what it would find: `tree` itself when no
    import statement of the tree is from a module a removal is scheduled for, or when each name
    such a statement binds is still read (the visitor keeps an import whose name has a
    reference); else the visitor's own edits, told which of those imports are unused."""
    scheduled: list[tuple[str, str | None, str | None]] = context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY, [])
    modules = {module for module, _, _ in scheduled}
    statements = [
        statement
        for statement in syntax.nodes_of(tree, cst.Import, cst.ImportFrom)
        if isinstance(statement, (cst.Import, cst.ImportFrom)) and _imported_modules(statement, context) & modules
    ]
    if not statements:
        return tree
    candidates = _removal_candidates(statements, scheduled, context)
    unused = _unused(candidates, tree) if candidates is not None and REMOVER_KNOWN else None
    if unused is None:
        return RemoveImportsVisitor(context).transform_module(tree)
    if not unused:
        return tree
    remover = RemoveKnownUnusedImports(context, unused)
    new = traverse(tree, remover, code_only=True, quiet=_NOT_IMPORTS)
    if not isinstance(new, cst.Module):
        raise TypeError("removing imports replaced the module")
    return new


_Candidate = tuple[cst.ImportAlias, cst.Import | cst.ImportFrom, str]
_Unused = dict[cst.ImportAlias, cst.Import | cst.ImportFrom]


def _removal_candidates(
    statements: Sequence[cst.Import | cst.ImportFrom],
    scheduled: Sequence[tuple[str, str | None, str | None]],
    context: CodemodContext,
) -> list[_Candidate] | None:
    """The import aliases RemoveImportsVisitor takes out if unused (its matching, in `leave_Import`
    and `leave_ImportFrom`), with their statements and the names they bind; None when one binds
    a dotted name or is a `__future__` import (which its gatherer never counts as unused)."""
    whole_modules = {module: alias for module, obj, alias in scheduled if obj is None}
    objects = {(module, obj, alias) for module, obj, alias in scheduled if obj is not None}
    found: list[_Candidate] = []
    for statement in statements:
        if isinstance(statement.names, cst.ImportStar):
            continue
        module = None
        if isinstance(statement, cst.ImportFrom):
            module = get_absolute_module_from_package_for_import(context.full_package_name, statement)
            if module == "__future__":
                return None
        for alias in statement.names:
            if isinstance(statement, cst.Import):
                name = alias.evaluated_name
                if name not in whole_modules or whole_modules[name] != alias.evaluated_alias:
                    continue
            elif (module, alias.evaluated_name, alias.evaluated_alias) not in objects:
                continue
            bound = alias.evaluated_alias or alias.evaluated_name
            if "." in bound:
                return None
            found.append((alias, statement, bound))
    return found


# String nodes: a name in one may be exported (in `__all__`) or in a string annotation (under an
# Annotation, or an argument of typing.TypeVar), uses that RemoveImportsVisitor counts and the
# import table does not see.
_STRINGS = (cst.SimpleString, cst.FormattedStringText, cst.TemplatedStringText)


def _unused(candidates: Sequence[_Candidate], tree: cst.Module) -> _Unused | None:
    """Which candidates RemoveImportsVisitor's gatherer finds unused: those whose name nothing
    reads. None when the import table does not answer for a name (the file falls back to
    libcst's scopes, or the name is not a TensorFlow one), or a string mentions one."""
    names = {name for _, _, name in candidates}
    if not names:
        return {}
    code = text_of(tree).code
    bindings = Bindings(tree, code)
    if not all(bindings.answers_for(name) for name in names):
        return None
    if "__all__" in code or "TypeVar" in code or syntax.nodes_of(tree, cst.Annotation):
        # As a whole word: the parts of an export list or a string annotation are identifiers.
        mentioned = re.compile(rf"\b(?:{'|'.join(map(re.escape, sorted(names)))})\b")
        for node in syntax.nodes_of(tree, *_STRINGS):
            if mentioned.search(getattr(node, "value", "")):
                return None
    read = {
        node.value
        for node in syntax.nodes_of(tree, cst.Name)
        if isinstance(node, cst.Name) and node.value in names and bindings.is_load(node)
    }
    return {alias: statement for alias, statement, name in candidates if name not in read}


def _imported_modules(statement: cst.CSTNode, context: CodemodContext) -> set[str]:
    if isinstance(statement, cst.Import):
        return {alias.evaluated_name for alias in statement.names}
    if isinstance(statement, cst.ImportFrom) and not isinstance(statement.names, cst.ImportStar):
        module = get_absolute_module_from_package_for_import(context.full_package_name, statement)
        return {module} if module is not None else set()
    return set()


def _import_block_end(body: Sequence[cst.BaseStatement]) -> int:
    """The index after the statements AddImportsVisitor looks into: a first simple line (it
    skips a docstring or `__strict__` flag) and the one-import lines after it (the block it
    extends and merges into)."""
    index = 1 if body and isinstance(body[0], cst.SimpleStatementLine) else 0
    while index < len(body) and _is_import_line(body[index]):
        index += 1
    return index


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))
    )


def _shared_traversal(
    transforms: Sequence[type[MigrationTransform]], module: cst.Module, context: CodemodContext
) -> cst.Module:
    edit_keys = {key for key, _ in _IMPORT_EDITS}
    rules: list[MigrationTransform] = []
    for transform_type in transforms:
        own = {key: value for key, value in context.scratch.items() if key not in edit_keys}
        rules.append(transform_type(replace(context, scratch=own)))
    if not all(_plain(rule) for rule in rules):
        raise TypeError("transforms with matcher or attribute hooks cannot share a traversal")
    with ExitStack() as stack:
        for rule in rules:
            stack.enter_context(metadata_scope(rule, module))
        code_only = not any(walk.sees_formatting(type(rule)) for rule in rules)
        quiet = _unhooked(tuple(type(rule) for rule in rules))
        tree = traverse(module, _Dispatcher(rules), code_only=code_only, quiet=quiet)
    if not isinstance(tree, cst.Module):
        raise TypeError("a transform replaced the module")
    edited = False
    for rule in rules:
        new = False
        for key, _ in _IMPORT_EDITS:
            scheduled = rule.context.scratch.get(key)
            if scheduled:
                context.scratch[key] = [*context.scratch.get(key, []), *scheduled]
                new = True
        if new:
            tree = _apply_import_edits(context, tree)
            edited = True
    return tree if edited else _apply_import_edits(context, tree)


Hook = Callable[..., Any]


class _Dispatcher(cst.CSTTransformer):
    """Sends each visit / leave event to every rule in order, as its own traversal would."""

    def __init__(self, rules: Sequence[MigrationTransform]) -> None:
        super().__init__()
        self.rules = rules
        # The node whose visit returned False, per rule: its subtree is skipped for that rule.
        self.pruned_at: list[cst.CSTNode | None] = [None] * len(rules)
        self._pruned = 0  # how many rules skip the current subtree
        self._visits: dict[type[cst.CSTNode], list[tuple[int, Hook]]] = {}
        self._leaves: dict[type[cst.CSTNode], list[tuple[int, Hook]]] = {}

    def _hooks(self, prefix: str, kind: type[cst.CSTNode]) -> list[tuple[int, Hook]]:
        table = self._visits if prefix == "visit_" else self._leaves
        hooks = table.get(kind)
        if hooks is None:
            name = prefix + kind.__name__
            hooks = [
                (index, getattr(rule, name))
                for index, rule in enumerate(self.rules)
                if walk.own_hook(type(rule), name)
            ]
            table[kind] = hooks
        return hooks

    def on_visit(self, node: cst.CSTNode) -> bool:
        hooks = self._visits.get(type(node))
        if hooks is None:
            hooks = self._hooks("visit_", type(node))
        if hooks:
            pruned_at = self.pruned_at
            for index, hook in hooks:
                if pruned_at[index] is None and hook(node) is False:
                    pruned_at[index] = node
                    self._pruned += 1
        return self._pruned < len(self.rules)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        pruned_at = self.pruned_at
        current: Any = updated_node
        kind = type(original_node)
        hooks = self._leaves.get(kind)
        if hooks is None:
            hooks = self._hooks("leave_", kind)
        for index, hook in hooks:
            mark = pruned_at[index]
            if mark is not None and mark is not original_node:
                continue
            if type(current) is not kind:
                break  # an earlier rule replaced or removed the node: not this hook's type
            current = hook(original_node, current)
        if self._pruned:
            for index, mark in enumerate(pruned_at):
                if mark is original_node:
                    pruned_at[index] = None
                    self._pruned -= 1
        return current


# Every node class of libcst: events are sent by a node's own class name.
_NODE_TYPES = frozenset(
    kind for kind in vars(cst).values() if isinstance(kind, type) and issubclass(kind, cst.CSTNode)
)


# What RemoveKnownUnusedImports has no hook for: walked through without events.
_NOT_IMPORTS = frozenset(kind for kind in _NODE_TYPES if kind not in (cst.Import, cst.ImportFrom))


@cache
def _unhooked(rule_types: tuple[type[MigrationTransform], ...]) -> frozenset[type[cst.CSTNode]]:
    """The node classes none of the rules has a visit or leave hook for: the dispatcher would
    do nothing with their events."""
    return frozenset(
        kind
        for kind in _NODE_TYPES
        if not any(
            walk.own_hook(rule_type, f"{prefix}{kind.__name__}")
            for rule_type in rule_types
            for prefix in ("visit_", "leave_")
        )
    )


