"""TFM321: TF1 RNN cells run by dynamic_rnn / static_rnn become Keras RNN layers with TF1's math.

`cell = tf.nn.rnn_cell.BasicLSTMCell(16)` + `outputs, state = tf.nn.dynamic_rnn(cell, x, ...)`
becomes one Keras layer created once, `rnn = tf.keras.layers.RNN(TF1LSTMCell(16,
name="basic_lstm_cell"), return_sequences=True, return_state=True, name="rnn")`, called where
the graph ran the cell: `outputs, state_c, state_h = rnn(x)`. `TF1LSTMCell` (and its GRU and
basic RNN siblings) is written into the file: Keras' own cells lay out their weights and order
their gates differently, so only a cell with TF1's math gives the same numbers (see
migrate.analysis.rnn_cells). The cell and layer get TF1's names, so the weights are
`rnn/basic_lstm_cell/kernel` as before. `state.c` / `state.h` of an LSTM state become the two
returned tensors; `static_rnn` runs the same layer over the stacked inputs and unstacks its
outputs.

A file is converted whole or not at all: Keras layers cannot run in TF1 graph mode, so one RNN
construct this rule cannot convert keeps every RNN of the file (and its tf.layers) as TF1 code.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from migrate.analysis import rnn_cells as rc
from migrate.analysis import syntax
from migrate.analysis.declined import Declined
from migrate.analysis.rnn_plan import (
    CELL_USED_ELSEWHERE,
    INITIAL_STATE,
    RNN_IN_CONTROL_FLOW,
    RNN_RULE,
    SEQUENCE_LENGTH,
    STATE_USED,
    UNSUPPORTED_CELL_ARGUMENT,
    UNSUPPORTED_DRIVER_ARGUMENT,
    UNSUPPORTED_RNN_API,
    RNNPlan,
    RNNPlanner,
)
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform


class _StateAttributes(cst.CSTTransformer):
    """`state.c` / `state.h` -> the names the converted call bound them to."""

    def __init__(self, states: dict[str, tuple[str, str]]) -> None:
        self.states = states

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        value = updated_node.value
        if isinstance(value, cst.Name) and value.value in self.states and updated_node.attr.value in {"c", "h"}:
            c, h = self.states[value.value]
            return cst.Name(c if updated_node.attr.value == "c" else h).with_changes(
                lpar=updated_node.lpar, rpar=updated_node.rpar
            )
        return updated_node


class RNNToKeras(MigrationTransform):
    CODE = RNN_RULE
    EAGER_ONLY = True
    DESCRIPTION = "TF1 RNN cells with dynamic_rnn / static_rnn become Keras RNN layers with TF1's cell math"
    DECLINE_FINDINGS = frozenset(
        {
            RNN_IN_CONTROL_FLOW, SEQUENCE_LENGTH, UNSUPPORTED_CELL_ARGUMENT, UNSUPPORTED_RNN_API,
            CELL_USED_ELSEWHERE, STATE_USED, INITIAL_STATE, UNSUPPORTED_DRIVER_ARGUMENT,
        }
    )
    FINDINGS: ClassVar[dict[str, str]] = {
        RNN_IN_CONTROL_FLOW: (
            "an RNN built inside a loop, branch, variable scope or a function not called exactly once: "
            "RNNs left as TF1 code"
        ),
        SEQUENCE_LENGTH: (
            "dynamic_rnn with sequence_length (masked steps copy the state through): RNNs left as TF1 code"
        ),
        UNSUPPORTED_CELL_ARGUMENT: (
            "a cell argument with no equivalent in the converted cell (peepholes, projections, initializers, "
            "state_is_tuple=False): RNNs left as TF1 code"
        ),
        UNSUPPORTED_RNN_API: (
            "an RNN API this rule does not convert (bidirectional RNNs, MultiRNNCell, DropoutWrapper, custom cells), "
            "or TF1 layers kept in the file: RNNs left as TF1 code"
        ),
        CELL_USED_ELSEWHERE: (
            "a cell object used other than by one dynamic_rnn / static_rnn call: RNNs left as TF1 code"
        ),
        STATE_USED: "the final state bound in a form this rule does not rewrite: RNNs left as TF1 code",
        INITIAL_STATE: "an initial state other than the cell's zero_state: RNNs left as TF1 code",
        UNSUPPORTED_DRIVER_ARGUMENT: (
            "a dynamic_rnn / static_rnn argument with no Keras equivalent (time_major=True, a dtype other than "
            "float32, a computed scope): RNNs left as TF1 code"
        ),
    }
    TRIGGERS = ("rnn",)
    EXAMPLES = (
        Example(
            name="basic-lstm",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "x = tf.placeholder(tf.float32, [None, 5, 2])\n"
                "cell = tf.nn.rnn_cell.BasicRNNCell(4)\n"
                "outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "\n"
                "class TF1BasicRNNCell(tf.keras.layers.Layer):\n"
                '    """TF1\'s BasicRNNCell: h = activation([inputs, h] @ kernel + bias)."""\n'
                "\n"
                "    def __init__(self, num_units, activation=tf.tanh, **kwargs):\n"
                "        super().__init__(**kwargs)\n"
                "        self.units = num_units\n"
                "        self.activation = activation\n"
                "        self.state_size = num_units\n"
                "        self.output_size = num_units\n"
                "\n"
                "    def build(self, input_shape):\n"
                "        depth = input_shape[-1] + self.units\n"
                '        self.kernel = self.add_weight(name="kernel", shape=(depth, self.units), '
                'initializer="glorot_uniform")\n'
                '        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")\n'
                "\n"
                "    def call(self, inputs, states):\n"
                "        h = states[0] if isinstance(states, (list, tuple)) else states\n"
                "        h = self.activation(tf.nn.bias_add(tf.matmul(tf.concat([inputs, h], 1), self.kernel), "
                "self.bias))\n"
                "        return h, h\n"
                "\n"
                "\n"
                "x = tf.placeholder(tf.float32, [None, 5, 2])\n"
                'rnn = tf.keras.layers.RNN(TF1BasicRNNCell(4, name="basic_rnn_cell"), return_sequences=True, '
                'return_state=True, name="rnn")\n'
                "outputs, state = rnn(x)\n"
            ),
        ),
        Example(
            name="sequence-length",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "x = tf.placeholder(tf.float32, [None, 5, 2])\n"
                "lengths = tf.placeholder(tf.int32, [None])\n"
                "cell = tf.nn.rnn_cell.BasicLSTMCell(4)\n"
                "outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)\n"
            ),
        ),
    )

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        planner = RNNPlanner(self.tf_api, self.tf_expr, self.is_suppressed_at)
        if not planner.uses_rnn(original_node):
            return updated_node
        plan = RNNPlan(taken=set())
        try:
            body = self._with_classes(planner.plan(original_node, plan), plan)
        except Declined as declined:
            self.report(declined.node or original_node, declined.message, code=declined.code, severity=Severity.WARNING)
            return updated_node
        module = updated_node.with_changes(body=body)
        if plan.lstm_states:
            rewritten = module.visit(_StateAttributes(plan.lstm_states))
            assert isinstance(rewritten, cst.Module)
            module = rewritten
        return module

    # --- the cell classes -----------------------------------------------------------------
    def _with_classes(self, body: list[cst.BaseStatement], plan: RNNPlan) -> list[cst.BaseStatement]:
        classes: list[cst.BaseStatement] = []
        for kind in plan.kinds:
            class_name, source = rc.CELL_CLASSES[kind]
            if class_name in plan.taken:
                raise Declined(UNSUPPORTED_RNN_API, f"the name {class_name} is taken", cst.Name(class_name))
            parsed = cst.parse_module(source.format(tf=self.tf_alias()))
            classes.append(
                syntax.with_leading_lines(parsed.body[0], [cst.EmptyLine(indent=False), cst.EmptyLine(indent=False)])
            )
        if not classes:
            return body  # no class to place: the blank lines around the code stay as they were
        position = 0
        for index, statement in enumerate(body):
            if _is_preamble(statement):
                position = index + 1
            else:
                break
        after = list(body[position:])
        if after and isinstance(after[0], (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            kept = list(after[0].leading_lines)
            while kept and kept[0].comment is None:
                kept.pop(0)
            after[0] = after[0].with_changes(
                leading_lines=[cst.EmptyLine(indent=False), cst.EmptyLine(indent=False), *kept]
            )
        return [*body[:position], *classes, *after]


def _is_preamble(statement: cst.BaseStatement) -> bool:
    """Docstrings and imports at the top of a module, before which nothing may be placed."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return all(
        isinstance(small, (cst.Import, cst.ImportFrom))
        or (isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)))
        for small in statement.body
    )
