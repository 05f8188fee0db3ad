"""Linear regression read from CSV files through a TF1 queue input pipeline: the program writes
two small CSV files with a header line into a temporary directory, `string_input_producer`
serves their names in order for three epochs, a `TextLineReader` skips each file's header,
`decode_csv` parses a line and `tf.train.batch` groups the records, the last batch smaller; a
`Coordinator` and `start_queue_runners` drive it until `tf.errors.OutOfRangeError`."""
import os
import tempfile

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
data_dir = tempfile.mkdtemp()
filenames = []
for part, rows in enumerate([20, 14]):
    x = rng.uniform(-1.0, 1.0, size=(rows, 2))
    y = 2.0 * x[:, 0] - 3.0 * x[:, 1] + 0.5 + 0.05 * rng.randn(rows)
    path = os.path.join(data_dir, "part-%d.csv" % part)
    with open(path, "w") as f:
        f.write("x1,x2,y\n")
        for (x1, x2), target in zip(x, y):
            f.write("%.6f,%.6f,%.6f\n" % (x1, x2, target))
    filenames.append(path)

tf.random.set_seed(0)


def decode_record(line):
    x1, x2, target = tf.io.decode_csv(line, record_defaults=[[0.0], [0.0], [0.0]])
    features = tf.stack([x1, x2])
    return features, target


batch_dataset = tf.data.Dataset.from_tensor_slices(filenames).repeat(3)
batch_dataset = batch_dataset.flat_map(lambda filename: tf.data.TextLineDataset(filename).skip(1))
batch_dataset = batch_dataset.map(decode_record).batch(8, drop_remainder=False)
batch_iterator = iter(batch_dataset)

W = tf.Variable(tf.zeros([2, 1]), name="weights")
b = tf.Variable(0.0, name="bias")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.2)

step = 0


@tf.function
def train_step(batch_element):
    with tf.GradientTape() as tape:
        feature_batch, target_batch = batch_element
        prediction = tf.squeeze(tf.matmul(feature_batch, W), axis=1) + b
        loss = tf.reduce_mean(tf.square(prediction - target_batch))
    variables = [W, b]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


try:
    while True:
        loss_value = train_step(batch_iterator.get_next()).numpy()
        if step % 2 == 0:
            print("step %d: loss %.6f" % (step, loss_value))
        step += 1
except tf.errors.OutOfRangeError:
    print("done after %d batches" % step)
W_value, b_value = [W.numpy(), b.numpy()]
print("W = %s, b = %.4f" % (np.round(W_value.ravel(), 4), b_value))
