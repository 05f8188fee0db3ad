"""Module-level helpers moved into the one scope that calls them, so they convert with it.

TensorFlow's fully_connected_feed.py defines `placeholder_inputs` and `fill_feed_dict` at module
level and calls them from `run_training()`; scripts as often call such helpers from their
`if __name__ == "__main__":` block. The conversion of a scope takes the placeholder helpers and
feed helpers it defines itself (migrate.analysis.placeholder_helpers, feed_helpers), not those
of the module around it, so migrate.pipeline retries a file left in graph mode with each such
helper moved to the start of the scope that calls it.

A helper moves only when the move leaves what it computes unchanged: it is a module-level
`def` with no decorators, whose defaults are literals, that declares nothing `global` or
`nonlocal`, and that makes placeholders or returns a dict; its name is bound once in the
module and read only inside one later function or main block (so the move is seen by no other
code); and, moved into a function, none of the names it reads from the module is a local of
that function (which it would then read instead). The main block is module code, so a helper
moved there still reads the module's globals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import libcst as cst

from migrate.analysis.syntax import (
    free_names,
    is_docstring,
    is_script_block,
    local_names,
    names_in,
    nodes_of,
    scope_bindings,
)

_LITERAL_DEFAULTS = (cst.Integer, cst.Float, cst.SimpleString)
_LITERAL_NAMES = frozenset({"None", "True", "False"})


def move_helpers(module: cst.Module) -> tuple[cst.Module, dict[str, str]] | None:
    """`module` with its movable helpers moved into the scopes calling them, and the scope each
    went to (a function's name, or `__main__`); None when none moves."""
    body = list(module.body)
    moves: dict[int, list[int]] = {}  # scope index -> indices of the helpers moving into it
    for index, statement in enumerate(body):
        if not isinstance(statement, cst.FunctionDef) or not _helper_shaped(statement):
            continue
        target = _sole_caller(body, index)
        if target is not None:
            moves.setdefault(target, []).append(index)
    # A helper read only by another helper stays: the scope it would go into moves itself.
    moving = {i for helpers in moves.values() for i in helpers}
    moves = {target: helpers for target, helpers in moves.items() if target not in moving}
    if not moves:
        return None
    moved: dict[str, str] = {}
    for target, helpers in moves.items():
        owner = body[target]
        assert isinstance(owner, (cst.FunctionDef, cst.If)) and isinstance(owner.body, cst.IndentedBlock)
        lines = list(owner.body.body)
        start = 1 if isinstance(owner, cst.FunctionDef) and lines and is_docstring(lines[0]) else 0
        # Blank lines that spaced them out at module level would be indented lines in the block.
        definitions = [_without_blank_lines(cast(cst.FunctionDef, body[i])) for i in helpers]
        lines[start:start] = definitions
        body[target] = owner.with_changes(body=owner.body.with_changes(body=lines))
        scope = owner.name.value if isinstance(owner, cst.FunctionDef) else "__main__"
        moved.update({d.name.value: scope for d in definitions})
    gone = {i for helpers in moves.values() for i in helpers}
    kept = [statement for i, statement in enumerate(body) if i not in gone]
    return module.with_changes(body=kept), moved


def _without_blank_lines(function: cst.FunctionDef) -> cst.FunctionDef:
    return function.with_changes(leading_lines=[line for line in function.leading_lines if line.comment is not None])


def _helper_shaped(function: cst.FunctionDef) -> bool:
    """A plain function that makes placeholders or returns a dict: the helpers the scope
    conversion takes. Its definition means the same wherever it stands."""
    if function.decorators or function.asynchronous or not isinstance(function.body, cst.IndentedBlock):
        return False
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    if any(p.default is not None and not _literal(p.default) for p in every):
        return False
    if any(isinstance(p.annotation, cst.Annotation) for p in every) or function.returns is not None:
        return False
    if nodes_of(function.body, cst.Global, cst.Nonlocal, cst.FunctionDef, cst.ClassDef, cst.Lambda):
        return False
    lines = function.body.body
    # Straight-line code making placeholders and returning them (placeholder_helpers decides
    # which exactly), or code whose every return is a dict (feed_helpers).
    placeholders = (
        all(isinstance(line, cst.SimpleStatementLine) for line in lines)
        and isinstance(lines[-1], cst.SimpleStatementLine)
        and isinstance(lines[-1].body[-1], cst.Return)
        and any(_placeholder_call(call) for call in nodes_of(function.body, cst.Call))
    )
    returns = [r for r in nodes_of(function.body, cst.Return) if isinstance(r, cst.Return)]
    dicts = {
        target.target.value
        for assign in nodes_of(function.body, cst.Assign)
        if isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Dict)
        for target in assign.targets
        if isinstance(target.target, cst.Name)
    }
    returns_dict = bool(returns) and all(
        isinstance(r.value, cst.Dict) or (isinstance(r.value, cst.Name) and r.value.value in dicts) for r in returns
    )
    return placeholders or returns_dict


def _placeholder_call(call: cst.CSTNode) -> bool:
    return isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "placeholder"


def _literal(default: cst.BaseExpression) -> bool:
    if isinstance(default, cst.Name):
        return default.value in _LITERAL_NAMES
    return isinstance(default, _LITERAL_DEFAULTS)


def _sole_caller(body: Sequence[cst.BaseStatement], index: int) -> int | None:
    """The index of the one later function or main block of the module that reads the helper at
    `index`, when nothing else of the module does and the move is safe."""
    helper = body[index]
    assert isinstance(helper, cst.FunctionDef)
    name = helper.name.value
    readers = [i for i, statement in enumerate(body) if i != index and name in names_in(statement)]
    if len(readers) != 1 or readers[0] < index:
        return None
    if any(name in scope_bindings(statement) for i, statement in enumerate(body) if i != index):
        return None
    target = body[readers[0]]
    if isinstance(target, cst.FunctionDef):
        if not isinstance(target.body, cst.IndentedBlock) or name in local_names(target):
            return None
        if free_names(helper) & local_names(target):
            return None
        if nodes_of(target.body, cst.Global, cst.Nonlocal):
            return None
        return readers[0]
    if is_script_block(target, body) and isinstance(target, cst.If) and isinstance(target.body, cst.IndentedBlock):
        return readers[0]
    return None
