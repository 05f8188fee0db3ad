"""Which lookups may read rows of a variable, whose gradient TF1's sparse kernels apply."""

from __future__ import annotations

import libcst as cst
import pytest

from migrate.analysis import subtree_index
from migrate.analysis.bindings import Bindings
from migrate.analysis.row_lookups import row_lookups
from migrate.analysis.syntax import code_of


@pytest.mark.parametrize(
    ("statement", "found"),
    [
        ("tf.nn.embedding_lookup(table, ids)", True),
        ("tf.nn.embedding_lookup(params=table, ids=ids)", True),
        ("tf.gather(self.table, ids)", True),
        ("tf.gather(tf.identity(table), ids)", True),
        ("tf.nn.nce_loss(nce_weights, nce_biases, labels, inputs, 4, 10)", True),
        ("tf.keras.layers.Embedding(10, 4)", True),
        ("tf.gather(outputs, 3)", False),
        ("tf.gather(tf.reshape(predictions, [-1]), indices)", False),
        ("tf.gather(table * 2.0, ids)", False),
        ("tf.nn.embedding_lookup(tf.eye(5), ids)", False),
        ("np.take(table, ids)", False),
    ],
    ids=[
        "variable", "keyword", "attribute", "identity-passes-rows-on", "nce-weights", "embedding-layer",
        "computed-tensor", "computed-in-the-call", "operator", "constant", "not-tensorflow",
    ],
)
def test_lookups_that_may_read_rows_of_a_variable(statement: str, found: bool) -> None:
    source = f"import numpy as np\nimport tensorflow as tf\n\n{statement}\n"
    module = cst.parse_module(source)
    subtree_index.expect(module)
    bindings = Bindings(module, source)
    lookups = row_lookups(module.body[2:], bindings.tf_api, tensors={"outputs"})
    assert [code_of(call) for call in lookups] == ([statement] if found else [])
