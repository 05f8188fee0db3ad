"""Matrix operations from a tutorial chapter, then a least-squares fit whose result is taken
apart in Python: per-variable initializer runs, an op with several outputs fetched whole
(`tf.self_adjoint_eig`), `tf.matrix_inverse` and `tf.cholesky`, and after training the
placeholders' own names reused for the NumPy data that is plotted."""
import numpy as np
import tensorflow as tf


def identity_matrix_fn():
    identity_matrix = tf.linalg.tensor_diag([1.0, 1.0, 1.0])
    return identity_matrix


def B_fn():
    B = tf.fill([2, 3], 5.0)
    return B


def D_fn():
    D = tf.convert_to_tensor(np.array([[1.0, 2.0, 3.0], [-3.0, -7.0, -1.0], [0.0, 5.0, -2.0]]))
    return D


def M_fn():
    M = tf.constant([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
    return M


@tf.function
def compute_identity_matrix():
    identity_matrix = identity_matrix_fn()
    return identity_matrix


@tf.function
def compute_value():
    B = B_fn()
    return B - B


@tf.function
def compute_matmul():
    identity_matrix = identity_matrix_fn()
    B = B_fn()
    return tf.matmul(B, identity_matrix)


@tf.function
def compute_det():
    D = D_fn()
    return tf.linalg.det(D)


@tf.function
def compute_inv():
    D = D_fn()
    return tf.linalg.inv(D)


@tf.function
def compute_cholesky():
    M = M_fn()
    return tf.linalg.cholesky(M)


@tf.function
def compute_eigh():
    M = M_fn()
    return tf.linalg.eigh(M)


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=None, dtype=tf.float32),
        tf.TensorSpec(shape=None, dtype=tf.float32),
    ]
)
def train_step(X, Y):
    with tf.GradientTape() as tape:
        Y_predicted = X * w + b
        loss = tf.reduce_mean(tf.square(Y - Y_predicted, name="loss"))
    variables = [w, b]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


print(compute_identity_matrix().numpy())
print(compute_value().numpy())
print(compute_matmul().numpy())
print(compute_det().numpy())
print(compute_inv().numpy())
print(compute_cholesky().numpy())
print(tf.nest.map_structure(lambda t: t.numpy(), compute_eigh()))

# A least-squares line through noisy points.
rng = np.random.RandomState(1)
data = np.stack([np.linspace(0.0, 4.0, 30), 1.5 * np.linspace(0.0, 4.0, 30) + 0.5 + 0.1 * rng.randn(30)], axis=1)
w = tf.Variable(0.0, name="weights")
b = tf.Variable(0.0, name="bias")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.02)

for i in range(200):
    l = train_step(data[:, 0], data[:, 1]).numpy()
    if i % 50 == 0:
        print("Epoch {0}: {1:.6f}".format(i, l))
w_value, b_value = [w.numpy(), b.numpy()]
# The placeholders' names now hold the data, as the plotting code wants them.
X, Y = data.T[0], data.T[1]
print("fit: %.4f x + %.4f" % (w_value, b_value))
print("residual: %.6f" % np.mean(np.square(Y - (X * w_value + b_value))))
