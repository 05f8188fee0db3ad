"""Reading, writing and laying out files: bytes survive, writes are atomic, bad files are reported."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from rewrite_cases import changing_case

from migrate.pipeline import Selection
from migrate.sources import (
    DecodeError,
    Kind,
    PathError,
    Status,
    Task,
    WriteMode,
    _batches,
    decode,
    plan,
    pool_context,
    process,
    run_tasks,
    write_atomic,
)

TF = b"import tensorflow as tf\n"


@pytest.mark.parametrize(
    ("data", "text", "encoding", "bom"),
    [
        pytest.param(TF + b"x = 1\r\n", "import tensorflow as tf\nx = 1\r\n", "utf-8", False, id="crlf-kept"),
        pytest.param(codecs.BOM_UTF8 + TF, "import tensorflow as tf\n", "utf-8", True, id="bom"),
        pytest.param(
            b"# -*- coding: latin-1 -*-\n" + TF + b"s = '\xe9'\n",
            "# -*- coding: latin-1 -*-\nimport tensorflow as tf\ns = '\u00e9'\n",
            "iso-8859-1",
            False,
            id="latin-1-cookie",
        ),
        pytest.param(TF + b"if x:\n\ty = 1\n", "import tensorflow as tf\nif x:\n\ty = 1\n", "utf-8", False, id="tabs"),
    ],
)
def test_decode_round_trips(data: bytes, text: str, encoding: str, bom: bool) -> None:
    decoded = decode(data)
    assert (decoded.text, decoded.encoding, decoded.bom) == (text, encoding, bom)
    assert decoded.encode(decoded.text) == data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(TF + b"s = '\xe9\xff'\n", "not UTF-8", id="latin-1-without-cookie"),
        pytest.param(b"\xff\xfe\x00i\x00m", "NUL", id="utf-16"),
        pytest.param(TF + b"\x00\x01\x02", "NUL", id="binary"),
        pytest.param(b"# -*- coding: klingon -*-\n", "encoding", id="unknown-cookie"),
    ],
)
def test_decode_rejects(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode(data)


def test_write_atomic_keeps_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "script.py"
    target.write_text("old\n")
    write_atomic(target, b"new\n", 0o751)
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o777 == 0o751
    assert [p.name for p in tmp_path.iterdir()] == ["script.py"]


def test_write_atomic_failure_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "model.py"
    target.write_text("old\n")

    def refuse(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"half", 0o644)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["model.py"]


def _tree(root: Path) -> None:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_bytes(TF)
    (root / "notes.txt").write_text("notes\n")
    (root / "nb.ipynb").write_text('{"cells": []}\n')


def test_plan_mirrors_one_directory(tmp_path: Path) -> None:
    _tree(tmp_path / "src")
    tasks = plan([tmp_path / "src"], output=tmp_path / "out")
    layout = {Path(t.source).relative_to(tmp_path).as_posix(): (t.kind, Path(t.dest or "")) for t in tasks}
    assert layout == {
        "src/nb.ipynb": (Kind.NOTEBOOK, tmp_path / "out" / "nb.ipynb"),
        "src/notes.txt": (Kind.OTHER, tmp_path / "out" / "notes.txt"),
        "src/pkg/a.py": (Kind.PYTHON, tmp_path / "out" / "pkg" / "a.py"),
    }


def test_plan_without_output_lists_only_python_and_notebooks(tmp_path: Path) -> None:
    _tree(tmp_path / "src")
    kinds = sorted(t.kind.value for t in plan([tmp_path / "src"]))
    assert kinds == ["notebook", "python"]


def test_plan_places_several_sources_by_name(tmp_path: Path) -> None:
    _tree(tmp_path / "src")
    (tmp_path / "b.py").write_bytes(TF)
    tasks = plan([tmp_path / "src", tmp_path / "b.py"], output=tmp_path / "out")
    dests = sorted(Path(t.dest or "").relative_to(tmp_path / "out").as_posix() for t in tasks)
    assert dests == ["b.py", "src/nb.ipynb", "src/notes.txt", "src/pkg/a.py"]


def test_plan_rejects_clashing_names_and_conflicting_targets(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.py").write_bytes(TF)
    with pytest.raises(PathError, match="a.py"):
        plan([tmp_path / "one" / "a.py", tmp_path / "two" / "a.py"], output=tmp_path / "out")
    with pytest.raises(PathError):
        plan([tmp_path / "one"], output=tmp_path / "out", in_place=True)


def test_plan_does_not_descend_into_an_output_inside_the_source(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.py").write_bytes(TF)
    sources = {Path(t.source).name for t in plan([tmp_path], output=tmp_path / "out")}
    assert "old.py" not in sources and "a.py" in sources


@pytest.mark.parametrize(
    ("data", "status", "reason"),
    [
        pytest.param(b"", Status.SKIPPED, "empty file", id="empty"),
        pytest.param(TF + b"print 'py2'\n", Status.FAILED, None, id="python2"),
        pytest.param(b"print 'no tensorflow here'\n", Status.FAILED, None, id="python2-without-tf"),
        pytest.param(TF + b"def f(:\n", Status.FAILED, None, id="syntax-error"),
        pytest.param(TF + b"x = '\xe9'\n", Status.FAILED, "not UTF-8", id="non-utf8"),
        pytest.param(b"\x7fELF\x00\x00" + TF, Status.FAILED, "NUL", id="nul-bytes"),
    ],
)
def test_bad_input_is_reported_and_copied_untouched(
    tmp_path: Path, data: bytes, status: Status, reason: str | None
) -> None:
    source, dest = tmp_path / "bad.py", tmp_path / "out" / "bad.py"
    source.write_bytes(data)
    result = process(Task(str(source), Kind.PYTHON, str(dest), WriteMode.OUTPUT))
    assert result.status is status
    if reason is not None:
        assert reason in (result.reason or "")
    if status is Status.FAILED:
        assert result.errors and result.findings[0].code == "TFM901"
        assert result.findings[0].format().startswith(f"{source}:")
    assert dest.read_bytes() == data
    assert source.read_bytes() == data


MODERN = """\
import tensorflow as tf


