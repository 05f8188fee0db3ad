"""Lookups of rows of a variable, whose gradient comes as those rows (`tf.IndexedSlices`).

`tf.nn.embedding_lookup(params, ids)` and `tf.gather(params, ids)` give the gradient of `params`
as the rows they read, and so do the losses and layers built on them. Given such a gradient, a
TF1 optimizer runs its sparse kernel, which for most optimizers updates otherwise than Keras'
(migrate.analysis.optimizers: `rows_caveat`, `repeated_rows`). Where the looked-up tensor is
computed from others, the gradient reaching a variable is dense again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.graph_model import Resolver

# Lookups, with the position and keyword of the tensor whose rows they read.
LOOKUPS: Mapping[str, tuple[int, str]] = {
    "tf.nn.embedding_lookup": (0, "params"),
    "tf.nn.embedding_lookup_sparse": (0, "params"),
    "tf.gather": (0, "params"),
    "tf.nn.nce_loss": (0, "weights"),
    "tf.nn.sampled_softmax_loss": (0, "weights"),
}
# Layers and functions that make the table they look rows up in.
LOOKUP_LAYERS = frozenset(
    {"tf.keras.layers.Embedding", "tf.contrib.layers.embed_sequence", "tf.contrib.layers.embedding_lookup_unique"}
)
# Calls whose result is a variable (`tf.Variable(...)` made inline) or hands the rows of a
# gradient on to their input unchanged: a lookup of their result reads rows of a variable.
PASS_ROWS_ON = frozenset(
    {"tf.identity", "tf.cast", "tf.convert_to_tensor", "tf.Variable", "tf.get_variable", "tf.stop_gradient"}
)


def row_lookups(statements: Iterable[cst.CSTNode], resolve: Resolver, tensors: Collection[str]) -> list[cst.Call]:
    """The calls in `statements` that may look up rows of a variable: the lookup layers, and the
    lookups of anything but a tensor computed from other values (a name in `tensors`, an
    operator expression, a TensorFlow op's result)."""
    found: list[cst.Call] = []
    for statement in statements:
        for call in syntax.calls_in(statement):
            api = resolve(call.func)
            if api in LOOKUP_LAYERS:
                found.append(call)
            elif api is not None and api in LOOKUPS:
                table = syntax.call_argument(call, *LOOKUPS[api])
                if table is None or not _computed(table, resolve, tensors):
                    found.append(call)
    return found


def _computed(table: cst.BaseExpression, resolve: Resolver, tensors: Collection[str]) -> bool:
    if isinstance(table, cst.Name):
        return table.value in tensors
    if isinstance(table, (cst.BinaryOperation, cst.UnaryOperation)):
        return True
    if isinstance(table, cst.Call):
        api = resolve(table.func)
        return api is not None and api not in PASS_ROWS_ON
    return False
