"""TFM801: report references to TF1 symbols that have no TF 2 home.

The code is left as it is: a person has to choose the replacement, which the finding names.
One finding per line, for the outermost reference on it (`tf.contrib.rnn.LSTMCell`, not also
`tf.contrib.rnn` and `tf.contrib`), and one for each import from `tensorflow.contrib`, which
fails in TF 2 whether or not anything uses what it imports.
"""

from __future__ import annotations

import libcst as cst

from migrate.analysis import syntax
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform
from migrate.transforms.unported_table import lookup


class UnportedSymbols(MigrationTransform):
    CODE = "TFM801"
    DESCRIPTION = (
        "a TF1 symbol with no TF 2 home (tf.contrib, tf.estimator, tensorflow.examples.tutorials, TF 0.x names): "
        "reported, code unchanged"
    )
    TRIGGERS = ("contrib", "examples", "estimator", "_summar", "SummaryWriter", "seq2seq")
    UNPORTED_FINDINGS = frozenset({CODE})
    EXAMPLES = (
        Example(
            "from tensorflow.examples.tutorials.mnist import input_data\n\n"
            "mnist = input_data.read_data_sets('MNIST_data', one_hot=True)\n",
            None,
            "mnist-input-data-reported",
        ),
        Example(
            "import tensorflow as tf\n\nhparams = tf.contrib.training.HParams(learning_rate=0.1)\n",
            "import tensorflow as tf\n\nhparams = tf.contrib.training.HParams(learning_rate=0.1)\n",
            "reported-code-unchanged",
        ),
        Example(
            "import tensorflow as tf\n"
            "from tensorflow.contrib.tensorboard.plugins import projector\n\nx = tf.ones([2])\n",
            None,
            "unused-contrib-import-reported",
        ),
        Example(
            "import tensorflow as tf\nimport tf.contrib.layers as layers\n\nx = tf.ones([2])\n",
            None,
            "contrib-imported-through-the-alias-reported",
        ),
    )

    def visit_Module(self, node: cst.Module) -> bool:
        super().visit_Module(node)
        reported_lines: set[int] = set()
        references = syntax.references_in(node)  # import statements left out: their uses are reported
        index = 0
        while index < len(references.nodes):
            reference = references.nodes[index]
            name = self.tf_api(reference)
            found = lookup(name) if name is not None else None
            if name is None or found is None:
                index += 1
                continue
            line = self.line_of(reference)
            if line not in reported_lines:
                reported_lines.add(line)
                reason, replacement = found
                self.report(reference, f"{name}: {reason}; use {replacement}", severity=Severity.ERROR)
            index = references.ends[index]  # not also the parts of a reported chain
        self._report_unused_contrib_imports(node, reported_lines)
        return False

    def _report_unused_contrib_imports(self, module: cst.Module, reported_lines: set[int]) -> None:
        """`from tensorflow.contrib... import x` fails in TF 2 even where nothing uses `x`."""
        for statement in module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                modules: list[str] = []
                if isinstance(small, cst.ImportFrom) and small.module is not None:
                    modules = [syntax.code_of(small.module)]
                elif isinstance(small, cst.Import):
                    modules = [syntax.code_of(alias.name) for alias in small.names]
                for module_name in modules:
                    if module_name.startswith("tensorflow.contrib"):
                        why = f"{module_name} does not exist in TF 2: the import fails even where nothing uses it"
                    elif module_name.startswith("tf.contrib"):
                        # `import tf.contrib.layers as layers`: the alias taken for a package name.
                        why = (
                            f"{module_name} names no module (TensorFlow's package is `tensorflow`, and"
                            " tensorflow.contrib does not exist in TF 2): the import fails"
                        )
                    else:
                        continue
                    line = self.line_of(small)
                    if line not in reported_lines:
                        reported_lines.add(line)
                        self.report(small, why, severity=Severity.ERROR)
