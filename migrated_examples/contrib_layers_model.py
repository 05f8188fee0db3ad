"""A small CNN built from tf.contrib.layers, with contrib initializers and L2 regularizers."""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
images = rng.rand(64, 8, 8, 1).astype(np.float32)
labels = (images[:, :4].mean(axis=(1, 2, 3)) > images[:, 4:].mean(axis=(1, 2, 3))).astype(np.int64)

tf.random.set_seed(0)
conv = tf.keras.layers.Conv2D(4, [3, 3], kernel_initializer=tf.keras.initializers.VarianceScaling(scale=1.3 * 0.87962566103423978**2, mode="fan_avg", distribution="truncated_normal"), kernel_regularizer=tf.keras.regularizers.L2(0.0005), activation=tf.nn.relu, strides=1, padding="same", name="conv")
maxpool2d = tf.keras.layers.MaxPooling2D([2, 2], strides=2, padding="valid", name="MaxPool2D")
flatten = tf.keras.layers.Flatten(name="Flatten")
hidden = tf.keras.layers.Dense(16, kernel_initializer=tf.keras.initializers.VarianceScaling(scale=2.0 * 1.3 * 0.87962566103423978**2, mode="fan_in", distribution="truncated_normal"), kernel_regularizer=tf.keras.regularizers.L2(0.0005), activation=tf.nn.relu, name="hidden")
logits_layer = tf.keras.layers.Dense(2, activation=None, name="logits")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


def logits_fn(x):
    net = conv(x)
    net = maxpool2d(net)
    net = flatten(net)
    net = hidden(net)
    logits = logits_layer(net)
    return logits


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 8, 8, 1], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
    ]
)
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = logits_fn(x)
        cross_entropy = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        loss = cross_entropy + tf.add_n([*conv.losses, *hidden.losses])
    variables = [*conv.trainable_variables, *hidden.trainable_variables, *logits_layer.trainable_variables]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 8, 8, 1], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
    ]
)
def compute_accuracy(x, y):
    logits = logits_fn(x)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    return accuracy


for step in range(60):
    batch = rng.choice(64, 16, replace=False)
    batch_loss = train_step(images[batch], labels[batch]).numpy()
    if step % 10 == 0:
        print("step", step, "loss", batch_loss)
print("accuracy", compute_accuracy(images, labels).numpy())
