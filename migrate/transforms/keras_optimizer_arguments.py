"""TFM408: Keras optimizers given the arguments of TF 1.x's Keras get those of Keras 3.

TF 1.x's Keras optimizers (OptimizerV2, tf-keras' `optimizers.legacy` today) took `lr` for the
learning rate and `decay` for a decay of it by step: `lr / (1 + decay * iterations)`. Keras 3
takes neither and raises on both, and tf-keras' new optimizers ignore `lr` with a warning. So
`lr=x` becomes `learning_rate=x`, and a `decay` other than zero becomes the schedule that computes
the same rate, in the same float32 operations:
`learning_rate=tf.keras.optimizers.schedules.InverseTimeDecay(x, decay_steps=1, decay_rate=decay)`
(the optimizer's own default rate where none is given). `decay=0` and `epsilon=None` (TF 1.x's
Keras read it as its default, 1e-7, which is Keras 3's) go. The other arguments mean the same in
Keras 3, positional ones too.

Only where Keras 3 updates the weights as TF 1.x's Keras did: SGD (with momentum or Nesterov's),
Adam (AMSGrad too) and Adagrad (whose epsilon Keras 3 adds under the square root of the
accumulator, TF 1.x's Keras after it: a difference below float32 rounding for accumulators of
TF's default start, 0.1, which is reported). RMSprop without momentum added epsilon after the
square root too, over mean squares that start at zero, where the difference is not small; and
TF 1.x's Keras updated a looked-up table's rows (an Embedding) with sparse kernels, which Keras 3
does not: in a file that looks rows up, only plain SGD converts. The others (Nadam, Adadelta,
Adamax, Ftrl) are not converted.

Kept as TF 1.x Keras' own optimizer, `tf.compat.v1.keras.optimizers.X` with its arguments as they
were, with a warning (TFM409): those, a call passing `*args` / `**kwargs`, both `lr` and
`learning_rate`, or an argument Keras 3 does not take. tf-keras serves that module (the file needs
it and TF_USE_LEGACY_KERAS=1), as it serves the TF1 optimizers TFM407 keeps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.call_arguments import ArgumentsNotBound, UnknownKeywords, bind_arguments, keyword_arg
from migrate.analysis.row_lookups import row_lookups
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform

CONVERTED = "TFM408"
KEPT = "TFM409"

# Each optimizer of TF 1.x's Keras that Keras 3's computes alike, with its parameters in order as
# both take them (the first ones, which they share), and its default learning rate.
_OPTIMIZERS: Mapping[str, tuple[tuple[str, ...], str]] = {
    "SGD": (("learning_rate", "momentum", "nesterov"), "0.01"),
    "Adam": (("learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad"), "0.001"),
    "Adagrad": (("learning_rate", "initial_accumulator_value", "epsilon"), "0.001"),
}
# Why Keras 3's twin of each other one computes otherwise.
_OTHERWISE: Mapping[str, str] = {
    "RMSprop": "TF 1.x's Keras added epsilon after the square root of the mean squares, Keras 3 under it",
    "Nadam": "TF 1.x Keras' Nadam scheduled its momentum otherwise",
}
_NOT_COMPARED = "this rule has not compared Keras 3's {kind} with TF 1.x Keras'"
_ADAGRAD_EPSILON = (
    "Keras 3's Adagrad adds epsilon under the square root of the accumulator, TF 1.x Keras' after it: "
    "the updates differ below float32 rounding from TF's initial accumulator value, 0.1"
)
# Keywords both take beyond the parameters above.
_SHARED_KEYWORDS = frozenset({"name", "clipnorm", "clipvalue", "global_clipnorm"})
_TF1_ONLY = ("lr", "decay")


class KerasOptimizerArguments(MigrationTransform):
    CODE = CONVERTED
    DESCRIPTION = "Keras optimizers' lr= and decay= of TF 1.x's Keras become learning_rate= and a schedule"
    EAGER_ONLY = True
    DECLINE_FINDINGS = frozenset({KEPT})
    TRIGGERS = ("lr=", "decay=", "epsilon=None")
    FINDINGS: ClassVar[dict[str, str]] = {
        KEPT: "a Keras optimizer given arguments of TF 1.x's Keras that Keras 3 does not compute alike: kept as "
        "TF 1.x Keras' own, tf.compat.v1.keras.optimizers (the file needs tf-keras and TF_USE_LEGACY_KERAS=1)",
    }
    EXAMPLES: ClassVar = (
        Example(
            "import tensorflow as tf\n\n"
            "adam = tf.keras.optimizers.Adam(lr=0.01, epsilon=None)\n"
            "sgd = tf.keras.optimizers.SGD(lr=0.1, decay=1e-6, momentum=0.9, nesterov=True)\n"
            "ada = tf.keras.optimizers.Adagrad(decay=0.0)\n",
            "import tensorflow as tf\n\n"
            "adam = tf.keras.optimizers.Adam(learning_rate=0.01)\n"
            "sgd = tf.keras.optimizers.SGD(learning_rate=tf.keras.optimizers.schedules.InverseTimeDecay(0.1, "
            "decay_steps=1, decay_rate=1e-6), momentum=0.9, nesterov=True)\n"
            "ada = tf.keras.optimizers.Adagrad()\n",
            "lr-and-decay",
        ),
        Example(
            "import tensorflow as tf\n\n"
            "spread = tf.keras.optimizers.SGD(**settings, decay=1e-4)\n"
            "rms = tf.keras.optimizers.RMSprop(lr=0.01)\n",
            "import tensorflow as tf\n\n"
            "spread = tf.compat.v1.keras.optimizers.SGD(**settings, decay=1e-4)\n"
            "rms = tf.compat.v1.keras.optimizers.RMSprop(lr=0.01)\n",
            "kept-as-tf-1x-keras",
        ),
        Example(
            "import tensorflow as tf\n\n"
            "adam = tf.keras.optimizers.Adam(learning_rate=0.01)\n"
            "sgd = tf.keras.optimizers.SGD(0.1, momentum=0.9)\n",
            None,
            "keras-3-arguments",
        ),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._lookups: list[cst.Call] | None = None  # the file's row lookups, found on first need

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        api = self.tf_api(original_node.func)
        kind = api.removeprefix("tf.keras.optimizers.") if api is not None else None
        if kind is None or not any(_is_tf1_argument(arg) for arg in original_node.args):
            return updated_node
        if "." in kind or not kind[:1].isupper():
            return updated_node  # not an optimizer class (a schedule, a function)
        if kind not in _OPTIMIZERS:
            otherwise = _OTHERWISE.get(kind, _NOT_COMPARED.format(kind=kind))
            return self._kept(original_node, updated_node, kind, f"{kind} of TF 1.x's Keras: {otherwise}")
        if self._lookups is None:
            self._lookups = row_lookups(self.pass_analysis().module.body, self.tf_api, ())
        if self._lookups and not (kind == "SGD" and _plain(original_node)):
            table = syntax.code_of(self._lookups[0].func)
            why = f"the file looks rows up ({table}), which TF 1.x's Keras {kind} updated with sparse kernels"
            return self._kept(original_node, updated_node, kind, f"{kind}: {why}")
        params, default_rate = _OPTIMIZERS[kind]
        try:
            bound = bind_arguments(original_node, params, unknown_keywords=UnknownKeywords.BIND)
        except ArgumentsNotBound as why:
            return self._kept(original_node, updated_node, kind, f"{kind} with arguments of TF 1.x's Keras: {why}")
        unknown = sorted(set(bound) - set(params) - set(_TF1_ONLY) - _SHARED_KEYWORDS)
        if "lr" in bound and "learning_rate" in bound:
            unknown.insert(0, "lr with learning_rate")
        if unknown:
            problem = ", ".join(unknown)
            return self._kept(original_node, updated_node, kind, f"{kind} given {problem}, which Keras 3 does not take")
        rate_arg = bound.get("lr") or bound.get("learning_rate")
        rate = rate_arg.value if rate_arg is not None else cst.parse_expression(default_rate)
        decay = bound.get("decay")
        said = []
        if decay is not None and not _is_zero(decay.value):
            schedule = cst.Call(
                self.tf_expr("keras.optimizers.schedules.InverseTimeDecay"),
                [
                    cst.Arg(rate),
                    keyword_arg("decay_steps", cst.Integer("1")),
                    keyword_arg("decay_rate", decay.value),
                ],
            )
            new_rate: cst.Arg | None = _rate_arg(schedule, rate_arg)
            said.append("decay becomes the InverseTimeDecay schedule TF 1.x's Keras computed it by")
        elif "lr" in bound:
            new_rate = _rate_arg(rate, rate_arg)
        else:
            new_rate = rate_arg
        if "lr" in bound:
            said.insert(0, "lr becomes learning_rate")
        dropped = {id(arg) for name, arg in bound.items() if name in _TF1_ONLY or _is_default_epsilon(name, arg)}
        if any(_is_default_epsilon(name, arg) for name, arg in bound.items()):
            said.append("epsilon=None, TF 1.x Keras' 1e-7, is Keras 3's default")
        if decay is not None and _is_zero(decay.value):
            said.append("decay=0 goes")
        args: list[cst.Arg] = []
        for index, arg in enumerate(original_node.args):
            if arg is rate_arg:
                if new_rate is not None:
                    args.append(new_rate)
            elif id(arg) not in dropped:
                args.append(updated_node.args[index])
        if rate_arg is None and new_rate is not None:
            args.insert(0, new_rate)  # no positional argument: the rate was not given
        if kind == "Adagrad":
            said.append(_ADAGRAD_EPSILON)
        self.report(original_node, f"{kind}: {'; '.join(said)}", severity=Severity.INFO)
        return updated_node.with_changes(args=syntax.without_last_comma(args))

    def _kept(self, original: cst.Call, updated: cst.Call, kind: str, why: str) -> cst.Call:
        """TF 1.x Keras' own optimizer, which tf-keras serves as `tf.compat.v1.keras.optimizers`,
        with its arguments as they were."""
        self.report(
            original,
            f"{why}; kept as tf.compat.v1.keras.optimizers.{kind}, TF 1.x Keras' own (the file needs tf-keras and "
            "TF_USE_LEGACY_KERAS=1)",
            code=KEPT,
        )
        return updated.with_changes(func=self.tf_expr(f"compat.v1.keras.optimizers.{kind}"))


def _plain(call: cst.Call) -> bool:
    """An SGD call with no momentum: its sparse update is its dense one over the rows."""
    momentum = syntax.call_argument(call, 1, "momentum")
    return momentum is None or _is_zero(momentum)


def _rate_arg(value: cst.BaseExpression, given: cst.Arg | None) -> cst.Arg:
    """The learning rate argument: where it was given positionally, still so."""
    if given is not None and given.keyword is None:
        return given.with_changes(value=value)
    return keyword_arg("learning_rate", value, like=given)


def _is_tf1_argument(arg: cst.Arg) -> bool:
    if arg.keyword is None:
        return False
    return arg.keyword.value in _TF1_ONLY or _is_default_epsilon(arg.keyword.value, arg)


def _is_default_epsilon(name: str, arg: cst.Arg) -> bool:
    """`epsilon=None` by keyword (a positional one goes nowhere: those after it would move)."""
    return (
        name == "epsilon" and arg.keyword is not None and isinstance(arg.value, cst.Name) and arg.value.value == "None"
    )


def _is_zero(value: cst.BaseExpression) -> bool:
    return isinstance(value, (cst.Integer, cst.Float)) and float(value.value) == 0.0
