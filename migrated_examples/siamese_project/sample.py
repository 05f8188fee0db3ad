"""Encodes a few inputs with the layers of layers.py, freshly initialized."""
import numpy as np
import tensorflow as tf
import layers

rng = np.random.RandomState(9)
inputs = rng.rand(5, 6).astype(np.float32)

tf.random.set_seed(4)
encoder = layers.Encoder()


@tf.function(input_signature=[tf.TensorSpec(shape=[None, 6], dtype=tf.float32)])
def compute_code(x):
    code = encoder(x)
    return code


print("codes", compute_code(inputs).numpy())
