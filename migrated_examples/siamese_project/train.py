"""Trains a siamese encoder: both inputs of a pair go through the same layers of layers.py."""
import numpy as np
import tensorflow as tf
from layers import Encoder

rng = np.random.RandomState(5)
left = rng.rand(64, 6).astype(np.float32)
right = (left + 0.3 * rng.randn(64, 6)).astype(np.float32)
similar = (np.abs(left - right).mean(axis=1) < 0.25).astype(np.float32)

tf.random.set_seed(2)
encoder = Encoder()
optimizer = tf.keras.optimizers.Adam(learning_rate=0.01, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)


def distance_fn(x1, x2):
    code1 = encoder(x1)
    code2 = encoder(x2)  # the same weights for the second input
    distance = tf.reduce_sum(tf.square(code1 - code2), axis=1)
    return distance


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 6], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 6], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.float32),
    ]
)
def train_step(x1, x2, target):
    with tf.GradientTape() as tape:
        distance = distance_fn(x1, x2)
        loss = tf.reduce_mean(target * distance + (1.0 - target) * tf.nn.relu(1.0 - distance))
    variables = encoder.trainable_variables
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 6], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 6], dtype=tf.float32),
    ]
)
def compute_distance(x1, x2):
    distance = distance_fn(x1, x2)
    return distance


for step in range(60):
    loss_value = train_step(left, right, similar).numpy()
    if step % 20 == 0:
        print("step %d: loss %.5f" % (step, loss_value))
print("distances", compute_distance(left[:5], right[:5]).numpy())
