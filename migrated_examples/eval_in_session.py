"""Softmax regression whose evaluation ops are written inside the session block, after the
training loop, as many scripts do: `correct` and `accuracy` are graph code built in the
session, evaluated with `accuracy.eval({...})`; the training loop runs over epochs of
mini-batches and the loss is tracked per epoch."""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
x_train = rng.rand(120, 4).astype(np.float32)
y_train = (x_train[:, 0] + x_train[:, 1] > x_train[:, 2] + x_train[:, 3]).astype(np.int64)
x_test = rng.rand(40, 4).astype(np.float32)
y_test = (x_test[:, 0] + x_test[:, 1] > x_test[:, 2] + x_test[:, 3]).astype(np.int64)
batch_size = 20
n_epochs = 5

tf.random.set_seed(0)
W = tf.Variable(tf.random.normal([4, 2], stddev=0.1))
b = tf.Variable(tf.zeros([2]))
optimizer = tf.keras.optimizers.Adam(learning_rate=0.05, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)

n_batches = int(len(x_train) / batch_size)


def logits_fn(x):
    logits = tf.matmul(x, W) + b
    return logits


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 4], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
    ]
)
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = logits_fn(x)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    variables = [W, b]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 4], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
    ]
)
def compute_accuracy(x, y):
    logits = logits_fn(x)
    # Evaluation, built after training.
    correct = tf.equal(tf.argmax(logits, 1), y)
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    return accuracy


for epoch in range(n_epochs):
    total_loss = 0.0
    for j in range(n_batches):
        x_batch = x_train[j * batch_size:(j + 1) * batch_size]
        y_batch = y_train[j * batch_size:(j + 1) * batch_size]
        loss_batch = train_step(x_batch, y_batch).numpy()
        total_loss += loss_batch
    print("Average loss epoch {0}: {1:.6f}".format(epoch, total_loss / n_batches))

print("train accuracy %.4f" % compute_accuracy(x_train, y_train).numpy())
print("test accuracy %.4f" % compute_accuracy(x_test, y_test).numpy())
