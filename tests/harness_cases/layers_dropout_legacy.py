import numpy as np
import tensorflow as tf

rng = np.random.RandomState(5)
features = rng.rand(40, 6).astype(np.float32)
labels = (features[:, :3].sum(axis=1) > 1.5).astype(np.int64)

x = tf.placeholder(tf.float32, [None, 6])
y = tf.placeholder(tf.int64, [None])
training = tf.placeholder_with_default(False, [])
hidden = tf.layers.dense(x, 12, activation=tf.nn.relu, name="hidden")
dropped = tf.layers.dropout(hidden, rate=0.5, training=training)
logits = tf.layers.dense(dropped, 2, name="logits")
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.train.GradientDescentOptimizer(0.3).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(25):
        _, value = sess.run([train_op, loss], feed_dict={x: features, y: labels, training: True})
        if step % 5 == 0:
            print(step, value)
    print("eval", sess.run(loss, feed_dict={x: features, y: labels}))
