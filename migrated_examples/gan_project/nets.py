"""The two networks of a 1-D GAN, each built by a function that makes its weights with
tf.get_variable under its own variable scope. train.py calls the discriminator twice, the second
time with reuse=True, so it scores real and generated samples with the same weights."""
import tensorflow as tf

noise_dim = 2
hidden_dim = 8


class Generator(tf.Module):
    def __init__(self):
        super().__init__()
        self.w1 = tf.Variable(tf.random.normal([noise_dim, hidden_dim], stddev=0.1, dtype=tf.float32), name="generator/w1")
        self.b1 = tf.Variable(tf.keras.initializers.Zeros()(shape=[hidden_dim], dtype=tf.float32), name="generator/b1")
        self.w2 = tf.Variable(tf.random.normal([hidden_dim, 1], stddev=0.1, dtype=tf.float32), name="generator/w2")
        self.b2 = tf.Variable(tf.keras.initializers.Zeros()(shape=[1], dtype=tf.float32), name="generator/b2")

    def __call__(self, z):
        h = tf.nn.relu(tf.matmul(z, self.w1) + self.b1)
        return tf.matmul(h, self.w2) + self.b2


class Discriminator(tf.Module):
    def __init__(self):
        super().__init__()
        self.w1 = tf.Variable(tf.random.normal([1, hidden_dim], stddev=0.1, dtype=tf.float32), name="discriminator/w1")
        self.b1 = tf.Variable(tf.keras.initializers.Zeros()(shape=[hidden_dim], dtype=tf.float32), name="discriminator/b1")
        self.w2 = tf.Variable(tf.random.normal([hidden_dim, 1], stddev=0.1, dtype=tf.float32), name="discriminator/w2")
        self.b2 = tf.Variable(tf.keras.initializers.Zeros()(shape=[1], dtype=tf.float32), name="discriminator/b2")

    def __call__(self, x):
        h = tf.nn.tanh(tf.matmul(x, self.w1) + self.b1)
        return tf.matmul(h, self.w2) + self.b2
