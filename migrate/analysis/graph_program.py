"""The dataflow of TF1 graph code: what a session program builds, and what each run needs.

`analyze_scope` reads the statements of one scope (a module, or a function such as `main`)
that builds a graph and runs it in a session. It sorts every statement into a kind (placeholder,
variable, optimizer, training op, graph computation, plain Python, boilerplate), finds every
place where the session runs something, and works out for each distinct run the backward slice
of graph statements it needs and the placeholders it is fed. Whatever it cannot prove safe raises
`Declined` with a reason code; callers then leave the scope as working compat.v1 code.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import libcst as cst

from migrate.analysis import step_functions, syntax, walk
from migrate.analysis.declined import Declined
from migrate.analysis.feed_helpers import FeedHelper, feed_helpers, helper_call
from migrate.analysis.graph_model import (
    DEFAULT_SESSION_API,
    FEED_OVERRIDE,
    GLOBAL_SEED_APIS,
    GLOBAL_STEP_GETTERS,
    GRAPH_IN_CONTROL_FLOW,
    OP_APIS,
    REBOUND_NAME,
    SESSION_APIS,
    SESSION_ESCAPES,
    STATEFUL_INPUT,
    UNBUILT_LAYER,
    UNFED_PLACEHOLDER,
    UNSUPPORTED_RUN,
    VARIABLE_FAMILY,
    VARIABLE_FAMILY_APIS,
    Function,
    Helper,
    Holding,
    Kind,
    Placeholder,
    Resolver,
    RunSite,
    ScopePlan,
    ShapeSource,
    Statement,
    Summary,
    TrainOp,
)
from migrate.analysis.graph_statements import (
    binds_container,
    classify,
    flatten,
    graph_block_header,
    is_feed_dict,
    iterator_source,
    iterator_start,
    makes_global_step,
    merged_summaries,
    module_definitions,
    outer_state,
    placeholder_of,
    structured_names,
    summary_of,
    train_op_of,
    unnamed_factories,
    updated_in_place,
    writer_logdir,
)
from migrate.analysis.placeholder_helpers import helper_placeholders, placeholder_helpers
from migrate.analysis.run_sites import Leaf, Role, RunContext, RunSiteFinder, StaticShape
from migrate.analysis.session_parameters import without_graph_parameters, without_session_parameters
from migrate.analysis.sparse_feeds import sparse_values
from migrate.analysis.static_shapes import check_signatures, read_for_shape_only, static_shape_sources
from migrate.analysis.syntax import (
    COMPREHENSIONS,
    api_under,
    assigned_names,
    calls_in,
    code_of,
    free_names,
    names_in,
    nodes_of,
    own_names,
    reads_before_binding,
    single_assignment,
    tf_apis_in,
    unique_name,
)


def threaded_placeholders(
    statements: Sequence[Statement], placeholders: dict[str, Placeholder], feeders: Collection[str] = ()
) -> dict[str, tuple[str, ...]]:
    """Module functions that read placeholders as globals, with those placeholders.

    Such a function (`def mlp(x): ... tf.nn.dropout(h, keep_prob)`) is given the placeholders
    as extra parameters, and its calls pass them on, since placeholders become parameters of
    the generated functions rather than globals. The feed helpers (`feeders`) read them as
    the keys of the dicts they build, which become the placeholders' names."""
    # Functions that are graph code move into the generated functions, where they read the
    # parameters themselves.
    defs = {
        s.node.name.value: s.node
        for s in statements
        if isinstance(s.node, cst.FunctionDef) and s.kind is Kind.PYTHON and s.node.name.value not in feeders
    }
    reads: dict[str, set[str]] = {}
    for name, node in defs.items():
        reads[name] = {n for n in free_names(node) if n in placeholders or n in defs}
    threaded: dict[str, set[str]] = {name: {n for n in r if n in placeholders} for name, r in reads.items()}
    changed = True
    while changed:
        changed = False
        for name, r in reads.items():
            for callee in r & set(defs):
                if not threaded[callee] <= threaded[name]:
                    threaded[name] |= threaded[callee]
                    changed = True
    order = list(placeholders)
    return {name: tuple(sorted(found, key=order.index)) for name, found in threaded.items() if found}


def _check_module_classes(
    statements: Sequence[Statement], definitions: Sequence[cst.BaseStatement], resolve: Resolver
) -> None:
    """A tf.Module class of the file the scope builds (`inference = Inference()`) is run inside
    the generated functions: TF1 graph state its methods still make (a `tf.layers` call the
    layers rule left inside a method) would be made at each run, if it runs at all."""
    classes = {s.name.value: s for s in definitions if isinstance(s, cst.ClassDef)}
    for statement in statements:
        call = statement.call
        if statement.holds is not Holding.MODULE or call is None or not isinstance(call.func, cst.Name):
            continue
        built = classes.get(call.func.value)
        for api, node in tf_apis_in(built, resolve) if built is not None else ():
            if api_under(api, VARIABLE_FAMILY_APIS):
                raise Declined(VARIABLE_FAMILY, f"{api} is left for the variables-and-layers conversion", node)


def _check_variable_makers(
    statements: Sequence[Statement],
    definitions: Sequence[cst.BaseStatement],
    resolve: Resolver,
    factories: Collection[str],
) -> None:
    """A function of the file that makes variables where it is called (`def deepnn(x)` through
    `weight_variable(shape)` factories) cannot be called by graph code: moved into the
    generated functions, it would make them at each trace. (The layer-function rule first turns
    those whose variables it can name into tf.Module classes.)"""
    functions = {s.name.value: s for s in definitions if isinstance(s, cst.FunctionDef)}

    def called(node: cst.CSTNode) -> set[str]:
        return {c.func.value for c in calls_in(node) if isinstance(c.func, cst.Name)}

    makers = {
        name
        for name, node in functions.items()
        if name not in factories
        and (
            called(node) & set(factories)
            or any(api == "tf.Variable" or api_under(api, VARIABLE_FAMILY_APIS) for api, _ in tf_apis_in(node, resolve))
        )
    }
    grown = True
    while grown:  # and the functions calling those
        grown = False
        for name, node in functions.items():
            if name not in makers and called(node) & makers:
                makers.add(name)
                grown = True
    for statement in statements:
        if statement.kind is Kind.GRAPH and (found := sorted(called(statement.node) & makers)):
            raise Declined(
                VARIABLE_FAMILY,
                f"`{found[0]}` makes variables where it is called, which graph code would do at each run",
                statement.node,
            )


# --- the plan ----------------------------------------------------------------------------


