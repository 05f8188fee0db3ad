"""Tell the Keras optimizers' documented rounding (TFM403) apart from a wrong migration.

Keras' Adam computes `beta ** step` with a power where TF1 multiplies its beta powers step by
step, and Keras' momentum update is ordered differently. Early in training `1 - beta2 ** step`
is small, so one last-bit difference there moves a step by ~1e-5 of its size: a correct
migration can miss the default tolerances after a few steps of Adam with a large learning rate.

`with_tf1_optimizers` writes the counterfactual: the migrated program with each such Keras
optimizer replaced by the TF1 optimizer it came from, called with the very same argument
values (`tf.compat.v1.train.*` runs eagerly and computes TF1's update). When that program
matches the legacy one, everything but the optimizer's arithmetic is proven equivalent, and the
arguments the rewriter chose are proven to be TF1's; a wrong learning rate, beta or epsilon
would still differ.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from migrate.analysis.optimizers import OPTIMIZERS
from migrate.analysis.tf_names import dotted

KERAS_PREFIX = "tf.keras.optimizers."
# TF1 optimizers take tf.Variables; Keras 3 layers hold their own Variable type over one.
HELPER = """

def _tf1_optimizer(base):
    class Optimizer(base):
        def apply_gradients(self, grads_and_vars, *args, **kwargs):
            pairs = [(g, v if isinstance(v, tf.Variable) else v.value) for g, v in grads_and_vars]
            return super().apply_gradients(pairs, *args, **kwargs)

    return Optimizer
"""


def _tf1_name(keras_name: str, keywords: set[str]) -> str | None:
    """The TF1 optimizer a Keras optimizer with a rounding caveat was mapped from."""
    for tf1_name, mapping in OPTIMIZERS.items():
        if mapping.keras_name != keras_name or not mapping.caveat:
            continue
        keras_keywords = {keras for _, keras in mapping.parameters if keras is not None}
        if keywords <= keras_keywords and (keras_name != "SGD" or "momentum" in keywords):
            return tf1_name
    return None


class _ToTF1(cst.CSTTransformer):
    def __init__(self) -> None:
        self.replaced = 0

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        name = dotted(updated_node.func)
        if name is None or not name.startswith(KERAS_PREFIX):
            return updated_node
        if any(arg.keyword is None for arg in updated_node.args):
            return updated_node  # the rewriter passes keywords only
        keywords = {arg.keyword.value for arg in updated_node.args if arg.keyword is not None}
        tf1_name = _tf1_name(name[len(KERAS_PREFIX) :], keywords)
        if tf1_name is None:
            return updated_node
        renames = {keras: tf1 for tf1, keras in OPTIMIZERS[tf1_name].parameters if keras is not None}
        args = [
            arg.with_changes(keyword=cst.Name(renames[arg.keyword.value]))
            for arg in updated_node.args
            if arg.keyword is not None
        ]
        self.replaced += 1
        target = f"_tf1_optimizer(tf.compat.v1.{tf1_name[len('tf.') :]})"
        return updated_node.with_changes(func=cst.parse_expression(target), args=args)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self.replaced:
            return updated_node
        body = list(updated_node.body)
        after_imports = 0
        for index, statement in enumerate(body):
            if m.matches(statement, m.SimpleStatementLine(body=[m.OneOf(m.Import(), m.ImportFrom())])):
                after_imports = index + 1
        body[after_imports:after_imports] = cst.parse_module(HELPER).body
        return updated_node.with_changes(body=body)


def with_tf1_optimizers(code: str) -> str | None:
    """The program with its rounding-caveat Keras optimizers replaced by their TF1 originals,
    or None when it has none."""
    transformer = _ToTF1()
    rewritten = cst.parse_module(code).visit(transformer)
    return rewritten.code if transformer.replaced else None
