"""Findings point into the input file: the line and column where the reported code starts there,
even when passes before the reporting one changed that line or the lines around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate import rewrite_source

EXAMPLES = Path(__file__).parent.parent / "legacy_examples"

CASES = [
    pytest.param(
        "import tensorflow as tf\n"
        "a = tf.placeholder(tf.float32, [None, 4])\n"
        "y = tf.to_float(a) + tf.contrib.learn.foo(a)\n",
        "TFM801",
        "tf.contrib.learn.foo(a)",
        id="column-after-an-earlier-change-on-the-line",
    ),
    pytest.param(
        "import tensorflow as tf\n"
        "a = tf.placeholder(tf.float32, [None, 4])\n"
        "y = tf.log(tf.to_float(a)) + tf.contrib.learn.foo(a) + tf.log(a)\n",
        "TFM801",
        "tf.contrib.learn.foo(a)",
        id="column-between-changes",
    ),
    pytest.param(
        "import tensorflow as tf\n"
        "x = tf.placeholder(tf.float32, [None, 3])\n"
        "y = tf.contrib.learn.foo(x)\n",
        "TFM801",
        "tf.contrib.learn.foo(x)",
        id="unchanged-line",
    ),
    pytest.param(
        # TFM311 removes the UPDATE_OPS lines and dedents the train op before TFM201 reports on it.
        (EXAMPLES / "layers_cnn.py").read_text(encoding="utf-8"),
        "TFM401",
        "tf.train.MomentumOptimizer(",
        id="line-after-earlier-passes-removed-lines-around-it",
    ),
]


@pytest.mark.parametrize(("source", "code", "expected"), CASES)
def test_finding_points_at_the_reported_code_in_the_input(source: str, code: str, expected: str) -> None:
    result = rewrite_source(source)
    found = [finding for finding in result.findings if finding.code == code]
    assert found, result.findings
    for finding in found:
        line = source.splitlines()[finding.line - 1]
        assert line[finding.column :].startswith(expected), (finding, line)
