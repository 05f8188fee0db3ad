"""Whether an operand is an integer or a floating-point tensor, where the source alone shows it.

TF1's `tf.div` divides integers with floor division and everything else with real division;
TF 2 has a function for each, so converting a call needs the kind of its first operand (TF1
converts the second one to the first one's dtype). The answer comes from literals, `tf.constant`
with a literal or a dtype, and TensorFlow functions whose result kind follows from their
arguments or is always floating point. A name read at module level stands for the value the
module last assigned to it before (`ModuleValues`): placeholders, variables and the operations
above. Anything else (an attribute, a subscript, a name bound in a loop, a branch or a function)
is unknown: its dtype is decided by code this analysis does not follow.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from migrate.analysis import syntax
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
# The kind of their first argument (the tensor they reshape, reduce or map).
_FIRST_ARGUMENT_KIND = frozenset(
    {
        "tf.abs", "tf.square", "tf.negative", "tf.reduce_sum", "tf.reduce_mean", "tf.reduce_max",
        "tf.reduce_min", "tf.math.abs", "tf.math.square", "tf.math.negative", "tf.math.reduce_sum",
        "tf.math.reduce_mean", "tf.math.reduce_max", "tf.math.reduce_min", "tf.squeeze",
        "tf.expand_dims", "tf.reshape", "tf.transpose", "tf.identity", "tf.gather", "tf.tile",
        "tf.nn.relu",
    }
)  # fmt: skip
# The kind of their two operands, combined as arithmetic combines them.
_OPERANDS_KIND = frozenset(
    {
        "tf.add", "tf.subtract", "tf.multiply", "tf.matmul", "tf.maximum", "tf.minimum", "tf.math.add",
        "tf.math.subtract", "tf.math.multiply", "tf.math.maximum", "tf.math.minimum", "tf.linalg.matmul",
    }
)  # fmt: skip
# Tensors made from a shape: float32 unless their `dtype` argument says otherwise.
_FILLED = {"tf.ones": ("shape", "dtype"), "tf.zeros": ("shape", "dtype")}
_PLACEHOLDER = ("tf.placeholder", ("dtype", "shape", "name"))
_VARIABLE = ("tf.Variable", ("initial_value", "trainable", "collections", "validate_shape", "caching_device",
                             "name", "variable_def", "dtype"))  # fmt: skip
_CAST = ("tf.cast", ("x", "dtype"))
_TOP_K = frozenset({"tf.nn.top_k", "tf.math.top_k"})
# How deep names are followed to their values: a chain longer than this is unknown.
_MAX_DEPTH = 32
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


@dataclass(frozen=True)
class _Binding:
    index: int  # the module-level statement that binds the name
    value: cst.BaseExpression | None  # what `name = value` assigned; None for any other binding
    output: int | None = None  # `a, b = value`: the position of the name among the outputs


class ModuleValues:
    """What each name of a module was last assigned, as of each module-level statement."""

    def __init__(self, body: Sequence[cst.BaseStatement]) -> None:
        self._bindings: dict[str, list[_Binding]] = {}
        for index, statement in enumerate(body):
            for name, value, output in _bindings_of(statement):
                self._bindings.setdefault(name, []).append(_Binding(index, value, output))

    def before(self, name: str, index: int) -> _Binding | None:
        """The last binding of `name` by a statement before statement `index`."""
        found = None
        for binding in self._bindings.get(name, ()):
            if binding.index >= index:
                break
            found = binding
        return found


_Bound = tuple[str, cst.BaseExpression | None, int | None]  # name, value, output


def _bindings_of(statement: cst.BaseStatement) -> list[_Bound]:
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        # A `global` statement inside lets a call rebind a module name at any time.
        rebound = [
            name.name.value
            for node in syntax.nodes_of(statement, cst.Global)
            if isinstance(node, cst.Global)
            for name in node.names
        ]
        return [(statement.name.value, None, None), *((name, None, None) for name in rebound)]
    if isinstance(statement, cst.SimpleStatementLine):
        found: list[_Bound] = []
        for small in statement.body:
            target = small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else None
            if isinstance(small, cst.Assign) and isinstance(target, cst.Name):
                found.append((target.value, small.value, None))
            elif isinstance(small, cst.Assign) and isinstance(target, (cst.Tuple, cst.List)) and all(
                isinstance(element, cst.Element) and isinstance(element.value, cst.Name) for element in target.elements
            ):
                names = [element.value for element in target.elements if isinstance(element.value, cst.Name)]
                found.extend((name.value, small.value, position) for position, name in enumerate(names))
            else:
                found.extend((name, None, None) for name in syntax.defined_names(cst.SimpleStatementLine([small])))
        return found
    # A loop, branch or block: whatever it binds, its value depends on how it ran.
    return [(name.value, None, None) for name in syntax.nodes_of(statement, cst.Name) if isinstance(name, cst.Name)]


@dataclass(frozen=True)
class _Where:
    """Where an expression is read: names resolve to the module's values before `index`."""

    api_of: ApiOf
    values: ModuleValues | None
    index: int
    depth: int = 0


