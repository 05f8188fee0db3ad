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

tf.set_random_seed(3)
x_data = tf.placeholder(shape=[None, 2], dtype=tf.float32)
y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)
A = tf.Variable(tf.random_normal(shape=[2, 1]))
b = tf.Variable(tf.random_normal(shape=[1, 1]))
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

my_opt = tf.train.GradientDescentOptimizer(learning_rate)
train_step = my_opt.minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(steps):
        rand_index = rng.choice(len(x_vals), size=25)
        sess.run(train_step, feed_dict={x_data: x_vals[rand_index], y_target: y_vals[rand_index]})
        if (i + 1) % 50 == 0:
            temp_loss = sess.run(loss, feed_dict={x_data: x_vals, y_target: y_vals})
            print("Step #%d loss = %.6f" % (i + 1, temp_loss))
    [[slope_1], [slope_2]] = sess.run(A)
    [[intercept]] = sess.run(b)
    print("fit: %.4f x1 + %.4f x2 + %.4f" % (slope_1, slope_2, intercept))
