"""Trains the classifier of model.py and evaluates it through its second, weight-sharing graph."""
import numpy as np
import tensorflow as tf
from model import Classifier

rng = np.random.RandomState(3)
num_features, num_classes = 6, 3
centers = rng.randn(num_classes, num_features).astype(np.float32)
train_labels = rng.randint(0, num_classes, 120)
train_features = (centers[train_labels] + 0.8 * rng.randn(120, num_features)).astype(np.float32)
eval_labels = rng.randint(0, num_classes, 40)
eval_features = (centers[eval_labels] + 0.8 * rng.randn(40, num_features)).astype(np.float32)

tf.random.set_seed(1)
train_model = Classifier(num_features, num_classes)
# The evaluation graph: the same layers, their variables reused.
eval_model = train_model
for epoch in range(6):
    for start in range(0, 120, 20):
        batch = {"features": train_features[start:start + 20],
                 "labels": train_labels[start:start + 20]}
        loss = train_model.train_step(batch["features"], batch["labels"]).numpy()
    eval_loss, eval_accuracy = [value.numpy() for value in eval_model.compute_loss_and_accuracy(eval_features, eval_labels)]
    print("epoch %d: train loss %.4f, eval loss %.4f, eval accuracy %.3f" % (epoch, loss, eval_loss, eval_accuracy))
print("eval predictions", eval_model.predict(eval_features[:10]).numpy())
