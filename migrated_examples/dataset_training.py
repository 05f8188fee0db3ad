"""Linear regression trained from a tf.data pipeline, as the TF1 tutorials on datasets do: a
shuffled, batched dataset, an initializable iterator started again at every epoch, training
until `tf.errors.OutOfRangeError`, then an evaluation pass over a second dataset through a
one-shot iterator."""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(3)
features = rng.uniform(0.0, 2.0, size=(96, 1)).astype(np.float32)
targets = (3.0 * features + 0.5 + 0.05 * rng.randn(96, 1)).astype(np.float32)
test_features = rng.uniform(0.0, 2.0, size=(32, 1)).astype(np.float32)
test_targets = (3.0 * test_features + 0.5).astype(np.float32)

tf.random.set_seed(0)
dataset = tf.data.Dataset.from_tensor_slices((features, targets))
dataset = dataset.batch(16)
iterator = iter(dataset)

w = tf.Variable(0.0, name="weight")
b = tf.Variable(0.0, name="bias")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)

test_dataset = tf.data.Dataset.from_tensor_slices((test_features, test_targets)).batch(8)
test_iterator = iter(test_dataset)


@tf.function
def train_step(element):
    with tf.GradientTape() as tape:
        X, Y = element
        loss = tf.reduce_mean(tf.square(Y - (X * w + b)))
    variables = [w, b]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function
def compute_test_error(test_element):
    test_X, test_Y = test_element
    test_error = tf.reduce_mean(tf.abs(test_Y - (test_X * w + b)))
    return test_error


for epoch in range(8):
    iterator = iter(dataset)
    total_loss, n_batches = 0.0, 0
    try:
        while True:
            l = train_step(iterator.get_next()).numpy()
            total_loss += l
            n_batches += 1
    except tf.errors.OutOfRangeError:
        pass
    print("Epoch %d: loss %.6f over %d batches" % (epoch, total_loss / n_batches, n_batches))
errors = []
try:
    while True:
        errors.append(compute_test_error(test_iterator.get_next()).numpy())
except tf.errors.OutOfRangeError:
    pass
print("test error %.6f" % np.mean(errors))
w_value, b_value = [w.numpy(), b.numpy()]
print("w = %.4f, b = %.4f" % (w_value, b_value))
