"""Train a small linear model, save it with tf.train.Saver, restore it into a fresh session.

The checkpoint goes to a temporary directory; after restoring, the program prints the
restored weights and the loss they give, which must equal the values at saving time.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
tf.random.set_seed(0)

x_data = rng.normal(size=(64, 3)).astype(np.float32)
y_data = (x_data @ np.array([[1.5], [-2.0], [0.5]], dtype=np.float32) + 0.3).astype(np.float32)

W = tf.Variable(tf.random.normal([3, 1], stddev=0.1, dtype=tf.float32), name="linear/W")
b = tf.Variable(tf.keras.initializers.Zeros()(shape=[1], dtype=tf.float32), name="linear/b")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)

saver = tf.train.Checkpoint(**{"linear/W": W, "linear/b": b})
checkpoint_dir = tempfile.mkdtemp()
checkpoint_path = os.path.join(checkpoint_dir, "linear.ckpt")


def loss_fn(x, y):
    pred = tf.matmul(x, W) + b
    loss = tf.reduce_mean(tf.square(pred - y))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 3], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(x, y)
    variables = [W, b]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 3], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def compute_loss(x, y):
    loss = loss_fn(x, y)
    return loss


for step in range(100):
    l = train_step(x_data, y_data).numpy()
    if step % 25 == 0:
        print("step %d loss %.6f" % (step, l))
saved_path = saver.write(checkpoint_path)
print("saved to", os.path.basename(saved_path))
print("final loss %.6f" % compute_loss(x_data, y_data).numpy())

saver.read(checkpoint_path).assert_existing_objects_matched()
print("restored W", np.round(W.numpy().ravel(), 5))
print("restored b", np.round(b.numpy(), 5))
print("restored loss %.6f" % compute_loss(x_data, y_data).numpy())
