"""An LSTM that predicts the next value of a noisy sine wave from the ten values before it.

Windows of a sine wave with random phase and frequency, plus noise. A BasicLSTMCell runs over
each window with tf.nn.dynamic_rnn; its final hidden state (the last output, also `state.h`)
goes through a linear projection held in tf.Variables. Trained with Adam on mini-batches.
"""
import numpy as np
import tensorflow as tf


class TF1LSTMCell(tf.keras.layers.Layer):
    """TF1's (Basic)LSTMCell: one kernel over [inputs, h], gates i, j, f, o, forget_bias added to f."""

    def __init__(self, num_units, forget_bias=1.0, activation=tf.tanh, **kwargs):
        super().__init__(**kwargs)
        self.units = num_units
        self.forget_bias = forget_bias
        self.activation = activation
        self.state_size = [num_units, num_units]
        self.output_size = num_units

    def build(self, input_shape):
        depth = input_shape[-1] + self.units
        self.kernel = self.add_weight(name="kernel", shape=(depth, 4 * self.units), initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(4 * self.units,), initializer="zeros")

    def call(self, inputs, states):
        c, h = states
        gates = tf.nn.bias_add(tf.matmul(tf.concat([inputs, h], 1), self.kernel), self.bias)
        i, j, f, o = tf.split(gates, 4, axis=1)
        c = c * tf.sigmoid(f + self.forget_bias) + tf.sigmoid(i) * self.activation(j)
        h = self.activation(c) * tf.sigmoid(o)
        return h, [c, h]


# Training parameters
learning_rate = 0.003
training_steps = 120
batch_size = 32
display_step = 20

# Network parameters
timesteps = 10
num_input = 1
num_hidden = 16


def make_windows(rng, n):
    """Sequences of `timesteps` noisy sine values and the value that follows each."""
    phase = rng.uniform(0.0, 2.0 * np.pi, size=(n, 1))
    frequency = rng.uniform(0.2, 0.5, size=(n, 1))
    t = phase + frequency * np.arange(timesteps + 1)
    wave = np.sin(t) + 0.05 * rng.randn(n, timesteps + 1)
    inputs = wave[:, :timesteps].reshape(n, timesteps, num_input)
    return inputs.astype(np.float32), wave[:, timesteps:].astype(np.float32)


rng = np.random.RandomState(0)
train_x, train_y = make_windows(rng, 320)
test_x, test_y = make_windows(rng, 64)

tf.random.set_seed(0)


# Linear projection of the last hidden state
weights = tf.Variable(tf.random.normal([num_hidden, 1], stddev=0.1), name="out_weights")
bias = tf.Variable(tf.zeros([1]), name="out_bias")

rnn = tf.keras.layers.RNN(TF1LSTMCell(num_hidden, forget_bias=1.0, name="basic_lstm_cell"), return_sequences=True, return_state=True, name="rnn")


optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)


def forward(X):
    outputs, state_c, state_h = rnn(X)
    prediction = tf.matmul(state_h, weights) + bias
    return outputs, state_h, prediction


def loss_op_fn(Y, prediction):
    loss_op = tf.reduce_mean(tf.square(prediction - Y))
    return loss_op


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, timesteps, num_input], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def train_step(X, Y):
    with tf.GradientTape() as tape:
        outputs, state_h, prediction = forward(X)
        loss_op = loss_op_fn(Y, prediction)
    variables = [weights, bias, *rnn.trainable_variables]
    gradients = tape.gradient(loss_op, variables)
    optimizer.apply_gradients(zip(gradients, variables))


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, timesteps, num_input], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def compute_loss_op(X, Y):
    outputs, state_h, prediction = forward(X)
    loss_op = loss_op_fn(Y, prediction)
    return loss_op


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, timesteps, num_input], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
    ]
)
def compute_loss_op_and_last_output_gap(X, Y):
    outputs, state_h, prediction = forward(X)
    loss_op = loss_op_fn(Y, prediction)
    # The last output of the sequence is the final hidden state
    last_output_gap = tf.reduce_max(tf.abs(outputs[:, -1, :] - state_h))
    return [loss_op, last_output_gap]


@tf.function(input_signature=[tf.TensorSpec(shape=[None, timesteps, num_input], dtype=tf.float32)])
def predict(X):
    outputs, state_h, prediction = forward(X)
    return prediction


for step in range(1, training_steps + 1):
    start = (step - 1) * batch_size % len(train_x)
    batch_x = train_x[start:start + batch_size]
    batch_y = train_y[start:start + batch_size]
    train_step(batch_x, batch_y)
    if step % display_step == 0 or step == 1:
        loss = compute_loss_op(train_x, train_y).numpy()
        print("Step " + str(step) + ", Training MSE= %.5f" % loss)

print("Optimization Finished!")
test_loss, gap = [value.numpy() for value in compute_loss_op_and_last_output_gap(test_x, test_y)]
print("Test MSE: %.5f, last output - final h: %.1f" % (test_loss, gap))
predicted = predict(test_x[:4]).numpy()
for guess, truth in zip(predicted[:, 0], test_y[:4, 0]):
    print("predicted %.4f, true %.4f" % (guess, truth))
