"""TF1 RNN cells and drivers: their arguments, TF1 names, and the Keras cells that compute the same.

Keras' own LSTM and GRU cells differ from TF1's in layout (separate input and recurrent
kernels), gate order (Keras i, f, c, o; TF1 i, j, f, o) and in how the forget bias enters
(Keras initialises the bias with it, TF1 adds `forget_bias` at every step); Keras' GRU also
applies the reset gate after the recurrent matmul. Equal numbers therefore need cells with
TF1's math, written into the migrated file as small `tf.keras.layers.Layer` classes: one
kernel over the concatenation `[inputs, state]`, TF1's gate order and TF1's bias rules. Their
weights are created under the names TF1 used (`rnn/basic_lstm_cell/kernel`) when the cell is
given TF1's layer name and wrapped in a `tf.keras.layers.RNN` named after TF1's scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

# The Keras cell classes this rule writes (CELL_CLASSES).
CellKind = Literal["lstm", "gru", "simple"]


@dataclass(frozen=True)
class CellSpec:
    """One TF1 cell class.

    `positional` lists its constructor parameters in order. `kept` maps a TF1 parameter to the
    keyword of the emitted Keras cell. `ignored` parameters have no TF 2 meaning when left at
    their defaults (`None`, or `True` for `state_is_tuple`); any other value declines.
    """

    kind: CellKind
    base_name: str  # TF1's layer (variable scope) name
    positional: tuple[str, ...]
    kept: frozenset[str]
    ignored: frozenset[str]


_LSTM_KEPT: Final = frozenset({"num_units", "forget_bias", "activation"})

CELLS: Final[Mapping[str, CellSpec]] = {
    "tf.nn.rnn_cell.BasicLSTMCell": CellSpec(
        kind="lstm",
        base_name="basic_lstm_cell",
        positional=("num_units", "forget_bias", "state_is_tuple", "activation", "reuse", "name", "dtype"),
        kept=_LSTM_KEPT,
        ignored=frozenset({"state_is_tuple", "reuse", "dtype"}),
    ),
    "tf.nn.rnn_cell.LSTMCell": CellSpec(
        kind="lstm",
        base_name="lstm_cell",
        positional=(
            "num_units",
            "use_peepholes",
            "cell_clip",
            "initializer",
            "num_proj",
            "proj_clip",
            "num_unit_shards",
            "num_proj_shards",
            "forget_bias",
            "state_is_tuple",
            "activation",
            "reuse",
            "name",
            "dtype",
        ),
        kept=_LSTM_KEPT,
        ignored=frozenset(
            {
                "use_peepholes",
                "cell_clip",
                "initializer",
                "num_proj",
                "proj_clip",
                "num_unit_shards",
                "num_proj_shards",
                "state_is_tuple",
                "reuse",
                "dtype",
            }
        ),
    ),
    "tf.nn.rnn_cell.GRUCell": CellSpec(
        kind="gru",
        base_name="gru_cell",
        positional=("num_units", "activation", "reuse", "kernel_initializer", "bias_initializer", "name", "dtype"),
        kept=frozenset({"num_units", "activation"}),
        ignored=frozenset({"reuse", "kernel_initializer", "bias_initializer", "dtype"}),
    ),
    "tf.nn.rnn_cell.BasicRNNCell": CellSpec(
        kind="simple",
        base_name="basic_rnn_cell",
        positional=("num_units", "activation", "reuse", "name", "dtype"),
        kept=frozenset({"num_units", "activation"}),
        ignored=frozenset({"reuse", "dtype"}),
    ),
}

# The value each ignored parameter must have (source text) for the cell to convert.
IGNORED_DEFAULTS: Final[Mapping[str, frozenset[str]]] = {
    "state_is_tuple": frozenset({"True"}),
    "use_peepholes": frozenset({"False"}),
}

DYNAMIC_RNN: Final = "tf.nn.dynamic_rnn"
STATIC_RNN: Final = "tf.nn.static_rnn"
DRIVER_PARAMETERS: Final[Mapping[str, tuple[str, ...]]] = {
    DYNAMIC_RNN: (
        "cell",
        "inputs",
        "sequence_length",
        "initial_state",
        "dtype",
        "parallel_iterations",
        "swap_memory",
        "time_major",
        "scope",
    ),
    STATIC_RNN: ("cell", "inputs", "initial_state", "dtype", "sequence_length", "scope"),
}

_ALIASES: Final[Mapping[str, str]] = {
    **{f"tf.contrib.rnn.{name.rsplit('.', 1)[1]}": name for name in CELLS},
    "tf.contrib.rnn.static_rnn": STATIC_RNN,
    "tf.nn.rnn_cell.static_rnn": STATIC_RNN,
    "tf.contrib.rnn.MultiRNNCell": "tf.nn.rnn_cell.MultiRNNCell",
    "tf.contrib.rnn.DropoutWrapper": "tf.nn.rnn_cell.DropoutWrapper",
}

# Prefixes of every TF1 RNN API: a file still using one after the rule ran keeps graph mode.
_RNN_PREFIXES: Final = ("tf.nn.rnn_cell.", "tf.contrib.rnn.", "tf.contrib.cudnn_rnn.")
_RNN_FUNCTIONS: Final = frozenset(
    {DYNAMIC_RNN, STATIC_RNN, "tf.nn.bidirectional_dynamic_rnn", "tf.nn.static_bidirectional_rnn", "tf.nn.raw_rnn",
     "tf.nn.static_state_saving_rnn"}
)


def canonical(api: str | None) -> str | None:
    """`tf.contrib.rnn.LSTMCell` -> `tf.nn.rnn_cell.LSTMCell`; other names unchanged."""
    if api is None:
        return None
    return _ALIASES.get(api, api)


def is_rnn_api(api: str | None) -> bool:
    """Whether `api` is part of TF1's RNN library (cells, wrappers, drivers)."""
    return api is not None and (api in _RNN_FUNCTIONS or api.startswith(_RNN_PREFIXES))


