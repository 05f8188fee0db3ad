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

tf.set_random_seed(0)

inputs = tf.placeholder(tf.float32, [None, n_features], name="inputs")
outputs = tf.placeholder(tf.float32, [None, 1], name="outputs")
l2_scale = tf.placeholder_with_default(0.05, shape=[], name="l2_scale")

w = tf.Variable(tf.random_uniform([n_features, 1], -0.5, 0.5), name="w")
b = tf.Variable(0.0, name="b")

residual = tf.matmul(inputs, w) + b - outputs
data_loss = tf.reduce_mean(tf.square(residual))
penalty = l2_scale * tf.reduce_sum(tf.square(w))
total_loss = data_loss + penalty
train_op = tf.train.AdamOptimizer(0.05).minimize(total_loss)

# Values the loss is computed from: a training run reads them before it updates the weights.
metrics = {"data_loss": data_loss, "penalty": penalty, "mean_abs_residual": tf.reduce_mean(tf.abs(residual))}

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1, 201):
        batch = np.arange(step * 50, step * 50 + 50) % len(features)
        feed = {inputs: features[batch], outputs: targets[batch]}
        _, values = sess.run((train_op, metrics), feed_dict=feed)
        if step % 50 == 0 or step == 1:
            print("step %3d  data_loss %.6f  penalty %.6f  |residual| %.4f"
                  % (step, values["data_loss"], values["penalty"], values["mean_abs_residual"]))

    # Evaluate the objective on all the data for a few other L2 strengths
    for scale in (0.0, 0.05, 0.5):
        loss_val = sess.run(total_loss, feed_dict={inputs: features, outputs: targets,
                                                   l2_scale: scale})
        print("l2_scale %.2f -> total loss %.6f" % (scale, loss_val))
    print("w =", np.round(sess.run(w).ravel(), 4), "b = %.4f" % sess.run(b))
    print("true w =", np.round(true_w.ravel(), 4))
