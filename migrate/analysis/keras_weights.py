"""The variables of the Keras 3 layers that the layer rules write, as checkpoints see them.

A TF1 layer `tf.layers.dense(x, 8, name="hidden1")` made `hidden1/kernel` and `hidden1/bias`;
its Keras 3 replacement holds them as attributes of the layer object, which a
`tf.train.Checkpoint` of the layer saves by attribute (`hidden1/_kernel`). The Saver rule
(TFM501) checkpoints such layers whole and `tf-migrate checkpoint convert` writes each TF1
variable under its attribute. The attribute names are Keras internals: tests check this table
against the installed Keras.

The RNN rule (TFM321) writes `tf.keras.layers.RNN(TF1LSTMCell(16, name="basic_lstm_cell"),
name="rnn")`: TF1's `rnn/basic_lstm_cell/kernel` is the cell's `kernel`, which the layer holds as
its `cell`, and a checkpoint saves as `rnn/cell/kernel`.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, NamedTuple

import libcst as cst

from migrate.analysis import syntax


class LayerWeight(NamedTuple):
    tf1_name: str  # the last part of the TF1 variable's name, as tf.layers named it
    attribute: str  # the Keras 3 layer attribute that holds it
    required: bool  # False when an option of the layer can leave it out (use_bias, center, scale)
    contrib_name: str = ""  # the name tf.contrib.layers / slim gave it instead, if another


# tf.contrib.layers and slim, whose layers the layer rule also writes as Dense / Conv2D, named
# a layer's variables `weights` and `biases`.
_CONTRIB_KERNEL = "weights"
_CONTRIB_BIAS = "biases"


LAYER_WEIGHTS: Final = MappingProxyType(
    {
        "Dense": (
            LayerWeight("kernel", "_kernel", True, _CONTRIB_KERNEL),
            LayerWeight("bias", "bias", False, _CONTRIB_BIAS),
        ),
        "Conv2D": (
            LayerWeight("kernel", "_kernel", True, _CONTRIB_KERNEL),
            LayerWeight("bias", "bias", False, _CONTRIB_BIAS),
        ),
        "Conv2DTranspose": (
            LayerWeight("kernel", "kernel", True, _CONTRIB_KERNEL),
            LayerWeight("bias", "bias", False, _CONTRIB_BIAS),
        ),
        "BatchNormalization": (
            LayerWeight("gamma", "gamma", False),
            LayerWeight("beta", "beta", False),
            LayerWeight("moving_mean", "moving_mean", True),
            LayerWeight("moving_variance", "moving_variance", True),
        ),
    }
)

# The attribute of a tf.keras.layers.RNN that holds its cell.
RNN_CELL_ATTRIBUTE: Final = "cell"


class CellWeight(NamedTuple):
    tf1_name: str  # the TF1 variable's name below its cell's scope (`gates/kernel`)
    attribute: str  # the attribute of the cell class (migrate.analysis.rnn_cells) that holds it


# The cell classes the RNN rule writes into migrated files, by class name.
RNN_CELL_WEIGHTS: Final = MappingProxyType(
    {
        "TF1LSTMCell": (CellWeight("kernel", "kernel"), CellWeight("bias", "bias")),
        "TF1GRUCell": (
            CellWeight("gates/kernel", "gates_kernel"),
            CellWeight("gates/bias", "gates_bias"),
            CellWeight("candidate/kernel", "candidate_kernel"),
            CellWeight("candidate/bias", "candidate_bias"),
        ),
        "TF1BasicRNNCell": (CellWeight("kernel", "kernel"), CellWeight("bias", "bias")),
    }
)



def rnn_cell_of(layer: cst.Call) -> tuple[str, str] | None:
    """(cell class, cell name) of `tf.keras.layers.RNN(TF1LSTMCell(16, name="basic_lstm_cell"),
    ...)`, as the RNN rule writes it: a cell of RNN_CELL_WEIGHTS given a literal name."""
    cell = syntax.call_argument(layer, 0, "cell")
    if not (isinstance(cell, cst.Call) and isinstance(cell.func, cst.Name) and cell.func.value in RNN_CELL_WEIGHTS):
        return None
    name = next((syntax.string_literal(a.value) for a in cell.args if a.keyword and a.keyword.value == "name"), None)
    return (cell.func.value, name) if name else None


# Layers the layer rules write that hold no variable.
WEIGHTLESS_LAYERS: Final = frozenset(
    {"Dropout", "Flatten", "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D"}
)
