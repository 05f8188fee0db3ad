"""Random Keras programs of the TF 1.x era: a `tf.keras.Sequential` model compiled with a
`tf.train` optimizer, as TF 1.x's Keras tutorials wrote them, trained with `fit`, then evaluated
and used to predict.

Keras 3 takes no TF1 optimizer: the rewriter makes each one its Keras twin (TFM406), or keeps it
with a reason (TFM407) when no twin computes the same. Some programs use TF 1.x Keras' own
optimizers instead, given `lr=` and sometimes `decay=`, which Keras 3 does not take (TFM408).
The programs cover every optimizer of migrate.analysis.optimizers with TF1's defaults and with
arguments of their own, handed to `compile` where made or by name, over dense networks and over
Embedding layers (tables whose rows a batch looks up). Their weights start from NumPy values
(`Constant` initializers) and `fit` keeps the data's order, so that both programs start and
train alike: Keras 2 and Keras 3 draw other random numbers.

Some save the model's weights to a checkpoint path with `save_weights` (TF1's Keras wrote its
weights and its optimizer's state there), train on, restore them with `load_weights`, into the
trained model or into a twin not yet built, and train again: the rewrite must write and read
them through `tf.train.Checkpoint` (TFM506), which restores both. Whether and how a program
saves is drawn apart, so the programs that do not save are those of seeds before saving was
generated.
"""

from __future__ import annotations

import random

# Each optimizer with arguments it may be given beyond the learning rate.
_OPTIMIZERS = {
    "GradientDescentOptimizer": ("",),
    "MomentumOptimizer": (", 0.9", ", momentum=0.5", ", 0.9, use_nesterov=True"),
    "AdamOptimizer": ("", ", beta1=0.8", ", epsilon=1e-6"),
    "RMSPropOptimizer": ("", ", decay=0.8", ", momentum=0.5", ", centered=True", ", epsilon=1e-6"),
    "AdagradOptimizer": ("", ", initial_accumulator_value=0.5"),
}
# TF 1.x Keras' own optimizers, given `lr=` (and `decay=`), with arguments they may also take.
_KERAS_1X_OPTIMIZERS = {
    "SGD": ("", ", momentum=0.9", ", momentum=0.9, nesterov=True"),
    "Adam": ("", ", epsilon=None", ", amsgrad=True"),
    "RMSprop": ("", ", rho=0.8", ", epsilon=None"),
    "Adagrad": ("",),
}
_ACTIVATIONS = ("None", '"relu"', '"tanh"', "tf.nn.sigmoid")


