"""Checkpoint conversion on a checkpoint the legacy save_restore.py program writes."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrate import rewrite_source
from migrate.checkpoint_convert import ConversionResult, checkpoint_keys, convert_checkpoint
from migrate.cli import main

LEGACY = Path(__file__).parent.parent / "legacy_examples" / "save_restore.py"


@pytest.mark.parametrize(
    ("source", "keys"),
    [
        ('ck = tf.train.Checkpoint(**{"a/w": w, "b": b})\n', ["a/w", "b"]),
        ("ck = tf.train.Checkpoint(model=m)\n", ["model"]),
        ("ck = other(x=1)\n", []),
        (
            (
                "class Layer(tf.Module):\n"
                "    def __call__(self, x):\n"
                '        self.W = tf.Variable(x, name=self.scope + "/kernel")\n'
                'hidden = Layer("dnn/hidden")\n'
                'ck = tf.train.Checkpoint(**{"dnn/hidden": hidden, "step": step})\n'
            ),
            ["dnn/hidden/kernel", "step"],
        ),
        (
            (
                'hidden1 = tf.keras.layers.Dense(8, name="hidden1")\n'
                'ck = tf.train.Checkpoint(**{"hidden1": hidden1})\n'
            ),
            ["hidden1/kernel", "hidden1/bias"],
        ),
        (
            (
                "class FullyConnected(tf.Module):\n"
                "    def __call__(self, x, out_dim, scope_name='fc'):\n"
                '        self.w = tf.Variable(x, name=scope_name + "/weights")\n'
                "fully_connected_fc1 = FullyConnected()\n"
                'ck = tf.train.Checkpoint(**{"fc1": fully_connected_fc1})\n'
            ),
            ["fc1/weights"],
        ),
        (
            (
                "class Net(tf.Module):\n"
                "    def __init__(self):\n"
                '        self.gstep = tf.Variable(0, name="global_step")\n'
                '        self.hidden_layer = tf.keras.layers.Dense(5, name="hidden")\n'
                "model = Net()\n"
                'ck = tf.train.Checkpoint(**{"global_step": model.gstep, "hidden": model.hidden_layer})\n'
            ),
            ["global_step", "hidden/kernel", "hidden/bias"],
        ),
        (
            (
                'rnn = tf.keras.layers.RNN(TF1GRUCell(5, name="gru_cell"), return_state=True, name="rnn")\n'
                'ck = tf.train.Checkpoint(**{"rnn": rnn})\n'
            ),
            ["rnn/gru_cell/gates/kernel", "rnn/gru_cell/gates/bias", "rnn/gru_cell/candidate/kernel",
             "rnn/gru_cell/candidate/bias"],
        ),
    ],
    ids=[
        "dict-keys", "keywords", "not-a-checkpoint", "per-call-instance", "keras-layer",
        "per-call-instance-scoped-by-its-calls", "model-class-attributes", "rnn-layer",
    ],
)
def test_checkpoint_keys(source: str, keys: list[str]) -> None:
    assert checkpoint_keys(source) == keys


def _legacy_checkpoint(tmp: Path, program: Path = LEGACY) -> Path:
    """Run a legacy program under TF1 semantics, its temporary directory `tmp`."""
    runner = textwrap.dedent(
        f"""
        import sys, tempfile
        import tensorflow.compat.v1 as v1
        v1.disable_v2_behavior()
        sys.modules["tensorflow"] = v1
        tempfile.mkdtemp = lambda *a, **k: {str(tmp)!r}
        exec(compile(open({str(program)!r}).read(), {program.name!r}, "exec"), {{"__name__": "__main__"}})
        """
    )
    # tf.compat.v1.layers needs Keras 2 (tf-keras), which TF 2.21 loads only when asked.
    environment = {**os.environ, "TF_USE_LEGACY_KERAS": "1"}
    subprocess.run([sys.executable, "-c", runner], check=True, capture_output=True, timeout=300, env=environment)
    return tmp / "linear.ckpt"


@pytest.mark.tensorflow
def test_convert_legacy_checkpoint_restores_in_migrated_program(tmp_path: Path) -> None:
    import tensorflow as tf

    old = _legacy_checkpoint(tmp_path)
    migrated = tmp_path / "migrated.py"
    migrated.write_text(rewrite_source(LEGACY.read_text()).code)
    result = convert_checkpoint(str(old), str(tmp_path / "converted"), migrated)
    assert result.matched == ("linear/W", "linear/b")
    assert result.missing == ()
    # The trained weights, read the way the migrated program reads them.
    W = tf.Variable(tf.zeros([3, 1]), name="linear/W")
    b = tf.Variable(tf.zeros([1]), name="linear/b")
    tf.train.Checkpoint(**{"linear/W": W, "linear/b": b}).read(result.path).assert_existing_objects_matched()
    reader = tf.train.load_checkpoint(str(old))
    assert (W.numpy() == reader.get_tensor("linear/W")).all()
    assert (b.numpy() == reader.get_tensor("linear/b")).all()
    assert abs(W.numpy().ravel()[0] - 1.5) < 0.5, "the legacy program trained toward 1.5"

    missing_program = tmp_path / "more.py"
    missing_program.write_text('ck = tf.train.Checkpoint(**{"linear/W": W, "other/v": v})\n')
    status = main(["checkpoint", "convert", str(old), str(tmp_path / "partial"), "--program", str(missing_program)])
    assert status == 1


# Both programs below end alike: run `out` once, save every variable.
_SAVE_ALL = textwrap.dedent(
    """
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print(sess.run(out, feed_dict={X: np.ones((1, 3), np.float32)}))
        saver.save(sess, tempfile.mkdtemp() + "/layers.ckpt")
    """
)

PER_CALL_LAYERS = textwrap.dedent(
    """
    import tempfile
    import numpy as np
    import tensorflow as tf

    def neuron_layer(X, n_neurons, name):
        with tf.name_scope(name):
            W = tf.Variable(tf.truncated_normal((int(X.get_shape()[1]), n_neurons)), name="kernel")
            b = tf.Variable(tf.ones([n_neurons]), name="bias")
            return tf.matmul(X, W) + b

    X = tf.placeholder(tf.float32, shape=(None, 3), name="X")
    with tf.name_scope("dnn"):
        hidden = neuron_layer(X, 4, name="hidden")
        out = neuron_layer(hidden, 2, name="out")
    """
) + _SAVE_ALL


def _saved_and_converted(tmp_path: Path, legacy_source: str) -> tuple[Path, str, ConversionResult]:
    """Run a legacy program that saves `layers.ckpt`, rewrite it, and convert its checkpoint for
    the rewrite: the TF1 checkpoint, the migrated code and the conversion's result."""
    legacy = tmp_path / "layers.py"
    legacy.write_text(legacy_source)
    _legacy_checkpoint(tmp_path, legacy)
    migrated_code = rewrite_source(legacy_source).code
    migrated = tmp_path / "migrated.py"
    migrated.write_text(migrated_code)
    old = tmp_path / "layers.ckpt"
    return old, migrated_code, convert_checkpoint(str(old), str(tmp_path / "converted"), migrated)


