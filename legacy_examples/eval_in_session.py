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

tf.set_random_seed(0)
x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.int64, [None])
W = tf.Variable(tf.random_normal([4, 2], stddev=0.1))
b = tf.Variable(tf.zeros([2]))
logits = tf.matmul(x, W) + b
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train = tf.train.AdamOptimizer(0.05).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    n_batches = int(len(x_train) / batch_size)
    for epoch in range(n_epochs):
        total_loss = 0.0
        for j in range(n_batches):
            x_batch = x_train[j * batch_size:(j + 1) * batch_size]
            y_batch = y_train[j * batch_size:(j + 1) * batch_size]
            _, loss_batch = sess.run([train, loss], {x: x_batch, y: y_batch})
            total_loss += loss_batch
        print("Average loss epoch {0}: {1:.6f}".format(epoch, total_loss / n_batches))

    # Evaluation, built after training.
    correct = tf.equal(tf.argmax(logits, 1), y)
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    print("train accuracy %.4f" % accuracy.eval({x: x_train, y: y_train}))
    print("test accuracy %.4f" % accuracy.eval({x: x_test, y: y_test}))
