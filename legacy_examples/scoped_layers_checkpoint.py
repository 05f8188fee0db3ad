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
tf.set_random_seed(0)

x_data = rng.normal(size=(48, 6)).astype(np.float32)

x = tf.placeholder(tf.float32, [None, 6])
with tf.variable_scope("encoder"):
    hidden = tf.layers.dense(x, 4, activation=tf.nn.tanh)
    code = tf.layers.dense(hidden, 2)
with tf.variable_scope("decoder"):
    reconstruction = tf.contrib.layers.fully_connected(code, 6, activation_fn=None)
loss = tf.reduce_mean(tf.square(reconstruction - x))
train_op = tf.train.GradientDescentOptimizer(0.2).minimize(loss)

saver = tf.train.Saver()
checkpoint_path = os.path.join(tempfile.mkdtemp(), "autoencoder.ckpt")

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(60):
        _, l = sess.run([train_op, loss], feed_dict={x: x_data})
        if step % 20 == 0:
            print("step %d loss %.6f" % (step, l))
    saver.save(sess, checkpoint_path)
    print("saved loss %.6f" % sess.run(loss, feed_dict={x: x_data}))

with tf.Session() as sess:
    saver.restore(sess, checkpoint_path)
    print("restored loss %.6f" % sess.run(loss, feed_dict={x: x_data}))
    print("codes", np.round(sess.run(code, feed_dict={x: x_data[:3]}), 5))
