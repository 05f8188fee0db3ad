"""TF1's `tf.losses.*` functions and the TF 2 operations that compute the same loss.

Keys are canonical TF1 paths; each entry gives the TF1 parameters in positional order, which of
them hold the labels and the predictions (or logits), and the TF 2 function (relative to the
root package) computing the loss of each element, and the form it is written in. TF1 averages
those with its default reduction,
`SUM_BY_NONZERO_WEIGHTS`, which for the default weight 1.0 is the mean over all elements: the
TF 2 form is `tf.reduce_mean` of the elementwise loss. A test checks every target against the
installed TF 2 API and every signature against TF1's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


class Operands(enum.Enum):
    """How TF1 prepares the two tensors before the elementwise loss."""

    # Both cast to float32: absolute_difference, mean_squared_error.
    FLOAT32 = "float32"
    # The labels cast to the logits' dtype: sigmoid_cross_entropy.
    LOGITS_DTYPE = "logits dtype"
    # The labels cast to the logits' dtype, and no gradient flows into them: softmax_cross_entropy.
    LOGITS_DTYPE_NO_GRADIENT = "logits dtype, no gradient"
    # Integer class labels, one rank below the logits (TF1 squeezes labels of equal rank).
    CLASS_INDICES = "class indices"


class Form(enum.Enum):
    """How the TF 2 expression computes the loss of each element from `target`."""

    # `target(labels, predictions)`, or `target(labels=..., logits=...)` with `keywords`.
    CALL = "call"
    # `target(tf.subtract(labels, predictions))`: absolute_difference.
    DIFFERENCE = "difference"
    # `-labels * target(predictions + epsilon) - (1 - labels) * target(1 - predictions + epsilon)`,
    # TF1's log_loss as written; it reads each operand twice.
    LOG = "log"
    # `target(1 - (2 * labels - 1) * logits)`: hinge_loss turns 0/1 labels into -1/1.
    HINGE = "hinge"
    # `target(labels, predictions, delta=delta)`: Keras' Huber loss of each row, its mean over the
    # last axis (the same mean over all elements, for operands of rank 1 or more).
    ROW_MEAN = "row mean"


@dataclass(frozen=True)
class Loss:
    params: tuple[str, ...]
    labels: str
    predictions: str
    operands: Operands
    target: str
    keywords: bool = False
    form: Form = Form.CALL
    # A TF1 parameter the TF 2 form writes, and TF1's default for it.
    carried: tuple[str, str] | None = None


# Arguments that may be written with their default value: the call still converts.
DEFAULTS: Final = MappingProxyType({"weights": 1.0, "label_smoothing": 0.0})

_COMMON: Final = ("weights", "scope", "loss_collection", "reduction")

LOSSES: Final = MappingProxyType(
    {
        "tf.losses.absolute_difference": Loss(
            ("labels", "predictions", *_COMMON), "labels", "predictions", Operands.FLOAT32, "abs", form=Form.DIFFERENCE
        ),
        "tf.losses.hinge_loss": Loss(
            ("labels", "logits", *_COMMON), "labels", "logits", Operands.FLOAT32, "nn.relu", form=Form.HINGE
        ),
        "tf.losses.huber_loss": Loss(
            ("labels", "predictions", "weights", "delta", "scope", "loss_collection", "reduction"),
            "labels",
            "predictions",
            Operands.FLOAT32,
            "keras.losses.huber",
            form=Form.ROW_MEAN,
            carried=("delta", "1.0"),
        ),
        "tf.losses.log_loss": Loss(
            ("labels", "predictions", "weights", "epsilon", "scope", "loss_collection", "reduction"),
            "labels",
            "predictions",
            Operands.FLOAT32,
            "math.log",
            form=Form.LOG,
            carried=("epsilon", "1e-07"),
        ),
        "tf.losses.mean_squared_error": Loss(
            ("labels", "predictions", *_COMMON),
            "labels",
            "predictions",
            Operands.FLOAT32,
            "math.squared_difference",
        ),
        "tf.losses.sigmoid_cross_entropy": Loss(
            ("multi_class_labels", "logits", "weights", "label_smoothing", "scope", "loss_collection", "reduction"),
            "multi_class_labels",
            "logits",
            Operands.LOGITS_DTYPE,
            "nn.sigmoid_cross_entropy_with_logits",
            keywords=True,
        ),
        "tf.losses.softmax_cross_entropy": Loss(
            ("onehot_labels", "logits", "weights", "label_smoothing", "scope", "loss_collection", "reduction"),
            "onehot_labels",
            "logits",
            Operands.LOGITS_DTYPE_NO_GRADIENT,
            "nn.softmax_cross_entropy_with_logits",
            keywords=True,
        ),
        "tf.losses.sparse_softmax_cross_entropy": Loss(
            ("labels", "logits", *_COMMON),
            "labels",
            "logits",
            Operands.CLASS_INDICES,
            "nn.sparse_softmax_cross_entropy_with_logits",
            keywords=True,
        ),
    }
)

SUBTRACT: Final = "subtract"
MEAN: Final = "reduce_mean"
SUM: Final = "reduce_sum"

# TF1's reductions (`tf.losses.Reduction.*`, or the strings they hold) -> the TF 2 function that
# reduces the losses of the elements with weight 1.0 as TF1 does, or None for no reduction. With
# unit weights every weighted mean is the plain mean: MEAN divides by the sum of the weights,
# SUM_OVER_BATCH_SIZE by the number of elements, SUM_BY_NONZERO_WEIGHTS by those weighted.
_REDUCTIONS: Final = {
    "NONE": ("none", None),
    "SUM": ("weighted_sum", SUM),
    "MEAN": ("weighted_mean", MEAN),
    "SUM_OVER_BATCH_SIZE": ("weighted_sum_over_batch_size", MEAN),
    "SUM_BY_NONZERO_WEIGHTS": ("weighted_sum_by_nonzero_weights", MEAN),
    "SUM_OVER_NONZERO_WEIGHTS": ("weighted_sum_by_nonzero_weights", MEAN),
}
REDUCTIONS: Final = MappingProxyType(
    {
        **{f"tf.losses.Reduction.{name}": function for name, (_, function) in _REDUCTIONS.items()},
        **{value: function for value, function in _REDUCTIONS.values()},
    }
)
# The value of each `tf.losses.Reduction` member, for the test against TF1's.
REDUCTION_VALUES: Final = MappingProxyType({name: value for name, (value, _) in _REDUCTIONS.items()})
CAST: Final = "cast"
FLOAT32: Final = "float32"
STOP_GRADIENT: Final = "stop_gradient"

# Deterministic elementwise functions: an operand made by one of them from names can be written
# twice (log_loss's formula reads each operand twice) and computes the same tensor each time.
PURE_FUNCTIONS: Final = frozenset(
    {
        "tf.sigmoid", "tf.nn.sigmoid", "tf.math.sigmoid", "tf.nn.softmax", "tf.math.softmax", "tf.exp",
        "tf.math.exp", "tf.tanh", "tf.nn.tanh", "tf.math.tanh", "tf.clip_by_value", "tf.cast", "tf.to_float",
    }
)  # fmt: skip

# Readers and writers of the graph's loss collection, to which every TF1 loss adds itself: a
# module naming one keeps its losses as they are (TF 2 code adds to no collection).
COLLECTION_NAMES: Final = frozenset({"get_total_loss", "get_losses", "add_loss", "LOSSES"})
COLLECTION_KEY: Final = "losses"

# Float dtypes other than float32: a module naming one may hold tensors whose dtype TF1's casts
# change, so only operands seen to be float32 go without the cast.
OTHER_FLOAT_WORDS: Final = frozenset({"float64", "double", "float16", "half", "bfloat16"})


def all_targets() -> set[str]:
    """Every root-relative path this table emits, for the test that they exist in TF 2."""
    return {loss.target for loss in LOSSES.values()} | {SUBTRACT, MEAN, SUM, CAST, FLOAT32, STOP_GRADIENT}
