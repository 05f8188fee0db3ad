"""Lasso or ridge regression, chosen by a setting while the graph is built.

The loss comes from an `if` chain on a Python string, and a `for` loop over the weight list
adds an L2 penalty term by term, the way tutorial scripts assemble their losses.
"""
import sys

import numpy as np
import tensorflow as tf

regression_type = "Ridge"
learning_rate = 0.05
steps = 200

rng = np.random.RandomState(0)
x_vals = rng.uniform(0.0, 2.0, size=(100, 2)).astype(np.float32)
y_vals = (x_vals.dot([[0.7], [-1.3]]) + 0.5 + 0.05 * rng.randn(100, 1)).astype(np.float32)

tf.random.set_seed(3)
A = tf.Variable(tf.random.normal(shape=[2, 1]))
b = tf.Variable(tf.random.normal(shape=[1, 1]))


my_opt = tf.keras.optimizers.SGD(learning_rate=learning_rate)


def loss_fn(x_data, y_target):
    weights = [A, b]
    model_output = tf.add(tf.matmul(x_data, A), b)
    if regression_type == "LASSO":
        lasso_param = tf.constant(0.9)
        heavyside_step = tf.truediv(1.0, tf.add(1.0, tf.exp(tf.multiply(-50.0, tf.subtract(A, lasso_param)))))
        regularization_param = tf.multiply(heavyside_step, 99.0)
        loss = tf.add(tf.reduce_mean(tf.square(y_target - model_output)), regularization_param)
    elif regression_type == "Ridge":
        ridge_param = tf.constant(0.1)
        ridge_loss = tf.reduce_mean(tf.square(A))
        loss = tf.add(tf.reduce_mean(tf.square(y_target - model_output)), tf.multiply(ridge_param, ridge_loss))
    else:
        print("Invalid regression_type parameter value", file=sys.stderr)
    for weight in weights:
        loss += 0.001 * tf.nn.l2_loss(weight)
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 2], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def train_step(x_data, y_target):
    with tf.GradientTape() as tape:
        loss = loss_fn(x_data, y_target)
    variables = [A, b]
    gradients = tape.gradient(loss, variables)
    my_opt.apply_gradients(zip(gradients, variables))


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 2], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def compute_loss(x_data, y_target):
    loss = loss_fn(x_data, y_target)
    return loss


for i in range(steps):
    rand_index = rng.choice(len(x_vals), size=25)
    train_step(x_vals[rand_index], y_vals[rand_index])
    if (i + 1) % 50 == 0:
        temp_loss = compute_loss(x_vals, y_vals).numpy()
        print("Step #%d loss = %.6f" % (i + 1, temp_loss))
[[slope_1], [slope_2]] = A.numpy()
[[intercept]] = b.numpy()
print("fit: %.4f x1 + %.4f x2 + %.4f" % (slope_1, slope_2, intercept))
