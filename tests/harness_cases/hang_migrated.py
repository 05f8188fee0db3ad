import time

import tensorflow as tf

W = tf.Variable(tf.zeros([1, 1]), name="W")
while True:  # never finishes: the harness must stop it at the timeout
    time.sleep(0.5)