def analyze_scope(
    body: Sequence[cst.BaseStatement],
    resolve: Resolver,
    enclosing: Sequence[cst.BaseStatement] = (),
    reserved: Collection[str] = (),
    module: Sequence[cst.BaseStatement] = (),
) -> ScopePlan | None:
    """Plan the conversion of one scope, None when it runs no session. `enclosing` is the
    module body when the scope is a function's, for the classes defined around it; generated
    names avoid `reserved` (names other scopes of the module generate); `module` is the whole
    module, where Python values the scope makes may be read (by default the scope and
    `enclosing`).

    The steps: sort the statements into kinds and collect what the graph defines, link each
    graph statement to what it reads, find the session runs, refuse what one TF 2 program
    cannot keep, and build one function per distinct run."""
    prefixes: dict[int, str] = {}
    factories = module_definitions([*enclosing, *body], resolve).factories
    flat = flatten(body, resolve, prefixes, factories, unnamed_factories([*enclosing, *body], resolve))
    if not flat.handles:
        nested = _nested_session(flat.statements, resolve, module or [*enclosing, *body])
        if nested is not None:
            raise Declined(GRAPH_IN_CONTROL_FLOW, "a session opened inside a loop, branch or class", nested)
        return None
    steps = _check_default_session(flat.statements, enclosing, resolve)
    flat = flat._replace(statements=without_session_parameters(flat.statements, steps, flat.sessions))
    step_functions.check_sessions(flat.statements, steps, flat.handles)
    scope = _classify_statements(flat.statements, flat.handles, enclosing, resolve)
    # Not iterators and their starts: a step function given one is read by the iterator rules.
    kept = (Kind.PYTHON, Kind.DROP, Kind.ITERATOR, Kind.ITERATOR_START)
    graph_values = {name for s in scope.statements if s.kind not in kept for name in s.defines}
    closing = without_graph_parameters(flat.statements, steps, graph_values)
    if closing is not None:
        # The step functions now read the graph values they were given: sorted again.
        flat = flat._replace(statements=closing)
        scope = _classify_statements(flat.statements, flat.handles, enclosing, resolve)
    statements = scope.statements
    _check_module_classes(statements, [*enclosing, *body], resolve)
    _check_variable_makers(statements, [*enclosing, *body], resolve, factories)
    _check_block_headers(statements, scope.rebound)
    candidates = feed_helpers(flat.statements)
    graph = _collect_graph(statements, scope.outer_variables, prefixes, resolve, candidates)
    graph.seeded = any(api in GLOBAL_SEED_APIS for node in [*enclosing, *body] for api, _ in tf_apis_in(node, resolve))
    function_uses = _link_statements(statements, scope.outer_statements, graph)
    definitions = {s.name.value: s for s in [*enclosing, *body] if isinstance(s, cst.FunctionDef)}
    state = _run_context(statements, flat.handles, graph, resolve, candidates, definitions)
    # A step function reads placeholders only as the keys of what its runs feed.
    state.threaded = {name: found for name, found in state.threaded.items() if name not in steps}
    if len(flat.sessions) > 1 and state.changes_variables:
        # Each TF1 session holds its own copy of every variable; TF 2 has one. Said before the
        # runs are read: each session's initializer run would be refused as a second one.
        opened = [call for node in body for call in calls_in(node) if resolve(call.func) in SESSION_APIS]
        raise Declined(
            UNSUPPORTED_RUN,
            f"variables changed in several sessions ({', '.join(sorted(flat.sessions))}), which TF1 keeps apart",
            opened[1] if len(opened) > 1 else None,
        )
    step_functions.check_definitions(statements, steps, state, resolve)
    finder, first_run_index, site_index = _find_runs(statements, state)
    step_functions.check_calls(statements, steps, finder, flat.opened, lambda call: _runs_implicitly(call, resolve))
    if not finder.sites and not finder.init_calls and not flat.sessions:
        return None  # a graph built and never run (to export it, say): nothing to convert
    if not finder.sites and not finder.init_calls and any(s.kind is Kind.GRAPH for s in statements):
        # Converted, all of it would go as graph code no run fetches; run eagerly instead, it
        # could fail where TF1 only built it (a tensor used as a dict key, say).
        session = next((call for node in body for call in calls_in(node) if resolve(call.func) in SESSION_APIS), None)
        raise Declined(UNSUPPORTED_RUN, "the session runs nothing: the graph code built for it is never run", session)
    taken = names_kept(statements) | set(reserved) | ({state.feed_name} if state.hoisted else set())
    functions = _functions_for_runs(finder.sites, state, statements, function_uses, site_index, scope.rebound, taken)
    reaching = _ReachingDefinitions(statements)
    static_shapes = static_shape_sources(
        finder.static_shapes,
        finder.sites,
        site_index,
        graph.placeholders,
        statements,
        reaching.before,
        state.ops,
        lambda read: _shape_probe(read, functions, state, statements, function_uses, reaching, scope.rebound, taken),
        graph.iterators,
    )
    shape_read_index, traced_first = _traced_first(static_shapes, finder.static_shapes, first_run_index)
    _check_layers_built(statements, functions, resolve)
    helpers = _share_slices(functions, statements, graph.placeholders, taken)
    _check_python_values_kept(statements, functions, helpers)
    check_signatures([f for f in functions if f.name in traced_first], statements, shape_read_index)
    check_signatures([f for f in functions if f.name not in traced_first], statements, first_run_index)
    sparse = sparse_values(body, module or [*body, *enclosing], finder.sites, graph.placeholders, resolve)
    return ScopePlan(
        statements=statements,
        placeholders=graph.placeholders,
        variables=graph.variables,
        train_ops=graph.train_ops,
        run_sites=finder.sites,
        functions=functions,
        first_run_index=first_run_index,
        dropped_config=flat.dropped,
        trailing=flat.trailing,
        init_calls=finder.init_calls,
        helpers=helpers,
        threaded=state.threaded,
        feed_dict_nodes=state.feed_dict_nodes,
        feed_helpers=state.feed_helpers,
        feed_name=state.feed_name,
        hoisted_feeds=state.hoisted,
        structured=state.structured,
        summary_groups=graph.summary_groups(),
        writers=graph.writers,
        summary_writes=finder.summary_writes,
        merged=state.summary_ops,
        graph_defs=graph.graph_defs,
        ops=state.ops,
        iterators=graph.iterators,
        restarts=finder.restarts,
        writer_calls=finder.writer_calls,
        static_shapes=static_shapes,
        shape_read_index=shape_read_index,
        traced_first=traced_first,
        sparse_values=sparse,
    )


@dataclass
class _Classified:
    """The statements of a scope sorted into kinds, with the variables made around it."""

    statements: list[Statement]
    outer_statements: list[Statement]  # the module's, around a function scope
    outer_variables: dict[str, Statement]
    rebound: dict[str, int]  # graph name -> index of the Python statement rebinding it


def _check_default_session(
    body: Sequence[cst.BaseStatement], enclosing: Sequence[cst.BaseStatement], resolve: Resolver
) -> frozenset[str]:
    """Refuse a scope that uses the module's functions or classes which run graph code through
    the default session (`tf.get_default_session()`, `t.eval()`, `op.run()`: the estimator
    classes of RL tutorials): the session block they run in looks as if it ran nothing, and
    removing it would break them. The scope's own functions that run graph code otherwise are
    its step functions (migrate.analysis.step_functions), whose runs are found with the
    scope's; their names are returned."""
    definitions = {
        s.name.value: s for s in [*enclosing, *body] if isinstance(s, (cst.FunctionDef, cst.ClassDef))
    }
    users = {name for name, node in definitions.items() if any(_runs_implicitly(call, resolve) for call in calls_in(node))}
    grown = True
    while grown:  # and the definitions that use those (a parameter of the same name is not one)
        grown = False
        for name, node in definitions.items():
            if name not in users and (free_names(node) if isinstance(node, cst.FunctionDef) else names_in(node)) & users:
                users.add(name)
                grown = True
    own = {s.name.value for s in body if isinstance(s, cst.FunctionDef)}
    steps = {
        name
        for name in users & own
        if not any(resolve(call.func) == DEFAULT_SESSION_API for call in calls_in(definitions[name]))
    }
    shrunk = True
    while shrunk:  # a function using another user of the default session is one too
        shrunk = False
        for name in sorted(steps):
            if names_in(definitions[name]) & (users - steps):
                steps.discard(name)
                shrunk = True
    for statement in body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue
        used = sorted(names_in(statement) & (users - steps))
        if used:
            raise Declined(SESSION_ESCAPES, f"`{used[0]}` runs graph code through the default session", statement)
    return frozenset(steps)


def _runs_implicitly(call: cst.Call, resolve: Resolver) -> bool:
    """`tf.get_default_session()`, or an `eval` / `run` method call (a tensor's or an op's
    runs in the default session; a session's own `run` is counted too: it is session code)."""
    func = call.func
    return resolve(func) == DEFAULT_SESSION_API or (isinstance(func, cst.Attribute) and func.attr.value in ("eval", "run"))


