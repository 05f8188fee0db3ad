"""Every migrated example runs on its own, outside the harness, with TensorFlow and only the
packages its requirements-tf2.txt lists: the TensorFlow-family packages it does not list are
made unimportable in the child process. Nothing is downloaded: the MNIST tutorial reads TF1's
files from a directory the test fills, and a Fashion-MNIST tutorial reads a Keras cache the test
fills."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_mnist_input_data import write_tf1_files

from migrate import rewrite_source
from migrate.analysis.requirements import DISTRIBUTIONS
from migrate.sources import REQUIREMENTS_FILE

pytestmark = [pytest.mark.tensorflow, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
MIGRATED = ROOT / "migrated_examples"
LEGACY = ROOT / "legacy_examples"
PROGRAMS = sorted(path.name for path in LEGACY.glob("*.py"))
# Absl is TensorFlow's own dependency: it is always there.
ALWAYS_THERE = frozenset({"absl"})

# Runs a program as __main__ with some top-level packages unimportable: argv is
# (comma-separated package names, program, program arguments...).
RUNNER = """
import importlib.abc, os, runpy, sys

blocked = set(filter(None, sys.argv[1].split(",")))


class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())
program = sys.argv[2]
sys.argv = [program, *sys.argv[3:]]
sys.path.insert(0, os.path.dirname(program))
runpy.run_path(program, run_name="__main__")
"""


def _listed(requirements_file: Path) -> set[str]:
    lines = requirements_file.read_text().splitlines()
    return {line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()}


def run_standalone(program: Path, listed: set[str], *argv: str, env: dict[str, str] | None = None) -> str:
    blocked = sorted(name for name, dist in DISTRIBUTIONS.items() if dist not in listed and name not in ALWAYS_THERE)
    completed = subprocess.run(
        [sys.executable, "-c", RUNNER, ",".join(blocked), str(program), *argv],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=program.parent,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def test_migrated_examples_run_with_only_their_requirements(tmp_path: Path) -> None:
    listed = _listed(MIGRATED / REQUIREMENTS_FILE)
    write_tf1_files(tmp_path / "mnist", train=5500 + 5000, test=200)
    arguments = {
        "mnist_tutorial.py": [f"--data_dir={tmp_path / 'mnist'}", "--steps=30"],
        "fully_connected_feed.py": [f"--input_data_dir={tmp_path / 'mnist'}", "--max_steps=30"],
    }
    # Each program runs in a copy of the directory of its own: what it writes (checkpoints
    # beside it) stays out of the checkout and out of the others' way.
    copies = tmp_path / "programs"

    def run(name: str) -> str:
        directory = copies / name.removesuffix(".py")
        shutil.copytree(MIGRATED, directory)
        return run_standalone(directory / name, listed, *arguments.get(name, []))

    with ThreadPoolExecutor(2) as pool:  # a child is mostly TensorFlow's start-up
        printed = dict(zip(PROGRAMS, pool.map(run, PROGRAMS)))
    assert [name for name, text in printed.items() if not text.strip()] == [], "some programs printed nothing"


FASHION_TUTORIAL = """\
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

data = input_data.read_data_sets(
    "data/fashion", one_hot=True, source_url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
)
x = tf.placeholder(tf.float32, [None, 784])
mean = tf.reduce_mean(x)
with tf.Session() as sess:
    images, labels = data.train.next_batch(10)
    print("mean", sess.run(mean, feed_dict={x: images}), "labels", labels.argmax(axis=1).tolist())
"""


def test_fashion_tutorial_reads_keras_cache(tmp_path: Path) -> None:
    result = rewrite_source(FASHION_TUTORIAL)
    assert "tensorflow.examples" not in result.code and "Session" not in result.code
    program = tmp_path / "fashion.py"
    program.write_text(result.code)
    for support in result.support_files:
        (tmp_path / support.name).write_text(support.text)
    keras_home = tmp_path / "keras"
    write_tf1_files(keras_home / "datasets" / "fashion-mnist", train=5100, test=20)
    printed = run_standalone(program, set(result.requirements), env={"KERAS_HOME": str(keras_home)})
    assert printed.startswith("mean ") and "labels [" in printed
