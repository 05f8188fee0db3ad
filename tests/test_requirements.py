"""What a migrated tree needs beyond TensorFlow: per file, in the summary and report, and in
OUT/requirements-tf2.txt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrate import rewrite_paths, rewrite_source
from migrate.analysis.requirements import requirements_of, requirements_text
from migrate.cli import main
from migrate.sources import REQUIREMENTS_FILE


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param("import tensorflow as tf\nx = tf.constant(1)\n", (), id="plain-tf2"),
        pytest.param("from absl import app, flags\n", ("absl-py",), id="absl"),
        pytest.param("import tf_slim as slim\n", ("tf-slim",), id="slim"),
        pytest.param(
            "import tensorflow as tf\ntf.summary.scalar('loss', 1.0, step=0)\n", ("tensorboard",), id="tf2-summary"
        ),
        pytest.param(
            "from tensorflow import summary\nsummary.histogram('w', w, step=0)\n", ("tensorboard",), id="from-import"
        ),
        pytest.param("import tensorflow as tf\nw = tf.summary.create_file_writer('/tmp/x')\n", (), id="writer-is-core"),
        pytest.param("import tensorflow as tf\ntf.compat.v1.summary.scalar('loss', x)\n", (), id="v1-summary-op"),
        pytest.param("import tensorflow as tf\nh = tf.compat.v1.layers.dense(x, 3)\n", ("tf-keras",), id="v1-layers"),
        pytest.param("import tensorflow.compat.v1 as tf\nh = tf.layers.dense(x, 3)\n", ("tf-keras",), id="v1-alias"),
        pytest.param(
            "import tensorflow as tf\nc = tf.compat.v1.nn.rnn_cell.BasicLSTMCell(4)\n", ("tf-keras",), id="v1-rnn-cell"
        ),
        pytest.param(
            "import tensorflow as tf\nmodel.compile(tf.compat.v1.train.RMSPropOptimizer(0.01), 'mse')\n",
            ("tf-keras",),
            id="v1-optimizer-compiled",
        ),
        pytest.param(
            "import tensorflow.compat.v1 as tf\nopt = tf.train.AdamOptimizer()\nm.compile(optimizer=opt)\n",
            ("tf-keras",),
            id="v1-optimizer-compiled-by-name",
        ),
        pytest.param(
            "import tensorflow as tf\nop = tf.compat.v1.train.AdamOptimizer().minimize(loss)\n",
            (),
            id="v1-optimizer-in-graph",
        ),
        pytest.param("import numpy as np\nimport matplotlib\n", (), id="outside-the-family"),
        pytest.param("import tensorflow as tf\nprint 'x'\n", (), id="not-python-3"),
    ],
)
def test_requirements_of(code: str, expected: tuple[str, ...]) -> None:
    assert requirements_of(code) == expected


def test_requirements_text_notes_tf_keras() -> None:
    text = requirements_text(["tf-keras", "absl-py", "absl-py"])
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines[0] == "absl-py"
    assert lines[1].startswith("tf-keras  # ") and "TF_USE_LEGACY_KERAS=1" in lines[1]


FLAGS_PROGRAM = "import tensorflow as tf\n\ntf.app.flags.DEFINE_integer('steps', 3, 'steps')\n"


def test_rewrite_result_lists_what_the_output_imports() -> None:
    result = rewrite_source(FLAGS_PROGRAM)
    assert "from absl import flags" in result.code
    assert result.requirements == ("absl-py",)


def test_output_tree_gets_a_requirements_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "train.py").write_text(FLAGS_PROGRAM)
    (src / "pkg" / "plain.py").write_text("import tensorflow as tf\n")
    out = tmp_path / "out"
    report_path = tmp_path / "report.json"
    assert main(["rewrite", str(src), "-o", str(out), "-q", "--report", str(report_path)]) == 0
    listed = [line for line in (out / REQUIREMENTS_FILE).read_text().splitlines() if not line.startswith("#")]
    assert listed == ["absl-py"]
    assert "needs beyond TensorFlow: absl-py" in capsys.readouterr().err
    report = json.loads(report_path.read_text())
    assert report["summary"]["requirements"] == ["absl-py"]
    assert report["summary"]["requirements_file"] == str(out / REQUIREMENTS_FILE)
    by_name = {Path(entry["path"]).name: entry["requirements"] for entry in report["files"]}
    assert by_name == {"train.py": ["absl-py"], "plain.py": []}
    assert not (src / REQUIREMENTS_FILE).exists(), "the source tree is never written to"


def test_a_requirements_file_of_the_source_tree_is_not_overwritten(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "train.py").write_text(FLAGS_PROGRAM)
    (src / REQUIREMENTS_FILE).write_text("mine\n")
    report = rewrite_paths([src], output=tmp_path / "out", jobs=1)
    assert (tmp_path / "out" / REQUIREMENTS_FILE).read_text() == "mine\n"
    assert report.requirements_file is None
    assert report.requirements_problem is not None and REQUIREMENTS_FILE in report.requirements_problem
    assert report.requirements() == ("absl-py",)


def test_no_requirements_file_without_an_output_tree(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(FLAGS_PROGRAM)
    report = rewrite_paths([tmp_path], in_place=True, jobs=1)
    assert report.requirements() == ("absl-py",)
    assert not (tmp_path / REQUIREMENTS_FILE).exists()
