"""A bag-of-words text classifier: the graph is built by the model class."""
import tensorflow as tf


class TextClassifier(tf.Module):
    """One hidden layer with dropout, a softmax output, loss with an L2 penalty, accuracy."""

    def __init__(self, vocab_size, num_classes, hidden_size=16, l2_reg_lambda=0.01):
        super().__init__()
        self.l2_reg_lambda = l2_reg_lambda
        self.num_classes = num_classes
        self.vocab_size = vocab_size

        self.W = tf.Variable(tf.random.truncated_normal([vocab_size, hidden_size], stddev=0.1, dtype=tf.float32), name="hidden/W")
        self.b = tf.Variable(tf.keras.initializers.Constant(value=0.1)(shape=[hidden_size], dtype=tf.float32), name="hidden/b")

        self.scores_layer = tf.keras.layers.Dense(num_classes, name="scores")
        self.compute_loss_and_accuracy = tf.function(
            self.compute_loss_and_accuracy, input_signature=[
                tf.TensorSpec(shape=[None, vocab_size], dtype=tf.float32),
                tf.TensorSpec(shape=[None, num_classes], dtype=tf.float32),
                tf.TensorSpec(shape=None, dtype=tf.float32),
            ]
        )
        self.predict = tf.function(
            self.predict, input_signature=[
                tf.TensorSpec(shape=[None, vocab_size], dtype=tf.float32),
                tf.TensorSpec(shape=None, dtype=tf.float32),
            ]
        )

    def scores_and_predictions_fn(self, input_x, dropout_keep_prob):
        h = tf.nn.relu(tf.matmul(input_x, self.W) + self.b)
        h_drop = tf.nn.dropout(h, rate=1 - dropout_keep_prob)
        scores = self.scores_layer(h_drop)
        predictions = tf.argmax(scores, 1, name="predictions")
        return scores, predictions

    def loss_and_accuracy_fn(self, input_y, scores, predictions):
        losses = tf.nn.softmax_cross_entropy_with_logits(logits=scores, labels=input_y)
        loss = tf.reduce_mean(losses) + self.l2_reg_lambda * tf.nn.l2_loss(self.W)
        correct_predictions = tf.equal(predictions, tf.argmax(input_y, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_predictions, "float"), name="accuracy")
        return loss, accuracy

    def compute_loss_and_accuracy(self, input_x, input_y, dropout_keep_prob):
        scores, predictions = self.scores_and_predictions_fn(input_x, dropout_keep_prob)
        loss, accuracy = self.loss_and_accuracy_fn(input_y, scores, predictions)
        return [loss, accuracy]

    def predict(self, input_x, dropout_keep_prob):
        scores, predictions = self.scores_and_predictions_fn(input_x, dropout_keep_prob)
        return predictions
