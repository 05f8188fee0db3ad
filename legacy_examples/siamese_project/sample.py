"""Encodes a few inputs with the layers of layers.py, freshly initialized."""
import numpy as np
import tensorflow as tf
import layers

rng = np.random.RandomState(9)
inputs = rng.rand(5, 6).astype(np.float32)

tf.set_random_seed(4)
x = tf.placeholder(tf.float32, [None, 6], name="x")
code = layers.encoder(x)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("codes", sess.run(code, {x: inputs}))
