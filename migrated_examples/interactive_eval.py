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

tf.random.set_seed(0)


# One coefficient per power of x, highest power first
coeffs = tf.Variable(tf.random.normal([4], stddev=0.5), name="coeffs")

optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)


def y_fn(x):
    powers = tf.stack([tf.pow(x, 3.0), tf.pow(x, 2.0), x, tf.ones_like(x)], axis=1)
    y = tf.reduce_sum(powers * coeffs, axis=1)
    return y


def loss_fn(y_, y):
    loss = tf.reduce_mean(tf.math.squared_difference(y, y_))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.float32),
    ]
)
def compute_loss(x, y_):
    y = y_fn(x)
    loss = loss_fn(y_, y)
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.float32),
    ]
)
def train_step(x, y_):
    with tf.GradientTape() as tape:
        y = y_fn(x)
        loss = loss_fn(y_, y)
    variables = [coeffs]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.float32),
    ]
)
def compute_max_error(x, y_):
    y = y_fn(x)
    max_error = tf.reduce_max(tf.abs(y - y_))
    return max_error


print("Initial coefficients:", np.round(coeffs.numpy(), 4))
print("Initial loss: %.6f" % compute_loss(train_xs, train_ys).numpy())

for step in range(1, 501):
    train_step(train_xs, train_ys)
    if step % 100 == 0:
        print("step %d, training loss %.6f"
              % (step, compute_loss(train_xs, train_ys).numpy()))

print("Test loss: %.6f" % compute_loss(test_xs, test_ys).numpy())
print("Largest test error: %.6f" % compute_max_error(test_xs, test_ys).numpy())
print("Fitted coefficients:", np.round(coeffs.numpy(), 4))
