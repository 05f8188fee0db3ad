"""A multilayer perceptron with two hidden layers, trained on mini-batches with momentum.

The data are a disc and a ring around it in 2-D, lifted into 10 noisy features: two classes
that a linear model cannot separate but a small MLP can.
"""
import numpy as np
import tensorflow as tf

# Parameters
learning_rate = 0.05
momentum = 0.9
training_epochs = 30
batch_size = 32
display_epoch = 10

# Network parameters
n_input = 10
n_hidden_1 = 32
n_hidden_2 = 16
n_classes = 2

# Dropout is switched off while training as well (keep probability 1.0) so that every run,
# and every rewrite of this program, computes the same numbers.
train_keep_prob = 1.0

# Synthetic data: class 1 lies on a ring of radius 2, class 0 inside a disc of radius 1;
# eight extra features are noise mixed with the two informative ones.
rng = np.random.RandomState(0)


def make_data(n):
    labels = rng.randint(0, 2, size=n)
    angle = rng.uniform(0, 2 * np.pi, size=n)
    radius = np.where(labels == 1, 2.0, 0.5) + 0.3 * rng.randn(n)
    plane = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    mixing = np.linspace(-1.0, 1.0, 2 * (n_input - 2)).reshape(2, n_input - 2)
    extra = plane.dot(mixing) + 0.5 * rng.randn(n, n_input - 2)
    features = np.concatenate([plane, extra], axis=1).astype(np.float32)
    return features, np.eye(n_classes, dtype=np.float32)[labels]


train_x, train_y = make_data(512)
test_x, test_y = make_data(256)

tf.set_random_seed(0)

# tf Graph input
x = tf.placeholder(tf.float32, [None, n_input], name="x")
y = tf.placeholder(tf.float32, [None, n_classes], name="y")
keep_prob = tf.placeholder(tf.float32, name="keep_prob")

# Store layers weight & bias
weights = {
    "h1": tf.Variable(tf.random_normal([n_input, n_hidden_1], stddev=0.3), name="h1"),
    "h2": tf.Variable(tf.random_normal([n_hidden_1, n_hidden_2], stddev=0.3), name="h2"),
    "out": tf.Variable(tf.random_normal([n_hidden_2, n_classes], stddev=0.3), name="w_out"),
}
biases = {
    "b1": tf.Variable(tf.zeros([n_hidden_1]), name="b1"),
    "b2": tf.Variable(tf.zeros([n_hidden_2]), name="b2"),
    "out": tf.Variable(tf.zeros([n_classes]), name="b_out"),
}


def multilayer_perceptron(x):
    # Hidden fully connected layers with ReLU activation and dropout
    layer_1 = tf.nn.relu(tf.add(tf.matmul(x, weights["h1"]), biases["b1"]))
    layer_1 = tf.nn.dropout(layer_1, keep_prob)
    layer_2 = tf.nn.relu(tf.add(tf.matmul(layer_1, weights["h2"]), biases["b2"]))
    layer_2 = tf.nn.dropout(layer_2, keep_prob)
    # Output fully connected layer with a neuron for each class
    return tf.matmul(layer_2, weights["out"]) + biases["out"]


# Construct model
logits = multilayer_perceptron(x)
prediction = tf.nn.softmax(logits)

# Define loss and optimizer
loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=y))
optimizer = tf.train.MomentumOptimizer(learning_rate=learning_rate, momentum=momentum)
train_op = optimizer.minimize(loss_op)

# Evaluate model
correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

init = tf.global_variables_initializer()

with tf.Session() as sess:
    sess.run(init)

    n_batches = len(train_x) // batch_size
    for epoch in range(1, training_epochs + 1):
        # Shuffle the training set each epoch with its own seeded generator
        order = np.random.RandomState(epoch).permutation(len(train_x))
        for i in range(n_batches):
            idx = order[i * batch_size:(i + 1) * batch_size]
            sess.run(train_op, feed_dict={x: train_x[idx], y: train_y[idx],
                                          keep_prob: train_keep_prob})
        if epoch % display_epoch == 0 or epoch == 1:
            loss, acc = sess.run([loss_op, accuracy], feed_dict={x: train_x, y: train_y,
                                                                 keep_prob: 1.0})
            print("Epoch %d, Training Loss= %.4f, Training Accuracy= %.3f" % (epoch, loss, acc))

    print("Optimization Finished!")

    print("Testing Accuracy: %.4f" % sess.run(accuracy, feed_dict={x: test_x, y: test_y,
                                                                   keep_prob: 1.0}))
    out_w = sess.run(weights["out"])
    print("Output weights (first rows):", np.round(out_w[:3].ravel(), 4))
