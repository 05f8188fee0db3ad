"""Matrix operations from a tutorial chapter, then a least-squares fit whose result is taken
apart in Python: per-variable initializer runs, an op with several outputs fetched whole
(`tf.self_adjoint_eig`), `tf.matrix_inverse` and `tf.cholesky`, and after training the
placeholders' own names reused for the NumPy data that is plotted."""
import numpy as np
import tensorflow as tf

sess = tf.Session()
identity_matrix = tf.diag([1.0, 1.0, 1.0])
A = tf.truncated_normal([2, 3], seed=2)
B = tf.fill([2, 3], 5.0)
C = tf.random_uniform([3, 2], seed=3)
D = tf.convert_to_tensor(np.array([[1.0, 2.0, 3.0], [-3.0, -7.0, -1.0], [0.0, 5.0, -2.0]]))
M = tf.constant([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])

print(sess.run(identity_matrix))
print(sess.run(B - B))
print(sess.run(tf.matmul(B, identity_matrix)))
print(sess.run(tf.matrix_determinant(D)))
print(sess.run(tf.matrix_inverse(D)))
print(sess.run(tf.cholesky(M)))
print(sess.run(tf.self_adjoint_eig(M)))

# A least-squares line through noisy points.
rng = np.random.RandomState(1)
data = np.stack([np.linspace(0.0, 4.0, 30), 1.5 * np.linspace(0.0, 4.0, 30) + 0.5 + 0.1 * rng.randn(30)], axis=1)
X = tf.placeholder(tf.float32, name="X")
Y = tf.placeholder(tf.float32, name="Y")
w = tf.Variable(0.0, name="weights")
b = tf.Variable(0.0, name="bias")
Y_predicted = X * w + b
loss = tf.reduce_mean(tf.square(Y - Y_predicted, name="loss"))
optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.02).minimize(loss)

sess.run(w.initializer)
sess.run(b.initializer)
for i in range(200):
    _, l = sess.run([optimizer, loss], feed_dict={X: data[:, 0], Y: data[:, 1]})
    if i % 50 == 0:
        print("Epoch {0}: {1:.6f}".format(i, l))
w_value, b_value = sess.run([w, b])
# The placeholders' names now hold the data, as the plotting code wants them.
X, Y = data.T[0], data.T[1]
print("fit: %.4f x + %.4f" % (w_value, b_value))
print("residual: %.6f" % np.mean(np.square(Y - (X * w_value + b_value))))
sess.close()
