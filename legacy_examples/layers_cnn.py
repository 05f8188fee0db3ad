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


def conv_net(images, is_training):
    # 8x8x1 -> 8x8x8 -> 4x4x8
    conv1 = tf.layers.conv2d(images, 8, 3, padding="same", activation=tf.nn.relu)
    pool1 = tf.layers.max_pooling2d(conv1, 2, 2)
    # 4x4x8 -> 4x4x16 -> 2x2x16
    conv2 = tf.layers.conv2d(pool1, 16, [3, 3], padding="same", activation=tf.nn.relu)
    pool2 = tf.layers.max_pooling2d(conv2, pool_size=2, strides=2)
    flat = tf.layers.flatten(pool2)
    # Fully connected layer with batch normalization before its activation, which makes a
    # bias redundant
    fc1 = tf.layers.dense(flat, 32, use_bias=False,
                          kernel_regularizer=tf.keras.regularizers.l2(1e-3))
    fc1_norm = tf.layers.batch_normalization(fc1, training=is_training, momentum=0.9)
    fc1_out = tf.layers.dropout(tf.nn.relu(fc1_norm), rate=dropout_rate, training=is_training)
    return tf.layers.dense(fc1_out, num_classes, name="logits")


rng = np.random.RandomState(0)
train_images, train_labels = make_images(rng, 240)
test_images, test_labels = make_images(rng, 90)

tf.set_random_seed(0)

X = tf.placeholder(tf.float32, [None, image_size, image_size, num_channels])
Y = tf.placeholder(tf.int64, [None])
is_training = tf.placeholder(tf.bool, [])

logits = conv_net(X, is_training)
cross_entropy = tf.reduce_mean(
    tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits, labels=Y))
loss_op = cross_entropy + tf.losses.get_regularization_loss()

# Batch-norm statistics are updated by the ops in UPDATE_OPS: run them with each step
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(update_ops):
    train_op = tf.train.MomentumOptimizer(learning_rate, 0.9).minimize(loss_op)

correct_pred = tf.equal(tf.argmax(logits, 1), Y)
accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

init = tf.global_variables_initializer()

with tf.Session() as sess:
    sess.run(init)

    n_batches = len(train_images) // batch_size
    for epoch in range(1, num_epochs + 1):
        for i in range(n_batches):
            batch_x = train_images[i * batch_size:(i + 1) * batch_size]
            batch_y = train_labels[i * batch_size:(i + 1) * batch_size]
            sess.run(train_op, feed_dict={X: batch_x, Y: batch_y, is_training: True})
        if epoch % display_epoch == 0 or epoch == 1:
            loss, acc = sess.run([loss_op, accuracy],
                                 feed_dict={X: train_images, Y: train_labels,
                                            is_training: False})
            print("Epoch " + str(epoch) + ", Loss= %.4f, Training Accuracy= %.3f"
                  % (loss, acc))

    print("Optimization Finished!")
    print("Testing Accuracy: %.4f"
          % sess.run(accuracy, feed_dict={X: test_images, Y: test_labels,
                                          is_training: False}))

