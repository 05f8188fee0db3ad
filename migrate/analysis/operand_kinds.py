"""Whether an operand is an integer or a floating-point tensor, where the source alone shows it.

TF1's `tf.div` divides integers with floor division and everything else with real division;
TF 2 has a function for each, so converting a call needs the kind of its first operand (TF1
converts the second one to the first one's dtype). The answer comes from literals, `tf.constant`
with a literal or a dtype, and TensorFlow functions whose result kind follows from their
arguments or is always floating point. Anything else (a name, an attribute, a subscript) is
unknown: its dtype is decided by code this analysis does not follow.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

import libcst as cst

from migrate.analysis.call_arguments import UnknownKeywords, bind_arguments_or_none


class Kind(enum.Enum):
    INTEGER = "integer"
    FLOATING = "floating"


ApiOf = Callable[[cst.BaseExpression], "str | None"]

_FLOAT_DTYPES = frozenset({"tf.float16", "tf.float32", "tf.float64", "tf.bfloat16", "tf.double", "tf.half"})
_INT_DTYPES = frozenset({"tf.int8", "tf.int16", "tf.int32", "tf.int64", "tf.uint8", "tf.uint16"})
# Defined for floating-point inputs only: their result is floating point.
_FLOAT_RESULTS = frozenset(
    {
        "tf.sin", "tf.cos", "tf.tan", "tf.exp", "tf.log", "tf.sqrt", "tf.rsqrt", "tf.tanh",
        "tf.sigmoid", "tf.math.sin", "tf.math.cos", "tf.math.tan", "tf.math.exp", "tf.math.log",
        "tf.math.sqrt", "tf.math.rsqrt", "tf.math.tanh", "tf.math.sigmoid", "tf.nn.sigmoid",
        "tf.nn.tanh", "tf.nn.softmax", "tf.truediv", "tf.math.truediv",
    }
)  # fmt: skip
# The kind of their arguments, combined as arithmetic combines them.
_ARGUMENT_KIND = frozenset(
    {
        "tf.add", "tf.subtract", "tf.multiply", "tf.abs", "tf.square", "tf.negative",
        "tf.reduce_sum", "tf.reduce_mean", "tf.reduce_max", "tf.reduce_min", "tf.math.add",
        "tf.math.subtract", "tf.math.multiply", "tf.math.abs", "tf.math.square",
        "tf.math.negative", "tf.math.reduce_sum", "tf.math.reduce_mean", "tf.math.reduce_max",
        "tf.math.reduce_min",
    }
)  # fmt: skip
# Random tensors: floating point unless a `dtype` argument says otherwise.
_RANDOM = {
    "tf.random_normal": ("shape", "mean", "stddev", "dtype"),
    "tf.random.normal": ("shape", "mean", "stddev", "dtype"),
    "tf.truncated_normal": ("shape", "mean", "stddev", "dtype"),
    "tf.random.truncated_normal": ("shape", "mean", "stddev", "dtype"),
    "tf.random_uniform": ("shape", "minval", "maxval", "dtype"),
    "tf.random.uniform": ("shape", "minval", "maxval", "dtype"),
}
_CONSTANT = ("tf.constant", ("value", "dtype"))


def kind_of(expression: cst.BaseExpression, api_of: ApiOf) -> Kind | None:
    """The kind of `expression`'s value as a tensor, or None where the source does not show it.
    `api_of` gives the canonical TF1 path (`tf.sin`) an expression refers to."""
    if isinstance(expression, cst.Integer):
        return Kind.INTEGER
    if isinstance(expression, cst.Float):
        return Kind.FLOATING
    if isinstance(expression, cst.UnaryOperation) and isinstance(expression.operator, (cst.Minus, cst.Plus)):
        return kind_of(expression.expression, api_of)
    if isinstance(expression, cst.BinaryOperation):
        return _binary(expression, api_of)
    if isinstance(expression, (cst.List, cst.Tuple)):
        return _combined([element.value for element in expression.elements], api_of)
    if isinstance(expression, cst.Call):
        return _call(expression, api_of)
    return None


def _binary(operation: cst.BinaryOperation, api_of: ApiOf) -> Kind | None:
    if isinstance(operation.operator, cst.Divide):
        known = kind_of(operation.left, api_of) is not None and kind_of(operation.right, api_of) is not None
        return Kind.FLOATING if known else None
    if isinstance(operation.operator, (cst.Add, cst.Subtract, cst.Multiply)):
        return _combined([operation.left, operation.right], api_of)
    return None


def _combined(operands: list[cst.BaseExpression], api_of: ApiOf) -> Kind | None:
    kinds = [kind_of(operand, api_of) for operand in operands]
    if not kinds or None in kinds:
        return None
    return Kind.FLOATING if Kind.FLOATING in kinds else Kind.INTEGER


def _call(call: cst.Call, api_of: ApiOf) -> Kind | None:
    name = api_of(call.func)
    if name is None:
        return None
    if name in _FLOAT_RESULTS:
        return Kind.FLOATING
    if name in _ARGUMENT_KIND:
        positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
        first_two = positional[:2] if name.endswith(("add", "subtract", "multiply")) else positional[:1]
        return _combined(first_two, api_of)
    if name in _RANDOM:
        bound = bind_arguments_or_none(call, _RANDOM[name], unknown_keywords=UnknownKeywords.BIND)
        if bound is None:
            return None
        return _dtype_kind(bound["dtype"].value, api_of) if "dtype" in bound else Kind.FLOATING
    if name == _CONSTANT[0]:
        bound = bind_arguments_or_none(call, _CONSTANT[1], unknown_keywords=UnknownKeywords.BIND)
        if bound is None or "value" not in bound:
            return None
        if "dtype" in bound:
            return _dtype_kind(bound["dtype"].value, api_of)
        return kind_of(bound["value"].value, api_of)
    return None


def _dtype_kind(dtype: cst.BaseExpression, api_of: ApiOf) -> Kind | None:
    name = api_of(dtype)
    if name in _FLOAT_DTYPES:
        return Kind.FLOATING
    if name in _INT_DTYPES:
        return Kind.INTEGER
    return None
