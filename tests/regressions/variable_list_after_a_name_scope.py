import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])
t = tf.placeholder(tf.float32, [None, 4])
with tf.name_scope("layer"):
    W = tf.Variable(tf.ones([3, 4]))
    b = tf.Variable(tf.zeros([4]))
    y = tf.matmul(x, W) + b
loss = tf.reduce_mean(tf.square(y - t))
tvars = tf.trainable_variables()
grads = tf.gradients(loss, tvars)
train = tf.train.GradientDescentOptimizer(0.1).apply_gradients(zip(grads, tvars))
xs = np.ones([2, 3], np.float32)
ts = np.zeros([2, 4], np.float32)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(3):
        print(sess.run([train, loss], {x: xs, t: ts})[1])