@pytest.mark.tensorflow
def test_convert_checkpoint_of_per_call_layers(tmp_path: Path) -> None:
    """A function making variables at each call becomes a class with one instance a call, whose
    variables exist from its first call; the converted checkpoint restores them when they are made."""
    import tensorflow as tf

    old, migrated_code, result = _saved_and_converted(tmp_path, PER_CALL_LAYERS)
    assert 'Checkpoint(**{"dnn/hidden": dnn_hidden, "dnn/out": dnn_out})' in migrated_code
    assert sorted(result.matched) == ["dnn/hidden/bias", "dnn/hidden/kernel", "dnn/out/bias", "dnn/out/kernel"]
    assert result.missing == ()

    # The migrated class, its instances read before their first call, as a fresh program would.
    tree = ast.parse(migrated_code)
    layer_class = next(node for node in tree.body if isinstance(node, ast.ClassDef))
    namespace: dict[str, object] = {"tf": tf}
    exec(compile(ast.Module([layer_class], []), "migrated.py", "exec"), namespace)  # noqa: S102
    hidden = namespace[layer_class.name]("dnn/hidden")  # type: ignore[operator]
    out = namespace[layer_class.name]("dnn/out")  # type: ignore[operator]
    tf.train.Checkpoint(**{"dnn/hidden": hidden, "dnn/out": out}).read(result.path).assert_existing_objects_matched()
    out(hidden(tf.ones([1, 3]), 4, name="hidden"), 2, name="out")
    reader = tf.train.load_checkpoint(str(old))
    for layer, scope in ((hidden, "dnn/hidden"), (out, "dnn/out")):
        assert (layer.W.numpy() == reader.get_tensor(f"{scope}/kernel")).all()
        assert (layer.b.numpy() == reader.get_tensor(f"{scope}/bias")).all()


