"""TFM801: report references to TF1 symbols that have no TF 2 home.

The code is left as it is: a person has to choose the replacement, which the finding names.
One finding per line, for the outermost reference on it (`tf.contrib.rnn.LSTMCell`, not also
`tf.contrib.rnn` and `tf.contrib`).
"""

from __future__ import annotations

import libcst as cst

from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform
from migrate.transforms.unported_table import lookup


class UnportedSymbols(MigrationTransform):
    CODE = "TFM801"
    DESCRIPTION = "a TF1 symbol with no TF 2 home (tf.contrib, tensorflow.examples.tutorials): reported, code unchanged"
    TRIGGERS = ("contrib", "examples")
    EXAMPLES = (
        Example(
            "from tensorflow.examples.tutorials.mnist import input_data\n\n"
            "mnist = input_data.read_data_sets('MNIST_data', one_hot=True)\n",
            None,
            "mnist-input-data-reported",
        ),
        Example(
            "import tensorflow as tf\n\nreg = tf.contrib.layers.l2_regularizer(0.1)\n",
            "import tensorflow as tf\n\nreg = tf.contrib.layers.l2_regularizer(0.1)\n",
            "reported-code-unchanged",
        ),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._reported_lines: set[int] = set()

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return self._check(node)

    def visit_Name(self, node: cst.Name) -> bool:
        return self._check(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False  # the uses are reported; an import alone costs nothing at run time

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def _check(self, node: cst.Attribute | cst.Name) -> bool:
        name = self.tf_api(node)
        found = lookup(name) if name is not None else None
        if name is None or found is None:
            return True
        line = self.line_of(node)
        if line not in self._reported_lines:
            self._reported_lines.add(line)
            reason, replacement = found
            self.report(node, f"{name}: {reason}; use {replacement}", severity=Severity.ERROR)
        return False
