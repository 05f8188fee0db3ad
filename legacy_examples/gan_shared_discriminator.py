"""A 1-D GAN whose discriminator is one set of variables applied to real and to fake samples.

Both networks are built by functions that create their weights with tf.get_variable under a
variable scope; the discriminator is called a second time with reuse=True, so it scores real
and generated samples with the same weights. Each optimizer trains only the variables whose
names start with its network's scope.
"""
import numpy as np
import tensorflow as tf

num_steps = 300
batch_size = 32
display_step = 50
noise_dim = 2
hidden_dim = 8
data_mean = 3.0
data_std = 0.5


def generator(z, reuse=False):
    with tf.variable_scope("generator", reuse=reuse):
        w1 = tf.get_variable("w1", [noise_dim, hidden_dim], initializer=tf.random_normal_initializer(stddev=0.1))
        b1 = tf.get_variable("b1", [hidden_dim], initializer=tf.zeros_initializer())
        h = tf.nn.relu(tf.matmul(z, w1) + b1)
        w2 = tf.get_variable("w2", [hidden_dim, 1], initializer=tf.random_normal_initializer(stddev=0.1))
        b2 = tf.get_variable("b2", [1], initializer=tf.zeros_initializer())
        return tf.matmul(h, w2) + b2


def discriminator(x, reuse=False):
    with tf.variable_scope("discriminator", reuse=reuse):
        w1 = tf.get_variable("w1", [1, hidden_dim], initializer=tf.random_normal_initializer(stddev=0.1))
        b1 = tf.get_variable("b1", [hidden_dim], initializer=tf.zeros_initializer())
        h = tf.nn.tanh(tf.matmul(x, w1) + b1)
        w2 = tf.get_variable("w2", [hidden_dim, 1], initializer=tf.random_normal_initializer(stddev=0.1))
        b2 = tf.get_variable("b2", [1], initializer=tf.zeros_initializer())
        return tf.matmul(h, w2) + b2


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
