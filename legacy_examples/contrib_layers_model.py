"""A small CNN built from tf.contrib.layers, with contrib initializers and L2 regularizers."""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
images = rng.rand(64, 8, 8, 1).astype(np.float32)
labels = (images[:, :4].mean(axis=(1, 2, 3)) > images[:, 4:].mean(axis=(1, 2, 3))).astype(np.int64)

tf.set_random_seed(0)
x = tf.placeholder(tf.float32, [None, 8, 8, 1])
y = tf.placeholder(tf.int64, [None])
net = tf.contrib.layers.conv2d(
    x, 4, [3, 3],
    weights_initializer=tf.contrib.layers.xavier_initializer(uniform=False),
    weights_regularizer=tf.contrib.layers.l2_regularizer(0.001),
    scope="conv",
)
net = tf.contrib.layers.max_pool2d(net, [2, 2])
net = tf.contrib.layers.flatten(net)
net = tf.contrib.layers.fully_connected(
    net, 16,
    weights_initializer=tf.contrib.layers.variance_scaling_initializer(),
    weights_regularizer=tf.contrib.layers.l2_regularizer(0.001),
    scope="hidden",
)
logits = tf.contrib.layers.fully_connected(net, 2, activation_fn=None, scope="logits")
cross_entropy = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
loss = cross_entropy + tf.losses.get_regularization_loss()
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(60):
        batch = rng.choice(64, 16, replace=False)
        _, batch_loss = sess.run([train_op, loss], feed_dict={x: images[batch], y: labels[batch]})
        if step % 10 == 0:
            print("step", step, "loss", batch_loss)
    print("accuracy", sess.run(accuracy, feed_dict={x: images, y: labels}))
