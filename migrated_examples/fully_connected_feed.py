"""Trains and evaluates the MNIST network using a feed dictionary: TensorFlow's
fully_connected_feed.py tutorial, with the mnist.py functions it imports in the same file."""
import math
import os
import tempfile

import tensorflow as tf
import mnist_input_data as input_data
from absl import app, flags

NUM_CLASSES = 10
IMAGE_SIZE = 28
IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE
flags.DEFINE_float("learning_rate", 0.01, "Initial learning rate.")
flags.DEFINE_integer("max_steps", 60, "Number of steps to run trainer.")
flags.DEFINE_integer("hidden1", 32, "Number of units in hidden layer 1.")
flags.DEFINE_integer("hidden2", 16, "Number of units in hidden layer 2.")
flags.DEFINE_integer("batch_size", 100, "Batch size. Must divide evenly into the dataset sizes.")
flags.DEFINE_string("input_data_dir", "/tmp/tensorflow/mnist/input_data", "Directory to put the input data.")
flags.DEFINE_string("summaries_dir", tempfile.mkdtemp(), "Directory to put the log data.")
FLAGS = flags.FLAGS


class Inference(tf.Module):
    def __init__(self):
        super().__init__()
        self.built = False

    def __call__(self, images, hidden1_units, hidden2_units):
        """Build the MNIST model up to where it may be used for inference."""
        # Hidden 1
        if not self.built:
            self.hidden1_weights = tf.Variable(
                tf.random.truncated_normal([IMAGE_PIXELS, hidden1_units],
                                    stddev=1.0 / math.sqrt(float(IMAGE_PIXELS))), name="hidden1/weights")
            self.hidden1_biases = tf.Variable(tf.zeros([hidden1_units]), name="hidden1/biases")
            # Hidden 2
            self.hidden2_weights = tf.Variable(
                tf.random.truncated_normal([hidden1_units, hidden2_units],
                                    stddev=1.0 / math.sqrt(float(hidden1_units))), name="hidden2/weights")
            self.hidden2_biases = tf.Variable(tf.zeros([hidden2_units]), name="hidden2/biases")
            # Linear
            self.softmax_linear_weights = tf.Variable(
                tf.random.truncated_normal([hidden2_units, NUM_CLASSES],
                                    stddev=1.0 / math.sqrt(float(hidden2_units))), name="softmax_linear/weights")
            self.softmax_linear_biases = tf.Variable(tf.zeros([NUM_CLASSES]), name="softmax_linear/biases")
            self.built = True
        hidden1 = tf.nn.relu(tf.matmul(images, self.hidden1_weights) + self.hidden1_biases)
        hidden2 = tf.nn.relu(tf.matmul(hidden1, self.hidden2_weights) + self.hidden2_biases)
        logits = tf.matmul(hidden2, self.softmax_linear_weights) + self.softmax_linear_biases
        return logits


def loss(logits, labels):
    """Calculates the loss from the logits and the labels."""
    labels = tf.cast(labels, tf.int64)
    cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    return tf.reduce_mean(cross_entropy, name='xentropy_mean')


def evaluation(logits, labels):
    """Evaluate the quality of the logits at predicting the label."""
    correct = tf.nn.in_top_k(predictions=logits, targets=labels, k=1)
    # Return the number of true entries.
    return tf.reduce_sum(tf.cast(correct, tf.int32))


