"""migrate.moved_helpers: which module-level helpers move into the one scope calling them, and
the pipeline's use of the move."""

from __future__ import annotations

import libcst as cst
import pytest

from migrate import rewrite_source
from migrate.analysis.project import ImportSite, ModuleLinks
from migrate.moved_helpers import move_helpers
from migrate.pipeline import rewrite_code

PLACEHOLDER_HELPER = "def new_input(dims):\n    return tf.placeholder(tf.float32, shape=dims)\n"
FEED_HELPER = "def fill_feed_dict(xs, x_pl):\n    feed = {x_pl: xs}\n    return feed\n"

MOVED = [
    pytest.param(
        PLACEHOLDER_HELPER + 'if __name__ == "__main__":\n    x = new_input([None, 3])\n',
        'if __name__ == "__main__":\n    def new_input(dims):\n        return tf.placeholder(tf.float32, shape=dims)\n'
        "    x = new_input([None, 3])\n",
        {"new_input": "__main__"}, id="placeholder-helper-into-the-main-block",
    ),
    pytest.param(
        FEED_HELPER + '\n\ndef run():\n    """Trains."""\n    f = fill_feed_dict(data, x)\n',
        '\n\ndef run():\n    """Trains."""\n    def fill_feed_dict(xs, x_pl):\n        feed = {x_pl: xs}\n'
        "        return feed\n    f = fill_feed_dict(data, x)\n",
        {"fill_feed_dict": "run"}, id="feed-helper-into-a-function-after-its-docstring",
    ),
    pytest.param(
        "import tensorflow as tf\n# Makes the inputs.\n" + PLACEHOLDER_HELPER + "def unused():\n    return {}\n"
        'if __name__ == "__main__":\n    x = new_input([3])\n',
        "import tensorflow as tf\ndef unused():\n    return {}\n"
        'if __name__ == "__main__":\n    # Makes the inputs.\n    def new_input(dims):\n'
        "        return tf.placeholder(tf.float32, shape=dims)\n    x = new_input([3])\n",
        {"new_input": "__main__"}, id="comment-moves-uncalled-function-stays",
    ),
]


SESSION_HELPER = "def evaluate(sess, data):\n    return sess.run(acc, {x: data})\n"


def test_a_session_helper_goes_before_the_first_statement_calling_it() -> None:
    # Inside the `with` block holding every call, after the graph it runs; the feed helper it
    # shares with the scope moves with it.
    source = (
        FEED_HELPER + "def evaluate(sess, acc, data):\n    return sess.run(acc, fill_feed_dict(data, x))\n"
        "def main():\n    with graph.as_default():\n        acc = build()\n        f = fill_feed_dict(d, x)\n"
        "        for step in range(3):\n            print(evaluate(sess, acc, d))\n"
    )
    moved = move_helpers(cst.parse_module(source))
    assert moved is not None
    tree, found = moved
    assert found == {"fill_feed_dict": "main", "evaluate": "main"}
    assert tree.code == (
        "def main():\n    def fill_feed_dict(xs, x_pl):\n        feed = {x_pl: xs}\n        return feed\n"
        "    with graph.as_default():\n        acc = build()\n        f = fill_feed_dict(d, x)\n"
        "        def evaluate(sess, acc, data):\n            return sess.run(acc, fill_feed_dict(data, x))\n"
        "        for step in range(3):\n            print(evaluate(sess, acc, d))\n"
    )


def test_a_session_helper_called_in_a_with_header_goes_before_the_block() -> None:
    source = "def evaluate(sess, acc, data):\n    return sess.run(acc, {x: data})\n"
    source += "def main():\n    with evaluate(s, a, d):\n        pass\n"
    moved = move_helpers(cst.parse_module(source))
    assert moved is not None
    assert moved[0].code == (
        "def main():\n    def evaluate(sess, acc, data):\n        return sess.run(acc, {x: data})\n"
        "    with evaluate(s, a, d):\n        pass\n"
    )


def test_a_helper_read_by_a_helper_going_elsewhere_stays_where_it_is() -> None:
    source = (
        FEED_HELPER + "def evaluate(sess, acc, data):\n    return sess.run(acc, fill_feed_dict(data, x))\n"
        "def main():\n    f = fill_feed_dict(d, x)\ndef run():\n    evaluate(s, acc, d)\n"
    )
    moved = move_helpers(cst.parse_module(source))
    assert moved is not None
    tree, found = moved
    assert found == {"evaluate": "run"}
    assert tree.code.startswith(FEED_HELPER + "def main():\n")


def test_a_helper_read_only_by_another_moving_helper_stays_where_it_is() -> None:
    source = (
        "def batch(xs):\n    return {'xs': xs}\ndef fill(xs, x_pl):\n    b = batch(xs)\n    return {x_pl: b}\n"
        'if __name__ == "__main__":\n    f = fill(data, x)\n'
    )
    moved = move_helpers(cst.parse_module(source))
    assert moved is not None
    tree, found = moved
    assert found == {"fill": "__main__"}
    assert tree.code.startswith("def batch(xs):\n")
    assert tree.code.count("def batch(") == 1


