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

tf.set_random_seed(0)
dataset = tf.data.Dataset.from_tensor_slices((features, targets))
dataset = dataset.batch(16)
iterator = dataset.make_initializable_iterator()
X, Y = iterator.get_next()

w = tf.Variable(0.0, name="weight")
b = tf.Variable(0.0, name="bias")
loss = tf.reduce_mean(tf.square(Y - (X * w + b)))
optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(loss)

test_dataset = tf.data.Dataset.from_tensor_slices((test_features, test_targets)).batch(8)
test_iterator = test_dataset.make_one_shot_iterator()
test_X, test_Y = test_iterator.get_next()
test_error = tf.reduce_mean(tf.abs(test_Y - (test_X * w + b)))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(8):
        sess.run(iterator.initializer)
        total_loss, n_batches = 0.0, 0
        try:
            while True:
                _, l = sess.run([optimizer, loss])
                total_loss += l
                n_batches += 1
        except tf.errors.OutOfRangeError:
            pass
        print("Epoch %d: loss %.6f over %d batches" % (epoch, total_loss / n_batches, n_batches))
    errors = []
    try:
        while True:
            errors.append(sess.run(test_error))
    except tf.errors.OutOfRangeError:
        pass
    print("test error %.6f" % np.mean(errors))
    w_value, b_value = sess.run([w, b])
    print("w = %.4f, b = %.4f" % (w_value, b_value))
