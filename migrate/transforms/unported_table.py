"""TF1 symbols with no TF 2 home, why, and what to use instead.

Keys are canonical TF1 paths or path prefixes (a key ending in "." matches everything under
it); the longest matching key wins. `tf.contrib.slim` is absent: TFM130 moves it to `tf_slim`.
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType
from typing import Final

UNPORTED: Final = MappingProxyType(
    {
        "tf.examples.tutorials.": (
            "tensorflow.examples.tutorials was removed in TF 2",
            "the mnist_input_data module TFM140 writes for read_data_sets, or tf.keras.datasets.mnist.load_data()",
        ),
        # TF 0.x names that TF 1.0 moved (listed by TF 1.x's tf.contrib.deprecated): neither
        # TF 1.x nor TF 2 has them, so the program did not run on TF 1.x either.
        **{
            f"tf.{old}": ("a TF 0.x name that TF 1.0 moved", f"{new}, its TF 1.x name")
            for old, new in (
                ("scalar_summary", "tf.summary.scalar"),
                ("histogram_summary", "tf.summary.histogram"),
                ("audio_summary", "tf.summary.audio"),
                ("image_summary", "tf.summary.image"),
                ("merge_summary", "tf.summary.merge"),
                ("merge_all_summaries", "tf.summary.merge_all"),
                ("train.SummaryWriter", "tf.summary.FileWriter"),
                ("nn.seq2seq.", "tf.contrib.legacy_seq2seq"),
            )
        },
        "tf.estimator.": (
            "tf.estimator was removed in TF 2.16",
            ("tf.keras: a Model of the same layers trained with fit() on a tf.data.Dataset "
             "(numpy_input_fn's arrays through tf.data.Dataset.from_tensor_slices)"),
        ),
        "tf.estimator.BoostedTreesClassifier": (
            "tf.estimator was removed in TF 2.16",
            "tensorflow_decision_forests: tfdf.keras.GradientBoostedTreesModel(task=tfdf.keras.Task.CLASSIFICATION)",
        ),
        "tf.estimator.BoostedTreesRegressor": (
            "tf.estimator was removed in TF 2.16",
            "tensorflow_decision_forests: tfdf.keras.GradientBoostedTreesModel(task=tfdf.keras.Task.REGRESSION)",
        ),
        "tf.contrib.": (
            "tf.contrib was removed in TF 2",
            "the core TF 2 API, tf.keras, or tensorflow_addons for what moved there",
        ),
        "tf.contrib.rnn.": (
            "tf.contrib.rnn was removed in TF 2",
            "tf.keras.layers RNN layers (LSTM, GRU, SimpleRNN, RNN with LSTMCell / GRUCell)",
        ),
        "tf.contrib.layers.l2_regularizer": (
            "tf.contrib.layers was removed in TF 2",
            "tf.keras.regularizers.L2(scale / 2): contrib computes scale * sum(w**2) / 2, Keras l2 * sum(w**2)",
        ),
        "tf.contrib.layers.l1_regularizer": (
            "tf.contrib.layers was removed in TF 2",
            "tf.keras.regularizers.L1(scale): both compute scale * sum(|w|)",
        ),
        "tf.contrib.layers.flatten": ("tf.contrib.layers was removed in TF 2", "tf.keras.layers.Flatten()"),
        "tf.contrib.layers.fully_connected": (
            "tf.contrib.layers was removed in TF 2",
            "tf.keras.layers.Dense (note: contrib defaults to a ReLU activation, Dense to none)",
        ),
        "tf.contrib.layers.batch_norm": (
            "tf.contrib.layers was removed in TF 2",
            "tf.keras.layers.BatchNormalization (contrib's decay is Keras' momentum; scale defaults differ)",
        ),
        "tf.contrib.seq2seq.": (
            "tf.contrib.seq2seq was removed in TF 2",
            "tensorflow_addons.seq2seq, or tf.keras attention layers",
        ),
        "tf.contrib.learn.": (
            "tf.contrib.learn was removed in TF 2",
            "tf.keras (for datasets: tf.keras.datasets or tensorflow_datasets)",
        ),
        "tf.contrib.eager.": (
            "tf.contrib.eager was removed in TF 2",
            "eager execution is the TF 2 default; tf.function",
        ),
        "tf.contrib.learn.preprocessing.VocabularyProcessor": (
            "tf.contrib.learn was removed in TF 2",
            ("tf.keras.layers.TextVectorization(output_sequence_length=max_document_length) adapted on the texts "
            "(word ids follow frequency rather than first appearance, and unknown words get 1 rather than 0)"),
        ),
        "tf.contrib.learn.ModeKeys": (
            "tf.contrib.learn was removed in TF 2",
            "the strings it held: 'train', 'eval' and 'infer'",
        ),
        "tf.contrib.learn.python.learn.datasets.base.maybe_download": (
            "tf.contrib.learn was removed in TF 2",
            "tf.keras.utils.get_file(filename, source_url + filename, cache_subdir=os.path.abspath(work_directory))",
        ),
        "tf.contrib.learn.datasets.base.maybe_download": (
            "tf.contrib.learn was removed in TF 2",
            "tf.keras.utils.get_file(filename, source_url + filename, cache_subdir=os.path.abspath(work_directory))",
        ),
        "tf.contrib.eager.implicit_value_and_gradients": (
            "tf.contrib.eager was removed in TF 2",
            ("tf.GradientTape: compute the loss under `with tf.GradientTape() as tape:`, then "
            "tape.gradient(loss, variables)"),
        ),
        "tf.contrib.eager.implicit_gradients": (
            "tf.contrib.eager was removed in TF 2",
            ("tf.GradientTape: compute the loss under `with tf.GradientTape() as tape:`, then "
            "tape.gradient(loss, variables)"),
        ),
        "tf.contrib.legacy_seq2seq.": (
            "tf.contrib.legacy_seq2seq was removed in TF 2",
            "Keras encoder-decoder layers, or tensorflow_addons.seq2seq (BasicDecoder, AttentionWrapper)",
        ),
        "tf.contrib.legacy_seq2seq.rnn_decoder": (
            "tf.contrib.legacy_seq2seq was removed in TF 2",
            ("tf.keras.layers.RNN(cell, return_sequences=True, return_state=True) over the stacked decoder inputs, "
            "from the initial state"),
        ),
        "tf.contrib.legacy_seq2seq.sequence_loss_by_example": (
            "tf.contrib.legacy_seq2seq was removed in TF 2",
            ("tf.nn.sparse_softmax_cross_entropy_with_logits per step, times the weights, summed over the steps "
            "(divided by the weights' sum when average_across_timesteps)"),
        ),
        "tf.contrib.training.": (
            "tf.contrib.training was removed in TF 2",
            "tf.data for input pipelines; plain Python objects for hyperparameters",
        ),
        "tf.contrib.training.HParams": (
            "tf.contrib.training was removed in TF 2",
            "a dataclass or types.SimpleNamespace holding the values (tensorboard.plugins.hparams to log them)",
        ),
        "tf.contrib.training.bucket_by_sequence_length": (
            "tf.contrib.training was removed in TF 2",
            "tf.data.Dataset.bucket_by_sequence_length",
        ),
        "tf.contrib.tensorboard.plugins.projector.": (
            "tf.contrib.tensorboard was removed in TF 2",
            "tensorboard.plugins.projector (its visualize_embeddings takes the log directory, not a FileWriter)",
        ),
        "tf.contrib.rnn.NASCell": ("tf.contrib.rnn was removed in TF 2", "tensorflow_addons.rnn.NASCell"),
        "tf.contrib.rnn.OutputProjectionWrapper": (
            "tf.contrib.rnn was removed in TF 2",
            "the cell without the wrapper, its outputs passed through tf.keras.layers.Dense(output_size)",
        ),
        "tf.contrib.keras.": ("tf.contrib.keras was removed in TF 2", "tf.keras"),
        "tf.contrib.layers.": (
            "tf.contrib.layers was removed in TF 2",
            ("the same function from tf_slim (import tf_slim as slim) in code that keeps graph mode, "
            "else the Keras layer"),
        ),
        "tf.contrib.framework.": (
            "tf.contrib.framework was removed in TF 2",
            "tf.train.load_variable / tf.train.list_variables, tf.nest, tf.Module",
        ),
        "tf.contrib.distributions.": (
            "tf.contrib.distributions was removed in TF 2",
            "tensorflow_probability.distributions",
        ),
    }
)


# tf_slim resolves to `tf.contrib.slim.*` (see tf_names) and works on TF 2.
HAS_A_HOME: Final = ("tf.contrib.slim",)


@cache
def lookup(name: str) -> tuple[str, str] | None:
    """(reason, replacement) for a canonical TF1 path, or None if it has a TF 2 home."""
    if any(name == home or name.startswith(home + ".") for home in HAS_A_HOME):
        return None
    best: str | None = None
    for key in UNPORTED:
        matches = name.startswith(key) if key.endswith(".") else name == key or name.startswith(key + ".")
        if matches and (best is None or len(key) > len(best)):
            best = key
    return UNPORTED[best] if best is not None else None
