"""A model class built on the batches of a tf.data iterator, as research code writes it: the
constructor takes the input tensors (`Classifier(images, labels, ...)`) with its settings, makes
its weights under a `tf.variable_scope`, its loss, accuracy and an `AdamOptimizer` step; the
script trains epoch by epoch until `tf.errors.OutOfRangeError`."""
import numpy as np
import tensorflow as tf


class Classifier(tf.Module):
    def __init__(self, hidden_units, learning_rate):
        super().__init__()
        self.w1 = tf.Variable(tf.random.normal([4, hidden_units], stddev=0.3, dtype=tf.float32), name="classifier/w1")
        self.b1 = tf.Variable(tf.keras.initializers.Zeros()(shape=[hidden_units], dtype=tf.float32), name="classifier/b1")
        self.w2 = tf.Variable(tf.random.normal([hidden_units, 3], stddev=0.3, dtype=tf.float32), name="classifier/w2")
        self.optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)

    def model_labels_and_logits_fn(self, element):
        images, labels = element
        model_images = images
        model_labels = labels
        hidden = tf.nn.relu(tf.matmul(model_images, self.w1) + self.b1)
        logits = tf.matmul(hidden, self.w2)
        return model_labels, logits

    @tf.function
    def train_step(self, element):
        with tf.GradientTape() as tape:
            model_labels, logits = self.model_labels_and_logits_fn(element)
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=model_labels, logits=logits))
        variables = [self.w1, self.b1, self.w2]
        gradients = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(gradients, variables))
        return loss


rng = np.random.RandomState(0)
features = rng.normal(size=(96, 4)).astype(np.float32)
targets = (features[:, 0] > 0).astype(np.int32) + (features[:, 1] > 0.5).astype(np.int32)

dataset = tf.data.Dataset.from_tensor_slices((features, targets)).batch(32)
iterator = iter(dataset)
model = Classifier(hidden_units=8, learning_rate=0.05)


@tf.function
def compute_accuracy(element):
    model_labels, logits = model.model_labels_and_logits_fn(element)
    correct = tf.equal(tf.argmax(logits, 1, output_type=tf.int32), model_labels)
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    return accuracy


for epoch in range(5):
    iterator = iter(dataset)
    losses = []
    try:
        while True:
            loss = model.train_step(iterator.get_next()).numpy()
            losses.append(loss)
    except tf.errors.OutOfRangeError:
        pass
    print("epoch %d: loss %.5f" % (epoch, np.mean(losses)))
iterator = iter(dataset)
print("accuracy on the first batch: %.4f" % compute_accuracy(iterator.get_next()).numpy())
