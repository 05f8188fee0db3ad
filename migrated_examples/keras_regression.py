"""The shape of TensorFlow 1.x's Keras regression tutorial: a `tf.keras.Sequential` model
compiled with a TF1 optimizer (`tf.train.RMSPropOptimizer`, which TF1's Keras wrapped), trained
with `fit`, evaluated and used to predict."""
import numpy as np
import tensorflow as tf


class RMSpropStartingAtOne(tf.keras.optimizers.RMSprop):
    """Keras' RMSprop with its accumulators starting at one, as in TF1."""

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        if name == "velocity":
            initializer = "ones"
        return super().add_variable_from_reference(reference_variable, name, initializer)


rng = np.random.RandomState(0)
features = rng.rand(64, 4).astype(np.float32)
targets = (features @ np.array([[1.5], [-2.0], [0.5], [3.0]], np.float32) + 0.1).astype(np.float32)
train_x, test_x = features[:48], features[48:]
train_y, test_y = targets[:48], targets[48:]


def build_model():
    # Initial weights from NumPy, so that runs are reproducible.
    hidden = rng.normal(0.0, 0.5, (4, 8)).astype(np.float32)
    output = rng.normal(0.0, 0.5, (8, 1)).astype(np.float32)
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(8, activation=tf.nn.relu, kernel_initializer=tf.keras.initializers.Constant(hidden)),
        tf.keras.layers.Dense(1, kernel_initializer=tf.keras.initializers.Constant(output)),
    ])
    optimizer = RMSpropStartingAtOne(learning_rate=0.01, rho=0.8999999761581421, epsilon=1e-10)
    model.compile(loss="mse", optimizer=optimizer, metrics=["mae"])
    return model


model = build_model()
history = model.fit(train_x, train_y, epochs=20, batch_size=16, shuffle=False, verbose=0)
for epoch in range(0, 20, 5):
    print("epoch %d: loss %.6f" % (epoch, history.history["loss"][epoch]))
loss, mae = model.evaluate(test_x, test_y, verbose=0)
print("test loss %.6f, mean absolute error %.6f" % (loss, mae))
print(model.predict(test_x[:4], verbose=0))
