"""Which TF1 APIs need graph mode (TF 2 behaviour off), and why each one does."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

_V1_RNN: Final = "v1 RNN functions make their cells' variables in the graph's variable store"
# APIs that need TF1 graph mode, with the reason each one does.
GRAPH_ONLY: Final = MappingProxyType(
    {
        "tf.placeholder": "placeholders raise under eager execution",
        "tf.placeholder_with_default": "only has a meaning in a graph fed by a session",
        "tf.Session": "sessions run graphs; eager tensors cannot be fetched",
        "tf.InteractiveSession": "sessions run graphs; eager tensors cannot be fetched",
        "tf.get_variable": "variables are shared through the graph's variable store",
        "tf.variable_scope": "scopes name and reuse graph variables",
        "tf.global_variables_initializer": "initializer ops exist only for graph variables",
        "tf.local_variables_initializer": "initializer ops exist only for graph variables",
        "tf.tables_initializer": "initializer ops exist only for graph tables",
        "tf.initialize_all_variables": "initializer ops exist only for graph variables",
        "tf.train.Saver": "saves graph variables through a session",
        "tf.get_collection": "collections are graph state, empty under eager execution",
        "tf.GraphKeys": "collections are graph state, empty under eager execution",
        "tf.summary.FileWriter": "writes graph summaries evaluated by a session",
        "tf.summary.merge_all": "merges the graph's summary collection",
        "tf.layers.": "v1 layers create graph variables (and need legacy Keras)",
        "tf.losses.": "v1 losses add to the graph's loss collection",
        # Eager code neither tracks nor trains the variables these make for their cells.
        "tf.nn.static_rnn": _V1_RNN,
        "tf.nn.static_bidirectional_rnn": _V1_RNN,
        "tf.nn.static_state_saving_rnn": _V1_RNN,
        "tf.nn.dynamic_rnn": _V1_RNN,
        "tf.nn.bidirectional_dynamic_rnn": _V1_RNN,
        "tf.nn.raw_rnn": _V1_RNN,
    }
)
# What runs a graph; a graph-mode module that names none of these (nor an eager switch) is run
# from another module.
GRAPH_RUNNERS: Final = frozenset(
    {
        "tf.Session",
        "tf.InteractiveSession",
        "tf.train.MonitoredSession",
        "tf.train.MonitoredTrainingSession",
        "tf.train.SingularMonitoredSession",
    }
)
# TF1 programs that switched eager execution on run their own code, with or without a session.
EAGER_SWITCHES: Final = frozenset({"tf.enable_eager_execution", "tf.contrib.eager.enable_eager_execution"})
# Every `tf.train.*Optimizer` builds update ops that a session runs.
_OPTIMIZER_PREFIX: Final = "tf.train."
_OPTIMIZER_SUFFIX: Final = "Optimizer"
_OPTIMIZER_REASON: Final = "v1 optimizers' minimize builds update ops that a session runs"


def graph_only_reason(name: str) -> str | None:
    """Why the TF1 API `name` (`tf.placeholder`) needs graph mode, or None when it does not."""
    if name.startswith(_OPTIMIZER_PREFIX) and name.endswith(_OPTIMIZER_SUFFIX):
        return _OPTIMIZER_REASON
    for key, reason in GRAPH_ONLY.items():
        if name == key or (key.endswith(".") and name.startswith(key)) or name.startswith(key + "."):
            return reason
    return None