def kind_of(
    expression: cst.BaseExpression, api_of: ApiOf, values: ModuleValues | None = None, index: int = 0
) -> Kind | None:
    """The kind of `expression`'s value as a tensor, or None where the source does not show it.
    `api_of` gives the canonical TF1 path (`tf.sin`) an expression refers to; with `values`, a
    name is what the module assigned to it before its statement `index` (for an expression read
    at module level, not inside a function)."""
    return _kind(expression, _Where(api_of, values, index))


def _kind(expression: cst.BaseExpression, where: _Where) -> Kind | None:
    if isinstance(expression, cst.Integer):
        return Kind.INTEGER
    if isinstance(expression, cst.Float):
        return Kind.FLOATING
    if isinstance(expression, cst.UnaryOperation) and isinstance(expression.operator, (cst.Minus, cst.Plus)):
        return _kind(expression.expression, where)
    if isinstance(expression, cst.BinaryOperation):
        return _binary(expression, where)
    if isinstance(expression, (cst.List, cst.Tuple)):
        return _combined([element.value for element in expression.elements], where)
    if isinstance(expression, cst.Call):
        return _call(expression, where)
    if isinstance(expression, cst.Name) and where.values is not None and where.depth < _MAX_DEPTH:
        binding = where.values.before(expression.value, where.index)
        if binding is None or binding.value is None:
            return None
        defined = _Where(where.api_of, where.values, binding.index, where.depth + 1)
        if binding.output is not None:
            return _output_kind(binding.value, binding.output, defined)
        return _kind(binding.value, defined)
    return None


def _output_kind(value: cst.BaseExpression, position: int, where: _Where) -> Kind | None:
    """The kind of one output of `a, b = value`: `tf.nn.top_k` gives values of its input's kind
    and int32 indices."""
    if not isinstance(value, cst.Call) or where.api_of(value.func) not in _TOP_K:
        return None
    if position == 1:
        return Kind.INTEGER
    positional = [arg.value for arg in value.args if arg.keyword is None and not arg.star]
    return _combined(positional[:1], where) if position == 0 else None


def _binary(operation: cst.BinaryOperation, where: _Where) -> Kind | None:
    if isinstance(operation.operator, cst.Divide):
        known = _kind(operation.left, where) is not None and _kind(operation.right, where) is not None
        return Kind.FLOATING if known else None
    if isinstance(operation.operator, (cst.Add, cst.Subtract, cst.Multiply)):
        return _combined([operation.left, operation.right], where)
    return None


def _combined(operands: list[cst.BaseExpression], where: _Where) -> Kind | None:
    """Arithmetic on these operands: floating as soon as one is (TensorFlow refuses to mix a
    floating tensor with an integer one), integer when all are."""
    kinds = [_kind(operand, where) for operand in operands]
    if Kind.FLOATING in kinds:
        return Kind.FLOATING
    return Kind.INTEGER if kinds and all(kind is Kind.INTEGER for kind in kinds) else None


def _bound(call: cst.Call, parameters: tuple[str, ...]) -> dict[str, cst.BaseExpression] | None:
    bound = bind_arguments_or_none(call, parameters, unknown_keywords=UnknownKeywords.BIND)
    return None if bound is None else {name: arg.value for name, arg in bound.items()}


def _call(call: cst.Call, where: _Where) -> Kind | None:
    name = where.api_of(call.func)
    if name is None:
        return None
    if name in _FLOAT_RESULTS:
        return Kind.FLOATING
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    if name in _FIRST_ARGUMENT_KIND:
        return _combined(positional[:1], where)
    if name in _OPERANDS_KIND:
        return _combined(positional[:2], where) if len(positional) >= 2 else None
    bound: dict[str, cst.BaseExpression] | None
    if name in _RANDOM or name in _FILLED:
        bound = _bound(call, _RANDOM.get(name) or _FILLED[name])
        if bound is None:
            return None
        return _dtype_kind(bound["dtype"], where) if "dtype" in bound else Kind.FLOATING
    for api, parameters, value in (_CONSTANT + ("value",), _VARIABLE + ("initial_value",), _CAST + ("",)):
        if name == api:
            bound = _bound(call, parameters)
            if bound is None:
                return None
            if "dtype" in bound:
                return _dtype_kind(bound["dtype"], where)
            return _kind(bound[value], where) if value in bound else None
    if name == _PLACEHOLDER[0]:
        bound = _bound(call, _PLACEHOLDER[1])
        return _dtype_kind(bound["dtype"], where) if bound is not None and "dtype" in bound else None
    return None


def _dtype_kind(dtype: cst.BaseExpression, where: _Where) -> Kind | None:
    name = where.api_of(dtype)
    if name in _FLOAT_DTYPES:
        return Kind.FLOATING
    if name in _INT_DTYPES:
        return Kind.INTEGER
    return None
