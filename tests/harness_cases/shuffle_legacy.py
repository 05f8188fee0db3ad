"""A dataset shuffled without a seed, its iterator started again at each epoch."""

import numpy as np
import tensorflow as tf

features = np.arange(40, dtype=np.float32).reshape(20, 2)
labels = (features[:, :1] * 0.5 - features[:, 1:] * 0.25).astype(np.float32)

dataset = tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(20).batch(5)
iterator = tf.data.Iterator.from_structure(dataset.output_types, dataset.output_shapes)
x, y = iterator.get_next()
start = iterator.make_initializer(dataset)

w = tf.get_variable("w", [2, 1], initializer=tf.zeros_initializer())
loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
train_op = tf.train.GradientDescentOptimizer(0.001).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(3):
        sess.run(start)
        try:
            while True:
                _, first, value = sess.run([train_op, x[0, 0], loss])
                print("first", first, "loss", value)
        except tf.errors.OutOfRangeError:
            pass
    print("w", sess.run(w))
