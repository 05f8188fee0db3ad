"""migrate.analysis.shard_lists: whether a table argument evidently holds one tensor."""

from __future__ import annotations

import libcst as cst
import pytest

from migrate.analysis.shard_lists import OneTensor

MODULE = """\
import tensorflow as tf
from shards import imported

embeddings = tf.Variable(tf.random_uniform([10, 4]))
norm = tf.sqrt(tf.reduce_sum(tf.square(embeddings), 1, keepdims=True))
normalized = embeddings / norm
pieces = tf.split(embeddings, 2)
partitioned = tf.get_variable("p", [10, 4], partitioner=tf.fixed_size_partitioner(2))
listed = [embeddings]
joined = listed + listed
twice = tf.zeros([3])
twice = tf.ones([3])
either = tf.zeros([3])
for either in pieces:
    pass
loop = loop * 2


class Model(object):
    def __init__(self, table):
        self.table = tf.get_variable("table", [10, 4])
        self.given = table


def lookup(params):
    a, b = pieces
    return params
"""


def _tf_path(expression: cst.BaseExpression) -> str | None:
    # Stands in for the qualified-name resolution: `tf.x.y` written out is its own path.
    text = cst.Module([]).code_for_node(expression)
    return text if text.startswith("tf.") else None


@pytest.mark.parametrize(
    ("argument", "one"),
    [
        ("embeddings", True),
        ("normalized", True),
        ("tf.transpose(normalized)", True),
        ("-embeddings * 2.0", True),
        ("twice", True),
        ("self.table", True),
        ("pieces", False),
        ("partitioned", False),
        ("listed", False),
        ("joined", False),
        ("either", False),
        ("loop", False),
        ("self.given", False),
        ("params", False),
        ("a", False),
        ("imported", False),
        ("undefined", False),
        ("[embeddings]", False),
        ("model.table", False),
        ("tables['one']", False),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_holds_one(argument: str, one: bool) -> None:
    analysis = OneTensor(cst.parse_module(MODULE), _tf_path)
    assert analysis.holds_one(cst.parse_expression(argument)) is one
