"""A slowed-down linear regression logged for TensorBoard, in the cookbook recipe's shape.

The merged summaries are fetched with the training op; the slope has a summary op of its own,
run apart from training (fetched with the training op it would read the variable the same run
updates, in an order TF1 leaves open); the script makes a new FileWriter at each generation.
"""
import tempfile

import numpy as np
import tensorflow as tf

tf.set_random_seed(0)
rng = np.random.RandomState(0)

# Initialize a graph session
sess = tf.Session()

logdir = tempfile.mkdtemp()

# Create a visualizer object
summary_writer = tf.summary.FileWriter(logdir, sess.graph)

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
x_graph_input = tf.placeholder(tf.float32, [None])
y_graph_input = tf.placeholder(tf.float32, [None])

# Declare model variables
m = tf.Variable(tf.random_normal([1], dtype=tf.float32), name='Slope')

# Declare model
output = tf.multiply(m, x_graph_input, name='Batch_Multiplication')

# Declare loss function (L1)
residuals = output - y_graph_input
l1_loss = tf.reduce_mean(tf.abs(residuals), name="L1_Loss")

# Declare optimization function
my_optim = tf.train.GradientDescentOptimizer(0.01)
train_step = my_optim.minimize(l1_loss)

# Visualize a histogram (errors)
with tf.name_scope('Loss_and_Residuals'):
    tf.summary.histogram('Histogram_Errors', tf.squeeze(l1_loss))
    tf.summary.histogram('Histogram_Residuals', tf.squeeze(residuals))

# Declare summary merging operation
summary_op = tf.summary.merge_all()

# Visualize a scalar, with a summary op of its own
slope_summary_op = tf.summary.scalar('Slope_Estimate', tf.squeeze(m))

# Initialize Variables
init = tf.global_variables_initializer()
sess.run(init)

for i in range(generations):
    batch_indices = rng.choice(len(x_data_train), size=batch_size)
    x_batch = x_data_train[batch_indices]
    y_batch = y_data_train[batch_indices]
    _, train_loss, summary = sess.run([train_step, l1_loss, summary_op],
                                      feed_dict={x_graph_input: x_batch,
                                                 y_graph_input: y_batch})

    test_loss, test_resids = sess.run([l1_loss, residuals], feed_dict={x_graph_input: x_data_test,
                                                                       y_graph_input: y_data_test})

    if (i + 1) % 10 == 0:
        print('Generation {} of {}. Train Loss: {:.3}, Test Loss: {:.3}.'.format(i + 1, generations, train_loss, test_loss))

    log_writer = tf.summary.FileWriter(logdir)
    log_writer.add_summary(summary, i)
    slope_summary = sess.run(slope_summary_op)
    log_writer.add_summary(slope_summary, i)

log_writer.close()
summary_writer.close()
print('Slope: {}'.format(sess.run(m)))
