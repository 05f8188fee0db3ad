import numpy as np
import tensorflow as tf

rng = np.random.RandomState(1)
features = rng.rand(64, 2).astype(np.float32)
features[:, 1] *= 1e-6  # a feature on a tiny scale: its gradient is near Adam's epsilon
targets = (features @ np.array([[2.0], [5e5]], dtype=np.float32) - 1.0).astype(np.float32)

X = tf.placeholder(tf.float32, [None, 2])
y = tf.placeholder(tf.float32, [None, 1])
W = tf.Variable(tf.constant([[0.1], [-0.05]]), name="W")
b = tf.Variable(tf.zeros([1]), name="b")
pred = tf.matmul(X, W) + b
loss = tf.reduce_mean(tf.square(pred - y))
mean_pred = tf.reduce_mean(pred)
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(60):
        _, l, m = sess.run([train_op, loss, mean_pred], feed_dict={X: features, y: targets})
        if step % 25 == 0:
            print("step", step, "loss", l, "mean", m)
