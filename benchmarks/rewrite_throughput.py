"""End-to-end throughput of `tf-migrate rewrite` against TensorFlow's `tf_upgrade_v2`.

Two kinds of tree, both tools on each, as subprocesses, wall clock, in the same run:

* generated trees of synthetic but realistic TF1 files (placeholders, sessions with feed_dict,
  optimizers, renamed ops, tf.layers, variable scopes, summaries);
* the development corpus of real TF1 repositories ($DEV_CORPUS, else ~/dev-corpus; built as
  ../shared/corpus/README.md says): every `.py` file in it, copied into a scratch tree with the
  same layout (notebooks and other files left out, as `tf_upgrade_v2 --intree` rewrites only
  `.py` files). Skipped, with a message, when the corpus is absent.

Prints lines per second and the ratio for each tree. Both times include process start-up, as a
user sees them; tf-migrate runs with its default worker count (all cores), tf_upgrade_v2 in its
one process. The CPU seconds of each tool (its worker processes included) are printed too: on a
shared machine they move much less than wall time with what else runs.

    python benchmarks/rewrite_throughput.py            # 50 and 500 generated files, then the corpus
    python benchmarks/rewrite_throughput.py --files 20 --repeat 1 --corpus /path/to/corpus
    python benchmarks/rewrite_throughput.py --no-generated --repeat 3
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = [
    "import numpy as np\nimport tensorflow as tf\n",
    (
        "import os\n\nimport numpy as np\nimport tensorflow as tf\n"
        "from tensorflow.examples.tutorials.mnist import input_data\n"
    ),
    "from __future__ import print_function\n\nimport tensorflow as tf\nimport numpy as np\n",
]

BLOCKS = [
    """
