"""Polynomial curve fitting in an InteractiveSession.

An InteractiveSession installs itself as the default session, so tensors can be evaluated
with `.eval()` and operations run with `.run()` without passing the session around.
"""
import numpy as np
import tensorflow as tf

# Noisy samples of y = 0.5 x^3 - x^2 + 2 x + 1 on [-1.5, 1.5]
rng = np.random.RandomState(0)
xs = np.linspace(-1.5, 1.5, 120).astype(np.float32)
ys = (0.5 * xs ** 3 - xs ** 2 + 2.0 * xs + 1.0 + 0.1 * rng.randn(120)).astype(np.float32)
# Every fourth point is kept aside to check the fit
is_test = np.arange(120) % 4 == 0
train_xs, train_ys = xs[~is_test], ys[~is_test]
test_xs, test_ys = xs[is_test], ys[is_test]

sess = tf.InteractiveSession()
tf.set_random_seed(0)

x = tf.placeholder(tf.float32, shape=[None])
y_ = tf.placeholder(tf.float32, shape=[None])

# One coefficient per power of x, highest power first
coeffs = tf.Variable(tf.random_normal([4], stddev=0.5), name="coeffs")
powers = tf.stack([tf.pow(x, 3.0), tf.pow(x, 2.0), x, tf.ones_like(x)], axis=1)
y = tf.reduce_sum(powers * coeffs, axis=1)

loss = tf.reduce_mean(tf.squared_difference(y, y_))
max_error = tf.reduce_max(tf.abs(y - y_))
train_op = tf.train.GradientDescentOptimizer(0.05).minimize(loss)

tf.global_variables_initializer().run()
print("Initial coefficients:", np.round(coeffs.eval(), 4))
print("Initial loss: %.6f" % loss.eval(feed_dict={x: train_xs, y_: train_ys}))

for step in range(1, 501):
    train_op.run(feed_dict={x: train_xs, y_: train_ys})
    if step % 100 == 0:
        print("step %d, training loss %.6f"
              % (step, loss.eval(feed_dict={x: train_xs, y_: train_ys})))

print("Test loss: %.6f" % loss.eval(feed_dict={x: test_xs, y_: test_ys}))
print("Largest test error: %.6f" % max_error.eval({x: test_xs, y_: test_ys}))
print("Fitted coefficients:", np.round(coeffs.eval(), 4))

sess.close()
