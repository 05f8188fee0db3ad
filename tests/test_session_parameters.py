"""Step functions given the session or graph values as arguments (migrate.analysis.session_parameters):
when the parameters go and the helper converts with its scope, and when it is refused as before."""

from __future__ import annotations

import pytest

from migrate import rewrite_source

PROGRAM = """\
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 2])
w = tf.Variable(tf.ones([2, 1]))
loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)

{helper}

data = np.ones((4, 2), np.float32)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    {calls}
"""

CONVERTED = [
    pytest.param(
        "def step(sess, batch):\n    _, value = sess.run([train_op, loss], {x: batch})\n    return value",
        "print(step(sess, data))",
        "def step(batch):",
        id="named-as-the-session",
    ),
    pytest.param(
        "def step(session, batch):\n    _, value = session.run([train_op, loss], {x: batch})\n    return value",
        "print(step(sess, data))",
        "def step(batch):",
        id="named-otherwise",
    ),
    pytest.param(
        "def step(batch, session):\n    _, value = session.run([train_op, loss], {x: batch})\n    return value",
        "print(step(session=sess, batch=data))",
        "print(step(batch=data))",
        id="given-by-keyword",
    ),
    pytest.param(
        "def evaluate(session):\n    return session.run(loss, {x: data})\n\n\n"
        "def step(sess, batch):\n    sess.run(train_op, {x: batch})\n    return evaluate(sess)",
        "print(step(sess, data))",
        "    return evaluate()",
        id="passed-on",
    ),
    pytest.param(
        "def evaluate(session, tensor, images, batch):\n    return session.run(tensor, {images: batch})",
        "sess.run(train_op, {x: data})\n    print(evaluate(sess, loss, x, data), evaluate(sess, loss, x, data * 2))",
        "def evaluate(batch):",
        id="graph-values-given-by-every-call",
    ),
    pytest.param(
        "def evaluate(sess, loss, x, batch):\n    return sess.run(loss, {x: batch})",
        "print(evaluate(sess, loss, x=x, batch=data))",
        "print(evaluate(batch=data))",
        id="graph-values-named-as-the-parameters",
    ),
]
REFUSED = [
    pytest.param(
        "def evaluate(session, tensor, batch):\n    return session.run(tensor, {x: batch})",
        "print(evaluate(sess, loss, data), evaluate(sess, train_op, data))",
        id="two-graph-values-for-one-parameter",
    ),
    pytest.param(
        "def evaluate(session, tensor, batch):\n    loss = 0\n    return session.run(tensor, {x: batch}) + loss",
        "print(evaluate(sess, loss, data))",
        id="graph-value-name-taken",
    ),
    pytest.param(
        "def evaluate(session, tensor, batch):\n    return session.run(tensor, {x: batch})",
        "print([evaluate(sess, loss, b) for loss in [loss] for b in [data]])",
        id="graph-value-named-in-a-comprehension",
    ),
    pytest.param(
        "def step(session, batch):\n    session = session\n    return session.run(loss, {x: batch})",
        "print(step(sess, data))",
        id="parameter-bound-again",
    ),
    pytest.param(
        "def step(session, batch):\n    sess = None\n    return session.run(loss, {x: batch})",
        "print(step(sess, data))",
        id="session-name-taken",
    ),
    pytest.param(
        "def step(session, batch):\n    return [session.run(loss, {x: b}) for b in batch]",
        "print(step(sess, [data]))",
        id="comprehension-would-be-renamed",
    ),
    pytest.param(
        "def step(session, batch):\n    return session.run(loss, {x: batch})",
        "print(step(*[sess, data]))",
        id="unpacked-arguments",
    ),
]


@pytest.mark.parametrize(("helper", "calls", "expected"), CONVERTED)
def test_session_parameter_goes(helper: str, calls: str, expected: str) -> None:
    result = rewrite_source(PROGRAM.format(helper=helper, calls=calls))
    assert "Session" not in result.code, [f.message for f in result.findings]
    assert expected in result.code


@pytest.mark.parametrize(("helper", "calls"), REFUSED)
def test_session_parameter_is_refused(helper: str, calls: str) -> None:
    result = rewrite_source(PROGRAM.format(helper=helper, calls=calls))
    assert "Session" in result.code
    assert "TFM211" in {f.code for f in result.findings}
