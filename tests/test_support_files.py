"""Modules a rewritten program imports (the MNIST reader) are written next to it, atomically,
never over a different file of the same name, and are a fixed point of the rewriter themselves."""

from __future__ import annotations

import json
from pathlib import Path

from migrate import Status, rewrite_paths, rewrite_source
from migrate.cli import main
from migrate.support import text_of

HELPER = "mnist_input_data.py"
TUTORIAL = (
    "import tensorflow as tf\n"
    "from tensorflow.examples.tutorials.mnist import input_data\n\n"
    "mnist = input_data.read_data_sets('MNIST_data', one_hot=True)\n"
    "print(mnist.train.num_examples)\n"
)


def _tree(root: Path) -> Path:
    src = root / "src"
    (src / "mnist").mkdir(parents=True)
    (src / "mnist" / "tutorial.py").write_text(TUTORIAL)
    (src / "other.py").write_text("import tensorflow as tf\n")
    return src


def test_rewrite_source_returns_the_module_text() -> None:
    result = rewrite_source(TUTORIAL)
    assert "import mnist_input_data as input_data" in result.code
    assert [(f.name, f.rule) for f in result.support_files] == [(HELPER, "TFM140")]
    assert result.support_files[0].text == text_of(HELPER)


def test_output_tree_gets_the_module_next_to_the_program(tmp_path: Path) -> None:
    src = _tree(tmp_path)
    report = rewrite_paths([src], output=tmp_path / "out", jobs=1)
    written = tmp_path / "out" / "mnist" / HELPER
    assert written.read_text() == text_of(HELPER)
    assert not (tmp_path / "out" / HELPER).exists(), "only where a program needs it"
    assert not (src / "mnist" / HELPER).exists(), "the source tree is never written to"
    by_name = {Path(r.path).name: r for r in report.files}
    assert by_name["tutorial.py"].support_files == (str(written),)


def test_in_place_writes_next_to_the_source_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    src = _tree(tmp_path)
    rewrite_paths([src], in_place=True, jobs=1)
    assert (src / "mnist" / HELPER).read_text() == text_of(HELPER)
    again = rewrite_paths([src], in_place=True, jobs=1)
    assert {r.status for r in again.files} == {Status.UNCHANGED}, "the program and the module are fixed points"


def test_dry_run_writes_nothing_and_the_diff_shows_the_new_module(tmp_path: Path) -> None:
    src = _tree(tmp_path)
    report = rewrite_paths([src], jobs=1, diff=True)
    tutorial = next(r for r in report.files if r.path.endswith("tutorial.py"))
    assert not (src / "mnist" / HELPER).exists()
    assert tutorial.diff is not None and f"+++ b/{src / 'mnist' / HELPER}" in tutorial.diff
    assert "--- a/" in tutorial.diff and "+def read_data_sets(" in tutorial.diff


def test_a_different_file_of_that_name_is_kept_and_the_program_left_as_it_was(tmp_path: Path) -> None:
    src = _tree(tmp_path)
    (src / "mnist" / HELPER).write_text("# my own module\n")
    out = tmp_path / "out"
    report_path = tmp_path / "report.json"
    main(["rewrite", str(src), "-o", str(out), "-q", "--report", str(report_path)])
    assert (out / "mnist" / HELPER).read_text() == "# my own module\n"
    assert (out / "mnist" / "tutorial.py").read_text() == TUTORIAL
    entry = next(e for e in json.loads(report_path.read_text())["files"] if e["path"].endswith("tutorial.py"))
    codes = {(f["code"], f["severity"]) for f in entry["findings"]}
    assert ("TFM140", "error") in codes and ("TFM801", "error") in codes
    assert entry["support_files"] == []
    in_place = rewrite_paths([src], in_place=True, jobs=1)
    assert (src / "mnist" / "tutorial.py").read_text() == TUTORIAL
    assert (src / "mnist" / HELPER).read_text() == "# my own module\n"
    assert any(f.code == "TFM140" and HELPER in f.message for f in in_place.findings)


def test_an_output_tree_file_of_that_name_is_not_replaced(tmp_path: Path) -> None:
    src = _tree(tmp_path)
    out = tmp_path / "out"
    (out / "mnist").mkdir(parents=True)
    (out / "mnist" / HELPER).write_text("# kept\n")
    rewrite_paths([src], output=out, jobs=1)
    assert (out / "mnist" / HELPER).read_text() == "# kept\n"
    assert (out / "mnist" / "tutorial.py").read_text() == TUTORIAL


def test_a_notebook_gets_the_module_too(tmp_path: Path) -> None:
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": TUTORIAL}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "tutorial.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "out").mkdir()
    report = rewrite_paths([tmp_path / "tutorial.ipynb"], output=tmp_path / "out", jobs=1)
    assert (tmp_path / "out" / HELPER).read_text() == text_of(HELPER)
    assert "mnist_input_data" in (tmp_path / "out" / "tutorial.ipynb").read_text()
    assert report.files[0].support_files == (str(tmp_path / "out" / HELPER),)
