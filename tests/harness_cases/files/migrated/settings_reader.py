import tensorflow as tf

# A script meant to be started from the directory that holds its settings.
with open("settings.txt") as settings:
    factor = float(settings.read())


@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def compute_scaled(x):
    scaled = tf.reduce_sum(x * factor)
    return scaled


print("scaled", compute_scaled([1.0, 2.0, 3.0]).numpy())
