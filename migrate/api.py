"""Library entry points. Nothing here prints; every outcome comes back as data.

The `tf-migrate` commands use this module (and `migrate.harness` to compare programs), never the
modules behind it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from migrate import joint_modules
from migrate.analysis import project
from migrate.analysis.project import ImportSite, ModuleLinks, Project
from migrate.analysis.tf_names import mentions_tensorflow
from migrate.checkpoint_convert import ConversionResult, convert_checkpoint
from migrate.findings import Finding, RewriteResult, Severity
from migrate.pipeline import MIXED_MODES, PARSE_ERROR, TRANSFORM_ERROR, UNDEFINED_NAME, Selection, rewrite_code
from migrate.sources import (
    REQUIREMENTS_FILE,
    FileResult,
    Kind,
    PathError,
    PathsReport,
    Progress,
    Task,
    plan,
    run_tasks,
    write_requirements,
)
from migrate.transforms import ALL_TRANSFORMS
from migrate.transforms.base import Example
from migrate.transforms.v1_behavior import RUN_ELSEWHERE, RUNS_GRAPH_OF, runs_graph_of_message

__all__ = [
    "REQUIREMENTS_FILE",
    "ConversionResult",
    "Example",
    "FileResult",
    "ImportSite",
    "PathError",
    "PathsReport",
    "Progress",
    "Project",
    "RewriteResult",
    "all_rules",
    "convert_checkpoint",
    "project_imports",
    "rewrite_paths",
    "rewrite_source",
    "rule_examples",
    "tensorflow_programs",
]

# Codes the tool itself reports, whichever rules run.
TOOL_FINDINGS = {
    PARSE_ERROR: "the file does not parse as Python 3; it is left untouched",
    TRANSFORM_ERROR: "a transform failed on this file; it is left untouched",
    UNDEFINED_NAME: "the conversion would read a name it does not define; the file is left in graph mode",
    MIXED_MODES: "the session code would convert, but other code of the file needs graph mode; the file stays a "
    "session program",
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

    Each source directory is one project: every file's rewrite knows which of the tree's
    modules it imports and which import it (`project_imports`). Findings that join two files
    (TFM007, at an import of a module that reported TFM006) are added once every file is done:
    `progress` sees each file's own findings, the report all of them.
    """
    sources = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    tasks = plan(
        sources, output=output, in_place=in_place, selection=Selection.of(select, ignore), want_diff=diff
    )
    tasks = _linked(tasks, sources)
    report = _graph_imports_noted(run_tasks(tasks, jobs=jobs, progress=progress), tasks)
    return write_requirements(report, tasks, output) if output is not None else report


def project_imports(tree: str | os.PathLike[str]) -> Project:
    """The import graph of the Python files `rewrite_paths([tree])` would rewrite: which of the
    tree's own modules each file imports, and through which names (migrate.analysis.project)."""
    return _scan(Path(tree), plan([tree]))


def joint_links(program: str | os.PathLike[str]) -> ModuleLinks | None:
    """How `program` is linked to its directory in a run of that directory, when it is
    rewritten together with a module it imports, or that imports it (migrate.joint_modules);
    None otherwise."""
    path = Path(program)
    graph = _scan(path.parent, plan([path.parent]))
    group = joint_modules.partners(graph, _joint_candidates(path.parent, graph)).get(path.name)
    return None if group is None else joint_modules.with_partner(graph.links(path.name), group)


def _scan(root: Path, tasks: Iterable[Task]) -> Project:
    return project.scan(root, (task.source for task in tasks if task.kind is Kind.PYTHON))


def _linked(tasks: list[Task], sources: Sequence[str | os.PathLike[str]]) -> list[Task]:
    """`tasks`, the Python files of each source directory told how they link to each other."""
    linked = list(tasks)
    for source in sources:
        root = Path(source)
        if not root.is_dir() or root.is_symlink():
            continue
        # A file of two source directories (one inside the other) belongs to the first.
        members = [index for index, task in enumerate(linked) if _member(task, root)]
        graph = _scan(root, (tasks[index] for index in members))
        pairs = joint_modules.partners(graph, _joint_candidates(root, graph))
        for index in members:
            path = Path(tasks[index].source).relative_to(root).as_posix()
            links = joint_modules.with_partner(graph.links(path), pairs.get(path))
            linked[index] = replace(tasks[index], project=links)
    return linked


def _joint_candidates(root: Path, graph: Project) -> dict[str, str]:
    """The texts of the modules few enough files import to be rewritten with them, and of those
    files (migrate.joint_modules)."""
    texts: dict[str, str] = {}
    for path in graph.files:
        sites = graph.importers_of(path)
        if not 0 < len(sites) <= joint_modules.MAX_IMPORTERS or not path.endswith(".py"):
            continue
        for name in (path, *(site.importer for site in sites)):
            if name in texts:
                continue
            try:
                texts[name] = (root / name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
    return texts


def _member(task: Task, root: Path) -> bool:
    return task.kind is Kind.PYTHON and task.project is None and Path(task.source).is_relative_to(root)


def _graph_imports_noted(report: PathsReport, tasks: Sequence[Task]) -> PathsReport:
    """`report` with TFM007 at each import, in the same run, of a module that reported TFM006."""
    index_of = {task.source: index for index, task in enumerate(tasks)}
    added: dict[int, list[Finding]] = {}
    for task, result in zip(tasks, report.files):
        if task.project is None or not any(f.code == RUN_ELSEWHERE for f in result.findings):
            continue
        root = _root_of(task.source, task.project)
        for site in task.project.imported_by:
            importer = str(root / site.importer)
            index = index_of.get(importer)
            if index is None or site.switched_off(RUNS_GRAPH_OF):
                continue
            message = runs_graph_of_message(site)
            added.setdefault(index, []).append(
                Finding(site.line, site.column, RUNS_GRAPH_OF, message, Severity.INFO, importer)
            )
    if not added:
        return report
    files = list(report.files)
    for index, findings in added.items():
        files[index] = replace(files[index], findings=tuple(sorted({*files[index].findings, *findings})))
    return replace(report, files=tuple(files))


def _root_of(source: str, links: ModuleLinks) -> Path:
    return Path(source).parents[len(PurePosixPath(links.path).parts) - 1]


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
    """The `.py` files under `tree` that use TensorFlow and run as programs, relative to it and
    sorted: the programs whose rewrites `tf-migrate verify` runs. A module another file of the
    tree imports is part of that file's program, not one of its own, unless it has a
    `if __name__ == "__main__":` block. Files that cannot be read as UTF-8 are left out."""
    root = Path(tree)
    texts: dict[Path, str] = {}
    for path in sorted(root.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if mentions_tensorflow(text):
            texts[path.relative_to(root)] = text
    graph = project.scan(root, [root / path for path in texts])
    return [
        path
        for path, text in texts.items()
        if not graph.importers_of(path.as_posix()) or project.runs_as_script(text)
    ]
