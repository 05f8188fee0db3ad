import numpy as np
import tensorflow as tf

VOCAB, EMBED, BATCH = 40, 6, 16
rng = np.random.RandomState(3)
centers = rng.randint(0, VOCAB, size=[200])
contexts = (centers + rng.randint(1, 3, size=[200])) % VOCAB

center_words = tf.placeholder(tf.int32, [BATCH])
target_words = tf.placeholder(tf.int64, [BATCH, 1])
embeddings = tf.Variable(tf.random_uniform([VOCAB, EMBED], -1.0, 1.0), name="embeddings")
nce_weights = tf.Variable(tf.truncated_normal([VOCAB, EMBED], stddev=0.4), name="nce_weights")
nce_biases = tf.Variable(tf.zeros([VOCAB]), name="nce_biases")
embed = tf.nn.embedding_lookup(embeddings, center_words)
loss = tf.reduce_mean(
    tf.nn.nce_loss(weights=nce_weights, biases=nce_biases, labels=target_words, inputs=embed,
                   num_sampled=8, num_classes=VOCAB)
)
train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(12):
        batch = slice(step * BATCH, (step + 1) * BATCH)
        _, value = sess.run([train_op, loss], feed_dict={center_words: centers[batch], target_words: contexts[batch, None]})
        if step % 4 == 0:
            print(step, value)
