"""Course style: the whole program in one model class, whose `train` method opens the session.

`build()` calls the methods that build the graph (inputs, inference, loss, optimizer, accuracy),
`train(n_epochs)` opens the session and runs `train_one_epoch` and `eval_once`, which take the
session it opened; `main()` builds the model and trains it. Two Gaussian blobs in three
dimensions stand in for the data.
"""
import numpy as np
import tensorflow as tf

N_FEATURES = 3
N_HIDDEN = 8


def make_blobs(rng, n_per_class):
    """Two Gaussian blobs with one-hot labels, shuffled."""
    centres = np.array([[1.0, 0.5, -0.5], [-0.5, -1.0, 0.5]])
    features = np.concatenate([c + 0.7 * rng.randn(n_per_class, N_FEATURES) for c in centres])
    labels = np.repeat(np.arange(2), n_per_class)
    order = rng.permutation(len(labels))
    return features[order].astype(np.float32), np.eye(2, dtype=np.float32)[labels[order]]


rng = np.random.RandomState(0)
TRAIN_X, TRAIN_Y = make_blobs(rng, 60)
TEST_X, TEST_Y = make_blobs(rng, 20)


class TwoLayerNet(object):
    def __init__(self, lr=0.05, batch_size=20):
        self.lr = lr
        self.batch_size = batch_size
        self.gstep = tf.Variable(0, dtype=tf.int32, trainable=False, name="global_step")
        self.skip_step = 2

    def get_inputs(self):
        with tf.name_scope("data"):
            self.x = tf.placeholder(tf.float32, [None, N_FEATURES], name="x")
            self.y = tf.placeholder(tf.float32, [None, 2], name="y")

    def inference(self):
        init = np.random.RandomState(1)
        w1 = tf.Variable(init.randn(N_FEATURES, N_HIDDEN).astype(np.float32) * 0.5, name="w1")
        b1 = tf.Variable(tf.zeros([N_HIDDEN]), name="b1")
        w2 = tf.Variable(init.randn(N_HIDDEN, 2).astype(np.float32) * 0.5, name="w2")
        b2 = tf.Variable(tf.zeros([2]), name="b2")
        hidden = tf.nn.relu(tf.matmul(self.x, w1) + b1)
        self.logits = tf.matmul(hidden, w2) + b2

    def loss(self):
        with tf.name_scope("loss"):
            entropy = tf.nn.softmax_cross_entropy_with_logits_v2(labels=self.y, logits=self.logits)
            self.loss = tf.reduce_mean(entropy, name="loss")

    def optimize(self):
        self.opt = tf.train.AdamOptimizer(self.lr).minimize(self.loss, global_step=self.gstep)

    def eval(self):
        with tf.name_scope("predict"):
            correct_preds = tf.equal(tf.argmax(self.logits, 1), tf.argmax(self.y, 1))
            self.accuracy = tf.reduce_sum(tf.cast(correct_preds, tf.float32))

    def build(self):
        self.get_inputs()
        self.inference()
        self.loss()
        self.optimize()
        self.eval()

    def train_one_epoch(self, sess, epoch, step):
        total_loss = 0.0
        n_batches = 0
        for start in range(0, len(TRAIN_X), self.batch_size):
            batch = slice(start, start + self.batch_size)
            _, l = sess.run([self.opt, self.loss], feed_dict={self.x: TRAIN_X[batch], self.y: TRAIN_Y[batch]})
            if (step + 1) % self.skip_step == 0:
                print("Loss at step {0}: {1:.5f}".format(step, l))
            step += 1
            total_loss += l
            n_batches += 1
        print("Average loss at epoch {0}: {1:.5f}".format(epoch, total_loss / n_batches))
        return step

    def eval_once(self, sess, epoch):
        correct = sess.run(self.accuracy, feed_dict={self.x: TEST_X, self.y: TEST_Y})
        print("Accuracy at epoch {0}: {1:.3f}".format(epoch, correct / len(TEST_X)))

    def train(self, n_epochs):
        """Alternates between training one epoch and evaluating."""
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            step = self.gstep.eval()
            for epoch in range(n_epochs):
                step = self.train_one_epoch(sess, epoch, step)
                self.eval_once(sess, epoch)
            print("global step", self.gstep.eval())


def main():
    tf.set_random_seed(0)
    model = TwoLayerNet()
    model.build()
    model.train(n_epochs=4)


if __name__ == "__main__":
    main()
