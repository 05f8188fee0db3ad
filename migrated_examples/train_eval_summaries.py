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

tf.random.set_seed(0)


W1 = tf.Variable(tf.random.truncated_normal([n_input, n_hidden], stddev=0.5), name="W1")
b1 = tf.Variable(tf.constant(0.1, shape=[n_hidden]), name="b1")
W2 = tf.Variable(tf.random.truncated_normal([n_hidden, n_classes], stddev=0.5), name="W2")
b2 = tf.Variable(tf.zeros([n_classes]), name="b2")


# The global step counts training steps; minimize() increments it.
global_step = tf.Variable(0, trainable=False, name="global_step")
optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)

# Merge all the summaries and write them out to a fresh log directory
logdir = tempfile.mkdtemp(prefix="train_eval_summaries_")

train_writer = tf.summary.create_file_writer(os.path.join(logdir, "train"))
test_writer = tf.summary.create_file_writer(os.path.join(logdir, "validation"))

n_batches = len(train_x) // batch_size


def logits_fn(x):
    hidden = tf.nn.tanh(tf.matmul(x, W1) + b1)
    logits = tf.matmul(hidden, W2) + b2
    return logits


def cross_entropy_fn(labels, logits):
    cross_entropy = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    return cross_entropy


def accuracy_fn(labels, logits):
    correct_prediction = tf.equal(tf.argmax(logits, 1), labels)
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    return accuracy


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, n_input], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
    ]
)
def compute_summaries_and_more(x, labels):
    logits = logits_fn(x)
    cross_entropy = cross_entropy_fn(labels, logits)
    accuracy = accuracy_fn(labels, logits)
    return [(cross_entropy, accuracy), accuracy, cross_entropy]


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, n_input], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
    ]
)
def train_step(x, labels):
    with tf.GradientTape() as tape:
        logits = logits_fn(x)
        cross_entropy = cross_entropy_fn(labels, logits)
        accuracy = accuracy_fn(labels, logits)
    variables = [W1, b1, W2, b2]
    gradients = tape.gradient(cross_entropy, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    global_step.assign_add(1)
    return (cross_entropy, accuracy), global_step


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, n_input], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
    ]
)
def compute_accuracy(x, labels):
    logits = logits_fn(x)
    accuracy = accuracy_fn(labels, logits)
    return accuracy


def write_summaries(writer, values, step):
    with writer.as_default():
        tf.summary.scalar("cross_entropy", values[0], step=step)
        tf.summary.scalar("accuracy", values[1], step=step)


for step in range(max_steps):
    if step % eval_every == 0:
        # Record summaries and accuracy on the held-out set
        summary, acc, val_loss = tf.nest.map_structure(lambda t: t.numpy(), compute_summaries_and_more(valid_x, valid_labels))
        write_summaries(test_writer, summary, step)
        print("Validation at step %s: accuracy %.4f, loss %.6f" % (step, acc, val_loss))
    # Train on the next batch and record its summaries
    start = (step % n_batches) * batch_size
    feed = {"x": train_x[start:start + batch_size], "labels": train_labels[start:start + batch_size]}
    summary, gs = tf.nest.map_structure(lambda t: t.numpy(), train_step(feed["x"], feed["labels"]))
    write_summaries(train_writer, summary, gs)

final_acc = compute_accuracy(valid_x, valid_labels).numpy()
print("Final validation accuracy: %.4f after %d steps" % (final_acc, global_step.numpy()))
print("b1 =", np.round(b1.numpy(), 4))

train_writer.close()
test_writer.close()

# The event files are there; report how many of each run were written, then tidy up.
for run in ("train", "validation"):
    print("%s: %d event file(s)" % (run, len(os.listdir(os.path.join(logdir, run)))))
shutil.rmtree(logdir)
