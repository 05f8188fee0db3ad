"""A two-layer autoencoder trained with RMSProp.

The inputs are 16-dimensional vectors in [0, 1] generated from 3 hidden factors, so a
4-unit code is enough to reconstruct them well.
"""
import numpy as np
import tensorflow as tf


class RMSpropStartingAtOne(tf.keras.optimizers.RMSprop):
    """Keras' RMSprop with its accumulators starting at one, as in TF1."""

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        if name == "velocity":
            initializer = "ones"
        return super().add_variable_from_reference(reference_variable, name, initializer)


# Training parameters
learning_rate = 0.01
num_steps = 400
batch_size = 64
display_step = 100

# Network parameters
num_hidden_1 = 8   # 1st layer num features
num_hidden_2 = 4   # 2nd layer num features (the code)
num_input = 16     # data dimension

# Synthetic data: a random non-linear map of 3 latent factors, squashed into [0, 1]
rng = np.random.RandomState(0)
latent = rng.randn(1024, 3)
projection = rng.randn(3, num_input)
data = 1.0 / (1.0 + np.exp(-latent.dot(projection)))
data = (data + 0.02 * rng.randn(*data.shape)).clip(0.0, 1.0).astype(np.float32)

tf.random.set_seed(0)

# tf Graph input

weights = {
    "encoder_h1": tf.Variable(tf.random.normal([num_input, num_hidden_1]), name="encoder_h1"),
    "encoder_h2": tf.Variable(tf.random.normal([num_hidden_1, num_hidden_2]), name="encoder_h2"),
    "decoder_h1": tf.Variable(tf.random.normal([num_hidden_2, num_hidden_1]), name="decoder_h1"),
    "decoder_h2": tf.Variable(tf.random.normal([num_hidden_1, num_input]), name="decoder_h2"),
}
biases = {
    "encoder_b1": tf.Variable(tf.random.normal([num_hidden_1]), name="encoder_b1"),
    "encoder_b2": tf.Variable(tf.random.normal([num_hidden_2]), name="encoder_b2"),
    "decoder_b1": tf.Variable(tf.random.normal([num_hidden_1]), name="decoder_b1"),
    "decoder_b2": tf.Variable(tf.random.normal([num_input]), name="decoder_b2"),
}


# Building the encoder
def encoder(x):
    # Encoder hidden layers with sigmoid activation
    layer_1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights["encoder_h1"]), biases["encoder_b1"]))
    layer_2 = tf.nn.sigmoid(tf.add(tf.matmul(layer_1, weights["encoder_h2"]),
                                   biases["encoder_b2"]))
    return layer_2


# Building the decoder
def decoder(x):
    # Decoder hidden layers with sigmoid activation
    layer_1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights["decoder_h1"]), biases["decoder_b1"]))
    layer_2 = tf.nn.sigmoid(tf.add(tf.matmul(layer_1, weights["decoder_h2"]),
                                   biases["decoder_b2"]))
    return layer_2


optimizer = RMSpropStartingAtOne(learning_rate=learning_rate, rho=0.8999999761581421, epsilon=1e-10)

# Initialize the variables (i.e. assign their default value)


# Training
n_batches = len(data) // batch_size


def encoder_op_and_decoder_op_fn(X):
    # Construct model
    encoder_op = encoder(X)
    decoder_op = decoder(encoder_op)
    return encoder_op, decoder_op


def loss_fn(X, decoder_op):
    # Prediction and targets (the targets are the input data)
    y_pred = decoder_op
    y_true = X
    # Define loss and optimizer, minimize the squared error
    loss = tf.reduce_mean(tf.pow(y_true - y_pred, 2))
    return loss


@tf.function(input_signature=[tf.TensorSpec(shape=[None, num_input], dtype="float")])
def train_step(X):
    with tf.GradientTape() as tape:
        encoder_op, decoder_op = encoder_op_and_decoder_op_fn(X)
        loss = loss_fn(X, decoder_op)
    variables = [*weights.values(), *biases.values()]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function(input_signature=[tf.TensorSpec(shape=[None, num_input], dtype="float")])
def compute_loss(X):
    encoder_op, decoder_op = encoder_op_and_decoder_op_fn(X)
    loss = loss_fn(X, decoder_op)
    return loss


@tf.function(input_signature=[tf.TensorSpec(shape=[None, num_input], dtype="float")])
def compute_encoder_op_and_decoder_op(X):
    encoder_op, decoder_op = encoder_op_and_decoder_op_fn(X)
    return [encoder_op, decoder_op]


for i in range(1, num_steps + 1):
    start = (i % n_batches) * batch_size
    batch_x = data[start:start + batch_size]

    # Run optimization op (backprop) and cost op (to get loss value)
    l = train_step(batch_x).numpy()
    # Display logs per step
    if i % display_step == 0 or i == 1:
        print("Step %i: Minibatch Loss: %f" % (i, l))

# Reconstruction error on the whole data set, then a closer look at two examples
full_loss = compute_loss(data).numpy()
print("Reconstruction MSE on all data: %.6f" % full_loss)
codes, reconstruction = [value.numpy() for value in compute_encoder_op_and_decoder_op(data[:2])]
print("Codes of the first two examples:")
print(np.round(codes, 4))
print("Reconstruction error of the first example: %.6f"
      % np.mean((reconstruction[0] - data[0]) ** 2))
