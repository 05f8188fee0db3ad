"""Static shapes read outside the runs (migrate.analysis.static_shapes): which reads convert, and
what TF 2 reads each one from."""

from __future__ import annotations

import pytest

from migrate import rewrite_source

PROGRAM = """\
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, shape=[None, 3])
w = tf.Variable(tf.ones([3, 2]))
h = tf.matmul(x, w)
loss = tf.reduce_sum(h)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
{read}
sess = tf.Session()
sess.run(tf.global_variables_initializer())
{run}
"""
FEED = "feed_dict={x: np.ones([2, 3])}"
ALONE = f"print(sess.run(h, {FEED}))"
LISTED = f"print(sess.run([loss, h], {FEED}))"
KEYED = f'print(sess.run({{"h": h}}, {FEED}))'
TRAINED = f"_, value = sess.run([train, h], {FEED})"
TRAINED_TWO = f"_, a, b = sess.run([train, loss, h], {FEED})"

FUNCTION = ".get_concrete_function().structured_outputs"
CONVERTED = [
    pytest.param("print(h.shape.as_list())", ALONE, f"print(compute_h{FUNCTION}.shape.as_list())", id="as-list-alone"),
    pytest.param("print(len(h.get_shape()))", LISTED, f"len(compute_loss_and_h{FUNCTION}[1].shape)", id="len-in-list"),
    pytest.param("print(h.shape.ndims)", KEYED, f'compute_h{FUNCTION}["h"].shape.ndims', id="ndims-in-dict"),
    pytest.param("print(h.shape.rank)", TRAINED, f"train_step{FUNCTION}.shape.rank", id="rank-beside-training-op"),
    pytest.param("print(h.shape)", TRAINED_TWO, f"print(train_step{FUNCTION}[1].shape)", id="after-training-op"),
    pytest.param(
        'print("{}".format(x.get_shape()))', ALONE, 'print("{}".format(tf.TensorShape([None, 3])))', id="format"
    ),
    pytest.param('print(f"{h.shape}")', ALONE, f'print(f"{{compute_h{FUNCTION}.shape}}")', id="f-string"),
    pytest.param(
        "print(h.shape.as_list())", f'sess.run({{"t": train, "h": h}}, {FEED})', f'train_step{FUNCTION}["h"]',
        id="dict-beside-training-op",
    ),
    # A Dimension's `.value` and `int(...)` are TF 2's int (TFM106 drops `.value`).
    pytest.param("print(h.get_shape()[1].value)", ALONE, f"print(compute_h{FUNCTION}.shape[1])", id="dimension-value"),
    pytest.param("print(int(h.shape[-1]))", ALONE, f"print(int(compute_h{FUNCTION}.shape[-1]))", id="dimension-int"),
    # No run returns `h`: a function returning it alone is traced for the shape.
    pytest.param(
        "print(h.shape.as_list())", f"print(sess.run(loss, {FEED}))", f"print(compute_h{FUNCTION}.shape.as_list())",
        id="not-returned",
    ),
]
DECLINED = [
    pytest.param("print(h.shape[0])", ALONE, id="dimension"),
    pytest.param("print(h.get_shape()[1:].as_list())", ALONE, id="dimension-slice"),
    pytest.param('print(f"{h.shape!r}")', ALONE, id="f-string-repr"),
    pytest.param("print(h.shape == x.shape)", ALONE, id="compared"),
]


@pytest.mark.parametrize(("read", "run", "expected"), CONVERTED)
def test_shape_read_converts(read: str, run: str, expected: str) -> None:
    result = rewrite_source(PROGRAM.format(read=read, run=run))
    assert "Session" not in result.code, [f.message for f in result.findings]
    assert expected in result.code


@pytest.mark.parametrize(("read", "run"), DECLINED)
def test_shape_read_declines(read: str, run: str) -> None:
    result = rewrite_source(PROGRAM.format(read=read, run=run))
    assert "Session" in result.code
    assert "TFM214" in {f.code for f in result.findings}


@pytest.mark.parametrize(
    ("read", "noted"),
    [
        pytest.param("print(x.shape)", True, id="unknown-dimension"),
        pytest.param("print(w.shape, tf.ones([2]).shape)", False, id="not-a-graph-tensor"),
        pytest.param("print(h.shape)", True, id="computed"),
    ],
)
def test_shapes_written_as_text_are_noted(read: str, noted: bool) -> None:
    result = rewrite_source(PROGRAM.format(read=read, run=ALONE))
    assert "Session" not in result.code
    assert ("TFM223" in {f.code for f in result.findings}) is noted


def test_fully_known_placeholder_shape_is_not_noted() -> None:
    source = PROGRAM.replace("shape=[None, 3]", "shape=[2, 3]")
    result = rewrite_source(source.format(read="print(x.shape)", run=ALONE))
    assert "print(tf.TensorShape([2, 3]))" in result.code
    assert "TFM223" not in {f.code for f in result.findings}


