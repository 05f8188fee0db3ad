"""One small model trained once per learning rate, each run in a fresh graph built inside a
function: `train(learning_rate)` resets the default graph, builds placeholders, variables and
the training op, trains in its own session and returns the final loss and weights."""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
x_vals = rng.uniform(-1.0, 1.0, size=(64, 2)).astype(np.float32)
y_vals = (x_vals.dot([[2.0], [-1.0]]) + 0.3).astype(np.float32)


def train(learning_rate, steps=40):
    tf.random.set_seed(1)
    w = tf.Variable(tf.random.normal([2, 1], stddev=0.5))
    b = tf.Variable(tf.zeros([1]))
    optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)

    def loss_fn(x, y):
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        return loss

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, 2], dtype=tf.float32),
            tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
        ]
    )
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(x, y)
        variables = [w, b]
        gradients = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(gradients, variables))

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, 2], dtype=tf.float32),
            tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
        ]
    )
    def compute_loss_and_w(x, y):
        loss = loss_fn(x, y)
        return [loss, w]

    for _ in range(steps):
        train_step(x_vals, y_vals)
    final_loss, final_w = [value.numpy() for value in compute_loss_and_w(x_vals, y_vals)]
    return final_loss, final_w


for rate in (0.01, 0.1, 0.5):
    final_loss, final_w = train(rate)
    print("learning rate %.2f: loss %.6f, w %s" % (rate, final_loss, np.round(final_w.ravel(), 4)))
