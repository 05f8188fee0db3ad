"""A rewrite does not depend on the process: string hashing (set order) changes no output or finding."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# TFM305 once named whichever of the two shared functions its set gave first.
TWO_SHARED_FUNCTIONS_IN_A_CLASS = """\
import tensorflow as tf


def dense_a(x):
    with tf.variable_scope("a", reuse=tf.AUTO_REUSE):
        w = tf.get_variable("w", [1, 1])
        return tf.matmul(x, w)


def dense_b(x):
    with tf.variable_scope("b", reuse=tf.AUTO_REUSE):
        w = tf.get_variable("w", [1, 1])
        return tf.matmul(x, w)


class Model(object):
    def build(self, x):
        return dense_b(dense_a(x))
"""

_REWRITE = """
import json, sys
from migrate import rewrite_source
result = rewrite_source(sys.stdin.read(), path="program.py")
print(json.dumps([result.code, [[f.line, f.column, f.code, f.message] for f in result.findings]]))
"""


def _rewrite_with_hash_seed(source: str, seed: int) -> object:
    completed = subprocess.run(
        [sys.executable, "-c", _REWRITE],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "PYTHONHASHSEED": str(seed)},
    )
    return json.loads(completed.stdout)


def test_rewrite_is_the_same_under_every_hash_seed() -> None:
    results = [_rewrite_with_hash_seed(TWO_SHARED_FUNCTIONS_IN_A_CLASS, seed) for seed in range(6)]
    assert all(result == results[0] for result in results[1:]), results
