import numpy as np
import tensorflow as tf

rng = np.random.RandomState(1)
features = rng.rand(64, 2).astype(np.float32)
features[:, 1] *= 1e-6  # a feature on a tiny scale: its gradient is near Adam's epsilon
targets = (features @ np.array([[2.0], [5e5]], dtype=np.float32) - 1.0).astype(np.float32)

W = tf.Variable(tf.constant([[0.1], [-0.05]]), name="W")
b = tf.Variable(tf.zeros([1]), name="b")
optimizer = tf.keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8)


@tf.function
def train_step(X, y):
    with tf.GradientTape() as tape:
        pred = tf.matmul(X, W) + b
        loss = tf.reduce_mean(tf.square(pred - y))
    gradients = tape.gradient(loss, [W, b])
    optimizer.apply_gradients(zip(gradients, [W, b]))
    return tf.reduce_mean(pred), loss


for step in range(60):
    m, l = train_step(features, targets)
    if step % 25 == 0:
        print("step", step, "loss", l.numpy(), "mean", m.numpy())
