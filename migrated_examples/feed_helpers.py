"""Runs fed through helper functions, in the shapes of TensorFlow's own MNIST tutorials.

As in fully_connected_feed.py, `placeholder_inputs` makes the inputs and `fill_feed_dict` is
given them with the data set whose next batch it feeds. As in mnist_with_summaries.py,
`feed_dict(train)` reads the placeholders as globals and picks a training batch with dropout,
or the test set without; each run calls it in its own feed. The data are 16-pixel synthetic
images of 3 classes.
"""
import numpy as np
import tensorflow as tf

PIXELS = 16
CLASSES = 3
BATCH = 10


class DataSet(object):
    def __init__(self, seed, size):
        rng = np.random.RandomState(seed)
        self.images = rng.rand(size, PIXELS).astype(np.float32)
        self.labels = (self.images[:, :CLASSES].argmax(axis=1)).astype(np.int32)
        self._index = 0

    def next_batch(self, batch_size):
        start = self._index
        self._index = (self._index + batch_size) % len(self.images)
        return self.images[start:start + batch_size], self.labels[start:start + batch_size]


train_set = DataSet(0, 60)
test_set = DataSet(1, 30)


def fill_feed_dict(data_set):
    """Fills the feed_dict for training the given step."""
    images_feed, labels_feed = data_set.next_batch(BATCH)
    feed_dict = {
        "images_placeholder": images_feed,
        "labels_placeholder": labels_feed,
    }
    return feed_dict


w1 = tf.Variable(tf.random.truncated_normal([PIXELS, 8], stddev=0.1, seed=1), name="w1")
b1 = tf.Variable(tf.zeros([8]), name="b1")
w2 = tf.Variable(tf.random.truncated_normal([8, CLASSES], stddev=0.1, seed=2), name="w2")
b2 = tf.Variable(tf.zeros([CLASSES]), name="b2")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)


def feed_dict(train):
    """Make a TensorFlow feed_dict: maps data onto Tensor placeholders."""
    if train:
        xs, ys = train_set.next_batch(BATCH)
        k = 0.8
    else:
        xs, ys = test_set.images, test_set.labels
        k = 1.0
    return {"images_placeholder": xs, "labels_placeholder": ys, "keep_prob": k}


def hidden_fn(images_placeholder):
    hidden = tf.nn.relu(tf.matmul(images_placeholder, w1) + b1)
    return hidden


def logits_fn(keep_prob, hidden):
    dropped = tf.nn.dropout(hidden, rate=1 - keep_prob, seed=3)
    logits = tf.matmul(dropped, w2) + b2
    return logits


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=(None, PIXELS), dtype=tf.float32),
        tf.TensorSpec(shape=(None,), dtype=tf.int32),
        tf.TensorSpec(shape=None, dtype=tf.float32),
    ]
)
def compute_accuracy(images_placeholder, labels_placeholder, keep_prob):
    hidden = hidden_fn(images_placeholder)
    logits = logits_fn(keep_prob, hidden)
    correct = tf.nn.in_top_k(predictions=logits, targets=labels_placeholder, k=1)
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    return accuracy


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=(None, PIXELS), dtype=tf.float32),
        tf.TensorSpec(shape=(None,), dtype=tf.int32),
        tf.TensorSpec(shape=None, dtype=tf.float32),
    ]
)
def train_step(images_placeholder, labels_placeholder, keep_prob):
    with tf.GradientTape() as tape:
        hidden = hidden_fn(images_placeholder)
        logits = logits_fn(keep_prob, hidden)
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels_placeholder, logits=logits))
    variables = [w1, b1, w2, b2]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=(None, PIXELS), dtype=tf.float32),
        tf.TensorSpec(shape=(None,), dtype=tf.int32),
    ]
)
def compute_eval_loss(images_placeholder, labels_placeholder):
    hidden = hidden_fn(images_placeholder)
    # Without dropout: what fully_connected_feed.py's evaluation feeds no keep probability to.
    eval_logits = tf.matmul(hidden, w2) + b2
    eval_loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels_placeholder, logits=eval_logits))
    return eval_loss


for step in range(20):
    if step % 5 == 0:
        feed_2 = feed_dict(False)
        acc = compute_accuracy(feed_2["images_placeholder"], feed_2["labels_placeholder"], feed_2["keep_prob"]).numpy()
        print('Accuracy at step %s: %.4f' % (step, acc))
    else:
        feed_2 = feed_dict(True)
        loss_value = train_step(feed_2["images_placeholder"], feed_2["labels_placeholder"], feed_2["keep_prob"]).numpy()
        print('Step %d: loss = %.4f' % (step, loss_value))
# Evaluation batches, fed the way fully_connected_feed.py feeds them.
for step in range(3):
    feed = fill_feed_dict(test_set)
    loss_value = compute_eval_loss(feed["images_placeholder"], feed["labels_placeholder"]).numpy()
    print('Test loss %.4f' % loss_value)
