"""What a TF1 `get_variable` initialises a variable with, as a TF 2 expression.

TF1's `VariableScope` picks a default when `get_variable` is given no initializer:
`glorot_uniform_initializer()` for floating-point dtypes and `zeros_initializer()` for integer
and boolean ones (tensorflow/python/ops/variable_scope.py, `_get_default_initializer`). Keras'
GlorotUniform computes the same fans for every rank, so it draws from the same distribution.

Random initial values are written as `tf.random` ops rather than Keras 3 initializers: Keras 3
draws an unseeded initializer's seed from Python's `random`, so it ignores `tf.random.set_seed`
and gives other weights on every run. TF1's initializers call the same `random_ops` functions
that `tf.random.normal` / `truncated_normal` / `uniform` are, so a file that stays in graph mode
draws exactly TF1's numbers from the graph seed, and an eager one is reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Final

FLOAT_DTYPES: Final = frozenset({"float16", "float32", "float64", "bfloat16", "half", "double"})
ZERO_DEFAULT_DTYPES: Final = frozenset(
    {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"}
)
DEFAULT_FLOAT_INITIALIZER: Final = "keras.initializers.GlorotUniform"
DEFAULT_ZERO_INITIALIZER: Final = "zeros"

# Initializer objects (called with a shape and a dtype) as opposed to tensors used as values.
INITIALIZER_PREFIXES: Final = ("tf.keras.initializers.", "tf.initializers.")


def dtype_family(dtype_api: str | None) -> str | None:
    """"float", "zero" or None for a dtype's canonical TF path (`tf.float32`)."""
    if dtype_api is None or not dtype_api.startswith("tf."):
        return None
    name = dtype_api[len("tf.") :]
    if name in FLOAT_DTYPES:
        return "float"
    if name in ZERO_DEFAULT_DTYPES:
        return "zero"
    return None


def is_initializer_api(api: str) -> bool:
    """True for a TF path whose call builds an initializer object rather than a tensor."""
    return api.startswith(INITIALIZER_PREFIXES) or api.endswith("_initializer")


# Keras initializer (as `native_equivalents` writes TF1's) -> the `tf.random` op TF1's calls, with
# TF1's defaults for the arguments TF1 and Keras disagree on (`native_table` passes those anyway).
RANDOM_OPS: Final = {
    "tf.keras.initializers.RandomNormal": ("random.normal", {"mean": "mean", "stddev": "stddev"}),
    "tf.keras.initializers.TruncatedNormal": ("random.truncated_normal", {"mean": "mean", "stddev": "stddev"}),
    "tf.keras.initializers.RandomUniform": ("random.uniform", {"minval": "minval", "maxval": "maxval"}),
}
GLOROT_UNIFORM: Final = "tf.keras.initializers.GlorotUniform"


def glorot_fans(shape: Sequence[int]) -> tuple[int, int]:
    """TF1's `init_ops._compute_fans`: (fan_in, fan_out) for a static shape."""
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def seeded_value(
    api: str, keywords: Mapping[str, str], shape: str, dims: Sequence[int] | None, dtype: str, tf: str
) -> str | None:
    """`tf.random.*(shape, ..., dtype=...)` drawing what the initializer `api(**keywords)` draws,
    or None when it is not one this module can write that way (a seed, an unknown argument, a
    Glorot fan that needs a static shape)."""
    if "seed" in keywords:
        return None
    if api == GLOROT_UNIFORM:
        if keywords or dims is None:
            return None
        fan_in, fan_out = glorot_fans(dims)
        if fan_in + fan_out < 2:
            return None
        # init_ops.VarianceScaling(1.0, "fan_avg", "uniform"): limit = sqrt(3 / ((fan_in + fan_out) / 2)).
        limit = f"(6 / {fan_in + fan_out}) ** 0.5"
        return f"{tf}.random.uniform({shape}, -{limit}, {limit}, dtype={dtype})"
    if api not in RANDOM_OPS:
        return None
    op, accepted = RANDOM_OPS[api]
    if not set(keywords) <= set(accepted):
        return None
    arguments = "".join(f", {accepted[key]}={value}" for key, value in keywords.items())
    return f"{tf}.{op}({shape}{arguments}, dtype={dtype})"
