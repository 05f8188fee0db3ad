"""`tf-migrate rewrite` driven in-process on temporary trees."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from rewrite_cases import changing_case, select_args

from migrate.cli import main

PLAIN = "import tensorflow as tf\n\n\ndef scale(x):\n    return x * 2\n"
PY2 = "import tensorflow as tf\nprint 'accuracy', 0.9\n"


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): os.readlink(p) if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    case = changing_case()
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "pkg" / "model.py").write_text(case.before)
    (src / "pkg" / "plain.py").write_text(PLAIN)
    (src / "old.py").write_text(PY2)
    (src / "data.csv").write_text("a,b\n1,2\n")
    run = src / "run"
    run.write_text("#!/usr/bin/env python3\n" + PLAIN)
    run.chmod(0o755)
    (src / "alias.py").symlink_to("pkg/model.py")
    return src


def test_output_tree_mirrors_the_source(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = changing_case()
    before = _snapshot(tree)
    out = tmp_path / "out"
    status = main(["rewrite", str(tree), "-o", str(out), *select_args(case)])
    assert status == 2, "the Python 2 file failed"
    assert _snapshot(tree) == before, "inputs are never modified without --in-place"
    assert (out / "pkg" / "model.py").read_text() == case.after
    assert (out / "pkg" / "plain.py").read_text() == PLAIN
    assert (out / "old.py").read_text() == PY2, "a failed file is still copied"
    assert (out / "data.csv").read_text() == "a,b\n1,2\n"
    assert (out / "run").stat().st_mode & 0o777 == 0o755
    assert os.readlink(out / "alias.py") == "pkg/model.py"
    captured = capsys.readouterr()
    assert f"{tree / 'old.py'}:2:" in captured.out and "TFM901 [error]" in captured.out
    assert "1 file rewritten" in captured.err and "1 failed" in captured.err


def test_in_place_rewrites_only_changed_files(tree: Path) -> None:
    case = changing_case()
    plain_mtime = (tree / "pkg" / "plain.py").stat().st_mtime_ns
    assert main(["rewrite", str(tree), "--in-place", *select_args(case)]) == 2
    assert (tree / "pkg" / "model.py").read_text() == case.after
    assert (tree / "old.py").read_text() == PY2
    assert (tree / "pkg" / "plain.py").stat().st_mtime_ns == plain_mtime
    assert os.readlink(tree / "alias.py") == "pkg/model.py"


def test_in_place_and_output_exclude_each_other(tree: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["rewrite", str(tree), "--in-place", "-o", str(tmp_path / "out")])
    assert raised.value.code == 2


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(("pkg/model.py",), 1, id="change"),
        pytest.param(("pkg/plain.py", "data.csv"), 0, id="no-change"),
        pytest.param(("pkg/model.py", "old.py"), 2, id="failure-wins"),
    ],
)
def test_check_writes_nothing_and_sets_the_exit_code(tree: Path, files: tuple[str, ...], expected: int) -> None:
    before = _snapshot(tree)
    assert main(["rewrite", "--check", *select_args(changing_case()), *(str(tree / f) for f in files)]) == expected
    assert _snapshot(tree) == before


def test_diff_prints_a_unified_diff_and_writes_nothing(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = changing_case()
    before = _snapshot(tree)
    model = tree / "pkg" / "model.py"
    assert main(["rewrite", str(model), "--diff", "-o", str(tmp_path / "out"), *select_args(case)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"--- a/{model}\n+++ b/{model}\n@@ ")
    removed = {line[1:] for line in out.splitlines() if line.startswith("-") and not line.startswith("---")}
    added = {line[1:] for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")}
    assert removed == set(case.before.splitlines()) - set(case.after.splitlines())
    assert added == set(case.after.splitlines()) - set(case.before.splitlines())
    assert _snapshot(tree) == before and not (tmp_path / "out").exists()


def test_ignore_and_select_take_codes_and_prefixes(tree: Path) -> None:
    case = changing_case()
    model = str(tree / "pkg" / "model.py")
    assert case.select, "rule examples come with their code"
    code = case.select[0]
    assert main(["rewrite", "--check", model, "--select", code, "--ignore", code[:4]]) == 0
    assert main(["rewrite", "--check", model, "--select", f"TFM999,{code[:5]}", "--select", code]) == 1


def test_report_lists_findings_and_file_statuses(tree: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    main(["rewrite", str(tree), "--check", "--report", str(report), *select_args(changing_case())])
    data = json.loads(report.read_text())
    statuses = {Path(f["path"]).relative_to(tree).as_posix(): f["status"] for f in data["files"]}
    assert statuses == {"old.py": "failed", "pkg/model.py": "changed", "pkg/plain.py": "unchanged", "run": "unchanged"}
    (finding,) = [f for f in data["findings"] if f["code"] == "TFM901"]
    assert set(finding) == {"path", "line", "column", "code", "severity", "message"}
    assert (finding["path"], finding["line"], finding["severity"]) == (str(tree / "old.py"), 2, "error")
    assert data["summary"]["failed"] == 1 and data["summary"]["findings"]["TFM901"] == 1


def test_one_bad_file_never_stops_a_parallel_run(tmp_path: Path) -> None:
    case = changing_case()
    src = tmp_path / "src"
    src.mkdir()
    for index in range(8):
        (src / f"m{index}.py").write_text(case.before if index != 3 else "import tensorflow\ndef f(:\n")
    (src / "blob.py").write_bytes(b"\x00\x01tensorflow")
    assert main(["rewrite", str(src), "-o", str(tmp_path / "out"), "-j", "2", "-q", *select_args(case)]) == 2
    written = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert written["m3.py"] == b"import tensorflow\ndef f(:\n" and written["blob.py"] == b"\x00\x01tensorflow"
    assert all(written[f"m{i}.py"].decode() == case.after for i in range(8) if i != 3)


def test_progress_and_summary_go_to_stderr(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["rewrite", str(tree / "pkg"), "--check", "--progress", "-q"])
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unchanged" in captured.err


def test_verify_needs_an_output_tree(tree: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["rewrite", str(tree), "--check", "--verify"])
    assert raised.value.code == 2


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["rewrite", "--help"])
    text = capsys.readouterr().out
    assert "exit status:" in text and "with --check: some file would change" in text