KERAS_LAYERS = textwrap.dedent(
    """
    import tempfile
    import numpy as np
    import tensorflow as tf

    X = tf.placeholder(tf.float32, shape=(None, 3), name="X")
    hidden = tf.layers.dense(X, 4, name="hidden", activation=tf.nn.relu)
    out = tf.layers.dense(hidden, 2, name="out", use_bias=False)
    """
) + _SAVE_ALL


@pytest.mark.tensorflow
def test_convert_checkpoint_of_keras_layers(tmp_path: Path) -> None:
    """TF1 layers become Keras 3 layers the Checkpoint holds whole; the converted checkpoint puts
    each TF1 variable under the layer attribute Keras restores it from."""
    import tensorflow as tf

    old, migrated_code, result = _saved_and_converted(tmp_path, KERAS_LAYERS)
    assert 'Checkpoint(**{"hidden": hidden_layer, "out": out_layer})' in migrated_code
    assert sorted(result.matched) == ["hidden/bias", "hidden/kernel", "out/kernel"]
    assert result.missing == ()  # `out` has no bias: use_bias=False

    hidden = tf.keras.layers.Dense(4, activation=tf.nn.relu, name="hidden")
    out = tf.keras.layers.Dense(2, use_bias=False, name="out")
    tf.train.Checkpoint(hidden=hidden, out=out).read(result.path).assert_existing_objects_matched()
    out(hidden(tf.ones([1, 3])))  # the layers' variables are made here, and restored
    reader = tf.train.load_checkpoint(str(old))
    assert (hidden.kernel.numpy() == reader.get_tensor("hidden/kernel")).all()
    assert (hidden.bias.numpy() == reader.get_tensor("hidden/bias")).all()
    assert (out.kernel.numpy() == reader.get_tensor("out/kernel")).all()


@pytest.mark.tensorflow
def test_convert_checkpoint_of_contrib_layer(tmp_path: Path) -> None:
    """A tf.contrib.layers / slim layer named its variables `weights` and `biases`; the Keras
    layer the rule wrote for it holds them as `_kernel` and `bias`."""
    import numpy as np
    import tensorflow as tf

    kernel = np.arange(6, dtype=np.float32).reshape(3, 2)
    with tf.Graph().as_default():
        tf.compat.v1.get_variable("fully_connected/weights", initializer=kernel)
        tf.compat.v1.get_variable("fully_connected/biases", initializer=np.ones(2, np.float32))
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            old = saver.save(sess, str(tmp_path / "contrib.ckpt"))
    migrated = tmp_path / "migrated.py"
    migrated.write_text(
        'fully_connected = tf.keras.layers.Dense(2, activation=tf.nn.relu, name="fully_connected")\n'
        'saver = tf.train.Checkpoint(**{"fully_connected": fully_connected})\n'
    )
    result = convert_checkpoint(old, str(tmp_path / "converted"), migrated)
    assert sorted(result.matched) == ["fully_connected/biases", "fully_connected/weights"]
    assert result.missing == () and result.unused == ()

    layer = tf.keras.layers.Dense(2, activation=tf.nn.relu, name="fully_connected")
    tf.train.Checkpoint(fully_connected=layer).read(result.path).assert_existing_objects_matched()
    layer(tf.ones([1, 3]))
    assert (layer.kernel.numpy() == kernel).all()
    assert (layer.bias.numpy() == 1.0).all()


