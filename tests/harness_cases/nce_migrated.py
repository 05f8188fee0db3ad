import numpy as np
import tensorflow as tf

VOCAB, EMBED, BATCH = 40, 6, 16
rng = np.random.RandomState(3)
centers = rng.randint(0, VOCAB, size=[200])
contexts = (centers + rng.randint(1, 3, size=[200])) % VOCAB

embeddings = tf.Variable(tf.random.uniform([VOCAB, EMBED], -1.0, 1.0), name="embeddings")
nce_weights = tf.Variable(tf.random.truncated_normal([VOCAB, EMBED], stddev=0.4), name="nce_weights")
nce_biases = tf.Variable(tf.zeros([VOCAB]), name="nce_biases")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[BATCH], dtype=tf.int32),
        tf.TensorSpec(shape=[BATCH, 1], dtype=tf.int64),
    ]
)
def train_step(center_words, target_words):
    with tf.GradientTape() as tape:
        embed = tf.nn.embedding_lookup(embeddings, center_words)
        loss = tf.reduce_mean(
            tf.nn.nce_loss(weights=nce_weights, biases=nce_biases, labels=target_words, inputs=embed,
                           num_sampled=8, num_classes=VOCAB)
        )
    variables = [embeddings, nce_weights, nce_biases]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


for step in range(12):
    batch = slice(step * BATCH, (step + 1) * BATCH)
    value = train_step(centers[batch], contexts[batch, None]).numpy()
    if step % 4 == 0:
        print(step, value)
