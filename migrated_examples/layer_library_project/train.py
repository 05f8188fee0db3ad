"""Trains a two-layer classifier built from the layer functions of layers.py."""
import numpy as np
import tensorflow as tf
from layers import NeuronLayer, cross_entropy

n_inputs, n_hidden, n_outputs = 4, 8, 3
rng = np.random.RandomState(0)
xs = rng.rand(48, n_inputs).astype(np.float32)
ys = (xs.sum(axis=1) * 1.5).astype(np.int32) % n_outputs

tf.random.set_seed(0)
dnn_hidden = NeuronLayer("dnn/hidden")
dnn_outputs = NeuronLayer("dnn/outputs")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)


def loss_fn(X, y):
    hidden = dnn_hidden(X, n_hidden, name="hidden", activation=tf.nn.relu)
    logits = dnn_outputs(hidden, n_outputs, name="outputs")
    loss = cross_entropy(logits, y)
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=(None, n_inputs), dtype=tf.float32),
        tf.TensorSpec(shape=(None), dtype=tf.int32),
    ]
)
def train_step(X, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(X, y)
    variables = [*dnn_hidden.trainable_variables, *dnn_outputs.trainable_variables]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=(None, n_inputs), dtype=tf.float32),
        tf.TensorSpec(shape=(None), dtype=tf.int32),
    ]
)
def compute_loss(X, y):
    loss = loss_fn(X, y)
    return loss


for epoch in range(30):
    train_step(xs, ys)
    if epoch % 10 == 0:
        print("epoch", epoch, "loss", compute_loss(xs, ys).numpy())
print("final loss", compute_loss(xs, ys).numpy())
