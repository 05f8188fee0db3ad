"""Softmax classifier built in an explicit tf.Graph, in the style of the Udacity course.

The graph is built once inside `graph.as_default()`; the session is opened on that graph.
Validation and test sets are constants in the graph, so their predictions need no feed.
"""
import numpy as np
import tensorflow as tf

image_size = 6
num_labels = 4
batch_size = 32
num_steps = 301


def make_dataset(rng, n):
    """Flattened 6x6 'images' whose pixel statistics depend on the label."""
    labels = rng.randint(0, num_labels, size=n)
    templates = np.linspace(-1.0, 1.0, num_labels * image_size * image_size)
    templates = np.sin(templates.reshape(num_labels, image_size * image_size) * 7.0)
    dataset = templates[labels] + 1.2 * rng.randn(n, image_size * image_size)
    return dataset.astype(np.float32), (np.arange(num_labels) == labels[:, None]).astype(np.float32)


def accuracy(predictions, labels):
    return (100.0 * np.sum(np.argmax(predictions, 1) == np.argmax(labels, 1))
            / predictions.shape[0])


rng = np.random.RandomState(0)
train_dataset, train_labels = make_dataset(rng, 640)
valid_dataset, valid_labels = make_dataset(rng, 160)
test_dataset, test_labels = make_dataset(rng, 160)
print("Training set", train_dataset.shape, train_labels.shape)

tf.random.set_seed(0)

# Input data. For the training data, we use a placeholder that will be fed
# at run time with a training minibatch.

# Variables.
weights = tf.Variable(
    tf.random.truncated_normal([image_size * image_size, num_labels]), name="weights")
biases = tf.Variable(tf.zeros([num_labels]), name="biases")


# Optimizer.
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


print("Initialized")


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=(batch_size, image_size * image_size), dtype=tf.float32),
        tf.TensorSpec(shape=(batch_size, num_labels), dtype=tf.float32),
    ]
)
def train_step(tf_train_dataset, tf_train_labels):
    with tf.GradientTape() as tape:
        # Training computation.
        logits = tf.matmul(tf_train_dataset, weights) + biases
        loss = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(labels=tf_train_labels, logits=logits))
        # Predictions for the training, validation, and test data.
        train_prediction = tf.nn.softmax(logits)
    variables = [weights, biases]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss, train_prediction


@tf.function
def compute_valid_prediction():
    tf_valid_dataset = tf.constant(valid_dataset)
    valid_prediction = tf.nn.softmax(tf.matmul(tf_valid_dataset, weights) + biases)
    return valid_prediction


@tf.function
def compute_test_prediction():
    tf_test_dataset = tf.constant(test_dataset)
    test_prediction = tf.nn.softmax(tf.matmul(tf_test_dataset, weights) + biases)
    return test_prediction


for step in range(num_steps):
    # Pick an offset within the training data, which has been randomized.
    offset = (step * batch_size) % (train_labels.shape[0] - batch_size)
    # Generate a minibatch.
    batch_data = train_dataset[offset:(offset + batch_size), :]
    batch_labels = train_labels[offset:(offset + batch_size), :]
    # Prepare a dictionary telling the session where to feed the minibatch.
    feed_dict = {"tf_train_dataset": batch_data, "tf_train_labels": batch_labels}
    l, predictions = [value.numpy() for value in train_step(feed_dict["tf_train_dataset"], feed_dict["tf_train_labels"])]
    if step % 100 == 0:
        print("Minibatch loss at step %d: %f" % (step, l))
        print("Minibatch accuracy: %.1f%%" % accuracy(predictions, batch_labels))
        print("Validation accuracy: %.1f%%" % accuracy(
            compute_valid_prediction().numpy(), valid_labels))
print("Test accuracy: %.1f%%" % accuracy(compute_test_prediction().numpy(), test_labels))
print("Bias:", np.round(biases.numpy(), 4))
