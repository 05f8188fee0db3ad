"""Neural style transfer in the cookbook's three-graph shape: a fixed network (`feature_network`,
weights given as NumPy arrays) returns a dict of its layers; the content and the style features
are each read in a graph and session of their own (`with g.as_default(), tf.Session()`), by
evaluating dict entries in a loop with a float64 image fed to a float32 placeholder. A third
graph trains an image variable on a loss summed up in loops (`loss += ...`, `losses.append`)
from sizes read off static shapes."""

from functools import reduce
from operator import mul

import numpy as np
import tensorflow as tf

IMAGE_SHAPE = (1, 6, 6, 3)
CONTENT_LAYERS = ['relu2']
STYLE_LAYERS = ['relu1', 'relu2']
LAYERS = ['conv1', 'relu1', 'conv2', 'relu2', 'pool']
CONTENT_WEIGHT = 5.0
STYLE_WEIGHT = 50.0
REGULARIZATION_WEIGHT = 10.0
GENERATIONS = 30
OUTPUT_EVERY = 10

rng = np.random.RandomState(7)
network_weights = {
    'conv1': (rng.normal(0, 0.3, (3, 3, 3, 4)).astype(np.float32), np.zeros(4, np.float32)),
    'conv2': (rng.normal(0, 0.3, (3, 3, 4, 4)).astype(np.float32), np.full(4, 0.1, np.float32)),
}
content_image = rng.uniform(0, 1, IMAGE_SHAPE[1:])  # float64, as images loaded from disk are
style_image = rng.uniform(0, 1, IMAGE_SHAPE[1:])
mean_pixel = np.array([0.5, 0.4, 0.3])


def feature_network(weights, image):
    network = {}
    for layer in LAYERS:
        if layer.startswith('conv'):
            kernel, bias = weights[layer]
            image = tf.nn.bias_add(tf.nn.conv2d(image, tf.constant(kernel), (1, 1, 1, 1), 'SAME'), bias)
        elif layer.startswith('relu'):
            image = tf.nn.relu(image)
        else:
            image = tf.nn.max_pool(image, (1, 2, 2, 1), (1, 2, 2, 1), 'SAME')
        network[layer] = image
    return network


content_features = {}
style_features = {}

# Content features, in a graph of their own
g_content = tf.Graph()
with g_content.as_default(), tf.Session() as sess1:
    image = tf.placeholder('float', shape=IMAGE_SHAPE)
    net = feature_network(network_weights, image)
    content_norm = np.array([content_image - mean_pixel])
    for layer in CONTENT_LAYERS:
        content_features[layer] = net[layer].eval(feed_dict={image: content_norm})

# Style features: Gram matrices of the style image's layers
g_style = tf.Graph()
with g_style.as_default(), tf.Session() as sess2:
    image = tf.placeholder('float', shape=IMAGE_SHAPE)
    net = feature_network(network_weights, image)
    style_norm = np.array([style_image - mean_pixel])
    for layer in STYLE_LAYERS:
        features = net[layer].eval(feed_dict={image: style_norm})
        features = np.reshape(features, (-1, features.shape[3]))
        style_features[layer] = np.matmul(features.T, features) / features.size

# The combined image, trained
with tf.Graph().as_default():
    initial = tf.random_normal(IMAGE_SHAPE, seed=3) * 0.256
    init_image = tf.Variable(initial, name='init_image')
    net = feature_network(network_weights, init_image)

    content_loss = 0
    for layer in CONTENT_LAYERS:
        content_loss += CONTENT_WEIGHT * 2 * tf.nn.l2_loss(net[layer] - content_features[layer])

    style_loss = 0
    style_losses = []
    for layer in STYLE_LAYERS:
        _, height, width, channels = [d.value for d in net[layer].get_shape()]
        size = height * width * channels
        features = tf.reshape(net[layer], (-1, channels))
        gram = tf.matmul(tf.transpose(features), features) / size
        style_losses.append(2 * tf.nn.l2_loss(gram - style_features[layer]) / style_features[layer].size)
    style_loss += STYLE_WEIGHT * tf.reduce_sum(style_losses)

    # Total variation, to smooth the result
    tv_y_size = reduce(mul, init_image[:, 1:, :, :].get_shape().as_list(), 1)
    tv_x_size = reduce(mul, init_image[:, :, 1:, :].get_shape().as_list(), 1)
    tv_y = tf.nn.l2_loss(init_image[:, 1:, :, :] - init_image[:, :IMAGE_SHAPE[1] - 1, :, :]) / tv_y_size
    tv_x = tf.nn.l2_loss(init_image[:, :, 1:, :] - init_image[:, :, :IMAGE_SHAPE[2] - 1, :]) / tv_x_size
    total_variation_loss = REGULARIZATION_WEIGHT * 2 * (tv_x + tv_y)

    loss = content_loss + style_loss + total_variation_loss
    optimizer = tf.train.AdamOptimizer(0.05, 0.9, 0.999)
    train_step = optimizer.minimize(loss)

    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        for i in range(GENERATIONS):
            train_step.run()
            if (i + 1) % OUTPUT_EVERY == 0:
                print('Generation {} out of {}, loss: {}'.format(i + 1, GENERATIONS, sess.run(loss)))
        result = init_image.eval().reshape(IMAGE_SHAPE[1:]) + mean_pixel
        print('final image mean: {:.5f}'.format(result.mean()))
