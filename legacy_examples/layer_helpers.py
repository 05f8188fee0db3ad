"""A small VGG-style network built from layer helper functions, as tutorial code writes them.

`conv`, `pool` and `fc_layer` each take the layer's name first: `conv` and `fc_layer` create
their weights with `tf.get_variable` under `tf.variable_scope(layer_name)`, so every call makes
new variables named after it (`conv1/weights`, `fc/biases`), and read the input's size off its
static shape (`x.get_shape()[-1]`, `shape[1].value`). Four classes of 8x8 images: a bright
quadrant, covered in noise.
"""
import numpy as np
import tensorflow as tf

batch_size = 16
num_steps = 60
num_classes = 4


def conv(layer_name, x, out_channels, kernel_size=[3, 3], stride=[1, 1, 1, 1]):
    """A convolution, its bias and a ReLU; the variables are named after the layer."""
    in_channels = x.get_shape()[-1]
    with tf.variable_scope(layer_name):
        w = tf.get_variable(name="weights",
                            shape=[kernel_size[0], kernel_size[1], in_channels, out_channels],
                            initializer=tf.contrib.layers.xavier_initializer())
        b = tf.get_variable(name="biases",
                            shape=[out_channels],
                            initializer=tf.constant_initializer(0.0))
        x = tf.nn.conv2d(x, w, stride, padding="SAME", name="conv")
        x = tf.nn.bias_add(x, b, name="bias_add")
        x = tf.nn.relu(x, name="relu")
        return x


def pool(layer_name, x, kernel=[1, 2, 2, 1], stride=[1, 2, 2, 1]):
    return tf.nn.max_pool(x, kernel, strides=stride, padding="SAME", name=layer_name)


def fc_layer(layer_name, x, out_nodes, relu=True):
    """A fully connected layer over the flattened input."""
    shape = x.get_shape()
    if len(shape) == 4:
        size = shape[1].value * shape[2].value * shape[3].value
    else:
        size = shape[-1].value
    with tf.variable_scope(layer_name):
        w = tf.get_variable("weights",
                            shape=[size, out_nodes],
                            initializer=tf.contrib.layers.xavier_initializer())
        b = tf.get_variable("biases",
                            shape=[out_nodes],
                            initializer=tf.constant_initializer(0.0))
        flat_x = tf.reshape(x, [-1, size])
        x = tf.nn.bias_add(tf.matmul(flat_x, w), b)
        if relu:
            x = tf.nn.relu(x)
        return x


def make_images(rng, n):
    labels = rng.randint(0, num_classes, size=n)
    images = 0.5 * rng.randn(n, 8, 8, 1)
    for image, label in zip(images, labels):
        row, col = divmod(label, 2)
        image[4 * row:4 * row + 4, 4 * col:4 * col + 4] += 1.0
    return images.astype(np.float32), labels.astype(np.int32)


rng = np.random.RandomState(0)
tf.set_random_seed(0)
train_images, train_labels = make_images(rng, 160)
test_images, test_labels = make_images(rng, 48)

x = tf.placeholder(tf.float32, [None, 8, 8, 1])
y = tf.placeholder(tf.int32, [None])
h = conv("conv1", x, 8)
h = pool("pool1", h)
h = conv("conv2", h, 16, kernel_size=[1, 1])
h = pool("pool2", h)
h = fc_layer("fc1", h, 32)
logits = fc_layer("fc2", h, num_classes, relu=False)

loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
correct = tf.equal(tf.argmax(logits, 1, output_type=tf.int32), y)
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(num_steps):
        start = step * batch_size % len(train_images)
        feed = {x: train_images[start:start + batch_size], y: train_labels[start:start + batch_size]}
        _, loss_value = sess.run([train_op, loss], feed_dict=feed)
        if step % 20 == 0:
            print("step %d, loss %.4f" % (step, loss_value))
    print("test accuracy %.3f" % sess.run(accuracy, feed_dict={x: test_images, y: test_labels}))