def _classify_statements(
    nodes: Sequence[cst.BaseStatement],
    handles: set[str],
    enclosing: Sequence[cst.BaseStatement],
    resolve: Resolver,
) -> _Classified:
    definitions = replace(
        module_definitions([*enclosing, *nodes], resolve), placeholder_helpers=placeholder_helpers(nodes, resolve)
    )
    outer_statements = outer_state(enclosing, resolve, definitions)
    outer_variables = {s.defines[0]: s for s in outer_statements if s.kind is Kind.VARIABLE}
    statements: list[Statement] = []
    graph_names: set[str] = set(outer_variables)
    rebound: dict[str, int] = {}
    # Names a `for` loop may run over: variables, and lists or dicts of graph values.
    containers: set[str] = set(outer_variables)
    iterator_names: set[str] = set()
    tensors: set[str] = set()
    for node in nodes:
        made = helper_placeholders(node, definitions.placeholder_helpers, resolve)
        if made is not None and len(made) > 1:
            # `images, labels = placeholder_inputs(100)`: one placeholder statement a target.
            unpacked = syntax.unpacked_call(node)
            assert unpacked is not None
            names = unpacked[0]
            for name, call in zip(names, made, strict=True):
                statements.append(Statement(node, Kind.PLACEHOLDER, (name,), names_in(call), call))
            graph_names.update(names)
            tensors.difference_update(names)
            continue
        statement = classify(
            node,
            resolve,
            graph_names,
            handles,
            definitions,
            frozenset(containers),
            frozenset(iterator_names),
            frozenset(tensors),
        )
        if statement.kind is Kind.ITERATOR:
            iterator_names.update(statement.defines)
        if statement.kind is Kind.GRAPH:
            for index, name in _started_in_python(statements, statement):
                statements[index] = replace(statements[index], kind=Kind.GRAPH)
                graph_names.add(name)
                tensors.add(name)
            tensors.update(statement.defines)
        else:
            tensors.difference_update(statement.defines)
        if statement.kind is not Kind.PYTHON:
            graph_names.update(statement.defines)
            if statement.kind is Kind.VARIABLE or (
                statement.kind is Kind.GRAPH and binds_container(statement, resolve)
            ):
                containers.update(statement.defines)
        elif isinstance(node, cst.SimpleStatementLine):
            # `[[b]] = sess.run(b)`: from here on the name holds a Python value.
            for name in set(statement.defines) & graph_names:
                rebound.setdefault(name, len(statements))
            graph_names.difference_update(statement.defines)
        statements.append(statement)
    return _Classified(statements, outer_statements, outer_variables, rebound)


def _started_in_python(statements: Sequence[Statement], graph: Statement) -> list[tuple[int, str]]:
    """For graph code that builds up a name in place (`loss += t`, `losses.append(t)`,
    `d[k] = t`), the Python lines that gave the name its first value, by index: `loss = 0`,
    `losses = []`. Moved with the graph code into the generated functions, each call starts
    from a fresh value, as the graph was built once; left behind, a function would add to a
    global (or find `loss` unbound). Refused when that value is not a plain literal."""
    found: list[tuple[int, str]] = []
    for name in sorted(updated_in_place(graph.node)):
        index = next((i for i in reversed(range(len(statements))) if name in statements[i].defines), None)
        if index is None or statements[index].kind is not Kind.PYTHON:
            continue
        start = statements[index]
        if not _literal_start(start.node, name):
            raise Declined(
                GRAPH_IN_CONTROL_FLOW,
                f"graph code builds up `{name}`, which Python code made before it from other values",
                graph.node,
            )
        found.append((index, name))
    return found


def _literal_start(node: cst.BaseStatement, name: str) -> bool:
    """`name = 0`, `name = []`, `name = {}`: a value that reads nothing."""
    assigned = single_assignment(node)
    return assigned is not None and assigned[0] == name and not names_in(assigned[1]) and not calls_in(assigned[1])


@dataclass
class _Graph:
    """What the graph statements of a scope define, by name."""

    placeholders: dict[str, Placeholder] = field(default_factory=dict)
    iterators: dict[str, cst.BaseExpression | None] = field(default_factory=dict)  # iterator -> its dataset
    starts: dict[str, tuple[str, cst.BaseExpression]] = field(default_factory=dict)  # start op -> iterator, dataset
    variables: dict[str, Statement] = field(default_factory=dict)
    train_ops: dict[str, TrainOp] = field(default_factory=dict)
    initializers: set[str] = field(default_factory=set)
    graph_defs: dict[str, Statement] = field(default_factory=dict)  # tensor name -> its last definition
    summaries: list[Summary] = field(default_factory=list)  # what the merged summary op collects
    named_summaries: dict[str, Summary] = field(default_factory=dict)
    merged: set[str] = field(default_factory=set)
    writers: dict[str, cst.BaseExpression] = field(default_factory=dict)  # FileWriter name -> log directory
    seeded: bool = False  # the program sets a global seed, which fixes what TF1's shuffles draw

    def summary_groups(self) -> dict[str, list[Summary]]:
        """The summary ops a run may fetch -> what each collects: the merged op, and each
        summary op bound to a name (fetched alone, it gives its own serialized summary)."""
        groups = {name: self.summaries for name in sorted(self.merged)}
        groups.update((name, [summary]) for name, summary in self.named_summaries.items())
        return groups


def _feedable(graph: _Graph, resolve: Resolver) -> Callable[[str], bool]:
    """Whether a name is a tensor a run may feed: a placeholder, or a tensor it feeds over."""
    return lambda name: name in graph.placeholders or (
        name in graph.graph_defs and not binds_container(graph.graph_defs[name], resolve)
    )


def _builds_feed_dict(
    statement: Statement, graph: _Graph, resolve: Resolver, candidates: Mapping[str, FeedHelper]
) -> bool:
    """`feed = {x: xs}`, or `feed = helper(...)` of a feed helper, keyed by what a run may feed."""
    feedable = _feedable(graph, resolve)
    if is_feed_dict(statement, feedable):
        return True
    built = helper_call(statement.node, candidates)
    return built is not None and all(feedable(key) for key in built[1].keys)


def _collect_graph(
    statements: Sequence[Statement],
    outer_variables: Mapping[str, Statement],
    prefixes: Mapping[int, str],
    resolve: Resolver,
    candidates: Mapping[str, FeedHelper],
) -> _Graph:
    graph = _Graph(variables=dict(outer_variables))
    placeholders, variables, graph_defs = graph.placeholders, graph.variables, graph.graph_defs
    optimizers: set[str] = set()
    merged_calls: list[Statement] = []
    made_before_merge = 0  # TF1's merge_all collects the summaries made before it, not later ones
    for statement in statements:
        if statement.kind is Kind.PLACEHOLDER:
            placeholders[statement.defines[0]] = placeholder_of(statement, resolve)
        elif statement.kind is Kind.VARIABLE:
            if statement.uses & set(placeholders):
                raise Declined(UNSUPPORTED_RUN, "a variable initialised from a placeholder", statement.node)
            variables[statement.defines[0]] = statement
        elif statement.kind is Kind.OPTIMIZER:
            optimizers.add(statement.defines[0])
        elif statement.kind is Kind.TRAIN:
            train = train_op_of(statement, optimizers, resolve)
            step = train.global_step
            if isinstance(step, cst.Call) and resolve(step.func) in GLOBAL_STEP_GETTERS:
                train = replace(train, global_step=_global_step_found(variables, resolve, step))
            graph.train_ops[statement.defines[0]] = train
        elif statement.kind is Kind.INITIALIZER:
            graph.initializers.update(statement.defines)
        elif statement.kind is Kind.GRAPH and _builds_feed_dict(statement, graph, resolve, candidates):
            statement.kind = Kind.PYTHON  # a feed dict built ahead of its runs: see feed_dict_assignment
        elif statement.kind is Kind.GRAPH:
            _refuse_start_in_graph(statement, graph)
            for name in statement.defines:
                if name in variables or name in placeholders:
                    why = f"`{name}` is bound to a tensor and to a variable or placeholder"
                    raise Declined(UNSUPPORTED_RUN, why, statement.node)
                graph_defs[name] = statement  # the last definition: what a run fetches
        elif statement.kind is Kind.SUMMARY:
            summary = summary_of(statement, prefixes.get(id(statement.node), ""), resolve)
            graph.summaries.append(summary)
            if statement.defines:
                graph.named_summaries[statement.defines[0]] = summary
        elif statement.kind is Kind.MERGE:
            graph.merged.update(statement.defines)
            merged_calls.append(statement)
            made_before_merge = len(graph.summaries)
        elif statement.kind is Kind.WRITER:
            graph.writers[statement.defines[0]] = writer_logdir(statement)
        elif statement.kind is Kind.ITERATOR:
            name = statement.defines[0]
            if name in placeholders:
                raise Declined(STATEFUL_INPUT, f"`{name}` is bound to several iterators", statement.node)
            placeholders[name] = Placeholder(name, None, None, None, cst.Name(name), iterator=True)
            graph.iterators[name] = iterator_source(statement.call, resolve) if statement.call is not None else None
        elif statement.kind is Kind.ITERATOR_START:
            start = iterator_start(statement.call, frozenset(graph.iterators)) if statement.call is not None else None
            if start is None:
                raise Declined(STATEFUL_INPUT, "an iterator initializer of an iterator bound again", statement.node)
            graph.starts[statement.defines[0]] = start
    if len(merged_calls) > 1:
        raise Declined(UNSUPPORTED_RUN, "several merged summary ops", merged_calls[1].node)
    if merged_calls:
        graph.summaries = merged_summaries(
            merged_calls[0], graph.summaries[:made_before_merge], graph.named_summaries, resolve
        )
    return graph


