"""Train a small linear model, save it with tf.train.Saver, restore it into a fresh session.

The checkpoint goes to a temporary directory; after restoring, the program prints the
restored weights and the loss they give, which must equal the values at saving time.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
tf.set_random_seed(0)

x_data = rng.normal(size=(64, 3)).astype(np.float32)
y_data = (x_data @ np.array([[1.5], [-2.0], [0.5]], dtype=np.float32) + 0.3).astype(np.float32)

x = tf.placeholder(tf.float32, [None, 3])
y = tf.placeholder(tf.float32, [None, 1])
with tf.variable_scope("linear"):
    W = tf.get_variable("W", [3, 1], initializer=tf.random_normal_initializer(stddev=0.1))
    b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
pred = tf.matmul(x, W) + b
loss = tf.reduce_mean(tf.square(pred - y))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)

saver = tf.train.Saver()
checkpoint_dir = tempfile.mkdtemp()
checkpoint_path = os.path.join(checkpoint_dir, "linear.ckpt")

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(100):
        _, l = sess.run([train_op, loss], feed_dict={x: x_data, y: y_data})
        if step % 25 == 0:
            print("step %d loss %.6f" % (step, l))
    saved_path = saver.save(sess, checkpoint_path)
    print("saved to", os.path.basename(saved_path))
    print("final loss %.6f" % sess.run(loss, feed_dict={x: x_data, y: y_data}))

with tf.Session() as sess:
    saver.restore(sess, checkpoint_path)
    print("restored W", np.round(sess.run(W).ravel(), 5))
    print("restored b", np.round(sess.run(b), 5))
    print("restored loss %.6f" % sess.run(loss, feed_dict={x: x_data, y: y_data}))
