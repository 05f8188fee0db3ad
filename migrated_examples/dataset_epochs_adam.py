"""Softmax regression trained from shuffled tf.data batches, as the CS20 logistic regression
tutorial does: one iterator made from the structure of the training set, started over the
training data at every epoch and over the test data at the end with `make_initializer`, each
pass run until `tf.errors.OutOfRangeError`, and `AdamOptimizer`, whose step count must not
move when a run finds the data at its end."""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
centers = rng.normal(0.0, 2.0, size=(3, 4)).astype(np.float32)
labels = rng.randint(0, 3, size=120)
features = (centers[labels] + rng.normal(0.0, 1.0, size=(120, 4))).astype(np.float32)
one_hot = np.eye(3, dtype=np.float32)[labels]
test_labels = rng.randint(0, 3, size=40)
test_features = (centers[test_labels] + rng.normal(0.0, 1.0, size=(40, 4))).astype(np.float32)

# Shuffled without a seed: each pass over the training set draws a new order.
train_data = tf.data.Dataset.from_tensor_slices((features, one_hot)).shuffle(120).batch(32)
test_data = tf.data.Dataset.from_tensor_slices((test_features, np.eye(3, dtype=np.float32)[test_labels])).batch(32)


w = tf.Variable(tf.random.normal((4, 3), mean=0, stddev=0.01, dtype=tf.float32), name="weights")
b = tf.Variable(tf.keras.initializers.Zeros()(shape=(1, 3), dtype=tf.float32), name="bias")
optimizer = tf.keras.optimizers.Adam(learning_rate=0.05, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)


def targets_and_logits_fn(element):
    inputs, targets = element
    logits = tf.matmul(inputs, w) + b
    return targets, logits


@tf.function
def train_step(element):
    with tf.GradientTape() as tape:
        targets, logits = targets_and_logits_fn(element)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=logits))
    variables = [w, b]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function
def compute_correct(element):
    targets, logits = targets_and_logits_fn(element)
    correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(targets, 1)), tf.float32))
    return correct


for epoch in range(6):
    iterator = iter(train_data)
    total_loss, n_batches = 0.0, 0
    try:
        while True:
            l = train_step(iterator.get_next()).numpy()
            total_loss += l
            n_batches += 1
    except tf.errors.OutOfRangeError:
        pass
    print("epoch %d: mean loss %.6f over %d batches" % (epoch, total_loss / n_batches, n_batches))
iterator = iter(test_data)
total_correct = 0.0
try:
    while True:
        total_correct += compute_correct(iterator.get_next()).numpy()
except tf.errors.OutOfRangeError:
    pass
print("test accuracy %.4f" % (total_correct / len(test_labels)))
