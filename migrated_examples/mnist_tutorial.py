"""Softmax regression on MNIST as the TF1 tutorial wrote it, its settings as command-line flags."""
import tensorflow as tf
import mnist_input_data as input_data
import sys
from absl import app, flags

flags.DEFINE_string("data_dir", "/tmp/tensorflow/mnist/input_data", "where the MNIST files are")
flags.DEFINE_integer("batch_size", 128, "examples per training step")
flags.DEFINE_integer("steps", 120, "training steps")
flags.DEFINE_float("learning_rate", 0.5, "gradient descent step size")
FLAGS = flags.FLAGS

FLAGS(sys.argv)

mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True)
print("train", mnist.train.num_examples, "validation", mnist.validation.num_examples, "test", mnist.test.num_examples)


def main(_):
    tf.random.set_seed(0)
    W = tf.Variable(tf.zeros([784, 10]), name="W")
    b = tf.Variable(tf.zeros([10]), name="b")
    optimizer = tf.keras.optimizers.SGD(learning_rate=FLAGS.learning_rate)

    def y_fn(x):
        y = tf.matmul(x, W) + b
        return y

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, 784], dtype=tf.float32),
            tf.TensorSpec(shape=[None, 10], dtype=tf.float32),
        ]
    )
    def train_step(x, y_):
        with tf.GradientTape() as tape:
            y = y_fn(x)
            cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
        variables = [W, b]
        gradients = tape.gradient(cross_entropy, variables)
        optimizer.apply_gradients(zip(gradients, variables))
        return cross_entropy

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=[None, 784], dtype=tf.float32),
            tf.TensorSpec(shape=[None, 10], dtype=tf.float32),
        ]
    )
    def compute_accuracy(x, y_):
        y = y_fn(x)
        correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        return accuracy

    for step in range(FLAGS.steps):
        batch_xs, batch_ys = mnist.train.next_batch(FLAGS.batch_size)
        loss = train_step(batch_xs, batch_ys).numpy()
        if step % 20 == 0:
            print("step", step, "epoch", mnist.train.epochs_completed, "loss", loss)
    validation = compute_accuracy(mnist.validation.images, mnist.validation.labels).numpy()
    print("validation accuracy", validation)
    print("test accuracy", compute_accuracy(mnist.test.images, mnist.test.labels).numpy())


if __name__ == "__main__":
    app.run(main, flags_parser=lambda argv: flags.FLAGS(argv, known_only=True))
