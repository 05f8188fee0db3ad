"""TFM406: TF1 optimizers that only Keras or eager code uses become Keras optimizers.

A program with no session can still make `tf.train` optimizers: to hand one to a Keras model
(`model.compile(optimizer=tf.train.AdamOptimizer(0.001), ...)`), or to step it with
`apply_gradients(pairs)` in eager code that computes its gradients with `tf.GradientTape` (or
TF1's eager API). Nothing of such a file needs graph mode, and Keras 3 takes no TF1 optimizer:
the optimizer becomes its Keras equivalent with TF1's defaults made explicit
(migrate.analysis.optimizers). TF1's RMSProp starts its mean squares at one where Keras' starts
at zero: it becomes a subclass of Keras' RMSprop, defined after the imports, that starts them at
one. In a file that looks rows of a table up (an Embedding layer), RMSProp, Momentum, Adam and
Adagrad become subclasses that update those rows as TF1's sparse kernels did
(migrate.transforms.optimizer_subclasses). One whose arguments Keras has no place for
(`**settings`) stays TF1's when handed to `compile` (TFM407): only legacy Keras takes it, so the
file needs tf-keras and TF_USE_LEGACY_KERAS=1. An optimizer whose name is used otherwise
(`minimize`, `compute_gradients`, bound twice) stays, and so does one stepped where the file
takes graph gradients (`tf.gradients`) or shows no eager code. What this writes only works
eagerly: in a file that stays in graph mode the pipeline drops it (EAGER_ONLY). Programs that
switch eager execution on have their stepped optimizers converted by TFM404.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.graph_only import EAGER_SWITCHES
from migrate.analysis.optimizers import OPTIMIZERS
from migrate.findings import Severity
from migrate.transforms.base import Example
from migrate.transforms.eager_programs import (
    NameUses,
    ScopeStatements,
    compiled_optimizer,
    keras_optimizer,
    replace_assigned,
)

CONVERTED = "TFM406"
KEPT_FOR_KERAS = "TFM407"
# Eager code in a program that does not switch eager execution on: TF 2's tape, TF1's eager API.
_EAGER_APIS = ("tf.GradientTape", "tf.contrib.eager")
_GRAPH_GRADIENTS = "tf.gradients"


class OptimizerObjects(ScopeStatements):
    CODE = CONVERTED
    DESCRIPTION = "TF1 optimizers only handed to Keras compile or stepped eagerly become Keras optimizers"
    FINDINGS: ClassVar[dict[str, str]] = {
        KEPT_FOR_KERAS: "a TF1 optimizer handed to Keras compile with arguments Keras has no place for: kept, "
        "which Keras 3 does not take (the file needs tf-keras and TF_USE_LEGACY_KERAS=1)",
    }
    DECLINE_FINDINGS = frozenset({KEPT_FOR_KERAS})
    TRIGGERS = ("Optimizer",)
    EAGER_ONLY = True
    EXAMPLES = (
        Example(
            name="keras-compile",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
                "model.compile(optimizer=tf.train.GradientDescentOptimizer(0.01), loss='mse')\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
                "model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.01), loss='mse')\n"
            ),
        ),
        Example(
            name="keras-compile-rmsprop",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
                "model.compile(optimizer=tf.train.RMSPropOptimizer(0.01), loss='mse')\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "\n"
                "class RMSpropStartingAtOne(tf.keras.optimizers.RMSprop):\n"
                '    """Keras\' RMSprop with its accumulators starting at one, as in TF1."""\n'
                "\n"
                '    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):\n'
                '        if name == "velocity":\n'
                '            initializer = "ones"\n'
                "        return super().add_variable_from_reference(reference_variable, name, initializer)\n"
                "\n"
                "\n"
                "model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
                "model.compile(optimizer=RMSpropStartingAtOne(learning_rate=0.01, rho=0.8999999761581421, "
                "epsilon=1e-10), loss='mse')\n"
            ),
        ),
        Example(
            name="keras-compile-unpacked-arguments-kept",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "settings = {'learning_rate': 0.1, 'momentum': 0.9}\n"
                "model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
                "model.compile(optimizer=tf.train.MomentumOptimizer(**settings), loss='mse')\n"
            ),
        ),
        Example(
            name="graph-minimize-kept",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "w = tf.Variable(1.0)\n"
                "optimizer = tf.train.GradientDescentOptimizer(0.1)\n"
                "train_op = optimizer.minimize(w * w)\n"
            ),
        ),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._steps_eagerly = False  # whether a stepped optimizer may be taken as eager code
        self._eager_switch = False  # TFM404 converts the optimizers bound in such a program

    def visit_Module(self, node: cst.Module) -> bool:
        super().visit_Module(node)
        apis = {api for api, _ in syntax.tf_apis_in(node, self.tf_api)}
        eager = any(syntax.api_under(api, _EAGER_APIS) for api in apis)
        self._eager_switch = bool(apis & EAGER_SWITCHES)
        self._steps_eagerly = eager and _GRAPH_GRADIENTS not in apis
        return True

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        """`model.compile(optimizer=tf.train.AdamOptimizer(...))`: the optimizer made for Keras."""
        optimizer = compiled_optimizer(original_node)
        api = self.tf_api(optimizer.func) if isinstance(optimizer, cst.Call) else None
        if api is None or api not in OPTIMIZERS:
            return updated_node
        assert isinstance(optimizer, cst.Call)
        keras = keras_optimizer(self, optimizer, api, CONVERTED)
        if isinstance(keras, str):
            self._report_kept(optimizer, api, keras)
            return updated_node
        args = [
            arg.with_changes(value=keras) if original.value is optimizer else arg
            for original, arg in zip(original_node.args, updated_node.args)
        ]
        return updated_node.with_changes(args=args)

    def _scope_body(
        self, originals: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement], scope: cst.CSTNode
    ) -> list[cst.BaseStatement]:
        """`optimizer = tf.train....Optimizer(...)` lines of one scope whose name is only
        compiled into Keras models, or stepped (or not yet used) in eager code."""
        out: list[cst.BaseStatement] = []
        for original, statement in zip(originals, updated):
            target_call = syntax.assigned_call(original)
            api = self.tf_api(target_call[1].func) if target_call is not None else None
            if target_call is None or api is None or api not in OPTIMIZERS:
                out.append(statement)
                continue
            uses = NameUses.of(target_call[0], scope)
            # One made and not yet used (a starter's blanks) goes with the eager code around it.
            eager = self._steps_eagerly or (uses.compiled and not uses.stepped)
            if uses.bindings != 1 or uses.other or not eager or self._eager_switch:
                out.append(statement)
                continue
            keras = keras_optimizer(self, target_call[1], api, CONVERTED)
            if isinstance(keras, str) and uses.compiled:
                self._report_kept(target_call[1], api, keras)
            out.append(statement if isinstance(keras, str) else replace_assigned(statement, keras))
        return out

    def _report_kept(self, call: cst.Call, api: str, why: str) -> None:
        message = (
            f"{api} handed to Keras compile is kept: {why}; Keras 3 takes no TF1 optimizer, so the file "
            "needs the tf-keras package and TF_USE_LEGACY_KERAS=1 set before TensorFlow is imported"
        )
        self.report(call, message, code=KEPT_FOR_KERAS, severity=Severity.WARNING)
