"""A two-layer perceptron built in nested variable scopes with tf.get_variable.

Weights use several initializers, including get_variable's default (Glorot uniform); the
output layer is trained alone, selected through its variable scope from the collection of
trainable variables, and a step counter is a non-trainable integer variable.
"""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
tf.set_random_seed(0)

features = rng.normal(size=(128, 4)).astype(np.float32)
labels = (features.sum(axis=1, keepdims=True) > 0).astype(np.float32)

x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 1])

with tf.variable_scope("mlp"):
    with tf.variable_scope("hidden"):
        w1 = tf.get_variable("weights", [4, 16])
        b1 = tf.get_variable("biases", [16], initializer=tf.constant_initializer(0.05))
    with tf.variable_scope("output"):
        w2 = tf.get_variable("weights", [16, 1], initializer=tf.random_uniform_initializer(-0.2, 0.2))
        b2 = tf.get_variable("biases", [1], initializer=tf.zeros_initializer())
    counter = tf.get_variable("counter", [], dtype=tf.int32, trainable=False)

hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
logits = tf.matmul(hidden, w2) + b2
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
output_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="mlp/output")
hidden_vars = [v for v in tf.trainable_variables() if v.name.startswith("mlp/hidden")]
train_output = tf.train.GradientDescentOptimizer(0.5).minimize(loss, var_list=output_vars)
train_hidden = tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=hidden_vars)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(80):
        _, l = sess.run([train_output, loss], feed_dict={x: features, y: labels})
        sess.run(train_hidden, feed_dict={x: features, y: labels})
        if step % 20 == 0:
            print("step %d loss %.5f" % (step, l))
    print("output weights", np.round(sess.run(w2).ravel()[:5], 4))
    print("counter", sess.run(counter))
