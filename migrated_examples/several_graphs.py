"""Three small programs in one script, as tutorials write them: each builds its graph, runs
it in its own session, and the next one starts over, reusing the names `a`, `x_data`, `loss`
and `train_step`.
"""
import numpy as np
import tensorflow as tf

tf.random.set_seed(0)

# Program 1: a multiplication gate trained towards 50.
a = tf.Variable(tf.constant(4.0))
my_opt = tf.keras.optimizers.SGD(learning_rate=0.01)


def multiplication_fn(x_data):
    multiplication = tf.multiply(a, x_data)
    return multiplication


@tf.function(input_signature=[tf.TensorSpec(shape=None, dtype=tf.float32)])
def train_step(x_data):
    with tf.GradientTape() as tape:
        multiplication = multiplication_fn(x_data)
        loss = tf.square(tf.subtract(multiplication, 50.0))
    variables = [a]
    gradients = tape.gradient(loss, variables)
    my_opt.apply_gradients(zip(gradients, variables))


@tf.function(input_signature=[tf.TensorSpec(shape=None, dtype=tf.float32)])
def compute_multiplication(x_data):
    multiplication = multiplication_fn(x_data)
    return multiplication


for _ in range(10):
    train_step(5.0)
    print("a * 5 = %.5f" % compute_multiplication(5.0).numpy())

# Program 2: a nested gate, f(x) = a * x + b, on a fresh graph.
tf.random.set_seed(0)
a = tf.Variable(tf.constant(1.0))
b = tf.Variable(tf.constant(1.0))
my_opt = tf.keras.optimizers.SGD(learning_rate=0.01)


def two_gate_fn(x_data):
    two_gate = tf.add(tf.multiply(a, x_data), b)
    return two_gate


@tf.function(input_signature=[tf.TensorSpec(shape=None, dtype=tf.float32)])
def train_step_2(x_data):
    with tf.GradientTape() as tape:
        two_gate = two_gate_fn(x_data)
        loss = tf.square(tf.subtract(two_gate, 50.0))
    variables = [a, b]
    gradients = tape.gradient(loss, variables)
    my_opt.apply_gradients(zip(gradients, variables))


@tf.function(input_signature=[tf.TensorSpec(shape=None, dtype=tf.float32)])
def compute_two_gate(x_data):
    two_gate = two_gate_fn(x_data)
    return two_gate


for _ in range(10):
    train_step_2(5.0)
    a_val, b_val = (a.numpy(), b.numpy())
    print("%.5f * 5 + %.5f = %.5f" % (a_val, b_val, compute_two_gate(5.0).numpy()))

# Program 3: a constant computation, its own graph again.
x_vals = np.array([1.0, 3.0, 5.0, 7.0, 9.0], dtype=np.float32)


@tf.function(input_signature=[tf.TensorSpec(shape=None, dtype=tf.float32)])
def compute_prod(x_data):
    m = tf.constant(3.0)
    prod = tf.multiply(x_data, m)
    return prod


for x_val in x_vals:
    print(compute_prod(x_val).numpy())
