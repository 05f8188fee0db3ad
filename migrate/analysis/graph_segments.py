"""Independent programs in one module: where a TF1 script starts over with a new graph.

Tutorial scripts and notebooks often hold several small programs one after another: build a
graph, run it in a session, then `tf.reset_default_graph()` (or just a new `with tf.Session()`
block) and build the next one, reusing the names `x`, `loss` and `train_step`. Taken as one
scope, such a module binds one name to several graph values and cannot be sliced. Split into
segments that share no graph value, each segment is a scope of its own.

A segment ends after a top-level `with tf.Session()` block, after `sess.close()`, before a
call that resets the default graph (directly or through a module function that does), and
around a `with tf.Graph().as_default():` block. A segment that reads a graph value (tensor,
variable, placeholder, optimizer, session) that an earlier segment made is joined to the one
before it: its code needs that graph.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from migrate.analysis.declined import Declined
from migrate.analysis.graph_model import RESET_GRAPH_APIS, SESSION_APIS, Kind, Resolver
from migrate.analysis.graph_statements import classify, flatten
from migrate.analysis.syntax import (
    calls_in,
    defined_names,
    local_names,
    names_in,
    nodes_of,
    read_names,
    single_call,
)


def segments(body: Sequence[cst.BaseStatement], resolve: Resolver) -> list[list[cst.BaseStatement]]:
    """The module body cut into independent graph programs (one segment when it cannot be cut)."""
    functions = {s.name.value: s for s in body if isinstance(s, cst.FunctionDef)}
    resetting = {name for name, node in functions.items() if _calls_reset(node, resolve)}
    pieces: list[list[cst.BaseStatement]] = [[]]
    sessions: set[str] = set()
    for statement in body:
        if _resets_graph(statement, resolve, resetting) or enters_new_graph(statement, resolve):
            _cut(pieces)
        pieces[-1].append(statement)
        session = _session_name(statement, resolve)
        if session is not None:
            sessions.add(session)
        if _ends_session(statement, resolve, sessions) or enters_new_graph(statement, resolve):
            _cut(pieces)
    pieces = [piece for piece in pieces if piece]
    return _joined(pieces, resolve, functions)


def graph_generations(body: Sequence[cst.BaseStatement], resolve: Resolver) -> dict[int, int]:
    """For each top-level statement (by identity), how many times the default graph was reset
    before it: statements of different generations build in different graphs, where TF1 named
    ops and variables afresh."""
    functions = {s.name.value: s for s in body if isinstance(s, cst.FunctionDef)}
    resetting = {name for name, node in functions.items() if _calls_reset(node, resolve)}
    generation = 0
    generations: dict[int, int] = {}
    for statement in body:
        if _resets_graph(statement, resolve, resetting):
            generation += 1
        generations[id(statement)] = generation
    return generations


def _cut(pieces: list[list[cst.BaseStatement]]) -> None:
    if pieces[-1]:
        pieces.append([])


def _calls_reset(node: cst.CSTNode, resolve: Resolver) -> bool:
    return any(resolve(call.func) in RESET_GRAPH_APIS for call in calls_in(node))


def _resets_graph(statement: cst.BaseStatement, resolve: Resolver, resetting: set[str]) -> bool:
    targets, call, _ = single_call(statement)
    if call is None or targets:
        return False
    if resolve(call.func) in RESET_GRAPH_APIS:
        return True
    return isinstance(call.func, cst.Name) and call.func.value in resetting


def enters_new_graph(statement: cst.BaseStatement, resolve: Resolver) -> bool:
    """`with tf.Graph().as_default():` at the top level."""
    if not isinstance(statement, cst.With) or len(statement.items) != 1:
        return False
    call = statement.items[0].item
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "as_default"
        and isinstance(call.func.value, cst.Call)
        and resolve(call.func.value.func) == "tf.Graph"
    )


def _session_name(statement: cst.BaseStatement, resolve: Resolver) -> str | None:
    targets, call, _ = single_call(statement)
    if call is not None and len(targets) == 1 and resolve(call.func) in SESSION_APIS:
        return targets[0]
    return None


def _ends_session(statement: cst.BaseStatement, resolve: Resolver, sessions: set[str]) -> bool:
    """A top-level `with tf.Session() ...:` block, or `sess.close()`."""
    if isinstance(statement, cst.With):
        return any(
            isinstance(item.item, cst.Call) and resolve(item.item.func) in SESSION_APIS for item in statement.items
        )
    _, call, _ = single_call(statement)
    return (
        call is not None
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "close"
        and isinstance(call.func.value, cst.Name)
        and call.func.value.value in sessions
    )


def _joined(
    pieces: list[list[cst.BaseStatement]], resolve: Resolver, functions: dict[str, cst.FunctionDef]
) -> list[list[cst.BaseStatement]]:
    """Pieces, each joined to the one before it while it reads a graph value made earlier."""
    joined: list[list[cst.BaseStatement]] = []
    earlier_graph: set[str] = set()
    for piece in pieces:
        made = _graph_names(piece, resolve)
        if made is None:
            return [[statement for piece in pieces for statement in piece]]  # cannot tell: one scope
        # Statements that finish the program before (`writer.close()`) belong to it.
        while joined and piece and _reads_any(piece[:1], earlier_graph, functions) and not (
            set(defined_names(piece[0])) & made
        ):
            joined[-1].append(piece.pop(0))
        if not piece:
            continue
        if joined and _reads_any(piece, earlier_graph, functions):
            joined[-1].extend(piece)
        else:
            joined.append(list(piece))
        earlier_graph |= made
    return joined


def _graph_names(piece: list[cst.BaseStatement], resolve: Resolver) -> set[str] | None:
    """Names the piece binds to graph values (tensors, variables, ops, sessions), or None when
    the analysis cannot classify its statements."""
    # Definitions bind functions and classes, no graph values; what they make is made where
    # they are called.
    piece = [s for s in piece if not isinstance(s, (cst.FunctionDef, cst.ClassDef))]
    try:
        flat = flatten(piece, resolve, {})
        statements, sessions = flat.statements, flat.handles
        names: set[str] = set(sessions)
        for node in statements:
            statement = classify(node, resolve, names, sessions)
            if statement.kind is not Kind.PYTHON:
                names.update(statement.defines)
        return names
    except Declined:
        return None


def _reads_any(piece: list[cst.BaseStatement], graph: set[str], functions: dict[str, cst.FunctionDef]) -> bool:
    """Whether the piece reads one of `graph` before binding it anew, directly or through a
    module function it calls."""
    return _reads_before_binding(piece, graph, functions, set())


def _reads_before_binding(
    statements: Sequence[cst.BaseStatement], graph: set[str], functions: dict[str, cst.FunctionDef], bound: set[str]
) -> bool:
    """`_reads_any` over statements run in order, adding what they bind to `bound`. A `with`
    block is followed statement by statement (`with tf.name_scope("dnn"): h = f(x); y = g(h)`
    reads the `h` it binds, not an earlier one), after what its header reads and binds."""
    for statement in statements:
        if isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
            for item in statement.items:
                if _reads_graph(item.item, graph, functions, bound):
                    return True
                if item.asname is not None:
                    bound.update(n.value for n in nodes_of(item.asname.name, cst.Name) if isinstance(n, cst.Name))
            if _reads_before_binding(statement.body.body, graph, functions, bound):
                return True
            continue
        if _reads_graph(statement, graph, functions, bound):
            return True
        bound.update(defined_names(statement))
    return False


def _reads_graph(node: cst.CSTNode, graph: set[str], functions: dict[str, cst.FunctionDef], bound: set[str]) -> bool:
    if isinstance(node, cst.FunctionDef):
        reads = set(_free_names(node))
    else:
        reads = set(read_names(node)) if isinstance(node, cst.BaseStatement) else set(names_in(node))
    for name in reads & set(functions):
        reads |= _free_names(functions[name])
    return bool(reads & (graph - bound))


def _free_names(function: cst.FunctionDef) -> frozenset[str]:
    """The names a function's code reads from outside: its parameters and locals are its own,
    whatever graph names they share (`def conv(x, my_filter)` next to a graph `my_filter`)."""
    return names_in(function) - local_names(function) - {function.name.value}
