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
from migrate.analysis.call_arguments import ArgumentsNotBound, UnknownKeywords, bound_values, keyword_arg
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
    kinds: list[str] = field(default_factory=list)  # emitted cell classes, in first-use order
    counts: dict[str, int] = field(default_factory=dict)  # TF1 layer names used
    hoisted: dict[str, list[cst.BaseStatement]] = field(default_factory=dict)  # def name -> layers
    # `state.c` / `state.h` of converted LSTM states: state name -> (c name, h name).
    lstm_states: dict[str, tuple[str, str]] = field(default_factory=dict)


def _bind(call: cst.Call, parameters: Sequence[str]) -> dict[str, cst.BaseExpression]:
    # `parameters` is the whole signature this rule converts: any other keyword declines.
    try:
        return bound_values(call, parameters, unknown_keywords=UnknownKeywords.REFUSE)
    except ArgumentsNotBound as problem:
        raise Declined(UNSUPPORTED_DRIVER_ARGUMENT, str(problem), call) from None


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
        scope = _Scope()
        out: list[cst.BaseStatement] = []
        for statement in body:
            if isinstance(statement, cst.FunctionDef):
                out.append(defs.get(statement.name.value, statement) if defs is not None else statement)
                if defs is None and self._has_rnn(statement):
                    raise Declined(RNN_IN_CONTROL_FLOW, "an RNN built inside a nested function", statement)
            elif isinstance(statement, cst.SimpleStatementLine):
                out.extend(self._simple(statement, scope, plan, counts, hoisted))
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
                    raise Declined(RNN_IN_CONTROL_FLOW, "an RNN built inside a loop or branch", statement)
                out.append(statement)
        for name, cell in scope.cells.items():
            raise Declined(CELL_USED_ELSEWHERE, f"cell `{name}` is not run by dynamic_rnn / static_rnn", cell.statement)
        result: list[cst.BaseStatement] = []
        for statement in out:
            result.extend(scope.replaced.get(id(statement), [statement]))
        return result

    def _simple(
        self,
        statement: cst.SimpleStatementLine,
        scope: _Scope,
        plan: RNNPlan,
        counts: dict[str, int],
        hoisted: list[cst.BaseStatement] | None,
    ) -> list[cst.BaseStatement]:
        used = _name_counts(statement)
        if len(statement.body) == 1 and isinstance(statement.body[0], cst.Assign):
            assign = statement.body[0]
            value = assign.value
            target = assign.targets[0].target if len(assign.targets) == 1 else None
            api = rc.canonical(self.tf_api(value.func)) if isinstance(value, cst.Call) else None
            if isinstance(value, cst.Call) and api in rc.CELLS and isinstance(target, cst.Name):
                if target.value in scope.cells or counts.get(target.value, 0) < 2:
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
                return self._driver(statement, assign, target, value, api, scope, plan, counts, hoisted)
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
    def _driver(
        self,
        statement: cst.SimpleStatementLine,
        assign: cst.Assign,
        target: cst.BaseAssignTargetExpression,
        call: cst.Call,
        api: str,
        scope: _Scope,
        plan: RNNPlan,
        counts: dict[str, int],
        hoisted: list[cst.BaseStatement] | None,
    ) -> list[cst.BaseStatement]:
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
        cell_expr = bound.get("cell")
        inputs = bound.get("inputs")
        if cell_expr is None or inputs is None:
            raise Declined(UNSUPPORTED_DRIVER_ARGUMENT, f"{api} without a cell and inputs", call)
        cell_statement: cst.SimpleStatementLine | None = None
        if isinstance(cell_expr, cst.Name) and cell_expr.value in scope.cells:
            cell_name: str | None = cell_expr.value
            named = scope.cells.pop(cell_expr.value)
            cell_call, cell_statement = named.call, named.statement
        elif isinstance(cell_expr, cst.Call) and rc.canonical(self.tf_api(cell_expr.func)) in rc.CELLS:
            cell_name, cell_call = None, cell_expr
        else:
            inner = rc.canonical(self.tf_api(cell_expr.func)) if isinstance(cell_expr, cst.Call) else None
            raise Declined(
                UNSUPPORTED_RNN_API, f"{api} over {inner or syntax.code_of(cell_expr)} is not converted", call
            )
        initial = bound.get("initial_state")
        if cell_name is not None:
            # The cell's name is read by this call (and its zero_state) only.
            reads = 1 + sum(1 for c in scope.zero_states.values() if c == cell_name)
            if (
                isinstance(initial, cst.Call)
                and isinstance(initial.func, cst.Attribute)
                and _is_name(initial.func.value, cell_name)
            ):
                reads += 1
            if counts.get(cell_name, 0) != reads + 1:
                raise Declined(CELL_USED_ELSEWHERE, f"cell `{cell_name}` used other than by one {api} call", call)
        if initial is not None and not _is_name(initial, "None"):
            self._check_zero_state(initial, cell_name, scope, counts, call)

        kind, cell = self._cell(cell_call, plan)
        layer_name = self._layer_name(bound.get("scope"), api, call)
        python_name = self._fresh(layer_name, plan)
        keras_call = cst.Call(
            self.tf_expr("keras.layers.RNN"),
            [
                cst.Arg(cell),
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

        if not (isinstance(target, (cst.Tuple, cst.List)) and len(target.elements) == 2
                and all(isinstance(e.value, cst.Name) for e in target.elements)):
            raise Declined(
                STATE_USED, f"{api} result bound to {syntax.code_of(target)}; expected `outputs, state`", statement
            )
        first, second = (e.value for e in target.elements)
        assert isinstance(first, cst.Name) and isinstance(second, cst.Name)
        state_targets: list[cst.BaseExpression] = [second]
        extra: list[cst.BaseStatement] = []
        if kind == "lstm":
            c_name = self._fresh(f"{second.value}_c", plan)
            h_name = self._fresh(f"{second.value}_h", plan)
            state_targets = [cst.Name(c_name), cst.Name(h_name)]
            reads = counts.get(second.value, 0) - 1
            if second.value != "_" and reads > 0:
                self._note_lstm_state(second.value, (c_name, h_name), plan, statement)
                if self._attribute_reads.get(second.value, 0) < reads:
                    # Read whole (fetched, unpacked): TF1's (c, h) tuple, rebuilt.
                    extra.append(
                        cst.SimpleStatementLine(
                            [
                                cst.Assign(
                                    [cst.AssignTarget(second)],
                                    cst.Tuple([cst.Element(t) for t in state_targets]),
                                )
                            ]
                        )
                    )
        sequence_input: cst.BaseExpression = inputs
        outputs_target: cst.BaseExpression = first
        if api == rc.STATIC_RNN:
            sequence_input = cst.Call(
                self.tf_expr("stack"), [cst.Arg(inputs), keyword_arg("axis", cst.Integer("1"))]
            )
            outputs_target = cst.Name(self._fresh("sequence", plan))
            extra.append(
                cst.SimpleStatementLine(
                    [
                        cst.Assign(
                            [cst.AssignTarget(first)],
                            cst.Call(
                                self.tf_expr("unstack"),
                                [cst.Arg(outputs_target), keyword_arg("axis", cst.Integer("1"))],
                            ),
                        )
                    ]
                )
            )
        targets = cst.Tuple(
            [cst.Element(outputs_target), *(cst.Element(t) for t in state_targets)], lpar=[], rpar=[]
        )
        new_call = cst.Call(cst.Name(python_name), [cst.Arg(sequence_input)])
        replacement = statement.with_changes(
            body=[assign.with_changes(targets=[cst.AssignTarget(targets)], value=new_call)]
        )
        if cell_statement is not None:
            # The layer takes the place (and the comments) of the cell's statement.
            construction = construction.with_changes(leading_lines=cell_statement.leading_lines)
            if hoisted is not None:
                hoisted.append(construction)
                scope.replaced[id(cell_statement)] = []
            else:
                scope.replaced[id(cell_statement)] = [construction]
            return [replacement, *extra]
        if hoisted is not None:
            hoisted.append(construction)
            return [replacement, *extra]
        return [
            construction.with_changes(leading_lines=statement.leading_lines),
            replacement.with_changes(leading_lines=[]),
            *extra,
        ]

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

    def _cell(self, call: cst.Call, plan: RNNPlan) -> tuple[str, cst.Call]:
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
