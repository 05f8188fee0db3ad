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


class SkipGramModel:
    """ Build the graph for word2vec model """
    def __init__(self, vocab_size, embed_size, batch_size, num_sampled, learning_rate):
        self.vocab_size = vocab_size
        self.embed_size = embed_size
        self.batch_size = batch_size
        self.num_sampled = num_sampled
        self.lr = learning_rate
        self.global_step = tf.Variable(0, dtype=tf.int32, trainable=False, name='global_step')

    def _create_placeholders(self):
        """ Step 1: define the placeholders for input and output """
        with tf.name_scope("data"):
            self.center_words = tf.placeholder(tf.int32, shape=[self.batch_size], name='center_words')
            self.target_words = tf.placeholder(tf.int32, shape=[self.batch_size, 1], name='target_words')

    def _create_embedding(self):
        """ Step 2: define weights. In word2vec, it's actually the weights that we care about """
        # Assemble this part of the graph on the CPU
        with tf.device('/cpu:0'):
            with tf.name_scope("embed"):
                self.embed_matrix = tf.Variable(tf.random_uniform([self.vocab_size,
                                                                    self.embed_size], -1.0, 1.0),
                                                                    name='embed_matrix')

    def _create_loss(self):
        """ Step 3 + 4: define the model + the loss function """
        with tf.device('/cpu:0'):
            with tf.name_scope("loss"):
                # Step 3: define the inference
                embed = tf.nn.embedding_lookup(self.embed_matrix, self.center_words, name='embed')

                # Step 4: define loss function
                # construct variables for NCE loss
                nce_weight = tf.Variable(tf.truncated_normal([self.vocab_size, self.embed_size],
                                                            stddev=1.0 / (self.embed_size ** 0.5)),
                                                            name='nce_weight')
                nce_bias = tf.Variable(tf.zeros([VOCAB_SIZE]), name='nce_bias')

                # define loss function to be NCE loss function
                self.loss = tf.reduce_mean(tf.nn.nce_loss(weights=nce_weight,
                                                    biases=nce_bias,
                                                    labels=self.target_words,
                                                    inputs=embed,
                                                    num_sampled=self.num_sampled,
                                                    num_classes=self.vocab_size), name='loss')

    def _create_optimizer(self):
        """ Step 5: define optimizer """
        with tf.device('/cpu:0'):
            self.optimizer = tf.train.GradientDescentOptimizer(self.lr).minimize(self.loss,
                                                              global_step=self.global_step)

    def _create_summaries(self):
        with tf.name_scope("summaries"):
            tf.summary.scalar("loss", self.loss)
            tf.summary.histogram("histogram_loss", self.loss)
            self.summary_op = tf.summary.merge_all()

    def build_graph(self):
        """ Build the graph for our model """
        self._create_placeholders()
        self._create_embedding()
        self._create_loss()
        self._create_optimizer()
        self._create_summaries()


def generate_batches(vocab_size, batch_size):
    """Center and target word pairs from a small synthetic corpus, batch after batch."""
    rng = np.random.RandomState(0)
    corpus = rng.randint(0, vocab_size, size=400)
    while True:
        centers = rng.randint(1, len(corpus) - 1, size=batch_size)
        offsets = rng.choice([-1, 1], size=batch_size)
        yield corpus[centers], corpus[centers + offsets][:, None]


def train_model(model, batch_gen, num_train_steps, log_dir):
    saver = tf.train.Saver()  # every variable: global_step, embed_matrix, nce_weight, nce_bias

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        total_loss = 0.0  # the average loss of the last SKIP_STEP steps
        writer = tf.summary.FileWriter(os.path.join(log_dir, 'lr' + str(LEARNING_RATE)), sess.graph)
        initial_step = model.global_step.eval()
        for index in range(initial_step, initial_step + num_train_steps):
            centers, targets = next(batch_gen)
            feed_dict = {model.center_words: centers, model.target_words: targets}
            loss_batch, _, summary = sess.run([model.loss, model.optimizer, model.summary_op],
                                              feed_dict=feed_dict)
            writer.add_summary(summary, global_step=index)
            total_loss += loss_batch
            if (index + 1) % SKIP_STEP == 0:
                print('Average loss at step {}: {:5.3f}'.format(index, total_loss / SKIP_STEP))
                total_loss = 0.0
                saver.save(sess, os.path.join(log_dir, 'skip-gram'), index)
        writer.close()

        # code to visualize the embeddings: uncomment the below
        # final_embed_matrix = sess.run(model.embed_matrix)
        # embedding_var = tf.Variable(final_embed_matrix[:10], name='embedding')
        # sess.run(embedding_var.initializer)


def main():
    tf.set_random_seed(0)
    model = SkipGramModel(VOCAB_SIZE, EMBED_SIZE, BATCH_SIZE, NUM_SAMPLED, LEARNING_RATE)
    model.build_graph()
    batch_gen = generate_batches(VOCAB_SIZE, BATCH_SIZE)
    train_model(model, batch_gen, NUM_TRAIN_STEPS, tempfile.mkdtemp())


if __name__ == '__main__':
    main()
