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


def placeholder_inputs(batch_size):
    images_placeholder = tf.placeholder(tf.float32, shape=(batch_size, PIXELS))
    labels_placeholder = tf.placeholder(tf.int32, shape=(batch_size,))
    return images_placeholder, labels_placeholder


def fill_feed_dict(data_set, images_pl, labels_pl):
    """Fills the feed_dict for training the given step."""
    images_feed, labels_feed = data_set.next_batch(BATCH)
    feed_dict = {
        images_pl: images_feed,
        labels_pl: labels_feed,
    }
    return feed_dict


images_placeholder, labels_placeholder = placeholder_inputs(None)
keep_prob = tf.placeholder(tf.float32)

w1 = tf.Variable(tf.truncated_normal([PIXELS, 8], stddev=0.1, seed=1), name="w1")
b1 = tf.Variable(tf.zeros([8]), name="b1")
w2 = tf.Variable(tf.truncated_normal([8, CLASSES], stddev=0.1, seed=2), name="w2")
b2 = tf.Variable(tf.zeros([CLASSES]), name="b2")
hidden = tf.nn.relu(tf.matmul(images_placeholder, w1) + b1)
dropped = tf.nn.dropout(hidden, keep_prob, seed=3)
logits = tf.matmul(dropped, w2) + b2
loss = tf.reduce_mean(
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels_placeholder, logits=logits))
train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
correct = tf.nn.in_top_k(logits, labels_placeholder, 1)
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
# Without dropout: what fully_connected_feed.py's evaluation feeds no keep probability to.
eval_logits = tf.matmul(hidden, w2) + b2
eval_loss = tf.reduce_mean(
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels_placeholder, logits=eval_logits))


def feed_dict(train):
    """Make a TensorFlow feed_dict: maps data onto Tensor placeholders."""
    if train:
        xs, ys = train_set.next_batch(BATCH)
        k = 0.8
    else:
        xs, ys = test_set.images, test_set.labels
        k = 1.0
    return {images_placeholder: xs, labels_placeholder: ys, keep_prob: k}


with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(20):
        if step % 5 == 0:
            acc = sess.run(accuracy, feed_dict=feed_dict(False))
            print('Accuracy at step %s: %.4f' % (step, acc))
        else:
            _, loss_value = sess.run([train_op, loss], feed_dict=feed_dict(True))
            print('Step %d: loss = %.4f' % (step, loss_value))
    # Evaluation batches, fed the way fully_connected_feed.py feeds them.
    for step in range(3):
        feed = fill_feed_dict(test_set, images_placeholder, labels_placeholder)
        loss_value = sess.run(eval_loss, feed_dict=feed)
        print('Test loss %.4f' % loss_value)
