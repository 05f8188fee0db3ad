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

tf.set_random_seed(0)
filename_queue = tf.train.string_input_producer(filenames, num_epochs=3, shuffle=False)
reader = tf.TextLineReader(skip_header_lines=1)
_, line = reader.read(filename_queue)
x1, x2, target = tf.decode_csv(line, record_defaults=[[0.0], [0.0], [0.0]])
features = tf.stack([x1, x2])
feature_batch, target_batch = tf.train.batch(
    [features, target], batch_size=8, allow_smaller_final_batch=True
)

W = tf.Variable(tf.zeros([2, 1]), name="weights")
b = tf.Variable(0.0, name="bias")
prediction = tf.squeeze(tf.matmul(feature_batch, W), axis=1) + b
loss = tf.reduce_mean(tf.square(prediction - target_batch))
train_op = tf.train.GradientDescentOptimizer(learning_rate=0.2).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(tf.local_variables_initializer())
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    step = 0
    try:
        while not coord.should_stop():
            _, loss_value = sess.run([train_op, loss])
            if step % 2 == 0:
                print("step %d: loss %.6f" % (step, loss_value))
            step += 1
    except tf.errors.OutOfRangeError:
        print("done after %d batches" % step)
    finally:
        coord.request_stop()
    coord.join(threads)
    W_value, b_value = sess.run([W, b])
    print("W = %s, b = %.4f" % (np.round(W_value.ravel(), 4), b_value))
