"""A deep convolutional classifier in the shape of TensorFlow's own mnist_deep.py tutorial.

`deepnn(x)` builds the network layer by layer, each under a `tf.name_scope` of its own, with
the tutorial's helpers: `weight_variable` / `bias_variable` compute the initial value into a
local and return one unnamed `tf.Variable`, `conv2d` and `max_pool_2x2` wrap the ops. It makes
the dropout's `keep_prob` placeholder itself and returns it with the logits. `main()` calls it
once, trains with `AdamOptimizer` through `train_step.run(feed_dict=...)` with `keep_prob` 0.5,
and reports accuracy with `accuracy.eval(feed_dict=...)` with 1.0, on 8x8 synthetic images.
"""
import numpy as np
import tensorflow as tf


class Deepnn(tf.Module):
    def __init__(self):
        super().__init__()
        self.built = False

    def __call__(self, x, keep_prob):
        """Builds the graph of a small convolutional network classifying 8x8 images."""
        # Reshape to use within a convolutional neural net.
        x_image = tf.reshape(x, [-1, 8, 8, 1])

        # First convolutional layer - maps one grayscale image to 4 feature maps.
        if not self.built:
            with tf.name_scope("conv1/"):
                self.W_conv1 = weight_variable([3, 3, 1, 4])
                self.b_conv1 = bias_variable([4])

            # Fully connected layer 1 -- after one round of downsampling, our 8x8 image
            # is down to 4x4x4 feature maps -- maps this to 16 features.
            with tf.name_scope("fc1/"):
                self.W_fc1 = weight_variable([4 * 4 * 4, 16])
                self.b_fc1 = bias_variable([16])

            # Map the 16 features to 3 classes, one for each digit
            with tf.name_scope("fc2/"):
                self.W_fc2 = weight_variable([16, 3])
                self.b_fc2 = bias_variable([3])
            self.built = True
        h_conv1 = tf.nn.relu(conv2d(x_image, self.W_conv1) + self.b_conv1)

        # Pooling layer - downsamples by 2X.
        h_pool1 = max_pool_2x2(h_conv1)
        h_pool1_flat = tf.reshape(h_pool1, [-1, 4 * 4 * 4])
        h_fc1 = tf.nn.relu(tf.matmul(h_pool1_flat, self.W_fc1) + self.b_fc1)

        # Dropout - controls the complexity of the model, prevents co-adaptation of
        # features.
        h_fc1_drop = tf.nn.dropout(h_fc1, rate=1 - keep_prob)
        y_conv = tf.matmul(h_fc1_drop, self.W_fc2) + self.b_fc2
        return y_conv


def conv2d(x, W):
    """conv2d returns a 2d convolution layer with full stride."""
    return tf.nn.conv2d(x, filters=W, strides=[1, 1, 1, 1], padding='SAME')


def max_pool_2x2(x):
    """max_pool_2x2 downsamples a feature map by 2X."""
    return tf.nn.max_pool2d(input=x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')


def weight_variable(shape):
    """weight_variable generates a weight variable of a given shape."""
    initial = tf.random.truncated_normal(shape, stddev=0.1)
    return tf.Variable(initial)


def bias_variable(shape):
    """bias_variable generates a bias variable of a given shape."""
    initial = tf.constant(0.1, shape=shape)
    return tf.Variable(initial)


def main():
    tf.random.set_seed(0)
    rng = np.random.RandomState(0)
    images = rng.rand(96, 64).astype(np.float32)
    labels = np.eye(3, dtype=np.float32)[rng.randint(0, 3, 96)]

    # Create the model

    # Define loss and optimizer

    # Build the graph for the deep net
    deepnn = Deepnn()

    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)

    def y_conv_fn(x, keep_prob):
        y_conv = deepnn(x, keep_prob)
        return y_conv

    def cross_entropy_fn(y_, y_conv):
        cross_entropy = tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv)
        cross_entropy = tf.reduce_mean(cross_entropy)
        return cross_entropy

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, 64], dtype=tf.float32),
            tf.TensorSpec(shape=[None, 3], dtype=tf.float32),
            tf.TensorSpec(shape=None, dtype=tf.float32),
        ]
    )
    def compute_accuracy(x, y_, keep_prob):
        y_conv = y_conv_fn(x, keep_prob)
        correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
        correct_prediction = tf.cast(correct_prediction, tf.float32)
        accuracy = tf.reduce_mean(correct_prediction)
        return accuracy

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, 64], dtype=tf.float32),
            tf.TensorSpec(shape=[None, 3], dtype=tf.float32),
            tf.TensorSpec(shape=None, dtype=tf.float32),
        ]
    )
    def train_step(x, y_, keep_prob):
        with tf.GradientTape() as tape:
            y_conv = y_conv_fn(x, keep_prob)
            cross_entropy = cross_entropy_fn(y_, y_conv)
        variables = deepnn.trainable_variables
        gradients = tape.gradient(cross_entropy, variables)
        optimizer.apply_gradients(zip(gradients, variables))

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, 64], dtype=tf.float32),
            tf.TensorSpec(shape=[None, 3], dtype=tf.float32),
            tf.TensorSpec(shape=None, dtype=tf.float32),
        ]
    )
    def compute_cross_entropy(x, y_, keep_prob):
        y_conv = y_conv_fn(x, keep_prob)
        cross_entropy = cross_entropy_fn(y_, y_conv)
        return cross_entropy

    for i in range(60):
        start = (i * 16) % 96
        batch = images[start:start + 16], labels[start:start + 16]
        if i % 10 == 0:
            train_accuracy = compute_accuracy(batch[0], batch[1], 1.0).numpy()
            print('step %d, training accuracy %g' % (i, train_accuracy))
        train_step(batch[0], batch[1], 0.5)
        print('loss %.6f' % compute_cross_entropy(batch[0], batch[1], 1.0).numpy())

    print('test accuracy %g' % compute_accuracy(images, labels, 1.0).numpy())


if __name__ == '__main__':
    main()
