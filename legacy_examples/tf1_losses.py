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

tf.set_random_seed(0)

x = tf.placeholder(tf.float32, [None, 2], name="x")
labels = tf.placeholder(tf.int64, [None], name="labels")
targets = tf.placeholder(tf.int32, [None, 1], name="targets")
marks = tf.placeholder(tf.int32, [None, 2], name="marks")

hidden_weights = tf.Variable(tf.random_normal([2, 16], stddev=0.5), name="hidden_weights")
hidden_biases = tf.Variable(tf.zeros([16]), name="hidden_biases")
class_weights = tf.Variable(tf.random_normal([16, 3], stddev=0.5), name="class_weights")
distance_weights = tf.Variable(tf.random_normal([16, 1], stddev=0.5), name="distance_weights")
flag_weights = tf.Variable(tf.random_normal([3, 2], stddev=0.5), name="flag_weights")

hidden = tf.nn.relu(tf.matmul(x, hidden_weights) + hidden_biases)
logits = tf.matmul(hidden, class_weights)
predicted_distance = tf.matmul(hidden, distance_weights)

# TF1 casts the integer distances to float32 and averages over every element.
class_loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
distance_loss = tf.losses.mean_squared_error(targets, predicted_distance)
flag_loss = tf.losses.sigmoid_cross_entropy(multi_class_labels=marks, logits=tf.matmul(logits, flag_weights))
loss = class_loss + 0.1 * distance_loss + flag_loss
train_op = tf.train.AdamOptimizer(learning_rate).minimize(loss)

correct = tf.equal(tf.argmax(logits, 1), labels)
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    feed = {x: points, labels: cluster, targets: distance, marks: flags}
    for step in range(1, training_steps + 1):
        _, c, d, f = sess.run([train_op, class_loss, distance_loss, flag_loss], feed_dict=feed)
        if step % display_step == 0:
            print("step %d: class %.4f distance %.4f flags %.4f" % (step, c, d, f))
    print("accuracy", sess.run(accuracy, feed_dict={x: points, labels: cluster}))
