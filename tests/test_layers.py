"""TFM311: what the converted layers compute, and what the rule declines."""

from __future__ import annotations

import pytest

from migrate.pipeline import Selection, rewrite_code

HEADER = "import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 4])\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("h = tf.layers.dense(x, 3)\nh2 = tf.layers.dense(h, 2)\n", ['name="dense"', 'name="dense_1"']),
        ("h = tf.layers.dense(x, 3, name='fc')\nh2 = tf.layers.dense(h, 2)\n", ["name=\"fc\"", 'name="dense"']),
        ("h = tf.contrib.layers.fully_connected(x, 3)\n", ["activation=tf.nn.relu"]),
        ("h = tf.contrib.layers.fully_connected(x, 3, biases_initializer=None)\n", ["use_bias=False"]),
        ("h = tf.contrib.layers.batch_norm(x)\n", ["momentum=0.999", "scale=False", "(x, training=True)"]),
        (
            "h = tf.contrib.layers.batch_norm(x, activation_fn=tf.nn.relu)\n",
            ["tf.nn.relu(batchnorm(x, training=True))"],
        ),
        ("h = tf.contrib.layers.dropout(x, keep_prob=0.9)\n", ["rate=0.1", "training=True"]),
        ("h = tf.layers.dropout(x, 0.3)\n", ["Dropout(0.3", "h = dropout(x)\n"]),
        (
            (
                "h = tf.layers.dense(x, 3, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1))\n"
                "r = tf.losses.get_regularization_loss()\n"
            ),
            ["tf.keras.regularizers.L2(0.05)", "r = tf.add_n(dense.losses)"],
        ),
    ],
    ids=["auto-names", "explicit-name", "contrib-relu", "contrib-no-bias", "contrib-bn-defaults",
         "contrib-bn-activation", "keep-prob", "dropout-inference-default", "l2-halved"],
)
def test_conversion(body: str, expected: list[str]) -> None:
    result = rewrite_code(HEADER + body, selection=Selection.of(["TFM311"]))
    assert result.error is None
    for text in expected:
        assert text in result.code, result.code
    assert "tf.layers." not in result.code and "contrib" not in result.code


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("def f(v):\n    return tf.layers.dense(v, 2)\n\na = f(x)\nb = f(x)\n", "TFM312"),
        ("h = tf.layers.dropout(x, training=flag)\n", "TFM313"),
        ("h = tf.layers.batch_normalization(tf.reshape(x, [-1, 2, 2, 1]))\n", "TFM314"),
        ("h = tf.layers.batch_normalization(x, renorm=True)\n", "TFM315"),
        ("with tf.variable_scope('a', reuse=True):\n    h = tf.layers.dense(x, 2)\n", "TFM316"),
        ("h = tf.layers.dense(x, 2)\nops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\nt = tf.group(ops)\n", "TFM317"),
        ("layer = tf.layers.dense\nh = layer(x, 2)\n", "TFM315"),
    ],
    ids=["called-twice", "unknown-training", "fused-4d", "renorm", "variable-scope", "update-ops-grouped", "as-value"],
)
def test_declined_file_is_left_whole(body: str, code: str) -> None:
    source = HEADER + body
    result = rewrite_code(source, selection=Selection.of(["TFM311"]))
    assert result.code == source
    assert code in {f.code for f in result.findings}


@pytest.mark.tensorflow
def test_training_placeholder_through_cond_matches_tf1_batch_norm() -> None:
    import numpy as np
    import tensorflow as tf

    batch_normalization = tf.keras.layers.BatchNormalization(momentum=0.9, name="batch_normalization")

    @tf.function(input_signature=[tf.TensorSpec([None, 3]), tf.TensorSpec([], tf.bool)])
    def run(x: tf.Tensor, is_training: tf.Tensor) -> tf.Tensor:
        return tf.cond(
            is_training,
            lambda: batch_normalization(x, training=True),
            lambda: batch_normalization(x, training=False),
        )

    data = np.arange(12, dtype=np.float32).reshape(4, 3)
    trained = run(data, tf.constant(True)).numpy()
    mean, variance = data.mean(axis=0), data.var(axis=0)
    np.testing.assert_allclose(trained, (data - mean) / np.sqrt(variance + 1e-3), rtol=1e-5)
    # TF1's update: moving -= (moving - batch) * (1 - momentum), from zeros / ones.
    np.testing.assert_allclose(batch_normalization.moving_mean.numpy(), 0.1 * mean, rtol=1e-6)
    np.testing.assert_allclose(batch_normalization.moving_variance.numpy(), 0.9 + 0.1 * variance, rtol=1e-6)
    inferred = run(data, tf.constant(False)).numpy()
    expected = (data - 0.1 * mean) / np.sqrt(0.9 + 0.1 * variance + 1e-3)
    np.testing.assert_allclose(inferred, expected, rtol=1e-5)
    np.testing.assert_allclose(batch_normalization.moving_mean.numpy(), 0.1 * mean, rtol=1e-6)
    assert batch_normalization.gamma.path == "batch_normalization/gamma"


@pytest.mark.tensorflow
def test_halved_l2_equals_contrib_l2() -> None:
    import numpy as np
    import tensorflow as tf

    weights = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    contrib = 0.1 * tf.nn.l2_loss(weights)  # tf.contrib.layers.l2_regularizer(0.1)
    np.testing.assert_allclose(tf.keras.regularizers.L2(0.05)(weights).numpy(), contrib.numpy(), rtol=1e-6)


RNN_BODY = (
    "h = tf.layers.dense(tf.reshape(x, [-1, 2, 2]), 3)\n"
    "cell = tf.nn.rnn_cell.GRUCell(3)\n"
    "outputs, state = tf.nn.dynamic_rnn(cell, h, dtype=tf.float32){comment}\n"
)


def test_layers_stay_when_a_comment_switches_the_rnn_rule_off() -> None:
    source = HEADER + RNN_BODY.format(comment="  # tf-migrate: ignore[TFM321]")
    result = rewrite_code(source, selection=Selection.of(["TFM311", "TFM321"]))
    assert result.code == source
    kept = [f.message for f in result.findings if f.code == "TFM310"]
    reason = "TFM325: tf.nn.dynamic_rnn is excluded by a suppression comment"
    assert kept == [f"the RNNs of this file stay TF1 code ({reason})"]


def test_a_comment_for_another_rule_on_the_rnn_line_converts_layers_and_rnn() -> None:
    source = HEADER + RNN_BODY.format(comment="  # tf-migrate: ignore[TFM1]")
    result = rewrite_code(source, selection=Selection.of(["TFM311", "TFM321"]))
    assert "tf.layers." not in result.code and "dynamic_rnn" not in result.code, result.code
    assert "TFM310" not in {f.code for f in result.findings}
