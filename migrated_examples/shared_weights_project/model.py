"""A classifier whose training and evaluation graphs share one set of weights."""
import tensorflow as tf


class Classifier(tf.Module):
    """Built twice: once to train (with the optimizer), once more over the same variables to evaluate."""

    def __init__(self, num_features, num_classes, hidden_size=16, learning_rate=0.01):
        super().__init__()

        self.classifier_hidden = tf.keras.layers.Dense(hidden_size, activation=tf.nn.relu, name="classifier_hidden")
        self.classifier_logits = tf.keras.layers.Dense(num_classes, name="classifier_logits")

        # Only the training graph gets an optimizer: the evaluation graph just reads the weights.
        self.optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)
        self.train_step = tf.function(
            self.train_step, input_signature=[
                tf.TensorSpec(shape=[None, num_features], dtype=tf.float32),
                tf.TensorSpec(shape=[None], dtype=tf.int64),
            ]
        )
        self.compute_loss_and_accuracy = tf.function(
            self.compute_loss_and_accuracy, input_signature=[
                tf.TensorSpec(shape=[None, num_features], dtype=tf.float32),
                tf.TensorSpec(shape=[None], dtype=tf.int64),
            ]
        )
        self.predict = tf.function(
            self.predict, input_signature=[
                tf.TensorSpec(shape=[None, num_features], dtype=tf.float32),
            ]
        )

    def logits_fn(self, features):
        hidden = self.classifier_hidden(features)
        logits = self.classifier_logits(hidden)
        return logits

    def loss_fn(self, labels, logits):
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        return loss

    def predictions_fn(self, logits):
        predictions = tf.argmax(logits, 1)
        return predictions

    def train_step(self, features, labels):
        with tf.GradientTape() as tape:
            logits = self.logits_fn(features)
            loss = self.loss_fn(labels, logits)
        variables = [*self.classifier_hidden.trainable_variables, *self.classifier_logits.trainable_variables]
        gradients = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(gradients, variables))
        return loss

    def compute_loss_and_accuracy(self, features, labels):
        logits = self.logits_fn(features)
        loss = self.loss_fn(labels, logits)
        predictions = self.predictions_fn(logits)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(predictions, labels), tf.float32))
        return [loss, accuracy]

    def predict(self, features):
        logits = self.logits_fn(features)
        predictions = self.predictions_fn(logits)
        return predictions
