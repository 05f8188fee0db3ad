"""The hand-over between the two passes of the model-class rule (TFM230, TFM233).

The first pass replaces a model class and its construction by marker calls around the graph code
it flattened, and keeps what it replaced in a `ModelRecord` under the markers' token; the second
finds the markers again, folds the converted code back into a class or restores the input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.model_twins import Twin
from migrate.analysis.session_methods import ServedMethod
from migrate.analysis.session_openers import OpenedMethod

MARKER = "__tf_migrate_model__"
# A note on a script line that read only a twin (model_twins): the fold gives the line's reads of
# the model the twin's name back (`eval_model.compute_loss(...)`).
TWIN_NOTE = "# __tf_migrate_twin__ "


@dataclass(frozen=True)
class ModelRecord:
    """What the flattening pass replaced, for the fold pass to put back."""

    class_node: cst.ClassDef
    init: cst.FunctionDef
    construction: cst.SimpleStatementLine
    instance: str
    attributes: dict[str, str]  # module-level name -> attribute of the model
    locals: dict[str, str]  # module-level name -> local name of __init__ (parameters too)
    params: tuple[str, ...]  # module-level names of the parameters, bound in this order
    functions: frozenset[str]  # names of the functions the module defined before the rewrite
    expanded: cst.FunctionDef  # __init__ with the methods it and the script call to build the model inlined
    inlined: frozenset[str]  # those methods and the opened ones, gone from the class once it is folded
    opened: tuple[OpenedMethod, ...]  # methods and functions given the model read in place of their calls
    script_calls: tuple[cst.SimpleStatementLine, ...]  # the script's `model.build()` lines
    served: dict[str, ServedMethod]  # name of the script's function -> the method that runs the session
    session: str  # the script's session those methods run
    receivers: dict[str, str]  # function the script passes the model to -> its parameter that takes it
    scope: str | None  # the variable scope all its graph is built under, None if not one literal scope
    shared: bool  # flattened after other models, whose names its own names were taken apart from
    # Later constructions over the same variables, read as the model itself (model_twins), and
    # the module before any model was flattened, which a program that stays a session program
    # gets back whole: the twins' reads were flattened to the model's names.
    twins: tuple[Twin, ...] = ()
    source: cst.Module | None = None


# Markers carry a token; the records stay in this process between the two passes (the graph-mode
# rewrite of the pipeline folds the same flattened tree again).
RECORDS: dict[str, ModelRecord] = {}


def marker_of(statement: cst.BaseStatement) -> tuple[str, str] | None:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, (cst.Expr, cst.Assign)) or not isinstance(small.value, cst.Call):
        return None
    call = small.value
    if not (isinstance(call.func, cst.Name) and call.func.value == MARKER and len(call.args) == 2):
        return None
    token, role = (syntax.string_literal(a.value) for a in call.args)
    return (token, role) if token is not None and role is not None else None


def model_tokens(module: cst.Module) -> dict[str, cst.SimpleStatementLine]:
    """The models flattened in `module`, each with the marker that stands for its class."""
    found: dict[str, cst.SimpleStatementLine] = {}
    for line in syntax.nodes_of(module, cst.SimpleStatementLine):
        assert isinstance(line, cst.SimpleStatementLine)
        marker = marker_of(line)
        if marker is not None and marker[1] == "class":
            found[marker[0]] = line
    return found


def first_with_lines(
    statements: Sequence[cst.BaseStatement], lines: Sequence[cst.EmptyLine]
) -> list[cst.BaseStatement]:
    """`statements`, the first of them taking the blank and comment lines of a marker."""
    return [syntax.with_leading_lines(s, lines) if i == 0 else s for i, s in enumerate(statements)]


def region_of(module: cst.Module, token: str) -> list[cst.BaseStatement]:
    """The statements between the begin and end markers of `token`."""
    for block in [module, *syntax.nodes_of(module, cst.IndentedBlock)]:
        assert isinstance(block, (cst.Module, cst.IndentedBlock))
        statements = list(block.body)
        roles = [marker_of(s) for s in statements]
        if (token, "begin") in roles:
            start = roles.index((token, "begin"))
            end = roles.index((token, "end"))
            return statements[start + 1 : end]
    return []


def with_twin_note(line: cst.SimpleStatementLine, twin: str) -> cst.SimpleStatementLine:
    """`line` noted as reading the twin `twin` (after the comment it has)."""
    trailing = line.trailing_whitespace
    note = f"{TWIN_NOTE}{twin}"
    if trailing.comment is not None:
        comment = cst.Comment(f"{trailing.comment.value}  {note}")
        return line.with_changes(trailing_whitespace=trailing.with_changes(comment=comment))
    return line.with_changes(trailing_whitespace=trailing.with_changes(
        whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(note)))


def twin_note(line: cst.SimpleStatementLine) -> str | None:
    comment = line.trailing_whitespace.comment
    if comment is None or TWIN_NOTE not in comment.value:
        return None
    return comment.value.rpartition(TWIN_NOTE)[2]


def without_twin_note(line: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    trailing = line.trailing_whitespace
    if trailing.comment is None or TWIN_NOTE not in trailing.comment.value:
        return line
    rest = trailing.comment.value.rpartition(TWIN_NOTE)[0].rstrip()
    if rest:
        return line.with_changes(trailing_whitespace=trailing.with_changes(comment=cst.Comment(rest)))
    return line.with_changes(trailing_whitespace=trailing.with_changes(
        whitespace=cst.SimpleWhitespace(""), comment=None))
