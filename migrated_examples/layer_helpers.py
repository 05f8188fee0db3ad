"""A small VGG-style network built from layer helper functions, as tutorial code writes them.

`conv`, `pool` and `fc_layer` each take the layer's name first: `conv` and `fc_layer` create
their weights with `tf.get_variable` under `tf.variable_scope(layer_name)`, so every call makes
new variables named after it (`conv1/weights`, `fc/biases`), and read the input's size off its
static shape (`x.get_shape()[-1]`, `shape[1].value`). Four classes of 8x8 images: a bright
quadrant, covered in noise.
"""
import numpy as np
import tensorflow as tf

batch_size = 16
num_steps = 60
num_classes = 4


class Conv(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = None
        self.b = None

    def __call__(self, layer_name, x, out_channels, kernel_size=[3, 3], stride=[1, 1, 1, 1]):
        """A convolution, its bias and a ReLU; the variables are named after the layer."""
        in_channels = x.get_shape()[-1]
        if self.w is None:
            self.w = tf.Variable(tf.keras.initializers.GlorotUniform()(shape=[kernel_size[0], kernel_size[1], in_channels, out_channels], dtype=tf.float32), name=layer_name + "/weights")
        w = self.w
        if self.b is None:
            self.b = tf.Variable(tf.keras.initializers.Constant(value=0.0)(shape=[out_channels], dtype=tf.float32), name=layer_name + "/biases")
        b = self.b
        x = tf.nn.conv2d(x, filters=w, strides=stride, padding="SAME", name="conv")
        x = tf.nn.bias_add(x, b, name="bias_add")
        x = tf.nn.relu(x, name="relu")
        return x


def pool(layer_name, x, kernel=[1, 2, 2, 1], stride=[1, 2, 2, 1]):
    return tf.nn.max_pool2d(input=x, ksize=kernel, strides=stride, padding="SAME", name=layer_name)


class FcLayer(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = None
        self.b = None

    def __call__(self, layer_name, x, out_nodes, relu=True):
        """A fully connected layer over the flattened input."""
        shape = x.get_shape()
        if len(shape) == 4:
            size = shape[1] * shape[2] * shape[3]
        else:
            size = shape[-1]
        if self.w is None:
            self.w = tf.Variable(tf.keras.initializers.GlorotUniform()(shape=[size, out_nodes], dtype=tf.float32), name=layer_name + "/weights")
        w = self.w
        if self.b is None:
            self.b = tf.Variable(tf.keras.initializers.Constant(value=0.0)(shape=[out_nodes], dtype=tf.float32), name=layer_name + "/biases")
        b = self.b
        flat_x = tf.reshape(x, [-1, size])
        x = tf.nn.bias_add(tf.matmul(flat_x, w), b)
        if relu:
            x = tf.nn.relu(x)
        return x


def make_images(rng, n):
    labels = rng.randint(0, num_classes, size=n)
    images = 0.5 * rng.randn(n, 8, 8, 1)
    for image, label in zip(images, labels):
        row, col = divmod(label, 2)
        image[4 * row:4 * row + 4, 4 * col:4 * col + 4] += 1.0
    return images.astype(np.float32), labels.astype(np.int32)


rng = np.random.RandomState(0)
tf.random.set_seed(0)
train_images, train_labels = make_images(rng, 160)
test_images, test_labels = make_images(rng, 48)

conv_conv1 = Conv()
conv_conv2 = Conv()
fc_layer_fc1 = FcLayer()
fc_layer_fc2 = FcLayer()

optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


def logits_fn(x):
    h = conv_conv1("conv1", x, 8)
    h = pool("pool1", h)
    h = conv_conv2("conv2", h, 16, kernel_size=[1, 1])
    h = pool("pool2", h)
    h = fc_layer_fc1("fc1", h, 32)
    logits = fc_layer_fc2("fc2", h, num_classes, relu=False)
    return logits


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 8, 8, 1], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int32),
    ]
)
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = logits_fn(x)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    variables = [*conv_conv1.trainable_variables, *conv_conv2.trainable_variables, *fc_layer_fc1.trainable_variables, *fc_layer_fc2.trainable_variables]
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, 8, 8, 1], dtype=tf.float32),
        tf.TensorSpec(shape=[None], dtype=tf.int32),
    ]
)
def compute_accuracy(x, y):
    logits = logits_fn(x)
    correct = tf.equal(tf.argmax(logits, 1, output_type=tf.int32), y)
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    return accuracy


for step in range(num_steps):
    start = step * batch_size % len(train_images)
    feed = {"x": train_images[start:start + batch_size], "y": train_labels[start:start + batch_size]}
    loss_value = train_step(feed["x"], feed["y"]).numpy()
    if step % 20 == 0:
        print("step %d, loss %.4f" % (step, loss_value))
print("test accuracy %.3f" % compute_accuracy(test_images, test_labels).numpy())
