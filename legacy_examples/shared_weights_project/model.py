"""A classifier whose training and evaluation graphs share one set of weights."""
import tensorflow as tf


class Classifier(object):
    """Built twice: once to train (with the optimizer), once more over the same variables to evaluate."""

    def __init__(self, num_features, num_classes, hidden_size=16, is_training=True, reuse=False,
                 learning_rate=0.01):
        self.features = tf.placeholder(tf.float32, [None, num_features], name="features")
        self.labels = tf.placeholder(tf.int64, [None], name="labels")

        with tf.variable_scope("classifier", reuse=reuse):
            hidden = tf.layers.dense(self.features, hidden_size, activation=tf.nn.relu, name="hidden")
            self.logits = tf.layers.dense(hidden, num_classes, name="logits")

        self.loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=self.labels, logits=self.logits))
        self.predictions = tf.argmax(self.logits, 1)
        self.accuracy = tf.reduce_mean(tf.cast(tf.equal(self.predictions, self.labels), tf.float32))
        if is_training:
            # Only the training graph gets an optimizer: the evaluation graph just reads the weights.
            self.train_op = tf.train.AdamOptimizer(learning_rate).minimize(self.loss)
