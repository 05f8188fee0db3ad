"""How each functional TF1 layer maps to a Keras 3 layer: class, arguments, defaults, names.

`tf.layers.*` functions share their argument names with Keras; `tf.contrib.layers.*` (and
tf_slim, which is the same code) use their own names and defaults, which Keras spells
differently or does not have: those TF1 defaults are written out explicitly so the migrated
layer computes what the legacy one did.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import libcst as cst

from migrate.analysis import syntax


@dataclass(frozen=True)
class LayerSpec:
    """One TF1 layer function.

    `positional` lists the TF1 parameters after `inputs` in order. `renames` maps a TF1 keyword
    to its Keras keyword (absent: same name). `call_args` are TF1 parameters that become
    arguments of the layer call rather than of the constructor (`training`). `defaults` are
    Keras keywords whose TF1 default differs from Keras': keyword -> source of the TF1 value.
    `call_defaults` likewise for call arguments. `ignored` parameters have no TF 2 meaning
    and are dropped when left at their TF1 default (`None`). `unsupported` parameters make the
    call stay TF1 code unless given as `None` / `False`.
    """

    keras: str
    base_name: str
    positional: tuple[str, ...]
    renames: Mapping[str, str] = field(default_factory=dict)
    call_args: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)
    call_defaults: Mapping[str, str] = field(default_factory=dict)
    ignored: frozenset[str] = frozenset()
    unsupported: frozenset[str] = frozenset()
    # A contrib layer's activation applied after the Keras layer that has none (batch_norm).
    activation_after: str | None = None
    # The rank of the output when it is fixed by the layer (conv / pooling / flatten).
    output_rank: int | None = None
    # contrib's `keep_prob`: becomes Keras `rate = 1 - keep_prob`.
    keep_prob: str | None = None
    # contrib's `biases_initializer=None` means no bias.
    bias_initializer: str | None = None


_TF_LAYER_IGNORED: Final = frozenset({"reuse"})
_CONTRIB_IGNORED: Final = frozenset({"reuse", "variables_collections", "outputs_collections"})
_CONV_KERAS: Final = (
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    "activation",
    "use_bias",
    "kernel_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "bias_constraint",
    "trainable",
    "name",
)
_CONTRIB_WEIGHTS: Final = {
    "num_outputs": "units",
    "activation_fn": "activation",
    "weights_initializer": "kernel_initializer",
    "weights_regularizer": "kernel_regularizer",
    "biases_initializer": "bias_initializer",
    "biases_regularizer": "bias_regularizer",
    "scope": "name",
}
# contrib / slim defaults: ReLU activation and Xavier (Glorot uniform, Keras' default) weights.
_CONTRIB_ACTIVATION: Final = {"activation": "{tf}.nn.relu"}

LAYERS: Final[Mapping[str, LayerSpec]] = {
    "tf.layers.dense": LayerSpec(
        keras="Dense",
        base_name="dense",
        positional=(
            "units",
            "activation",
            "use_bias",
            "kernel_initializer",
            "bias_initializer",
            "kernel_regularizer",
            "bias_regularizer",
            "activity_regularizer",
            "kernel_constraint",
            "bias_constraint",
            "trainable",
            "name",
            "reuse",
        ),
        ignored=_TF_LAYER_IGNORED,
    ),
    "tf.layers.conv2d": LayerSpec(
        keras="Conv2D",
        base_name="conv2d",
        positional=_CONV_KERAS + ("reuse",),
        ignored=_TF_LAYER_IGNORED,
        output_rank=4,
    ),
    "tf.layers.conv2d_transpose": LayerSpec(
        keras="Conv2DTranspose",
        base_name="conv2d_transpose",
        positional=tuple(p for p in _CONV_KERAS if p != "dilation_rate") + ("reuse",),
        ignored=_TF_LAYER_IGNORED,
        output_rank=4,
    ),
    "tf.layers.max_pooling2d": LayerSpec(
        keras="MaxPooling2D",
        base_name="max_pooling2d",
        positional=("pool_size", "strides", "padding", "data_format", "name"),
        output_rank=4,
    ),
    "tf.layers.average_pooling2d": LayerSpec(
        keras="AveragePooling2D",
        base_name="average_pooling2d",
        positional=("pool_size", "strides", "padding", "data_format", "name"),
        output_rank=4,
    ),
    "tf.layers.flatten": LayerSpec(
        keras="Flatten", base_name="flatten", positional=("name", "data_format"), output_rank=2
    ),
    "tf.layers.dropout": LayerSpec(
        keras="Dropout",
        base_name="dropout",
        positional=("rate", "noise_shape", "seed", "training", "name"),
        call_args={"training": "training"},
        defaults={"rate": "0.5"},
    ),
    "tf.layers.batch_normalization": LayerSpec(
        keras="BatchNormalization",
        base_name="batch_normalization",
        positional=(
            "axis",
            "momentum",
            "epsilon",
            "center",
            "scale",
            "beta_initializer",
            "gamma_initializer",
            "moving_mean_initializer",
            "moving_variance_initializer",
            "beta_regularizer",
            "gamma_regularizer",
            "beta_constraint",
            "gamma_constraint",
            "training",
            "trainable",
            "name",
            "reuse",
            "renorm",
            "renorm_clipping",
            "renorm_momentum",
            "fused",
            "virtual_batch_size",
            "adjustment",
        ),
        call_args={"training": "training"},
        ignored=_TF_LAYER_IGNORED | {"fused"},
        unsupported=frozenset({"renorm", "renorm_clipping", "virtual_batch_size", "adjustment"}),
    ),
    "tf.contrib.layers.fully_connected": LayerSpec(
        keras="Dense",
        base_name="fully_connected",
        positional=(
            "num_outputs",
            "activation_fn",
            "normalizer_fn",
            "normalizer_params",
            "weights_initializer",
            "weights_regularizer",
            "biases_initializer",
            "biases_regularizer",
            "reuse",
            "variables_collections",
            "outputs_collections",
            "trainable",
            "scope",
        ),
        renames=_CONTRIB_WEIGHTS,
        defaults=_CONTRIB_ACTIVATION,
        ignored=_CONTRIB_IGNORED,
        unsupported=frozenset({"normalizer_fn", "normalizer_params"}),
        bias_initializer="biases_initializer",
    ),
    "tf.contrib.layers.conv2d": LayerSpec(
        keras="Conv2D",
        base_name="Conv",
        positional=(
            "num_outputs",
            "kernel_size",
            "stride",
            "padding",
            "data_format",
            "rate",
            "activation_fn",
            "normalizer_fn",
            "normalizer_params",
            "weights_initializer",
            "weights_regularizer",
            "biases_initializer",
            "biases_regularizer",
            "reuse",
            "variables_collections",
            "outputs_collections",
            "trainable",
            "scope",
        ),
        renames={**_CONTRIB_WEIGHTS, "num_outputs": "filters", "stride": "strides", "rate": "dilation_rate"},
        defaults={**_CONTRIB_ACTIVATION, "strides": "1", "padding": '"same"'},
        ignored=_CONTRIB_IGNORED,
        unsupported=frozenset({"normalizer_fn", "normalizer_params", "data_format"}),
        output_rank=4,
        bias_initializer="biases_initializer",
    ),
    "tf.contrib.layers.max_pool2d": LayerSpec(
        keras="MaxPooling2D",
        base_name="MaxPool2D",
        positional=("kernel_size", "stride", "padding", "data_format", "outputs_collections", "scope"),
        renames={"kernel_size": "pool_size", "stride": "strides", "scope": "name"},
        defaults={"strides": "2", "padding": '"valid"'},
        ignored=_CONTRIB_IGNORED,
        unsupported=frozenset({"data_format"}),
        output_rank=4,
    ),
    "tf.contrib.layers.avg_pool2d": LayerSpec(
        keras="AveragePooling2D",
        base_name="AvgPool2D",
        positional=("kernel_size", "stride", "padding", "data_format", "outputs_collections", "scope"),
        renames={"kernel_size": "pool_size", "stride": "strides", "scope": "name"},
        defaults={"strides": "2", "padding": '"valid"'},
        ignored=_CONTRIB_IGNORED,
        unsupported=frozenset({"data_format"}),
        output_rank=4,
    ),
    "tf.contrib.layers.flatten": LayerSpec(
        keras="Flatten",
        base_name="Flatten",
        positional=("outputs_collections", "scope"),
        renames={"scope": "name"},
        ignored=_CONTRIB_IGNORED,
        output_rank=2,
    ),
    "tf.contrib.layers.dropout": LayerSpec(
        keras="Dropout",
        base_name="Dropout",
        positional=("keep_prob", "noise_shape", "is_training", "outputs_collections", "scope", "seed"),
        renames={"scope": "name"},
        call_args={"is_training": "training"},
        defaults={"rate": "0.5"},
        call_defaults={"training": "True"},
        ignored=_CONTRIB_IGNORED,
        keep_prob="keep_prob",
    ),
    "tf.contrib.layers.batch_norm": LayerSpec(
        keras="BatchNormalization",
        base_name="BatchNorm",
        positional=(
            "decay",
            "center",
            "scale",
            "epsilon",
            "activation_fn",
            "param_initializers",
            "param_regularizers",
            "updates_collections",
            "is_training",
            "reuse",
            "variables_collections",
            "outputs_collections",
            "trainable",
            "batch_weights",
            "fused",
            "data_format",
            "zero_debias_moving_mean",
            "scope",
            "renorm",
            "renorm_clipping",
            "renorm_decay",
            "adjustment",
        ),
        renames={"decay": "momentum", "scope": "name"},
        call_args={"is_training": "training"},
        # contrib: decay 0.999, no gamma (scale=False), epsilon 0.001 (Keras' too).
        defaults={"momentum": "0.999", "scale": "False"},
        call_defaults={"training": "True"},
        ignored=_CONTRIB_IGNORED | {"fused", "updates_collections"},
        unsupported=frozenset(
            {
                "param_initializers",
                "param_regularizers",
                "batch_weights",
                "data_format",
                "zero_debias_moving_mean",
                "renorm",
                "renorm_clipping",
                "renorm_decay",
                "adjustment",
            }
        ),
        activation_after="activation_fn",
    ),
}

# tf_slim exports the contrib layers under shorter names as well.
ALIASES: Final[Mapping[str, str]] = {
    "tf.contrib.slim.fully_connected": "tf.contrib.layers.fully_connected",
    "tf.contrib.slim.conv2d": "tf.contrib.layers.conv2d",
    "tf.contrib.slim.convolution2d": "tf.contrib.layers.conv2d",
    "tf.contrib.layers.convolution2d": "tf.contrib.layers.conv2d",
    "tf.contrib.slim.max_pool2d": "tf.contrib.layers.max_pool2d",
    "tf.contrib.slim.avg_pool2d": "tf.contrib.layers.avg_pool2d",
    "tf.contrib.slim.flatten": "tf.contrib.layers.flatten",
    "tf.contrib.slim.dropout": "tf.contrib.layers.dropout",
    "tf.contrib.slim.batch_norm": "tf.contrib.layers.batch_norm",
}


def spec_for(api: str | None) -> tuple[str, LayerSpec] | None:
    """The canonical layer API and its spec, for a resolved TF1 name."""
    if api is None:
        return None
    api = ALIASES.get(api, api)
    spec = LAYERS.get(api)
    return (api, spec) if spec is not None else None


def layer_scope_name(statement: cst.With) -> str | None:
    """The name of `with tf.variable_scope("encoder"):` (the caller has resolved the call) when
    the layer rule can name the layers built in its block: one string literal without "/", no
    other argument but `reuse=False` or `reuse=None` (no reuse), the scope object not bound."""
    item = statement.items[0] if len(statement.items) == 1 else None
    call = item.item if item is not None else None
    if item is None or item.asname is not None or not isinstance(call, cst.Call) or not call.args:
        return None
    for arg in call.args[1:]:
        if not (arg.keyword is not None and arg.keyword.value == "reuse" and isinstance(arg.value, cst.Name)
                and arg.value.value in ("False", "None")):
            return None
    name = syntax.string_literal(call.args[0].value) if call.args[0].keyword is None else None
    return name if name and "/" not in name else None
