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


class Net(tf.Module):
    def __init__(self):
        super().__init__()
        self.lr = 0.05
        self.batch_size = 8
        self.gstep = tf.Variable(0, dtype=tf.int32, trainable=False, name='global_step')
        self.training = False
        train_data, test_data = make_datasets(self.batch_size)
        self.hidden_layer = tf.keras.layers.Dense(5, activation=tf.nn.relu, name="hidden")
        self.dropout_layer = tf.keras.layers.Dropout(0.5, name="dropout")
        self.logits_layer = tf.keras.layers.Dense(3, name="logits")
        self.opt = tf.keras.optimizers.SGD(learning_rate=self.lr)
        self.test_data = test_data
        self.train_data = train_data

    def train_one_epoch(self, saver, epoch, step):
        self.training = True
        total_loss = 0
        try:
            while True:
                l = self.train_step(iterator.get_next()).numpy()
                step += 1
                total_loss += l
        except tf.errors.OutOfRangeError:
            pass
        tf.train.CheckpointManager(saver, 'checkpoints/net', max_to_keep=5, checkpoint_name='model').save(checkpoint_number=int(step))
        print('epoch', epoch, 'loss', total_loss)
        return step

    def eval_once(self, epoch, step):
        self.training = False
        total = 0
        try:
            while True:
                total += self.compute_accuracy(iterator.get_next()).numpy()
        except tf.errors.OutOfRangeError:
            pass
        print('epoch', epoch, 'accuracy', total)

    def label_and_logits_fn(self, element):
        x, label = element
        hidden = self.hidden_layer(x)
        dropout = self.dropout_layer(hidden)
        logits = self.logits_layer(dropout)
        return label, logits

    @tf.function
    def compute_accuracy(self, element):
        label, logits = self.label_and_logits_fn(element)
        correct = tf.equal(tf.argmax(logits, 1), tf.argmax(label, 1))
        accuracy = tf.reduce_sum(tf.cast(correct, tf.float32))
        return accuracy

    @tf.function
    def train_step(self, element):
        with tf.GradientTape() as tape:
            label, logits = self.label_and_logits_fn(element)
            entropy = tf.nn.softmax_cross_entropy_with_logits(labels=label, logits=logits)
            loss = tf.reduce_mean(entropy, name='loss')
        variables = [*self.hidden_layer.trainable_variables, *self.logits_layer.trainable_variables]
        gradients = tape.gradient(loss, variables)
        self.opt.apply_gradients(zip(gradients, variables))
        self.gstep.assign_add(1)
        return loss


if __name__ == '__main__':
    model = Net()
    n_epochs = 2
    if not os.path.isdir('checkpoints/net'):
        os.makedirs('checkpoints/net')
    saver = tf.train.Checkpoint(**{"global_step": model.gstep, "hidden": model.hidden_layer, "logits": model.logits_layer})
    ckpt = tf.train.get_checkpoint_state(os.path.dirname('checkpoints/net/checkpoint'))
    if ckpt and ckpt.model_checkpoint_path:
        saver.read(ckpt.model_checkpoint_path).assert_existing_objects_matched()
    step = model.gstep.numpy()
    for epoch in range(n_epochs):
        iterator = iter(model.train_data)
        step = model.train_one_epoch(saver, epoch, step)
        iterator = iter(model.test_data)
        model.eval_once(epoch, step)
