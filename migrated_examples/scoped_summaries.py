"""A tutorial-style program with its graph in an explicit graph object, entered together with
the session (`with graph.as_default(), tf.Session() as sess:`), ops grouped under
`tf.name_scope(...) as scope`, scalar summaries merged with
`merge_all(key="summaries")` and written every few steps to a temporary log directory."""
import tempfile

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(2)
x_vals = rng.normal(1.0, 0.1, 100).astype(np.float32)
y_vals = np.repeat(10.0, 100).astype(np.float32)
logdir = tempfile.mkdtemp()

tf.random.set_seed(4)
A = tf.Variable(tf.random.normal(shape=[1]))
writer = tf.summary.create_file_writer(logdir)
optimizer = tf.keras.optimizers.SGD(learning_rate=0.02)


def loss_fn(x_data, y_target):
    my_output = tf.multiply(x_data, A)
    loss = tf.reduce_mean(tf.square(my_output - y_target))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.float32),
    ]
)
def train_step(x_data, y_target):
    with tf.GradientTape() as tape:
        loss = loss_fn(x_data, y_target)
    variables = [A]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.float32),
    ]
)
def compute_summaries_and_loss(x_data, y_target):
    loss = loss_fn(x_data, y_target)
    return [(loss,), loss]


def write_summaries(writer, values, step):
    with writer.as_default():
        tf.summary.scalar('model/loss', values[0], step=step)


for i in range(60):
    index = rng.choice(100, size=20)
    train_step(x_vals[index], y_vals[index])
    if (i + 1) % 20 == 0:
        summary, temp_loss = tf.nest.map_structure(lambda t: t.numpy(), compute_summaries_and_loss(x_vals, y_vals))
        write_summaries(writer, summary, i)
        print("Step #%d A = %.5f loss = %.5f" % (i + 1, A.numpy()[0], temp_loss))
writer.close()
