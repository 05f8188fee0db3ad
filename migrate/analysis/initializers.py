"""What a TF1 `get_variable` initialises a variable with, as a TF 2 expression.

TF1's `VariableScope` picks a default when `get_variable` is given no initializer:
`glorot_uniform_initializer()` for floating-point dtypes and `zeros_initializer()` for integer
and boolean ones (tensorflow/python/ops/variable_scope.py, `_get_default_initializer`). Keras'
GlorotUniform computes the same fans for every rank, so it draws from the same distribution.
"""

from __future__ import annotations

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
