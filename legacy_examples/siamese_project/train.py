"""Trains a siamese encoder: both inputs of a pair go through the same layers of layers.py."""
import numpy as np
import tensorflow as tf
from layers import encoder

rng = np.random.RandomState(5)
left = rng.rand(64, 6).astype(np.float32)
right = (left + 0.3 * rng.randn(64, 6)).astype(np.float32)
similar = (np.abs(left - right).mean(axis=1) < 0.25).astype(np.float32)

tf.set_random_seed(2)
x1 = tf.placeholder(tf.float32, [None, 6], name="x1")
x2 = tf.placeholder(tf.float32, [None, 6], name="x2")
target = tf.placeholder(tf.float32, [None], name="target")
code1 = encoder(x1)
code2 = encoder(x2, reuse=True)  # the same weights for the second input
distance = tf.reduce_sum(tf.square(code1 - code2), axis=1)
loss = tf.reduce_mean(target * distance + (1.0 - target) * tf.nn.relu(1.0 - distance))
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(60):
        _, loss_value = sess.run([train_op, loss], {x1: left, x2: right, target: similar})
        if step % 20 == 0:
            print("step %d: loss %.5f" % (step, loss_value))
    print("distances", sess.run(distance, {x1: left[:5], x2: right[:5]}))
