import numpy as np
import tensorflow as tf

tf.set_random_seed(1)
x = tf.placeholder(tf.float32, shape=[None, 2])
with tf.variable_scope("scope1"):
    w = tf.get_variable("w", shape=[2], initializer=tf.random_normal_initializer(stddev=0.1))
loss = tf.reduce_sum(tf.square(x * w))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out = sess.run({"loss": loss, "train": train_op}, feed_dict={x: np.ones((1, 2), np.float32)})
    print("%.6f" % out["loss"])
