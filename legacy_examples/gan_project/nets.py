"""The two networks of a 1-D GAN, each built by a function that makes its weights with
tf.get_variable under its own variable scope. train.py calls the discriminator twice, the second
time with reuse=True, so it scores real and generated samples with the same weights."""
import tensorflow as tf

noise_dim = 2
hidden_dim = 8


def generator(z, reuse=False):
    with tf.variable_scope("generator", reuse=reuse):
        w1 = tf.get_variable("w1", [noise_dim, hidden_dim], initializer=tf.random_normal_initializer(stddev=0.1))
        b1 = tf.get_variable("b1", [hidden_dim], initializer=tf.zeros_initializer())
        h = tf.nn.relu(tf.matmul(z, w1) + b1)
        w2 = tf.get_variable("w2", [hidden_dim, 1], initializer=tf.random_normal_initializer(stddev=0.1))
        b2 = tf.get_variable("b2", [1], initializer=tf.zeros_initializer())
        return tf.matmul(h, w2) + b2


def discriminator(x, reuse=False):
    with tf.variable_scope("discriminator", reuse=reuse):
        w1 = tf.get_variable("w1", [1, hidden_dim], initializer=tf.random_normal_initializer(stddev=0.1))
        b1 = tf.get_variable("b1", [hidden_dim], initializer=tf.zeros_initializer())
        h = tf.nn.tanh(tf.matmul(x, w1) + b1)
        w2 = tf.get_variable("w2", [hidden_dim, 1], initializer=tf.random_normal_initializer(stddev=0.1))
        b2 = tf.get_variable("b2", [1], initializer=tf.zeros_initializer())
        return tf.matmul(h, w2) + b2
