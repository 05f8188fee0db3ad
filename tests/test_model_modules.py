"""A model class in one module, built and run by one script of the tree: the two files are
rewritten together (migrate.model_modules), or each on its own as before."""

from __future__ import annotations

from pathlib import Path

from migrate.analysis.project import scan_sources
from migrate.api import rewrite_paths
from migrate.model_modules import partners

MODEL = '''import tensorflow as tf


class Model(object):
    def __init__(self, n_in, lr=0.1):
        self.x = tf.placeholder(tf.float32, [None, n_in], name="x")
        self.y = tf.placeholder(tf.float32, [None, 1], name="y")
        self.w = tf.Variable(tf.zeros([n_in, 1]), name="w")
        self.pred = tf.matmul(self.x, self.w)
        self.loss = tf.reduce_mean(tf.square(self.pred - self.y))
        self.train_op = tf.train.GradientDescentOptimizer(lr).minimize(self.loss)
'''

TRAIN = '''import numpy as np
import tensorflow as tf
from model import Model

xs = np.ones((4, 3), np.float32)
ys = np.ones((4, 1), np.float32)
model = Model(3)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(5):
        _, loss = sess.run([model.train_op, model.loss], {model.x: xs, model.y: ys})
    print(loss, sess.run(model.pred, {model.x: xs}))
'''


def _run(tmp_path: Path, files: dict[str, str]) -> dict[str, tuple[str, list[tuple[int, str]]]]:
    source = tmp_path / "src"
    for name, text in files.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    report = rewrite_paths([source], output=tmp_path / "out", jobs=1)
    found = {}
    for result in report.files:
        name = Path(result.path).relative_to(source).as_posix()
        found[name] = ((tmp_path / "out" / name).read_text(), [(f.line, f.code) for f in result.findings])
    return found


def test_model_module_and_script_convert_together(tmp_path: Path) -> None:
    out = _run(tmp_path, {"model.py": MODEL, "train.py": TRAIN})
    model, model_findings = out["model.py"]
    train, _ = out["train.py"]
    assert "class Model(tf.Module):" in model
    assert "def train_step(self, x, y):" in model
    assert "placeholder" not in model
    assert (4, "TFM230") in model_findings
    assert "from model import Model\n" in train
    assert "model.train_step(xs, ys)" in train
    assert "Session" not in train and "class " not in train


def test_two_importers_leave_each_file_alone(tmp_path: Path) -> None:
    out = _run(tmp_path, {"model.py": MODEL, "train.py": TRAIN, "eval.py": TRAIN})
    model, model_findings = out["model.py"]
    assert "class Model(object):" in model
    assert any(code == "TFM006" for _, code in model_findings)
    assert "Session" in out["train.py"][0]


def test_a_module_with_more_than_the_class_takes_no_part() -> None:
    graph = scan_sources({"model.py": MODEL + "\n\ndef helper():\n    return 1\n", "train.py": TRAIN})
    assert partners(graph, {"model.py": MODEL + "\n\ndef helper():\n    return 1\n", "train.py": TRAIN}) == {}


def test_pair_found() -> None:
    sources = {"model.py": MODEL, "train.py": TRAIN}
    found = partners(scan_sources(sources), sources)
    assert found["train.py"].role == "script" and found["train.py"].path == "model.py"
    assert found["model.py"].role == "model" and found["model.py"].import_line == 3


def test_a_pair_that_does_not_convert_is_left_as_before(tmp_path: Path) -> None:
    built_twice = TRAIN.replace("model = Model(3)\n", "model = Model(3)\nother = Model(3)\n")
    out = _run(tmp_path, {"model.py": MODEL, "train.py": built_twice})
    model, model_findings = out["model.py"]
    assert "class Model(object):" in model
    assert any(code == "TFM006" for _, code in model_findings)
    train, train_findings = out["train.py"]
    assert "Session" in train and "from model import Model" in train
    assert not any(code == "TFM230" for _, code in train_findings)
