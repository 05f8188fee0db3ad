"""A two-layer perceptron built in nested variable scopes with tf.get_variable.

Weights use several initializers, including get_variable's default (Glorot uniform); the
output layer is trained alone, selected through its variable scope from the collection of
trainable variables, and a step counter is a non-trainable integer variable.
"""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
tf.random.set_seed(0)

features = rng.normal(size=(128, 4)).astype(np.float32)
labels = (features.sum(axis=1, keepdims=True) > 0).astype(np.float32)


w1 = tf.Variable(tf.random.uniform([4, 16], -(6 / 20) ** 0.5, (6 / 20) ** 0.5, dtype=tf.float32), name="mlp/hidden/weights")
b1 = tf.Variable(tf.keras.initializers.Constant(value=0.05)(shape=[16], dtype=tf.float32), name="mlp/hidden/biases")
w2 = tf.Variable(tf.random.uniform([16, 1], minval=-0.2, maxval=0.2, dtype=tf.float32), name="mlp/output/weights")
b2 = tf.Variable(tf.keras.initializers.Zeros()(shape=[1], dtype=tf.float32), name="mlp/output/biases")
counter = tf.Variable(tf.zeros([], dtype=tf.int32), name="mlp/counter", trainable=False)

output_vars = [w2, b2]
hidden_vars = [w1, b1]
train_output_optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)
train_hidden_optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


def loss_fn(x, y):
    hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
    logits = tf.matmul(hidden, w2) + b2
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 4], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def train_output_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(x, y)
    gradients = tape.gradient(loss, output_vars)
    train_output_optimizer.apply_gradients(zip(gradients, output_vars))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 4], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def train_hidden_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(x, y)
    gradients = tape.gradient(loss, hidden_vars)
    train_hidden_optimizer.apply_gradients(zip(gradients, hidden_vars))


for step in range(80):
    l = train_output_step(features, labels).numpy()
    train_hidden_step(features, labels)
    if step % 20 == 0:
        print("step %d loss %.5f" % (step, l))
print("output weights", np.round(w2.numpy().ravel()[:5], 4))
print("counter", counter.numpy())
