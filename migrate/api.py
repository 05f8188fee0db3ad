"""Library entry points. Nothing here prints; every outcome comes back as data.

The `tf-migrate` commands use this module (and `migrate.harness` to compare programs), never the
modules behind it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from migrate.analysis.tf_names import mentions_tensorflow
from migrate.checkpoint_convert import ConversionResult, convert_checkpoint
from migrate.findings import RewriteResult
from migrate.pipeline import PARSE_ERROR, TRANSFORM_ERROR, Selection, rewrite_code
from migrate.sources import (
    REQUIREMENTS_FILE,
    FileResult,
    PathError,
    PathsReport,
    Progress,
    plan,
    run_tasks,
    write_requirements,
)
from migrate.transforms import ALL_TRANSFORMS
from migrate.transforms.base import Example

__all__ = [
    "REQUIREMENTS_FILE",
    "ConversionResult",
    "Example",
    "FileResult",
    "PathError",
    "PathsReport",
    "Progress",
    "RewriteResult",
    "all_rules",
    "convert_checkpoint",
    "rewrite_paths",
    "rewrite_source",
    "rule_examples",
    "tensorflow_programs",
]

# Codes the tool itself reports, whichever rules run.
TOOL_FINDINGS = {
    PARSE_ERROR: "the file does not parse as Python 3; it is left untouched",
    TRANSFORM_ERROR: "a transform failed on this file; it is left untouched",
}


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
    the MNIST reader); an output tree also gets `requirements-tf2.txt` (`REQUIREMENTS_FILE`),
    the packages beyond TensorFlow that the rewritten files import (`PathsReport.requirements()`).
    `jobs` worker processes (default: one per core) do the work; `progress(result, done,
    total)` is called in this process as each file finishes. With `diff`, each changed file's
    result carries a unified diff. Raises `PathError` before anything is written when the paths
    cannot be laid out as asked; problems with single files come back in the report.
    """
    sources = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    tasks = plan(
        sources, output=output, in_place=in_place, selection=Selection.of(select, ignore), want_diff=diff
    )
    report = run_tasks(tasks, jobs=jobs, progress=progress)
    return write_requirements(report, tasks, output) if output is not None else report


def all_rules() -> dict[str, str]:
    """Every code the tool can report, rules and findings alike, with its description, by code."""
    rules: dict[str, str] = {}
    for transform in ALL_TRANSFORMS:
        rules[transform.CODE] = transform.DESCRIPTION
        rules.update(transform.FINDINGS)
    rules.update(TOOL_FINDINGS)
    return dict(sorted(rules.items()))


def rule_examples() -> Iterator[tuple[str, Example]]:
    """Each rule's documented before/after examples, with its code, in the order the rules run."""
    for transform in ALL_TRANSFORMS:
        for example in transform.EXAMPLES:
            yield transform.CODE, example


def tensorflow_programs(tree: str | os.PathLike[str]) -> list[Path]:
    """The `.py` files under `tree` that use TensorFlow, relative to it and sorted: the programs
    whose rewrites `tf-migrate verify` runs. Files that cannot be read as UTF-8 are left out."""
    root = Path(tree)
    found = []
    for path in sorted(root.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if mentions_tensorflow(text):
            found.append(path.relative_to(root))
    return found
