import numpy as np
import tensorflow as tf

rng = np.random.RandomState(49)
x = rng.rand(12, 4).astype(np.float32)
y = rng.rand(12, 1).astype(np.float32)
kernel_0 = rng.normal(0.0, 0.5, (4, 6)).astype(np.float32)
kernel_1 = rng.normal(0.0, 0.5, (6, 2)).astype(np.float32)
kernel_out = rng.normal(0.0, 0.5, (2, 1)).astype(np.float32)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(6, activation=None, kernel_initializer=tf.keras.initializers.Constant(kernel_0)),
    tf.keras.layers.Dense(2, activation="tanh", kernel_initializer=tf.keras.initializers.Constant(kernel_1)),
    tf.keras.layers.Dense(1, kernel_initializer=tf.keras.initializers.Constant(kernel_out)),
])
model.compile(optimizer=tf.train.AdamOptimizer(0.01, epsilon=1e-6), loss="mse")
history = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0)
print(["%.6f" % value for value in history.history["loss"]])
print(["%.6f" % value for value in np.atleast_1d(model.evaluate(x, y, verbose=0))])
print(model.predict(x[:3], verbose=0))
