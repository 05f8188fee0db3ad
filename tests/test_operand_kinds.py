"""migrate.analysis.operand_kinds: the integer / floating kind of an operand, where the source shows it."""

from __future__ import annotations

import libcst as cst
import pytest

from migrate.analysis.operand_kinds import Kind, kind_of


def _tf_path(expression: cst.BaseExpression) -> str | None:
    # Stands in for the qualified-name resolution: `tf.x.y` written out is its own path.
    text = cst.Module([]).code_for_node(expression)
    return text if text.startswith("tf.") else None


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("3", Kind.INTEGER),
        ("-7", Kind.INTEGER),
        ("4.", Kind.FLOATING),
        ("3.1416 / 4.", Kind.FLOATING),
        ("3 / 4", Kind.FLOATING),
        ("2 * 3 + 1", Kind.INTEGER),
        ("2 * 3.0", Kind.FLOATING),
        ("tf.constant([5, 9])", Kind.INTEGER),
        ("tf.constant([5, 9.5])", Kind.FLOATING),
        ("tf.constant([5, 9], dtype=tf.float32)", Kind.FLOATING),
        ("tf.constant(1.0, tf.int32)", Kind.INTEGER),
        ("tf.sin(x)", Kind.FLOATING),
        ("tf.random_normal([3])", Kind.FLOATING),
        ("tf.random_uniform([3], 0, 10, dtype=tf.int32)", Kind.INTEGER),
        ("tf.reduce_sum(tf.constant([1, 2]))", Kind.INTEGER),
        ("tf.add(tf.constant(1), 2.5)", Kind.FLOATING),
        ("x", None),
        ("shape[0]", None),
        ("tf.reduce_sum(x)", None),
        ("x / y", None),
        ("7 // 2", None),
        ("tf.constant(value)", None),
        ("tf.random_uniform([3], dtype=dtype)", None),
        ("np.float32(1)", None),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_kind_of(source: str, kind: Kind | None) -> None:
    assert kind_of(cst.parse_expression(source), _tf_path) is kind
