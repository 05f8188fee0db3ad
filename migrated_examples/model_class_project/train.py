"""Trains the classifier of model.py on synthetic bag-of-words data."""
import numpy as np
import tensorflow as tf
from model import TextClassifier

rng = np.random.RandomState(0)
vocab_size, num_classes = 20, 3
centers = rng.rand(num_classes, vocab_size)
labels = rng.randint(0, num_classes, 96)
x_all = (rng.rand(96, vocab_size) < centers[labels]).astype(np.float32)
y_all = np.eye(num_classes, dtype=np.float32)[labels]
x_train, y_train = x_all[:80], y_all[:80]
x_dev, y_dev = x_all[80:], y_all[80:]
batch_size = 16

tf.random.set_seed(0)
model = TextClassifier(vocab_size=vocab_size, num_classes=num_classes)
global_step = tf.Variable(0, name="global_step", trainable=False)
optimizer = tf.keras.optimizers.Adam(learning_rate=1e-2, beta_1=0.8999999761581421, beta_2=0.9990000128746033, epsilon=1e-08)


@tf.function(
    input_signature=[
        tf.TensorSpec(shape=[None, model.vocab_size], dtype=tf.float32),
        tf.TensorSpec(shape=[None, model.num_classes], dtype=tf.float32),
        tf.TensorSpec(shape=None, dtype=tf.float32),
    ]
)
def train_step_2(input_x, input_y, dropout_keep_prob):
    with tf.GradientTape() as tape:
        scores, predictions = model.scores_and_predictions_fn(input_x, dropout_keep_prob)
        loss, accuracy = model.loss_and_accuracy_fn(input_y, scores, predictions)
    grads_and_vars = list(zip(tape.gradient(loss, [model.W, model.b, *model.scores_layer.trainable_variables]), [model.W, model.b, *model.scores_layer.trainable_variables]))
    optimizer.apply_gradients(grads_and_vars)
    global_step.assign_add(1)
    return global_step, loss, accuracy


def train_step(x_batch, y_batch):
    feed_dict = {"input_x": x_batch, "input_y": y_batch, "dropout_keep_prob": 0.5}
    step, loss, accuracy = [value.numpy() for value in train_step_2(feed_dict["input_x"], feed_dict["input_y"], feed_dict["dropout_keep_prob"])]
    return step, loss, accuracy

def dev_step(x_batch, y_batch):
    feed_dict = {"input_x": x_batch, "input_y": y_batch, "dropout_keep_prob": 1.0}
    loss, accuracy = [value.numpy() for value in model.compute_loss_and_accuracy(feed_dict["input_x"], feed_dict["input_y"], feed_dict["dropout_keep_prob"])]
    print("dev: loss {:g}, acc {:g}".format(loss, accuracy))


for epoch in range(4):
    for start in range(0, len(x_train), batch_size):
        step, loss, accuracy = train_step(x_train[start:start + batch_size], y_train[start:start + batch_size])
    print("epoch {}: step {}, loss {:g}, acc {:g}".format(epoch, step, loss, accuracy))
    dev_step(x_dev, y_dev)
print("predictions", model.predict(x_dev[:8], 1.0).numpy())
