"""The parameters of TF1's initializer classes, by canonical name.

TensorFlow's upgrade tables note on each that TF 2's initializers take no `dtype` when made
(they take it when called). A call that passes none means the same in both, so TFM103 says
nothing about it (migrate.transforms.api_renames). tests/test_rename_tables.py checks these
against `tf.compat.v1`'s classes.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

DTYPE = "dtype"
_DISTRIBUTIONS: Final = {
    "constant": ("value", "dtype", "verify_shape"),
    "zeros": ("dtype",),
    "ones": ("dtype",),
    "random_normal": ("mean", "stddev", "seed", "dtype"),
    "truncated_normal": ("mean", "stddev", "seed", "dtype"),
    "random_uniform": ("minval", "maxval", "seed", "dtype"),
    "variance_scaling": ("scale", "mode", "distribution", "seed", "dtype"),
    "orthogonal": ("gain", "seed", "dtype"),
    "glorot_uniform": ("seed", "dtype"),
    "glorot_normal": ("seed", "dtype"),
}
V1_INITIALIZER_PARAMETERS: Final = MappingProxyType(
    {
        **{f"tf.{name}_initializer": parameters for name, parameters in _DISTRIBUTIONS.items()},
        **{f"tf.initializers.{name}": parameters for name, parameters in _DISTRIBUTIONS.items()},
        "tf.initializers.identity": ("gain", "dtype"),
    }
)
