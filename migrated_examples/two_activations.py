"""Two one-unit networks, sigmoid and ReLU, trained side by side towards the same target by
one gradient-descent optimizer (its `minimize` called once per network), in the style of
tutorials that compare activation functions. The weights start from NumPy's seeded values."""
import numpy as np
import tensorflow as tf

batch_size = 50
rng = np.random.RandomState(5)
x = rng.normal(2.0, 0.1, 500).astype(np.float32)

a1 = tf.Variable(rng.normal(size=(1, 1)).astype(np.float32))
b1 = tf.Variable(rng.uniform(size=(1, 1)).astype(np.float32))
a2 = tf.Variable(rng.normal(size=(1, 1)).astype(np.float32))
b2 = tf.Variable(rng.uniform(size=(1, 1)).astype(np.float32))


my_opt = tf.keras.optimizers.SGD(learning_rate=0.01)
train_step_relu_optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)


def sigmoid_activation_fn(x_data):
    sigmoid_activation = tf.sigmoid(tf.add(tf.matmul(x_data, a1), b1))
    return sigmoid_activation


def relu_activation_fn(x_data):
    relu_activation = tf.nn.relu(tf.add(tf.matmul(x_data, a2), b2))
    return relu_activation


@tf.function(input_signature=[tf.TensorSpec(shape=[None, 1], dtype=tf.float32)])
def train_step_sigmoid_step(x_data):
    with tf.GradientTape() as tape:
        sigmoid_activation = sigmoid_activation_fn(x_data)
        loss1 = tf.reduce_mean(tf.square(tf.subtract(sigmoid_activation, 0.75)))
    variables = [a1, b1]
    gradients = tape.gradient(loss1, variables)
    my_opt.apply_gradients(zip(gradients, variables))


@tf.function(input_signature=[tf.TensorSpec(shape=[None, 1], dtype=tf.float32)])
def train_step_relu_step(x_data):
    with tf.GradientTape() as tape:
        relu_activation = relu_activation_fn(x_data)
        loss2 = tf.reduce_mean(tf.square(tf.subtract(relu_activation, 0.75)))
    variables = [a2, b2]
    gradients = tape.gradient(loss2, variables)
    train_step_relu_optimizer.apply_gradients(zip(gradients, variables))


@tf.function(input_signature=[tf.TensorSpec(shape=[None, 1], dtype=tf.float32)])
def compute_sigmoid_activation(x_data):
    sigmoid_activation = sigmoid_activation_fn(x_data)
    return sigmoid_activation


@tf.function(input_signature=[tf.TensorSpec(shape=[None, 1], dtype=tf.float32)])
def compute_relu_activation(x_data):
    relu_activation = relu_activation_fn(x_data)
    return relu_activation


for i in range(300):
    rand_indices = rng.choice(len(x), size=batch_size)
    x_vals = np.transpose([x[rand_indices]])
    train_step_sigmoid_step(x_vals)
    train_step_relu_step(x_vals)
    if i % 100 == 0:
        sigmoid_output = np.mean(compute_sigmoid_activation(x_vals).numpy())
        relu_output = np.mean(compute_relu_activation(x_vals).numpy())
        print("sigmoid = %.5f relu = %.5f" % (sigmoid_output, relu_output))
