import tensorflow as tf

# tf.random_gamma is not among the random ops the harness aligns.
W = tf.Variable(tf.ones([3]), name="W")
noisy = W * tf.random_gamma([3], alpha=2.0)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(3):
        print("noisy", sess.run(noisy))