def generate_keras(seed: int) -> str:
    rng = random.Random(seed)
    lines = ["import numpy as np", "import tensorflow as tf", "", f"rng = np.random.RandomState({seed % 1000})"]
    samples = rng.choice((12, 16, 24))
    looked_up = rng.random() < 0.3  # integer ids into an Embedding table
    classes = rng.choice((0, 2, 3))  # 0: regression
    if looked_up:
        features, ids = rng.randint(2, 4), rng.randint(6, 12)
        lines.append(f"x = rng.randint(0, {ids}, ({samples}, {features}))")
    else:
        features = rng.randint(2, 5)
        lines.append(f"x = rng.rand({samples}, {features}).astype(np.float32)")
    if classes:
        lines.append(f"y = rng.randint(0, {classes}, {samples})")
    else:
        lines.append(f"y = rng.rand({samples}, 1).astype(np.float32)")
    layers = []
    width = features
    if looked_up:
        size = rng.randint(2, 4)
        lines.append(f"table = rng.normal(0.0, 0.5, ({ids}, {size})).astype(np.float32)")
        layers.append(
            f"tf.keras.layers.Embedding({ids}, {size}, input_length={features}, "
            "embeddings_initializer=tf.keras.initializers.Constant(table))"
        )
        layers.append("tf.keras.layers.Flatten()")
        width = features * size
    for index in range(rng.randint(0, 2)):
        units = rng.randint(2, 6)
        lines.append(f"kernel_{index} = rng.normal(0.0, 0.5, ({width}, {units})).astype(np.float32)")
        activation = rng.choice(_ACTIVATIONS)
        layers.append(
            f"tf.keras.layers.Dense({units}, activation={activation}, "
            f"kernel_initializer=tf.keras.initializers.Constant(kernel_{index}))"
        )
        width = units
    outputs = classes or 1
    lines.append(f"kernel_out = rng.normal(0.0, 0.5, ({width}, {outputs})).astype(np.float32)")
    activation = ', activation="softmax"' if classes else ""
    layers.append(
        f"tf.keras.layers.Dense({outputs}{activation}, kernel_initializer=tf.keras.initializers.Constant(kernel_out))"
    )
    saving = random.Random(f"saving-{seed}").choice((None, None, "same", "twin"))
    if saving == "twin":  # a twin model to restore into: a function builds each
        lines.append("def make_model():")
        lines.append("    return tf.keras.Sequential([")
        lines.extend(f"        {layer}," for layer in layers)
        lines.append("    ])")
        lines.append("model = make_model()")
    else:
        lines.append("model = tf.keras.Sequential([")
        lines.extend(f"    {layer}," for layer in layers)
        lines.append("])")
    kind = rng.choice(sorted(_OPTIMIZERS))
    learning_rate = rng.choice(("0.001", "0.01", "0.05"))
    optimizer = f"tf.train.{kind}({learning_rate}{rng.choice(_OPTIMIZERS[kind])})"
    keras_1x = random.Random(f"keras-1x-{seed}")  # drawn apart: the other programs stay as they were
    if keras_1x.random() < 0.3:
        name, extra = keras_1x.choice(sorted(_KERAS_1X_OPTIMIZERS.items()))
        decay = keras_1x.choice(("", ", decay=0.0", ", decay=0.01", ", decay=1e-3"))
        optimizer = f"tf.keras.optimizers.{name}(lr={learning_rate}{keras_1x.choice(extra)}{decay})"
    loss = '"sparse_categorical_crossentropy"' if classes else rng.choice(('"mse"', '"mae"'))
    metrics = ', metrics=["accuracy"]' if classes and rng.random() < 0.5 else ""
    made = optimizer  # a twin gets an optimizer of its own: Keras 3's is built for one model's variables
    if rng.random() < 0.5:
        lines.append(f"optimizer = {optimizer}")
        optimizer = "optimizer"
    lines.append(f"model.compile(optimizer={optimizer}, loss={loss}{metrics})")
    epochs, batch = rng.randint(1, 3), rng.choice((4, 8))
    lines.append(f"history = model.fit(x, y, epochs={epochs}, batch_size={batch}, shuffle=False, verbose=0)")
    lines.append('print(["%.6f" % value for value in history.history["loss"]])')
    if saving is not None:
        lines[1:1] = ["import os", "import tempfile"]
        lines.append('checkpoint = os.path.join(tempfile.mkdtemp(), "model")')
        lines.append("model.save_weights(checkpoint)")
        lines.append(f"model.fit(x, y, epochs=1, batch_size={batch}, shuffle=False, verbose=0)")
        if saving == "twin":
            lines.append("model = make_model()")
            lines.append(f"model.compile(optimizer={made}, loss={loss}{metrics})")
        lines.append("model.load_weights(checkpoint)")
        lines.append(f"history = model.fit(x, y, epochs=1, batch_size={batch}, shuffle=False, verbose=0)")
        lines.append('print(["%.6f" % value for value in history.history["loss"]])')
    # TF1's Keras returns NumPy scalars, Keras 3 Python floats: printed alike through a format.
    lines.append('print(["%.6f" % value for value in np.atleast_1d(model.evaluate(x, y, verbose=0))])')
    lines.append("print(model.predict(x[:3], verbose=0))")
    return "\n".join(lines) + "\n"
