"""How the TF1 RNNs of one module become Keras RNN layers with TF1's cell math (rule TFM321).

`RNNPlanner.plan` walks the module and gives its statements with every `dynamic_rnn` /
`static_rnn` over a TF1 cell replaced by one Keras `RNN` layer, created once and called where the
graph ran the cell (see migrate.transforms.rnn for the rule and its examples). Anything it cannot
convert raises `Declined`, and then no RNN of the module is converted: Keras layers cannot run in
TF1 graph mode. The layers rule (TFM311) asks `declined` first, as its layers must stay TF1 code
exactly when the RNNs do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from migrate.analysis import layer_arguments as la
from migrate.analysis import rnn_cells as rc
from migrate.analysis import syntax, walk
from migrate.analysis.call_arguments import UnknownKeywords, keyword_arg, values_or_declined
from migrate.analysis.declined import Declined
from migrate.analysis.graph_model import Resolver

RNN_RULE = "TFM321"
RNN_IN_CONTROL_FLOW = "TFM322"
SEQUENCE_LENGTH = "TFM323"
UNSUPPORTED_CELL_ARGUMENT = "TFM324"
UNSUPPORTED_RNN_API = "TFM325"
CELL_USED_ELSEWHERE = "TFM326"
STATE_USED = "TFM327"
INITIAL_STATE = "TFM328"
UNSUPPORTED_DRIVER_ARGUMENT = "TFM329"

_SESSIONS = frozenset({"tf.Session", "tf.InteractiveSession"})
_SCOPE_NAMES = {rc.DYNAMIC_RNN: "rnn", rc.STATIC_RNN: "rnn"}
_FLOAT32 = frozenset({"tf.float32"})


@dataclass
class _Cell:
    """A cell bound to a name by `cell = tf.nn.rnn_cell.X(...)`."""

    statement: cst.SimpleStatementLine
    call: cst.Call


@dataclass
class _Scope:
    """One statement list being converted: the module body or a function body."""

    cells: dict[str, _Cell] = field(default_factory=dict)
    zero_states: dict[str, str] = field(default_factory=dict)  # name -> cell name
    # Replacement statements by id of the original top-level statement (empty: dropped).
    replaced: dict[int, list[cst.BaseStatement]] = field(default_factory=dict)


@dataclass
class RNNPlan:
    """What converting the RNNs of one module writes, gathered as its statements are planned."""

    taken: set[str]
    kinds: list[rc.CellKind] = field(default_factory=list)  # emitted cell classes, in first-use order
    counts: dict[str, int] = field(default_factory=dict)  # TF1 layer names used
    hoisted: dict[str, list[cst.BaseStatement]] = field(default_factory=dict)  # def name -> layers
    # `state.c` / `state.h` of converted LSTM states: state name -> (c name, h name).
    lstm_states: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class _Context:
    """Where statements are being planned: the statement list's cells and replacements, the
    module's plan and name counts, and where a model function's layers are hoisted to (None:
    they stay in place)."""

    scope: _Scope
    plan: RNNPlan
    counts: dict[str, int]
    hoisted: list[cst.BaseStatement] | None


@dataclass(frozen=True)
class _Driver:
    """One `outputs, state = tf.nn.dynamic_rnn(cell, inputs, ...)` statement (or static_rnn)."""

    statement: cst.SimpleStatementLine
    assign: cst.Assign
    target: cst.BaseAssignTargetExpression
    call: cst.Call
    api: str


@dataclass(frozen=True)
class _DriverArguments:
    cell: cst.BaseExpression
    inputs: cst.BaseExpression
    initial_state: cst.BaseExpression | None
    scope: cst.BaseExpression | None  # the variable scope, which names the layer


@dataclass(frozen=True)
class _DriverCell:
    call: cst.Call  # the TF1 cell's constructor
    name: str | None  # the name it is bound to; None when built inline in the driver call
    statement: cst.SimpleStatementLine | None  # `cell = ...`: the layer takes its place


def _bind(call: cst.Call, parameters: Sequence[str]) -> dict[str, cst.BaseExpression]:
    # `parameters` is the whole signature this rule converts: any other keyword declines.
    return values_or_declined(
        call, parameters, unknown_keywords=UnknownKeywords.REFUSE, code=UNSUPPORTED_DRIVER_ARGUMENT
    )


def _is_name(value: cst.BaseExpression | None, *texts: str) -> bool:
    return isinstance(value, cst.Name) and value.value in texts


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: dict[str, int] = {}

    def visit_Name(self, node: cst.Name) -> None:
        self.names[node.value] = self.names.get(node.value, 0) + 1


def _name_counts(node: cst.CSTNode) -> dict[str, int]:
    collector = _Names()
    walk.visit(node, collector)
    return collector.names


class _StateAttributeReads(cst.CSTVisitor):
    """How often each name is read as `name.c` / `name.h` (an LSTMStateTuple's fields)."""

    def __init__(self) -> None:
        self.reads: dict[str, int] = {}

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.attr.value in {"c", "h"}:
            self.reads[node.value.value] = self.reads.get(node.value.value, 0) + 1


class RNNPlanner:
    """Plans the conversion of one module's RNNs, naming TensorFlow through the rule that asks.

    `tf_api` resolves a node to its TF1 API, `tf_expr` writes `tf.<path>` (importing TensorFlow
    if needed) and `is_suppressed_at` tells whether a comment switches the RNN rule off at a node.
    """

    def __init__(
        self,
        tf_api: Resolver,
        tf_expr: Callable[[str], cst.BaseExpression],
        is_suppressed_at: Callable[[cst.CSTNode], bool],
    ) -> None:
        self.tf_api = tf_api
        self.tf_expr = tf_expr
        self.is_suppressed_at = is_suppressed_at
        self._attribute_reads: dict[str, int] = {}

    def uses_rnn(self, module: cst.Module) -> bool:
        return any(rc.is_rnn_api(rc.canonical(self.tf_api(node))) for node in syntax.references_in(module).outermost())

    def declined(self, module: cst.Module) -> Declined | None:
        """Why the RNNs of `module` would stay TF1 code, or None; for the layers rule, which runs
        first and must leave its layers alike."""
        try:
            self.plan(module, RNNPlan(taken=set()), layers_converted=True)
        except Declined as declined:
            return declined
        return None

    def plan(self, module: cst.Module, plan: RNNPlan, layers_converted: bool = False) -> list[cst.BaseStatement]:
        counts = _name_counts(module)
        plan.taken.update(counts)
        attributes = _StateAttributeReads()
        walk.visit(module, attributes)
        self._attribute_reads = attributes.reads
        body = self._convert(module, plan, counts)
        if not layers_converted:
            for node in syntax.references_in(module).outermost():
                if la.spec_for(self.tf_api(node)) is not None:
                    raise Declined(UNSUPPORTED_RNN_API, "TF1 layers are kept in this file (see TFM311's finding)", node)
        return body

    # --- walking ------------------------------------------------------------------------
    def _convert(self, module: cst.Module, plan: RNNPlan, counts: dict[str, int]) -> list[cst.BaseStatement]:
        defs = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}
        calls = {name: sum(1 for c in syntax.calls_in(module) if _is_name(c.func, name)) for name in defs}
        converted: dict[str, cst.FunctionDef] = {}
        for name, definition in defs.items():
            if not self._has_rnn(definition):
                continue
            in_place = any(self.tf_api(c.func) in _SESSIONS for c in syntax.calls_in(definition))
            # A model function must run once, as each of its RNNs becomes one layer; its name
            # must be referenced only by that call and its `def`.
            if not in_place and (calls[name] != 1 or counts.get(name, 0) != 2):
                raise Declined(
                    RNN_IN_CONTROL_FLOW, f"function `{name}` builds an RNN and is not called exactly once", definition
                )
            if not isinstance(definition.body, cst.IndentedBlock):
                raise Declined(RNN_IN_CONTROL_FLOW, f"function `{name}` is a one-liner", definition)
            hoisted: list[cst.BaseStatement] = []
            inner = self._block(definition.body.body, plan, counts, None if in_place else hoisted)
            converted[name] = definition.with_changes(body=definition.body.with_changes(body=inner))
            if hoisted:
                # Made once, outside the function, a layer can read only the module's names.
                local = sorted(set().union(*(syntax.names_in(s) for s in hoisted)) & syntax.local_names(definition))
                if local:
                    raise Declined(
                        UNSUPPORTED_CELL_ARGUMENT,
                        f"function `{name}`'s RNN layer would be made once, outside it, from `{local[0]}`, "
                        "which the function binds",
                        definition,
                    )
                plan.hoisted[name] = hoisted
        top = self._block(module.body, plan, counts, None, defs=converted)
        result: list[cst.BaseStatement] = []
        for statement in top:
            if isinstance(statement, cst.FunctionDef) and statement.name.value in plan.hoisted:
                hoisted = plan.hoisted[statement.name.value]
                result.append(syntax.with_leading_lines(hoisted[0], statement.leading_lines))
                result.extend(hoisted[1:])
                statement = statement.with_changes(
                    leading_lines=[cst.EmptyLine(indent=False), cst.EmptyLine(indent=False)]
                )
            result.append(statement)
        return result

    def _has_rnn(self, node: cst.CSTNode) -> bool:
        return any(rc.is_rnn_api(rc.canonical(self.tf_api(c.func))) for c in syntax.calls_in(node))

    def _block(
        self,
        body: Sequence[cst.BaseStatement],
        plan: RNNPlan,
        counts: dict[str, int],
        hoisted: list[cst.BaseStatement] | None,
        defs: dict[str, cst.FunctionDef] | None = None,
    ) -> list[cst.BaseStatement]:
        context = _Context(_Scope(), plan, counts, hoisted)
        out: list[cst.BaseStatement] = []
        for statement in body:
            if isinstance(statement, cst.FunctionDef):
                out.append(defs.get(statement.name.value, statement) if defs is not None else statement)
                if defs is None and self._has_rnn(statement):
                    raise Declined(RNN_IN_CONTROL_FLOW, "an RNN built inside a nested function", statement)
            elif isinstance(statement, cst.SimpleStatementLine):
                out.extend(self._simple(statement, context))
            elif isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
                if self._has_rnn(statement) and any(
                    isinstance(item.item, cst.Call) and self.tf_api(item.item.func) == "tf.variable_scope"
                    for item in statement.items
                ):
                    raise Declined(RNN_IN_CONTROL_FLOW, "an RNN built inside tf.variable_scope", statement)
                inner = self._block(statement.body.body, plan, counts, hoisted, defs)
                out.append(statement.with_changes(body=statement.body.with_changes(body=inner)))
            else:
                if self._has_rnn(statement):
                    where = "a class" if isinstance(statement, cst.ClassDef) else "a loop or branch"
                    raise Declined(RNN_IN_CONTROL_FLOW, f"an RNN built inside {where}", statement)
                out.append(statement)
        for name, cell in context.scope.cells.items():
            raise Declined(CELL_USED_ELSEWHERE, f"cell `{name}` is not run by dynamic_rnn / static_rnn", cell.statement)
        result: list[cst.BaseStatement] = []
        for statement in out:
            result.extend(context.scope.replaced.get(id(statement), [statement]))
        return result

    def _simple(self, statement: cst.SimpleStatementLine, context: _Context) -> list[cst.BaseStatement]:
        scope = context.scope
        used = _name_counts(statement)
        if len(statement.body) == 1 and isinstance(statement.body[0], cst.Assign):
            assign = statement.body[0]
            value = assign.value
            target = assign.targets[0].target if len(assign.targets) == 1 else None
            api = rc.canonical(self.tf_api(value.func)) if isinstance(value, cst.Call) else None
            if isinstance(value, cst.Call) and api in rc.CELLS and isinstance(target, cst.Name):
                if target.value in scope.cells or context.counts.get(target.value, 0) < 2:
                    raise Declined(CELL_USED_ELSEWHERE, f"cell `{target.value}` is rebound or unused", statement)
                scope.cells[target.value] = _Cell(statement, value)
                return [statement]
            if (
                isinstance(value, cst.Call)
                and isinstance(target, cst.Name)
                and isinstance(value.func, cst.Attribute)
                and value.func.attr.value == "zero_state"
                and _is_name(value.func.value, *scope.cells)
            ):
                assert isinstance(value.func.value, cst.Name)
                scope.zero_states[target.value] = value.func.value.value
                return []
            if isinstance(value, cst.Call) and api is not None and api in rc.DRIVER_PARAMETERS and target is not None:
                return self._driver(_Driver(statement, assign, target, value, api), context)
        for name in scope.cells:
            if used.get(name):
                raise Declined(
                    CELL_USED_ELSEWHERE,
                    f"cell `{name}` used other than by one dynamic_rnn / static_rnn call",
                    statement,
                )
        for name in scope.zero_states:
            if used.get(name):
                raise Declined(INITIAL_STATE, f"zero state `{name}` used other than as an initial state", statement)
        for call in syntax.calls_in(statement):
            api = rc.canonical(self.tf_api(call.func))
            if rc.is_rnn_api(api):
                raise Declined(UNSUPPORTED_RNN_API, f"{api} is not converted", call)
        return [statement]

    # --- one dynamic_rnn / static_rnn call ------------------------------------------------
    def _driver(self, driver: _Driver, context: _Context) -> list[cst.BaseStatement]:
        arguments = self._driver_arguments(driver)
        cell = self._driver_cell(driver, arguments, context)
        return self._driver_statements(driver, arguments, cell, context)

    def _driver_arguments(self, driver: _Driver) -> _DriverArguments:
        """The arguments of the call, when they are ones this rule converts."""
        api, call = driver.api, driver.call
        if self.is_suppressed_at(call):
            raise Declined(UNSUPPORTED_RNN_API, f"{api} is excluded by a suppression comment", call)
        bound = _bind(call, rc.DRIVER_PARAMETERS[api])
        if "sequence_length" in bound and not _is_name(bound["sequence_length"], "None"):
            raise Declined(SEQUENCE_LENGTH, f"{api}(sequence_length=...) masks steps; not converted", call)
        if "time_major" in bound and not _is_name(bound["time_major"], "False"):
            raise Declined(UNSUPPORTED_DRIVER_ARGUMENT, f"{api}(time_major=...) is not converted", call)
        dtype = bound.get("dtype")
        if dtype is not None and not _is_name(dtype, "None") and self.tf_api(dtype) not in _FLOAT32:
            raise Declined(UNSUPPORTED_DRIVER_ARGUMENT, f"{api} with dtype {syntax.code_of(dtype)}", call)
        cell = bound.get("cell")
        inputs = bound.get("inputs")
        if cell is None or inputs is None:
            raise Declined(UNSUPPORTED_DRIVER_ARGUMENT, f"{api} without a cell and inputs", call)
        return _DriverArguments(cell, inputs, bound.get("initial_state"), bound.get("scope"))

    def _driver_cell(self, driver: _Driver, arguments: _DriverArguments, context: _Context) -> _DriverCell:
        """The TF1 cell the call runs: built inline, or bound to a name that only this call
        (and the cell's zero_state) reads. Its initial state must be the cell's zero state."""
        api, call, scope = driver.api, driver.call, context.scope
        expression = arguments.cell
        if isinstance(expression, cst.Name) and expression.value in scope.cells:
            named = scope.cells.pop(expression.value)
            cell = _DriverCell(named.call, expression.value, named.statement)
        elif isinstance(expression, cst.Call) and rc.canonical(self.tf_api(expression.func)) in rc.CELLS:
            cell = _DriverCell(expression, None, None)
        else:
            inner = rc.canonical(self.tf_api(expression.func)) if isinstance(expression, cst.Call) else None
            raise Declined(
                UNSUPPORTED_RNN_API, f"{api} over {inner or syntax.code_of(expression)} is not converted", call
            )
        initial = arguments.initial_state
        if cell.name is not None:
            reads = 1 + sum(1 for c in scope.zero_states.values() if c == cell.name)
            if (
                isinstance(initial, cst.Call)
                and isinstance(initial.func, cst.Attribute)
                and _is_name(initial.func.value, cell.name)
            ):
                reads += 1
            if context.counts.get(cell.name, 0) != reads + 1:
                raise Declined(CELL_USED_ELSEWHERE, f"cell `{cell.name}` used other than by one {api} call", call)
        if initial is not None and not _is_name(initial, "None"):
            self._check_zero_state(initial, cell.name, scope, context.counts, call)
        return cell

    def _driver_statements(
        self, driver: _Driver, arguments: _DriverArguments, cell: _DriverCell, context: _Context
    ) -> list[cst.BaseStatement]:
        """The Keras layer's construction and its call: the construction takes the place of the
        cell's statement (or of the call's, for a cell built inline), or is hoisted out of a
        model function; the call takes the place of the driver's statement."""
        statement, plan = driver.statement, context.plan
        kind, python_name, construction = self._rnn_layer(driver, arguments, cell, plan)
        first, second = self._outputs_and_state(driver)
        state_targets, extra = self._state_targets(kind, second, statement, context)
        sequence_input: cst.BaseExpression = arguments.inputs
        outputs_target: cst.BaseExpression = first
        if driver.api == rc.STATIC_RNN:
            sequence_input, outputs_target, unstacked = self._static_sequences(arguments.inputs, first, plan)
            extra.append(unstacked)
        targets = cst.Tuple(
            [cst.Element(outputs_target), *(cst.Element(t) for t in state_targets)], lpar=[], rpar=[]
        )
        new_call = cst.Call(cst.Name(python_name), [cst.Arg(sequence_input)])
        replacement = statement.with_changes(
            body=[driver.assign.with_changes(targets=[cst.AssignTarget(targets)], value=new_call)]
        )
        hoisted = context.hoisted
        if cell.statement is not None:
            # The layer takes the place (and the comments) of the cell's statement.
            construction = construction.with_changes(leading_lines=cell.statement.leading_lines)
            if hoisted is not None:
                hoisted.append(construction)
                context.scope.replaced[id(cell.statement)] = []
            else:
                context.scope.replaced[id(cell.statement)] = [construction]
            return [replacement, *extra]
        if hoisted is not None:
            hoisted.append(construction)
            return [replacement, *extra]
        return [
            construction.with_changes(leading_lines=statement.leading_lines),
            replacement.with_changes(leading_lines=[]),
            *extra,
        ]

    def _rnn_layer(
        self, driver: _Driver, arguments: _DriverArguments, cell: _DriverCell, plan: RNNPlan
    ) -> tuple[rc.CellKind, str, cst.SimpleStatementLine]:
        """The cell's kind, the layer's Python name and `name = tf.keras.layers.RNN(cell, ...)`."""
        kind, keras_cell = self._cell(cell.call, plan)
        layer_name = self._layer_name(arguments.scope, driver.api, driver.call)
        python_name = self._fresh(layer_name, plan)
        keras_call = cst.Call(
            self.tf_expr("keras.layers.RNN"),
            [
                cst.Arg(keras_cell),
                keyword_arg("return_sequences", cst.Name("True")),
                keyword_arg("return_state", cst.Name("True")),
                keyword_arg("name", cst.SimpleString(f'"{layer_name}"')),
            ],
        )
        construction = cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(cst.Name(python_name))], keras_call)]
        )
        if kind not in plan.kinds:
            plan.kinds.append(kind)
        return kind, python_name, construction

    def _outputs_and_state(self, driver: _Driver) -> tuple[cst.Name, cst.Name]:
        target = driver.target
        if not (
            isinstance(target, (cst.Tuple, cst.List))
            and len(target.elements) == 2
            and all(isinstance(e.value, cst.Name) for e in target.elements)
        ):
            raise Declined(
                STATE_USED,
                f"{driver.api} result bound to {syntax.code_of(target)}; expected `outputs, state`",
                driver.statement,
            )
        first, second = (e.value for e in target.elements)
        assert isinstance(first, cst.Name) and isinstance(second, cst.Name)
        return first, second

    def _state_targets(
        self, kind: rc.CellKind, state: cst.Name, statement: cst.SimpleStatementLine, context: _Context
    ) -> tuple[list[cst.BaseExpression], list[cst.BaseStatement]]:
        """What the layer's final state is bound to, and the statements that rebuild TF1's
        state from it: an LSTM's is two tensors, c and h."""
        if kind != "lstm":
            return [state], []
        plan = context.plan
        c_name = self._fresh(f"{state.value}_c", plan)
        h_name = self._fresh(f"{state.value}_h", plan)
        targets: list[cst.BaseExpression] = [cst.Name(c_name), cst.Name(h_name)]
        reads = context.counts.get(state.value, 0) - 1
        if state.value == "_" or reads <= 0:
            return targets, []
        self._note_lstm_state(state.value, (c_name, h_name), plan, statement)
        if self._attribute_reads.get(state.value, 0) >= reads:
            return targets, []
        # Read whole (fetched, unpacked): TF1's (c, h) tuple, rebuilt.
        rebuilt = cst.Assign([cst.AssignTarget(state)], cst.Tuple([cst.Element(t) for t in targets]))
        return targets, [cst.SimpleStatementLine([rebuilt])]

    def _static_sequences(
        self, inputs: cst.BaseExpression, outputs: cst.Name, plan: RNNPlan
    ) -> tuple[cst.BaseExpression, cst.Name, cst.SimpleStatementLine]:
        """static_rnn takes and gives lists of steps, a Keras RNN one tensor: the inputs
        stacked, the name the layer's sequence is bound to, and `outputs = tf.unstack(...)`."""
        stacked = cst.Call(self.tf_expr("stack"), [cst.Arg(inputs), keyword_arg("axis", cst.Integer("1"))])
        sequence = cst.Name(self._fresh("sequence", plan))
        unstacked = cst.Call(self.tf_expr("unstack"), [cst.Arg(sequence), keyword_arg("axis", cst.Integer("1"))])
        return stacked, sequence, cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(outputs)], unstacked)])

    def _note_lstm_state(
        self, name: str, names: tuple[str, str], plan: RNNPlan, statement: cst.CSTNode
    ) -> None:
        """The LSTM state is read as `state.c` / `state.h`; any other read declines."""
        if name in plan.lstm_states:
            raise Declined(STATE_USED, f"LSTM state `{name}` bound twice", statement)
        plan.lstm_states[name] = names

    def _check_zero_state(
        self,
        initial: cst.BaseExpression,
        cell_name: str | None,
        scope: _Scope,
        counts: dict[str, int],
        call: cst.Call,
    ) -> None:
        if isinstance(initial, cst.Name) and scope.zero_states.get(initial.value) == cell_name and cell_name:
            if counts.get(initial.value, 0) != 2:
                raise Declined(INITIAL_STATE, f"zero state `{initial.value}` used elsewhere", call)
            del scope.zero_states[initial.value]
            return
        if (
            isinstance(initial, cst.Call)
            and isinstance(initial.func, cst.Attribute)
            and initial.func.attr.value == "zero_state"
            and cell_name is not None
            and _is_name(initial.func.value, cell_name)
        ):
            return
        raise Declined(INITIAL_STATE, f"initial_state={syntax.code_of(initial)} is not the cell's zero state", call)

    def _cell(self, call: cst.Call, plan: RNNPlan) -> tuple[rc.CellKind, cst.Call]:
        api = rc.canonical(self.tf_api(call.func))
        assert api is not None
        spec = rc.CELLS[api]
        bound = _bind(call, spec.positional)
        args: list[cst.Arg] = []
        for parameter, value in bound.items():
            if parameter == "name":
                continue
            if parameter in spec.ignored:
                allowed = rc.IGNORED_DEFAULTS.get(parameter, frozenset()) | {"None"}
                if parameter == "dtype" and self.tf_api(value) in _FLOAT32:
                    continue
                if isinstance(value, cst.Name) and value.value in allowed:
                    continue
                raise Declined(
                    UNSUPPORTED_CELL_ARGUMENT, f"{api}({parameter}={syntax.code_of(value)}) is not converted", call
                )
            if parameter == "num_units":
                args.insert(0, cst.Arg(value))
            elif not _is_name(value, "None"):
                args.append(keyword_arg(parameter, value))
        if "num_units" not in bound:
            raise Declined(UNSUPPORTED_CELL_ARGUMENT, f"{api} without num_units", call)
        explicit = bound.get("name")
        if explicit is not None and not _is_name(explicit, "None"):
            if not isinstance(explicit, cst.SimpleString) or not isinstance(explicit.evaluated_value, str):
                raise Declined(UNSUPPORTED_CELL_ARGUMENT, f"{api} named by an expression", call)
            layer_name = explicit.evaluated_value
            if layer_name in plan.counts:
                raise Declined(UNSUPPORTED_CELL_ARGUMENT, f"cell name {layer_name!r} used twice", call)
        else:
            # TF1 names cells apart inside the one `rnn` scope: basic_lstm_cell, basic_lstm_cell_1.
            count = plan.counts.get(spec.base_name, 0)
            layer_name = spec.base_name if count == 0 else f"{spec.base_name}_{count}"
        plan.counts[layer_name] = plan.counts.get(layer_name, 0) + 1
        if layer_name != spec.base_name:
            plan.counts.setdefault(spec.base_name, 1)
            plan.counts[spec.base_name] = max(plan.counts[spec.base_name], plan.counts[layer_name])
        args.append(keyword_arg("name", cst.SimpleString(f'"{layer_name}"')))
        class_name = rc.CELL_CLASSES[spec.kind][0]
        return spec.kind, cst.Call(cst.Name(class_name), args)

    def _layer_name(self, scope: cst.BaseExpression | None, api: str, call: cst.Call) -> str:
        if scope is None or _is_name(scope, "None"):
            return _SCOPE_NAMES[api]
        if isinstance(scope, cst.SimpleString) and isinstance(scope.evaluated_value, str):
            return scope.evaluated_value
        raise Declined(UNSUPPORTED_DRIVER_ARGUMENT, f"{api}(scope={syntax.code_of(scope)}) is not a literal name", call)

    def _fresh(self, stem: str, plan: RNNPlan) -> str:
        base = "".join(ch if ch.isalnum() else "_" for ch in stem).strip("_") or "rnn"
        name, counter = base, 1
        while name in plan.taken:
            name = f"{base}_{counter}"
            counter += 1
        plan.taken.add(name)
        return name
