"""A tf.contrib.slim convolutional network on synthetic 8x8 images.

Two classes of single-channel images: a bright square in the upper half or in the lower half,
covered in noise. The layers share their padding, activation and weight regularizer through
slim.arg_scope; the regularization losses are added to the cross-entropy.
"""
import numpy as np
import tensorflow as tf

# Training parameters
learning_rate = 0.05
training_steps = 60
batch_size = 25
display_step = 20

# Network parameters
image_size = 8
num_classes = 2


def make_images(rng, n):
    """Noisy 8x8 images with a 3x3 square in the upper (0) or lower (1) half."""
    images = 0.8 * rng.randn(n, image_size, image_size, 1)
    labels = rng.randint(0, num_classes, size=n)
    for i, label in enumerate(labels):
        row = rng.randint(0, 2) + (4 if label == 1 else 0)
        col = rng.randint(0, image_size - 2)
        images[i, row:row + 3, col:col + 3, 0] += 1.5
    return images.astype(np.float32), labels.astype(np.int64)


conv1 = tf.keras.layers.Conv2D(8, [3, 3], activation=tf.nn.relu, kernel_regularizer=tf.keras.regularizers.L2(0.00005), padding="same", strides=1, name="conv1")
pool1 = tf.keras.layers.MaxPooling2D([2, 2], strides=2, padding="valid", name="pool1")
conv2 = tf.keras.layers.Conv2D(16, [3, 3], activation=tf.nn.relu, kernel_regularizer=tf.keras.regularizers.L2(0.00005), padding="same", strides=1, name="conv2")
pool2 = tf.keras.layers.MaxPooling2D([2, 2], strides=2, padding="valid", name="pool2")
flatten = tf.keras.layers.Flatten(name="flatten")
fc1 = tf.keras.layers.Dense(32, activation=tf.nn.relu, kernel_regularizer=tf.keras.regularizers.L2(0.00005), name="fc1")
logits_layer = tf.keras.layers.Dense(num_classes, activation=None, kernel_regularizer=tf.keras.regularizers.L2(0.00005), name="logits")


def network(images):
    net = conv1(images)
    net = pool1(net)
    net = conv2(net)
    net = pool2(net)
    net = flatten(net)
    net = fc1(net)
    return logits_layer(net)


rng = np.random.RandomState(0)
train_images, train_labels = make_images(rng, 200)
test_images, test_labels = make_images(rng, 60)

tf.random.set_seed(0)


optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)


def logits_fn(X):
    logits = network(X)
    return logits


def loss_op_fn(Y, logits):
    cross_entropy = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits, labels=Y))
    loss_op = cross_entropy + tf.add_n([*conv1.losses, *conv2.losses, *fc1.losses, *logits_layer.losses])
    return loss_op


def accuracy_fn(Y, logits):
    correct_pred = tf.equal(tf.argmax(logits, 1), Y)
    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))
    return accuracy


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, image_size, image_size, 1], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
    ]
)
def train_step(X, Y):
    with tf.GradientTape() as tape:
        logits = logits_fn(X)
        loss_op = loss_op_fn(Y, logits)
    variables = [*conv1.trainable_variables, *conv2.trainable_variables, *fc1.trainable_variables, *logits_layer.trainable_variables]
    gradients = tape.gradient(loss_op, variables)
    optimizer.apply_gradients(zip(gradients, variables))


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, image_size, image_size, 1], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
    ]
)
def compute_loss_op_and_accuracy(X, Y):
    logits = logits_fn(X)
    loss_op = loss_op_fn(Y, logits)
    accuracy = accuracy_fn(Y, logits)
    return [loss_op, accuracy]


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, image_size, image_size, 1], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
    ]
)
def compute_accuracy(X, Y):
    logits = logits_fn(X)
    accuracy = accuracy_fn(Y, logits)
    return accuracy


for step in range(1, training_steps + 1):
    start = (step - 1) * batch_size % len(train_images)
    batch_x = train_images[start:start + batch_size]
    batch_y = train_labels[start:start + batch_size]
    train_step(batch_x, batch_y)
    if step % display_step == 0 or step == 1:
        loss, acc = [value.numpy() for value in compute_loss_op_and_accuracy(train_images, train_labels)]
        print("Step " + str(step) + ", Loss= %.4f, Training Accuracy= %.3f" % (loss, acc))

print("Optimization Finished!")
print("Testing Accuracy: %.4f"
      % compute_accuracy(test_images, test_labels).numpy())
