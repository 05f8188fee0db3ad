"""Multinomial logistic regression (softmax regression) trained with Adam.

Three Gaussian blobs in four dimensions stand in for a small classification data set.
"""
import numpy as np
import tensorflow as tf

# Parameters
learning_rate = 0.01
training_epochs = 20
batch_size = 50
display_epoch = 5

n_features = 4
n_classes = 3


def make_blobs(rng, n_per_class):
    """Gaussian blobs around fixed class centres, with one-hot labels."""
    centres = np.array([[1.0, 1.0, 0.0, 0.0],
                        [-1.0, 0.5, 1.0, 0.0],
                        [0.0, -1.0, -0.5, 1.0]])
    features, labels = [], []
    for k, centre in enumerate(centres):
        features.append(centre + 0.8 * rng.randn(n_per_class, n_features))
        labels.append(np.full(n_per_class, k))
    features = np.concatenate(features).astype(np.float32)
    labels = np.concatenate(labels)
    order = rng.permutation(len(labels))
    one_hot = np.eye(n_classes, dtype=np.float32)[labels[order]]
    return features[order], one_hot


rng = np.random.RandomState(0)
train_x, train_y = make_blobs(rng, 100)
test_x, test_y = make_blobs(rng, 40)

tf.random.set_seed(0)

# tf Graph input

# Set model weights
W = tf.Variable(tf.zeros([n_features, n_classes]), name="W")
b = tf.Variable(tf.zeros([n_classes]))


optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)


total_batch = len(train_x) // batch_size


def pred_fn(x):
    # Construct model
    pred = tf.nn.softmax(tf.matmul(x, W) + b)
    return pred


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, n_features], dtype=tf.float32),
        tf.TensorSpec(shape=[None, n_classes], dtype=tf.float32),
    ]
)
def train_step(x, y):
    with tf.GradientTape() as tape:
        pred = pred_fn(x)
        # Minimize error using cross entropy
        cost = tf.reduce_mean(-tf.reduce_sum(y * tf.math.log(pred), axis=1))
    variables = [W, b]
    gradients = tape.gradient(cost, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return cost


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, n_features], dtype=tf.float32),
        tf.TensorSpec(shape=[None, n_classes], dtype=tf.float32),
    ]
)
def compute_accuracy(x, y):
    pred = pred_fn(x)
    # Accuracy of the model
    correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    return accuracy


for epoch in range(training_epochs):
    avg_cost = 0.0
    for i in range(total_batch):
        batch_xs = train_x[i * batch_size:(i + 1) * batch_size]
        batch_ys = train_y[i * batch_size:(i + 1) * batch_size]
        c = train_step(batch_xs, batch_ys).numpy()
        avg_cost += c / total_batch
    if (epoch + 1) % display_epoch == 0:
        print("Epoch: %04d cost= %.9f" % (epoch + 1, avg_cost))

print("Optimization Finished!")

# Test model
acc = compute_accuracy(test_x, test_y).numpy()
print("Accuracy: %.4f" % acc)
print("W =")
print(np.round(W.numpy(), 4))
