"""tf.contrib members that moved: the tables point at what exists, contrib's initializers become
Keras initializers that draw exactly what contrib drew, and a graph-mode program whose contrib
layers became tf_slim's computes what the legacy program computed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from migrate import rewrite_source
from migrate.cli import main
from migrate.transforms import contrib_table as table

tensorflow_only = pytest.mark.tensorflow


@tensorflow_only
def test_every_home_exists() -> None:
    import tf_slim

    missing = [name for name in table.SLIM_ANYWHERE | table.SLIM_IN_GRAPH_MODE if not hasattr(tf_slim, name)]
    assert missing == []
    assert not table.SLIM_ANYWHERE & table.SLIM_IN_GRAPH_MODE
    # tf.compat.v1.nn.rnn_cell needs legacy Keras (which requirements-tf2.txt then lists).
    prefixes = [home.rstrip(".") for home in table.PREFIXES_IN_TENSORFLOW.values()]
    targets = [*table.IN_TENSORFLOW.values(), "Variable", *prefixes]
    check = f"import tensorflow as tf\nfor target in {targets!r}:\n    eval('tf.' + target)\n"
    environment = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    completed = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, env=environment, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stderr[-2000:]


# (contrib call, shape): the contrib initializer as TF1 code wrote it, with a seed.
INITIALIZERS = [
    ("xavier_initializer(uniform=True, seed=5)", (20, 30)),
    ("xavier_initializer(uniform=False, seed=5)", (20, 30)),
    ("xavier_initializer_conv2d(uniform=False, seed=5)", (3, 3, 4, 8)),
    ("variance_scaling_initializer(seed=5)", (20, 30)),
    ("variance_scaling_initializer(seed=5)", (3, 3, 4, 8)),
    ("variance_scaling_initializer(factor=1.0, mode='FAN_OUT', uniform=True, seed=5)", (20, 30)),
    ("variance_scaling_initializer(factor=3.0, mode='FAN_AVG', uniform=False, seed=5)", (7,)),
]


def _scale_of_draw(values: Any, unit: Any, uniform: bool) -> float:
    """The stddev (truncated normal) or limit (uniform) that turned the unit draw into `values`."""
    if uniform:
        # values = limit * (2 * unit - 1); near unit = 0.5 float32 cancellation loses the digits.
        centred = 2.0 * unit.astype(np.float64) - 1.0
        kept = np.abs(centred) > 0.5
        ratios = values[kept] / centred[kept]
    else:
        ratios = values / unit
    assert np.allclose(ratios, np.median(ratios), rtol=1e-5), "not one distribution parameter"
    return float(np.median(ratios))


def _contrib_parameter(call: str, shape: tuple[int, ...]) -> float:
    """What tf_slim (contrib.layers' code, moved) draws with, from its random op and a unit one."""
    import tensorflow as tf
    import tf_slim

    uniform = "uniform=True" in call
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(1)
        initializer = eval(f"tf_slim.{call}", {"tf_slim": tf_slim})  # literals from this file
        values = initializer(shape, dtype=tf.float32)
        if uniform:
            unit = tf.random.uniform(shape, 0.0, 1.0, seed=5)
        else:
            unit = tf.random.truncated_normal(shape, 0.0, 1.0, seed=5)
        with tf.compat.v1.Session() as sess:
            drawn, base = sess.run([values, unit])
    return _scale_of_draw(drawn, base, uniform)


def _keras_parameter(expression: str, shape: tuple[int, ...], uniform: bool) -> float:
    """What the Keras initializer the rewrite wrote draws with, against Keras' unit draw."""
    import keras
    import tensorflow as tf

    initializer = eval(expression, {"tf": tf})  # the rewriter's output for literals above
    values = keras.ops.convert_to_numpy(initializer(shape, dtype="float32"))
    if uniform:
        unit = keras.random.uniform(shape, 0.0, 1.0, seed=5)
    else:
        unit = keras.random.truncated_normal(shape, 0.0, 1.0, seed=5)
    return _scale_of_draw(values, keras.ops.convert_to_numpy(unit), uniform)


@tensorflow_only
@pytest.mark.parametrize(("call", "shape"), INITIALIZERS, ids=[f"{c}-{s}" for c, s in INITIALIZERS])
def test_initializers_draw_what_contrib_drew(call: str, shape: tuple[int, ...]) -> None:
    result = rewrite_source(f"import tensorflow as tf\n\ninit = tf.contrib.layers.{call}\n")
    expression = result.code.split("init = ", 1)[1].strip()
    assert expression.startswith("tf.keras.initializers."), result.code
    uniform = "uniform=True" in call
    assert _keras_parameter(expression, shape, uniform) == pytest.approx(_contrib_parameter(call, shape), rel=1e-6)


GRAPH_PROGRAM = """\
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
inputs = rng.rand(32, 4).astype(np.float32)
targets = inputs.sum(axis=1, keepdims=True)

x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 1])
global_step = tf.Variable(0, trainable=False, name="global_step")
tf.add_to_collection(tf.GraphKeys.GLOBAL_STEP, global_step)
hidden = tf.contrib.layers.fully_connected(x, 8, weights_regularizer=tf.contrib.layers.l2_regularizer(0.01))
tf.contrib.layers.summarize_activation(hidden)
out = tf.contrib.layers.fully_connected(tf.contrib.layers.flatten(hidden), 1, activation_fn=None)
loss = tf.reduce_mean(tf.square(out - y)) + tf.add_n(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
train = tf.train.GradientDescentOptimizer(0.05).minimize(loss, global_step=tf.contrib.framework.get_global_step())
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(20):
        _, value = sess.run([train, loss], feed_dict={x: inputs, y: targets})
    print("loss", value, "step", sess.run(global_step))
"""


@tensorflow_only
@pytest.mark.slow
def test_graph_mode_program_keeps_contrib_code_through_tf_slim(tmp_path: Path) -> None:
    result = rewrite_source(GRAPH_PROGRAM)
    assert "contrib" not in result.code
    assert "slim.fully_connected(" in result.code and "slim.summarize_activation(" in result.code
    assert "tf.compat.v1.train.get_global_step()" in result.code
    assert result.requirements == ("tf-slim",)
    (tmp_path / "legacy.py").write_text(GRAPH_PROGRAM)
    (tmp_path / "migrated.py").write_text(result.code)
    assert main(["diff", str(tmp_path / "legacy.py"), str(tmp_path / "migrated.py"), "--failures-only"]) == 0


@pytest.mark.parametrize(
    ("name", "makes_none"),
    [
        ("tf.contrib.learn.preprocessing.VocabularyProcessor", True),
        ("tf.contrib.learn.preprocessing.VocabularyProcessor.restore", True),
        ("tf.contrib.layers.l2_regularizer", True),
        ("tf.contrib.layers.xavier_initializer", True),
        ("tf.contrib.rnn.DropoutWrapper", True),
        ("tf.contrib.framework.get_global_step", True),
        ("tf.contrib.layers.fully_connected", False),
        ("tf.contrib.rnn.BasicLSTMCell", False),
        ("tf.contrib.framework.get_or_create_global_step", False),
        ("tf.contrib.learn.DNNClassifier", False),
    ],
    ids=lambda value: str(value),
)
def test_members_known_to_make_no_variables(name: str, makes_none: bool) -> None:
    assert table.makes_no_variables(name) is makes_none
