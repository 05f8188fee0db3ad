"""Module aliasing inside a child process, so a program's `import tensorflow` finds what it needs.

Legacy side: `import tensorflow as tf` resolves to `tf.compat.v1` with v2 behaviour disabled,
`tf.contrib.*` members resolve to their TF 2 homes (`tf_slim`, `tf.compat.v1.nn.rnn_cell`, the text
preprocessing, sequence losses and `HParams` tf-migrate writes beside a program), and
`tf.compat` stays the real one. Both sides: `tensorflow.examples.tutorials.mnist.input_data` is
the deterministic stand-in in `migrate.harness.mnist`; on the migrated side
`tf.keras.datasets.mnist.load_data` (and fashion_mnist's, through which the MNIST module tf-migrate
writes next to a migrated tutorial reads) serves the same images. Only the harness child imports
this.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Callable, Sequence
from typing import Any

from migrate.harness import mnist

_MNIST_PATH = "tensorflow.examples.tutorials.mnist"


class ContribUnavailable(AttributeError):
    """A `tf.contrib` member with no TensorFlow 2 home, so the legacy side cannot run."""


def _with_real_tensorflow(real: types.ModuleType, action: Callable[[], Any]) -> Any:
    # Libraries imported on demand (tf_slim) must bind the real TensorFlow, not the v1 view.
    current = sys.modules.get("tensorflow")
    sys.modules["tensorflow"] = real
    try:
        return action()
    finally:
        if current is not None:
            sys.modules["tensorflow"] = current


class _ContribModule(types.ModuleType):
    """`tf.contrib`: each member found lazily in the library that took it over."""

    def __init__(self, real: types.ModuleType) -> None:
        super().__init__("tensorflow.contrib")
        self._real = real
        self.__path__: list[str] = []  # a package: `import tensorflow.contrib.eager as tfe` works

    def _slim(self) -> Any:
        return _with_real_tensorflow(self._real, lambda: importlib.import_module("tf_slim"))

    def _sequence_losses(self, name: str) -> types.ModuleType:
        """`tf.contrib.legacy_seq2seq` / `tf.contrib.seq2seq` as far as tf-migrate has their
        members: the sequence losses that the rewrite writes beside a program (migrate.support,
        whose tests pin them to TF1's formulas)."""
        losses = _with_real_tensorflow(
            self._real, lambda: importlib.import_module("migrate.support.sequence_losses")
        )
        module = types.ModuleType(f"tensorflow.contrib.{name}")
        if name == "legacy_seq2seq":
            module.__dict__.update(
                sequence_loss_by_example=losses.sequence_loss_by_example, sequence_loss=losses.sequence_loss
            )
        else:
            module.__dict__.update(sequence_loss=losses.dense_sequence_loss)
        return module

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        v1 = self._real.compat.v1
        homes: dict[str, Callable[[], Any]] = {
            "slim": self._slim,
            "layers": self._slim,
            "framework": self._slim,
            "rnn": lambda: _Merged("tensorflow.contrib.rnn", v1.nn.rnn_cell, v1.nn),
            "losses": lambda: v1.losses,
            "metrics": lambda: v1.metrics,
            "distributions": lambda: v1.distributions,
            "eager": lambda: _eager_module(self._real),
            "learn": _learn_module,
            "legacy_seq2seq": lambda: self._sequence_losses("legacy_seq2seq"),
            "seq2seq": lambda: self._sequence_losses("seq2seq"),
            "training": _training_module,
        }
        if name not in homes:
            raise ContribUnavailable(f"tf.contrib.{name} has no TensorFlow 2 home; the legacy program cannot run")
        value = homes[name]()
        setattr(self, name, value)
        return value


def _eager_module(real: types.ModuleType) -> types.ModuleType:
    """`tf.contrib.eager` as TF1 eager programs use it, from the functions TensorFlow keeps."""
    backprop = importlib.import_module("tensorflow.python.eager.backprop")
    module = types.ModuleType("tensorflow.contrib.eager")
    module.__dict__.update(
        enable_eager_execution=real.compat.v1.enable_eager_execution,
        Variable=real.Variable,
        Iterator=iter,
        implicit_value_and_gradients=backprop.implicit_val_and_grad,
        implicit_gradients=backprop.implicit_grad,
    )
    return module


def _learn_module() -> types.ModuleType:
    """`tf.contrib.learn` as far as tf-migrate has its members: the text preprocessing that the
    rewrite writes beside a program (migrate.support, whose tests pin it to TF1's results), under
    both of TF1's paths to it."""
    preprocessing = importlib.import_module("migrate.support.vocabulary_processor")
    module = types.ModuleType("tensorflow.contrib.learn")
    inner = types.ModuleType("tensorflow.contrib.learn.python")
    inner.learn = types.SimpleNamespace(preprocessing=preprocessing)  # type: ignore[attr-defined]
    module.__dict__.update(preprocessing=preprocessing, python=inner)
    return module


def _training_module() -> types.ModuleType:
    """`tf.contrib.training` as far as tf-migrate has its members: the `HParams` class that the
    rewrite writes beside a program (migrate.support)."""
    module = types.ModuleType("tensorflow.contrib.training")
    module.__dict__.update(HParams=importlib.import_module("migrate.support.hyperparameters").HParams)
    return module


class _Merged(types.ModuleType):
    """A module whose members are those of `sources`, the first that has a name giving it. They
    are looked up when read: `tf.compat.v1.nn.rnn_cell` is a lazy loader, empty until then."""

    def __init__(self, name: str, *sources: Any) -> None:
        super().__init__(name)
        self._sources = sources

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("__"):
            for source in self._sources:
                try:
                    return getattr(source, name)
                except AttributeError:
                    continue
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")


class _LegacyTensorflow(types.ModuleType):
    """`tensorflow` as TF1 code expects it: the `tf.compat.v1` API plus `contrib` and `examples`."""

    def __init__(self, real: types.ModuleType, examples: types.ModuleType) -> None:
        super().__init__("tensorflow")
        self.__path__ = list(getattr(real, "__path__", []))
        self.__file__ = getattr(real, "__file__", None)
        self._real = real
        self.compat = real.compat
        self.contrib = _ContribModule(real)
        self.examples = examples

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name != "__version__":
            raise AttributeError(name)
        try:
            return getattr(self._real.compat.v1, name)
        except AttributeError:
            return getattr(self._real, name)


def _examples_package() -> types.ModuleType:
    """`tensorflow.examples.tutorials.mnist.input_data` and its parents, as module objects."""
    input_data = mnist
    parent: types.ModuleType = input_data
    leaf_name = "input_data"
    for name in ("tensorflow.examples.tutorials.mnist", "tensorflow.examples.tutorials", "tensorflow.examples"):
        package = types.ModuleType(name)
        package.__path__ = []
        setattr(package, leaf_name, parent)
        sys.modules[name] = package
        parent, leaf_name = package, name.rsplit(".", 1)[1]
    sys.modules[f"{_MNIST_PATH}.input_data"] = input_data
    return parent


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves `tensorflow.contrib.X` from the contrib object's attributes."""

    def __init__(self, contrib: _ContribModule) -> None:
        self._contrib = contrib

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == "tensorflow.contrib" or fullname.startswith("tensorflow.contrib."):
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        value: Any = self._contrib
        for part in spec.name.split(".")[2:]:
            value = getattr(value, part)
        return value

    def exec_module(self, module: types.ModuleType) -> None:
        return None


def install_examples() -> types.ModuleType:
    """Make the mnist stand-in importable (migrated side)."""
    examples = _examples_package()
    real = sys.modules.get("tensorflow")
    if real is not None:
        real.__dict__["examples"] = examples
        install_keras_datasets(real)
    return examples


def install_keras_datasets(tensorflow: Any) -> None:
    """Serve `tf.keras.datasets.mnist.load_data` and fashion_mnist's from the stand-in's images."""
    datasets = tensorflow.keras.datasets
    for name in ("mnist", "fashion_mnist"):
        module = getattr(datasets, name)
        module.load_data = mnist.load_data


def install_legacy(eager: bool = False) -> Any:
    """Alias `tensorflow` to the v1 API; returns the real `tensorflow.compat.v1`. A program that
    switches eager execution on (`eager`) did so at its start in TF1: it runs eagerly from the
    start here, and its switch finds eager execution already on, which TF1 accepted."""
    import tensorflow as real

    v1 = real.compat.v1
    if not eager:
        v1.disable_v2_behavior()
    examples = _examples_package()
    legacy = _LegacyTensorflow(real, examples)
    sys.modules["tensorflow"] = legacy
    sys.meta_path.insert(0, _AliasFinder(legacy.contrib))
    return v1
