"""A tutorial-style program with its graph in an explicit graph object, entered together with
the session (`with graph.as_default(), tf.Session() as sess:`), ops grouped under
`tf.name_scope(...) as scope`, scalar summaries merged with
`merge_all(key="summaries")` and written every few steps to a temporary log directory."""
import tempfile

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(2)
x_vals = rng.normal(1.0, 0.1, 100).astype(np.float32)
y_vals = np.repeat(10.0, 100).astype(np.float32)
logdir = tempfile.mkdtemp()

graph = tf.Graph()
with graph.as_default(), tf.Session() as sess:
    tf.set_random_seed(4)
    x_data = tf.placeholder(shape=[None], dtype=tf.float32)
    y_target = tf.placeholder(shape=[None], dtype=tf.float32)
    A = tf.Variable(tf.random_normal(shape=[1]))
    with tf.name_scope("model") as scope:
        my_output = tf.multiply(x_data, A)
        loss = tf.reduce_mean(tf.square(my_output - y_target))
        tf.summary.scalar("loss", loss)
    merged = tf.summary.merge_all(key="summaries")
    writer = tf.summary.FileWriter(logdir, sess.graph)
    train_step = tf.train.GradientDescentOptimizer(0.02).minimize(loss)
    sess.run(tf.global_variables_initializer())
    for i in range(60):
        index = rng.choice(100, size=20)
        sess.run(train_step, feed_dict={x_data: x_vals[index], y_target: y_vals[index]})
        if (i + 1) % 20 == 0:
            summary, temp_loss = sess.run([merged, loss], feed_dict={x_data: x_vals, y_target: y_vals})
            writer.add_summary(summary, i)
            print("Step #%d A = %.5f loss = %.5f" % (i + 1, sess.run(A)[0], temp_loss))
    writer.close()
