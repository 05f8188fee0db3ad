"""migrate.analysis.keras_weights against the installed Keras: each layer class's variables, by
TF1 name (the variable's path) and by the attribute a tf.train.Checkpoint saves it under."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migrate.analysis.keras_weights import LAYER_WEIGHTS, WEIGHTLESS_LAYERS

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
