import numpy as np
import tensorflow as tf

tf.set_random_seed(0)
rng = np.random.RandomState(0)
X_data = rng.rand(100, 1).astype(np.float32)
y_data = (3 * X_data + 2).astype(np.float32)

X = tf.placeholder(tf.float32, [None, 1])
y = tf.placeholder(tf.float32, [None, 1])
W = tf.Variable(tf.random_normal([1, 1]), name="W")
b = tf.Variable(tf.zeros([1]), name="b")
pred = tf.matmul(X, W) + b
loss = tf.reduce_mean(tf.square(pred - y))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(200):
        _, l = sess.run([train_op, loss], feed_dict={X: X_data, y: y_data})
        if step % 20 == 0:
            print("step %d loss %.6f" % (step, l))
    print("W", sess.run(W), "b", sess.run(b))
