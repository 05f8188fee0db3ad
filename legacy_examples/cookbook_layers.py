"""A small regression network in the style of tutorial cookbooks.

The weights come from helper functions that each create one `tf.Variable`; a separate helper
computes a fully connected layer. After training, the fitted values are fetched into Python
under the variables' own names (`[[b]] = sess.run(b)`), as such scripts often do to plot them.
"""
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import ops

ops.reset_default_graph()
sess = tf.Session()

rng = np.random.RandomState(0)
x_vals = rng.uniform(-1.0, 1.0, size=(120, 3)).astype(np.float32)
y_vals = (x_vals.dot([[1.5], [-2.0], [0.5]]) + 0.3).astype(np.float32)
batch_size = 20
steps = 60

tf.set_random_seed(1)


def init_weight(shape, st_dev):
    weight = tf.Variable(tf.random_normal(shape, stddev=st_dev))
    return weight


def init_bias(shape, st_dev):
    return tf.Variable(tf.random_normal(shape, stddev=st_dev))


x_data = tf.placeholder(shape=[None, 3], dtype=tf.float32)
y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)


def fully_connected(input_layer, weights, biases):
    layer = tf.add(tf.matmul(input_layer, weights), biases)
    return tf.nn.relu(layer)


weight_1 = init_weight(shape=[3, 8], st_dev=0.5)
bias_1 = init_bias(shape=[8], st_dev=0.5)
layer_1 = fully_connected(x_data, weight_1, bias_1)

A = init_weight(shape=[8, 1], st_dev=0.5)
b = init_bias(shape=[1], st_dev=0.5)
final_output = tf.add(tf.matmul(layer_1, A), b)

loss = tf.reduce_mean(tf.square(y_target - final_output))
my_opt = tf.train.GradientDescentOptimizer(0.05)
train_step = my_opt.minimize(loss)

init = tf.global_variables_initializer()
sess.run(init)

# Plain Python values: how many batches make an epoch.
n_batches = int(len(x_vals) / batch_size)
loss_vec = []
for i in range(steps):
    index = (i % n_batches) * batch_size
    rand_x = x_vals[index:index + batch_size]
    rand_y = y_vals[index:index + batch_size]
    sess.run(train_step, feed_dict={x_data: rand_x, y_target: rand_y})
    temp_loss = sess.run(loss, feed_dict={x_data: rand_x, y_target: rand_y})
    loss_vec.append(temp_loss)
    if (i + 1) % 20 == 0:
        print("Step #" + str(i + 1) + " Loss = " + str(temp_loss))

# The fitted output layer, fetched under the variables' own names.
[[a1], [a2], [a3], [a4], [a5], [a6], [a7], [a8]] = sess.run(A)
[b] = sess.run(b)
print("output weights:", np.round([a1, a2, a3, a4, a5, a6, a7, a8], 4))
print("intercept: %.4f" % b)
print("mean loss of the last epoch: %.6f" % np.mean(loss_vec[-n_batches:]))
