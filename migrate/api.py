"""Library entry points. Nothing here prints; every outcome comes back as data."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from migrate.findings import RewriteResult
from migrate.pipeline import Selection, rewrite_code
from migrate.sources import PathsReport, Progress, plan, run_tasks, write_requirements


def rewrite_source(
    code: str,
    *,
    path: str | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
) -> RewriteResult:
    """Rewrite one Python source text from TF1 to TF2.

    `select` / `ignore` take rule codes or code prefixes (`"TFM1"`, `"TFM201"`).
    """
    return rewrite_code(code, path=path, selection=Selection.of(select, ignore))


def rewrite_paths(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    output: str | os.PathLike[str] | None = None,
    in_place: bool = False,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    diff: bool = False,
) -> PathsReport:
    """Rewrite Python files, notebooks and directory trees.

    With `output`, every file goes to the output tree (the same relative layout; other files
    copied as they are, symlinks kept as symlinks); with `in_place`, changed files are replaced
    atomically; with neither, nothing is written and the report says what would change. A
    rewritten program may need a module written next to it (`FileResult.support_files`, such as
    the MNIST reader); an output tree also gets `requirements-tf2.txt`, the packages beyond
    TensorFlow that the rewritten files import (`PathsReport.requirements()`).
    `jobs` worker processes (default: one per core) do the work; `progress(result, done,
    total)` is called in this process as each file finishes. With `diff`, each changed file's
    result carries a unified diff. Raises `migrate.sources.PathError` when the paths cannot be
    laid out as asked; problems with single files come back in the report.
    """
    sources = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    tasks = plan(
        sources, output=output, in_place=in_place, selection=Selection.of(select, ignore), want_diff=diff
    )
    report = run_tasks(tasks, jobs=jobs, progress=progress)
    return write_requirements(report, tasks, output) if output is not None else report
