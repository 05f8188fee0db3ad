"""Trains the GAN of nets.py on samples of a normal distribution: each optimizer trains only
the variables whose names start with its network's scope."""
import numpy as np
import tensorflow as tf
from nets import discriminator, generator, noise_dim

num_steps = 60
batch_size = 32
display_step = 20
data_mean = 3.0
data_std = 0.5


def main():
    rng = np.random.RandomState(0)
    tf.set_random_seed(0)

    real = tf.placeholder(tf.float32, [None, 1])
    noise = tf.placeholder(tf.float32, [None, noise_dim])

    fake = generator(noise)
    d_real = discriminator(real)
    d_fake = discriminator(fake, reuse=True)

    d_loss = tf.reduce_mean(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(d_real), logits=d_real)
        + tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(d_fake), logits=d_fake)
    )
    g_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(d_fake), logits=d_fake))

    d_vars = [v for v in tf.trainable_variables() if v.name.startswith("discriminator")]
    g_vars = [v for v in tf.trainable_variables() if v.name.startswith("generator")]

    d_train = tf.train.AdamOptimizer(0.01, beta1=0.5).minimize(d_loss, var_list=d_vars)
    g_train = tf.train.AdamOptimizer(0.01, beta1=0.5).minimize(g_loss, var_list=g_vars)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(1, num_steps + 1):
            batch = rng.normal(data_mean, data_std, size=(batch_size, 1)).astype(np.float32)
            z = rng.uniform(-1.0, 1.0, size=(batch_size, noise_dim)).astype(np.float32)
            _, dl = sess.run([d_train, d_loss], feed_dict={real: batch, noise: z})
            _, gl = sess.run([g_train, g_loss], feed_dict={noise: z})
            if step % display_step == 0 or step == 1:
                print("step %d: discriminator loss %.5f, generator loss %.5f" % (step, dl, gl))

        z = rng.uniform(-1.0, 1.0, size=(500, noise_dim)).astype(np.float32)
        samples = sess.run(fake, feed_dict={noise: z})
        print("samples: mean %.4f, std %.4f" % (samples.mean(), samples.std()))


if __name__ == "__main__":
    main()