def _link_statements(
    statements: list[Statement], outer_statements: Sequence[Statement], graph: _Graph
) -> dict[str, frozenset[str]]:
    """Names the losses computed inline, moves eager values and datasets out of the graph
    code, and links each graph statement to the definitions it reads. Gives the names each
    module function reads."""
    defined = {name for statement in statements for name in statement.defines}
    for name, train in graph.train_ops.items():
        if train.loss_expression is not None:
            graph.train_ops[name] = replace(train, loss=unique_name("loss", defined))
    _hoist_eager_values(statements, graph.graph_defs, graph.placeholders, graph.train_ops)
    function_uses = _function_uses([*outer_statements, *statements])
    reaching: dict[str, Statement] = {}
    for statement in statements:
        if statement.kind in (Kind.GRAPH, Kind.ITERATOR, Kind.ITERATOR_START):
            statement.uses = _expand(statement.uses, function_uses)
            statement.deps = list({id(d): d for d in (reaching[n] for n in statement.uses if n in reaching)}.values())
        if statement.kind is Kind.GRAPH:
            for name in statement.defines:
                reaching[name] = statement
    _hoist_datasets(statements, graph)
    return function_uses


def _run_context(
    statements: Sequence[Statement],
    handles: set[str],
    graph: _Graph,
    resolve: Resolver,
    candidates: Mapping[str, FeedHelper],
    definitions: Mapping[str, cst.FunctionDef],
) -> RunContext:
    """What finding and checking the session runs needs to know of the graph; `definitions` are
    the program's functions, by name."""
    feedable = _feedable(graph, resolve)
    python_defs = {s.defines[0] for s in statements if isinstance(s.node, cst.FunctionDef) and s.kind is Kind.PYTHON}
    feeders = {
        name: helper
        for name, helper in candidates.items()
        if name in python_defs and all(feedable(key) for key in helper.keys)
    }
    graph_only = set(graph.placeholders) | set(graph.graph_defs) | set(graph.train_ops) | graph.initializers
    graph_only |= set(graph.named_summaries) | graph.merged | set(graph.starts)
    state = RunContext(
        resolve,
        handles,
        graph.placeholders,
        graph.variables,
        graph.train_ops,
        graph.initializers,
        graph.graph_defs,
        graph_only,
        threaded_placeholders(statements, graph.placeholders, feeders),
    )
    state.add_feed_helpers(feeders)
    state.feed_name = unique_name("feed", set().union(*(names_in(s.node) for s in statements)))
    groups = graph.summary_groups()
    state.merged = graph.merged
    state.summary_ops = set(groups)
    state.iterators, state.starts = graph.iterators, graph.starts
    state.structured = structured_names(statements, resolve, definitions) & set(graph.graph_defs)
    state.ops = set(graph.train_ops) | {
        name
        for name, statement in graph.graph_defs.items()
        if statement.call is not None and resolve(statement.call.func) in OP_APIS
    }
    state.summary_roots = {
        name: frozenset().union(*(names_in(s.value) for s in summaries)) for name, summaries in groups.items()
    }
    state.writers = set(graph.writers)
    state.initializer_calls = {
        s.defines[0]: s.call for s in statements if s.kind is Kind.INITIALIZER and s.call is not None and s.defines
    }
    # Assign ops may also be built inline in a run: `sess.run(w.assign_add(1))`.
    state.changes_variables = bool(graph.train_ops) or any(_assigns(s) for s in statements)
    state.python_values = _python_values(statements) - graph_only - set(graph.variables)
    return state


def _find_runs(statements: Sequence[Statement], state: RunContext) -> tuple[RunSiteFinder, int, dict[int, int]]:
    """The session runs of the scope's Python statements; the index of the first statement
    that runs something (-1: none), and the index of each run site's statement by its call."""
    finder = RunSiteFinder(state)
    first_run_index = -1
    site_index: dict[int, int] = {}
    for index, statement in enumerate(statements):
        if statement.kind is Kind.PYTHON:
            before = len(finder.sites)
            finder.statement_index = index
            walk.visit(statement.node, finder)
            # Not at an initializer run: the optimizers the functions use may come after it.
            if first_run_index < 0 and len(finder.sites) > before:
                first_run_index = index
            site_index.update((id(site.call), index) for site in finder.sites if id(site.call) not in site_index)
        else:
            state.symbolic.difference_update(statement.defines)  # bound again by graph code
    return finder, first_run_index, site_index


def _traced_first(
    static_shapes: Mapping[int, ShapeSource], reads: Sequence[StaticShape], first_run_index: int
) -> tuple[int, frozenset[str]]:
    """The first static shape read that traces a function before the first run (-1: none),
    and the functions such reads trace (a placeholder's shape is the one it was declared with)."""
    early = [
        (read.index, origin.name)
        for read in reads
        if isinstance(origin := static_shapes[id(read.shape)].origin, Function)
        and (read.index < first_run_index or first_run_index < 0)
    ]
    return min((index for index, _ in early), default=-1), frozenset(name for _, name in early)


def _functions_for_runs(
    sites: Sequence[RunSite],
    state: RunContext,
    statements: list[Statement],
    function_uses: dict[str, frozenset[str]],
    site_index: Mapping[int, int],
    rebound: Mapping[str, int],
    taken: set[str],
) -> list[Function]:
    """One generated function for each distinct run, set on each site that runs it; their
    names are added to `taken`. A plain variable read gets none."""
    functions: list[Function] = []
    by_key: dict[str, Function] = {}
    definitions_before = _ReachingDefinitions(statements)
    train_index = {s.defines[0]: i for i, s in enumerate(statements) if s.kind is Kind.TRAIN}
    for site in sites:
        leaves = state.leaves(site.fetches)
        if all(leaf.role in (Role.VARIABLE, Role.EAGER) for leaf in leaves):
            continue
        index = site_index[id(site.call)]
        function = _function_for(site, leaves, state, statements, function_uses, definitions_before, index, train_index)
        existing = by_key.get(function.key)
        if existing is None:
            function.name = unique_name(function.name, taken)
            taken.add(function.name)
            by_key[function.key] = function
            functions.append(function)
            existing = function
        site.function = existing
        _check_not_rebound(site, existing, rebound, index)
        _check_assignment_order(site, existing, state, definitions_before.before(index))
    return functions


