import numpy as np
import tensorflow as tf


# The reset a migration may keep (beside other tf.compat.v1 code): eager code makes its
# variables after it.
def reset_graph(seed=42):
    tf.compat.v1.reset_default_graph()
    tf.random.set_seed(seed)
    np.random.seed(seed)


reset_graph()
w = tf.Variable(tf.random.normal([3, 2]), name="w")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


def y_fn():
    y = tf.reduce_sum(tf.square(w))
    return y


@tf.function
def train_step():
    with tf.GradientTape() as tape:
        y = y_fn()
    variables = [w]
    gradients = tape.gradient(y, variables)
    optimizer.apply_gradients(zip(gradients, variables))


@tf.function
def compute_y():
    y = y_fn()
    return y


for step in range(3):
    train_step()
print("loss %.6f" % compute_y().numpy())
