"""Functions that build a run's feed dict. TensorFlow's fully_connected_feed.py feeds each run
through one it gives the placeholders:

    def fill_feed_dict(data_set, images_pl, labels_pl):
        images_feed, labels_feed = data_set.next_batch(FLAGS.batch_size)
        feed_dict = {images_pl: images_feed, labels_pl: labels_feed}
        return feed_dict

    feed_dict = fill_feed_dict(data_sets.train, images_placeholder, labels_placeholder)
    _, loss_value = sess.run([train_op, loss], feed_dict=feed_dict)

and mnist_with_summaries.py through one reading them as globals (`return {x: xs, y_: ys,
keep_prob: k}`). Converted, the dict is keyed by the placeholders' names, as a feed dict built
ahead of its runs is (run_sites.RunContext.feed_dict_assignment), and each run reads its
arguments from it; a parameter that only carried a placeholder in goes, with its arguments.

A helper takes part when each of its returns is a dict literal keyed by names (or a local bound
once to one and read only there), all keyed by the same tensors, and its body ends with a
return; a key is a name it reads as a global, or a parameter read only as a key, to which
every call passes the same name; and every use of it in the scope is `name = helper(...)` or the feed of a run.
The keys must be tensors a run may feed (analyze_scope checks that once the graph is read).
Anything else leaves the helper as Python code, and a run fed through it declines as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import libcst as cst

from migrate.analysis.call_arguments import UnknownKeywords, bind_arguments_or_none
from migrate.analysis.syntax import local_names, name_uses, nodes_of


@dataclass(frozen=True)
class FeedHelper:
    function: cst.FunctionDef
    keys: tuple[str, ...]  # the tensors each returned dict feeds, in the first dict's order
    dicts: tuple[cst.Dict, ...]  # the dicts it returns
    renamed: Mapping[int, str]  # each key Name node -> the name of the tensor it stands for
    dropped: frozenset[str]  # the parameters that only carried a placeholder in
    dropped_args: frozenset[int]  # the arguments passed for them at its calls


def feed_helpers(nodes: Sequence[cst.BaseStatement]) -> dict[str, FeedHelper]:
    """The feed helpers the scope `nodes` defines at its own level, by name."""
    found: dict[str, FeedHelper] = {}
    for node in nodes:
        if isinstance(node, cst.FunctionDef):
            helper = _helper(node, nodes)
            if helper is not None:
                found[node.name.value] = helper
    return found


def helper_call(node: cst.CSTNode, helpers: Mapping[str, FeedHelper]) -> tuple[str, FeedHelper] | None:
    """`name = helper(...)`, as a statement line or its one small statement: the name and the helper."""
    if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1:
        node = node.body[0]
    if not (isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name)):
        return None
    call = node.value
    if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in helpers):
        return None
    return node.targets[0].target.value, helpers[call.func.value]


def _helper(function: cst.FunctionDef, scope: Sequence[cst.BaseStatement]) -> FeedHelper | None:
    if function.asynchronous or function.decorators or not isinstance(function.body, cst.IndentedBlock):
        return None
    params = function.params
    if params.kwonly_params or params.posonly_params or params.star_kwarg or isinstance(params.star_arg, cst.Param):
        return None
    if nodes_of(function.body, cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Yield, cst.Global, cst.Nonlocal):
        return None
    last = function.body.body[-1]
    if not (isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], cst.Return)):
        return None  # a path falling off the end would feed None
    uses = name_uses(function.body)
    dicts = _returned_dicts(function, uses)
    if dicts is None:
        return None
    slots = [tuple(key.value for key in _keys(d)) for d in dicts]
    if len(set(slots[0])) != len(slots[0]) or any(set(s) != set(slots[0]) or len(s) != len(slots[0]) for s in slots):
        return None
    parameters = [p.name.value for p in params.params]
    local = local_names(function)
    key_nodes = {id(key) for d in dicts for key in _keys(d)}
    carried: dict[str, str | None] = {}  # parameter key -> the name every call passes
    for slot in slots[0]:
        if slot in parameters:
            param = params.params[parameters.index(slot)]
            if param.default is not None or any(id(use) not in key_nodes for use in uses.get(slot, [])):
                return None
            carried[slot] = None
        elif slot in local:
            return None
    dropped_args = _calls(function, scope, parameters, carried)
    if dropped_args is None:
        return None
    resolved = {slot: carried.get(slot) or slot for slot in slots[0]}
    keys = tuple(resolved[slot] for slot in slots[0])
    if len(set(keys)) != len(keys):
        return None
    renamed = {id(key): resolved[key.value] for d in dicts for key in _keys(d)}
    return FeedHelper(function, keys, tuple(dicts), renamed, frozenset(carried), frozenset(dropped_args))


def _keys(node: cst.Dict) -> list[cst.Name]:
    """The keys of a returned dict, names all (`_returned_dicts` takes no other)."""
    return [cast(cst.Name, cast(cst.DictElement, e).key) for e in node.elements]


def _returned_dicts(function: cst.FunctionDef, uses: Mapping[str, list[cst.Name]]) -> list[cst.Dict] | None:
    """The dict literal each return returns, all keyed by names; None if one returns anything
    else. `uses` are the Name nodes of the function's body, by name."""
    assigned: dict[str, list[cst.Assign]] = {}
    for node in nodes_of(function.body, cst.Assign):
        assert isinstance(node, cst.Assign)
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                assigned.setdefault(target.target.value, []).append(node)
    returns = [r for r in nodes_of(function.body, cst.Return) if isinstance(r, cst.Return)]
    found: list[cst.Dict] = []
    for returned in returns:
        value = returned.value
        if isinstance(value, cst.Name):
            # `feed_dict = {...}` bound once and read only by its returns.
            bindings = assigned.get(value.value, [])
            if len(bindings) != 1 or len(bindings[0].targets) != 1:
                return None
            readers = {id(r.value) for r in returns} | {id(bindings[0].targets[0].target)}
            if any(id(use) not in readers for use in uses.get(value.value, [])):
                return None
            value = bindings[0].value
        if not isinstance(value, cst.Dict) or not value.elements:
            return None
        if not all(isinstance(e, cst.DictElement) and isinstance(e.key, cst.Name) for e in value.elements):
            return None
        if all(value is not d for d in found):
            found.append(value)
    return found or None


