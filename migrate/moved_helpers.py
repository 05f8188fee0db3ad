"""Module-level helpers moved into the one scope that calls them, so they convert with it.

TensorFlow's fully_connected_feed.py defines `placeholder_inputs` and `fill_feed_dict` at module
level and calls them from `run_training()`; scripts as often call such helpers from their
`if __name__ == "__main__":` block. The conversion of a scope takes the placeholder helpers and
feed helpers it defines itself (migrate.analysis.placeholder_helpers, feed_helpers), not those
of the module around it, so migrate.pipeline retries a file left in graph mode with each such
helper moved to the start of the scope that calls it.

Session helpers move too: `do_eval(sess, eval_correct, ...)`, given the session it runs, goes
just before the first statement of the scope that calls it (inside the `with` blocks holding
every call), after the graph it runs, where the scope's step functions stand
(migrate.analysis.session_parameters).

A helper moves only when the move leaves what it computes unchanged: it is a module-level
`def` with no decorators, whose defaults are literals, that declares nothing `global` or
`nonlocal`, and that makes placeholders, returns a dict or runs a session it is given; its
name is bound once in the module and read only inside one later function or main block, and
by helpers moving there (so the move is seen by no other code); and, moved into a function,
none of the names it reads from the module is a local of that function (which it would then
read instead). The main block is module code, so a helper moved there still reads the
module's globals.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import cast

import libcst as cst
import libcst.matchers as m

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


class _Kind(enum.Enum):
    START = "start"  # a placeholder or feed helper: at the start of the scope
    SESSION = "session"  # a session helper: before the first statement calling it


def move_helpers(module: cst.Module) -> tuple[cst.Module, dict[str, str]] | None:
    """`module` with its movable helpers moved into the scopes calling them, and the scope each
    went to (a function's name, or `__main__`); None when none moves."""
    body = list(module.body)
    kinds = {
        index: kind
        for index, statement in enumerate(body)
        if isinstance(statement, cst.FunctionDef) and (kind := _helper_kind(statement)) is not None
    }
    readers = {
        index: [i for i, statement in enumerate(body) if i != index and _name(body[index]) in names_in(statement)]
        for index in kinds
    }
    targets: dict[int, int] = {}
    for index, kind in kinds.items():
        direct = [i for i in readers[index] if i not in kinds]
        helpers = [i for i in readers[index] if i in kinds]
        if len(direct) == 1 and not (helpers and kind is _Kind.SESSION) and _movable(body, index, direct[0]):
            targets[index] = direct[0]
    # A helper also read by other helpers moves only with them; one read only by helpers stays.
    settled = False
    while not settled:
        settled = True
        for index, target in list(targets.items()):
            if any(targets.get(i) != target for i in readers[index] if i in kinds):
                del targets[index]
                settled = False
    if not targets:
        return None
    moved: dict[str, str] = {}
    for target in sorted(set(targets.values())):
        helpers = [i for i in sorted(targets) if targets[i] == target]
        owner = body[target]
        assert isinstance(owner, (cst.FunctionDef, cst.If)) and isinstance(owner.body, cst.IndentedBlock)
        lines = list(owner.body.body)
        start = 1 if isinstance(owner, cst.FunctionDef) and lines and is_docstring(lines[0]) else 0
        # Blank lines that spaced them out at module level would be indented lines in the block.
        definitions = [_without_blank_lines(cast(cst.FunctionDef, body[i])) for i in helpers]
        first = [d for d, i in zip(definitions, helpers, strict=True) if kinds[i] is not _Kind.SESSION]
        lines[start:start] = first
        block = owner.body.with_changes(body=lines)
        for definition, index in zip(definitions, helpers, strict=True):
            if kinds[index] is _Kind.SESSION:
                block = _before_first_use(block, definition)
        body[target] = owner.with_changes(body=block)
        scope = owner.name.value if isinstance(owner, cst.FunctionDef) else "__main__"
        moved.update({d.name.value: scope for d in definitions})
    kept = [statement for i, statement in enumerate(body) if i not in targets]
    return module.with_changes(body=kept), moved


def _name(statement: cst.BaseStatement) -> str:
    assert isinstance(statement, cst.FunctionDef)
    return statement.name.value


def _before_first_use(block: cst.IndentedBlock, definition: cst.FunctionDef) -> cst.IndentedBlock:
    """`block` with `definition` just before its first statement reading the function, inside
    the `with` block that holds every such statement."""
    name = definition.name.value
    lines = list(block.body)
    uses = [i for i, line in enumerate(lines) if name in names_in(line)]
    assert uses
    line = lines[uses[0]]
    if (
        len(uses) == 1
        and isinstance(line, cst.With)
        and isinstance(line.body, cst.IndentedBlock)
        and not any(name in names_in(item) for item in line.items)
    ):
        lines[uses[0]] = line.with_changes(body=_before_first_use(line.body, definition))
    else:
        lines.insert(uses[0], definition.with_changes(leading_lines=[]))
    return block.with_changes(body=lines)


def _without_blank_lines(function: cst.FunctionDef) -> cst.FunctionDef:
    return function.with_changes(leading_lines=[line for line in function.leading_lines if line.comment is not None])


def _helper_kind(function: cst.FunctionDef) -> _Kind | None:
    """Whether `function` is a plain function that makes placeholders, returns a dict or runs a
    session it is given: the helpers the scope conversion takes. Its definition means the same
    wherever it stands."""
    if function.decorators or function.asynchronous or not isinstance(function.body, cst.IndentedBlock):
        return None
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    if any(p.default is not None and not _literal(p.default) for p in every):
        return None
    if any(isinstance(p.annotation, cst.Annotation) for p in every) or function.returns is not None:
        return None
    if nodes_of(function.body, cst.Global, cst.Nonlocal, cst.FunctionDef, cst.ClassDef, cst.Lambda):
        return None
    names = {p.name.value for p in every}
    runs = [
        call
        for call in nodes_of(function.body, cst.Call)
        if isinstance(call, cst.Call) and m.matches(call.func, m.Attribute(value=m.Name(), attr=m.Name("run")))
    ]
    if any(cast(cst.Name, cast(cst.Attribute, call.func).value).value in names for call in runs):
        return _Kind.SESSION
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
    return _Kind.START if placeholders or returns_dict else None


def _placeholder_call(call: cst.CSTNode) -> bool:
    return isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "placeholder"


def _literal(default: cst.BaseExpression) -> bool:
    if isinstance(default, cst.Name):
        return default.value in _LITERAL_NAMES
    return isinstance(default, _LITERAL_DEFAULTS)


def _movable(body: Sequence[cst.BaseStatement], index: int, target: int) -> bool:
    """Whether the helper at `index` may move into the later function or main block at
    `target`: nothing else of the module binds its name, and it reads the same names there."""
    helper = body[index]
    assert isinstance(helper, cst.FunctionDef)
    name = helper.name.value
    if target < index:
        return False
    if any(name in scope_bindings(statement) for i, statement in enumerate(body) if i != index):
        return False
    owner = body[target]
    if isinstance(owner, cst.FunctionDef):
        if not isinstance(owner.body, cst.IndentedBlock) or name in local_names(owner):
            return False
        if free_names(helper) & local_names(owner):
            return False
        return not nodes_of(owner.body, cst.Global, cst.Nonlocal)
    return is_script_block(owner, body) and isinstance(owner, cst.If) and isinstance(owner.body, cst.IndentedBlock)
