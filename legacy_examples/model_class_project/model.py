"""A bag-of-words text classifier: the graph is built by the model class."""
import tensorflow as tf


class TextClassifier(object):
    """One hidden layer with dropout, a softmax output, loss with an L2 penalty, accuracy."""

    def __init__(self, vocab_size, num_classes, hidden_size=16, l2_reg_lambda=0.01):
        self.input_x = tf.placeholder(tf.float32, [None, vocab_size], name="input_x")
        self.input_y = tf.placeholder(tf.float32, [None, num_classes], name="input_y")
        self.dropout_keep_prob = tf.placeholder(tf.float32, name="dropout_keep_prob")

        with tf.variable_scope("hidden"):
            W = tf.get_variable(
                "W", shape=[vocab_size, hidden_size], initializer=tf.truncated_normal_initializer(stddev=0.1)
            )
            b = tf.get_variable("b", shape=[hidden_size], initializer=tf.constant_initializer(0.1))
            h = tf.nn.relu(tf.matmul(self.input_x, W) + b)
        h_drop = tf.nn.dropout(h, self.dropout_keep_prob)

        with tf.name_scope("output"):
            self.scores = tf.layers.dense(h_drop, num_classes, name="scores")
            self.predictions = tf.argmax(self.scores, 1, name="predictions")

        with tf.name_scope("loss"):
            losses = tf.nn.softmax_cross_entropy_with_logits(logits=self.scores, labels=self.input_y)
            self.loss = tf.reduce_mean(losses) + l2_reg_lambda * tf.nn.l2_loss(W)

        with tf.name_scope("accuracy"):
            correct_predictions = tf.equal(self.predictions, tf.argmax(self.input_y, 1))
            self.accuracy = tf.reduce_mean(tf.cast(correct_predictions, "float"), name="accuracy")
