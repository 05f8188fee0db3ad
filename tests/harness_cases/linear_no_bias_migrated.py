import numpy as np
import tensorflow as tf

tf.random.set_seed(0)
rng = np.random.RandomState(0)
X_data = rng.rand(100, 1).astype(np.float32)
y_data = (3 * X_data + 2).astype(np.float32)
W = tf.Variable(tf.random.normal([1, 1]), name="W")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


@tf.function
def train_step(X, y):
    with tf.GradientTape() as tape:
        pred = tf.matmul(X, W)
        loss = tf.reduce_mean(tf.square(pred - y))
    gradients = tape.gradient(loss, [W])
    optimizer.apply_gradients(zip(gradients, [W]))
    return loss


for step in range(200):
    l = train_step(X_data, y_data).numpy()
    if step % 20 == 0:
        print("step %d loss %.6f" % (step, l))
print("W", W.numpy(), "b", [0.0])
