"""Skip-gram word vectors in the CS20 course's shape: a function builds the graph under name
scopes and trains it in its own session, reading pairs from a tf.data generator."""

import numpy as np
import tensorflow as tf

VOCAB_SIZE = 12
EMBED_SIZE = 4
BATCH_SIZE = 8
LEARNING_RATE = 0.5
NUM_TRAIN_STEPS = 30
SKIP_STEP = 10


def batch_gen():
    """Center and target word pairs from a small synthetic corpus, batch after batch."""
    rng = np.random.RandomState(0)
    corpus = rng.randint(0, VOCAB_SIZE, size=200)
    pairs = [(corpus[i], corpus[i + offset]) for i in range(1, len(corpus) - 1) for offset in (-1, 1)]
    for start in range(0, len(pairs) - BATCH_SIZE + 1, BATCH_SIZE):
        batch = np.array(pairs[start:start + BATCH_SIZE], dtype=np.int32)
        yield batch[:, 0], batch[:, 1:]


def word2vec(dataset):
    """ Build the graph for word2vec model and train it """
    # Step 1: get input, output from the dataset

    # Step 2 + 3: define weights and embedding lookup (get_variable ignores name scopes)
    embed_matrix = tf.Variable(tf.keras.initializers.RandomUniform(minval=0.0, maxval=1.0, seed=1)(shape=[VOCAB_SIZE, EMBED_SIZE], dtype=tf.float32), name="embed_matrix")

    # Step 4: output weights and the loss
    out_weight = tf.Variable(tf.keras.initializers.TruncatedNormal(stddev=1.0 / (EMBED_SIZE ** 0.5), seed=2)(shape=[EMBED_SIZE, VOCAB_SIZE], dtype=tf.float32), name="out_weight")
    out_bias = tf.Variable(tf.zeros([VOCAB_SIZE]), name="out_bias")

    # Step 5: define optimizer
    optimizer = tf.keras.optimizers.SGD(learning_rate=LEARNING_RATE)

    iterator = iter(dataset)

    total_loss = 0.0

    @tf.function
    def train_step(element):
        with tf.GradientTape() as tape:
            center_words, target_words = element
            embed = tf.nn.embedding_lookup(embed_matrix, center_words, name='embedding')
            logits = tf.matmul(embed, out_weight) + out_bias
            labels = tf.one_hot(tf.squeeze(target_words, axis=1), VOCAB_SIZE)
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits), name='loss')
        variables = [embed_matrix, out_weight, out_bias]
        gradients = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(gradients, variables))
        return loss

    for index in range(NUM_TRAIN_STEPS):
        try:
            loss_batch = train_step(iterator.get_next()).numpy()
            total_loss += loss_batch
            if (index + 1) % SKIP_STEP == 0:
                print('Average loss at step {}: {:5.3f}'.format(index, total_loss / SKIP_STEP))
                total_loss = 0.0
        except tf.errors.OutOfRangeError:
            iterator = iter(dataset)

    # Nearest words by cosine similarity, from the trained vectors a run gave.
    vectors = embed_matrix.numpy()
    for word in range(3):
        normalized = tf.nn.l2_normalize(vectors, axis=1)
        similarity = tf.matmul(normalized[word:word + 1], normalized, transpose_b=True)
        print('nearest to {}: {}'.format(word, np.argsort(-similarity.numpy()[0])[1:4]))


def main():
    dataset = tf.data.Dataset.from_generator(batch_gen,
                                             (tf.int32, tf.int32),
                                             (tf.TensorShape([BATCH_SIZE]), tf.TensorShape([BATCH_SIZE, 1])))
    word2vec(dataset)


if __name__ == '__main__':
    main()
