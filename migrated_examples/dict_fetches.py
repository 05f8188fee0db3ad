"""Ridge regression whose progress is fetched as a dictionary of named values.

`sess.run` accepts any nesting of lists, tuples and dicts of tensors and returns the same
structure filled with numpy values. The L2 strength is a placeholder with a default, so
training feeds nothing for it while a later evaluation can try other strengths.
"""
import numpy as np
import tensorflow as tf

n_features = 8
rng = np.random.RandomState(0)
features = rng.randn(300, n_features).astype(np.float32)
true_w = rng.randn(n_features, 1).astype(np.float32)
targets = (features.dot(true_w) + 0.3 * rng.randn(300, 1)).astype(np.float32)

tf.random.set_seed(0)


w = tf.Variable(tf.random.uniform([n_features, 1], -0.5, 0.5), name="w")
b = tf.Variable(0.0, name="b")

optimizer = tf.keras.optimizers.Adam(learning_rate=0.05, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)


def forward(inputs, outputs, l2_scale):
    residual = tf.matmul(inputs, w) + b - outputs
    data_loss = tf.reduce_mean(tf.square(residual))
    penalty = l2_scale * tf.reduce_sum(tf.square(w))
    total_loss = data_loss + penalty
    return residual, data_loss, penalty, total_loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, n_features], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
        tf.TensorSpec(shape=[], dtype=tf.float32),
    ]
)
def train_step(inputs, outputs, l2_scale):
    with tf.GradientTape() as tape:
        residual, data_loss, penalty, total_loss = forward(inputs, outputs, l2_scale)
        # Values the loss is computed from: a training run reads them before it updates the weights.
        metrics = {"data_loss": data_loss, "penalty": penalty, "mean_abs_residual": tf.reduce_mean(tf.abs(residual))}
    variables = [w, b]
    gradients = tape.gradient(total_loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return metrics


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, n_features], dtype=tf.float32),
        tf.TensorSpec(shape=[None, 1], dtype=tf.float32),
        tf.TensorSpec(shape=[], dtype=tf.float32),
    ]
)
def compute_total_loss(inputs, outputs, l2_scale):
    residual, data_loss, penalty, total_loss = forward(inputs, outputs, l2_scale)
    return total_loss


for step in range(1, 201):
    batch = np.arange(step * 50, step * 50 + 50) % len(features)
    feed = {"inputs": features[batch], "outputs": targets[batch]}
    values = tf.nest.map_structure(lambda t: t.numpy(), train_step(feed["inputs"], feed["outputs"], 0.05))
    if step % 50 == 0 or step == 1:
        print("step %3d  data_loss %.6f  penalty %.6f  |residual| %.4f"
              % (step, values["data_loss"], values["penalty"], values["mean_abs_residual"]))

# Evaluate the objective on all the data for a few other L2 strengths
for scale in (0.0, 0.05, 0.5):
    loss_val = compute_total_loss(features, targets, scale).numpy()
    print("l2_scale %.2f -> total loss %.6f" % (scale, loss_val))
print("w =", np.round(w.numpy().ravel(), 4), "b = %.4f" % b.numpy())
print("true w =", np.round(true_w.ravel(), 4))
