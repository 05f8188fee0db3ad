"""MNIST as TensorFlow 1's `tensorflow.examples.tutorials.mnist.input_data` gave it, on TF 2.

tf-migrate wrote this module next to a program that read MNIST through TF1's tutorial module,
which TensorFlow 2 no longer has; the program imports this one in its place. It is plain NumPy
and TensorFlow 2 code, and yours to keep.

`read_data_sets` gives what TF1's did: `train`, `validation` and `test` data sets whose images
are float32 in [0, 1] (uint8 in [0, 255] with `dtype=tf.uint8`), each flattened to 784 values
unless `reshape=False` keeps them 28x28x1, with labels as uint8 class numbers or, with
`one_hot=True`, float64 one-hot rows; the first `validation_size` training images are the
validation set. `next_batch` shuffles with NumPy's global generator at the start of the first
epoch and at the end of each, and a batch that crosses the end of an epoch takes the rest of
that epoch and the start of the next. As in TF1, making a data set reseeds NumPy's global
generator: with the `seed` argument when given, else with the seed given to `tf.random.set_seed`
(from the system's entropy when there is none).

The data: the four files TF1 downloaded, when they are in `train_dir`; otherwise Keras' copy
(`tf.keras.datasets.mnist`, or `tf.keras.datasets.fashion_mnist` when `source_url` is
Fashion-MNIST's), which Keras downloads into ~/.keras/datasets once.
"""

from __future__ import annotations

import collections
import gzip
import os
from typing import Any

import numpy
import tensorflow as tf
from numpy.typing import NDArray

DEFAULT_SOURCE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
# What TensorFlow's seed helper reports as the global seed when none was set.
_NO_GLOBAL_SEED = 87654321

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


def _read32(stream: gzip.GzipFile) -> int:
    return int(numpy.frombuffer(stream.read(4), dtype=numpy.dtype(numpy.uint32).newbyteorder(">"))[0])


def extract_images(f: Any) -> NDArray[Any]:
    """The images of an MNIST image file object as a uint8 array [index, y, x, depth]."""
    print("Extracting", f.name)
    with gzip.GzipFile(fileobj=f) as stream:
        magic = _read32(stream)
        if magic != 2051:
            raise ValueError(f"Invalid magic number {magic} in MNIST image file: {f.name}")
        count, rows, cols = _read32(stream), _read32(stream), _read32(stream)
        data = numpy.frombuffer(stream.read(rows * cols * count), dtype=numpy.uint8)
        return data.reshape(count, rows, cols, 1)


def dense_to_one_hot(labels_dense: NDArray[Any], num_classes: int) -> NDArray[Any]:
    """Class numbers as one-hot rows (float64, as TF1 made them)."""
    num_labels = labels_dense.shape[0]
    index_offset = numpy.arange(num_labels) * num_classes
    labels_one_hot = numpy.zeros((num_labels, num_classes))
    labels_one_hot.flat[index_offset + labels_dense.ravel()] = 1
    return labels_one_hot


def extract_labels(f: Any, one_hot: bool = False, num_classes: int = 10) -> NDArray[Any]:
    """The labels of an MNIST label file object as uint8 class numbers (or one-hot rows)."""
    print("Extracting", f.name)
    with gzip.GzipFile(fileobj=f) as stream:
        magic = _read32(stream)
        if magic != 2049:
            raise ValueError(f"Invalid magic number {magic} in MNIST label file: {f.name}")
        count = _read32(stream)
        labels = numpy.frombuffer(stream.read(count), dtype=numpy.uint8)
        return dense_to_one_hot(labels, num_classes) if one_hot else labels


def _numpy_seed(seed: int | None) -> int | None:
    """The seed TF1's DataSet gave NumPy: the operation seed when `seed` is given (as TensorFlow
    derives it), else the global seed of `tf.random.set_seed` (None when there is none)."""
    global_seed, op_seed = tf.compat.v1.random.get_seed(0 if seed is None else seed)
    if seed is not None:
        return int(op_seed)
    return None if global_seed == _NO_GLOBAL_SEED else int(global_seed)


