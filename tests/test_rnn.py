"""TFM321: what the converted RNNs compute (against TF1's own cells), and what the rule declines."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrate.analysis.rnn_cells import CELL_CLASSES
from migrate.pipeline import Selection, rewrite_code

HEADER = "import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 5, 2])\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            (
                "cell = tf.nn.rnn_cell.BasicLSTMCell(4)\n"
                "outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\ny = state.h\n"
            ),
            [
                'TF1LSTMCell(4, name="basic_lstm_cell")',
                'name="rnn"',
                "outputs, state_c, state_h = rnn(x)",
                "y = state_h\n",
            ],
        ),
        (
            (
                "cell = tf.nn.rnn_cell.LSTMCell(4, forget_bias=0.5)\n"
                "outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\nz = state\n"
            ),
            ['TF1LSTMCell(4, forget_bias=0.5, name="lstm_cell")', "state = (state_c, state_h)"],
        ),
        (
            "outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(3), x, dtype=tf.float32)\n",
            ['TF1GRUCell(3, name="gru_cell")', "outputs, state = rnn(x)"],
        ),
        (
            (
                "cell = tf.nn.rnn_cell.BasicRNNCell(3)\ninit = cell.zero_state(8, tf.float32)\n"
                "outputs, state = tf.nn.dynamic_rnn(cell, x, initial_state=init)\n"
            ),
            ["outputs, state = rnn(x)"],
        ),
        (
            (
                "cell = tf.nn.rnn_cell.BasicRNNCell(3)\n"
                "outputs, state = tf.nn.static_rnn(cell, tf.unstack(x, 5, 1), dtype=tf.float32)\n"
            ),
            ["sequence, state = rnn(tf.stack(tf.unstack(x, 5, 1), axis=1))", "outputs = tf.unstack(sequence, axis=1)"],
        ),
        (
            (
                "a = tf.nn.rnn_cell.GRUCell(3)\nb = tf.nn.rnn_cell.GRUCell(3)\n"
                "o1, s1 = tf.nn.dynamic_rnn(a, x, dtype=tf.float32)\n"
                "o2, s2 = tf.nn.dynamic_rnn(b, x, dtype=tf.float32, scope='second')\n"
            ),
            ['name="gru_cell"', 'name="gru_cell_1"', 'name="second"'],
        ),
    ],
    ids=["lstm-state-h", "lstm-state-whole", "inline-gru", "zero-state", "static-rnn", "names"],
)
def test_conversion(body: str, expected: list[str]) -> None:
    result = rewrite_code(HEADER + body, selection=Selection.of(["TFM321"]))
    assert result.error is None
    for text in expected:
        assert text in result.code, result.code
    assert not {"rnn_cell", "dynamic_rnn", "static_rnn", "zero_state"} & set(
        result.code.replace("(", " ").replace(".", " ").split()
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            (
                "cell = tf.nn.rnn_cell.BasicLSTMCell(4)\nfor i in range(2):\n"
                "    o, s = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
            ),
            "TFM322",
        ),
        (
            (
                "cell = tf.nn.rnn_cell.GRUCell(4)\no, s = tf.nn.dynamic_rnn(cell, x, sequence_length=[5], "
                "dtype=tf.float32)\n"
            ),
            "TFM323",
        ),
        (
            (
                "cell = tf.nn.rnn_cell.LSTMCell(4, use_peepholes=True)\n"
                "o, s = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
            ),
            "TFM324",
        ),
        (
            (
                "cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(4)])\n"
                "o, s = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
            ),
            "TFM325",
        ),
        (
            (
                "cell = tf.nn.rnn_cell.GRUCell(4)\no, s = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
                "n = cell.output_size\n"
            ),
            "TFM326",
        ),
        ("cell = tf.nn.rnn_cell.GRUCell(4)\nresult = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n", "TFM327"),
        (
            "cell = tf.nn.rnn_cell.GRUCell(4)\no, s = tf.nn.dynamic_rnn(cell, x, initial_state=tf.ones([2, 4]))\n",
            "TFM328",
        ),
        (
            "cell = tf.nn.rnn_cell.GRUCell(4)\no, s = tf.nn.dynamic_rnn(cell, x, time_major=True, dtype=tf.float32)\n",
            "TFM329",
        ),
        (
            (
                "def encode(inputs, units):\n    cell = tf.nn.rnn_cell.GRUCell(units)\n"
                "    o, s = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)\n    return o\n\n"
                "units = 7\ny = encode(x, 4)\n"
            ),
            "TFM324",
        ),
    ],
    ids=[
        "loop",
        "sequence-length",
        "peepholes",
        "multi-cell",
        "cell-read",
        "result-unpacked",
        "initial-state",
        "time-major",
        "layer-made-from-a-function-local",
    ],
)
def test_declined_file_is_left_whole(body: str, code: str) -> None:
    source = HEADER + body
    result = rewrite_code(source, selection=Selection.of(["TFM321"]))
    assert result.code == source
    assert code in {f.code for f in result.findings}


def test_layers_stay_tf1_when_the_rnn_does() -> None:
    source = HEADER + (
        "cell = tf.nn.rnn_cell.GRUCell(4)\n"
        "o, s = tf.nn.dynamic_rnn(cell, x, sequence_length=[5], dtype=tf.float32)\n"
        "y = tf.layers.dense(s, 2)\n"
    )
    result = rewrite_code(source, selection=Selection.of(["TFM311", "TFM321"]))
    assert result.code == source
    assert {"TFM310", "TFM323"} <= {f.code for f in result.findings}


_TF1_PROGRAM = textwrap.dedent(
    """
    import numpy as np
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    rng = np.random.RandomState(0)
    x = rng.randn(6, 7, 3).astype(np.float32)
    target = rng.randn(6, 5).astype(np.float32)
    cells = {
        "lstm": tf.nn.rnn_cell.BasicLSTMCell(5, forget_bias=0.7),
        "lstm2": tf.nn.rnn_cell.LSTMCell(5),
        "gru": tf.nn.rnn_cell.GRUCell(5),
        "simple": tf.nn.rnn_cell.BasicRNNCell(5),
    }
    found = {"x": x, "target": target}
    with tf.Session() as sess:
        for key, cell in cells.items():
            outputs, state = tf.nn.dynamic_rnn(cell, tf.constant(x), dtype=tf.float32, scope=key)
            last = state.h if isinstance(state, tuple) else state
            loss = tf.reduce_sum(tf.square(last - target)) + tf.reduce_sum(outputs)
            grads = tf.gradients(loss, cell.trainable_variables)
            sess.run(tf.global_variables_initializer())
            weights = sess.run(cell.trainable_variables)
            out, final, grad = sess.run([outputs, last, grads])
            found.update({key + "/out": out, key + "/last": final})
            for i, (w, g) in enumerate(zip(weights, grad)):
                found[f"{key}/w{i}"] = w
                found[f"{key}/g{i}"] = g
    np.savez(OUTPUT, **found)
    """
)


@pytest.mark.tensorflow
@pytest.mark.parametrize(
    ("key", "kind", "kwargs"),
    [("lstm", "lstm", {"forget_bias": 0.7}), ("lstm2", "lstm", {}), ("gru", "gru", {}), ("simple", "simple", {})],
)
def test_cells_equal_tf1_outputs_and_gradients(
    tf1_rnn_values: Path, key: str, kind: str, kwargs: dict[str, float]
) -> None:
    import numpy as np
    import tensorflow as tf

    namespace: dict[str, object] = {"tf": tf}
    class_name, source = CELL_CLASSES[kind]
    # The cell exactly as the rule writes it into migrated files.
    exec(source.format(tf="tf"), namespace)  # noqa: S102
    values = np.load(tf1_rnn_values)
    cell = namespace[class_name](5, name="cell", **kwargs)  # type: ignore[operator]
    rnn = tf.keras.layers.RNN(cell, return_sequences=True, return_state=True, name=key)
    x = values["x"]
    rnn(x)
    for i, variable in enumerate(rnn.trainable_variables):
        variable.assign(values[f"{key}/w{i}"])

    @tf.function  # graph code, as in the migrated programs
    def run() -> tuple[tf.Tensor, tf.Tensor, list[tf.Tensor]]:
        with tf.GradientTape() as tape:
            outputs, *states = rnn(x)
            last = states[-1]
            loss = tf.reduce_sum(tf.square(last - values["target"])) + tf.reduce_sum(outputs)
        return outputs, last, tape.gradient(loss, rnn.trainable_variables)

    outputs, last, grads = run()
    # The harness' default tolerance; a swapped gate or a missing forget bias is off by > 1e-2.
    np.testing.assert_allclose(outputs.numpy(), values[f"{key}/out"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(last.numpy(), values[f"{key}/last"], rtol=1e-5, atol=1e-6)
    for i, grad in enumerate(grads):
        np.testing.assert_allclose(grad.numpy(), values[f"{key}/g{i}"], rtol=1e-5, atol=1e-6)


@pytest.fixture(scope="module")
def tf1_rnn_values(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("tf1_rnn") / "values.npz"
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1"}  # TF1's cells live in tf_keras
    program = f"OUTPUT = {str(output)!r}\n" + _TF1_PROGRAM
    subprocess.run([sys.executable, "-c", program], check=True, env=env, capture_output=True, timeout=300)
    return output
