"""The Keras optimizer subclasses a rewritten module defines to update as TF1's optimizers did."""

from __future__ import annotations

from typing import Any

import libcst as cst
import pytest

from migrate.analysis.optimizers import OPTIMIZERS
from migrate.transforms.optimizer_subclasses import Subclass, Subclasses, definition, updates_rows

RMSPROP = OPTIMIZERS["tf.train.RMSPropOptimizer"]


@pytest.mark.parametrize(
    ("api", "rows"),
    [
        ("tf.train.RMSPropOptimizer", True),
        ("tf.train.MomentumOptimizer", True),
        ("tf.train.AdamOptimizer", True),
        ("tf.train.AdagradOptimizer", True),
        ("tf.train.GradientDescentOptimizer", False),
    ],
    ids=["rmsprop", "momentum", "adam", "adagrad", "gradient-descent-updates-rows-alike"],
)
def test_which_optimizers_need_a_subclass_for_looked_up_rows(api: str, rows: bool) -> None:
    assert updates_rows(OPTIMIZERS[api]) is rows


def test_each_subclass_is_named_once_apart_from_the_module_names() -> None:
    subclasses = Subclasses()
    taken = {"RMSpropStartingAtOne", "RMSpropAsInTF1", "RMSpropAsInTF11"}
    assert subclasses.name(Subclass(RMSPROP, rows=False), taken) == "RMSpropStartingAtOne1"
    assert subclasses.name(Subclass(RMSPROP, rows=True), taken) == "RMSpropAsInTF12"
    assert subclasses.name(Subclass(RMSPROP, rows=False), set()) == "RMSpropStartingAtOne1"


def test_definitions_use_the_module_alias_and_go_after_the_imports() -> None:
    subclasses = Subclasses()
    name = subclasses.name(Subclass(RMSPROP, rows=True), set())
    module = cst.parse_module("import numpy as np\nimport tensorflow as tf2\n\nopt = None\n")
    code = subclasses.defined_in(module, "tf2").code
    imports = "import numpy as np\nimport tensorflow as tf2\n"
    assert code.startswith(f"{imports}\n\nclass {name}(tf2.keras.optimizers.RMSprop):\n")
    assert code.endswith("\n\n\nopt = None\n")
    assert "tf2.IndexedSlices" in code and " tf." not in code and "(tf." not in code


def _subclass(api: str, rows: bool) -> Any:
    """The class the rewrite would define for `api`'s optimizer (with or without the update of
    looked-up rows), or Keras' own where it defines none."""
    import tensorflow as tf

    mapping = OPTIMIZERS[api]
    if not rows and not mapping.slots_start_at_one:
        return getattr(tf.keras.optimizers, mapping.keras_name)
    subclass = Subclass(mapping, rows=rows)
    namespace: dict[str, Any] = {"tf": tf}
    exec(cst.Module([definition("tf", subclass.stem, subclass)]).code, namespace)  # noqa: S102
    return namespace[subclass.stem]


# TF1's optimizer and the Keras subclass it becomes, with the same hyperparameters (the float32
# values of TF1's decay and betas, as the rewrite passes them).
RHO = 0.8999999761581421
CASES = {
    "rmsprop": (
        "tf.train.RMSPropOptimizer", {"learning_rate": 0.05}, {"learning_rate": 0.05, "rho": RHO, "epsilon": 1e-10}
    ),
    "rmsprop-momentum-centered": (
        "tf.train.RMSPropOptimizer",
        {"learning_rate": 0.05, "momentum": 0.5, "centered": True},
        {"learning_rate": 0.05, "rho": RHO, "epsilon": 1e-10, "momentum": 0.5, "centered": True},
    ),
    "momentum": (
        "tf.train.MomentumOptimizer", {"learning_rate": 0.1, "momentum": 0.9}, {"learning_rate": 0.1, "momentum": 0.9}
    ),
    "nesterov": (
        "tf.train.MomentumOptimizer",
        {"learning_rate": 0.1, "momentum": 0.9, "use_nesterov": True},
        {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True},
    ),
    "adam": (
        "tf.train.AdamOptimizer",
        {"learning_rate": 0.1},
        {"learning_rate": 0.1, "beta_1": 0.8999999761581421, "beta_2": 0.9990000128746033, "epsilon": 1e-08},
    ),
    "adagrad": ("tf.train.AdagradOptimizer", {"learning_rate": 0.1}, {"learning_rate": 0.1, "epsilon": 0.0}),
}


@pytest.mark.tensorflow
@pytest.mark.parametrize("case", sorted(CASES))
def test_subclass_updates_looked_up_rows_as_tf1_and_keras_alone_does_not(case: str) -> None:
    # Gradients of rows looked up in turn, one of them twice in a step; TF1's optimizer runs its
    # sparse kernel on them (eagerly too), the subclass its update_step.
    import numpy as np
    import tensorflow as tf

    api, tf1_arguments, keras_arguments = CASES[case]
    steps = [([0, 2, 2], [[1.0, -1.0], [0.5, 0.5], [0.25, 2.0]]), ([1, 2], [[-2.0, 1.0], [1.0, 1.0]])] * 3
    start = np.arange(8, dtype=np.float32).reshape(4, 2) / 4.0

    def train(optimizer: Any) -> Any:
        table = tf.Variable(start)
        for rows, values in steps:
            gradient = tf.IndexedSlices(tf.constant(values), tf.constant(rows), tf.constant([4, 2]))
            optimizer.apply_gradients([(gradient, table)])
        return table.numpy()

    expected = train(getattr(tf.compat.v1.train, api.rsplit(".", 1)[1])(**tf1_arguments))
    # Within Keras' documented rounding (Adam's beta powers, Momentum's order of operations).
    np.testing.assert_allclose(train(_subclass(api, rows=True)(**keras_arguments)), expected, rtol=1e-5, atol=1e-5)
    assert not np.allclose(train(_subclass(api, rows=False)(**keras_arguments)), expected, rtol=1e-4, atol=1e-4)


@pytest.mark.tensorflow
@pytest.mark.parametrize("rows", [False, True], ids=["starting-at-one", "rows-as-in-tf1"])
def test_rmsprop_mean_squares_start_at_one_and_a_checkpoint_restores_them_when_made(tmp_path: Any, rows: bool) -> None:
    # A checkpoint restores an optimizer's slots as they are made (a model loaded before its first
    # step, as TF1's Keras and tf.train.Checkpoint do): the mean squares must start at one without
    # overwriting what the checkpoint restores into them.
    import numpy as np
    import tensorflow as tf

    arguments = {"learning_rate": 0.05, "rho": RHO, "epsilon": 1e-10}
    optimizer_class = _subclass("tf.train.RMSPropOptimizer", rows)
    weights = tf.Variable([1.0, -2.0])
    optimizer = optimizer_class(**arguments)
    optimizer.build([weights])
    assert [v.numpy().tolist() for v in optimizer._velocities] == [[1.0, 1.0]]
    optimizer.apply_gradients([(tf.constant([0.5, 2.0]), weights)])
    saved = [v.numpy() for v in optimizer._velocities]
    path = tf.train.Checkpoint(weights=weights, optimizer=optimizer).write(str(tmp_path / "ckpt"))

    twin_weights = tf.Variable([0.0, 0.0])
    twin = optimizer_class(**arguments)
    tf.train.Checkpoint(weights=twin_weights, optimizer=twin).read(path)
    twin.build([twin_weights])
    np.testing.assert_array_equal([v.numpy() for v in twin._velocities], saved)