def _shape_probe(
    read: StaticShape,
    functions: list[Function],
    state: RunContext,
    statements: list[Statement],
    function_uses: dict[str, frozenset[str]],
    reaching: _ReachingDefinitions,
    rebound: Mapping[str, int],
    taken: set[str],
) -> Function:
    """The generated function returning the tensor whose static shape `read` reads, where no
    run returns it: the graph slice a run fetching it alone there would take, fed every
    placeholder. It is traced for its input signature only, never called, unless a run shares it."""
    probe = RunSite(
        cst.Call(cst.Name("probe")),  # stands for the read, which calls nothing
        cst.Name(read.tensor),
        [(name, cst.Name(name)) for name in state.placeholders],
    )
    leaves = state.leaves(probe.fetches)
    train_index = {s.defines[0]: i for i, s in enumerate(statements) if s.kind is Kind.TRAIN}
    try:
        function = _function_for(probe, leaves, state, statements, function_uses, reaching, read.index, train_index)
        existing = next((f for f in functions if f.key == function.key), None)
        if existing is None:
            function.name = unique_name(function.name, taken)
            taken.add(function.name)
            functions.append(function)
            existing = function
        _check_not_rebound(probe, existing, rebound, read.index)
    except Declined as declined:
        raise Declined(declined.code, f"the static shape of `{read.tensor}`: {declined.message}", read.shape) from None
    return existing


def _check_layers_built(statements: Sequence[Statement], functions: Sequence[Function], resolve: Resolver) -> None:
    """Refuse a Keras layer that only graph code no run needs calls. TF1 made its variables
    where the graph called it; a Keras layer makes them on its first call, which the converted
    program never makes, so they would be missing from its checkpoints and variable lists. The
    same holds for the file's tf.Module classes that make their variables at their first call
    (TFM331's); the others make them in `__init__`."""
    called_in_functions = {name for function in functions for statement in function.statements for name in statement.uses}
    lazy = _lazy_module_classes(statements, resolve)
    for statement in statements:
        if statement.kind is not Kind.VARIABLE or statement.holds is not Holding.MODULE or not statement.defines:
            continue
        api = resolve(statement.call.func) if statement.call is not None else None
        own = statement.call is not None and isinstance(statement.call.func, cst.Name) and statement.call.func.value in lazy
        if not own and (api is None or not api.startswith("tf.keras.")):
            continue
        layer = statement.defines[0]
        if layer in called_in_functions:
            continue
        unfetched = next((s for s in statements if s.kind is Kind.GRAPH and layer in s.uses), None)
        if unfetched is not None:
            raise Declined(
                UNBUILT_LAYER,
                "no run fetches this layer's output: TF1 made its variables here, a Keras layer would never make them",
                unfetched.node,
            )


def _lazy_module_classes(statements: Sequence[Statement], resolve: Resolver) -> set[str]:
    """The file's tf.Module classes that make their variables at their first call (in
    `__call__`), as a function making new variables at each call becomes (TFM331)."""
    lazy: set[str] = set()
    for statement in statements:
        node = statement.node
        if not isinstance(node, cst.ClassDef):
            continue
        for method in node.body.body:
            if (
                isinstance(method, cst.FunctionDef)
                and method.name.value == "__call__"
                and any(api == "tf.Variable" for api, _ in tf_apis_in(method, resolve))
            ):
                lazy.add(node.name.value)
    return lazy


_ASSIGN_METHODS = ("assign", "assign_add", "assign_sub", "scatter_update", "scatter_add", "scatter_sub")


def _assigns(statement: Statement) -> bool:
    """Whether a graph statement calls an op that changes a variable."""
    for call in calls_in(statement.node):
        func = call.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if name in _ASSIGN_METHODS:
            return True
    return False


def _assignments(node: cst.CSTNode, resolve: Resolver, variables: Collection[str]) -> list[tuple[str, cst.BaseExpression]]:
    """(variable, value) of each assign op in a piece of graph code: `v.assign(x)`, `tf.assign(v, x)`."""
    found: list[tuple[str, cst.BaseExpression]] = []
    for call in calls_in(node):
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in _ASSIGN_METHODS and call.args:
            target, value = func.value, call.args[0].value
        elif resolve(func) in ("tf.assign", "tf.assign_add", "tf.assign_sub") and len(call.args) >= 2:
            target, value = call.args[0].value, call.args[1].value
        else:
            continue
        if isinstance(target, cst.Name) and target.value in variables:
            found.append((target.value, value))
    return found


def _check_assignment_order(
    site: RunSite, function: Function, state: RunContext, definitions: Mapping[str, Statement]
) -> None:
    """TF1 runs the assign ops of one run in no set order: where one reads a variable another
    writes (`tf.group(x.assign(x + y), y.assign(x * y))`), the values depend on the order the
    graph happened to take, and a TF 2 function fixes one order."""
    nodes: list[cst.CSTNode] = [s.node for s in function.statements] + [site.fetches]
    assigns = [a for node in nodes for a in _assignments(node, state.resolve, state.variables)]
    if len(assigns) < 2:
        return
    written = {variable for variable, _ in assigns}
    slices = [backward_slice(names_in(value), definitions) for _, value in assigns]
    for (variable, value), needed in zip(assigns, slices, strict=True):
        names = set(names_in(value))
        for statement in needed:
            names |= statement.uses
        for other in sorted((names & written) - {variable}):
            feeding = [{id(s) for s in slices[i]} for i, (target, _) in enumerate(assigns) if target == other]
            if not _read_before_assigned(other, value, needed, feeding):
                raise Declined(
                    UNSUPPORTED_RUN,
                    f"`{variable}` is assigned from `{other}`, which the same run assigns: TF1 leaves their order open",
                    site.call,
                )


def _read_before_assigned(
    variable: str, value: cst.BaseExpression, needed: Sequence[Statement], feeding: Sequence[Collection[int]]
) -> bool:
    """Whether every read of `variable` that `value` needs is made by a tensor each assign of
    `variable` in the run also needs (`centroids.assign(means)` with `means` computed from the
    same reading of `centroids` as the value): the assign waits for that read, so TF1 reads
    the old value whatever order it takes, as the TF 2 code does in its order. A read in
    `value` itself, or in a statement other than `name = op(...)`, is not tied so (`alias =
    variable` reads nothing: the ops that use `alias` read it, later)."""
    if variable in names_in(value):
        return False
    for statement in needed:
        if variable not in statement.uses:
            continue
        assignment = syntax.single_assignment(statement.node)
        if assignment is None or isinstance(assignment[1], cst.Name):
            return False
        if any(id(statement) not in ids for ids in feeding):
            return False
    return True


def _check_block_headers(statements: Sequence[Statement], rebound: Mapping[str, int]) -> None:
    """A graph-building `if` / `for` block moves into the generated functions, which evaluate
    its header when first traced: what the header reads must keep the value it had where TF1
    built the graph. A graph name Python binds again (`W = sess.run(W)`) is left to the runs:
    each function a run after that first calls is refused there (`_check_not_rebound`)."""
    for index, statement in enumerate(statements):
        if statement.kind is not Kind.GRAPH or not isinstance(statement.node, (cst.If, cst.For)):
            continue
        header = graph_block_header(statement.node)
        for later_index in range(index + 1, len(statements)):
            changed = {
                name
                for name in header & assigned_names(statements[later_index].node)
                if not (name in rebound and rebound[name] <= later_index)
            }
            if changed:
                name = min(changed)
                raise Declined(
                    GRAPH_IN_CONTROL_FLOW, f"graph built under a condition on `{name}`, which changes later", statement.node
                )


def _global_step_found(
    variables: Mapping[str, Statement], resolve: Resolver, getter: cst.Call
) -> cst.Name:
    """The variable `tf.train.get_global_step()` found when the graph was built."""
    for name, statement in variables.items():
        if statement.call is not None and makes_global_step(statement.call, resolve):
            return cst.Name(name)
    raise Declined(
        UNSUPPORTED_RUN,
        "tf.train.get_global_step() where no variable named global_step is made before it",
        getter,
    )


