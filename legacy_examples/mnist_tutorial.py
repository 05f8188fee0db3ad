"""Softmax regression on MNIST as the TF1 tutorial wrote it, its settings as command-line flags."""
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

flags = tf.app.flags
flags.DEFINE_string("data_dir", "/tmp/tensorflow/mnist/input_data", "where the MNIST files are")
flags.DEFINE_integer("batch_size", 128, "examples per training step")
flags.DEFINE_integer("steps", 120, "training steps")
flags.DEFINE_float("learning_rate", 0.5, "gradient descent step size")
FLAGS = flags.FLAGS

mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True)
print("train", mnist.train.num_examples, "validation", mnist.validation.num_examples, "test", mnist.test.num_examples)


def main(_):
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 784])
    y_ = tf.placeholder(tf.float32, [None, 10])
    W = tf.Variable(tf.zeros([784, 10]), name="W")
    b = tf.Variable(tf.zeros([10]), name="b")
    y = tf.matmul(x, W) + b
    cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y))
    train_step = tf.train.GradientDescentOptimizer(FLAGS.learning_rate).minimize(cross_entropy)
    correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(FLAGS.steps):
            batch_xs, batch_ys = mnist.train.next_batch(FLAGS.batch_size)
            _, loss = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
            if step % 20 == 0:
                print("step", step, "epoch", mnist.train.epochs_completed, "loss", loss)
        validation = sess.run(accuracy, feed_dict={x: mnist.validation.images, y_: mnist.validation.labels})
        print("validation accuracy", validation)
        print("test accuracy", sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels}))


if __name__ == "__main__":
    tf.app.run()
