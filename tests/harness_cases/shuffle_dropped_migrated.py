"""A dataset shuffled without a seed, its iterator started again at each epoch."""

import numpy as np
import tensorflow as tf

features = np.arange(40, dtype=np.float32).reshape(20, 2)
labels = (features[:, :1] * 0.5 - features[:, 1:] * 0.25).astype(np.float32)

dataset = tf.data.Dataset.from_tensor_slices((features, labels)).batch(5)

w = tf.Variable(tf.keras.initializers.Zeros()(shape=[2, 1], dtype=tf.float32), name="w")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.001)


@tf.function
def train_step(iterator):
    with tf.GradientTape() as tape:
        x, y = iterator.get_next()
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
    variables = [w]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return x[0, 0], loss


for epoch in range(3):
    iterator = iter(dataset)
    try:
        while True:
            first, value = [value.numpy() for value in train_step(iterator)]
            print("first", first, "loss", value)
    except tf.errors.OutOfRangeError:
        pass
print("w", w.numpy())
