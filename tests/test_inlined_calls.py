"""migrate.inlined_calls: which module functions building training state are written in place
of their one call, and the pipeline's use of it."""

from __future__ import annotations

import libcst as cst
import pytest

from migrate import rewrite_source
from migrate.inlined_calls import inline_calls

TRAINING = (
    "def training(loss, learning_rate):\n"
    "    optimizer = tf.train.GradientDescentOptimizer(learning_rate)\n"
    "    train_op = optimizer.minimize(loss)\n"
    "    return train_op\n"
)

INLINED = [
    pytest.param(
        TRAINING + "def run():\n    # Train.\n    step = training(total, RATE)\n",
        "def run():\n    # Train.\n    optimizer = tf.train.GradientDescentOptimizer(RATE)\n"
        "    train_op = optimizer.minimize(total)\n    step = train_op\n",
        {"training": "run"},
        id="into-a-function-parameters-renamed",
    ),
    pytest.param(
        TRAINING + "def run():\n    step = training(total, learning_rate=0.1)\n",
        "def run():\n    optimizer = tf.train.GradientDescentOptimizer(0.1)\n"
        "    train_op = optimizer.minimize(total)\n    step = train_op\n",
        {"training": "run"},
        id="literal-argument",
    ),
    pytest.param(
        TRAINING + "def run():\n    step = training(total, FLAGS.learning_rate)\n",
        "def run():\n    learning_rate = FLAGS.learning_rate\n"
        "    optimizer = tf.train.GradientDescentOptimizer(learning_rate)\n"
        "    train_op = optimizer.minimize(total)\n    step = train_op\n",
        {"training": "run"},
        id="expression-argument-bound-first",
    ),
    pytest.param(
        TRAINING + 'if __name__ == "__main__":\n    with g.as_default():\n        train_op = training(loss, rate)\n',
        'if __name__ == "__main__":\n    with g.as_default():\n'
        "        optimizer = tf.train.GradientDescentOptimizer(rate)\n        train_op = optimizer.minimize(loss)\n",
        {"training": "__main__"},
        id="into-the-main-block-return-of-the-target",
    ),
    pytest.param(
        "def make(shape):\n    w = tf.Variable(tf.zeros(shape))\n    v = tf.Variable(w)\n    return v + 1\n"
        "y = make(dims)\n",
        "w = tf.Variable(tf.zeros(dims))\nv = tf.Variable(w)\ny = v + 1\n",
        {"make": "<module>"},
        id="module-level-call",
    ),
]


@pytest.mark.parametrize(("source", "expected", "scopes"), INLINED)
def test_training_builders_are_written_in_place_of_their_call(
    source: str, expected: str | None, scopes: dict[str, str]
) -> None:
    inlined = inline_calls(cst.parse_module(source))
    if expected is None:
        assert inlined is None
        return
    assert inlined is not None
    tree, found = inlined
    assert tree.code == expected
    assert found == scopes


KEPT = [
    pytest.param(TRAINING + "def run():\n    a = training(x, r)\n    b = training(y, r)\n", id="called-twice"),
    pytest.param(TRAINING + "def run():\n    optimizer = None\n    a = training(x, r)\n", id="local-it-binds-taken"),
    pytest.param(TRAINING + "def run():\n    tf = load()\n    a = training(x, r)\n", id="global-it-reads-shadowed"),
    pytest.param(TRAINING + "def run():\n    ops = [training(x, r)]\n", id="call-inside-an-expression"),
    pytest.param(TRAINING + "def run():\n    def inner():\n        a = training(x, r)\n", id="call-in-a-nested-def"),
    pytest.param(TRAINING + "def run():\n    a = training(optimizer, r)\n", id="argument-named-as-its-local"),
    pytest.param(
        "def training(loss, rate):\n    rate = rate * 2\n    return tf.train.AdamOptimizer(rate).minimize(loss)\n"
        "def run():\n    a = training(x, r)\n",
        id="parameter-bound-again",
    ),
    pytest.param(
        "def training(loss, rate):\n    if rate:\n        return tf.train.AdamOptimizer(rate).minimize(loss)\n"
        "def run():\n    a = training(x, r)\n",
        id="not-straight-line",
    ),
    pytest.param(
        "def helper(x):\n    y = x * 2\n    return y\ndef run():\n    a = helper(x)\n", id="builds-no-training-state"
    ),
    pytest.param("@once\n" + TRAINING + "def run():\n    a = training(x, r)\n", id="decorated"),
    pytest.param(
        "def weight(shape):\n    w = tf.Variable(tf.zeros(shape))\n    return w\ndef run():\n    a = weight(s)\n",
        id="variable-factory",
    ),
    pytest.param(
        TRAINING + 'if __name__ == "__main__":\n    def inner():\n        a = training(x, r)\n    inner()\n',
        id="call-in-a-def-of-the-main-block",
    ),
    pytest.param(TRAINING + "def run():\n    a = training(x)\n", id="argument-missing"),
    pytest.param(
        TRAINING + "def run():\n    learning_rate = 1\n    a = training(x, FLAGS.rate)\n",
        id="expression-argument-parameter-name-taken",
    ),
    pytest.param(
        "def training(loss, rate):\n    return tf.train.AdamOptimizer(rate.item()).minimize(loss)\n"
        "def run():\n    a = training(x, 0.1)\n",
        id="literal-for-a-parameter-read-as-an-object",
    ),
]


@pytest.mark.parametrize("source", KEPT)
def test_calls_whose_inlining_could_change_what_they_do_stay(source: str) -> None:
    assert inline_calls(cst.parse_module(source)) is None


PROGRAM = """\
import numpy as np
import tensorflow as tf


def training(loss, learning_rate):
    optimizer = tf.train.GradientDescentOptimizer(learning_rate)
    global_step = tf.Variable(0, name="global_step", trainable=False)
    train_op = optimizer.minimize(loss, global_step=global_step)
    return train_op


def run():
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.Variable(tf.ones([3, 1]), name="w")
    total = tf.reduce_mean(tf.square(tf.matmul(x, w)))
    train_op = training(total, 0.1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            _, value = sess.run([train_op, total], feed_dict={x: np.ones([2, 3])})
            print(value)


if __name__ == "__main__":
    run()
"""


def test_a_program_converts_with_its_training_builder_written_in_place() -> None:
    result = rewrite_source(PROGRAM)
    assert "Session" not in result.code
    assert "def training" not in result.code
    assert "optimizer.apply_gradients" in result.code
    notes = [(f.line, f.message) for f in result.findings if f.code == "TFM227"]
    assert notes == [
        (5, "`training` makes training state and is called once, from `run`: its body is written in place of the call")
    ]
    assert rewrite_source(result.code).code == result.code
