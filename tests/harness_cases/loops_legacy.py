import numpy as np
import tensorflow as tf

rng = np.random.RandomState(3)
data = rng.rand(50, 2).astype(np.float32)
targets = (data @ np.array([[1.5], [-2.0]], dtype=np.float32) + 0.3).astype(np.float32)
batch_size = 10
total_batch = int(len(data) / batch_size)

x = tf.placeholder(tf.float32, [None, 2])
y = tf.placeholder(tf.float32, [None, 1])
W = tf.Variable(tf.zeros([2, 1]), name="W")
b = tf.Variable(tf.zeros([1]), name="b")
loss = tf.reduce_mean(tf.square(tf.matmul(x, W) + b - y))
train = tf.train.GradientDescentOptimizer(0.2).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(4):
        for i in range(total_batch):
            start = i * batch_size
            sess.run(train, feed_dict={x: data[start:start + batch_size], y: targets[start:start + batch_size]})
        print("epoch", epoch, "loss", sess.run(loss, feed_dict={x: data, y: targets}))
    step = 0
    while step < 40:
        sess.run(train, feed_dict={x: data, y: targets})
        step += 1
    print("final loss", sess.run(loss, feed_dict={x: data, y: targets}))
