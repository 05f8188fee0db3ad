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

tf.set_random_seed(1)
train_model = Classifier(num_features, num_classes, is_training=True)
# The evaluation graph: the same layers, their variables reused.
eval_model = Classifier(num_features, num_classes, is_training=False, reuse=True)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(6):
        for start in range(0, 120, 20):
            batch = {train_model.features: train_features[start:start + 20],
                     train_model.labels: train_labels[start:start + 20]}
            _, loss = sess.run([train_model.train_op, train_model.loss], feed_dict=batch)
        eval_loss, eval_accuracy = sess.run([eval_model.loss, eval_model.accuracy],
                                            feed_dict={eval_model.features: eval_features,
                                                       eval_model.labels: eval_labels})
        print("epoch %d: train loss %.4f, eval loss %.4f, eval accuracy %.3f" % (epoch, loss, eval_loss, eval_accuracy))
    print("eval predictions", sess.run(eval_model.predictions, {eval_model.features: eval_features[:10]}))
