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

tf.random.set_seed(0)

# tf Graph input

# Store layers weight & bias
weights = {
    "h1": tf.Variable(tf.random.normal([n_input, n_hidden_1], stddev=0.3), name="h1"),
    "h2": tf.Variable(tf.random.normal([n_hidden_1, n_hidden_2], stddev=0.3), name="h2"),
    "out": tf.Variable(tf.random.normal([n_hidden_2, n_classes], stddev=0.3), name="w_out"),
}
biases = {
    "b1": tf.Variable(tf.zeros([n_hidden_1]), name="b1"),
    "b2": tf.Variable(tf.zeros([n_hidden_2]), name="b2"),
    "out": tf.Variable(tf.zeros([n_classes]), name="b_out"),
}


def multilayer_perceptron(x, keep_prob):
    # Hidden fully connected layers with ReLU activation and dropout
    layer_1 = tf.nn.relu(tf.add(tf.matmul(x, weights["h1"]), biases["b1"]))
    layer_1 = tf.nn.dropout(layer_1, rate=1 - keep_prob)
    layer_2 = tf.nn.relu(tf.add(tf.matmul(layer_1, weights["h2"]), biases["b2"]))
    layer_2 = tf.nn.dropout(layer_2, rate=1 - keep_prob)
    # Output fully connected layer with a neuron for each class
    return tf.matmul(layer_2, weights["out"]) + biases["out"]


optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)


n_batches = len(train_x) // batch_size


def logits_fn(x, keep_prob):
    # Construct model
    logits = multilayer_perceptron(x, keep_prob=keep_prob)
    return logits


def prediction_fn(logits):
    prediction = tf.nn.softmax(logits)
    return prediction


def loss_op_fn(y, logits):
    # Define loss and optimizer
    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=y))
    return loss_op


def accuracy_fn(y, prediction):
    # Evaluate model
    correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))
    return accuracy


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, n_input], dtype=tf.float32),
        tf.TensorSpec(shape=[None, n_classes], dtype=tf.float32),
        tf.TensorSpec(shape=None, dtype=tf.float32),
    ]
)
def train_step(x, y, keep_prob):
    with tf.GradientTape() as tape:
        logits = logits_fn(x, keep_prob)
        loss_op = loss_op_fn(y, logits)
    variables = [*weights.values(), *biases.values()]
    gradients = tape.gradient(loss_op, variables)
    optimizer.apply_gradients(zip(gradients, variables))


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, n_input], dtype=tf.float32),
        tf.TensorSpec(shape=[None, n_classes], dtype=tf.float32),
        tf.TensorSpec(shape=None, dtype=tf.float32),
    ]
)
def compute_loss_op_and_accuracy(x, y, keep_prob):
    logits = logits_fn(x, keep_prob)
    prediction = prediction_fn(logits)
    loss_op = loss_op_fn(y, logits)
    accuracy = accuracy_fn(y, prediction)
    return [loss_op, accuracy]


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, n_input], dtype=tf.float32),
        tf.TensorSpec(shape=[None, n_classes], dtype=tf.float32),
        tf.TensorSpec(shape=None, dtype=tf.float32),
    ]
)
def compute_accuracy(x, y, keep_prob):
    logits = logits_fn(x, keep_prob)
    prediction = prediction_fn(logits)
    accuracy = accuracy_fn(y, prediction)
    return accuracy


for epoch in range(1, training_epochs + 1):
    # Shuffle the training set each epoch with its own seeded generator
    order = np.random.RandomState(epoch).permutation(len(train_x))
    for i in range(n_batches):
        idx = order[i * batch_size:(i + 1) * batch_size]
        train_step(train_x[idx], train_y[idx], train_keep_prob)
    if epoch % display_epoch == 0 or epoch == 1:
        loss, acc = [value.numpy() for value in compute_loss_op_and_accuracy(train_x, train_y, 1.0)]
        print("Epoch %d, Training Loss= %.4f, Training Accuracy= %.3f" % (epoch, loss, acc))

print("Optimization Finished!")

print("Testing Accuracy: %.4f" % compute_accuracy(test_x, test_y, 1.0).numpy())
out_w = weights["out"].numpy()
print("Output weights (first rows):", np.round(out_w[:3].ravel(), 4))