def run_training():
    """Train MNIST for a number of steps."""
    def fill_feed_dict(data_set):
        """Fills the feed_dict for training the given step."""
        images_feed, labels_feed = data_set.next_batch(FLAGS.batch_size)
        feed_dict = {
            "images_placeholder": images_feed,
            "labels_placeholder": labels_feed,
        }
        return feed_dict
    data_sets = input_data.read_data_sets(FLAGS.input_data_dir)

    # Tell TensorFlow that the model will be built into the default Graph.
    tf.random.set_seed(0)
    # Generate placeholders for the images and labels.

    # Build a Graph that computes predictions from the inference model.
    inference = Inference()

    # Add to the Graph the Ops that calculate and apply gradients.
    learning_rate = FLAGS.learning_rate
    # Add a scalar summary for the snapshot loss.
    # Create the gradient descent optimizer with the given learning rate.
    optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)
    # Create a variable to track the global step.
    global_step = tf.Variable(0, name='global_step', trainable=False)
    # Use the optimizer to apply the gradients that minimize the loss
    # (and also increment the global step counter) as a single training step.

    # Build the summary Tensor based on the TF collection of Summaries.

    # Add the variable initializer Op.

    # Create a session for running Ops on the Graph.

    # Instantiate a SummaryWriter to output summaries and the Graph.
    summary_writer = tf.summary.create_file_writer(FLAGS.summaries_dir)

    def logits_fn(images_placeholder):
        logits = inference(images_placeholder, FLAGS.hidden1, FLAGS.hidden2)
        return logits

    def loss_op_fn(labels_placeholder, logits):
        # Add to the Graph the Ops for loss calculation.
        loss_op = loss(logits, labels_placeholder)
        return loss_op

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=(FLAGS.batch_size, IMAGE_PIXELS), dtype=tf.float32),
            tf.TensorSpec(shape=FLAGS.batch_size, dtype=tf.int32),
        ]
    )
    def compute_eval_correct(images_placeholder, labels_placeholder):
        logits = logits_fn(images_placeholder)
        # Add the Op to compare the logits to the labels during evaluation.
        eval_correct = evaluation(logits, labels_placeholder)
        return eval_correct

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=(FLAGS.batch_size, IMAGE_PIXELS), dtype=tf.float32),
            tf.TensorSpec(shape=FLAGS.batch_size, dtype=tf.int32),
        ]
    )
    def train_step(images_placeholder, labels_placeholder):
        with tf.GradientTape() as tape:
            logits = logits_fn(images_placeholder)
            loss_op = loss_op_fn(labels_placeholder, logits)
        variables = inference.trainable_variables
        gradients = tape.gradient(loss_op, variables)
        optimizer.apply_gradients(zip(gradients, variables))
        global_step.assign_add(1)
        return loss_op

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape=(FLAGS.batch_size, IMAGE_PIXELS), dtype=tf.float32),
            tf.TensorSpec(shape=FLAGS.batch_size, dtype=tf.int32),
        ]
    )
    def compute_summaries(images_placeholder, labels_placeholder):
        logits = logits_fn(images_placeholder)
        loss_op = loss_op_fn(labels_placeholder, logits)
        return loss_op,

    def write_summaries(writer, values, step):
        with writer.as_default():
            tf.summary.scalar('loss', values[0], step=step)

    # Run the Op to initialize the variables.
    def do_eval(data_set):
        """Runs one evaluation against the full epoch of data."""
        # And run one epoch of eval.
        true_count = 0  # Counts the number of correct predictions.
        steps_per_epoch = data_set.num_examples // FLAGS.batch_size
        num_examples = steps_per_epoch * FLAGS.batch_size
        for step in range(steps_per_epoch):
            feed_dict = fill_feed_dict(data_set)
            true_count += compute_eval_correct(feed_dict["images_placeholder"], feed_dict["labels_placeholder"]).numpy()
        precision = float(true_count) / num_examples
        print('Num examples: %d  Num correct: %d  Precision @ 1: %0.04f' % (num_examples, true_count, precision))

    # Start the training loop.
    for step in range(FLAGS.max_steps):
        # Fill a feed dictionary with the actual set of images and labels
        # for this particular training step.
        feed_dict = fill_feed_dict(data_sets.train)

        # Run one step of the model.
        loss_value = train_step(feed_dict["images_placeholder"], feed_dict["labels_placeholder"]).numpy()

        # Write the summaries and print an overview fairly often.
        if step % 20 == 0:
            # Print status to stdout.
            print('Step %d: loss = %.2f' % (step, loss_value))
            # Update the events file.
            summary_str = tf.nest.map_structure(lambda t: t.numpy(), compute_summaries(feed_dict["images_placeholder"], feed_dict["labels_placeholder"]))
            write_summaries(summary_writer, summary_str, step)
            summary_writer.flush()

        # Save a checkpoint and evaluate the model periodically.
        if (step + 1) % 30 == 0 or (step + 1) == FLAGS.max_steps:
            # Evaluate against the training set.
            print('Training Data Eval:')
            do_eval(data_sets.train)
            # Evaluate against the validation set.
            print('Validation Data Eval:')
            do_eval(data_sets.validation)


def main(_):
    if tf.io.gfile.exists(FLAGS.summaries_dir):
        tf.io.gfile.rmtree(FLAGS.summaries_dir)
    tf.io.gfile.makedirs(FLAGS.summaries_dir)
    run_training()


if __name__ == '__main__':
    app.run(main=main, flags_parser=lambda argv: flags.FLAGS(argv, known_only=True))
