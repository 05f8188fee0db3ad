"""A module of definitions (a model class, layer functions) and the scripts of the tree that
import it: rewritten together (migrate.joint_modules), or each file on its own as before."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from migrate.analysis.project import ModuleLinks, scan_sources
from migrate.api import rewrite_paths
from migrate.findings import RewriteResult
from migrate.joint_modules import BEGIN, END, JointDeclined, partners, rewrite_joint
from migrate.pipeline import rewrite_code

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


def test_two_importers_that_agree_convert_together(tmp_path: Path) -> None:
    evaluate = TRAIN.replace("for step in range(5)", "for step in range(2)")
    out = _run(tmp_path, {"model.py": MODEL, "train.py": TRAIN, "eval.py": evaluate})
    model, model_findings = out["model.py"]
    assert "class Model(tf.Module):" in model
    assert model_findings == [(4, "TFM230")]
    for name in ("train.py", "eval.py"):
        script, findings = out[name]
        assert "from model import Model\n" in script and "model.train_step(xs, ys)" in script
        assert "Session" not in script and not findings


def test_one_importer_that_does_not_convert_leaves_every_file_alone(tmp_path: Path) -> None:
    built_twice = TRAIN.replace("model = Model(3)\n", "model = Model(3)\nother = Model(3)\n")
    out = _run(tmp_path, {"model.py": MODEL, "train.py": TRAIN, "eval.py": built_twice})
    model, model_findings = out["model.py"]
    assert "class Model(object):" in model
    assert any(code == "TFM006" for _, code in model_findings)
    assert "Session" in out["train.py"][0] and "Session" in out["eval.py"][0]


def test_importers_that_disagree_on_the_module_convert_nothing() -> None:
    sources = {"model.py": MODEL, "train.py": TRAIN, "eval.py": TRAIN.replace("range(5)", "range(2)")}
    group = partners(scan_sources(sources), sources)["model.py"]

    def rewrite(joint: str) -> RewriteResult:
        # Converts each joint file, but the module part of eval's differently.
        result = rewrite_code(joint)
        if "range(2)" in joint:
            return replace(result, code=result.code.replace("super().__init__()", "super().__init__(name=None)"))
        return result

    for path in ("model.py", "train.py", "eval.py"):
        assert rewrite_code(sources[path]).code != sources[path] or path == "model.py"
        assert isinstance(rewrite_joint(sources[path], path, ModuleLinks(path, partner=group), rewrite), JointDeclined)
    agreed = rewrite_joint(MODEL, "model.py", ModuleLinks("model.py", partner=group), rewrite_code)
    assert isinstance(agreed, RewriteResult) and "class Model(tf.Module):" in agreed.code


def _spliced() -> str:
    return TRAIN.replace("from model import Model\n", f"{BEGIN}\n{MODEL.split(chr(10), 3)[3]}{END}\n")


def test_marked_region_moved_by_the_rewrite_declines() -> None:
    sources = {"model.py": MODEL, "train.py": TRAIN}
    group = partners(scan_sources(sources), sources)["train.py"]

    def moved(joint: str) -> RewriteResult:
        result = rewrite_code(joint)
        lines = result.code.splitlines(keepends=True)
        begin = next(i for i, line in enumerate(lines) if line.startswith(BEGIN))
        lines.insert(begin - 1, lines.pop(begin))  # the script's statement before it now inside
        return replace(result, code="".join(lines))

    assert sum(line.startswith(BEGIN) for line in rewrite_code(_spliced()).code.splitlines()) == 1
    links = ModuleLinks("train.py", partner=group)
    assert isinstance(rewrite_joint(TRAIN, "train.py", links, moved), JointDeclined)
    assert isinstance(rewrite_joint(TRAIN, "train.py", links, rewrite_code), RewriteResult)


def test_a_module_with_a_statement_besides_definitions_takes_no_part() -> None:
    with_function = MODEL + "\n\ndef helper():\n    return 1\n"
    for module, takes_part in [(with_function, True), (with_function + "\nhelper()\n", False)]:
        sources = {"model.py": module, "train.py": TRAIN}
        assert bool(partners(scan_sources(sources), sources)) is takes_part


def test_a_script_binding_a_name_the_definitions_it_uses_read_takes_no_part() -> None:
    module = MODEL + "\n\ndef scaled(x):\n    return SCALE * x\n"
    importing = TRAIN.replace("from model import Model\n", "from model import Model, scaled\n")
    cases = [(TRAIN + "SCALE = 2\n", True), (importing, True), (importing + "SCALE = 2\n", False)]
    for script, takes_part in cases:
        sources = {"model.py": module, "train.py": script}
        assert bool(partners(scan_sources(sources), sources)) is takes_part, script


def test_pair_found() -> None:
    sources = {"model.py": MODEL, "train.py": TRAIN}
    found = partners(scan_sources(sources), sources)
    assert found["train.py"] is found["model.py"]
    assert found["model.py"].path == "model.py"
    assert [(i.path, i.import_line) for i in found["model.py"].importers] == [("train.py", 3)]


def test_a_pair_that_does_not_convert_is_left_as_before(tmp_path: Path) -> None:
    built_twice = TRAIN.replace("model = Model(3)\n", "model = Model(3)\nother = Model(3)\n")
    out = _run(tmp_path, {"model.py": MODEL, "train.py": built_twice})
    model, model_findings = out["model.py"]
    assert "class Model(object):" in model
    assert any(code == "TFM006" for _, code in model_findings)
    train, train_findings = out["train.py"]
    assert "Session" in train and "from model import Model" in train
    assert not any(code == "TFM230" for _, code in train_findings)


def test_a_pair_that_does_not_convert_says_why_where_the_reason_lies(tmp_path: Path) -> None:
    # Rewritten alone, train.py only learns that model.py is graph code; together, the second
    # construction of the class is what declines.
    built_twice = TRAIN.replace("model = Model(3)\n", "model = Model(3)\nother = Model(3)\n")
    source = tmp_path / "src"
    source.mkdir()
    (source / "model.py").write_text(MODEL)
    (source / "train.py").write_text(built_twice)
    report = rewrite_paths([source], jobs=1)
    findings = {Path(r.path).name: r.findings for r in report.files}
    reason = next(f for f in findings["train.py"] if f.code == "TFM231")
    assert reason.line == 8 and "other is another construction" in reason.message
    assert reason.message.endswith("(rewritten together with model.py, which it imports)")
    assert not any(f.code == "TFM231" for f in rewrite_code(built_twice).findings)


def test_a_definition_no_script_uses_converts_nothing() -> None:
    # No joint rewrite converts `unused`: the module cannot be written without it.
    module = MODEL + "\n\ndef unused():\n    return tf.zeros([1])\n"
    sources = {"model.py": module, "train.py": TRAIN}
    group = partners(scan_sources(sources), sources)["model.py"]
    for path in ("model.py", "train.py"):
        outcome = rewrite_joint(sources[path], path, ModuleLinks(path, partner=group), rewrite_code)
        assert isinstance(outcome, JointDeclined) and not outcome.findings


def test_a_module_without_a_final_line_break_converts_with_its_script_and_keeps_it_so(tmp_path: Path) -> None:
    out = _run(tmp_path, {"model.py": MODEL.rstrip("\n"), "train.py": TRAIN})
    model, findings = out["model.py"]
    assert "class Model(tf.Module):" in model and (4, "TFM230") in findings
    assert not model.endswith("\n")
    assert "model.train_step(xs, ys)" in out["train.py"][0]
