"""A tf.contrib.slim convolutional network on synthetic 8x8 images.

Two classes of single-channel images: a bright square in the upper half or in the lower half,
covered in noise. The layers share their padding, activation and weight regularizer through
slim.arg_scope; the regularization losses are added to the cross-entropy.
"""
import numpy as np
import tensorflow as tf
from tensorflow.contrib import slim

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


def network(images):
    with slim.arg_scope([slim.conv2d, slim.fully_connected],
                        activation_fn=tf.nn.relu,
                        weights_regularizer=slim.l2_regularizer(1e-4)):
        with slim.arg_scope([slim.conv2d], padding="SAME"):
            net = slim.conv2d(images, 8, [3, 3], scope="conv1")
            net = slim.max_pool2d(net, [2, 2], scope="pool1")
            net = slim.conv2d(net, 16, [3, 3], scope="conv2")
            net = slim.max_pool2d(net, [2, 2], scope="pool2")
        net = slim.flatten(net, scope="flatten")
        net = slim.fully_connected(net, 32, scope="fc1")
        return slim.fully_connected(net, num_classes, activation_fn=None, scope="logits")


rng = np.random.RandomState(0)
train_images, train_labels = make_images(rng, 200)
test_images, test_labels = make_images(rng, 60)

tf.set_random_seed(0)

X = tf.placeholder(tf.float32, [None, image_size, image_size, 1])
Y = tf.placeholder(tf.int64, [None])

logits = network(X)
cross_entropy = tf.reduce_mean(
    tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits, labels=Y))
loss_op = cross_entropy + tf.losses.get_regularization_loss()
train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss_op)

correct_pred = tf.equal(tf.argmax(logits, 1), Y)
accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

init = tf.global_variables_initializer()

with tf.Session() as sess:
    sess.run(init)

    for step in range(1, training_steps + 1):
        start = (step - 1) * batch_size % len(train_images)
        batch_x = train_images[start:start + batch_size]
        batch_y = train_labels[start:start + batch_size]
        sess.run(train_op, feed_dict={X: batch_x, Y: batch_y})
        if step % display_step == 0 or step == 1:
            loss, acc = sess.run([loss_op, accuracy],
                                 feed_dict={X: train_images, Y: train_labels})
            print("Step " + str(step) + ", Loss= %.4f, Training Accuracy= %.3f" % (loss, acc))

    print("Optimization Finished!")
    print("Testing Accuracy: %.4f"
          % sess.run(accuracy, feed_dict={X: test_images, Y: test_labels}))