def _fed(call: cst.Call) -> cst.BaseExpression | None:
    """What a run's feed dict would be if `call` is one: `sess.run(fetches, feed)`, `op.run(feed)`,
    `t.eval(feed)`, or the `feed_dict=` argument of any (the run analysis checks what runs)."""
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value not in ("run", "eval"):
        return None
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "feed_dict":
            return arg.value
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    # `sess.run(fetches, feed)`; `op.run(feed)` and `t.eval(feed)`.
    return positional[1] if len(positional) > 1 else (positional[0] if positional else None)


def _calls(
    function: cst.FunctionDef,
    scope: Sequence[cst.BaseStatement],
    parameters: Sequence[str],
    carried: dict[str, str | None],
) -> set[int] | None:
    """The arguments every call passes for the `carried` parameters (filled in with the names
    passed), when each use of the function in `scope` is `name = function(...)` or a run's feed
    passing a name for each, the same at each call; None otherwise."""
    name = function.name.value
    calls: list[cst.Call] = []
    references = 0
    for statement in scope:
        if isinstance(statement, cst.FunctionDef) and statement is not function and name in local_names(statement):
            continue  # another function's own `feed_dict`
        references += len(name_uses(statement).get(name, []))
        for node in nodes_of(statement, cst.Assign, cst.Call):
            value: cst.BaseExpression | None
            if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
                value = node.value
            elif isinstance(node, cst.Call):
                value = _fed(node)
            else:
                continue
            if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == name:
                calls.append(value)
    if not calls or references != len(calls) + 1:  # the calls and the def's own name
        return None
    dropped: set[int] = set()
    for call in calls:
        bound = bind_arguments_or_none(call, parameters, unknown_keywords=UnknownKeywords.REFUSE)
        if bound is None:
            return None
        for parameter, passed in list(carried.items()):
            arg = bound.get(parameter)
            if arg is None or not isinstance(arg.value, cst.Name) or passed not in (None, arg.value.value):
                return None
            carried[parameter] = arg.value.value
            dropped.add(id(arg))
    return dropped
