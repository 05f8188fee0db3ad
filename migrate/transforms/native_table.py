"""Native TF 2 spellings for TF1 APIs that TensorFlow's upgrade tables send to `tf.compat.v1`.

Keys are canonical TF1 paths (`tf.to_float`, see migrate.analysis.tf_names); targets are paths
relative to the root package (`random.set_seed` means `tf.random.set_seed`). A test checks that
every target exists in the installed TF 2 API.

`tf.log` and the other math renames are not here: the upgrade tables already give them native
targets (`tf.log` -> `tf.math.log`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

# Calls whose arguments carry over unchanged; only the function is renamed.
RENAMES: Final = MappingProxyType(
    {
        "tf.set_random_seed": "random.set_seed",
        "tf.random.set_random_seed": "random.set_seed",
        "tf.gfile.GFile": "io.gfile.GFile",
        "tf.gfile.Open": "io.gfile.GFile",
        # FastGFile only skipped a locking layer that TF 2's GFile no longer has.
        "tf.gfile.FastGFile": "io.gfile.GFile",
        "tf.gfile.Exists": "io.gfile.exists",
        "tf.gfile.MakeDirs": "io.gfile.makedirs",
        "tf.gfile.MkDir": "io.gfile.mkdir",
        "tf.gfile.ListDirectory": "io.gfile.listdir",
        "tf.gfile.Glob": "io.gfile.glob",
        "tf.gfile.Remove": "io.gfile.remove",
        "tf.gfile.IsDirectory": "io.gfile.isdir",
        "tf.gfile.Copy": "io.gfile.copy",
        "tf.gfile.Rename": "io.gfile.rename",
        "tf.gfile.DeleteRecursively": "io.gfile.rmtree",
        "tf.gfile.Stat": "io.gfile.stat",
        "tf.gfile.Walk": "io.gfile.walk",
    }
)

# `tf.to_<type>(x, name=None)` -> `tf.cast(x, tf.<type>, name=None)`.
CASTS: Final = MappingProxyType(
    {
        "tf.to_float": "float32",
        "tf.to_double": "float64",
        "tf.to_int32": "int32",
        "tf.to_int64": "int64",
        "tf.to_bfloat16": "bfloat16",
        "tf.to_complex64": "complex64",
        "tf.to_complex128": "complex128",
    }
)
CAST_TARGET: Final = "cast"

# `tf.assign(ref, value)` -> `ref.assign(value)`: the variable's own method, the TF 2 spelling.
# TF1's `use_locking` / `validate_shape` only matter to graph-mode ref variables and are dropped
# when they have their defaults; any other use keeps the call as it is.
ASSIGNS: Final = MappingProxyType(
    {"tf.assign": "assign", "tf.assign_add": "assign_add", "tf.assign_sub": "assign_sub"}
)
ASSIGN_PARAMS: Final = ("ref", "value", "validate_shape", "use_locking", "name")

# `tf.div(x, y)` divided as Python 2 did: floor division for integer `x`, real division for
# the rest (`y` takes `x`'s dtype). TF 2 names each: `tf.math.floordiv`, `tf.math.truediv`.
DIV: Final = "tf.div"
DIV_PARAMS: Final = ("x", "y", "name")
FLOOR_DIV_TARGET: Final = "math.floordiv"
TRUE_DIV_TARGET: Final = "math.truediv"

DROPOUT: Final = "tf.nn.dropout"
# TF1 `tf.nn.dropout(x, keep_prob, noise_shape, seed, name, rate)` in positional order.
DROPOUT_PARAMS: Final = ("x", "keep_prob", "noise_shape", "seed", "name", "rate")


@dataclass(frozen=True)
class Initializer:
    """How a TF1 initializer call maps to a Keras initializer class.

    `params` are the TF1 parameters in positional order; `keywords` maps each one that carries
    over to its Keras name (parameters absent from it, like `dtype`, are dropped: Keras takes
    the dtype when the initializer is called, and `tf.compat.v1.get_variable` passes it then).
    `defaults` are Keras arguments written out because the TF1 default differs from Keras'.
    """

    target: str
    params: tuple[str, ...]
    keywords: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    defaults: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))


def _init(
    target: str, params: tuple[str, ...], keywords: dict[str, str], defaults: dict[str, str] | None = None
) -> Initializer:
    return Initializer(target, params, MappingProxyType(keywords), MappingProxyType(defaults or {}))


_SEED = {"seed": "seed"}

# Initializer classes that TF1's variable and layer functions instantiate when given the class
# itself (`weights_initializer=tf.zeros_initializer`); the instance is the same initializer.
BARE_INITIALIZERS: Final = frozenset({"tf.zeros_initializer", "tf.ones_initializer"})

INITIALIZERS: Final = MappingProxyType(
    {
        "tf.zeros_initializer": _init("keras.initializers.Zeros", ("dtype",), {}),
        "tf.ones_initializer": _init("keras.initializers.Ones", ("dtype",), {}),
        # Only scalar values: Keras' Constant broadcasts, TF1's also reshapes a list to the shape.
        "tf.constant_initializer": _init(
            "keras.initializers.Constant", ("value", "dtype", "verify_shape"), {"value": "value"}
        ),
        # TF1's stddev defaults to 1.0, Keras' to 0.05.
        "tf.random_normal_initializer": _init(
            "keras.initializers.RandomNormal",
            ("mean", "stddev", "seed", "dtype"),
            {"mean": "mean", "stddev": "stddev", **_SEED},
            {"stddev": "1.0"},
        ),
        "tf.truncated_normal_initializer": _init(
            "keras.initializers.TruncatedNormal",
            ("mean", "stddev", "seed", "dtype"),
            {"mean": "mean", "stddev": "stddev", **_SEED},
            {"stddev": "1.0"},
        ),
        # TF1 draws from [0, 1) by default, Keras from [-0.05, 0.05).
        "tf.random_uniform_initializer": _init(
            "keras.initializers.RandomUniform",
            ("minval", "maxval", "seed", "dtype"),
            {"minval": "minval", "maxval": "maxval", **_SEED},
            {"minval": "0.0", "maxval": "1.0"},
        ),
        # TF1's glorot initializers are VarianceScaling(1.0, "fan_avg", uniform / truncated
        # normal) with the same 0.8796 truncation correction Keras applies.
        "tf.glorot_uniform_initializer": _init("keras.initializers.GlorotUniform", ("seed", "dtype"), _SEED),
        "tf.glorot_normal_initializer": _init("keras.initializers.GlorotNormal", ("seed", "dtype"), _SEED),
    }
)

# tf.contrib.layers.xavier_initializer(uniform=True, seed=None, dtype=tf.float32) and its alias
# xavier_initializer_conv2d: contrib's variance_scaling_initializer(1.0, "FAN_AVG", uniform).
XAVIER: Final = frozenset({"tf.contrib.layers.xavier_initializer", "tf.contrib.layers.xavier_initializer_conv2d"})
XAVIER_PARAMS: Final = ("uniform", "seed", "dtype")
XAVIER_UNIFORM: Final = "keras.initializers.GlorotUniform"

# tf.contrib.layers.variance_scaling_initializer(factor=2.0, mode='FAN_IN', uniform=False,
# seed=None, dtype=tf.float32)
VARIANCE_SCALING: Final = "tf.contrib.layers.variance_scaling_initializer"
VARIANCE_SCALING_PARAMS: Final = ("factor", "mode", "uniform", "seed", "dtype")
VARIANCE_SCALING_TARGET: Final = "keras.initializers.VarianceScaling"
VARIANCE_SCALING_MODES: Final = MappingProxyType({"FAN_IN": "fan_in", "FAN_OUT": "fan_out", "FAN_AVG": "fan_avg"})

# contrib draws its normal weights as truncated_normal(stddev=sqrt(1.3 * factor / n)); Keras'
# VarianceScaling as truncated_normal(stddev=sqrt(scale / n) / 0.87962566103423978). Both cut at
# two standard deviations, so scale = factor * 1.3 * 0.87962566103423978**2 draws the same.
CONTRIB_TRUNCATED_SCALE: Final = "1.3 * 0.87962566103423978**2"


def all_targets() -> set[str]:
    """Every root-relative path this table emits, for the test that they exist in TF 2."""
    targets = set(RENAMES.values()) | {CAST_TARGET, XAVIER_UNIFORM, VARIANCE_SCALING_TARGET}
    targets |= {FLOOR_DIV_TARGET, TRUE_DIV_TARGET}
    targets |= {spec.target for spec in INITIALIZERS.values()}
    targets |= set(CASTS.values())
    targets.add("nn.dropout")
    return targets


# Canonical TF1 paths of what this table emits that TensorFlow's own rename tables would send
# back to `tf.compat.v1` (they predate TF 2's Keras initializers). A table-driven rename must
# leave these alone once this transform has written them.
NATIVE_TF2_NAMES: Final = frozenset(
    f"tf.{target}" for target in all_targets() if target.startswith("keras.initializers.")
)

# Canonical TF1 paths this table converts. Where TF 2 has a symbol of the same name with
# another meaning (`tf.nn.dropout` takes `rate`, not `keep_prob`), a reference that was not
# converted here must keep its `tf.compat.v1` spelling.
SOURCE_NAMES: Final = frozenset(
    [*RENAMES, *CASTS, *ASSIGNS, DIV, DROPOUT, *INITIALIZERS, *XAVIER, VARIANCE_SCALING]
)
