"""A slowed-down linear regression logged for TensorBoard, in the cookbook recipe's shape.

The merged summaries are fetched with the training op; the slope has a summary op of its own,
run apart from training (fetched with the training op it would read the variable the same run
updates, in an order TF1 leaves open); the script makes a new FileWriter at each generation.
"""
import tempfile

import numpy as np
import tensorflow as tf

tf.random.set_seed(0)
rng = np.random.RandomState(0)

# Initialize a graph session

logdir = tempfile.mkdtemp()

# Create a visualizer object
summary_writer = tf.summary.create_file_writer(logdir)

# Some parameters
batch_size = 50
generations = 30

# Create sample input data
x_data = np.arange(1000) / 10.
true_slope = 2.
y_data = x_data * true_slope + rng.normal(loc=0.0, scale=25, size=1000)

# Split into train/test
train_ix = rng.choice(len(x_data), size=int(len(x_data) * 0.9), replace=False)
test_ix = np.setdiff1d(np.arange(1000), train_ix)
x_data_train, y_data_train = x_data[train_ix], y_data[train_ix]
x_data_test, y_data_test = x_data[test_ix], y_data[test_ix]

# Declare placeholders

# Declare model variables
m = tf.Variable(tf.random.normal([1], dtype=tf.float32), name='Slope')


# Declare optimization function
my_optim = tf.keras.optimizers.SGD(learning_rate=0.01)


def residuals_and_l1_loss_fn(x_graph_input, y_graph_input):
    # Declare model
    output = tf.multiply(m, x_graph_input, name='Batch_Multiplication')
    # Declare loss function (L1)
    residuals = output - y_graph_input
    l1_loss = tf.reduce_mean(tf.abs(residuals), name="L1_Loss")
    return residuals, l1_loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.float32),
    ]
)
def train_step(x_graph_input, y_graph_input):
    with tf.GradientTape() as tape:
        residuals, l1_loss = residuals_and_l1_loss_fn(x_graph_input, y_graph_input)
    variables = [m]
    gradients = tape.gradient(l1_loss, variables)
    my_optim.apply_gradients(zip(gradients, variables))
    return l1_loss, (tf.squeeze(l1_loss), tf.squeeze(residuals))


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.float32),
    ]
)
def compute_l1_loss_and_residuals(x_graph_input, y_graph_input):
    residuals, l1_loss = residuals_and_l1_loss_fn(x_graph_input, y_graph_input)
    return [l1_loss, residuals]


@tf.function
def compute_slope_summary_op():
    return tf.squeeze(m),


def write_summary_op(writer, values, step):
    with writer.as_default():
        tf.summary.histogram('Loss_and_Residuals/Histogram_Errors', values[0], step=step)
        tf.summary.histogram('Loss_and_Residuals/Histogram_Residuals', values[1], step=step)


def write_slope_summary_op(writer, values, step):
    with writer.as_default():
        tf.summary.scalar('Slope_Estimate', values[0], step=step)


# Visualize a histogram (errors)

# Declare summary merging operation

# Visualize a scalar, with a summary op of its own

# Initialize Variables

for i in range(generations):
    batch_indices = rng.choice(len(x_data_train), size=batch_size)
    x_batch = x_data_train[batch_indices]
    y_batch = y_data_train[batch_indices]
    train_loss, summary = tf.nest.map_structure(lambda t: t.numpy(), train_step(x_batch, y_batch))

    test_loss, test_resids = [value.numpy() for value in compute_l1_loss_and_residuals(x_data_test, y_data_test)]

    if (i + 1) % 10 == 0:
        print('Generation {} of {}. Train Loss: {:.3}, Test Loss: {:.3}.'.format(i + 1, generations, train_loss, test_loss))

    log_writer = tf.summary.create_file_writer(logdir)
    write_summary_op(log_writer, summary, i)
    slope_summary = tf.nest.map_structure(lambda t: t.numpy(), compute_slope_summary_op())
    write_slope_summary_op(log_writer, slope_summary, i)

log_writer.close()
summary_writer.close()
print('Slope: {}'.format(m.numpy()))
