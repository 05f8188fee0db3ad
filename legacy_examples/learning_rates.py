"""One small model trained once per learning rate, each run in a fresh graph built inside a
function: `train(learning_rate)` resets the default graph, builds placeholders, variables and
the training op, trains in its own session and returns the final loss and weights."""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
x_vals = rng.uniform(-1.0, 1.0, size=(64, 2)).astype(np.float32)
y_vals = (x_vals.dot([[2.0], [-1.0]]) + 0.3).astype(np.float32)


def train(learning_rate, steps=40):
    tf.reset_default_graph()
    tf.set_random_seed(1)
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.placeholder(tf.float32, [None, 1])
    w = tf.Variable(tf.random_normal([2, 1], stddev=0.5))
    b = tf.Variable(tf.zeros([1]))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            sess.run(train_op, feed_dict={x: x_vals, y: y_vals})
        final_loss, final_w = sess.run([loss, w], feed_dict={x: x_vals, y: y_vals})
    return final_loss, final_w


for rate in (0.01, 0.1, 0.5):
    final_loss, final_w = train(rate)
    print("learning rate %.2f: loss %.6f, w %s" % (rate, final_loss, np.round(final_w.ravel(), 4)))
