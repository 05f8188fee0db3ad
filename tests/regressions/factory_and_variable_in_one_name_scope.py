import numpy as np
import tensorflow as tf

tf.set_random_seed(6)
x = tf.placeholder(tf.float32, shape=[None, 3])
t = tf.placeholder(tf.float32, shape=[None, 2])
def init_weight(shape, st_dev):
    weight = tf.Variable(tf.random_normal(shape, stddev=st_dev))
    return weight
with tf.name_scope("layer"):
    W = init_weight(shape=[3, 2], st_dev=0.3)
    b = tf.Variable(tf.random_normal([2], stddev=0.2))
    y = tf.matmul(x, W) + b
loss = tf.reduce_mean(tf.square(y - t))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss + 0.1 * tf.nn.l2_loss(b))
xs = np.arange(6, dtype=np.float32).reshape(2, 3) / 6
ts = np.ones((2, 2), np.float32)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(3):
        _, value = sess.run([train, loss], feed_dict={x: xs, t: ts})
        print("%.6f" % value)
    print(np.round(sess.run(b), 5))
