"""A TF1 optimizer's constructor call, rewritten as the call of its Keras 3 equivalent.

The mapping of each optimizer (migrate.analysis.optimizers) says which TF1 parameter becomes which
Keras keyword, which TF1 defaults Keras does not share and which values TF1 used as float32; this
module applies it to one call, for every rule that meets a TF1 optimizer.
"""

from __future__ import annotations

import libcst as cst

from migrate.analysis.call_arguments import keyword_arg
from migrate.analysis.optimizers import OPTIMIZERS, float32_literal


class UnmappedArgument(ValueError):
    """An argument of the TF1 call that its Keras equivalent has no place for."""


def keras_arguments(call: cst.Call, api: str) -> list[cst.Arg]:
    """The Keras optimizer's arguments for `call`, a call of the TF1 optimizer `api`: each TF1
    argument by its Keras keyword, then TF1's defaults that Keras does not share."""
    mapping = OPTIMIZERS[api]
    if any(a.star for a in call.args):
        raise UnmappedArgument("optimizer arguments passed with *")
    given: dict[str, cst.BaseExpression] = {}
    positional = [a for a in call.args if a.keyword is None]
    for (tf1_name, _), arg in zip(mapping.parameters, positional):
        given[tf1_name] = arg.value
    for arg in call.args:
        if arg.keyword is not None:
            given[arg.keyword.value] = arg.value
    known = dict(mapping.parameters)
    args: list[cst.Arg] = []
    for tf1_name, value in given.items():
        if tf1_name not in known:
            raise UnmappedArgument(f"{api}({tf1_name}=...) has no Keras equivalent")
        keras_name = known[tf1_name]
        if keras_name is not None:
            args.append(keyword_arg(keras_name, value))
    for keras_name, default in mapping.tf1_defaults.items():
        if not any(a.keyword is not None and a.keyword.value == keras_name for a in args):
            args.append(keyword_arg(keras_name, cst.parse_expression(default)))
    return [_as_float32(arg) if _keyword(arg) in mapping.float32_parameters else arg for arg in args]


def defaults_note(api: str) -> str | None:
    """What a finding says of the mapped call, None when it is the same optimizer with the same
    defaults (gradient descent)."""
    mapping = OPTIMIZERS[api]
    if not mapping.tf1_defaults and api == "tf.train.GradientDescentOptimizer":
        return None
    floats = " and its float32 " + ", ".join(mapping.float32_parameters) if mapping.float32_parameters else ""
    return f"{api} becomes tf.keras.optimizers.{mapping.keras_name} with TF1's defaults{floats}"


def _keyword(arg: cst.Arg) -> str | None:
    return arg.keyword.value if arg.keyword is not None else None


def _as_float32(arg: cst.Arg) -> cst.Arg:
    """A float literal becomes its float32 value, as TF1 used it; anything else stays."""
    if isinstance(arg.value, cst.Float):
        return arg.with_changes(value=cst.Float(float32_literal(float(arg.value.value))))
    return arg
