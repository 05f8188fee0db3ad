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

tf.random.set_seed(0)

# tf Graph input

# Model weights, started from small random values
W = tf.Variable(tf.random.normal([3, 1], stddev=0.1), name="weight")
b = tf.Variable(tf.zeros([1]), name="bias")


optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)


def loss_fn(X, y):
    # Linear model and mean squared error
    pred = tf.add(tf.matmul(X, W), b)
    loss = tf.reduce_mean(tf.square(pred - y))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 3], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def train_step(X, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(X, y)
    variables = [W, b]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 3], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def compute_loss(X, y):
    loss = loss_fn(X, y)
    return loss


for step in range(1, training_steps + 1):
    l = train_step(train_X, train_y).numpy()
    if step % display_step == 0 or step == 1:
        print("Step %d, loss= %.6f" % (step, l))

print("Optimization Finished!")
training_loss = compute_loss(train_X, train_y).numpy()
W_val, b_val = [W.numpy(), b.numpy()]
print("Training loss= %.6f" % training_loss)
print("W =", np.round(W_val.ravel(), 4))
print("b = %.4f" % b_val[0])
