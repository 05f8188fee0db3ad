import tensorflow as tf

# Builds a graph and never runs it: there is nothing to compare.
total = tf.add(tf.constant(1.0), tf.constant(2.0))
