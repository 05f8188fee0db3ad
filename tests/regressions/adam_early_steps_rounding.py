import numpy as np
import tensorflow as tf

tf.set_random_seed(34)
rng = np.random.RandomState(80)
features_data = rng.rand(3, 3).astype(np.float32)
features = tf.placeholder(tf.float32, shape=[None, 3], name="features")
features1_data = rng.rand(3, 3).astype(np.float32)
features1 = tf.placeholder(tf.float32, shape=[None, 3])
images_data = rng.rand(3, 6, 6, 1).astype(np.float32)
images = tf.placeholder(tf.float32, shape=[None, 6, 6, 1])
with tf.variable_scope("scope1"):
    kernel = tf.get_variable("kernel", shape=[3, 3, 1, 3], initializer=tf.random_normal_initializer(stddev=0.08))
conv = tf.nn.relu(tf.nn.conv2d(images, kernel, strides=[1, 1, 1, 1], padding="SAME"))
pool = tf.nn.avg_pool(conv, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID")
flat = tf.reshape(pool, [-1, 27])
joined = tf.concat([flat, features], axis=1)
W = tf.Variable(tf.zeros([30, 3]), name="W")
hidden = tf.matmul(joined, W)
W1 = tf.Variable(tf.random_uniform([3, 4], -0.5, 0.5), name="W1")
with tf.variable_scope("scope2"):
    b = tf.get_variable("b", shape=[4], initializer=tf.zeros_initializer())
z = tf.nn.softplus(tf.matmul(hidden, W1) + b)
total = tf.reduce_max(z, axis=0)
targets_data = rng.rand(3, 4).astype(np.float32)
targets = tf.placeholder(tf.float32, shape=[None, 4], name="targets")
loss = tf.reduce_mean(tf.abs(z - targets))
loss = loss + 0.01 * tf.nn.l2_loss(kernel)
opt = tf.train.AdamOptimizer(0.1, beta1=0.8)
train_step = opt.minimize(loss, var_list=[W, kernel, W1])
counter = tf.Variable(0, trainable=False)
increment = counter.assign_add(1)
feed = {images: images_data}
feed1 = {targets: targets_data}
init = tf.global_variables_initializer()
sess = tf.Session()
sess.run(init)
for step in range(3):
    _, loss_value = sess.run([train_step, loss], feed_dict={features: features_data, images: images_data, targets: targets_data})
    if step % 2 == 0:
        print("step", step, "%.6f" % loss_value)
for repeat in range(2):
    res = sess.run([W, {"rest": [z]}], {features: features_data, images: images_data})
    print(np.round(res[0], 5))
    print(np.round(res[1]["rest"][0], 5))
res = sess.run([counter, {"rest": [joined, W1]}], feed_dict={features: features_data, images: images_data})
print("%d" % res[0])
print(np.round(res[1]["rest"][0], 5))
print(res[1]["rest"][1])
sess.close()
