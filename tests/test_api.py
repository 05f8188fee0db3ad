"""`migrate.rewrite_paths`: the library form of `tf-migrate rewrite`. It prints nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from rewrite_cases import changing_case

import migrate
import migrate.pipeline
from migrate import FileResult, PathsReport, Status, rewrite_paths
from migrate.api import PathError, all_rules, rule_examples, tensorflow_programs


def test_rewrite_paths_is_public() -> None:
    assert {"rewrite_paths", "rewrite_source", "PathsReport", "FileResult"} <= set(migrate.__all__)


def test_dry_run_reports_without_writing_or_printing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = changing_case()
    (tmp_path / "a.py").write_text(case.before)
    (tmp_path / "b.py").write_text("import tensorflow as tf\nprint 'b'\n")
    seen: list[tuple[str, int, int]] = []

    def progress(result: FileResult, done: int, total: int) -> None:
        seen.append((Path(result.path).name, done, total))

    report = rewrite_paths([tmp_path], select=case.select, jobs=1, progress=progress, diff=True)
    assert isinstance(report, PathsReport)
    assert [(Path(r.path).name, r.status) for r in report.files] == [("a.py", Status.CHANGED), ("b.py", Status.FAILED)]
    assert report.files[0].diff is not None and report.files[0].output is None
    assert [(name, total) for name, _, total in seen] == [("a.py", 2), ("b.py", 2)]
    assert [done for _, done, _ in seen] == [1, 2]
    assert (tmp_path / "a.py").read_text() == case.before
    assert report.has_errors and report.has_changes
    assert report.findings_by_code()["TFM901"] == 1
    assert capsys.readouterr() == ("", "")


def test_in_place_and_output(tmp_path: Path) -> None:
    case = changing_case()
    source = tmp_path / "a.py"
    source.write_text(case.before)
    copied = rewrite_paths(source, output=tmp_path / "b.py", select=case.select)
    assert (tmp_path / "b.py").read_text() == case.after and source.read_text() == case.before
    assert copied.files[0].output == str(tmp_path / "b.py")
    report = rewrite_paths([source], in_place=True, select=case.select)
    assert source.read_text() == case.after
    assert report.counts() == {"changed": 1, "unchanged": 0, "failed": 0, "skipped": 0}
    again = rewrite_paths([source], in_place=True, select=case.select)
    assert again.counts()["unchanged"] == 1, "a second run changes nothing"


def test_missing_path_is_a_failed_result(tmp_path: Path) -> None:
    report = rewrite_paths([tmp_path / "nope.py"])
    assert report.files[0].status is Status.FAILED
    assert "no such file" in (report.files[0].reason or "")


def test_commands_use_the_library_api_only() -> None:
    # The command line is one client of the library among others: what it needs, users need too.
    allowed = ("migrate.api", "migrate.harness", "migrate.commands")
    commands = Path(migrate.__file__).parent / "commands"
    for module in sorted(commands.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                if name.startswith("migrate"):
                    assert name == "migrate" or name.startswith(allowed), f"{module.name} imports {name}"


def test_rules_and_their_examples() -> None:
    rules = all_rules()
    assert list(rules) == sorted(rules) and "TFM901" in rules and "TFM003" in rules
    examples = list(rule_examples())
    assert examples and all(code in rules for code, _ in examples)


def test_tensorflow_programs(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "model.py").write_text("import tensorflow as tf\n")
    (tmp_path / "plain.py").write_text("print(1)\n")
    (tmp_path / "latin.py").write_bytes(b"import tensorflow as tf\n# \xe9\n")
    assert tensorflow_programs(tmp_path) == [Path("sub/model.py")]


def test_tensorflow_programs_leave_out_modules_their_tree_imports(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text("import tensorflow as tf\nclass Model: pass\n")
    (tmp_path / "ops.py").write_text("import tensorflow as tf\nif __name__ == '__main__':\n    print(1)\n")
    (tmp_path / "train.py").write_text("import tensorflow as tf\nfrom model import Model\nimport ops\n")
    assert tensorflow_programs(tmp_path) == [Path("ops.py"), Path("train.py")]


def test_a_bad_layout_raises_before_writing(tmp_path: Path) -> None:
    for name in ("x", "y"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.py").write_text("import tensorflow as tf\n")
    with pytest.raises(PathError):
        rewrite_paths([tmp_path / "x" / "a.py", tmp_path / "y" / "a.py"], output=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_conversion_reading_a_name_it_never_binds_stays_in_graph_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    # Stands in for a rule's defect: the check finds `w_init` read undefined in the conversion.
    def reads_undefined(original: str, rewritten: str) -> dict[str, int]:
        return {"w_init": 3} if "compat.v1" not in rewritten else {}

    monkeypatch.setattr(migrate.pipeline, "introduced_undefined_names", reads_undefined)
    source = (
        "import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 2])\ny = x * 2.0\n"
        "with tf.Session() as sess:\n    print(sess.run(y, {x: [[1.0, 2.0]]}))\n"
    )
    result = migrate.rewrite_source(source)
    assert "tf.compat.v1.Session()" in result.code and "tf.compat.v1.disable_v2_behavior()" in result.code
    assert ("TFM903", 3) in {(f.code, f.line) for f in result.findings}
