"""An encoder and a decoder built from layers inside variable scopes, saved and restored.

The layers are `tf.layers.dense` and `tf.contrib.layers.fully_connected` calls under
`tf.variable_scope("encoder")` / `tf.variable_scope("decoder")`, so TF1 names their variables
`encoder/dense/kernel`, `encoder/dense_1/kernel`, `decoder/fully_connected/weights`. The model
trains, saves into a temporary directory, and a second session restores it and prints the
restored loss, which must equal the loss at saving time.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
tf.random.set_seed(0)

x_data = rng.normal(size=(48, 6)).astype(np.float32)

encoder_dense = tf.keras.layers.Dense(4, activation=tf.nn.tanh, name="encoder_dense")
encoder_dense_1 = tf.keras.layers.Dense(2, name="encoder_dense_1")
decoder_fully_connected = tf.keras.layers.Dense(6, activation=None, name="decoder_fully_connected")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.2)

saver = tf.train.Checkpoint(**{"encoder/dense": encoder_dense, "encoder/dense_1": encoder_dense_1, "decoder/fully_connected": decoder_fully_connected})
checkpoint_path = os.path.join(tempfile.mkdtemp(), "autoencoder.ckpt")


def code_fn(x):
    hidden = encoder_dense(x)
    code = encoder_dense_1(hidden)
    return code


def loss_fn(x, code):
    reconstruction = decoder_fully_connected(code)
    loss = tf.reduce_mean(tf.square(reconstruction - x))
    return loss


@tf.function(input_signature=[tf.TensorSpec(shape=[None, 6], dtype=tf.float32)])
def train_step(x):
    with tf.GradientTape() as tape:
        code = code_fn(x)
        loss = loss_fn(x, code)
    variables = [*encoder_dense.trainable_variables, *encoder_dense_1.trainable_variables, *decoder_fully_connected.trainable_variables]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function(input_signature=[tf.TensorSpec(shape=[None, 6], dtype=tf.float32)])
def compute_loss(x):
    code = code_fn(x)
    loss = loss_fn(x, code)
    return loss


@tf.function(input_signature=[tf.TensorSpec(shape=[None, 6], dtype=tf.float32)])
def compute_code(x):
    code = code_fn(x)
    return code


for step in range(60):
    l = train_step(x_data).numpy()
    if step % 20 == 0:
        print("step %d loss %.6f" % (step, l))
saver.write(checkpoint_path)
print("saved loss %.6f" % compute_loss(x_data).numpy())

saver.read(checkpoint_path).assert_existing_objects_matched()
print("restored loss %.6f" % compute_loss(x_data).numpy())
print("codes", np.round(compute_code(x_data[:3]).numpy(), 5))