# The Keras cells written into a migrated file, by kind: (class name, source). `{tf}` is the
# file's TensorFlow alias. Products and sums are written in TF1's operand order.
CELL_CLASSES: Final[Mapping[CellKind, tuple[str, str]]] = {
    "lstm": (
        "TF1LSTMCell",
        '''class TF1LSTMCell({tf}.keras.layers.Layer):
    """TF1's (Basic)LSTMCell: one kernel over [inputs, h], gates i, j, f, o, forget_bias added to f."""

    def __init__(self, num_units, forget_bias=1.0, activation={tf}.tanh, **kwargs):
        super().__init__(**kwargs)
        self.units = num_units
        self.forget_bias = forget_bias
        self.activation = activation
        self.state_size = [num_units, num_units]
        self.output_size = num_units

    def build(self, input_shape):
        depth = input_shape[-1] + self.units
        self.kernel = self.add_weight(name="kernel", shape=(depth, 4 * self.units), initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(4 * self.units,), initializer="zeros")

    def call(self, inputs, states):
        c, h = states
        gates = {tf}.nn.bias_add({tf}.matmul({tf}.concat([inputs, h], 1), self.kernel), self.bias)
        i, j, f, o = {tf}.split(gates, 4, axis=1)
        c = c * {tf}.sigmoid(f + self.forget_bias) + {tf}.sigmoid(i) * self.activation(j)
        h = self.activation(c) * {tf}.sigmoid(o)
        return h, [c, h]
''',
    ),
    "gru": (
        "TF1GRUCell",
        '''class TF1GRUCell({tf}.keras.layers.Layer):
    """TF1's GRUCell: reset and update gates from one kernel (bias starting at ones), reset applied to h before the candidate's matmul."""

    def __init__(self, num_units, activation={tf}.tanh, **kwargs):
        super().__init__(**kwargs)
        self.units = num_units
        self.activation = activation
        self.state_size = num_units
        self.output_size = num_units

    def build(self, input_shape):
        depth = input_shape[-1] + self.units
        self.gates_kernel = self.add_weight(name="gates_kernel", shape=(depth, 2 * self.units), initializer="glorot_uniform")
        self.gates_bias = self.add_weight(name="gates_bias", shape=(2 * self.units,), initializer="ones")
        self.candidate_kernel = self.add_weight(name="candidate_kernel", shape=(depth, self.units), initializer="glorot_uniform")
        self.candidate_bias = self.add_weight(name="candidate_bias", shape=(self.units,), initializer="zeros")

    def call(self, inputs, states):
        h = states[0] if isinstance(states, (list, tuple)) else states
        gates = {tf}.sigmoid({tf}.nn.bias_add({tf}.matmul({tf}.concat([inputs, h], 1), self.gates_kernel), self.gates_bias))
        r, u = {tf}.split(gates, 2, axis=1)
        candidate = {tf}.nn.bias_add({tf}.matmul({tf}.concat([inputs, r * h], 1), self.candidate_kernel), self.candidate_bias)
        h = u * h + (1 - u) * self.activation(candidate)
        return h, h
''',  # noqa: E501 (the cell class as it is written into the program)
    ),
    "simple": (
        "TF1BasicRNNCell",
        '''class TF1BasicRNNCell({tf}.keras.layers.Layer):
    """TF1's BasicRNNCell: h = activation([inputs, h] @ kernel + bias)."""

    def __init__(self, num_units, activation={tf}.tanh, **kwargs):
        super().__init__(**kwargs)
        self.units = num_units
        self.activation = activation
        self.state_size = num_units
        self.output_size = num_units

    def build(self, input_shape):
        depth = input_shape[-1] + self.units
        self.kernel = self.add_weight(name="kernel", shape=(depth, self.units), initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")

    def call(self, inputs, states):
        h = states[0] if isinstance(states, (list, tuple)) else states
        h = self.activation({tf}.nn.bias_add({tf}.matmul({tf}.concat([inputs, h], 1), self.kernel), self.bias))
        return h, h
''',
    ),
}
