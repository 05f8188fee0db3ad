"""Layer functions shared by train.py and sample.py: each call of `neuron_layer` makes its own
weights, named after the name scopes it is called in."""
import numpy as np
import tensorflow as tf

INIT_SEED = 7


class NeuronLayer(tf.Module):
    def __init__(self, scope):
        super().__init__()
        self.scope = scope
        self.built = False

    def __call__(self, X, n_neurons, name, activation=None):
        if not self.built:
            n_inputs = int(X.get_shape()[1])
            stddev = 2 / np.sqrt(n_inputs)
            init = tf.random.truncated_normal((n_inputs, n_neurons), stddev=stddev, seed=INIT_SEED)
            self.W = tf.Variable(init, name=self.scope + "/kernel")
            self.b = tf.Variable(tf.zeros([n_neurons]), name=self.scope + "/bias")
            self.built = True
        Z = tf.matmul(X, self.W) + self.b
        if activation is not None:
            return activation(Z)
        return Z


def cross_entropy(logits, labels):
    xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    return tf.reduce_mean(xentropy, name="loss")