def {name}_inputs(batch_size={n}):
    x = tf.placeholder(tf.float32, [None, {n}], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    keep_prob = tf.placeholder(tf.float32)
    return x, y, keep_prob
""",
    """
def {name}_model(x, keep_prob):
    with tf.variable_scope("{name}"):
        w = tf.get_variable("w", [{n}, 32], initializer=tf.truncated_normal_initializer(stddev=0.1))
        b = tf.Variable(tf.zeros([32]), name="b")
        h = tf.nn.relu(tf.matmul(x, w) + b)
        h = tf.nn.dropout(h, keep_prob=keep_prob)
        logits = tf.layers.dense(h, 10, activation=None)
    return logits
""",
    """
def {name}_conv(images, training):
    net = tf.layers.conv2d(images, filters=16, kernel_size=3, padding="same", activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(net, pool_size=2, strides=2)
    net = tf.layers.dropout(net, rate=0.25, training=training)
    net = tf.contrib.layers.flatten(net)
    return tf.layers.dense(net, {n})
""",
    """
def {name}_loss(logits, labels):
    labels = tf.to_int64(labels)
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    loss = tf.reduce_mean(xent, name="loss")
    correct = tf.equal(tf.arg_max(logits, 1), labels)
    accuracy = tf.reduce_mean(tf.to_float(correct))
    tf.summary.scalar("loss", loss)
    return loss, accuracy
""",
    """
def {name}_train_op(loss, learning_rate={lr}):
    global_step = tf.train.get_or_create_global_step()
    optimizer = tf.train.{optimizer}(learning_rate)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = optimizer.minimize(loss, global_step=global_step)
    return train_op
""",
    """
def {name}_noise(shape):
    a = tf.random_normal(shape, mean=0.0, stddev=1.0)
    b = tf.random_uniform(shape, minval=-1.0, maxval=1.0)
    c = tf.log(tf.abs(a) + 1e-6) + tf.squared_difference(a, b)
    d = tf.reduce_sum(c, reduction_indices=[1], keep_dims=True)
    return tf.div(d, tf.cast(tf.shape(a)[0], tf.float32))
""",
    """
def {name}_run(train_op, loss, x, y, keep_prob, steps={n}):
    tf.set_random_seed({seed})
    data = np.random.rand(64, {n}).astype(np.float32)
    labels = np.random.randint(0, 10, size=64)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            _, value = sess.run([train_op, loss], feed_dict={{x: data, y: labels, keep_prob: 0.5}})
            if step % 10 == 0:
                print("step", step, "loss", value)
        saver.save(sess, "/tmp/{name}.ckpt")
    return value
""",
    """
class {Name}Model(object):
    def __init__(self, hidden={n}):
        self.hidden = hidden
        self.x = tf.placeholder(tf.float32, [None, hidden])
        self.w = tf.Variable(tf.random_normal([hidden, 1]))
        self.pred = tf.sigmoid(tf.matmul(self.x, self.w))

    def predict(self, sess, batch):
        return sess.run(self.pred, feed_dict={{self.x: batch}})
""",
]

OPTIMIZERS = ["AdamOptimizer", "GradientDescentOptimizer", "RMSPropOptimizer", "MomentumOptimizer"]


def make_file(rng: random.Random, index: int) -> str:
    parts = [rng.choice(HEADER), f'"""Synthetic TF1 module number {index}."""\n' if rng.random() < 0.5 else ""]
    target = rng.randint(60, 200)
    lines = sum(part.count("\n") for part in parts)
    number = 0
    while lines < target:
        block = rng.choice(BLOCKS)
        name = f"m{index}_{number}"
        optimizer = rng.choice(OPTIMIZERS)
        lr = rng.choice(["0.01", "0.001", "1e-4"])
        if optimizer == "MomentumOptimizer":
            optimizer_call = f"{optimizer}"
            block = block.replace("tf.train.{optimizer}(learning_rate)", "tf.train.{optimizer}(learning_rate, 0.9)")
        else:
            optimizer_call = optimizer
        text = block.format(
            name=name, Name=name.title().replace("_", ""), n=rng.choice([8, 16, 32, 64, 128]),
            lr=lr, optimizer=optimizer_call, seed=rng.randint(0, 1000),
        )
        if rng.random() < 0.2:
            text = "# Keep the graph small so that tests run quickly.\n" + text
        parts.append(text)
        lines += text.count("\n")
        number += 1
    return "".join(parts)


def build_tree(root: Path, files: int, seed: int) -> int:
    rng = random.Random(seed)
    total = 0
    for index in range(files):
        directory = root / f"pkg{index % 7}" / (f"sub{index % 3}" if index % 2 else "")
        directory.mkdir(parents=True, exist_ok=True)
        text = make_file(rng, index)
        (directory / f"module_{index}.py").write_text(text)
        total += text.count("\n")
    return total


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], repeat: int) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Best wall time and best CPU time (the command and its worker processes) of `repeat` runs."""
    best = best_cpu = float("inf")
    completed: subprocess.CompletedProcess[str] | None = None
    for _ in range(repeat):
        out = Path(command[-1])
        if out.exists():
            shutil.rmtree(out)
        cpu = _children_cpu()
        start = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, _children_cpu() - cpu)
    assert completed is not None
    return best, best_cpu, completed


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not on PATH")
    return found


def compare(title: str, tree: Path, lines: int, scratch: Path, repeat: int) -> float:
    ours, ours_cpu, ours_run = timed(
        [tool("tf-migrate"), "rewrite", str(tree), "-q", "-o", str(scratch / "out")], repeat
    )
    theirs, theirs_cpu, theirs_run = timed(
        [
            tool("tf_upgrade_v2"),
            "--reportfile",
            str(scratch / "report.txt"),
            "--intree",
            str(tree),
            "--outtree",
            str(scratch / "out2"),
        ],
        repeat,
    )
    changed = ours_run.stderr.strip().splitlines()[-1] if ours_run.stderr.strip() else "(no summary)"
    print(f"{title}, {lines} lines")
    print(
        f"  tf-migrate    {ours:7.2f} s  {lines / ours:9.0f} lines/s  CPU {ours_cpu:7.2f} s"
        f"  exit {ours_run.returncode}  [{changed}]"
    )
    print(
        f"  tf_upgrade_v2 {theirs:7.2f} s  {lines / theirs:9.0f} lines/s  CPU {theirs_cpu:7.2f} s"
        f"  exit {theirs_run.returncode}"
    )
    ratio = theirs / ours
    # CPU time leaves out tf-migrate's second core and most of what a busy machine adds to wall time.
    print(
        f"  ratio (tf-migrate / tf_upgrade_v2 throughput): {ratio:.2f}x wall, {theirs_cpu / ours_cpu:.2f}x CPU",
        flush=True,
    )
    return ratio


def measure_generated(files: int, repeat: int, seed: int) -> float:
    with tempfile.TemporaryDirectory(prefix="tfm-bench-") as temporary:
        root = Path(temporary)
        lines = build_tree(root / "tree", files, seed)
        return compare(f"generated: {files} files", root / "tree", lines, root, repeat)


def copy_python_files(corpus: Path, tree: Path) -> tuple[int, int]:
    """Copies the corpus's `.py` files (not through symlinks) into `tree`: (files, lines)."""
    files = lines = 0
    for source in sorted(corpus.rglob("*.py")):
        if source.is_symlink() or not source.is_file():
            continue
        target = tree / source.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        target.write_bytes(data)
        files += 1
        lines += data.count(b"\n")
    return files, lines


def measure_corpus(corpus: Path, repeat: int) -> float:
    with tempfile.TemporaryDirectory(prefix="tfm-bench-corpus-") as temporary:
        root = Path(temporary)
        files, lines = copy_python_files(corpus, root / "tree")
        return compare(f"development corpus {corpus}: {files} .py files", root / "tree", lines, root, repeat)


def default_corpus() -> Path:
    return Path(os.environ.get("DEV_CORPUS") or Path.home() / "dev-corpus")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, action="append", help="generated tree sizes (default: 50 and 500)")
    parser.add_argument("--no-generated", action="store_true", help="measure the corpus only")
    parser.add_argument("--corpus", type=Path, default=None, help="real TF1 code (default: $DEV_CORPUS, ~/dev-corpus)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool; the best time counts")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from migrate.transforms import ALL_TRANSFORMS

    print("transforms:", " ".join(f"{t.CODE}:{t.__name__}" for t in ALL_TRANSFORMS) or "(none)")
    ratios: dict[str, float] = {}
    if not args.no_generated:
        for files in args.files or [50, 500]:
            ratios[f"generated {files} files"] = measure_generated(files, args.repeat, args.seed)
    corpus = args.corpus or default_corpus()
    if corpus.is_dir():
        ratios["development corpus"] = measure_corpus(corpus, args.repeat)
    else:
        print(
            f"development corpus: {corpus} not found, real-code measurement skipped "
            "(set DEV_CORPUS or pass --corpus; ../shared/corpus/README.md builds it)"
        )
    if not ratios:
        return 0
    print("ratios: " + ", ".join(f"{name} {ratio:.2f}x" for name, ratio in ratios.items()))
    lowest = min(ratios, key=ratios.__getitem__)
    verdict = "met" if ratios[lowest] >= 2 else "NOT met"
    print(f"target >= 2.00x: {verdict} (lowest {ratios[lowest]:.2f}x, {lowest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
