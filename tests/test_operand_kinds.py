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


PROGRAM = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None])
n = tf.placeholder(tf.int32, [None])
w = tf.Variable(tf.zeros([3]))
a = tf.div(x, 2)
b = tf.div(n, 2)
c = tf.div(tf.matmul(tf.expand_dims(w, 0), tf.ones([3, 1])), 2)
top, where = tf.nn.top_k(x, k=2)
h = tf.div(top, 2)
i = tf.div(where, 2)
y = x
y = tf.cast(n, tf.int64)
d = tf.div(y, 2)
for i in range(3):
    z = x
e = tf.div(z, 2)


def f(x):
    return tf.div(x, 2)


g = [tf.div(x, k) for k in (1, 2)]
u = n


def rebind():
    global u
    u = x


j = tf.div(u, 2)
"""


def test_names_stand_for_the_value_the_module_last_gave_them() -> None:
    from migrate.pipeline import Selection, rewrite_code

    code = rewrite_code(PROGRAM, selection=Selection.of(["TFM110"])).code
    converted = {line.split(" = ")[0].strip(): line for line in code.splitlines() if "div(" in line}
    assert "tf.math.truediv(x, 2)" in converted["a"]
    assert "tf.math.floordiv(n, 2)" in converted["b"]
    assert "tf.math.truediv(tf.matmul" in converted["c"]
    assert "tf.math.truediv(top, 2)" in converted["h"]
    assert "tf.math.floordiv(where, 2)" in converted["i"]
    assert "tf.math.floordiv(y, 2)" in converted["d"]  # the later assignment counts
    assert "tf.div(z, 2)" in converted["e"]  # bound in a loop: unknown
    assert "tf.div(x, 2)" in converted["return tf.div(x, 2)"]  # a function's own x
    assert "tf.div(x, k)" in converted["g"]  # a comprehension has its own names
    assert "tf.div(u, 2)" in converted["j"]  # a function may have rebound it
