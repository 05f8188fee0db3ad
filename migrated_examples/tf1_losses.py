"""A two-headed network trained with TF1's loss functions (`tf.losses.*`).

One head classifies points of three clusters, the other predicts each point's integer distance
to the origin, rounded; a third loss asks the class scores for the two flags each point carries.
"""
import numpy as np
import tensorflow as tf

learning_rate = 0.01
training_steps = 60
display_step = 20

rng = np.random.RandomState(0)
centres = np.array([[2.0, 0.0], [-1.0, 1.5], [-1.0, -1.5]], dtype=np.float32)
cluster = rng.randint(0, 3, size=256)
points = (centres[cluster] + 0.6 * rng.randn(256, 2)).astype(np.float32)
distance = np.round(np.linalg.norm(points, axis=1, keepdims=True)).astype(np.int32)
flags = np.stack([points[:, 0] > 0, points[:, 1] > 0], axis=1).astype(np.int32)

tf.random.set_seed(0)


hidden_weights = tf.Variable(tf.random.normal([2, 16], stddev=0.5), name="hidden_weights")
hidden_biases = tf.Variable(tf.zeros([16]), name="hidden_biases")
class_weights = tf.Variable(tf.random.normal([16, 3], stddev=0.5), name="class_weights")
distance_weights = tf.Variable(tf.random.normal([16, 1], stddev=0.5), name="distance_weights")
flag_weights = tf.Variable(tf.random.normal([3, 2], stddev=0.5), name="flag_weights")


optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)


feed = {"x": points, "labels": cluster, "targets": distance, "marks": flags}


def hidden_and_logits_fn(x):
    hidden = tf.nn.relu(tf.matmul(x, hidden_weights) + hidden_biases)
    logits = tf.matmul(hidden, class_weights)
    return hidden, logits


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 2], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
        tf.TensorSpec(shape=[None, 1], dtype=tf.int32),
        tf.TensorSpec(shape=[None, 2], dtype=tf.int32),
    ]
)
def train_step(x, labels, targets, marks):
    with tf.GradientTape() as tape:
        hidden, logits = hidden_and_logits_fn(x)
        predicted_distance = tf.matmul(hidden, distance_weights)
        # TF1 casts the integer distances to float32 and averages over every element.
        class_loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        distance_loss = tf.reduce_mean(tf.math.squared_difference(tf.cast(targets, tf.float32), predicted_distance))
        flag_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.cast(marks, tf.float32), logits=tf.matmul(logits, flag_weights)))
        loss = class_loss + 0.1 * distance_loss + flag_loss
    variables = [hidden_weights, hidden_biases, class_weights, distance_weights, flag_weights]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return class_loss, distance_loss, flag_loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 2], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int64),
    ]
)
def compute_accuracy(x, labels):
    hidden, logits = hidden_and_logits_fn(x)
    correct = tf.equal(tf.argmax(logits, 1), labels)
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    return accuracy


for step in range(1, training_steps + 1):
    c, d, f = [value.numpy() for value in train_step(feed["x"], feed["labels"], feed["targets"], feed["marks"])]
    if step % display_step == 0:
        print("step %d: class %.4f distance %.4f flags %.4f" % (step, c, d, f))
print("accuracy", compute_accuracy(points, cluster).numpy())
