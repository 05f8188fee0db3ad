"""The imports of one file as the rules use them: what each module-level name is bound to, and
dropping the import of a name a rewrite no longer reads."""

from __future__ import annotations

import sys
from collections.abc import Collection, Mapping, Sequence
from typing import Final, Protocol

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor

from migrate.analysis import tf_names
from migrate.analysis.bindings import ImportStatement

LOCAL = "<local>"  # what `module_bindings` records for a name bound by the file's own code
# Modules whose functions cannot touch TensorFlow's graph or session: the standard library's,
# NumPy's and those of the scientific libraries TF1 scripts plot and load data with (a module of
# the program's own could make variables or run the default session).
INERT_ROOTS: Final = frozenset(
    sys.stdlib_module_names | {"numpy", "scipy", "pandas", "matplotlib", "sklearn", "PIL"}
)


def inert_import(bound: Collection[str]) -> bool:
    """Whether a name bound to `bound` (a `module_bindings` entry) is imported from modules of
    INERT_ROOTS only."""
    return bool(bound) and LOCAL not in bound and all(path.split(".")[0] in INERT_ROOTS for path in bound)


def foreign_import(bound: Collection[str]) -> bool:
    """Whether a name bound to `bound` is imported, from a module that may touch TensorFlow's
    graph (another module of the program, a library): code the rules of this file cannot read."""
    return bool(bound) and LOCAL not in bound and not inert_import(bound)


class ImportResolver(Protocol):
    """A transform that knows which statements bind a name (migrate.transforms.base)."""

    context: CodemodContext

    def import_bindings(self, node: cst.CSTNode, name: str) -> list[ImportStatement | None] | None: ...


def head_name(node: cst.BaseExpression) -> cst.Name | None:
    """The name a dotted reference starts from: `tf` of `tf.nn.relu`."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return node if isinstance(node, cst.Name) else None


def through_v1_alias(names: set[str]) -> bool:
    """True when a reference is spelled through a name bound to `tensorflow.compat.v1`.

    TFM001 rebinds such aliases to the root package; until it has, expressions built through
    the root alias would import a second `tf` over the v1 one, so these references wait.
    """
    return "tensorflow.compat.v1" in names


def forget_import(transform: ImportResolver, node: cst.BaseExpression, root_alias: str | None) -> None:
    """Schedule removal of the import that bound `node`'s head name, once nothing uses it.

    For a reference the transform has just replaced (`gfile.Exists` from `from tensorflow
    import gfile`); the root alias stays.
    """
    head = head_name(node)
    if head is None or head.value == root_alias:
        return
    for statement in transform.import_bindings(head, head.value) or ():
        if isinstance(statement, cst.ImportFrom):
            module = tf_names.dotted(statement.module) if statement.module else None
            if module is None or statement.relative or not isinstance(statement.names, Sequence):
                continue
            for imported in statement.names:
                if (imported.evaluated_alias or imported.evaluated_name) == head.value:
                    RemoveImportsVisitor.remove_unused_import(
                        transform.context, module, imported.evaluated_name, imported.evaluated_alias
                    )
        elif isinstance(statement, cst.Import):
            for imported in statement.names:
                if imported.evaluated_alias == head.value and imported.evaluated_name != "tensorflow":
                    RemoveImportsVisitor.remove_unused_import(
                        transform.context, imported.evaluated_name, None, imported.evaluated_alias
                    )


def module_bindings(module: cst.Module, marked: Mapping[str, str] | None = None) -> dict[str, set[str]]:
    """What each module-level name is bound to: a dotted import path, or LOCAL.

    A name of `marked` assigned alone on its line is recorded as its mark instead of LOCAL (the
    absl rule marks the `flags = tf.app.flags` line it removes).
    """
    bindings: dict[str, set[str]] = {}

    def bind(name: str, what: str) -> None:
        bindings.setdefault(name, set()).add(what)

    for statement in module.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            bind(statement.name.value, LOCAL)
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    path = tf_names.dotted(alias.name) or ""
                    bind(alias.evaluated_alias or path.split(".")[0], path if alias.asname else path.split(".")[0])
            elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                module_path = tf_names.dotted(small.module) if small.module and not small.relative else None
                for alias in small.names:
                    imported = tf_names.dotted(alias.name) or ""
                    bind(alias.evaluated_alias or imported, f"{module_path}.{imported}" if module_path else LOCAL)
            elif isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        name = target.target.value
                        mark = (marked or {}).get(name) if len(statement.body) == 1 else None
                        bind(name, mark or LOCAL)
    return bindings
