import tensorflow as tf

tf.set_random_seed(1)
with tf.variable_scope("s"):
    k = tf.get_variable("k", shape=[2], initializer=tf.glorot_uniform_initializer())
W = tf.Variable(tf.ones([2]))
b = tf.Variable(tf.zeros([2]))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run(k + W + b))
