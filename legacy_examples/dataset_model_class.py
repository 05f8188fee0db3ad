"""A model class built on the batches of a tf.data iterator, as research code writes it: the
constructor takes the input tensors (`Classifier(images, labels, ...)`) with its settings, makes
its weights under a `tf.variable_scope`, its loss, accuracy and an `AdamOptimizer` step; the
script trains epoch by epoch until `tf.errors.OutOfRangeError`."""
import numpy as np
import tensorflow as tf


class Classifier(object):
    def __init__(self, images, labels, hidden_units, learning_rate):
        with tf.variable_scope("classifier"):
            w1 = tf.get_variable("w1", [4, hidden_units], initializer=tf.random_normal_initializer(stddev=0.3))
            b1 = tf.get_variable("b1", [hidden_units], initializer=tf.zeros_initializer())
            w2 = tf.get_variable("w2", [hidden_units, 3], initializer=tf.random_normal_initializer(stddev=0.3))
        hidden = tf.nn.relu(tf.matmul(images, w1) + b1)
        self.logits = tf.matmul(hidden, w2)
        self.loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=self.logits))
        correct = tf.equal(tf.argmax(self.logits, 1, output_type=tf.int32), labels)
        self.accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
        self.train_op = tf.train.AdamOptimizer(learning_rate).minimize(self.loss)


rng = np.random.RandomState(0)
features = rng.normal(size=(96, 4)).astype(np.float32)
targets = (features[:, 0] > 0).astype(np.int32) + (features[:, 1] > 0.5).astype(np.int32)

dataset = tf.data.Dataset.from_tensor_slices((features, targets)).batch(32)
iterator = dataset.make_initializable_iterator()
images, labels = iterator.get_next()
model = Classifier(images, labels, hidden_units=8, learning_rate=0.05)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(5):
        sess.run(iterator.initializer)
        losses = []
        try:
            while True:
                _, loss = sess.run([model.train_op, model.loss])
                losses.append(loss)
        except tf.errors.OutOfRangeError:
            pass
        print("epoch %d: loss %.5f" % (epoch, np.mean(losses)))
    sess.run(iterator.initializer)
    print("accuracy on the first batch: %.4f" % sess.run(model.accuracy))
