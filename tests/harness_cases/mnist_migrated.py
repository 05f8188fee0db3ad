import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("/tmp/data", one_hot=True)
W = tf.Variable(tf.zeros([784, 10]), name="W")
b = tf.Variable(tf.zeros([10]), name="b")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)


@tf.function
def train_step(x, y_):
    with tf.GradientTape() as tape:
        logits = tf.matmul(x, W) + b
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=logits))
    optimizer.apply_gradients(zip(tape.gradient(loss, [W, b]), [W, b]))


@tf.function
def accuracy(x, y_):
    logits = tf.matmul(x, W) + b
    return tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1)), tf.float32))


for i in range(300):
    batch_xs, batch_ys = mnist.train.next_batch(100)
    train_step(batch_xs, batch_ys)
print("accuracy", accuracy(mnist.test.images, mnist.test.labels).numpy())
