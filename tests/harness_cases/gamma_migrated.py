import tensorflow as tf

# tf.random_gamma is not among the random ops the harness aligns: TensorFlow's own generator
# gives its numbers, here with an operation seed of its own.
W = tf.Variable(tf.ones([3]), name="W")


@tf.function
def compute_noisy():
    noisy = W * tf.random.gamma([3], alpha=2.0, seed=7)
    return noisy


for step in range(3):
    print("noisy", compute_noisy().numpy())
