"""A tiny convolutional network on synthetic 8x8 images.

Three classes of single-channel images: a horizontal bar, a vertical bar, or a diagonal,
drawn at a random position and covered in noise.
"""
import numpy as np
import tensorflow as tf

# Training parameters
learning_rate = 0.002
num_epochs = 12
batch_size = 20
display_epoch = 3

# Network parameters
image_size = 8
num_channels = 1
num_classes = 3


def make_images(rng, n):
    """Noisy 8x8 images with one bar each, and their one-hot labels."""
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
    return images.astype(np.float32), np.eye(num_classes, dtype=np.float32)[labels]


def conv2d(x, W, b, strides=1):
    # Conv2D wrapper, with bias and relu activation
    x = tf.nn.conv2d(x, filters=W, strides=[1, strides, strides, 1], padding="SAME")
    x = tf.nn.bias_add(x, b)
    return tf.nn.relu(x)


def maxpool2d(x, k=2):
    # MaxPool2D wrapper
    return tf.nn.max_pool2d(input=x, ksize=[1, k, k, 1], strides=[1, k, k, 1], padding="SAME")


def conv_net(x, weights, biases):
    # Convolution layer + max pooling: 8x8x1 -> 8x8x8 -> 4x4x8
    conv1 = maxpool2d(conv2d(x, weights["wc1"], biases["bc1"]))
    # Convolution layer + max pooling: 4x4x8 -> 4x4x16 -> 2x2x16
    conv2 = maxpool2d(conv2d(conv1, weights["wc2"], biases["bc2"]))
    # Flatten to fit the fully connected layer
    fc1 = tf.reshape(conv2, [-1, weights["wd1"].get_shape().as_list()[0]])
    fc1 = tf.nn.relu(tf.add(tf.matmul(fc1, weights["wd1"]), biases["bd1"]))
    # Output, class prediction
    return tf.add(tf.matmul(fc1, weights["out"]), biases["out"])


def main():
    rng = np.random.RandomState(0)
    train_images, train_labels = make_images(rng, 240)
    test_images, test_labels = make_images(rng, 90)

    tf.random.set_seed(0)

    # tf Graph input

    # Store layers weight & bias
    weights = {
        # 3x3 conv, 1 input, 8 outputs
        "wc1": tf.Variable(tf.random.normal([3, 3, 1, 8], stddev=0.3), name="wc1"),
        # 3x3 conv, 8 inputs, 16 outputs
        "wc2": tf.Variable(tf.random.normal([3, 3, 8, 16], stddev=0.1), name="wc2"),
        # fully connected, 2*2*16 inputs, 32 outputs
        "wd1": tf.Variable(tf.random.normal([2 * 2 * 16, 32], stddev=0.1), name="wd1"),
        # 32 inputs, 3 outputs (class prediction)
        "out": tf.Variable(tf.random.normal([32, num_classes], stddev=0.1), name="w_out"),
    }
    biases = {
        "bc1": tf.Variable(tf.zeros([8]), name="bc1"),
        "bc2": tf.Variable(tf.zeros([16]), name="bc2"),
        "bd1": tf.Variable(tf.zeros([32]), name="bd1"),
        "out": tf.Variable(tf.zeros([num_classes]), name="b_out"),
    }

    optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)

    # Initialize the variables (i.e. assign their default value)

    n_batches = len(train_images) // batch_size

    def logits_fn(X):
        # Construct model
        logits = conv_net(X, weights, biases)
        return logits

    def prediction_fn(logits):
        prediction = tf.nn.softmax(logits)
        return prediction

    def loss_op_fn(Y, logits):
        # Define loss and optimizer
        loss_op = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
        return loss_op

    def accuracy_fn(Y, prediction):
        # Evaluate model
        correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(Y, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))
        return accuracy

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, image_size, image_size, num_channels], dtype=tf.float32),
            tf.TensorSpec(shape=[None, num_classes], dtype=tf.float32),
        ]
    )
    def train_step(X, Y):
        with tf.GradientTape() as tape:
            logits = logits_fn(X)
            loss_op = loss_op_fn(Y, logits)
        variables = [*weights.values(), *biases.values()]
        gradients = tape.gradient(loss_op, variables)
        optimizer.apply_gradients(zip(gradients, variables))

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, image_size, image_size, num_channels], dtype=tf.float32),
            tf.TensorSpec(shape=[None, num_classes], dtype=tf.float32),
        ]
    )
    def compute_loss_op_and_accuracy(X, Y):
        logits = logits_fn(X)
        prediction = prediction_fn(logits)
        loss_op = loss_op_fn(Y, logits)
        accuracy = accuracy_fn(Y, prediction)
        return [loss_op, accuracy]

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, image_size, image_size, num_channels], dtype=tf.float32),
            tf.TensorSpec(shape=[None, num_classes], dtype=tf.float32),
        ]
    )
    def compute_accuracy(X, Y):
        logits = logits_fn(X)
        prediction = prediction_fn(logits)
        accuracy = accuracy_fn(Y, prediction)
        return accuracy

    for epoch in range(1, num_epochs + 1):
        for i in range(n_batches):
            batch_x = train_images[i * batch_size:(i + 1) * batch_size]
            batch_y = train_labels[i * batch_size:(i + 1) * batch_size]
            # Run optimization op (backprop)
            train_step(batch_x, batch_y)
        if epoch % display_epoch == 0 or epoch == 1:
            # Calculate batch loss and accuracy
            loss, acc = [value.numpy() for value in compute_loss_op_and_accuracy(train_images, train_labels)]
            print("Epoch " + str(epoch) + ", Loss= %.4f, Training Accuracy= %.3f"
                  % (loss, acc))

    print("Optimization Finished!")

    # Calculate accuracy for the held-out images
    print("Testing Accuracy: %.4f"
          % compute_accuracy(test_images, test_labels).numpy())
    filters = weights["wc1"].numpy()
    print("First-layer filter norms:",
          np.round(np.sqrt((filters ** 2).sum(axis=(0, 1, 2))), 4))


if __name__ == "__main__":
    main()
