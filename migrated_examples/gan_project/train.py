"""Trains the GAN of nets.py on samples of a normal distribution: each optimizer trains only
the variables whose names start with its network's scope."""
import numpy as np
import tensorflow as tf
from nets import noise_dim, Generator, Discriminator

num_steps = 60
batch_size = 32
display_step = 20
data_mean = 3.0
data_std = 0.5


def main():
    rng = np.random.RandomState(0)
    tf.random.set_seed(0)

    generator = Generator()
    discriminator = Discriminator()

    d_vars = [discriminator.w1, discriminator.b1, discriminator.w2, discriminator.b2]
    g_vars = [generator.w1, generator.b1, generator.w2, generator.b2]

    d_train_optimizer = tf.keras.optimizers.Adam(learning_rate=0.01, beta_1=0.5, beta_2=0.9990000128746033, epsilon=1e-08)
    g_train_optimizer = tf.keras.optimizers.Adam(learning_rate=0.01, beta_1=0.5, beta_2=0.9990000128746033, epsilon=1e-08)

    def fake_fn(noise):
        fake = generator(noise)
        return fake

    def d_fake_fn(fake):
        d_fake = discriminator(fake)
        return d_fake

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
            tf.TensorSpec(shape=[None, noise_dim], dtype=tf.float32),
        ]
    )
    def d_train_step(real, noise):
        with tf.GradientTape() as tape:
            fake = fake_fn(noise)
            d_real = discriminator(real)
            d_fake = d_fake_fn(fake)
            d_loss = tf.reduce_mean(
                tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(d_real), logits=d_real)
                + tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(d_fake), logits=d_fake)
            )
        gradients = tape.gradient(d_loss, d_vars)
        d_train_optimizer.apply_gradients(zip(gradients, d_vars))
        return d_loss

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, noise_dim], dtype=tf.float32)])
    def g_train_step(noise):
        with tf.GradientTape() as tape:
            fake = fake_fn(noise)
            d_fake = d_fake_fn(fake)
            g_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(d_fake), logits=d_fake))
        gradients = tape.gradient(g_loss, g_vars)
        g_train_optimizer.apply_gradients(zip(gradients, g_vars))
        return g_loss

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, noise_dim], dtype=tf.float32)])
    def compute_fake(noise):
        fake = fake_fn(noise)
        return fake

    for step in range(1, num_steps + 1):
        batch = rng.normal(data_mean, data_std, size=(batch_size, 1)).astype(np.float32)
        z = rng.uniform(-1.0, 1.0, size=(batch_size, noise_dim)).astype(np.float32)
        dl = d_train_step(batch, z).numpy()
        gl = g_train_step(z).numpy()
        if step % display_step == 0 or step == 1:
            print("step %d: discriminator loss %.5f, generator loss %.5f" % (step, dl, gl))

    z = rng.uniform(-1.0, 1.0, size=(500, noise_dim)).astype(np.float32)
    samples = compute_fake(z).numpy()
    print("samples: mean %.4f, std %.4f" % (samples.mean(), samples.std()))


if __name__ == "__main__":
    main()
