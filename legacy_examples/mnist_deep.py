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


def deepnn(x):
    """Builds the graph of a small convolutional network classifying 8x8 images."""
    # Reshape to use within a convolutional neural net.
    with tf.name_scope('reshape'):
        x_image = tf.reshape(x, [-1, 8, 8, 1])

    # First convolutional layer - maps one grayscale image to 4 feature maps.
    with tf.name_scope('conv1'):
        W_conv1 = weight_variable([3, 3, 1, 4])
        b_conv1 = bias_variable([4])
        h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)

    # Pooling layer - downsamples by 2X.
    with tf.name_scope('pool1'):
        h_pool1 = max_pool_2x2(h_conv1)

    # Fully connected layer 1 -- after one round of downsampling, our 8x8 image
    # is down to 4x4x4 feature maps -- maps this to 16 features.
    with tf.name_scope('fc1'):
        W_fc1 = weight_variable([4 * 4 * 4, 16])
        b_fc1 = bias_variable([16])
        h_pool1_flat = tf.reshape(h_pool1, [-1, 4 * 4 * 4])
        h_fc1 = tf.nn.relu(tf.matmul(h_pool1_flat, W_fc1) + b_fc1)

    # Dropout - controls the complexity of the model, prevents co-adaptation of
    # features.
    with tf.name_scope('dropout'):
        keep_prob = tf.placeholder(tf.float32)
        h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)

    # Map the 16 features to 3 classes, one for each digit
    with tf.name_scope('fc2'):
        W_fc2 = weight_variable([16, 3])
        b_fc2 = bias_variable([3])
        y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2
    return y_conv, keep_prob


def conv2d(x, W):
    """conv2d returns a 2d convolution layer with full stride."""
    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')


def max_pool_2x2(x):
    """max_pool_2x2 downsamples a feature map by 2X."""
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')


def weight_variable(shape):
    """weight_variable generates a weight variable of a given shape."""
    initial = tf.truncated_normal(shape, stddev=0.1)
    return tf.Variable(initial)


def bias_variable(shape):
    """bias_variable generates a bias variable of a given shape."""
    initial = tf.constant(0.1, shape=shape)
    return tf.Variable(initial)


def main():
    tf.set_random_seed(0)
    rng = np.random.RandomState(0)
    images = rng.rand(96, 64).astype(np.float32)
    labels = np.eye(3, dtype=np.float32)[rng.randint(0, 3, 96)]

    # Create the model
    x = tf.placeholder(tf.float32, [None, 64])

    # Define loss and optimizer
    y_ = tf.placeholder(tf.float32, [None, 3])

    # Build the graph for the deep net
    y_conv, keep_prob = deepnn(x)

    with tf.name_scope('loss'):
        cross_entropy = tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv)
    cross_entropy = tf.reduce_mean(cross_entropy)

    with tf.name_scope('adam_optimizer'):
        train_step = tf.train.AdamOptimizer(1e-3).minimize(cross_entropy)

    with tf.name_scope('accuracy'):
        correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
        correct_prediction = tf.cast(correct_prediction, tf.float32)
    accuracy = tf.reduce_mean(correct_prediction)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(60):
            start = (i * 16) % 96
            batch = images[start:start + 16], labels[start:start + 16]
            if i % 10 == 0:
                train_accuracy = accuracy.eval(feed_dict={x: batch[0], y_: batch[1], keep_prob: 1.0})
                print('step %d, training accuracy %g' % (i, train_accuracy))
            train_step.run(feed_dict={x: batch[0], y_: batch[1], keep_prob: 0.5})
            print('loss %.6f' % cross_entropy.eval(feed_dict={x: batch[0], y_: batch[1], keep_prob: 1.0}))

        print('test accuracy %g' % accuracy.eval(feed_dict={x: images, y_: labels, keep_prob: 1.0}))


if __name__ == '__main__':
    main()
