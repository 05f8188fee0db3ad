"""migrate.rebound_names: which earlier bindings of a name bound again take names of their own."""

from __future__ import annotations

import libcst as cst
import pytest

from migrate import rewrite_source
from migrate.rebound_names import rename_later_bindings

LAYERS = """\
w = tf.Variable(a)
h = tf.matmul(x, w)
w = tf.Variable(b)
y = tf.matmul(h, w)
"""

RENAMED = [
    pytest.param(
        LAYERS, "w = tf.Variable(a)\nh = tf.matmul(x, w)\nw_2 = tf.Variable(b)\ny = tf.matmul(h, w_2)\n",
        {"w": ("w_2",)}, id="layer-after-layer",
    ),
    pytest.param(
        "w = f()\nh = g(w)\nw = f(w)\nh = g(h, w)\nw = f()\nprint(w.name, key=w)\n",
        "w = f()\nh = g(w)\nw_2 = f(w)\nh = g(h, w_2)\nw_3 = f()\nprint(w_3.name, key=w_3)\n",
        {"w": ("w_2", "w_3")}, id="three-bindings-value-reads-the-one-before",
    ),
    pytest.param(
        "w_2 = 0\nw = f()\nh = g(w)\nw = f()\nh = g(w, obj.w, w=1, k=[w for w in h])\n",
        "w_2 = 0\nw = f()\nh = g(w)\nw_3 = f()\nh = g(w_3, obj.w, w=1, k=[w for w in h])\n",
        {"w": ("w_3",)}, id="fresh-name-attributes-keywords-comprehensions-kept",
    ),
    pytest.param(
        'with tf.name_scope("a"):\n    w = f()\n    h = g(w)\nwith tf.name_scope("b"):\n    w = f()\n'
        "for i in range(2):\n    print(w)\n",
        'with tf.name_scope("a"):\n    w = f()\n    h = g(w)\nwith tf.name_scope("b"):\n    w_2 = f()\n'
        "for i in range(2):\n    print(w_2)\n",
        {"w": ("w_2",)}, id="with-blocks-and-reads-in-a-loop",
    ),
    pytest.param(
        'if __name__ == "__main__":\n    w = f()\n    h = g(w)\n    w = f()\n    print(w)\n',
        'if __name__ == "__main__":\n    w = f()\n    h = g(w)\n    w_2 = f()\n    print(w_2)\n',
        {"w": ("w_2",)}, id="main-block",
    ),
    pytest.param(
        "def layer(t):\n    w = f()\n    return g(t, w)\n\n\n" + LAYERS,
        "def layer(t):\n    w = f()\n    return g(t, w)\n\n\n"
        "w = tf.Variable(a)\nh = tf.matmul(x, w)\nw_2 = tf.Variable(b)\ny = tf.matmul(h, w_2)\n",
        {"w": ("w_2",)}, id="a-function-with-a-local-of-the-name",
    ),
    pytest.param(
        "def main():\n    w = f()\n    h = g(w)\n    w = f()\n    return h, w\n",
        "def main():\n    w = f()\n    h = g(w)\n    w_2 = f()\n    return h, w_2\n",
        {"w": ("w_2",)}, id="function-body",
    ),
]


@pytest.mark.parametrize(("source", "expected", "fresh"), RENAMED)
def test_earlier_bindings_take_names_of_their_own(
    source: str, expected: str, fresh: dict[str, tuple[str, ...]]
) -> None:
    renamed = rename_later_bindings(cst.parse_module(source), ["w"])
    assert renamed is not None
    module, names = renamed
    assert module.code == expected
    assert names == fresh


