"""`tf.contrib` members whose code lives on in TF 2 or in tf_slim, under another name.

Keys are canonical TF1 paths (migrate.analysis.tf_names). Every entry is the same function or
class as the contrib member, not a look-alike: contrib.layers and contrib.framework's layers,
regularizers, initializers and variable helpers were moved whole into the `tf_slim` package;
the others were aliases of core TensorFlow symbols. tests/test_contrib_homes.py checks that
every target exists.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

# contrib member -> path under the root package (`compat.v1.train.get_global_step`).
IN_TENSORFLOW: Final = MappingProxyType(
    {
        # contrib.framework's were deprecated aliases of training_util's.
        "tf.contrib.framework.get_global_step": "compat.v1.train.get_global_step",
        "tf.contrib.framework.get_or_create_global_step": "compat.v1.train.get_or_create_global_step",
        "tf.contrib.framework.create_global_step": "compat.v1.train.create_global_step",
        "tf.contrib.util.make_tensor_proto": "make_tensor_proto",
        "tf.contrib.util.make_ndarray": "make_ndarray",
        # contrib.rnn re-exported core's rnn_cell_impl wrappers.
        "tf.contrib.rnn.DropoutWrapper": "compat.v1.nn.rnn_cell.DropoutWrapper",
        "tf.contrib.rnn.ResidualWrapper": "compat.v1.nn.rnn_cell.ResidualWrapper",
        "tf.contrib.rnn.DeviceWrapper": "compat.v1.nn.rnn_cell.DeviceWrapper",
        # Eager execution is TF 2's default: TFM002 then removes the switch.
        "tf.contrib.eager.enable_eager_execution": "compat.v1.enable_eager_execution",
    }
)
# contrib module prefix -> its TF 2 home (the same Keras dataset loaders).
PREFIXES_IN_TENSORFLOW: Final = MappingProxyType({"tf.contrib.keras.datasets.": "keras.datasets."})

# contrib.eager.Variable is a ResourceVariable, which is what tf.Variable makes in TF 2 code;
# their positional parameters agree up to the second (initial_value, trainable).
EAGER_VARIABLE: Final = "tf.contrib.eager.Variable"
EAGER_VARIABLE_POSITIONALS: Final = 2
# contrib.eager.Iterator(dataset) iterates a dataset eagerly, as iter(dataset) does in TF 2.
EAGER_ITERATOR: Final = "tf.contrib.eager.Iterator"

# contrib members TF 2 has nothing like, rewritten with TF1's behaviour in a support module that
# the rewrite writes next to the program (migrate/support): member -> (module, name in it). Not
# the same code as the contrib member, but the same results; the module's tests pin them.
_TEXT_PREPROCESSING = ("tf.contrib.learn.preprocessing.", "tf.contrib.learn.python.learn.preprocessing.")
IN_SUPPORT_MODULES: Final = MappingProxyType(
    {
        **{
            f"{prefix}{member}": ("vocabulary_processor", member)
            for prefix in _TEXT_PREPROCESSING
            for member in ("VocabularyProcessor", "CategoricalVocabulary")
        },
        "tf.contrib.legacy_seq2seq.sequence_loss_by_example": ("sequence_losses", "sequence_loss_by_example"),
        "tf.contrib.legacy_seq2seq.sequence_loss": ("sequence_losses", "sequence_loss"),
        # contrib.seq2seq's loss of the same name takes [batch, time] tensors, not lists of steps.
        "tf.contrib.seq2seq.sequence_loss": ("sequence_losses", "dense_sequence_loss"),
        "tf.contrib.training.HParams": ("hyperparameters", "HParams"),
    }
)

SLIM_MODULES: Final = ("tf.contrib.layers.", "tf.contrib.framework.")
# Members of those modules that tf_slim exports under the same name and that create no
# variables and add nothing to graph collections: the same code in any TF 2 program.
SLIM_ANYWHERE: Final = frozenset(
    {
        "flatten", "l1_regularizer", "l2_regularizer", "l1_l2_regularizer", "sum_regularizer",
        "xavier_initializer", "xavier_initializer_conv2d", "variance_scaling_initializer",
        "one_hot_encoding", "unit_norm", "arg_scope", "add_arg_scope", "has_arg_scope", "arg_scoped_arguments",
    }
)
# Members that create variables through the graph's variable store or use graph collections:
# the same code only in a file that keeps TF1 graph mode.
SLIM_IN_GRAPH_MODE: Final = frozenset(
    {
        "fully_connected", "conv2d", "convolution2d", "convolution", "conv2d_transpose", "separable_conv2d",
        "conv2d_in_plane", "conv3d", "convolution3d", "batch_norm", "layer_norm", "instance_norm", "group_norm",
        "bias_add", "dropout", "max_pool2d", "avg_pool2d", "max_pool3d", "avg_pool3d", "repeat", "stack", "linear",
        "legacy_fully_connected", "summarize_activation", "summarize_activations", "summarize_tensor",
        "summarize_tensors", "optimize_loss", "apply_regularization", "get_variables", "get_model_variables",
        "get_local_variables", "get_variables_to_restore", "get_variables_by_name", "get_trainable_variables",
        "model_variable", "variable", "local_variable", "global_variable", "add_model_variable",
        "get_unique_variable", "assign_from_checkpoint", "assign_from_checkpoint_fn",
    }
)


def slim_member(name: str) -> str | None:
    """The tf_slim name of a contrib.layers / contrib.framework member it took over, or None."""
    for prefix in SLIM_MODULES:
        if name.startswith(prefix):
            member = name[len(prefix) :]
            if member in SLIM_ANYWHERE or member in SLIM_IN_GRAPH_MODE:
                return member
    return None


# Aliases of core members that make no variables: the RNN cell wrappers (the cell they wrap
# makes its own) and the lookup of an existing global step.
_ALIASES_WITHOUT_VARIABLES: Final = frozenset({
    "tf.contrib.rnn.DropoutWrapper", "tf.contrib.rnn.ResidualWrapper", "tf.contrib.rnn.DeviceWrapper",
    "tf.contrib.framework.get_global_step",
})


def makes_no_variables(name: str) -> bool:
    """Whether the contrib member `name` (or an attribute of it) is known to make no variables:
    pure Python written beside the program, a tf_slim member that makes none, or a core alias
    that makes none."""
    known = (*IN_SUPPORT_MODULES, *_ALIASES_WITHOUT_VARIABLES)
    if any(name == member or name.startswith(member + ".") for member in known):
        return True
    return slim_member(name) in SLIM_ANYWHERE
