import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
x_data = rng.rand(3, 2).astype(np.float32)
y_data = rng.rand(3, 1).astype(np.float32)
x = tf.placeholder(tf.float32, shape=[None, 2])
y = tf.placeholder(tf.float32, shape=[None, 1])
h = tf.layers.dense(x, 1)
loss = tf.reduce_mean(tf.square(h - y))
train_op = tf.train.RMSPropOptimizer(0.01).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(2):
        _, loss_value = sess.run([train_op, loss], feed_dict={x: x_data, y: y_data})
        print("%.6f" % loss_value)