def _check_python_values_kept(
    statements: Sequence[Statement], functions: Sequence[Function], helpers: Sequence[Helper]
) -> None:
    """TF1 read a Python value (`k = 2.0; y = x * k`) when it built the graph; a generated
    function reads it when first traced, so a name bound again after the graph statement that
    reads it (`k = 3.0`) would give the function the new value."""
    moved = {id(s) for f in functions for s in f.statements} | {id(s) for h in helpers for s in h.statements}
    assigned = [_bound_at_scope_level(statement.node) for statement in statements]
    graph_names: set[str] = set()
    for index, statement in enumerate(statements):
        node = statement.node
        # A function reads graph values too when it is called, not where it is defined.
        kept = set() if isinstance(node, cst.FunctionDef) else graph_names
        python_reads = (
            statement.uses - kept - assigned[index] - _bound_in_functions(node) if id(statement) in moved else set()
        )
        for later in assigned[index + 1 :] if python_reads else ():
            if python_reads & later:
                name = min(python_reads & later)
                reason = (
                    f"`{name}` is bound again after the function `{node.name.value}` that reads it is defined"
                    if isinstance(node, cst.FunctionDef)
                    else f"`{name}` is bound again after graph code reads it: TF1 kept the value it had here,"
                    " a tf.function would read the new one"
                )
                raise Declined(UNSUPPORTED_RUN if isinstance(node, cst.FunctionDef) else REBOUND_NAME, reason, node)
        if statement.kind is not Kind.PYTHON:
            graph_names.update(statement.defines)
    _check_variables_kept(statements, moved)


def _check_variables_kept(statements: Sequence[Statement], moved: Collection[int]) -> None:
    """The generated functions read the variables by their names when traced: a name that a
    later variable takes (`w = tf.Variable(...)` layer after layer) would give them the last
    variable where TF1's graph code read the one bound before it. (Python values bound to such
    a name after the runs are the run sites' to check.)"""
    variables: set[str] = set()
    read: dict[str, Statement] = {}  # variable name -> a moved graph statement that read it
    for statement in statements:
        if statement.kind is Kind.VARIABLE:
            again = sorted(set(statement.defines) & set(read))
            if again:
                raise Declined(
                    REBOUND_NAME,
                    f"`{again[0]}` is bound to another variable after graph code reads it: TF1 kept the first, "
                    "a tf.function would read the new one",
                    read[again[0]].node,
                )
            variables.update(statement.defines)
        elif id(statement) in moved:
            for name in sorted(statement.uses & variables):
                read.setdefault(name, statement)


def _bound_in_functions(node: cst.CSTNode) -> set[str]:
    """The names functions, lambdas and comprehensions in `node` bind for themselves: not the
    scope's names."""
    scopes = nodes_of(node, cst.FunctionDef, cst.Lambda, *COMPREHENSIONS)
    return {name for inner in scopes if isinstance(inner, (cst.FunctionDef, cst.Lambda, cst.BaseComp))
            for name in own_names(inner)}


def _bound_at_scope_level(node: cst.CSTNode) -> set[str]:
    """The names a statement binds in its scope: a definition binds its name, not its locals."""
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        return {node.name.value}
    return set(assigned_names(node)) - _bound_in_functions(node)


def _check_not_rebound(site: RunSite, function: Function, rebound: Mapping[str, int], index: int) -> None:
    """A generated function reads its graph names when first traced: one first called after
    Python rebound such a name (`[b] = sess.run(b)`) would read the new value, where the TF1
    graph kept the tensor."""
    used = set(function.roots).union(*(s.uses for s in function.statements))
    for name in sorted(used & set(rebound)):
        if rebound[name] < index:  # `x = sess.run(x)` runs before it binds
            raise Declined(UNSUPPORTED_RUN, f"`{name}` is rebound to a Python value before a run that reads it", site.call)


_VANISHING = frozenset({Kind.TRAIN, Kind.PLACEHOLDER, Kind.INITIALIZER, Kind.SUMMARY, Kind.MERGE, Kind.DROP})


def names_kept(statements: Sequence[Statement]) -> set[str]:
    """Names the converted scope still binds (graph names included: they live on inside the
    generated functions, which must not shadow them)."""
    return {name for s in statements if s.kind not in _VANISHING for name in s.defines}


def _hoist_eager_values(
    statements: list[Statement],
    graph_defs: dict[str, Statement],
    placeholders: dict[str, Placeholder],
    train_ops: dict[str, TrainOp],
) -> None:
    """Graph statements that variables, optimizers or var_lists are built from stay where they
    are: they are computed once, eagerly, as TF1 computed them once per initialisation. Each
    name a builder reads is the definition reaching it (scripts reuse `n_in` and `h` from layer
    to layer), and so on through what those read."""
    position = {id(statement): index for index, statement in enumerate(statements)}
    pending: list[tuple[str, int]] = []
    for index, statement in enumerate(statements):
        if statement.kind in (Kind.VARIABLE, Kind.OPTIMIZER):
            pending.extend((name, index) for name in statement.uses)
        elif statement.kind is Kind.TRAIN:
            for name in statement.defines:
                train = train_ops.get(name)
                for argument in (train.var_list, train.global_step) if train is not None else ():
                    if argument is not None:
                        pending.extend((used, index) for used in names_in(argument))
    hoisted: list[Statement] = []
    while pending:
        name, index = pending.pop()
        reaching = _reaching_graph_definition(statements, name, index)
        if reaching is None:
            continue
        # `n_in = int(h.shape[1])` needs h's static shape only, read without computing h.
        values_read = reaching.uses - read_for_shape_only(reaching.node)
        if values_read & set(placeholders):
            raise Declined(UNSUPPORTED_RUN, f"`{name}` feeds a variable but depends on a placeholder", reaching.node)
        reaching.kind = Kind.PYTHON
        hoisted.append(reaching)
        pending.extend((used, position[id(reaching)]) for used in values_read)
    for statement in hoisted:
        for name in statement.defines:
            if graph_defs.get(name) is statement:
                del graph_defs[name]
            elif name in graph_defs:
                raise Declined(
                    UNSUPPORTED_RUN,
                    f"`{name}` is both a value variables are built from and, bound again, a graph tensor",
                    statement.node,
                )


def _reaching_graph_definition(statements: Sequence[Statement], name: str, index: int) -> Statement | None:
    """The graph statement whose binding of `name` reaches statement `index`; None when the
    binding reaching it is not graph code (a Python value, or none in this scope)."""
    for statement in reversed(statements[:index]):
        if name in statement.defines:
            return statement if statement.kind is Kind.GRAPH else None
    return None


def _python_values(statements: Sequence[Statement]) -> frozenset[str]:
    """Names the scope's Python statements bind to values (assignments, loop and `with`
    targets), not to functions, classes or modules."""
    names: set[str] = set()
    for statement in statements:
        if statement.kind is not Kind.PYTHON or isinstance(statement.node, (cst.FunctionDef, cst.ClassDef)):
            continue
        definitions = {
            n.name.value for n in nodes_of(statement.node, cst.FunctionDef, cst.ClassDef)
            if isinstance(n, (cst.FunctionDef, cst.ClassDef))
        }
        names |= assigned_names(statement.node) - definitions
        if isinstance(statement.node, cst.SimpleStatementLine) and any(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.node.body
        ):
            names -= set(statement.defines) | assigned_names(statement.node)
    return frozenset(names)


def _nested_session(
    statements: Sequence[cst.BaseStatement], resolve: Resolver, module: Sequence[cst.BaseStatement]
) -> cst.CSTNode | None:
    """A session made below the scope's own statements (in a loop, a branch or a class; a
    function defined here, and a script's `if __name__ == "__main__":` block, are scopes of their
    own), which this analysis does not follow."""
    for statement in statements:
        if isinstance(statement, cst.FunctionDef) or syntax.is_script_block(statement, module):
            continue
        for api, node in tf_apis_in(statement, resolve):
            if api in SESSION_APIS:
                return node
    return None


def _hoist_datasets(statements: list[Statement], graph: _Graph) -> None:
    """The datasets iterators are made from are built once, eagerly, where they stand, as TF1
    built them once: not sliced into the functions, which would make them anew at every call."""
    graph_defs = graph.graph_defs
    iterators = [s for s in statements if s.kind in (Kind.ITERATOR, Kind.ITERATOR_START)]
    pending = [dep for s in iterators for dep in s.deps]
    seen: set[int] = set()
    fed = {name for name, p in graph.placeholders.items() if not p.iterator}
    for statement in iterators:
        _refuse_seeded_shuffle(statement, graph.seeded)
    while pending:
        statement = pending.pop()
        if id(statement) in seen:
            continue
        seen.add(id(statement))
        if statement.uses & fed:
            raise Declined(STATEFUL_INPUT, "a dataset built from a placeholder (fed when its iterator starts)", statement.node)
        _refuse_seeded_shuffle(statement, graph.seeded)
        statement.kind = Kind.PYTHON
        for name in statement.defines:
            if graph_defs.get(name) is statement:
                del graph_defs[name]
        pending.extend(statement.deps)


