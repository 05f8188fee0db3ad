"""Trains a two-layer classifier built from the layer functions of layers.py."""
import numpy as np
import tensorflow as tf
from layers import cross_entropy, neuron_layer

n_inputs, n_hidden, n_outputs = 4, 8, 3
rng = np.random.RandomState(0)
xs = rng.rand(48, n_inputs).astype(np.float32)
ys = (xs.sum(axis=1) * 1.5).astype(np.int32) % n_outputs

tf.set_random_seed(0)
X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
y = tf.placeholder(tf.int32, shape=(None), name="y")
with tf.name_scope("dnn"):
    hidden = neuron_layer(X, n_hidden, name="hidden", activation=tf.nn.relu)
    logits = neuron_layer(hidden, n_outputs, name="outputs")
loss = cross_entropy(logits, y)
training_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(30):
        sess.run(training_op, feed_dict={X: xs, y: ys})
        if epoch % 10 == 0:
            print("epoch", epoch, "loss", loss.eval(feed_dict={X: xs, y: ys}))
    print("final loss", loss.eval(feed_dict={X: xs, y: ys}))