@pytest.mark.tensorflow
def test_a_resumed_run_continues_from_the_saved_global_step(tmp_path: Path) -> None:
    # TF1's Saver() saved every global variable, the step of get_or_create_global_step() too:
    # a second run restores it and counts on (3, then 6). The Checkpoint holds it as well.
    fixture = Path(__file__).parent / "fixtures" / "TFM501" / "global_step_saved_with_the_model.out.py"
    program = tmp_path / "train.py"
    program.write_text(fixture.read_text(encoding="utf-8"), encoding="utf-8")
    printed = [
        subprocess.run(
            [sys.executable, str(program)], cwd=tmp_path, capture_output=True, text=True, check=True
        ).stdout.split()[-1]
        for _ in range(2)
    ]
    assert printed == ["3", "6"]


# Unnamed variables (TF1 numbered them), one in a name scope, and a GRU layer: run once to save,
# then again with RESTORE set to restore and print the same numbers.
RESTORED_RNN = textwrap.dedent(
    """
    import os
    import numpy as np
    import tensorflow as tf

    X = tf.placeholder(tf.float32, shape=(None, 4, 3), name="X")
    embedding = tf.Variable(tf.random_uniform([3, 3], -1.0, 1.0))
    cell = tf.nn.rnn_cell.GRUCell(5)
    outputs, state = tf.nn.dynamic_rnn(cell, tf.tensordot(X, embedding, 1), dtype=tf.float32)
    weight = tf.Variable(tf.truncated_normal([5, 2], stddev=0.1))
    with tf.name_scope("output"):
        bias = tf.Variable(tf.random_normal([2]))
    out = tf.matmul(state, weight) + bias
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        if os.environ.get("RESTORE"):
            saver.restore(sess, os.environ["CHECKPOINT"])
        print(sess.run(out, feed_dict={X: np.linspace(0, 1, 24, dtype=np.float32).reshape(2, 4, 3)}).tolist())
        if not os.environ.get("RESTORE"):
            saver.save(sess, os.environ["CHECKPOINT"])
    """
)


@pytest.mark.tensorflow
def test_converted_checkpoint_of_unnamed_variables_and_an_rnn_restores_tf1_numbers(tmp_path: Path) -> None:
    """The migrated program, given the converted TF1 checkpoint, computes what TF1 computed
    from it: each unnamed variable and each GRU weight found under the name TF1 gave it."""
    legacy = tmp_path / "legacy.py"
    legacy.write_text(RESTORED_RNN)
    migrated_code = rewrite_source(RESTORED_RNN).code
    assert '"Variable": embedding, "rnn": rnn, "Variable_1": weight, "output/Variable": bias' in migrated_code
    migrated = tmp_path / "migrated.py"
    migrated.write_text(migrated_code)
    old = str(tmp_path / "tf1.ckpt")
    runner = (
        "import sys\nimport tensorflow.compat.v1 as v1\nv1.disable_v2_behavior()\n"
        f"sys.modules['tensorflow'] = v1\nexec(open({str(legacy)!r}).read(), {{'__name__': '__main__'}})\n"
    )
    environment = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "CHECKPOINT": old}
    trained = subprocess.run(
        [sys.executable, "-c", runner], check=True, capture_output=True, text=True, timeout=300, env=environment
    ).stdout.split("\n")[-2]

    result = convert_checkpoint(old, str(tmp_path / "converted"), migrated)
    assert sorted(result.matched) == [
        "Variable", "Variable_1", "output/Variable", "rnn/gru_cell/candidate/bias", "rnn/gru_cell/candidate/kernel",
        "rnn/gru_cell/gates/bias", "rnn/gru_cell/gates/kernel",
    ]
    assert result.missing == () and result.unused == ()
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RESTORE": "1", "CHECKPOINT": result.path}
    restored = subprocess.run(
        [sys.executable, str(migrated)], check=True, capture_output=True, text=True, timeout=300, env=environment
    ).stdout.split("\n")[-2]
    assert restored == trained
