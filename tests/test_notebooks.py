"""Notebooks: code cells are rewritten together, IPython syntax and everything else is kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rewrite_cases import Case, changing_case

from migrate import Status, rewrite_paths
from migrate.notebooks import _mask, _unmask, rewrite_notebook
from migrate.pipeline import Selection


def _code(source: list[str] | str, outputs: list[Any] | None = None) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": outputs or [], "source": source}


def _notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}


def _split(case: Case) -> tuple[str, str]:
    head, rest = case.before.split("\n", 1)
    return head + "\n", rest


def _expected_rest(case: Case) -> str:
    return case.after.split("\n", 1)[1]


OUTPUT = {"name": "stdout", "output_type": "stream", "text": ["tf.placeholder(...) printed\n"]}
MARKDOWN = {"cell_type": "markdown", "metadata": {}, "source": ["# Uses `tf.placeholder`\n", "text"]}


def test_cells_are_rewritten_with_names_imported_in_earlier_cells() -> None:
    case = changing_case()
    head, rest = _split(case)
    notebook = _notebook(MARKDOWN, _code(["%matplotlib inline\n", head]), _code(rest, [OUTPUT]))
    text = json.dumps(notebook, indent=1) + "\n"
    result = rewrite_notebook(text, path="nb.ipynb", selection=Selection.of(case.select))
    assert result.changed and not result.errors
    cells = json.loads(result.code)["cells"]
    assert cells[0] == MARKDOWN
    assert cells[1]["source"][0] == "%matplotlib inline\n"
    assert "".join(cells[1]["source"]) + "".join(cells[2]["source"]) == "%matplotlib inline\n" + case.after
    assert cells[2]["outputs"] == [OUTPUT]
    assert isinstance(cells[2]["source"], str), "a string source stays a string"


@pytest.mark.parametrize(
    "magic_lines",
    [
        pytest.param(["%%time\n"], id="time-cell-magic"),
        pytest.param(["!pip install tensorflow==1.15\n"], id="shell"),
        pytest.param(["files = !ls data \\\n", "    | head\n"], id="shell-assignment-continued"),
        pytest.param(["%load_ext tensorboard\n", "tf.placeholder?\n"], id="line-magic-and-help"),
    ],
)
def test_ipython_syntax_is_kept_exactly(magic_lines: list[str]) -> None:
    case = changing_case()
    head, rest = _split(case)
    lines = magic_lines + rest.splitlines(keepends=True)
    text = json.dumps(_notebook(_code([head]), _code(lines)), indent=1)
    result = rewrite_notebook(text, path="nb.ipynb", selection=Selection.of(case.select))
    assert not result.errors
    source = "".join(json.loads(result.code)["cells"][1]["source"])
    assert source == "".join(magic_lines) + _expected_rest(case)


def test_indented_magic_inside_a_block_round_trips() -> None:
    source = "for i in range(3):\n    %time f(i)\n    !echo $i\n"
    masked, masks = _mask(source, "_m")
    assert "%" not in masked and "!" not in masked
    compile(masked, "<cell>", "exec")
    assert _unmask(masked, masks) == source
    assert _unmask(masked.replace("_m_1", "_gone"), masks) is None


def test_non_python_cell_magic_is_left_alone() -> None:
    case = changing_case()
    bash = "%%bash\necho tf.placeholder\nprint 'x'\n"
    text = json.dumps(_notebook(_code(case.before), _code(bash)), indent=1)
    result = rewrite_notebook(text, selection=Selection.of(case.select))
    cells = json.loads(result.code)["cells"]
    assert (cells[0]["source"], cells[1]["source"]) == (case.after, bash)
    assert not result.errors


def test_python2_cell_is_reported_and_the_others_still_rewritten() -> None:
    case = changing_case()
    head, rest = _split(case)
    text = json.dumps(_notebook(MARKDOWN, _code(head), _code("print 'loss', loss"), _code(rest)), indent=1)
    result = rewrite_notebook(text, path="nb.ipynb", selection=Selection.of(case.select))
    cells = json.loads(result.code)["cells"]
    assert cells[2]["source"] == "print 'loss', loss"
    assert cells[3]["source"] == _expected_rest(case)
    assert len(result.errors) == 1 and result.errors[0].startswith("cell 3:")
    parse_errors = [f for f in result.findings if f.code == "TFM901"]
    assert [f.path for f in parse_errors] == ["nb.ipynb:cell 3"]
    assert parse_errors[0].format().startswith("nb.ipynb:cell 3:1:1: TFM901 [error]")


@pytest.mark.parametrize(
    ("indent", "final_newline"),
    [
        pytest.param(1, True, id="nbformat-style"),
        pytest.param(2, False, id="indent-2-no-newline"),
        pytest.param(4, True, id="indent-4"),
    ],
)
def test_json_layout_is_preserved(indent: int, final_newline: bool) -> None:
    case = changing_case()
    notebook = _notebook(MARKDOWN, _code(case.before.splitlines(keepends=True)))
    notebook["metadata"]["title"] = "Réseau"  # non-ASCII stays as it was written
    text = json.dumps(notebook, indent=indent, ensure_ascii=False) + ("\n" if final_newline else "")
    result = rewrite_notebook(text, selection=Selection.of(case.select))
    notebook["cells"][1]["source"] = case.after.splitlines(keepends=True)
    assert result.code == json.dumps(notebook, indent=indent, ensure_ascii=False) + ("\n" if final_newline else "")


def test_unchanged_notebook_is_returned_byte_for_byte() -> None:
    text = '{"cells":[{"cell_type":"code","source":"x = 1","metadata":{},"outputs":[]}],\n"nbformat":4}'
    assert rewrite_notebook(text).code == text


@pytest.mark.parametrize(
    "text",
    [pytest.param("{not json", id="invalid-json"), pytest.param('{"worksheets": []}', id="nbformat-3")],
)
def test_unreadable_notebook_fails(text: str) -> None:
    result = rewrite_notebook(text, path="nb.ipynb")
    assert result.failed and result.code == text
    assert result.findings[0].code == "TFM901"


def test_notebooks_in_a_directory_run(tmp_path: Path) -> None:
    case = changing_case()
    (tmp_path / "src").mkdir()
    notebook = _notebook(_code(case.before), _code("print 'py2'"))
    (tmp_path / "src" / "nb.ipynb").write_text(json.dumps(notebook, indent=1) + "\n")
    report = rewrite_paths([tmp_path / "src"], output=tmp_path / "out", select=case.select, jobs=1)
    (result,) = report.files
    assert result.status is Status.CHANGED and report.has_errors
    written = json.loads((tmp_path / "out" / "nb.ipynb").read_text())
    assert [c["source"] for c in written["cells"]] == [case.after, "print 'py2'"]
