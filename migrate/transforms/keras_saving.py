"""TFM506: a Keras model's weights go where Keras 3 writes and reads them as TF1's Keras did.

TF1's Keras chose the format of `model.save_weights(path)` by the path's ending: HDF5 for
`.h5`, `.hdf5` and `.keras`, otherwise a TensorFlow checkpoint (`path.index`,
`path.data-00000-of-00001`) of the model and of its optimizer's state. Keras 3 writes weights
only to a file ending in `.weights.h5` and raises on any other path: a converted program would
stop at its first save. Nor does Keras 3 load such a file into a model that has not made its
variables yet, where TF1 restored each variable when it was made.

A path with a checkpoint's ending becomes `tf.train.Checkpoint(model).write(path)`, and
`model.load_weights(path)` of such a path `tf.train.Checkpoint(model).read(path)`: the same
files, holding the model's weights and its optimizer's state, each restored where it exists or
when it is made, as TF1's load did. The path may be spelt in the call (a string, an f-string,
`a + "b"`, `os.path.join(...)`) or held by a name assigned once.

A save to an HDF5 path stays, with a warning (TFM507): TF1's Keras wrote the weights alone there,
and Keras 3's `.weights.h5` file holds the optimizer's state too, which its `load_weights`
restores into a model that has trained, so no renaming computes what TF1 did. A load of an HDF5
file stays as it is: Keras 3 reads TF1's HDF5 weights. Also left with a warning: a path whose
ending the code does not spell (a parameter, a function's result), a checkpoint save in a file
that reads the checkpoint state TF1's save also wrote (`tf.train.latest_checkpoint`), an
argument Keras 3 has no place for, a save whose result is used, and a receiver not known to
hold a Keras model (migrate.analysis.keras_models).

Whole models have no such form: TF1's Keras saved `model.save(path)` (and
`tf.keras.models.save_model`) as a SavedModel directory or an HDF5 file, and its
`ModelCheckpoint` callback wrote checkpoints or HDF5 files at any path, where Keras 3 saves and
loads models only at `.keras`, `.h5` and `.hdf5` paths, and its ModelCheckpoint writes only
`.weights.h5` (weights) or `.keras` / `.h5` files. Such a call, or `load_model` of such a path,
stays as it is with a warning (TFM507) where the path's ending is one Keras 3 refuses or one the
code does not spell.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.call_arguments import UnknownKeywords, bind_arguments_or_none
from migrate.analysis.keras_models import KerasModels, Resolver
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform
from migrate.transforms.checkpoints import STATE_READERS

CONVERTED = "TFM506"
KEPT = "TFM507"

# TF1's Keras wrote HDF5 for these endings (saving_utils.is_hdf5_filepath), a checkpoint otherwise.
_HDF5_ENDINGS = (".h5", ".hdf5", ".keras")
_KERAS3_WEIGHTS = ".weights.h5"
# save_weights(filepath, overwrite=True, save_format=None, options=None)
_SAVE_PARAMS = ("filepath", "overwrite", "save_format", "options")
# load_weights(filepath, by_name=False, skip_mismatch=False, options=None)
_LOAD_PARAMS = ("filepath", "by_name", "skip_mismatch", "options")
# Keras 3 saves and loads whole models only at these endings (its ModelCheckpoint at the first
# two), and the APIs that do.
_MODEL_FILES: tuple[str, ...] = (".keras", ".h5", ".hdf5")
_MODEL_SAVES = frozenset({"tf.keras.models.save_model"})
_MODEL_LOADS = frozenset({"tf.keras.models.load_model"})
_CHECKPOINT_CALLBACKS = frozenset({"tf.keras.callbacks.ModelCheckpoint"})
# Arguments that may stay only with the value that is their default in TF1's Keras.
_DEFAULTS = {"overwrite": "True", "by_name": "False", "skip_mismatch": "False"}


def _path_ending(path: cst.BaseExpression) -> str | None:
    """The text a path expression ends with, where the code spells it: a string literal, the
    last part of an f-string or of `a + "b"`, or the last argument of `os.path.join`."""
    if isinstance(path, cst.SimpleString):
        value = path.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(path, cst.ConcatenatedString):
        return _path_ending(path.right)
    if isinstance(path, cst.FormattedString):
        last = path.parts[-1] if path.parts else None
        return last.value if isinstance(last, cst.FormattedStringText) and last.value else None
    if isinstance(path, cst.BinaryOperation) and isinstance(path.operator, cst.Add):
        return _path_ending(path.right)
    if isinstance(path, cst.Call) and syntax.code_of(path.func) == "os.path.join" and path.args:
        last_arg = path.args[-1]
        return None if last_arg.star else _path_ending(last_arg.value)
    return None


def _hdf5_ending(ending: str) -> str | None:
    return next((e for e in _HDF5_ENDINGS if ending.endswith(e)), None)


class KerasSaving(MigrationTransform):
    CODE = CONVERTED
    DESCRIPTION = "Keras save_weights/load_weights of a TF checkpoint path go through tf.train.Checkpoint"
    EAGER_ONLY = True
    TRIGGERS = ("save_weights", "load_weights", ".save(", "save_model", "load_model", "ModelCheckpoint")
    FINDINGS: ClassVar[dict[str, str]] = {
        KEPT: "a Keras model save or load at a path Keras 3 may refuse, not converted: left as it is",
    }
    EXAMPLES: ClassVar = (
        Example(
            "import tensorflow as tf\n\n"
            "model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
            'model.save_weights("/tmp/run/weights")\n'
            'model.load_weights("/tmp/run/weights")\n',
            "import tensorflow as tf\n\n"
            "model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
            'tf.train.Checkpoint(model).write("/tmp/run/weights")\n'
            'tf.train.Checkpoint(model).read("/tmp/run/weights")\n',
            "checkpoint-format",
        ),
        Example(
            "import os\n"
            "import tensorflow as tf\n\n"
            "class Net(tf.keras.Model):\n"
            "    def save(self, directory):\n"
            '        self.save_weights(os.path.join(directory, "net_checkpoint"))\n\n'
            "def restored(directory):\n"
            "    net = Net()\n"
            '    net.load_weights(os.path.join(directory, "net_checkpoint"))\n'
            '    net.load_weights(os.path.join(directory, "pretrained.h5"))\n'
            "    return net\n",
            "import os\n"
            "import tensorflow as tf\n\n"
            "class Net(tf.keras.Model):\n"
            "    def save(self, directory):\n"
            '        tf.train.Checkpoint(self).write(os.path.join(directory, "net_checkpoint"))\n\n'
            "def restored(directory):\n"
            "    net = Net()\n"
            '    tf.train.Checkpoint(net).read(os.path.join(directory, "net_checkpoint"))\n'
            '    net.load_weights(os.path.join(directory, "pretrained.h5"))\n'
            "    return net\n",
            "model-class",
        ),
        Example(
            "import tensorflow as tf\n\n"
            "def save(model, path):\n"
            "    model.save_weights(path)\n\n"
            "net = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
            "net.save_weights(checkpoint_path)\n"
            'net.save_weights("net.h5")\n'
            'net.save("exported/net")\n',
            None,
            "kept",
        ),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        # For each save_weights / load_weights call: how it is rewritten, or why it stays.
        self._plans: dict[int, str] = {}

    def visit_Module(self, node: cst.Module) -> bool:
        self._plans = _Planner(node, self.tf_api).plans()
        return super().visit_Module(node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        plan = self._plans.get(id(original_node))
        if plan is None:
            return updated_node
        if plan != _CHECKPOINT:
            self.report(original_node, f"`{syntax.code_of(original_node.func)}` {plan}; left as it is", code=KEPT)
            return updated_node
        func = original_node.func
        assert isinstance(func, cst.Attribute)
        method = func.attr.value
        path_arg = original_node.args[0]
        checkpoint = cst.Call(self.tf_expr("train.Checkpoint"), [cst.Arg(func.value)])
        verb = "write" if method == "save_weights" else "read"
        if verb == "write":
            why = f"Keras 3's save_weights writes only {_KERAS3_WEIGHTS} files"
        else:
            why = (
                "Keras 3's load_weights reads no TensorFlow checkpoint (one TF1's Keras wrote before the "
                "migration names the model's variables otherwise: it is not read)"
            )
        self.report(
            original_node,
            f"the checkpoint TF1's Keras made of the model at this path (its weights and its optimizer's state) is "
            f"{'written' if verb == 'write' else 'read'} through tf.train.Checkpoint: {why}",
            severity=Severity.INFO,
        )
        return cst.Call(cst.Attribute(checkpoint, cst.Name(verb)), [cst.Arg(path_arg.value)])


_CHECKPOINT = "checkpoint"


class _Planner:
    """How each Keras save or load call of a module is rewritten, or why it stays as it is."""

    def __init__(self, module: cst.Module, resolve: Resolver) -> None:
        self._module = module
        self._resolve = resolve
        self._names = KerasModels(module, resolve)
        self._reads_state = any(api in STATE_READERS for api, _ in syntax.tf_apis_in(module, resolve))
        self._statement_calls = {id(n.value) for n in syntax.nodes_of(module, cst.Expr) if isinstance(n, cst.Expr)}
        # Methods a class of the file defines: a model of the file may be calling its own.
        self._overridden = {
            method.name.value
            for node in syntax.nodes_of(module, cst.ClassDef)
            if isinstance(node, cst.ClassDef)
            for method in node.body.body
            if isinstance(method, cst.FunctionDef)
        }

    def plans(self) -> dict[int, str]:
        plans: dict[int, str] = {}
        for call in syntax.calls_in(self._module):
            plan = self._plan(call) if _method(call) is not None else self._refused(call)
            if plan is not None:
                plans[id(call)] = plan
        return plans

    def _refused(self, call: cst.Call) -> str | None:
        """Why Keras 3 may refuse a model save, load or checkpoint callback TF1's Keras took, or
        None: those stay as they are, reported (Keras 3 has no format for TF1's SavedModel
        directories and checkpoint paths that this rule could write)."""
        func = call.func
        api = self._resolve(func)
        if api in _MODEL_SAVES or (
            isinstance(func, cst.Attribute)
            and func.attr.value == "save"
            and "save" not in self._overridden
            and isinstance(func.value, cst.Name)
            and self._names.holds_model(func.value)
        ):
            position = 1 if api in _MODEL_SAVES else 0
            what, endings = "Keras 3 saves a model only to", _MODEL_FILES
        elif api in _MODEL_LOADS:
            position, what, endings = 0, "Keras 3 loads a model only from", _MODEL_FILES
        elif api in _CHECKPOINT_CALLBACKS:
            # ModelCheckpoint(filepath, monitor, verbose, save_best_only, save_weights_only, ...)
            weights_only = syntax.call_argument(call, 4, "save_weights_only")
            position, what = 0, "Keras 3's ModelCheckpoint writes only to"
            by_weights = weights_only is not None and syntax.code_of(weights_only) != "False"
            endings = (_KERAS3_WEIGHTS,) if by_weights else _MODEL_FILES[:2]
        else:
            return None
        path = syntax.call_argument(call, position, "filepath")
        spelt = self._names.bound_value(path) if isinstance(path, cst.Name) else path
        ending = _path_ending(spelt) if spelt is not None else None
        if ending is not None and ending.endswith(endings):
            return None
        files = " or ".join(endings)
        where = f"ending in {ending!r}" if ending is not None else "whose ending the code does not spell"
        return f"with a path {where}: {what} files ending in {files}"

    def _plan(self, call: cst.Call) -> str | None:
        method = _method(call)
        func = call.func
        assert method is not None and isinstance(func, cst.Attribute)
        if not (isinstance(func.value, cst.Name) and self._names.holds_model(func.value)):
            return "of an object not known to be a Keras model (Keras 3 saves weights only to .weights.h5 files)"
        if method in self._overridden:
            return f"of a model whose class may be one of the file's, which defines its own {method}"
        params = _SAVE_PARAMS if method == "save_weights" else _LOAD_PARAMS
        bound = bind_arguments_or_none(call, params, unknown_keywords=UnknownKeywords.REFUSE)
        if bound is None or "filepath" not in bound or bound["filepath"] is not call.args[0]:
            return "with arguments this rule cannot match"
        path = bound["filepath"].value
        spelt = self._names.bound_value(path) if isinstance(path, cst.Name) else path
        ending = _path_ending(spelt) if spelt is not None else None
        if ending is None:
            return (
                "to a path whose ending the code does not spell: TF1's Keras chose the format by it, and Keras 3 "
                f"takes only {_KERAS3_WEIGHTS} files"
            )
        hdf5 = _hdf5_ending(ending)
        for name, arg in bound.items():
            if name == "filepath" or syntax.code_of(arg.value) == _DEFAULTS.get(name):
                continue
            if name == "save_format" and syntax.string_literal(arg.value) == ("h5" if hdf5 else "tf"):
                continue
            return f"with `{name}=`, which this rule does not convert"
        if hdf5 is not None and method == "load_weights":
            return None  # Keras 3 reads TF1's HDF5 weights
        if hdf5 is not None:
            return (
                "to an HDF5 file, which held the weights alone: Keras 3 writes weights only to "
                f"{_KERAS3_WEIGHTS} files, which hold the optimizer's state too, and its load_weights restores that"
            )
        if method == "save_weights" and id(call) not in self._statement_calls:
            return "whose result is used"
        if method == "save_weights" and self._reads_state:
            return (
                "to a checkpoint, in a file that reads the directory's checkpoint state, which TF1's Keras "
                "also wrote and tf.train.Checkpoint.write does not"
            )
        return _CHECKPOINT


def _method(call: cst.Call) -> str | None:
    """`save_weights` or `load_weights` for a call of that method, else None."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value in ("save_weights", "load_weights"):
        return func.attr.value
    return None
