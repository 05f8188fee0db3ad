"""Course style (Stanford CS20's convnets), on a small dense network: one iterator made
`from_structure` with an initializer per dataset, dropout built with `training=self.training`
(a flag `__init__` sets and the epoch methods set again, which the built graph never sees), and
epoch methods that start the iterator they are given (`sess.run(init)`) before running it to
`tf.errors.OutOfRangeError`. The training method saves the model with the Saver it is given,
numbered by the global step; the next run resumes from the last checkpoint the directory's state
records."""
import os

import numpy as np
import tensorflow as tf


def make_datasets(batch_size):
    rng = np.random.RandomState(0)
    train = (rng.rand(40, 6).astype(np.float32), np.eye(3, dtype=np.float32)[rng.randint(0, 3, 40)])
    test = (rng.rand(20, 6).astype(np.float32), np.eye(3, dtype=np.float32)[rng.randint(0, 3, 20)])
    return tf.data.Dataset.from_tensor_slices(train).batch(batch_size), tf.data.Dataset.from_tensor_slices(test).batch(batch_size)


class Net(object):
    def __init__(self):
        self.lr = 0.05
        self.batch_size = 8
        self.gstep = tf.Variable(0, dtype=tf.int32, trainable=False, name='global_step')
        self.training = False

    def get_data(self):
        with tf.name_scope('data'):
            train_data, test_data = make_datasets(self.batch_size)
            iterator = tf.data.Iterator.from_structure(train_data.output_types, train_data.output_shapes)
            self.x, self.label = iterator.get_next()
            self.train_init = iterator.make_initializer(train_data)
            self.test_init = iterator.make_initializer(test_data)

    def inference(self):
        hidden = tf.layers.dense(self.x, 5, activation=tf.nn.relu, name='hidden')
        dropout = tf.layers.dropout(hidden, 0.5, training=self.training, name='dropout')
        self.logits = tf.layers.dense(dropout, 3, name='logits')

    def loss(self):
        entropy = tf.nn.softmax_cross_entropy_with_logits(labels=self.label, logits=self.logits)
        self.loss = tf.reduce_mean(entropy, name='loss')

    def optimize(self):
        self.opt = tf.train.GradientDescentOptimizer(self.lr).minimize(self.loss, global_step=self.gstep)

    def eval(self):
        correct = tf.equal(tf.argmax(self.logits, 1), tf.argmax(self.label, 1))
        self.accuracy = tf.reduce_sum(tf.cast(correct, tf.float32))

    def build(self):
        self.get_data()
        self.inference()
        self.loss()
        self.optimize()
        self.eval()

    def train_one_epoch(self, sess, saver, init, epoch, step):
        sess.run(init)
        self.training = True
        total_loss = 0
        try:
            while True:
                _, l = sess.run([self.opt, self.loss])
                step += 1
                total_loss += l
        except tf.errors.OutOfRangeError:
            pass
        saver.save(sess, 'checkpoints/net/model', step)
        print('epoch', epoch, 'loss', total_loss)
        return step

    def eval_once(self, sess, init, epoch, step):
        sess.run(init)
        self.training = False
        total = 0
        try:
            while True:
                total += sess.run(self.accuracy)
        except tf.errors.OutOfRangeError:
            pass
        print('epoch', epoch, 'accuracy', total)

    def train(self, n_epochs):
        if not os.path.isdir('checkpoints/net'):
            os.makedirs('checkpoints/net')
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver = tf.train.Saver()
            ckpt = tf.train.get_checkpoint_state(os.path.dirname('checkpoints/net/checkpoint'))
            if ckpt and ckpt.model_checkpoint_path:
                saver.restore(sess, ckpt.model_checkpoint_path)
            step = self.gstep.eval()
            for epoch in range(n_epochs):
                step = self.train_one_epoch(sess, saver, self.train_init, epoch, step)
                self.eval_once(sess, self.test_init, epoch, step)


if __name__ == '__main__':
    model = Net()
    model.build()
    model.train(n_epochs=2)
