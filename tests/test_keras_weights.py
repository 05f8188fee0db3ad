"""migrate.analysis.keras_weights against the installed Keras: each layer class's variables, by
TF1 name (the variable's path) and by the attribute a tf.train.Checkpoint saves it under; and
the RNN rule's cells, by the attribute of the cell an RNN layer's checkpoint holds. Their TF1
names are checked against TF1 in test_checkpoint_convert."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migrate.analysis.keras_weights import LAYER_WEIGHTS, RNN_CELL_ATTRIBUTE, RNN_CELL_WEIGHTS, WEIGHTLESS_LAYERS
from migrate.analysis.rnn_cells import CELL_CLASSES

# An input each layer class can be called on, by rank.
_INPUT_SHAPES = {
    "Dense": [2, 3],
    "Conv2D": [1, 5, 5, 2],
    "Conv2DTranspose": [1, 5, 5, 2],
    "BatchNormalization": [2, 3],
    "Dropout": [2, 3],
    "Flatten": [2, 3, 2],
    "MaxPooling2D": [1, 4, 4, 1],
    "MaxPool2D": [1, 4, 4, 1],
    "AveragePooling2D": [1, 4, 4, 1],
    "AvgPool2D": [1, 4, 4, 1],
}
_ARGUMENTS: dict[str, tuple[Any, ...]] = {
    "Dense": (4,),
    "Conv2D": (2, 3),
    "Conv2DTranspose": (2, 3),
    "Dropout": (0.5,),
    "AveragePooling2D": (2,),
    "AvgPool2D": (2,),
}


def test_every_layer_has_an_input() -> None:
    assert set(_INPUT_SHAPES) == set(LAYER_WEIGHTS) | WEIGHTLESS_LAYERS


@pytest.mark.tensorflow
@pytest.mark.parametrize("kind", sorted(LAYER_WEIGHTS), ids=str)
def test_layer_weights_match_keras(kind: str, tmp_path: Path) -> None:
    import tensorflow as tf

    layer = getattr(tf.keras.layers, kind)(*_ARGUMENTS.get(kind, ()), name="layer")
    layer(tf.ones(_INPUT_SHAPES[kind]))
    assert sorted(v.path for v in layer.weights) == sorted(f"layer/{w.tf1_name}" for w in LAYER_WEIGHTS[kind])
    path = tf.train.Checkpoint(layer=layer).write(str(tmp_path / "ck"))
    saved = {name.split("/")[1] for name, _ in tf.train.list_variables(path) if name.startswith("layer/")}
    assert saved == {w.attribute for w in LAYER_WEIGHTS[kind]}


@pytest.mark.tensorflow
@pytest.mark.parametrize("kind", sorted(WEIGHTLESS_LAYERS), ids=str)
def test_weightless_layers_hold_no_variable(kind: str) -> None:
    import tensorflow as tf

    layer = getattr(tf.keras.layers, kind)(*_ARGUMENTS.get(kind, ()))
    layer(tf.ones(_INPUT_SHAPES[kind]))
    assert layer.weights == []


def test_every_cell_class_has_its_weights() -> None:
    assert set(RNN_CELL_WEIGHTS) == {class_name for class_name, _ in CELL_CLASSES.values()}


@pytest.mark.tensorflow
@pytest.mark.parametrize("kind", sorted(CELL_CLASSES), ids=str)
def test_rnn_cell_weights_match_the_written_cells(kind: str, tmp_path: Path) -> None:
    import tensorflow as tf

    class_name, source = CELL_CLASSES[kind]
    namespace: dict[str, Any] = {"tf": tf}
    exec(source.format(tf="tf"), namespace)  # noqa: S102 (the cell exactly as the RNN rule writes it)
    layer = tf.keras.layers.RNN(namespace[class_name](3, name="cell_name"), return_state=True, name="rnn")
    layer(tf.ones([2, 4, 5]))
    weights = RNN_CELL_WEIGHTS[class_name]
    assert sorted(v.path for v in layer.weights) == sorted(f"rnn/cell_name/{w.attribute}" for w in weights)
    path = tf.train.Checkpoint(rnn=layer).write(str(tmp_path / "ck"))
    saved = {name.rsplit("/.ATTRIBUTES", 1)[0] for name, _ in tf.train.list_variables(path) if name.startswith("rnn/")}
    assert saved == {f"rnn/{RNN_CELL_ATTRIBUTE}/{w.attribute}" for w in weights}
