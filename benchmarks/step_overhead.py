"""Where a migrated training step's time goes, against the TF1 session step it replaces.

One small model (a linear layer on 200 x 3 inputs, mean squared error: the size of the
examples) is trained the TF1 way (`sess.run([train_op, loss], feed_dict)`) and the way the
rewriter writes it (a `tf.function` with an input signature, a GradientTape and a Keras
optimizer), then with parts of the migrated step taken away: the optimizer, the gradient, the
work, and the NumPy-to-tensor conversion of the arguments. Each figure is microseconds per step,
the median of several timed runs in this process; ratios are against the session step measured in
the same run. A second table times what a step that logs two scalar summaries adds on each side,
and a third the two steps of a model large enough that the step's work outweighs its call.

    python benchmarks/step_overhead.py [--steps N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf


def per_step(step: Callable[[], Any], steps: int, repeat: int) -> float:
    step()  # trace or build first
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        runs.append((time.perf_counter() - start) / steps * 1e6)
    return statistics.median(runs)


SMALL = (3, 1)  # a linear layer: the size of the examples
LARGE = (784, 1024, 1024, 10)  # an MLP whose step does real work


def session_step(features: np.ndarray, targets: np.ndarray, widths: tuple[int, ...] = SMALL) -> Callable[[], Any]:
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, widths[0]])
        y = v1.placeholder(tf.float32, [None, widths[-1]])
        layers = [
            (v1.Variable(v1.random_normal([n, m], stddev=0.05)), v1.Variable(v1.zeros([m])))
            for n, m in pairwise(widths)
        ]
        loss = v1.reduce_mean(v1.square(_forward(x, layers) - y))
        train = v1.train.GradientDescentOptimizer(0.01).minimize(loss)
        session = v1.Session(graph=graph)
        session.run(v1.global_variables_initializer())
    return lambda: session.run([train, loss], feed_dict={x: features, y: targets})


def _forward(x: Any, layers: list[tuple[Any, Any]]) -> Any:
    for index, (w, b) in enumerate(layers):
        x = tf.matmul(x, w) + b
        if index < len(layers) - 1:
            x = tf.nn.relu(x)
    return x


def function_step(features: Any, targets: Any, variant: str, widths: tuple[int, ...] = SMALL) -> Callable[[], Any]:
    layers = [
        (tf.Variable(tf.random.normal([n, m], stddev=0.05)), tf.Variable(tf.zeros([m])))
        for n, m in pairwise(widths)
    ]
    variables = [v for layer in layers for v in layer]
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
    signature = [tf.TensorSpec([None, widths[0]], tf.float32), tf.TensorSpec([None, widths[-1]], tf.float32)]

    @tf.function(input_signature=signature)
    def step(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        if variant == "empty":
            return x[0, 0]
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(_forward(x, layers) - y))
        if variant == "forward":
            return loss
        gradients = tape.gradient(loss, variables)
        if variant == "keras":
            optimizer.apply_gradients(zip(gradients, variables))
        else:
            for variable, gradient in zip(variables, gradients, strict=True):
                variable.assign_sub(0.01 * gradient)
        return loss

    return lambda: step(features, targets).numpy()


def legacy_summary_write(logdir: str) -> Callable[[], Any]:
    """`FileWriter.add_summary` of a merged summary that `sess.run` fetched with the step."""
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        loss = v1.placeholder(tf.float32, [])
        accuracy = v1.placeholder(tf.float32, [])
        merged = v1.summary.merge([v1.summary.scalar("loss", loss), v1.summary.scalar("accuracy", accuracy)])
        writer = v1.summary.FileWriter(os.path.join(logdir, "legacy"))
        fetched = v1.Session(graph=graph).run(merged, {loss: 0.5, accuracy: 0.25})
    step = iter(range(10**9))
    return lambda: writer.add_summary(fetched, next(step))


def summary_write(logdir: str, compiled: bool) -> Callable[[], Any]:
    """What the rewriter writes in its place: `tf.summary.scalar` under a file writer."""
    writer = tf.summary.create_file_writer(os.path.join(logdir, f"function-{compiled}"))

    def write(values: Any, step: Any) -> None:
        with writer.as_default():
            tf.summary.scalar("loss", values[0], step=step)
            tf.summary.scalar("accuracy", values[1], step=step)

    call = tf.function(write) if compiled else write
    values = (np.float32(0.5), np.float32(0.25))
    step = iter(range(10**9))
    return lambda: call(values, np.int64(next(step)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rng = np.random.RandomState(0)
    features = rng.randn(200, 3).astype(np.float32)
    targets = rng.randn(200, 1).astype(np.float32)
    rows = [
        ("TF1 session step (train op + loss, feed_dict)", session_step(features, targets)),
        ("tf.function step, Keras SGD (what the rewriter writes)", function_step(features, targets, "keras")),
        ("tf.function step, assign_sub updates", function_step(features, targets, "assign")),
        ("tf.function, forward pass only", function_step(features, targets, "forward")),
        ("tf.function returning one input element", function_step(features, targets, "empty")),
        (
            "  the same, given tensors instead of NumPy arrays",
            function_step(tf.constant(features), tf.constant(targets), "empty"),
        ),
    ]
    baseline = None
    for label, step in rows:
        micros = per_step(step, args.steps, args.repeat)
        baseline = baseline or micros
        print(f"{label:<58}{micros:8.0f} us/step  {baseline / micros:5.2f}x session speed")
    print()
    print("Writing two scalar summaries per step:")
    with tempfile.TemporaryDirectory(prefix="step-overhead-") as logdir:
        for label, step in [
            ("TF1 FileWriter.add_summary of the fetched summary", legacy_summary_write(logdir)),
            ("tf.summary.scalar x2 under a file writer, eagerly", summary_write(logdir, compiled=False)),
            ("the same in a tf.function", summary_write(logdir, compiled=True)),
        ]:
            print(f"{label:<58}{per_step(step, args.steps // 4, args.repeat):8.0f} us/step")
    print()
    print(f"A step that does real work (an MLP {'-'.join(map(str, LARGE))}, batch 256):")
    features = rng.randn(256, LARGE[0]).astype(np.float32)
    targets = rng.randn(256, LARGE[-1]).astype(np.float32)
    baseline = None
    for label, step in [
        ("TF1 session step (train op + loss, feed_dict)", session_step(features, targets, LARGE)),
        ("tf.function step, Keras SGD (what the rewriter writes)", function_step(features, targets, "keras", LARGE)),
    ]:
        micros = per_step(step, max(10, args.steps // 20), args.repeat)
        baseline = baseline or micros
        print(f"{label:<58}{micros:8.0f} us/step  {baseline / micros:5.2f}x session speed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
