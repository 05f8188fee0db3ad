"""A generative adversarial network that learns a 1-D Gaussian.

The generator maps uniform noise to samples; the discriminator tells them from samples of
N(4, 1.25). Each side has its own optimizer that updates only its own variables.
"""
import numpy as np
import tensorflow as tf

# Training params
num_steps = 600
batch_size = 64
learning_rate = 0.001
display_step = 100

# Network params
noise_dim = 4
gen_hidden_dim = 16
disc_hidden_dim = 16

data_mean = 4.0
data_std = 1.25


# A custom initialization (see Xavier Glorot init)
def glorot_init(shape):
    return tf.random.normal(shape=shape, stddev=1. / tf.sqrt(shape[0] / 2.))


def main():
    rng = np.random.RandomState(0)
    tf.random.set_seed(0)

    # Store layers weight & bias
    weights = {
        "gen_hidden1": tf.Variable(glorot_init([noise_dim, gen_hidden_dim]), name="gen_hidden1"),
        "gen_out": tf.Variable(glorot_init([gen_hidden_dim, 1]), name="gen_out"),
        "disc_hidden1": tf.Variable(glorot_init([1, disc_hidden_dim]), name="disc_hidden1"),
        "disc_out": tf.Variable(glorot_init([disc_hidden_dim, 1]), name="disc_out"),
    }
    biases = {
        "gen_hidden1": tf.Variable(tf.zeros([gen_hidden_dim]), name="gen_hidden1_b"),
        "gen_out": tf.Variable(tf.zeros([1]), name="gen_out_b"),
        "disc_hidden1": tf.Variable(tf.zeros([disc_hidden_dim]), name="disc_hidden1_b"),
        "disc_out": tf.Variable(tf.zeros([1]), name="disc_out_b"),
    }

    # Generator
    def generator(x):
        hidden_layer = tf.matmul(x, weights["gen_hidden1"])
        hidden_layer = tf.add(hidden_layer, biases["gen_hidden1"])
        hidden_layer = tf.nn.relu(hidden_layer)
        out_layer = tf.matmul(hidden_layer, weights["gen_out"])
        return tf.add(out_layer, biases["gen_out"])

    # Discriminator
    def discriminator(x):
        hidden_layer = tf.matmul(x, weights["disc_hidden1"])
        hidden_layer = tf.add(hidden_layer, biases["disc_hidden1"])
        hidden_layer = tf.nn.relu(hidden_layer)
        out_layer = tf.matmul(hidden_layer, weights["disc_out"])
        out_layer = tf.add(out_layer, biases["disc_out"])
        return tf.nn.sigmoid(out_layer)

    # Network Inputs

    # Build Optimizers
    optimizer_gen = tf.keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)
    optimizer_disc = tf.keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)

    # Training Variables for each optimizer
    # By default in TensorFlow, all variables are updated by each optimizer, so we
    # need to precise for each one of them the specific variables to update.
    # Generator Network Variables
    gen_vars = [weights["gen_hidden1"], weights["gen_out"],
                biases["gen_hidden1"], biases["gen_out"]]
    # Discriminator Network Variables
    disc_vars = [weights["disc_hidden1"], weights["disc_out"],
                 biases["disc_hidden1"], biases["disc_out"]]

    def gen_sample_fn(gen_input):
        # Build Generator Network
        gen_sample = generator(gen_input)
        return gen_sample

    def disc_fake_fn(gen_sample):
        disc_fake = discriminator(gen_sample)
        return disc_fake

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, noise_dim], dtype=tf.float32),
            tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
        ]
    )
    def train_disc_step(gen_input, disc_input):
        with tf.GradientTape() as tape:
            gen_sample = gen_sample_fn(gen_input)
            # Build 2 Discriminator Networks (one from real sample input, one from generated samples)
            disc_real = discriminator(disc_input)
            disc_fake = disc_fake_fn(gen_sample)
            disc_loss = -tf.reduce_mean(tf.math.log(disc_real) + tf.math.log(1. - disc_fake))
        gradients = tape.gradient(disc_loss, disc_vars)
        optimizer_disc.apply_gradients(zip(gradients, disc_vars))
        return disc_loss

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, noise_dim], dtype=tf.float32)])
    def train_gen_step(gen_input):
        with tf.GradientTape() as tape:
            gen_sample = gen_sample_fn(gen_input)
            disc_fake = disc_fake_fn(gen_sample)
            # Build Loss
            gen_loss = -tf.reduce_mean(tf.math.log(disc_fake))
        gradients = tape.gradient(gen_loss, gen_vars)
        optimizer_gen.apply_gradients(zip(gradients, gen_vars))
        return gen_loss

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, noise_dim], dtype=tf.float32)])
    def compute_gen_sample(gen_input):
        gen_sample = gen_sample_fn(gen_input)
        return gen_sample

    # Create training operations

    # Initialize the variables (i.e. assign their default value)

    for i in range(1, num_steps + 1):
        # Real samples and generator noise, both drawn from numpy
        batch_x = rng.normal(data_mean, data_std, size=(batch_size, 1)).astype(np.float32)
        z = rng.uniform(-1., 1., size=[batch_size, noise_dim]).astype(np.float32)

        # Train the discriminator, then the generator
        dl = train_disc_step(z, batch_x).numpy()
        gl = train_gen_step(z).numpy()

        if i % display_step == 0 or i == 1:
            print("Step %i: Generator Loss: %f, Discriminator Loss: %f" % (i, gl, dl))

    # Look at what the generator produces now
    z = rng.uniform(-1., 1., size=[1000, noise_dim]).astype(np.float32)
    samples = compute_gen_sample(z).numpy()
    print("Generated samples: mean %.4f, std %.4f" % (samples.mean(), samples.std()))
    print("Generator output weights:", np.round(weights["gen_out"].numpy().ravel()[:6], 4))


if __name__ == "__main__":
    main()
