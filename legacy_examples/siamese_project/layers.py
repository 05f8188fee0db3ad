"""The encoder of a siamese network: its weights live under one variable scope, and a second call
with `reuse=True` applies the same weights again."""
import tensorflow as tf

CODE_SIZE = 4


def encoder(x, reuse=False):
    with tf.variable_scope("encoder", reuse=reuse):
        w1 = tf.get_variable("w1", [6, 8], initializer=tf.glorot_uniform_initializer())
        b1 = tf.get_variable("b1", [8], initializer=tf.zeros_initializer())
        hidden = tf.nn.tanh(tf.matmul(x, w1) + b1)
        w2 = tf.get_variable("w2", [8, CODE_SIZE], initializer=tf.glorot_uniform_initializer())
        b2 = tf.get_variable("b2", [CODE_SIZE], initializer=tf.zeros_initializer())
        return tf.matmul(hidden, w2) + b2