class DataSet:
    """One split: its images and labels, and TF1's batching over them."""

    def __init__(
        self,
        images: Any,
        labels: Any,
        fake_data: bool = False,
        one_hot: bool = False,
        dtype: Any = tf.float32,
        reshape: bool = True,
        seed: int | None = None,
    ) -> None:
        """`dtype` is uint8 to keep the pixels in [0, 255], or float32 to rescale them into
        [0, 1]; `one_hot` matters only for fake data."""
        numpy.random.seed(_numpy_seed(seed))
        dtype = tf.as_dtype(dtype).base_dtype
        if dtype not in (tf.uint8, tf.float32):
            raise TypeError(f"Invalid image dtype {dtype!r}, expected uint8 or float32")
        if fake_data:
            self._num_examples = 10000
            self.one_hot = one_hot
        else:
            assert images.shape[0] == labels.shape[0], f"images.shape: {images.shape} labels.shape: {labels.shape}"
            self._num_examples = images.shape[0]
            if reshape:
                assert images.shape[3] == 1
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if dtype == tf.float32:
                images = numpy.multiply(images.astype(numpy.float32), 1.0 / 255.0)
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
        return int(self._num_examples)

    @property
    def epochs_completed(self) -> int:
        return self._epochs_completed

    def next_batch(self, batch_size: int, fake_data: bool = False, shuffle: bool = True) -> tuple[Any, Any]:
        """The next `batch_size` examples of this data set."""
        if fake_data:
            fake_image = [1] * 784
            fake_label: Any = [1] + [0] * 9 if self.one_hot else 0
            return [fake_image for _ in range(batch_size)], [fake_label for _ in range(batch_size)]
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size > self._num_examples:
            self._epochs_completed += 1
            rest = self._num_examples - start
            images_rest = self._images[start : self._num_examples]
            labels_rest = self._labels[start : self._num_examples]
            if shuffle:
                self._shuffle()
            self._index_in_epoch = batch_size - rest
            end = self._index_in_epoch
            return (
                numpy.concatenate((images_rest, self._images[0:end]), axis=0),
                numpy.concatenate((labels_rest, self._labels[0:end]), axis=0),
            )
        self._index_in_epoch += batch_size
        end = self._index_in_epoch
        return self._images[start:end], self._labels[start:end]

    def _shuffle(self) -> None:
        order = numpy.arange(self._num_examples)
        numpy.random.shuffle(order)
        self._images = self._images[order]
        self._labels = self._labels[order]


def _from_keras(source_url: str) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Train and test images (with a depth axis) and labels from Keras' copy of the data set."""
    datasets = tf.keras.datasets.fashion_mnist if "fashion" in source_url.lower() else tf.keras.datasets.mnist
    (train_images, train_labels), (test_images, test_labels) = datasets.load_data()
    return train_images[..., numpy.newaxis], train_labels, test_images[..., numpy.newaxis], test_labels


def _from_files(train_dir: str) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any]] | None:
    """Train and test images and labels from TF1's files in `train_dir`, if all four are there."""
    paths = [os.path.join(train_dir, name) for name in (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)]
    if not all(tf.io.gfile.exists(path) for path in paths):
        return None
    arrays = []
    for path, extract in zip(paths, (extract_images, extract_labels, extract_images, extract_labels)):
        with tf.io.gfile.GFile(path, "rb") as f:
            arrays.append(extract(f))
    return arrays[0], arrays[1], arrays[2], arrays[3]


def read_data_sets(
    train_dir: str,
    fake_data: bool = False,
    one_hot: bool = False,
    dtype: Any = tf.float32,
    reshape: bool = True,
    validation_size: int = 5000,
    seed: int | None = None,
    source_url: str = DEFAULT_SOURCE_URL,
) -> Datasets:
    """The training, validation and test sets of MNIST, as TF1's `read_data_sets` made them."""
    if fake_data:

        def fake() -> DataSet:
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, seed=seed)

        return Datasets(train=fake(), validation=fake(), test=fake())
    arrays = _from_files(train_dir) or _from_keras(source_url or DEFAULT_SOURCE_URL)
    train_images, train_labels, test_images, test_labels = arrays
    if one_hot:
        train_labels, test_labels = dense_to_one_hot(train_labels, 10), dense_to_one_hot(test_labels, 10)
    if not 0 <= validation_size <= len(train_images):
        raise ValueError(f"Validation size should be between 0 and {len(train_images)}. Received: {validation_size}.")
    validation_images, validation_labels = train_images[:validation_size], train_labels[:validation_size]
    train_images, train_labels = train_images[validation_size:], train_labels[validation_size:]
    options: dict[str, Any] = {"dtype": dtype, "reshape": reshape, "seed": seed}
    return Datasets(
        train=DataSet(train_images, train_labels, **options),
        validation=DataSet(validation_images, validation_labels, **options),
        test=DataSet(test_images, test_labels, **options),
    )


def load_mnist(train_dir: str = "MNIST-data") -> Datasets:
    return read_data_sets(train_dir)
