import tensorflow as tf

W = tf.Variable(tf.zeros([1, 1]), name="W")
print("starting")
raise RuntimeError("the migrated program fails on purpose")
