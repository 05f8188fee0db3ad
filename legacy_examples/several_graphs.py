"""Three small programs in one script, as tutorials write them: each builds its graph, runs
it in its own session, and the next one starts over, reusing the names `a`, `x_data`, `loss`
and `train_step`.
"""
import numpy as np
import tensorflow as tf

tf.set_random_seed(0)

# Program 1: a multiplication gate trained towards 50.
a = tf.Variable(tf.constant(4.0))
x_data = tf.placeholder(dtype=tf.float32)
multiplication = tf.multiply(a, x_data)
loss = tf.square(tf.subtract(multiplication, 50.0))
my_opt = tf.train.GradientDescentOptimizer(0.01)
train_step = my_opt.minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(10):
        sess.run(train_step, feed_dict={x_data: 5.0})
        print("a * 5 = %.5f" % sess.run(multiplication, feed_dict={x_data: 5.0}))

# Program 2: a nested gate, f(x) = a * x + b, on a fresh graph.
tf.reset_default_graph()
tf.set_random_seed(0)
a = tf.Variable(tf.constant(1.0))
b = tf.Variable(tf.constant(1.0))
x_data = tf.placeholder(dtype=tf.float32)
two_gate = tf.add(tf.multiply(a, x_data), b)
loss = tf.square(tf.subtract(two_gate, 50.0))
my_opt = tf.train.GradientDescentOptimizer(0.01)
train_step = my_opt.minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(10):
        sess.run(train_step, feed_dict={x_data: 5.0})
        a_val, b_val = (sess.run(a), sess.run(b))
        print("%.5f * 5 + %.5f = %.5f" % (a_val, b_val, sess.run(two_gate, feed_dict={x_data: 5.0})))

# Program 3: a constant computation, its own graph again.
tf.reset_default_graph()
x_vals = np.array([1.0, 3.0, 5.0, 7.0, 9.0], dtype=np.float32)
x_data = tf.placeholder(tf.float32)
m = tf.constant(3.0)
prod = tf.multiply(x_data, m)
with tf.Session() as sess:
    for x_val in x_vals:
        print(sess.run(prod, feed_dict={x_data: x_val}))
