"""A tf.layers convolutional network on synthetic 8x8 images, with batch norm and dropout.

Three classes of single-channel images: a horizontal bar, a vertical bar, or a diagonal,
drawn at a random position and covered in noise. An `is_training` placeholder switches batch
normalization and dropout between training and inference; the batch-norm moving averages are
updated through the UPDATE_OPS collection, as the TF1 documentation prescribes. Batch
normalization makes the loss blind to shifts of the features before it, so some gradients are
zero up to rounding: plain momentum keeps that rounding small where Adam would amplify it.
"""
import numpy as np
import tensorflow as tf

# Training parameters
learning_rate = 0.05
num_epochs = 8
batch_size = 20
display_epoch = 2
# Dropout is active in training; a rate of zero keeps the run reproducible across frameworks
dropout_rate = 0.0

# Network parameters
image_size = 8
num_channels = 1
num_classes = 3


def make_images(rng, n):
    """Noisy 8x8 images with one bar each, and their integer labels."""
    images = 0.9 * rng.randn(n, image_size, image_size, num_channels)
    labels = rng.randint(0, num_classes, size=n)
    for i, label in enumerate(labels):
        pos = rng.randint(1, image_size - 1)
        if label == 0:
            images[i, pos, :, 0] += 1.0
        elif label == 1:
            images[i, :, pos, 0] += 1.0
        else:
            images[i, np.arange(image_size), np.arange(image_size), 0] += 1.0
    return images.astype(np.float32), labels.astype(np.int64)


conv2d = tf.keras.layers.Conv2D(8, 3, padding="same", activation=tf.nn.relu, name="conv2d")
max_pooling2d = tf.keras.layers.MaxPooling2D(2, 2, name="max_pooling2d")
conv2d_1 = tf.keras.layers.Conv2D(16, [3, 3], padding="same", activation=tf.nn.relu, name="conv2d_1")
max_pooling2d_1 = tf.keras.layers.MaxPooling2D(pool_size=2, strides=2, name="max_pooling2d_1")
flatten = tf.keras.layers.Flatten(name="flatten")
dense = tf.keras.layers.Dense(32, use_bias=False, kernel_regularizer=tf.keras.regularizers.l2(1e-3), name="dense")
batch_normalization = tf.keras.layers.BatchNormalization(momentum=0.9, name="batch_normalization")
dropout = tf.keras.layers.Dropout(rate=dropout_rate, name="dropout")
logits_layer = tf.keras.layers.Dense(num_classes, name="logits")


def conv_net(images, is_training):
    # 8x8x1 -> 8x8x8 -> 4x4x8
    conv1 = conv2d(images)
    pool1 = max_pooling2d(conv1)
    # 4x4x8 -> 4x4x16 -> 2x2x16
    conv2 = conv2d_1(pool1)
    pool2 = max_pooling2d_1(conv2)
    flat = flatten(pool2)
    # Fully connected layer with batch normalization before its activation, which makes a
    # bias redundant
    fc1 = dense(flat)
    fc1_norm = tf.cond(is_training, lambda: batch_normalization(fc1, training=True), lambda: batch_normalization(fc1, training=False))
    fc1_out = tf.cond(is_training, lambda: dropout(tf.nn.relu(fc1_norm), training=True), lambda: dropout(tf.nn.relu(fc1_norm), training=False))
    return logits_layer(fc1_out)


rng = np.random.RandomState(0)
train_images, train_labels = make_images(rng, 240)
test_images, test_labels = make_images(rng, 90)

tf.random.set_seed(0)


optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9)


n_batches = len(train_images) // batch_size


def logits_fn(X, is_training):
    logits = conv_net(X, is_training)
    return logits


def loss_op_fn(Y, logits):
    cross_entropy = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits, labels=Y))
    loss_op = cross_entropy + tf.add_n(dense.losses)
    return loss_op


def accuracy_fn(Y, logits):
    correct_pred = tf.equal(tf.argmax(logits, 1), Y)
    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))
    return accuracy


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, image_size, image_size, num_channels], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
        tf.TensorSpec(shape=[], dtype=tf.bool),
    ]
)
def train_step(X, Y, is_training):
    with tf.GradientTape() as tape:
        logits = logits_fn(X, is_training)
        loss_op = loss_op_fn(Y, logits)
    variables = [*conv2d.trainable_variables, *conv2d_1.trainable_variables, *dense.trainable_variables, *batch_normalization.trainable_variables, *logits_layer.trainable_variables]
    gradients = tape.gradient(loss_op, variables)
    optimizer.apply_gradients(zip(gradients, variables))


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, image_size, image_size, num_channels], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
        tf.TensorSpec(shape=[], dtype=tf.bool),
    ]
)
def compute_loss_op_and_accuracy(X, Y, is_training):
    logits = logits_fn(X, is_training)
    loss_op = loss_op_fn(Y, logits)
    accuracy = accuracy_fn(Y, logits)
    return [loss_op, accuracy]


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, image_size, image_size, num_channels], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
        tf.TensorSpec(shape=[], dtype=tf.bool),
    ]
)
def compute_accuracy(X, Y, is_training):
    logits = logits_fn(X, is_training)
    accuracy = accuracy_fn(Y, logits)
    return accuracy


for epoch in range(1, num_epochs + 1):
    for i in range(n_batches):
        batch_x = train_images[i * batch_size:(i + 1) * batch_size]
        batch_y = train_labels[i * batch_size:(i + 1) * batch_size]
        train_step(batch_x, batch_y, True)
    if epoch % display_epoch == 0 or epoch == 1:
        loss, acc = [value.numpy() for value in compute_loss_op_and_accuracy(train_images, train_labels, False)]
        print("Epoch " + str(epoch) + ", Loss= %.4f, Training Accuracy= %.3f"
              % (loss, acc))

print("Optimization Finished!")
print("Testing Accuracy: %.4f"
      % compute_accuracy(test_images, test_labels, False).numpy())