@pytest.mark.parametrize(("source", "expected", "scopes"), MOVED)
def test_helpers_move_into_the_scope_that_calls_them(source: str, expected: str, scopes: dict[str, str]) -> None:
    moved = move_helpers(cst.parse_module(source))
    assert moved is not None
    tree, found = moved
    assert tree.code == expected
    assert found == scopes


KEPT = [
    pytest.param("@cache\n" + PLACEHOLDER_HELPER + "def main():\n    x = new_input([3])\n", id="decorated"),
    pytest.param(
        "def new_input(dims=DIMS):\n    return tf.placeholder(tf.float32, dims)\ndef main():\n    x = new_input()\n",
        id="default-read-where-defined",
    ),
    pytest.param(
        "def fill(x_pl):\n    global n\n    return {x_pl: n}\ndef main():\n    f = fill(x)\n", id="declares-global"
    ),
    pytest.param(
        PLACEHOLDER_HELPER + "def main():\n    x = new_input([3])\ndef other():\n    y = new_input([2])\n",
        id="two-scopes-call-it",
    ),
    pytest.param(
        PLACEHOLDER_HELPER + "x = new_input([3])\ndef main():\n    y = new_input([2])\n", id="module-calls-it"
    ),
    pytest.param(
        PLACEHOLDER_HELPER + "def main():\n    x = new_input([3])\nnew_input = None\n", id="name-bound-again"
    ),
    pytest.param("def main():\n    x = new_input([3])\n" + PLACEHOLDER_HELPER, id="defined-after-the-scope"),
    pytest.param(
        "def fill(x_pl):\n    return {x_pl: data}\ndef main():\n    data = load()\n    f = fill(x)\n",
        id="function-local-would-shadow-a-global-it-reads",
    ),
    pytest.param(
        "def fill(x_pl):\n    return {x_pl: data}\ndef main():\n    global data\n    f = fill(x)\n",
        id="function-declares-global",
    ),
    pytest.param(
        "def make():\n    return [tf.zeros(3)]\ndef main():\n    x = make()\n", id="neither-placeholders-nor-dict"
    ),
    pytest.param(
        "def make(n):\n    if n:\n        return tf.placeholder(tf.float32)\n    return None\n"
        "def main():\n    x = make(1)\n",
        id="placeholders-made-in-a-branch",
    ),
    pytest.param(PLACEHOLDER_HELPER + "if mode:\n    x = new_input([3])\n", id="called-from-another-block"),
    pytest.param(
        SESSION_HELPER + "def main():\n    acc = build()\n    evaluate(s, d)\n",
        id="session-helper-reading-a-global-the-function-binds",
    ),
]


@pytest.mark.parametrize("source", KEPT)
def test_helpers_whose_move_could_change_what_they_do_stay(source: str) -> None:
    assert move_helpers(cst.parse_module(source)) is None


MAIN_BLOCK_PROGRAM = """\
import numpy as np
import tensorflow as tf


def new_input(dims):
    return tf.placeholder(tf.float32, shape=dims)


def fill_feed_dict(xs, x_pl):
    return {x_pl: xs}


if __name__ == "__main__":
    x = new_input([None, 3])
    w = tf.Variable(tf.ones([3, 2]))
    y = tf.matmul(x, w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print(sess.run(y, feed_dict=fill_feed_dict(np.ones([2, 3]), x)))
"""


def test_a_program_of_the_main_block_converts_with_its_helpers_moved_into_it() -> None:
    result = rewrite_source(MAIN_BLOCK_PROGRAM)
    assert "Session" not in result.code
    assert "placeholder" not in result.code
    assert result.original == MAIN_BLOCK_PROGRAM
    notes = [(f.line, f.message) for f in result.findings if f.code == "TFM226"]
    assert notes == [
        (5, "`new_input` is called only from the main block: it is moved there and converted with it"),
        (9, "`fill_feed_dict` is called only from the main block: it is moved there and converted with it"),
    ]
    # The runs' lines are the input's, for the harness to pair each legacy run with its function.
    assert sorted((site.legacy_line, site.function) for site in result.run_sites) == [(18, ""), (19, "compute_y")]
    assert rewrite_source(result.code).code == result.code


def test_a_module_the_tree_imports_keeps_its_helpers_where_they_are() -> None:
    importer = ImportSite("train.py", 1, 0, "import model", "model.py", names=(("model", ""),))
    result = rewrite_code(MAIN_BLOCK_PROGRAM, path="model.py", project=ModuleLinks("model.py", imported_by=(importer,)))
    assert "Session" in result.code
    assert "TFM226" not in {f.code for f in result.findings}
