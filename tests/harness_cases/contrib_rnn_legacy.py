"""A TF1 RNN through `tf.contrib.rnn`, which the legacy side finds in `tf.compat.v1.nn`."""
import numpy as np
import tensorflow as tf
from tensorflow.contrib import rnn

inputs = tf.placeholder(tf.float32, [None, 4, 3])
cell = tf.contrib.rnn.BasicRNNCell(num_units=5)
outputs, state = tf.nn.dynamic_rnn(rnn.DropoutWrapper(cell, output_keep_prob=1.0), inputs, dtype=tf.float32)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(type(cell).__name__, sess.run(state, {inputs: np.ones((2, 4, 3))}).shape)
