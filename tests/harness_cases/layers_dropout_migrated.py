import numpy as np
import tensorflow as tf

rng = np.random.RandomState(5)
features = rng.rand(40, 6).astype(np.float32)
labels = (features[:, :3].sum(axis=1) > 1.5).astype(np.int64)

hidden_layer = tf.keras.layers.Dense(12, activation=tf.nn.relu, name="hidden")
dropout = tf.keras.layers.Dropout(rate=0.5, name="dropout")
logits_layer = tf.keras.layers.Dense(2, name="logits")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.3)


def loss_fn(x, y, training):
    hidden = hidden_layer(x)
    dropped = tf.cond(training, lambda: dropout(hidden, training=True), lambda: dropout(hidden, training=False))
    logits = logits_layer(dropped)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 6], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
        tf.TensorSpec(shape=[], dtype=tf.bool),
    ]
)
def train_step(x, y, training):
    with tf.GradientTape() as tape:
        loss = loss_fn(x, y, training)
    variables = [*hidden_layer.trainable_variables, *logits_layer.trainable_variables]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 6], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
        tf.TensorSpec(shape=[], dtype=tf.bool),
    ]
)
def compute_loss(x, y, training):
    loss = loss_fn(x, y, training)
    return loss


for step in range(25):
    value = train_step(features, labels, True).numpy()
    if step % 5 == 0:
        print(step, value)
print("eval", compute_loss(features, labels, False).numpy())
