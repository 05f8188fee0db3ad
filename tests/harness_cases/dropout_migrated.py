import numpy as np
import tensorflow as tf

rng = np.random.RandomState(7)
features = rng.rand(64, 8).astype(np.float32)
labels = (features.sum(axis=1, keepdims=True) > 4.0).astype(np.float32)

W1 = tf.Variable(tf.random.normal([8, 16], stddev=0.5), name="W1")
b1 = tf.Variable(tf.zeros([16]), name="b1")
W2 = tf.Variable(tf.random.normal([16, 1], stddev=0.5), name="W2")
b2 = tf.Variable(tf.zeros([1]), name="b2")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


def loss_fn(x, y, keep_prob):
    hidden = tf.nn.dropout(tf.nn.relu(tf.matmul(x, W1) + b1), rate=1 - keep_prob)
    logits = tf.matmul(hidden, W2) + b2
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
    return loss


@tf.function
def compute_order():
    order = tf.random.shuffle(tf.range(64))
    return order


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 8], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
        tf.TensorSpec(shape=None, dtype=tf.float32),
    ]
)
def train_step(x, y, keep_prob):
    with tf.GradientTape() as tape:
        loss = loss_fn(x, y, keep_prob)
    variables = [W1, b1, W2, b2]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 8], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
        tf.TensorSpec(shape=None, dtype=tf.float32),
    ]
)
def compute_loss(x, y, keep_prob):
    loss = loss_fn(x, y, keep_prob)
    return loss


for step in range(30):
    idx = compute_order().numpy()
    value = train_step(features[idx[:16]], labels[idx[:16]], 0.5).numpy()
    if step % 10 == 0:
        print(step, value)
print("eval", compute_loss(features, labels, 1.0).numpy())
