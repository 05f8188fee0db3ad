"""The variables of the Keras 3 layers that the layer rules write, as checkpoints see them.

A TF1 layer `tf.layers.dense(x, 8, name="hidden1")` made `hidden1/kernel` and `hidden1/bias`;
its Keras 3 replacement holds them as attributes of the layer object, which a
`tf.train.Checkpoint` of the layer saves by attribute (`hidden1/_kernel`). The Saver rule
(TFM501) checkpoints such layers whole and `tf-migrate checkpoint convert` writes each TF1
variable under its attribute. The attribute names are Keras internals: tests check this table
against the installed Keras.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, NamedTuple


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

# Layers the layer rules write that hold no variable.
WEIGHTLESS_LAYERS: Final = frozenset(
    {"Dropout", "Flatten", "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D"}
)