NOT_RENAMED = [
    pytest.param("w = f()\nh = g(w)\n", id="bound-once"),
    pytest.param("w = f()\nh = g(w)\nif deep:\n    w = f()\n", id="bound-in-a-branch"),
    pytest.param("w = f()\nfor i in range(2):\n    h = g(w)\n    w = f()\n", id="bound-in-a-loop"),
    pytest.param("def layer(t):\n    return g(t, w)\n" + LAYERS, id="read-by-a-function-when-called"),
    pytest.param(LAYERS + "scale = lambda t: t * w\n", id="read-by-a-lambda"),
    pytest.param(LAYERS + "def layer(t, k=w):\n    return g(t, k)\n", id="read-by-a-parameter-default"),
    pytest.param("print(w)\n" + LAYERS, id="read-before-its-first-binding"),
    # Imported, the module skips its main block, and the last line reads the first binding.
    pytest.param(
        'w = f()\nh = g(w)\nif __name__ == "__main__":\n    w = f()\nprint(w)\n', id="read-after-the-main-block"
    ),
    pytest.param(
        'w = f()\nh = g(w)\nif __name__ == "__main__":\n    w = f()\nwith s:\n    pass\nprint(w)\n',
        id="read-after-the-main-block-and-a-with-block",
    ),
    pytest.param(LAYERS + "w, b = f(), f()\n", id="bound-by-a-tuple"),
    pytest.param(LAYERS + "w += 1\n", id="augmented"),
    pytest.param("def main():\n    global w\n" + "".join(f"    {line}\n" for line in LAYERS.splitlines()), id="global"),
    pytest.param("def main(w):\n    h = g(w)\n    w = f()\n    h = g(h, w)\n    w = f()\n", id="parameter-read-first"),
]


@pytest.mark.parametrize("source", NOT_RENAMED)
def test_bindings_whose_order_the_text_does_not_fix_are_not_renamed(source: str) -> None:
    assert rename_later_bindings(cst.parse_module(source), ["w"]) is None


PROGRAM = """\
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])
w = tf.Variable(tf.ones([3, 4]) * 0.1)
h = tf.nn.relu(tf.matmul(x, w))
w = tf.Variable(tf.ones([4, 2]) * 0.2)
loss = tf.reduce_sum(tf.matmul(h, w))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run([train, loss], {x: np.ones([2, 3])})[1])
    print(sess.run(w))
"""


def test_a_file_declined_for_a_name_bound_again_is_converted_with_it_renamed() -> None:
    result = rewrite_source(PROGRAM)
    assert "Session" not in result.code
    assert result.original == PROGRAM
    assert "h = tf.nn.relu(tf.matmul(x, w))" in result.code
    assert "variables = [w, w_2]" in result.code
    assert "print(w_2.numpy())" in result.code  # the run after both bindings reads the second
    notes = [f for f in result.findings if f.code == "TFM225"]
    assert [(f.line, f.message) for f in notes] == [
        (6, "`w` is bound again after graph code reads it: its later bindings are renamed `w_2`")
    ]
    assert rewrite_source(result.code).code == result.code


def test_a_file_whose_name_cannot_be_renamed_keeps_the_decline_and_its_names() -> None:
    # `scaled` reads `w` when called: TF1 built `h` with the first variable.
    helper = "def scaled(t):\n    return t * tf.reduce_sum(w)\n\n\nh = tf.nn.relu(scaled(x))"
    source = PROGRAM.replace("h = tf.nn.relu(tf.matmul(x, w))", helper)
    result = rewrite_source(source)
    assert "Session" in result.code
    assert "w_2" not in result.code
    codes = {f.code for f in result.findings}
    assert "TFM224" in codes
    assert "TFM225" not in codes


def test_what_else_keeps_the_file_a_session_program_is_reported_beside_the_decline() -> None:
    # Renamed, the program still declines: a function of the module reads as a global the
    # placeholder the conversion would take out of the main block.
    body = PROGRAM.replace("import numpy as np\nimport tensorflow as tf\n\n", "")
    source = (
        "import numpy as np\nimport tensorflow as tf\n\n\ndef input_name():\n    return x.name\n\n\n"
        'if __name__ == "__main__":\n' + "".join(f"    {line}\n" for line in body.splitlines())
    )
    result = rewrite_source(source)
    assert "Session" in result.code
    assert "w_2" not in result.code
    codes = {f.code for f in result.findings}
    assert {"TFM224", "TFM214"} <= codes, [f.message for f in result.findings]
    assert "TFM225" not in codes
