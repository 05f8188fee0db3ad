"""A deterministic stand-in for `tensorflow.examples.tutorials.mnist.input_data`.

Legacy tutorials download MNIST at run time; the harness never downloads, and both sides must
see identical data. This module keeps the old API (`read_data_sets`, `DataSet.next_batch`,
`train` / `validation` / `test`, `one_hot`) over a synthetic set of 28x28 digit-like images: each
class is a fixed random stroke pattern plus noise, so models can learn it. The set is a tenth of
MNIST's size (6,000 training images, of which `validation_size / 10` are validation, and 1,000
test images) to keep child processes fast.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

IMAGE_SIZE = 28
NUM_CLASSES = 10
TRAIN_POOL = 6000
TEST_SIZE = 1000
SCALE = 10  # MNIST sizes in arguments (validation_size=5000) are divided by this
_DATA_SEED = 20240601


def _make_images(count: int, rng: np.random.RandomState, prototypes: Any) -> tuple[Any, Any]:
    labels = rng.randint(0, NUM_CLASSES, size=count).astype(np.uint8)
    noise = rng.rand(count, IMAGE_SIZE, IMAGE_SIZE).astype(np.float32) * 0.35
    strength = 0.6 + 0.4 * rng.rand(count, 1, 1).astype(np.float32)
    pixels = np.clip(prototypes[labels] * strength + noise, 0.0, 1.0)
    return (pixels * 255.0).astype(np.uint8), labels


def _prototypes(rng: np.random.RandomState) -> Any:
    shapes = np.zeros((NUM_CLASSES, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    for digit in range(NUM_CLASSES):
        for _ in range(4):  # a few thick strokes per class
            row, col = rng.randint(4, IMAGE_SIZE - 8, size=2)
            height, width = rng.randint(2, 10, size=2)
            shapes[digit, row : row + height, col : col + width] = 1.0
    return shapes


def load_arrays() -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """(train images, labels), (test images, labels) as uint8, shaped like keras' mnist.load_data()."""
    rng = np.random.RandomState(_DATA_SEED)
    prototypes = _prototypes(rng)
    return _make_images(TRAIN_POOL, rng, prototypes), _make_images(TEST_SIZE, rng, prototypes)


def dense_to_one_hot(labels_dense: Any, num_classes: int = NUM_CLASSES) -> Any:
    one_hot = np.zeros((labels_dense.shape[0], num_classes), dtype=np.float32)
    one_hot[np.arange(labels_dense.shape[0]), labels_dense.astype(np.int64)] = 1.0
    return one_hot


class DataSet:
    """One split, with the legacy batching behaviour: shuffle each epoch, wrap across epochs."""

    def __init__(
        self,
        images: Any,
        labels: Any,
        *,
        one_hot: bool = False,
        dtype: Any = np.float32,
        reshape: bool = True,
        seed: int = 0,
    ) -> None:
        self._num_examples = int(images.shape[0])
        if reshape:
            images = images.reshape(self._num_examples, IMAGE_SIZE * IMAGE_SIZE)
        else:
            images = images.reshape(self._num_examples, IMAGE_SIZE, IMAGE_SIZE, 1)
        if np.dtype(_dtype_name(dtype)) == np.float32:
            images = images.astype(np.float32) * (1.0 / 255.0)
        self._images = images
        self._labels = dense_to_one_hot(labels) if one_hot else labels.astype(np.int64)
        self._epochs_completed = 0
        self._index_in_epoch = 0
        self._rng = np.random.RandomState(seed)

    @property
    def images(self) -> Any:
        return self._images

    @property
    def labels(self) -> Any:
        return self._labels

    @property
    def num_examples(self) -> int:
        return self._num_examples

    @property
    def epochs_completed(self) -> int:
        return self._epochs_completed

    def next_batch(self, batch_size: int, fake_data: bool = False, shuffle: bool = True) -> tuple[Any, Any]:
        del fake_data  # the stand-in data is already synthetic
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size > self._num_examples:
            self._epochs_completed += 1
            rest = self._num_examples - start
            images_rest, labels_rest = self._images[start:], self._labels[start:]
            if shuffle:
                self._shuffle()
            self._index_in_epoch = batch_size - rest
            end = self._index_in_epoch
            return (
                np.concatenate((images_rest, self._images[:end]), axis=0),
                np.concatenate((labels_rest, self._labels[:end]), axis=0),
            )
        self._index_in_epoch += batch_size
        end = self._index_in_epoch
        return self._images[start:end], self._labels[start:end]

    def _shuffle(self) -> None:
        order = self._rng.permutation(self._num_examples)
        self._images = self._images[order]
        self._labels = self._labels[order]


class Datasets(NamedTuple):
    train: DataSet
    validation: DataSet
    test: DataSet


def _dtype_name(dtype: Any) -> str:
    # Callers pass numpy dtypes or TensorFlow DTypes (`tf.float32`), which know their numpy twin.
    as_numpy = getattr(dtype, "as_numpy_dtype", dtype)
    return str(np.dtype(as_numpy))


def read_data_sets(
    train_dir: str = "",
    fake_data: bool = False,
    one_hot: bool = False,
    dtype: Any = np.float32,
    reshape: bool = True,
    validation_size: int = 5000,
    seed: int | None = None,
    source_url: str = "",
) -> Datasets:
    """The legacy entry point; `train_dir` and `source_url` are accepted and ignored (no download)."""
    del train_dir, fake_data, source_url
    (train_images, train_labels), (test_images, test_labels) = load_arrays()
    validation = max(0, min(validation_size // SCALE, TRAIN_POOL))
    base = 0 if seed is None else seed
    options: dict[str, Any] = {"one_hot": one_hot, "dtype": dtype, "reshape": reshape}
    return Datasets(
        train=DataSet(train_images[validation:], train_labels[validation:], seed=base + 1, **options),
        validation=DataSet(train_images[:validation], train_labels[:validation], seed=base + 2, **options),
        test=DataSet(test_images, test_labels, seed=base + 3, **options),
    )
