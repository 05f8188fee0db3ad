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

iterator = tf.data.Iterator.from_structure(train_data.output_types, train_data.output_shapes)
inputs, targets = iterator.get_next()
train_init = iterator.make_initializer(train_data)
test_init = iterator.make_initializer(test_data)

w = tf.get_variable("weights", shape=(4, 3), initializer=tf.random_normal_initializer(0, 0.01))
b = tf.get_variable("bias", shape=(1, 3), initializer=tf.zeros_initializer())
logits = tf.matmul(inputs, w) + b
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=logits))
optimizer = tf.train.AdamOptimizer(0.05).minimize(loss)
correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(targets, 1)), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(6):
        sess.run(train_init)
        total_loss, n_batches = 0.0, 0
        try:
            while True:
                _, l = sess.run([optimizer, loss])
                total_loss += l
                n_batches += 1
        except tf.errors.OutOfRangeError:
            pass
        print("epoch %d: mean loss %.6f over %d batches" % (epoch, total_loss / n_batches, n_batches))
    sess.run(test_init)
    total_correct = 0.0
    try:
        while True:
            total_correct += sess.run(correct)
    except tf.errors.OutOfRangeError:
        pass
    print("test accuracy %.4f" % (total_correct / len(test_labels)))
