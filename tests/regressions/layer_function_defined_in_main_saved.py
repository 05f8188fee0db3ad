import tempfile

import numpy as np
import tensorflow as tf


def main():
    tf.set_random_seed(3)
    x = tf.placeholder(tf.float32, shape=[None, 2])

    def fc_layer(x, n_out, name):
        n_in = x.shape[-1].value
        with tf.variable_scope(name, reuse=tf.AUTO_REUSE):
            w = tf.get_variable("w", [n_in, n_out], initializer=tf.glorot_uniform_initializer())
            return tf.matmul(x, w)

    out = fc_layer(x, 2, "fc")
    out = out + fc_layer(tf.nn.relu(x), 2, "fc")
    loss = tf.reduce_sum(tf.square(out - 1.0))
    global_step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=global_step)
    saver = tf.train.Saver()
    xs = np.ones((1, 2), np.float32)
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
