"""An LSTM that predicts the next value of a noisy sine wave from the ten values before it.

Windows of a sine wave with random phase and frequency, plus noise. A BasicLSTMCell runs over
each window with tf.nn.dynamic_rnn; its final hidden state (the last output, also `state.h`)
goes through a linear projection held in tf.Variables. Trained with Adam on mini-batches.
"""
import numpy as np
import tensorflow as tf

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

tf.set_random_seed(0)

X = tf.placeholder(tf.float32, [None, timesteps, num_input])
Y = tf.placeholder(tf.float32, [None, 1])

# Linear projection of the last hidden state
weights = tf.Variable(tf.random_normal([num_hidden, 1], stddev=0.1), name="out_weights")
bias = tf.Variable(tf.zeros([1]), name="out_bias")

lstm_cell = tf.nn.rnn_cell.BasicLSTMCell(num_hidden, forget_bias=1.0)
outputs, state = tf.nn.dynamic_rnn(lstm_cell, X, dtype=tf.float32)

prediction = tf.matmul(state.h, weights) + bias
loss_op = tf.reduce_mean(tf.square(prediction - Y))
# The last output of the sequence is the final hidden state
last_output_gap = tf.reduce_max(tf.abs(outputs[:, -1, :] - state.h))

train_op = tf.train.AdamOptimizer(learning_rate).minimize(loss_op)

init = tf.global_variables_initializer()

with tf.Session() as sess:
    sess.run(init)

    for step in range(1, training_steps + 1):
        start = (step - 1) * batch_size % len(train_x)
        batch_x = train_x[start:start + batch_size]
        batch_y = train_y[start:start + batch_size]
        sess.run(train_op, feed_dict={X: batch_x, Y: batch_y})
        if step % display_step == 0 or step == 1:
            loss = sess.run(loss_op, feed_dict={X: train_x, Y: train_y})
            print("Step " + str(step) + ", Training MSE= %.5f" % loss)

    print("Optimization Finished!")
    test_loss, gap = sess.run([loss_op, last_output_gap], feed_dict={X: test_x, Y: test_y})
    print("Test MSE: %.5f, last output - final h: %.1f" % (test_loss, gap))
    predicted = sess.run(prediction, feed_dict={X: test_x[:4]})
    for guess, truth in zip(predicted[:, 0], test_y[:4, 0]):
        print("predicted %.4f, true %.4f" % (guess, truth))
