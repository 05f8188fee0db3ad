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
            "tf.keras.datasets.mnist.load_data() (or tensorflow_datasets), with your own batching",
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
