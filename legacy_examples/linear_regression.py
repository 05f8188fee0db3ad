"""Linear regression with plain gradient descent.

Fits y = X W + b on synthetic data: three input features, one target, a little noise.
"""
import numpy as np
import tensorflow as tf

# Parameters
learning_rate = 0.01
training_steps = 300
display_step = 50

# Synthetic training data: the true weights are [2, -3.5, 0.5] and the bias is 1.25.
rng = np.random.RandomState(0)
n_samples = 200
train_X = rng.randn(n_samples, 3).astype(np.float32)
true_W = np.array([[2.0], [-3.5], [0.5]], dtype=np.float32)
train_y = (train_X.dot(true_W) + 1.25 + 0.1 * rng.randn(n_samples, 1)).astype(np.float32)

tf.set_random_seed(0)

# tf Graph input
X = tf.placeholder(tf.float32, [None, 3], name="X")
y = tf.placeholder(tf.float32, [None, 1], name="y")

# Model weights, started from small random values
W = tf.Variable(tf.random_normal([3, 1], stddev=0.1), name="weight")
b = tf.Variable(tf.zeros([1]), name="bias")

# Linear model and mean squared error
pred = tf.add(tf.matmul(X, W), b)
loss = tf.reduce_mean(tf.square(pred - y))

train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss)

init = tf.global_variables_initializer()

with tf.Session() as sess:
    sess.run(init)

    for step in range(1, training_steps + 1):
        _, l = sess.run([train_op, loss], feed_dict={X: train_X, y: train_y})
        if step % display_step == 0 or step == 1:
            print("Step %d, loss= %.6f" % (step, l))

    print("Optimization Finished!")
    training_loss = sess.run(loss, feed_dict={X: train_X, y: train_y})
    W_val, b_val = sess.run([W, b])
    print("Training loss= %.6f" % training_loss)
    print("W =", np.round(W_val.ravel(), 4))
    print("b = %.4f" % b_val[0])
