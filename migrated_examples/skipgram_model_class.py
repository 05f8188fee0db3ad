"""Skip-gram word vectors in the CS20 course's model-class shape: `SkipGramModel` builds its
graph in methods that `build_graph()` calls, the embedding and the NCE loss under
`tf.device('/cpu:0')` and `tf.name_scope` blocks, and `train_model(model, ...)` trains it in its
own session, writing merged summaries and a checkpoint, with the visualisation left commented
out at the end of its session block."""

import os
import tempfile

import numpy as np
import tensorflow as tf

VOCAB_SIZE = 30
BATCH_SIZE = 16
EMBED_SIZE = 8  # dimension of the word embedding vectors
NUM_SAMPLED = 6  # number of negative examples to sample
LEARNING_RATE = 0.5
NUM_TRAIN_STEPS = 40
SKIP_STEP = 10


class SkipGramModel(tf.Module):
    """ Build the graph for word2vec model """
    def __init__(self, vocab_size, embed_size, batch_size, num_sampled, learning_rate):
        super().__init__()
        self.vocab_size = vocab_size
        self.embed_size = embed_size
        self.batch_size = batch_size
        self.num_sampled = num_sampled
        self.lr = learning_rate
        self.global_step = tf.Variable(0, dtype=tf.int32, trainable=False, name='global_step')
        self.embed_matrix = tf.Variable(tf.random.uniform([self.vocab_size,
                                                            self.embed_size], -1.0, 1.0),
                                                            name='embed/embed_matrix')

        # Step 4: define loss function
        # construct variables for NCE loss
        self.nce_weight = tf.Variable(tf.random.truncated_normal([self.vocab_size, self.embed_size],
                                                    stddev=1.0 / (self.embed_size ** 0.5)),
                                                    name='loss/nce_weight')
        self.nce_bias = tf.Variable(tf.zeros([VOCAB_SIZE]), name='loss/nce_bias')

        self.optimizer = tf.keras.optimizers.SGD(learning_rate=self.lr)
        self.train_step = tf.function(
            self.train_step, input_signature=[
                tf.TensorSpec(shape=[self.batch_size], dtype=tf.int32),
                tf.TensorSpec(shape=[self.batch_size, 1], dtype=tf.int32),
            ]
        )

    def train_step(self, center_words, target_words):
        with tf.GradientTape() as tape:
            # Step 3: define the inference
            embed = tf.nn.embedding_lookup(self.embed_matrix, center_words, name='embed')
            # define loss function to be NCE loss function
            loss = tf.reduce_mean(tf.nn.nce_loss(weights=self.nce_weight,
                                                biases=self.nce_bias,
                                                labels=target_words,
                                                inputs=embed,
                                                num_sampled=self.num_sampled,
                                                num_classes=self.vocab_size), name='loss')
        variables = [self.embed_matrix, self.nce_weight, self.nce_bias]
        gradients = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(gradients, variables))
        self.global_step.assign_add(1)
        return loss, (loss, loss)


def generate_batches(vocab_size, batch_size):
    """Center and target word pairs from a small synthetic corpus, batch after batch."""
    rng = np.random.RandomState(0)
    corpus = rng.randint(0, vocab_size, size=400)
    while True:
        centers = rng.randint(1, len(corpus) - 1, size=batch_size)
        offsets = rng.choice([-1, 1], size=batch_size)
        yield corpus[centers], corpus[centers + offsets][:, None]


def main():
    tf.random.set_seed(0)
    model = SkipGramModel(VOCAB_SIZE, EMBED_SIZE, BATCH_SIZE, NUM_SAMPLED, LEARNING_RATE)
    batch_gen = generate_batches(VOCAB_SIZE, BATCH_SIZE)
    batch_gen_2 = batch_gen
    num_train_steps = NUM_TRAIN_STEPS
    log_dir = tempfile.mkdtemp()
    saver = tf.train.Checkpoint(**{"global_step": model.global_step, "embed/embed_matrix": model.embed_matrix, "loss/nce_weight": model.nce_weight, "loss/nce_bias": model.nce_bias})  # every variable: global_step, embed_matrix, nce_weight, nce_bias

    total_loss = 0.0  # the average loss of the last SKIP_STEP steps
    writer = tf.summary.create_file_writer(os.path.join(log_dir, 'lr' + str(LEARNING_RATE)))

    def write_summaries(writer, values, step):
        with writer.as_default():
            tf.summary.scalar('summaries/loss', values[0], step=step)
            tf.summary.histogram('summaries/histogram_loss', values[1], step=step)

    initial_step = model.global_step.numpy()
    for index in range(initial_step, initial_step + num_train_steps):
        centers_2, targets = next(batch_gen_2)
        feed_dict = {"center_words": centers_2, "target_words": targets}
        loss_batch, summary = tf.nest.map_structure(lambda t: t.numpy(), model.train_step(feed_dict["center_words"], feed_dict["target_words"]))
        write_summaries(writer, summary, index)
        total_loss += loss_batch
        if (index + 1) % SKIP_STEP == 0:
            print('Average loss at step {}: {:5.3f}'.format(index, total_loss / SKIP_STEP))
            total_loss = 0.0
            tf.train.CheckpointManager(saver, log_dir, max_to_keep=5, checkpoint_name='skip-gram').save(checkpoint_number=int(index))
    writer.close()

    # code to visualize the embeddings: uncomment the below
    # final_embed_matrix = sess.run(model.embed_matrix)
    # embedding_var = tf.Variable(final_embed_matrix[:10], name='embedding')
    # sess.run(embedding_var.initializer)


if __name__ == '__main__':
    main()
