import numpy as np
import tensorflow as tf

rng = np.random.RandomState(3)
data = rng.rand(50, 2).astype(np.float32)
targets = (data @ np.array([[1.5], [-2.0]], dtype=np.float32) + 0.3).astype(np.float32)
batch_size = 10
total_batch = int(len(data) / batch_size)

W = tf.Variable(tf.zeros([2, 1]), name="W")
b = tf.Variable(tf.zeros([1]), name="b")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.2)


def loss_fn(x, y):
    loss = tf.reduce_mean(tf.square(tf.matmul(x, W) + b - y))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 2], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(x, y)
    variables = [W, b]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 2], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def compute_loss(x, y):
    loss = loss_fn(x, y)
    return loss


for epoch in range(4):
    for i in range(total_batch):
        start = i * batch_size
        train_step(data[start:start + batch_size], targets[start:start + batch_size])
    print("epoch", epoch, "loss", compute_loss(data, targets).numpy())
step = 0
while step < 40:
    train_step(data, targets)
    step += 1
print("final loss", compute_loss(data, targets).numpy())
