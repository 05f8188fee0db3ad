"""Later bindings of a name bound again, renamed: `w = tf.Variable(...)` layer after layer.

TF1 graph code read the variable a name held when the graph was built; a generated
`tf.function` reads the name when it is traced, after the name took the last variable. With each
binding after the first under a name of its own (`w_2`, `w_3`, as the variables rule names the
variables of layer scopes) and every read after it renamed with it, the program computes what it
did, and the conversion can move its graph code (migrate.pipeline retries a file declined for
this with the names renamed).

A name is renamed in a scope (the module, or a function of it) only where each of its bindings
runs once, in the order of the text: bound only by plain `name = value` lines of the scope and
of the `with` blocks and the `if __name__ == "__main__":` block at its top level (not in loops or
other branches); read by no function, class or lambda inside the scope (they read the name when
called, not where they stand; a function may have a local of that name); declared neither
`global` nor `nonlocal`; and not read before its first binding.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TypeVar

import libcst as cst

from migrate.analysis.syntax import (
    NameSubstitution,
    assigned_names,
    free_names,
    is_main_guard,
    names_in,
    nodes_of,
    scope_bindings,
    unique_name,
)

_NESTED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_Node = TypeVar("_Node", bound=cst.CSTNode)


def rename_later_bindings(
    module: cst.Module, names: Collection[str]
) -> tuple[cst.Module, dict[str, tuple[str, ...]]] | None:
    """`module` with the later bindings of each of `names` renamed, in the module's code and in
    the bodies of its functions, and the new names of each; None when one of them is renamed
    nowhere (bound once, or not safely renamed, in each scope)."""
    taken = set(names_in(module))
    renamed: dict[str, tuple[str, ...]] = {}
    body: list[cst.BaseStatement] = list(module.body)
    for name in sorted(names):
        fresh: list[str] = []
        for index in [None, *(i for i, s in enumerate(body) if isinstance(s, cst.FunctionDef))]:
            owner = None if index is None else body[index]
            if owner is None:
                block: Sequence[cst.BaseStatement] = body
            elif isinstance(owner, cst.FunctionDef) and isinstance(owner.body, cst.IndentedBlock):
                block = owner.body.body
            else:
                continue
            bindings = _binding_lines(block, name)
            if bindings is None or len(bindings) < 2:
                continue
            new_names = []
            for _ in bindings[1:]:
                new_names.append(unique_name(name, taken))
                taken.add(new_names[-1])
            renamed_block = _Renamer(name, new_names).block(block)
            if owner is None:
                body = renamed_block
            else:
                assert index is not None and isinstance(owner, cst.FunctionDef)
                assert isinstance(owner.body, cst.IndentedBlock)
                body[index] = owner.with_changes(body=owner.body.with_changes(body=renamed_block))
            fresh.extend(new_names)
        if not fresh:
            return None
        renamed[name] = tuple(fresh)
    return module.with_changes(body=body), renamed


def _binding_lines(
    body: Sequence[cst.BaseStatement], name: str, bindings: list[cst.Assign] | None = None
) -> list[cst.Assign] | None:
    """The `name = value` assignments that bind `name`, in the order they run (after
    `bindings`, those found before `body`), or None when the name is bound, or read, where that
    order does not hold."""
    bindings = [] if bindings is None else bindings
    guarded = False  # bound in the main block, which may not run: nothing after it may read the name
    for statement in body:
        if guarded and name in names_in(statement):
            return None
        if any(_reads_when_called(nested, name) for nested in nodes_of(statement, *_NESTED_SCOPES)):
            return None
        for declared in nodes_of(statement, cst.Global, cst.Nonlocal):
            assert isinstance(declared, (cst.Global, cst.Nonlocal))
            if any(item.name.value == name for item in declared.names):
                return None
        inner = _straight_block(statement)
        if inner is not None:
            assert isinstance(statement, (cst.With, cst.If))
            header: Sequence[cst.CSTNode] = statement.items if isinstance(statement, cst.With) else [statement.test]
            if any(name in assigned_names(part) for part in header):
                return None
            if not bindings and any(name in names_in(part) for part in header):
                return None
            before = len(bindings)
            if _binding_lines(inner, name, bindings) is None:
                return None
            guarded = guarded or (isinstance(statement, cst.If) and len(bindings) > before)
            continue
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if _binds_alone(small, name):
                    assert isinstance(small, cst.Assign)
                    if not bindings and name in names_in(small.value):
                        return None
                    bindings.append(small)
                elif name in assigned_names(small) or (not bindings and name in names_in(small)):
                    return None
            continue
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            if statement.name.value == name:
                return None
            continue  # what it reads when called is checked above
        if name in scope_bindings(statement) or (not bindings and name in names_in(statement)):
            return None
    return bindings


def _reads_when_called(nested: cst.CSTNode, name: str) -> bool:
    """Whether a function, class or lambda may read the scope's `name` (a function whose own
    local it is does not)."""
    if name not in names_in(nested):
        return False
    if isinstance(nested, cst.FunctionDef):
        header = [nested.params, *nested.decorators, *([nested.returns] if nested.returns else [])]
        return name in free_names(nested) or any(name in names_in(part) for part in header)
    return True


def _straight_block(statement: cst.BaseStatement) -> Sequence[cst.BaseStatement] | None:
    """The statements of a block that runs once, where it stands: a `with` block, or the
    module's `if __name__ == "__main__":` block without an else."""
    if isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
        return statement.body.body
    if (
        is_main_guard(statement)
        and isinstance(statement, cst.If)
        and statement.orelse is None
        and isinstance(statement.body, cst.IndentedBlock)
    ):
        return statement.body.body
    return None


def _binds_alone(small: cst.BaseSmallStatement, name: str) -> bool:
    return (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
        and small.targets[0].target.value == name
        and name not in assigned_names(small.value)
    )


class _Renamer:
    """Renames, statement by statement in the order they run, each binding after the first to
    its new name, and the reads after it to that name."""

    def __init__(self, name: str, fresh: Sequence[str]) -> None:
        self.name = name
        self.fresh = list(fresh)
        self.current = name
        self.bound = 0

    def block(self, body: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
        return [self.statement(statement) for statement in body]

    def statement(self, statement: cst.BaseStatement) -> cst.BaseStatement:
        inner = _straight_block(statement)
        if isinstance(statement, cst.With) and inner is not None:
            items = [self.reads(item) for item in statement.items]
            return statement.with_changes(items=items, body=statement.body.with_changes(body=self.block(inner)))
        if isinstance(statement, cst.If) and inner is not None:
            return statement.with_changes(body=statement.body.with_changes(body=self.block(inner)))
        if isinstance(statement, cst.SimpleStatementLine):
            return statement.with_changes(body=[self.small(small) for small in statement.body])
        return self.reads(statement)

    def small(self, small: cst.BaseSmallStatement) -> cst.BaseSmallStatement:
        if not _binds_alone(small, self.name):
            return self.reads(small)
        assert isinstance(small, cst.Assign)
        value = self.reads(small.value)
        if self.bound:
            self.current = self.fresh[self.bound - 1]
        self.bound += 1
        target = small.targets[0].with_changes(target=cst.Name(self.current))
        return small.with_changes(targets=[target], value=value)

    def reads(self, node: _Node) -> _Node:
        if self.current == self.name:
            return node
        renamed = node.visit(NameSubstitution({self.name: cst.Name(self.current)}))
        assert isinstance(renamed, type(node))
        return renamed
