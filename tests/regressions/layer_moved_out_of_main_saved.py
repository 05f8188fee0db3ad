import tempfile

import numpy as np
import tensorflow as tf


def main():
    tf.set_random_seed(5)
    x = tf.placeholder(tf.float32, shape=[None, 3])
    hidden = tf.layers.dense(x, 2, activation=tf.nn.tanh)
    scale = tf.Variable(tf.ones([2]), name="scale")
    out = hidden * scale
    loss = tf.reduce_sum(tf.square(out - 1.0))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    saver = tf.train.Saver()
    xs = np.ones((2, 3), np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, feed_dict={x: xs})
        path = tempfile.mkdtemp() + "/model.ckpt"
        saver.save(sess, path)
        sess.run(train, feed_dict={x: xs})
        saver.restore(sess, path)
        print(sess.run(out, feed_dict={x: xs}))


if __name__ == "__main__":
    main()
