"""A siamese network: one tower applied to two inputs shares its weights through reuse.

The tower's variables live in variable scope "tower" and are created by tf.get_variable on
the first call; the second call reuses them. The loss pulls the two embeddings of similar
pairs together; only the tower's variables are trained.
"""
import numpy as np
import tensorflow as tf

input_dim = 6
embed_dim = 3


def tower(x, reuse=False):
    with tf.variable_scope("tower", reuse=reuse):
        with tf.variable_scope("hidden"):
            w = tf.get_variable("w", [input_dim, 8], initializer=tf.truncated_normal_initializer(stddev=0.3))
            b = tf.get_variable("b", [8], initializer=tf.constant_initializer(0.1))
            h = tf.nn.tanh(tf.matmul(x, w) + b)
        with tf.variable_scope("embed"):
            w = tf.get_variable("w", [8, embed_dim])
            b = tf.get_variable("b", [embed_dim], initializer=tf.zeros_initializer())
            return tf.matmul(h, w) + b


def main():
    rng = np.random.RandomState(0)
    tf.set_random_seed(0)
    left = tf.placeholder(tf.float32, [None, input_dim])
    right = tf.placeholder(tf.float32, [None, input_dim])
    left_embedding = tower(left)
    right_embedding = tower(right, reuse=True)
    distance = tf.reduce_sum(tf.square(left_embedding - right_embedding), axis=1)
    loss = tf.reduce_mean(distance)
    tower_vars = tf.trainable_variables(scope="tower")
    train_op = tf.train.AdamOptimizer(0.01).minimize(loss, var_list=tower_vars)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(60):
            a = rng.normal(size=(16, input_dim)).astype(np.float32)
            b = a + 0.1 * rng.normal(size=(16, input_dim)).astype(np.float32)
            _, l = sess.run([train_op, loss], feed_dict={left: a, right: b})
            if step % 20 == 0:
                print("step %d loss %.5f" % (step, l))
        probe = rng.normal(size=(2, input_dim)).astype(np.float32)
        print("embeddings", np.round(sess.run(left_embedding, feed_dict={left: probe}), 4))


if __name__ == "__main__":
    main()
