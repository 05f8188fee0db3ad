"""The MNIST module written next to migrated tutorials (migrate/support/mnist_input_data.py) gives
what TF1's `input_data.read_data_sets` gave, by the rules of TF1's
`tensorflow/contrib/learn/python/learn/datasets/mnist.py`: the types, the validation split,
NumPy's global generator reseeded as each data set is made and `next_batch`'s epochs."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.tensorflow

TRAIN, TEST = 30, 12


@pytest.fixture
def helper() -> Iterator[Any]:
    import tensorflow as tf

    from migrate.support import mnist_input_data

    tf.random.set_seed(None)
    yield mnist_input_data
    tf.random.set_seed(None)


def _idx_images(images: Any) -> bytes:
    count, rows, cols = images.shape
    return np.array([2051, count, rows, cols], dtype=">u4").tobytes() + images.astype(np.uint8).tobytes()


def _idx_labels(labels: Any) -> bytes:
    return np.array([2049, len(labels)], dtype=">u4").tobytes() + labels.astype(np.uint8).tobytes()


def write_tf1_files(directory: Path, seed: int = 0, train: int = TRAIN, test: int = TEST) -> tuple[Any, Any, Any, Any]:
    """TF1's four gzipped MNIST files in `directory` (random pixels); returns the arrays they hold."""
    rng = np.random.RandomState(seed)
    train_images = rng.randint(0, 256, size=(train, 28, 28)).astype(np.uint8)
    train_labels = rng.randint(0, 10, size=train).astype(np.uint8)
    test_images = rng.randint(0, 256, size=(test, 28, 28)).astype(np.uint8)
    test_labels = rng.randint(0, 10, size=test).astype(np.uint8)
    directory.mkdir(parents=True, exist_ok=True)
    contents = {
        "train-images-idx3-ubyte.gz": _idx_images(train_images),
        "train-labels-idx1-ubyte.gz": _idx_labels(train_labels),
        "t10k-images-idx3-ubyte.gz": _idx_images(test_images),
        "t10k-labels-idx1-ubyte.gz": _idx_labels(test_labels),
    }
    for name, data in contents.items():
        (directory / name).write_bytes(gzip.compress(data))
    return train_images, train_labels, test_images, test_labels


def test_arrays_types_and_split(helper: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    train_images, train_labels, test_images, _ = write_tf1_files(tmp_path)
    data = helper.read_data_sets(str(tmp_path), one_hot=True, validation_size=10)
    assert capsys.readouterr().out.count("Extracting") == 4  # TF1 printed one line per file
    assert data.train.images.shape == (TRAIN - 10, 784) and data.train.images.dtype == np.float32
    assert np.array_equal(data.train.images, train_images[10:].reshape(-1, 784) * np.float32(1.0 / 255.0))
    assert np.array_equal(data.validation.images, train_images[:10].reshape(-1, 784) * np.float32(1.0 / 255.0))
    assert data.train.labels.dtype == np.float64 and data.train.labels.shape == (TRAIN - 10, 10)
    assert np.array_equal(data.train.labels.argmax(axis=1), train_labels[10:])
    assert data.test.num_examples == TEST
    dense = helper.read_data_sets(str(tmp_path), dtype="uint8", reshape=False, validation_size=0)
    assert dense.train.labels.dtype == np.uint8 and np.array_equal(dense.train.labels, train_labels)
    assert dense.test.images.shape == (TEST, 28, 28, 1) and dense.test.images.dtype == np.uint8
    assert np.array_equal(dense.test.images[..., 0], test_images)
    with pytest.raises(ValueError, match="Validation size"):
        helper.read_data_sets(str(tmp_path), validation_size=TRAIN + 1)
    with pytest.raises(TypeError, match="Invalid image dtype"):
        helper.read_data_sets(str(tmp_path), dtype="float64", validation_size=0)


def _shuffled(seed: int, count: int, draws: int) -> list[Any]:
    """`draws` permutations as TF1 made them after numpy.random.seed(seed)."""
    generator = np.random.RandomState(seed)
    orders = []
    for _ in range(draws):
        order = np.arange(count)
        generator.shuffle(order)
        orders.append(order)
    return orders


def test_next_batch_epochs_and_shuffling(helper: Any, tmp_path: Path) -> None:
    train_images, *_ = write_tf1_files(tmp_path)
    data = helper.read_data_sets(str(tmp_path), dtype="uint8", validation_size=0, seed=7)
    flat = train_images.reshape(TRAIN, 784)
    first, second = _shuffled(7, TRAIN, 2)
    batch, _ = data.train.next_batch(12)
    assert np.array_equal(batch, flat[first[:12]])
    batch, _ = data.train.next_batch(12)
    assert np.array_equal(batch, flat[first[12:24]]) and data.train.epochs_completed == 0
    # Crosses the end of the epoch: the last 6 of it, then the first 6 of a reshuffled one.
    batch, _ = data.train.next_batch(12)
    assert data.train.epochs_completed == 1
    assert np.array_equal(batch, np.concatenate([flat[first[24:]], flat[first][second[:6]]]))
    unshuffled = helper.read_data_sets(str(tmp_path), dtype="uint8", validation_size=0, seed=7)
    assert np.array_equal(unshuffled.train.next_batch(5, shuffle=False)[0], flat[:5])


def test_numpy_is_reseeded_as_tf1_did(helper: Any, tmp_path: Path) -> None:
    import tensorflow as tf

    write_tf1_files(tmp_path)
    directory = str(tmp_path)
    helper.read_data_sets(directory, seed=5, validation_size=0)  # the op seed, when one is given
    assert np.random.rand() == np.random.RandomState(5).rand()
    tf.random.set_seed(3)
    helper.read_data_sets(directory, validation_size=0)  # else the global seed
    assert np.random.rand() == np.random.RandomState(3).rand()
    tf.random.set_seed(0)
    helper.read_data_sets(directory, seed=0, validation_size=0)  # TensorFlow turns seeds (0, 0) into (0, 2**31 - 1)
    assert np.random.rand() == np.random.RandomState(2**31 - 1).rand()
    tf.random.set_seed(None)
    helper.read_data_sets(directory, validation_size=0)  # no seed at all: from the system's entropy
    assert np.random.rand() != np.random.RandomState(87654321).rand()


def test_fake_data(helper: Any) -> None:
    data = helper.read_data_sets("", fake_data=True, one_hot=True)
    images, labels = data.train.next_batch(3, fake_data=True)
    assert data.train.num_examples == 10000
    assert images == [[1] * 784] * 3 and labels == [[1] + [0] * 9] * 3


def test_keras_copy_when_train_dir_has_no_files(helper: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keras' MNIST, or its Fashion-MNIST for Fashion-MNIST's address (tests/test_examples.py reads
    a Keras cache for real, in a child process)."""
    import tensorflow as tf

    arrays = write_tf1_files(tmp_path / "unused", seed=1)
    served: list[str] = []
    for name in ("mnist", "fashion_mnist"):

        def load_data(name: str = name) -> Any:
            served.append(name)
            return (arrays[0], arrays[1]), (arrays[2], arrays[3])

        monkeypatch.setattr(getattr(tf.keras.datasets, name), "load_data", load_data)
    digits = helper.read_data_sets(str(tmp_path / "empty"), validation_size=4)
    fashion = helper.read_data_sets(
        str(tmp_path / "empty"), source_url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        validation_size=0,
    )
    assert served == ["mnist", "fashion_mnist"]
    assert np.array_equal(digits.validation.images, arrays[0][:4].reshape(-1, 784) * np.float32(1.0 / 255.0))
    assert np.array_equal(fashion.test.labels, arrays[3])
