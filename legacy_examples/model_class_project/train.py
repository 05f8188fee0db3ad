"""Trains the classifier of model.py on synthetic bag-of-words data."""
import numpy as np
import tensorflow as tf
from model import TextClassifier

rng = np.random.RandomState(0)
vocab_size, num_classes = 20, 3
centers = rng.rand(num_classes, vocab_size)
labels = rng.randint(0, num_classes, 96)
x_all = (rng.rand(96, vocab_size) < centers[labels]).astype(np.float32)
y_all = np.eye(num_classes, dtype=np.float32)[labels]
x_train, y_train = x_all[:80], y_all[:80]
x_dev, y_dev = x_all[80:], y_all[80:]
batch_size = 16

tf.set_random_seed(0)
model = TextClassifier(vocab_size=vocab_size, num_classes=num_classes)
global_step = tf.Variable(0, name="global_step", trainable=False)
optimizer = tf.train.AdamOptimizer(1e-2)
grads_and_vars = optimizer.compute_gradients(model.loss)
train_op = optimizer.apply_gradients(grads_and_vars, global_step=global_step)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())

    def train_step(x_batch, y_batch):
        feed_dict = {model.input_x: x_batch, model.input_y: y_batch, model.dropout_keep_prob: 0.5}
        _, step, loss, accuracy = sess.run([train_op, global_step, model.loss, model.accuracy], feed_dict)
        return step, loss, accuracy

    def dev_step(x_batch, y_batch):
        feed_dict = {model.input_x: x_batch, model.input_y: y_batch, model.dropout_keep_prob: 1.0}
        loss, accuracy = sess.run([model.loss, model.accuracy], feed_dict)
        print("dev: loss {:g}, acc {:g}".format(loss, accuracy))

    for epoch in range(4):
        for start in range(0, len(x_train), batch_size):
            step, loss, accuracy = train_step(x_train[start:start + batch_size], y_train[start:start + batch_size])
        print("epoch {}: step {}, loss {:g}, acc {:g}".format(epoch, step, loss, accuracy))
        dev_step(x_dev, y_dev)
    print("predictions", sess.run(model.predictions, {model.input_x: x_dev[:8], model.dropout_keep_prob: 1.0}))
