import tempfile

import tensorflow as tf


def make():
    return tf.Variable(1.0, name="v")


w = tf.Variable(2.0, name="w")
v = make()
loss = tf.square(w * v - 3.0)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
saver = tf.train.Saver()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train)
    path = tempfile.mkdtemp() + "/model.ckpt"
    saver.save(sess, path)
    sess.run(train)
    saver.restore(sess, path)
    print(sess.run([w, v]))