async def fetch(queue):
    async with queue as q:
        return [item async for item in q]


def describe(command):
    match command:
        case {"op": name, **rest} if (n := len(rest)) > 1:
            return f"{name!r}: {n=} {name:>10}"
        case _:
            return None
"""


@pytest.mark.parametrize(
    "transform_text",
    [
        pytest.param(lambda text: text, id="lf"),
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: text.replace("    ", "\t"), id="tabs"),
    ],
)
def test_modern_syntax_parses_and_unchanged_bytes_survive(tmp_path: Path, transform_text: object) -> None:
    assert callable(transform_text)
    data = transform_text(MODERN).encode()
    source = tmp_path / "modern.py"
    source.write_bytes(data)
    result = process(Task(str(source), Kind.PYTHON, str(tmp_path / "o.py"), WriteMode.OUTPUT))
    assert result.status is Status.UNCHANGED, result.errors
    assert (tmp_path / "o.py").read_bytes() == data


@pytest.mark.parametrize(
    ("prefix", "newline"),
    [
        pytest.param(b"", "\r\n", id="crlf"),
        pytest.param(codecs.BOM_UTF8, "\n", id="bom"),
        pytest.param(b"# -*- coding: latin-1 -*-\n# caf\xe9\n", "\n", id="latin-1"),
    ],
)
def test_changed_file_keeps_encoding_and_line_endings(tmp_path: Path, prefix: bytes, newline: str) -> None:
    case = changing_case()
    tail = MODERN.split("\n", 1)[1]  # modern code after the import, unchanged by any rule
    before = case.before + tail
    encoding = "latin-1" if b"latin-1" in prefix else "utf-8"
    source = tmp_path / "m.py"
    source.write_bytes(prefix + before.replace("\n", newline).encode(encoding))
    result = process(
        Task(str(source), Kind.PYTHON, None, WriteMode.IN_PLACE, Selection.of(case.select))
    )
    assert result.status is Status.CHANGED, result.errors
    expected = prefix + (case.after + tail).replace("\n", newline).encode(encoding)
    assert source.read_bytes() == expected


def test_workers_give_the_same_report_in_path_order(tmp_path: Path) -> None:
    case = changing_case()
    for index in range(6):
        body = case.before if index % 2 else "import tensorflow as tf\nx = 1\n"
        (tmp_path / f"f{index}.py").write_text(body)
    (tmp_path / "bad.py").write_text("import tensorflow\nprint 'x'\n")
    tasks = plan([tmp_path], selection=Selection.of(case.select))
    alone, pooled = run_tasks(tasks, jobs=1), run_tasks(tasks, jobs=2)
    assert pooled == alone
    assert [Path(r.path).name for r in pooled.files] == sorted(p.name for p in tmp_path.iterdir())
    assert pooled.counts() == {"changed": 3, "unchanged": 3, "failed": 1, "skipped": 0}


@pytest.mark.parametrize("files,jobs", [(500, 2), (50, 2), (7, 4), (1, 2)], ids=["500x2", "50x2", "7x4", "1x2"])
def test_batches_cover_the_work_in_order_and_end_with_single_files(files: int, jobs: int) -> None:
    batches = _batches(list(range(files)), jobs)
    assert [index for batch in batches for index in batch] == list(range(files))
    sizes = [len(batch) for batch in batches]
    assert max(sizes) <= 16
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-jobs:] == [1] * min(jobs, len(sizes))


def _has_tensorflow(_: object) -> bool:
    return "tensorflow" in sys.modules


def test_workers_never_inherit_tensorflow(monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ProcessPoolExecutor

    assert pool_context().get_start_method() in ("fork", "forkserver", "spawn")
    monkeypatch.setitem(sys.modules, "tensorflow", types.ModuleType("tensorflow"))
    context = pool_context()
    assert context.get_start_method() != "fork"
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        assert pool.submit(_has_tensorflow, None).result() is False


def test_rewriting_imports_no_tensorflow() -> None:
    code = (
        "import sys, migrate, migrate.cli, migrate.sources, migrate.notebooks; "
        "migrate.cli.build_parser(); print('tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
