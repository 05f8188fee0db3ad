"""TF1 optimizers and their Keras 3 equivalents, with every default that differs made explicit.

The numbers only stay the same when the TF1 defaults are passed to Keras: Adam's epsilon is 1e-8
in TF1 and 1e-7 in Keras; RMSProp's `decay` is Keras' `rho`, its epsilon 1e-10 against 1e-7, and
TF1 starts the mean-square accumulator at one where Keras starts at zero; Momentum is SGD with
`momentum`; Adagrad has no epsilon in TF1.

Given the gradient of a looked-up table (the rows an embedding lookup read), TF1's Momentum and
RMSProp update only those rows and Keras' every row. For a row read twice, TF1's Adam and Adagrad
square the sum of its gradients where Keras' sum their squares: a training step the rewrite
writes makes such gradients dense, which Keras updates as TF1 did. Otherwise the optimizer
becomes a subclass of Keras' that updates such gradients as TF1
(migrate.transforms.optimizer_subclasses). Gradient descent updates alike.

TF1 also holds its hyperparameters as float32 tensors and computes `1 - beta` in float32, where
Keras computes it from a Python float: for Adam's betas and RMSProp's rho the two differ in the
last bits, and over hundreds of steps that difference grows past float32 round-off. Those
parameters are therefore passed as their float32 values (`0.9` -> `0.8999999761581421`).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OptimizerMapping:
    keras_name: str
    # TF1 parameters in positional order, each with the Keras keyword it becomes (None: a
    # graph-mode detail such as `use_locking` or `name` that is dropped).
    parameters: tuple[tuple[str, str | None], ...]
    # TF1 defaults that Keras does not share, as Keras keyword -> source text of the TF1 value.
    tf1_defaults: Mapping[str, str] = field(default_factory=dict)
    # The Keras optimizer's slots that TF1 starts at one rather than zero (the name Keras makes
    # them under: add_variable_from_reference(variable, name)).
    slots_start_at_one: str | None = None
    # Keras keywords whose value TF1 uses as a float32 (see the module docstring).
    float32_parameters: tuple[str, ...] = ()
    # A difference no argument can remove, reported where this optimizer is mapped.
    caveat: str = ""
    # How TF1's sparse kernel, which a gradient holding only the rows a lookup read runs, updates
    # otherwise than Keras' optimizer (migrate.analysis.row_lookups): a subclass of it updates
    # them as TF1 (migrate.transforms.optimizer_subclasses).
    rows_caveat: str = ""
    # How TF1 and Keras differ on such a gradient only where it holds a row more than once: TF1
    # adds those up first, as a dense gradient does, which the training step then passes Keras.
    repeated_rows: str = ""


def float32_literal(value: float) -> str:
    """The source text of the double nearest to `value` rounded to float32."""
    rounded: float = struct.unpack("<f", struct.pack("<f", value))[0]
    return repr(rounded)


OPTIMIZERS: Mapping[str, OptimizerMapping] = {
    "tf.train.GradientDescentOptimizer": OptimizerMapping(
        "SGD",
        (("learning_rate", "learning_rate"), ("use_locking", None), ("name", None)),
    ),
    "tf.train.MomentumOptimizer": OptimizerMapping(
        "SGD",
        (
            ("learning_rate", "learning_rate"),
            ("momentum", "momentum"),
            ("use_locking", None),
            ("name", None),
            ("use_nesterov", "nesterov"),
        ),
        caveat=(
            "Keras' momentum update (m = momentum * m - lr * g; w += m) rounds differently from "
            "TF1's (a = momentum * a + g; w -= lr * a): long runs drift apart in the last bits, "
            "more where batch normalization amplifies small differences"
        ),
        rows_caveat=(
            "TF1's momentum moves only the rows the gradient holds, where Keras' moves every row "
            "with what it accumulated"
        ),
    ),
    "tf.train.AdamOptimizer": OptimizerMapping(
        "Adam",
        (
            ("learning_rate", "learning_rate"),
            ("beta1", "beta_1"),
            ("beta2", "beta_2"),
            ("epsilon", "epsilon"),
            ("use_locking", None),
            ("name", None),
        ),
        tf1_defaults={"beta_1": "0.9", "beta_2": "0.999", "epsilon": "1e-08"},
        float32_parameters=("beta_1", "beta_2"),
        caveat=(
            "Keras' Adam computes beta ** step with a power where TF1 multiplies its beta powers "
            "step by step: long runs drift apart in the last bits"
        ),
        repeated_rows=(
            "for a row looked up more than once in a batch, Keras' Adam adds the square of each of "
            "its gradients, TF1's the square of their sum"
        ),
    ),
    "tf.train.RMSPropOptimizer": OptimizerMapping(
        "RMSprop",
        (
            ("learning_rate", "learning_rate"),
            ("decay", "rho"),
            ("momentum", "momentum"),
            ("epsilon", "epsilon"),
            ("use_locking", None),
            ("centered", "centered"),
            ("name", None),
        ),
        tf1_defaults={"rho": "0.9", "epsilon": "1e-10"},
        slots_start_at_one="velocity",
        float32_parameters=("rho",),
        rows_caveat=(
            "TF1's RMSProp updates the mean squares and weights of only the rows the gradient "
            "holds, where Keras' decays every row's mean square"
        ),
    ),
    "tf.train.AdagradOptimizer": OptimizerMapping(
        "Adagrad",
        (
            ("learning_rate", "learning_rate"),
            ("initial_accumulator_value", "initial_accumulator_value"),
            ("use_locking", None),
            ("name", None),
        ),
        tf1_defaults={"epsilon": "0.0"},
        repeated_rows=(
            "for a row looked up more than once in a batch, Keras' Adagrad adds the square of each "
            "of its gradients, TF1's the square of their sum"
        ),
    ),
}