def _refuse_start_in_graph(statement: Statement, graph: _Graph) -> None:
    """An iterator initializer is run on its own: grouped with other ops or held in a list, it
    would be sliced into a TF 2 function, where there is no iterator to start."""
    started = sorted(statement.uses & set(graph.starts)) + [
        f"{node.value.value}.initializer"
        for node in nodes_of(statement.node, cst.Attribute)
        if isinstance(node, cst.Attribute)
        and node.attr.value == "initializer"
        and isinstance(node.value, cst.Name)
        and node.value.value in graph.iterators
    ]
    if started:
        why = f"the iterator initializer `{started[0]}` is run within other graph code (tf.group, a list)"
        raise Declined(STATEFUL_INPUT, why, statement.node)


def _refuse_seeded_shuffle(statement: Statement, seeded: bool) -> None:
    """A dataset shuffled in an order a seed fixes. TF1 starts the shuffle anew, in the same
    order, whenever its iterator is initialised again; a TF 2 iterator over the dataset draws a
    new order at each pass (and the other way round with `reshuffle_each_iteration=False`). Left
    to TensorFlow's random numbers (no seed, no global seed), both draw a new order at every
    pass, and the shuffle converts as it is."""
    for call in calls_in(statement.node):
        if not (isinstance(call.func, cst.Attribute) and call.func.attr.value == "shuffle"):
            continue
        given = {arg.keyword.value if arg.keyword else str(index): arg.value for index, arg in enumerate(call.args)}
        reshuffle = given.get("reshuffle_each_iteration", given.get("2"))
        if seeded or given.keys() & {"seed", "1"}:
            why = "a dataset shuffled in an order a seed fixes (its own or the program's): TF 2 iterators draw other orders"
        elif reshuffle is not None and not (isinstance(reshuffle, cst.Name) and reshuffle.value == "True"):
            why = (
                "a dataset shuffled with reshuffle_each_iteration: a TF1 iterator initialised again draws a new "
                "order, where a TF 2 iterator keeps the first"
            )
        else:
            continue
        raise Declined(STATEFUL_INPUT, why, call)


def _function_uses(statements: Sequence[Statement]) -> dict[str, frozenset[str]]:
    """Names each module-level function reads from the scope, so a graph statement that calls a
    model-building function depends on the variables that function reads (not on the scope's
    names its own locals shadow)."""
    uses: dict[str, frozenset[str]] = {}
    for statement in statements:
        if isinstance(statement.node, cst.FunctionDef):
            uses[statement.node.name.value] = free_names(statement.node)
    return uses


def _expand(names: frozenset[str], function_uses: dict[str, frozenset[str]]) -> frozenset[str]:
    result = set(names)
    pending = [n for n in names if n in function_uses]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for used in function_uses[name]:
            result.add(used)
            if used in function_uses:
                pending.append(used)
    return frozenset(result)


def backward_slice(
    roots: Iterable[str], graph_defs: Mapping[str, Statement], given: Collection[str] = ()
) -> list[Statement]:
    """The graph statements the named values need: their last definitions and, through the
    definitions reaching each statement, everything those read. Tensors in `given` (fed over
    by the run) are inputs: what computes them is not needed."""
    needed: dict[int, Statement] = {}
    pending = [graph_defs[name] for name in roots if name in graph_defs and name not in given]
    while pending:
        statement = pending.pop()
        if id(statement) in needed:
            continue
        needed[id(statement)] = statement
        pending.extend(d for d in statement.deps if not set(d.defines) & set(given))
    return list(needed.values())


class _ReachingDefinitions:
    """For a statement index, the graph statement that last defined each name before it: what
    a name meant to a run there, or to a training op built there (a script may bind `x_vals`
    to a new tensor after running the first one)."""

    def __init__(self, statements: Sequence[Statement]) -> None:
        self._statements = statements
        self._at: dict[int, dict[str, Statement]] = {}

    def before(self, index: int) -> dict[str, Statement]:
        found = self._at.get(index)
        if found is None:
            found = {}
            for statement in self._statements[:index]:
                if statement.kind is Kind.GRAPH:
                    found.update((name, statement) for name in statement.defines)
            self._at[index] = found
        return found


def _function_for(
    site: RunSite,
    leaves: list[Leaf],
    state: RunContext,
    statements: list[Statement],
    function_uses: dict[str, frozenset[str]],
    reaching: _ReachingDefinitions,
    index: int,
    train_index: Mapping[str, int],
) -> Function:
    trains = [
        state.train_ops[leaf.expression.value]
        for leaf in leaves
        if leaf.role is Role.OP and isinstance(leaf.expression, cst.Name) and leaf.expression.value in state.train_ops
    ]
    if len(trains) > 1:
        raise Declined(UNSUPPORTED_RUN, "several training ops in one run", site.call)
    train = trains[0] if trains else None
    roots: set[str] = set()
    for leaf in leaves:
        if leaf.role in (Role.TENSOR, Role.VARIABLE):
            roots |= _expand(names_in(leaf.expression), function_uses)
        elif leaf.role is Role.SUMMARY:
            assert isinstance(leaf.expression, cst.Name)
            roots |= _expand(state.summary_roots[leaf.expression.value], function_uses)
        elif (
            leaf.role is Role.OP
            and isinstance(leaf.expression, cst.Name)
            and leaf.expression.value in state.graph_defs
        ):
            roots.add(leaf.expression.value)  # a group or no_op: run, not returned
    train_roots: set[str] = set()
    if train is not None:
        if train.loss_expression is not None:
            train_roots |= _expand(names_in(train.loss_expression), function_uses)
        elif train.loss is not None:
            train_roots.add(train.loss)
        if train.applied is not None:
            train_roots |= names_in(train.applied)
        for extra in (train.var_list, train.global_step):
            if extra is not None and names_in(extra) & state.graph_only:
                raise Declined(UNSUPPORTED_RUN, "var_list or global_step computed in the graph", site.call)
    fed = dict(site.feeds)
    overridden = [name for name in fed if name in state.graph_defs]
    if train is not None and overridden:
        raise Declined(FEED_OVERRIDE, "a training run that feeds over a computed tensor", site.call)
    at_site = reaching.before(index)
    needed = backward_slice(roots, at_site, overridden)
    if train is not None:
        at_train = reaching.before(train_index.get(train.name, index))
        loss_slice = backward_slice(train_roots, at_train, overridden)
        _check_trained_reads(site, leaves, state, needed, loss_slice, train, train_roots)
        needed += [s for s in loss_slice if s not in needed]
        if any(at_site.get(name) is not at_train.get(name) for name in roots & train_roots):
            raise Declined(UNSUPPORTED_RUN, "a run fetches a name the training op meant otherwise", site.call)
        roots |= train_roots
    order = {id(s): i for i, s in enumerate(statements)}
    needed.sort(key=lambda s: order[id(s)])
    used: set[str] = set(roots)
    for statement in needed:
        used |= statement.uses
    params = [p for name, p in state.placeholders.items() if name in used]
    for placeholder in params:
        if placeholder.name not in fed and placeholder.default is None:
            raise Declined(UNFED_PLACEHOLDER, f"placeholder `{placeholder.name}` is not fed here", site.call)
    params += [Placeholder(name, None, None, None, None) for name in overridden if name in used]
    read_in_run = (names_in(site.fetches) & state.python_values) - {p.name for p in params}
    read_in_run |= _rebound_inside(needed, statements) - {p.name for p in params}
    params += [Placeholder(name, None, None, None, cst.Name(name), python_value=True) for name in sorted(read_in_run)]
    fetch_code = cst.Module([]).code_for_node(site.fetches)
    # The same fetch text after a name was bound to a new tensor is another function.
    meant = sorted(order[id(at_site[name])] for name in roots if name in at_site)
    key = f"{fetch_code}|{','.join(p.name for p in params)}|{meant}"
    name = _name_for(leaves, train, state.merged)
    return Function(name, params, site.fetches, train, needed, key, frozenset(roots))


