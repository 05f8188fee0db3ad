import tensorflow as tf

global_step = tf.train.get_or_create_global_step()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run(global_step))
