import numpy as np
import tensorflow as tf

rng = np.random.RandomState(7)
features = rng.rand(64, 8).astype(np.float32)
labels = (features.sum(axis=1, keepdims=True) > 4.0).astype(np.float32)

x = tf.placeholder(tf.float32, [None, 8])
y = tf.placeholder(tf.float32, [None, 1])
keep_prob = tf.placeholder(tf.float32)
W1 = tf.Variable(tf.random_normal([8, 16], stddev=0.5), name="W1")
b1 = tf.Variable(tf.zeros([16]), name="b1")
W2 = tf.Variable(tf.random_normal([16, 1], stddev=0.5), name="W2")
b2 = tf.Variable(tf.zeros([1]), name="b2")
hidden = tf.nn.dropout(tf.nn.relu(tf.matmul(x, W1) + b1), keep_prob)
logits = tf.matmul(hidden, W2) + b2
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
order = tf.random_shuffle(tf.range(64))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(30):
        idx = sess.run(order)
        _, value = sess.run([train_op, loss], feed_dict={x: features[idx[:16]], y: labels[idx[:16]], keep_prob: 0.5})
        if step % 10 == 0:
            print(step, value)
    print("eval", sess.run(loss, feed_dict={x: features, y: labels, keep_prob: 1.0}))
