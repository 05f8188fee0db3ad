"""`tf.trainable_variables()` / `tf.global_variables()` become the list of the variables the
variables rule (TFM301) tracks, or stay (TFM304) when the module makes variables it does not
track: a short list would train or save fewer variables than TF1 did, silently."""

from __future__ import annotations

import pytest

from migrate import rewrite_source

_PROGRAM = """import tensorflow as tf

w = tf.Variable(tf.ones([3, 2]), name="w")
{made}
params = {read}
print(len(params))
"""


@pytest.mark.parametrize(
    ("made", "read", "listed"),
    [
        ("b = tf.Variable(tf.zeros([2]))", "tf.trainable_variables()", "[w, b]"),
        ("step = tf.Variable(0, False)", "tf.trainable_variables()", "[w]"),
        ("step = tf.Variable(0, trainable=False)", "tf.global_variables()", "[w, step]"),
        ("step = tf.train.get_or_create_global_step()", "tf.trainable_variables()", "[w]"),
        ("with tf.name_scope('layer'):\n    b = tf.Variable(tf.zeros([2]))", "tf.trainable_variables()", None),
        ("for _ in range(2):\n    b = tf.Variable(tf.zeros([2]))", "tf.trainable_variables()", None),
        ("def bias():\n    return tf.Variable(tf.zeros([2]))\n\nb = bias()", "tf.trainable_variables()", None),
        (
            "def bias():\n    return tf.Variable(tf.zeros([2]))\n\ndef layer():\n    return bias()\n\nb = layer()",
            "tf.trainable_variables()",
            None,
        ),
        (
            "class Bias:\n    def __init__(self):\n        self.b = tf.Variable(tf.zeros([2]))\n\nb = Bias().b",
            "tf.trainable_variables()",
            None,
        ),
        ("b = tf.Variable(tf.zeros([2]), trainable=flag)", "tf.trainable_variables()", None),
        ("b = tf.get_variable('b', [2], trainable=flag)", "tf.trainable_variables()", None),
        ("step = tf.train.get_or_create_global_step()", "tf.global_variables()", None),
        ("ema = tf.train.ExponentialMovingAverage(0.9)\naverages = ema.apply([w])", "tf.global_variables()", None),
    ],
    ids=[
        "plain-variables",
        "positional-trainable-false",
        "non-trainable-global",
        "global-step-not-trainable",
        "made-in-a-name-scope",
        "made-in-a-loop",
        "made-by-a-function",
        "made-through-another-function",
        "made-by-a-class",
        "trainable-flag-not-a-literal",
        "get-variable-flag-not-a-literal",
        "global-step-in-all-globals",
        "moving-averages-in-all-globals",
    ],
)
def test_variable_lists_hold_every_variable_or_stay(made: str, read: str, listed: str | None) -> None:
    result = rewrite_source(_PROGRAM.format(made=made, read=read), select=["TFM301"])
    if listed is None:
        assert f"params = {read}\n" in result.code, result.code
        assert "TFM304" in {f.code for f in result.findings}
    else:
        assert f"params = {listed}\n" in result.code, result.code