def _rebound_inside(needed: Sequence[Statement], statements: Sequence[Statement]) -> set[str]:
    """Names the function body reads from the scope's own code and binds again (`if not rgb:
    image = tf.image.rgb_to_grayscale(image)` after an `image` the scope computed eagerly):
    bound in the body, Python makes them local to the whole function, so the outer value is
    passed in."""
    inside = {name for statement in needed for name in statement.defines}
    moved = {id(statement) for statement in needed}
    outside = {name for statement in statements if id(statement) not in moved for name in statement.defines}
    return reads_before_binding([statement.node for statement in needed]) & inside & outside


def _check_trained_reads(
    site: RunSite,
    leaves: Sequence[Leaf],
    state: RunContext,
    fetched: Sequence[Statement],
    loss_slice: Sequence[Statement],
    train: TrainOp,
    train_roots: Collection[str],
) -> None:
    """Refuse a training run that fetches a value reading a variable the run trains other than
    through the loss (`tf.summary.histogram("w", tf.squeeze(w))`, `tf.reduce_mean(w)`): TF1 ran
    that read and the update in an order it leaves open, and gave either value. (A variable
    fetched itself is read after the update, as TF1's fetch of it gave.)"""
    in_loss = {id(s) for s in loss_slice}
    reached = set(train_roots).union(*(s.uses for s in loss_slice))
    trained: set[str]
    if train.var_list is not None:
        trained = set(names_in(train.var_list)) & set(state.variables)
    else:
        trained = {
            name for name, statement in state.variables.items()
            if name in reached and statement.holds not in (Holding.NOTHING, Holding.GLOBAL_STEP)
            and not untrainable(statement)
        }
    reads: list[tuple[str, set[str]]] = [
        (statement.defines[0] if statement.defines else "a value", set(statement.uses & trained))
        for statement in fetched
        if id(statement) not in in_loss
    ]
    for leaf in leaves:
        if leaf.role is Role.TENSOR and not isinstance(leaf.expression, cst.Name):
            reads.append((code_of(leaf.expression), set(names_in(leaf.expression)) & trained))
        elif leaf.role is Role.SUMMARY and isinstance(leaf.expression, cst.Name):
            reads.append((leaf.expression.value, set(state.summary_roots[leaf.expression.value] & trained)))
    for what, variables in reads:
        if variables:
            raise Declined(
                UNSUPPORTED_RUN,
                f"`{what}` reads `{min(variables)}`, which the same run trains: TF1 leaves the order of"
                " that read and the update open",
                site.call,
            )


def untrainable(statement: Statement) -> bool:
    """`tf.Variable(..., trainable=False)`."""
    return statement.call is not None and any(
        a.keyword is not None and a.keyword.value == "trainable" and isinstance(a.value, cst.Name)
        and a.value.value == "False"
        for a in statement.call.args
    )


def _is_alias(node: cst.CSTNode) -> bool:
    """`a = b`: a statement that only names a value again."""
    assigned = single_assignment(node) if isinstance(node, cst.BaseStatement) else None
    return assigned is not None and isinstance(assigned[1], cst.Name)


def _share_slices(
    functions: list[Function],
    statements: list[Statement],
    placeholders: dict[str, Placeholder],
    taken: set[str],
) -> list[Helper]:
    """Split out the graph statements that more than one function needs.

    Statements are grouped into runs that are consecutive in program order and needed by the
    same set of functions; a run needed by two or more becomes one helper. Since every function
    sees the runs in program order, a run's inputs always come from earlier runs."""
    users: dict[int, set[str]] = {}
    for function in functions:
        for statement in function.statements:
            users.setdefault(id(statement), set()).add(function.name)
    # Gradients, and what is computed from them, stay in each function: a tape there records the
    # forward pass, which a helper's own statements would compute out of its sight.
    differentiated: set[str] = set()
    for statement in statements:
        if statement.gradients is not None or statement.uses & differentiated:
            differentiated.update(statement.defines)
    runs: list[tuple[frozenset[str], list[Statement]]] = []
    for statement in statements:
        if id(statement) not in users:
            continue
        owners = frozenset(users[id(statement)]) if not set(statement.defines) & differentiated else frozenset()
        if runs and runs[-1][0] == owners:
            runs[-1][1].append(statement)
        else:
            runs.append((owners, [statement]))
    helper_of: dict[int, Helper] = {}
    helpers: list[Helper] = []
    graph_order = [name for s in statements for name in s.defines]
    for owners, run in runs:
        if len(owners) < 2 or all(_is_alias(s.node) for s in run):
            continue  # an alias (`inputs = x`, a flattened constructor's argument) is repeated
        defined = {name for s in run for name in s.defines}
        used = set().union(*(s.uses for s in run))
        in_run = {id(s) for s in run}
        outside: set[str] = set()
        for function in functions:
            if function.name in owners:
                outside |= function.roots
                outside |= set().union(*(s.uses for s in function.statements if id(s) not in in_run))
        # Inputs: placeholders, and the tensors whose definitions reaching the run lie outside
        # it (by reaching definitions, so `cost = cost + penalty` takes the earlier `cost`).
        incoming = {
            name
            for statement in run
            for dep in statement.deps
            if id(dep) not in in_run
            for name in dep.defines
            if name in statement.uses
        }
        params = [p for p in placeholders if p in used]
        params += [n for n in dict.fromkeys(graph_order) if n in incoming and n not in placeholders]
        returns = list(dict.fromkeys(n for n in graph_order if n in defined and n in outside))
        # Helpers are plain functions of the tensors they return (`loss_fn`); the generated
        # tf.functions are named after what a run fetches (`compute_loss`), so names do not meet.
        stem = "forward" if len(returns) > 2 or not returns else "_and_".join(returns) + "_fn"
        helper = Helper(unique_name(stem, taken), list(dict.fromkeys(params)), list(dict.fromkeys(returns)), run)
        taken.add(helper.name)
        helpers.append(helper)
        for statement in run:
            helper_of[id(statement)] = helper
    for function in functions:
        steps: list[Statement | Helper] = []
        for statement in function.statements:
            shared = helper_of.get(id(statement))
            if shared is None:
                steps.append(statement)
            elif shared not in steps:
                steps.append(shared)
        function.steps = steps
    return helpers


def _name_for(leaves: list[Leaf], train: TrainOp | None, merge_ops: Collection[str]) -> str:
    if train is not None:
        stem = train.name.removesuffix("_op")
        if stem in {"train", "train_step", "optimizer", "optim", "opt", "minimize", "update", "step", "training"}:
            return "train_step"
        return stem if stem.endswith("_step") else f"{stem}_step"
    words: list[str] = []
    for leaf in leaves:
        if leaf.role is Role.OP:
            continue
        expression = leaf.expression
        if leaf.role is Role.SUMMARY and isinstance(expression, cst.Name) and expression.value not in merge_ops:
            words.append(expression.value)  # a summary op bound to a name: its own summary
        elif leaf.role is Role.SUMMARY:
            words.append("summaries")
        elif isinstance(expression, cst.Name):
            words.append(expression.value)
        elif isinstance(expression, cst.Call) and isinstance(expression.func, (cst.Attribute, cst.Name)):
            func = expression.func
            words.append(func.attr.value if isinstance(func, cst.Attribute) else func.value)
        else:
            words.append("value")
    if not words:
        ops = [leaf.expression.value for leaf in leaves if isinstance(leaf.expression, cst.Name)]
        return "run_" + "_and_".join(ops) if 0 < len(ops) <= 2 else "run_ops"
    if words[0] in {"pred", "prediction", "predictions", "y_pred", "logits", "output", "outputs"} and len(words) == 1:
        return "predict"
    name = "compute_" + "_and_".join(dict.fromkeys(words))
    return name if len(name) <= 40 else "compute_" + words[0] + "_and_more"
