"""The encoder of a siamese network: its weights live under one variable scope, and a second call
with `reuse=True` applies the same weights again."""
import tensorflow as tf

CODE_SIZE = 4


class Encoder(tf.Module):
    def __init__(self):
        super().__init__()
        self.w1 = tf.Variable(tf.random.uniform([6, 8], -(6 / 14) ** 0.5, (6 / 14) ** 0.5, dtype=tf.float32), name="encoder/w1")
        self.b1 = tf.Variable(tf.keras.initializers.Zeros()(shape=[8], dtype=tf.float32), name="encoder/b1")
        self.w2 = tf.Variable(tf.keras.initializers.GlorotUniform()(shape=[8, CODE_SIZE], dtype=tf.float32), name="encoder/w2")
        self.b2 = tf.Variable(tf.keras.initializers.Zeros()(shape=[CODE_SIZE], dtype=tf.float32), name="encoder/b2")

    def __call__(self, x):
        hidden = tf.nn.tanh(tf.matmul(x, self.w1) + self.b1)
        return tf.matmul(hidden, self.w2) + self.b2