SIZED = """\
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, shape=[None, 3])
w = tf.Variable(tf.ones([3, 2]))
h = tf.nn.relu(tf.matmul(x, w))
{read}
v = tf.get_variable("v", [n, 4], initializer=tf.ones_initializer())
y = tf.matmul(h, v)
train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(y))
sess = tf.Session()
sess.run(tf.global_variables_initializer())
print(sess.run(y, feed_dict={{x: np.ones([2, 3])}}))
"""


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        pytest.param("n = x.shape.as_list()[-1]", "n = tf.TensorShape([None, 3]).as_list()[-1]", id="placeholder"),
        pytest.param("n = x.get_shape()[1].value", "n = tf.TensorShape([None, 3])[1]\n", id="placeholder-value"),
        pytest.param("n = int(h.shape[1])", f"n = int(compute_h{FUNCTION}.shape[1])", id="computed-int"),
        pytest.param("n = h.get_shape().as_list()[1]", f"n = compute_h{FUNCTION}.shape.as_list()[1]", id="computed"),
    ],
)
def test_static_shapes_that_size_variables_are_read_before_them(read: str, expected: str) -> None:
    # The value stays where it is, before the variable it sizes; a function traced for it goes
    # before it, the others before the first run.
    result = rewrite_source(SIZED.format(read=read))
    assert "Session" not in result.code, [f.message for f in result.findings]
    code = result.code
    assert expected in code
    assert code.index(expected) < code.index("v = tf.Variable(") < code.index("def compute_y")


@pytest.mark.parametrize(
    "read",
    [
        pytest.param("n = h.shape[1]", id="dimension"),
        pytest.param("n = int(tf.shape(h)[1])", id="dynamic-shape"),
        pytest.param("n = 2 if h is None else 2", id="tensor-value"),
    ],
)
def test_static_shapes_that_size_variables_decline_otherwise(read: str) -> None:
    result = rewrite_source(SIZED.format(read=read))
    assert "Session" in result.code
    assert {"TFM214", "TFM218"} & {f.code for f in result.findings}


ITERATED = """\
import numpy as np
import tensorflow as tf

dataset = tf.data.Dataset.from_tensor_slices(np.ones([4, 3], np.float32)).batch(2)
iterator = {iterator}.make_one_shot_iterator()
x = iterator.get_next()
{between}
n = int(x.shape[1])
w = tf.Variable(tf.ones([n, 2]))
y = tf.matmul(x, w)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
print(sess.run(y))
"""


def test_iterator_element_shapes_are_traced_for_the_element_spec() -> None:
    result = rewrite_source(ITERATED.format(iterator="dataset", between=""))
    assert "Session" not in result.code, [f.message for f in result.findings]
    assert "n = int(compute_x.get_concrete_function(dataset.element_spec).structured_outputs.shape[1])" in result.code


@pytest.mark.parametrize(
    ("iterator", "between"),
    [
        pytest.param("dataset", "dataset = None", id="dataset-rebound"),
        pytest.param("dataset.repeat(2)", "", id="dataset-not-a-name"),
    ],
)
def test_iterator_element_shapes_decline_without_the_dataset(iterator: str, between: str) -> None:
    result = rewrite_source(ITERATED.format(iterator=iterator, between=between))
    assert "Session" in result.code
    assert "TFM214" in {f.code for f in result.findings}, [f.message for f in result.findings]


def test_shape_read_before_later_layers_is_not_traced_from_a_run_that_needs_them() -> None:
    # A run fetches `h` beside a loss of a layer made after the read: traced at the read, its
    # function would read a variable not made yet; a function returning `h` alone is traced.
    source = PROGRAM.replace("loss = tf.reduce_sum(h)", "v = tf.Variable(tf.ones([2, 1]))\nloss = tf.reduce_sum(h * v)")
    source = source.replace("w = tf.Variable(tf.ones([3, 2]))\nh = tf.matmul(x, w)\n", "")
    source = source.replace("x = tf.placeholder(tf.float32, shape=[None, 3])\n", (
        "x = tf.placeholder(tf.float32, shape=[None, 3])\nw = tf.Variable(tf.ones([3, 2]))\nh = tf.matmul(x, w)\n"
        "print(h.shape.as_list())\n"
    ))
    result = rewrite_source(source.format(read="", run=f"print(sess.run([h, loss], {FEED}))"))
    assert "Session" not in result.code, [f.message for f in result.findings]
    code = result.code
    read = f"print(compute_h{FUNCTION}.shape.as_list())"
    assert read in code
    assert code.index("def compute_h(") < code.index(read) < code.index("v = tf.Variable(")


def test_shape_read_is_not_traced_from_a_run_that_fetches_a_variable_made_after_it() -> None:
    # A run fetches `h` beside `step`, a variable made after the read: traced at the read, its
    # function would return a name not bound yet; a function returning `h` alone is traced.
    source = PROGRAM.format(
        read="print(h.shape.as_list())\nstep = tf.Variable(0, trainable=False)",
        run=f"print(sess.run([h, step], {FEED}))",
    )
    result = rewrite_source(source)
    assert "Session" not in result.code, [f.message for f in result.findings]
    code = result.code
    read = f"print(compute_h{FUNCTION}.shape.as_list())"
    assert read in code
    assert code.index("def compute_h(") < code.index(read) < code.index("step = tf.Variable(")
    assert code.index("step = tf.Variable(") < code.index("def compute_h_and_step(")
