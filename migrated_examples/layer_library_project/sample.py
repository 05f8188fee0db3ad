"""Samples classes from the network of layers.py, with the freshly initialized weights."""
import numpy as np
import tensorflow as tf
import layers

n_inputs, n_hidden, n_outputs = 4, 8, 3
rng = np.random.RandomState(1)
xs = rng.rand(6, n_inputs).astype(np.float32)

tf.random.set_seed(0)
dnn_hidden = layers.NeuronLayer("dnn/hidden")
dnn_outputs = layers.NeuronLayer("dnn/outputs")


def logits_fn(X):
    hidden = dnn_hidden(X, n_hidden, name="hidden", activation=tf.nn.relu)
    logits = dnn_outputs(hidden, n_outputs, name="outputs")
    return logits


@tf.function(input_signature=[tf.TensorSpec(shape=(None, n_inputs), dtype=tf.float32)])
def compute_probabilities(X):
    logits = logits_fn(X)
    probabilities = tf.nn.softmax(logits)
    return probabilities


@tf.function(input_signature=[tf.TensorSpec(shape=(None, n_inputs), dtype=tf.float32)])
def predict(X):
    logits = logits_fn(X)
    return logits


print("probabilities", compute_probabilities(xs).numpy())
print("most likely", np.argmax(predict(xs).numpy(), axis=1))
