"""TensorFlow 1's sequence losses, on TF 2.

tf-migrate wrote this module next to a program that used `tf.contrib.legacy_seq2seq`'s
`sequence_loss_by_example` / `sequence_loss` or `tf.contrib.seq2seq.sequence_loss`, which
TensorFlow 2 no longer has; the program calls the functions here in their place (contrib.seq2seq's
as `dense_sequence_loss`). They are plain TF 2 code, yours to keep, and compute what TF1's did,
step for step:

* `sequence_loss_by_example(logits, targets, weights)` takes lists with one entry per time step
  (logits `[batch, classes]`, integer targets, float weights `[batch]`) and returns, for each
  example, the sum over the steps of its softmax cross-entropy times its weight, divided by the
  sum of its weights (plus 1e-12, as TF1 added) unless `average_across_timesteps=False`;
* `sequence_loss` is the sum of that over the batch, divided by the batch size unless
  `average_across_batch=False`;
* `dense_sequence_loss(logits, targets, weights)` is `tf.contrib.seq2seq.sequence_loss`: one
  `[batch, time, classes]` tensor of logits with `[batch, time]` targets and weights, averaged
  (or summed and divided by the count of non-zero weights) over the time steps, the batch, both
  or neither.

A `softmax_loss_function` is called as TF1 called it, with the keywords `labels` and `logits`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf

LossFunction = Callable[..., Any]


def sequence_loss_by_example(
    logits: Sequence[Any],
    targets: Sequence[Any],
    weights: Sequence[Any],
    average_across_timesteps: bool = True,
    softmax_loss_function: LossFunction | None = None,
    name: str | None = None,
) -> tf.Tensor:
    """The weighted cross-entropy of each example, summed over the time steps."""
    if not len(logits) == len(targets) == len(weights):
        raise ValueError(
            "Lengths of logits, weights, and targets must be the same "
            f"{len(logits)}, {len(weights)}, {len(targets)}."
        )
    with tf.name_scope(name or "sequence_loss_by_example"):
        weighted = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                # TF1 flattened each target: programs pass ids shaped [batch] or [batch, 1].
                loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.reshape(target, [-1]), logits=logit)
            else:
                loss = softmax_loss_function(labels=target, logits=logit)
            weighted.append(loss * weight)
        per_example = tf.add_n(weighted)
        if average_across_timesteps:
            per_example /= tf.add_n(list(weights)) + 1e-12
    return per_example


def sequence_loss(
    logits: Sequence[Any],
    targets: Sequence[Any],
    weights: Sequence[Any],
    average_across_timesteps: bool = True,
    average_across_batch: bool = True,
    softmax_loss_function: LossFunction | None = None,
    name: str | None = None,
) -> tf.Tensor:
    """`sequence_loss_by_example` summed over the batch (and divided by its size)."""
    with tf.name_scope(name or "sequence_loss"):
        cost = tf.reduce_sum(
            sequence_loss_by_example(
                logits,
                targets,
                weights,
                average_across_timesteps=average_across_timesteps,
                softmax_loss_function=softmax_loss_function,
            )
        )
        if average_across_batch:
            return cost / tf.cast(tf.shape(targets[0])[0], cost.dtype)
        return cost


def dense_sequence_loss(
    logits: Any,
    targets: Any,
    weights: Any,
    average_across_timesteps: bool = True,
    average_across_batch: bool = True,
    sum_over_timesteps: bool = False,
    sum_over_batch: bool = False,
    softmax_loss_function: LossFunction | None = None,
    name: str | None = None,
) -> tf.Tensor:
    """`tf.contrib.seq2seq.sequence_loss`: the weighted cross-entropy of `[batch, time]` steps."""
    logits, targets, weights = (tf.convert_to_tensor(value) for value in (logits, targets, weights))
    if logits.shape.rank != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if targets.shape.rank != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if weights.shape.rank != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot be set to True at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set to True at same time.")
    with tf.name_scope(name or "sequence_loss"):
        flat_logits = tf.reshape(logits, [-1, tf.shape(logits)[2]])
        flat_targets = tf.reshape(targets, [-1])
        if softmax_loss_function is None:
            loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=flat_targets, logits=flat_logits)
        else:
            loss = softmax_loss_function(labels=flat_targets, logits=flat_logits)
        loss *= tf.reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return tf.math.divide_no_nan(tf.reduce_sum(loss), tf.reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            count = tf.cast(tf.math.count_nonzero(weights), loss.dtype)
            return tf.math.divide_no_nan(tf.reduce_sum(loss), count)
        loss = tf.reshape(loss, tf.shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return tf.math.divide_no_nan(tf.reduce_sum(loss, axis=axis), tf.reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            count = tf.cast(tf.math.count_nonzero(weights, axis=axis), loss.dtype)
            return tf.math.divide_no_nan(tf.reduce_sum(loss, axis=axis), count)
        return loss
