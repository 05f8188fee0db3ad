"""Training with periodic evaluation on held-out data and TensorBoard summaries.

A one-hidden-layer classifier for 5 classes of noisy 6-D points. Every 10 steps the model
is evaluated on a validation set; loss and accuracy go to TensorBoard event files for both
the training and the validation run, indexed by a global step variable.
"""
import os
import shutil
import tempfile

import numpy as np
import tensorflow as tf

learning_rate = 0.1
max_steps = 60
eval_every = 10
batch_size = 40

n_input = 6
n_hidden = 12
n_classes = 5

rng = np.random.RandomState(0)
centres = 1.5 * rng.randn(n_classes, n_input)


def make_split(n):
    labels = rng.randint(0, n_classes, size=n)
    points = centres[labels] + rng.randn(n, n_input)
    return points.astype(np.float32), labels.astype(np.int64)


train_x, train_labels = make_split(400)
valid_x, valid_labels = make_split(200)

tf.set_random_seed(0)

with tf.name_scope("input"):
    x = tf.placeholder(tf.float32, [None, n_input], name="x-input")
    labels = tf.placeholder(tf.int64, [None], name="labels")

W1 = tf.Variable(tf.truncated_normal([n_input, n_hidden], stddev=0.5), name="W1")
b1 = tf.Variable(tf.constant(0.1, shape=[n_hidden]), name="b1")
W2 = tf.Variable(tf.truncated_normal([n_hidden, n_classes], stddev=0.5), name="W2")
b2 = tf.Variable(tf.zeros([n_classes]), name="b2")

hidden = tf.nn.tanh(tf.matmul(x, W1) + b1)
logits = tf.matmul(hidden, W2) + b2

with tf.name_scope("cross_entropy"):
    cross_entropy = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
tf.summary.scalar("cross_entropy", cross_entropy)

with tf.name_scope("accuracy"):
    correct_prediction = tf.equal(tf.argmax(logits, 1), labels)
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
tf.summary.scalar("accuracy", accuracy)

# The global step counts training steps; minimize() increments it.
global_step = tf.Variable(0, trainable=False, name="global_step")
train_step = tf.train.GradientDescentOptimizer(learning_rate).minimize(
    cross_entropy, global_step=global_step)

# Merge all the summaries and write them out to a fresh log directory
merged = tf.summary.merge_all()
logdir = tempfile.mkdtemp(prefix="train_eval_summaries_")

sess = tf.Session()
train_writer = tf.summary.FileWriter(os.path.join(logdir, "train"), sess.graph)
test_writer = tf.summary.FileWriter(os.path.join(logdir, "validation"))
sess.run(tf.global_variables_initializer())

n_batches = len(train_x) // batch_size
for step in range(max_steps):
    if step % eval_every == 0:
        # Record summaries and accuracy on the held-out set
        summary, acc, val_loss = sess.run([merged, accuracy, cross_entropy],
                                          feed_dict={x: valid_x, labels: valid_labels})
        test_writer.add_summary(summary, step)
        print("Validation at step %s: accuracy %.4f, loss %.6f" % (step, acc, val_loss))
    # Train on the next batch and record its summaries
    start = (step % n_batches) * batch_size
    feed = {x: train_x[start:start + batch_size], labels: train_labels[start:start + batch_size]}
    summary, _, gs = sess.run([merged, train_step, global_step], feed_dict=feed)
    train_writer.add_summary(summary, gs)

final_acc = sess.run(accuracy, feed_dict={x: valid_x, labels: valid_labels})
print("Final validation accuracy: %.4f after %d steps" % (final_acc, sess.run(global_step)))
print("b1 =", np.round(sess.run(b1), 4))

train_writer.close()
test_writer.close()
sess.close()

# The event files are there; report how many of each run were written, then tidy up.
for run in ("train", "validation"):
    print("%s: %d event file(s)" % (run, len(os.listdir(os.path.join(logdir, run)))))
shutil.rmtree(logdir)
