import tensorflow as tf

# A script meant to be started from the directory that holds its settings.
with open("settings.txt") as settings:
    factor = float(settings.read())

x = tf.placeholder(tf.float32, [None])
scaled = tf.reduce_sum(x * factor)

with tf.Session() as sess:
    print("scaled", sess.run(scaled, feed_dict={x: [1.0, 2.0, 3.0]}))
