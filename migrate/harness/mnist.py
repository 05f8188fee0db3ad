"""A deterministic stand-in for `tensorflow.examples.tutorials.mnist.input_data`.

Legacy tutorials download MNIST at run time; the harness never downloads, and both sides must
see identical data. This module keeps the old API (`read_data_sets`, `DataSet.next_batch`,
`train` / `validation` / `test`, `one_hot`) over a synthetic set of 28x28 digit-like images: each
class is a fixed random stroke pattern plus noise, so models can learn it. The set is smaller
than MNIST (10,500 training images, of which the first `validation_size` are the validation set,
and 1,000 test images) to keep child processes fast. `load_data` serves the same images in the
form of `tf.keras.datasets.mnist.load_data()`, for migrated programs that read through Keras.

Everything else is TF1's `read_data_sets`: label and image types (uint8 class numbers or float64
one-hot rows; float32 images in [0, 1] or uint8), the validation split, NumPy's global generator
reseeded as each data set is made (from `seed`, else the TensorFlow graph-level / global seed),
and `next_batch` shuffling with it at the start of the first epoch and at each epoch's end.
"""

from __future__ import annotations

import sys
from typing import Any, NamedTuple

import numpy as np

IMAGE_SIZE = 28
NUM_CLASSES = 10
TRAIN_POOL = 10500  # 5,000 validation images (TF1's default) and 5,500 to train on
TEST_SIZE = 1000
_DATA_SEED = 20240601
# What TensorFlow's seed helper reports as the global seed when none was set.
_NO_GLOBAL_SEED = 87654321


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


def load_data(path: str = "mnist.npz") -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """`tf.keras.datasets.mnist.load_data` (and fashion_mnist's) over the stand-in images."""
    del path  # nothing is downloaded
    return load_arrays()


def dense_to_one_hot(labels_dense: Any, num_classes: int = NUM_CLASSES) -> Any:
    """TF1's: float64 rows."""
    one_hot = np.zeros((labels_dense.shape[0], num_classes))
    one_hot[np.arange(labels_dense.shape[0]), labels_dense.astype(np.int64)] = 1.0
    return one_hot


def _numpy_seed(seed: int | None) -> int | None:
    """The seed TF1's DataSet gave NumPy: the operation seed TensorFlow derives from `seed`, or
    without one the graph-level (global) seed; None when TensorFlow has no global seed."""
    tensorflow = sys.modules.get("tensorflow")
    if tensorflow is None:
        return seed
    global_seed, op_seed = tensorflow.compat.v1.random.get_seed(0 if seed is None else seed)
    if seed is not None:
        return int(op_seed)
    return None if global_seed == _NO_GLOBAL_SEED else int(global_seed)


class DataSet:
    """One split, with TF1's batching behaviour: shuffle each epoch, wrap across epochs."""

    def __init__(
        self,
        images: Any,
        labels: Any,
        *,
        dtype: Any = np.float32,
        reshape: bool = True,
        seed: int | None = None,
    ) -> None:
        np.random.seed(_numpy_seed(seed))
        self._num_examples = int(images.shape[0])
        if reshape:
            images = images.reshape(self._num_examples, IMAGE_SIZE * IMAGE_SIZE)
        else:
            images = images.reshape(self._num_examples, IMAGE_SIZE, IMAGE_SIZE, 1)
        if np.dtype(_dtype_name(dtype)) == np.float32:
            images = np.multiply(images.astype(np.float32), 1.0 / 255.0)
        self._images = images
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

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
        order = np.arange(self._num_examples)
        np.random.shuffle(order)
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
    if one_hot:
        train_labels, test_labels = dense_to_one_hot(train_labels), dense_to_one_hot(test_labels)
    if not 0 <= validation_size <= len(train_images):
        raise ValueError(f"Validation size should be between 0 and {len(train_images)}. Received: {validation_size}.")
    validation = validation_size
    options: dict[str, Any] = {"dtype": dtype, "reshape": reshape, "seed": seed}
    return Datasets(
        train=DataSet(train_images[validation:], train_labels[validation:], **options),
        validation=DataSet(train_images[:validation], train_labels[:validation], **options),
        test=DataSet(test_images, test_labels, **options),
    )
