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


class TwoLayerNet(tf.Module):
    def __init__(self, lr=0.05, batch_size=20):
        super().__init__()
        self.lr = lr
        self.batch_size = batch_size
        self.gstep = tf.Variable(0, dtype=tf.int32, trainable=False, name="global_step")
        self.skip_step = 2
        init = np.random.RandomState(1)
        self.w1 = tf.Variable(init.randn(N_FEATURES, N_HIDDEN).astype(np.float32) * 0.5, name="w1")
        self.b1 = tf.Variable(tf.zeros([N_HIDDEN]), name="b1")
        self.w2 = tf.Variable(init.randn(N_HIDDEN, 2).astype(np.float32) * 0.5, name="w2")
        self.b2 = tf.Variable(tf.zeros([2]), name="b2")
        self.opt = tf.keras.optimizers.Adam(learning_rate=self.lr, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)
        self.compute_accuracy = tf.function(
            self.compute_accuracy, input_signature=[
                tf.TensorSpec(shape=[None, N_FEATURES], dtype=tf.float32),
                tf.TensorSpec(shape=[None, 2], dtype=tf.float32),
            ]
        )
        self.train_step = tf.function(
            self.train_step, input_signature=[
                tf.TensorSpec(shape=[None, N_FEATURES], dtype=tf.float32),
                tf.TensorSpec(shape=[None, 2], dtype=tf.float32),
            ]
        )

    def train_one_epoch(self, epoch, step):
        total_loss = 0.0
        n_batches = 0
        for start in range(0, len(TRAIN_X), self.batch_size):
            batch = slice(start, start + self.batch_size)
            l = self.train_step(TRAIN_X[batch], TRAIN_Y[batch]).numpy()
            if (step + 1) % self.skip_step == 0:
                print("Loss at step {0}: {1:.5f}".format(step, l))
            step += 1
            total_loss += l
            n_batches += 1
        print("Average loss at epoch {0}: {1:.5f}".format(epoch, total_loss / n_batches))
        return step

    def eval_once(self, epoch):
        correct = self.compute_accuracy(TEST_X, TEST_Y).numpy()
        print("Accuracy at epoch {0}: {1:.3f}".format(epoch, correct / len(TEST_X)))

    def logits_fn(self, x):
        hidden = tf.nn.relu(tf.matmul(x, self.w1) + self.b1)
        logits = tf.matmul(hidden, self.w2) + self.b2
        return logits

    def compute_accuracy(self, x, y):
        logits = self.logits_fn(x)
        correct_preds = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))
        accuracy = tf.reduce_sum(tf.cast(correct_preds, tf.float32))
        return accuracy

    def train_step(self, x, y):
        with tf.GradientTape() as tape:
            logits = self.logits_fn(x)
            entropy = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits)
            loss = tf.reduce_mean(entropy, name="loss")
        variables = [self.w1, self.b1, self.w2, self.b2]
        gradients = tape.gradient(loss, variables)
        self.opt.apply_gradients(zip(gradients, variables))
        self.gstep.assign_add(1)
        return loss


def main():
    tf.random.set_seed(0)
    model = TwoLayerNet()
    n_epochs = 4
    step = model.gstep.numpy()
    for epoch in range(n_epochs):
        step = model.train_one_epoch(epoch, step)
        model.eval_once(epoch)
    print("global step", model.gstep.numpy())


if __name__ == "__main__":
    main()
