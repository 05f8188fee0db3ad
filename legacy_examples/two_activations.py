"""Two one-unit networks, sigmoid and ReLU, trained side by side towards the same target by
one gradient-descent optimizer (its `minimize` called once per network), in the style of
tutorials that compare activation functions. The weights start from NumPy's seeded values."""
import numpy as np
import tensorflow as tf

batch_size = 50
rng = np.random.RandomState(5)
x = rng.normal(2.0, 0.1, 500).astype(np.float32)

x_data = tf.placeholder(shape=[None, 1], dtype=tf.float32)
a1 = tf.Variable(rng.normal(size=(1, 1)).astype(np.float32))
b1 = tf.Variable(rng.uniform(size=(1, 1)).astype(np.float32))
a2 = tf.Variable(rng.normal(size=(1, 1)).astype(np.float32))
b2 = tf.Variable(rng.uniform(size=(1, 1)).astype(np.float32))

sigmoid_activation = tf.sigmoid(tf.add(tf.matmul(x_data, a1), b1))
relu_activation = tf.nn.relu(tf.add(tf.matmul(x_data, a2), b2))

loss1 = tf.reduce_mean(tf.square(tf.subtract(sigmoid_activation, 0.75)))
loss2 = tf.reduce_mean(tf.square(tf.subtract(relu_activation, 0.75)))

my_opt = tf.train.GradientDescentOptimizer(0.01)
train_step_sigmoid = my_opt.minimize(loss1)
train_step_relu = my_opt.minimize(loss2)

sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(300):
    rand_indices = rng.choice(len(x), size=batch_size)
    x_vals = np.transpose([x[rand_indices]])
    sess.run(train_step_sigmoid, feed_dict={x_data: x_vals})
    sess.run(train_step_relu, feed_dict={x_data: x_vals})
    if i % 100 == 0:
        sigmoid_output = np.mean(sess.run(sigmoid_activation, feed_dict={x_data: x_vals}))
        relu_output = np.mean(sess.run(relu_activation, feed_dict={x_data: x_vals}))
        print("sigmoid = %.5f relu = %.5f" % (sigmoid_output, relu_output))
sess.close()
