"""Samples classes from the network of layers.py, with the freshly initialized weights."""
import numpy as np
import tensorflow as tf
import layers

n_inputs, n_hidden, n_outputs = 4, 8, 3
rng = np.random.RandomState(1)
xs = rng.rand(6, n_inputs).astype(np.float32)

tf.set_random_seed(0)
X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
with tf.name_scope("dnn"):
    hidden = layers.neuron_layer(X, n_hidden, name="hidden", activation=tf.nn.relu)
    logits = layers.neuron_layer(hidden, n_outputs, name="outputs")
probabilities = tf.nn.softmax(logits)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("probabilities", sess.run(probabilities, feed_dict={X: xs}))
    print("most likely", np.argmax(sess.run(logits, feed_dict={X: xs}), axis=1))
