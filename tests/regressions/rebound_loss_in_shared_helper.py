import numpy as np
import tensorflow as tf

inputs_data = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], dtype=np.float32)
labels_data = np.array([0, 2], dtype=np.int32)
inputs = tf.placeholder(tf.float32, shape=[2, 3])
labels = tf.placeholder(tf.int32, shape=[2])
W = tf.Variable(tf.ones([3, 3]) * 0.25)
b = tf.Variable(tf.constant(0.28, shape=[3]))
h = tf.add(tf.matmul(inputs, W), b)
cost = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=h))
correct = tf.equal(tf.argmax(h, 1), tf.cast(labels, tf.int64))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
cost = cost + 0.05 * tf.nn.l2_loss(b)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    h_value, cost_value = sess.run((h, cost), feed_dict={inputs: inputs_data, labels: labels_data})
    print("%.6f" % cost_value)
    res = sess.run([accuracy, cost], feed_dict={inputs: inputs_data, labels: labels_data})
    print("%.6f" % res[1])
