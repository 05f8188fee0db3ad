"""Files on disk: which ones to rewrite, how to read and write them without losing a byte, and
how to run many of them through worker processes.

Nothing here prints. Every file ends as a `FileResult`, whatever went wrong with it: one bad
file never stops a run.
"""

from __future__ import annotations

import ast
import codecs
import difflib
import enum
import io
import multiprocessing
import os
import shutil
import stat
import sys
import tempfile
import tokenize
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from multiprocessing.context import BaseContext
from pathlib import Path

from migrate.analysis.project import ModuleLinks
from migrate.analysis.requirements import merged, requirements_text
from migrate.analysis.tf_names import mentions_tensorflow
from migrate.findings import Finding, Severity, SupportFile
from migrate.pipeline import PARSE_ERROR, TRANSFORM_ERROR, Selection, rewrite_code

PYTHON_SUFFIXES = frozenset({".py", ".pyw", ".pyi"})
NOTEBOOK_SUFFIX = ".ipynb"
# Directories that are never part of a program's source: they are neither rewritten nor copied.
SKIPPED_DIRECTORIES = frozenset({".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"})
# Written at the top of an output tree: the packages its programs import beyond TensorFlow.
REQUIREMENTS_FILE = "requirements-tf2.txt"


class Status(str, enum.Enum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    FAILED = "failed"  # could not be read or parsed; left untouched (and copied as is to OUT)
    SKIPPED = "skipped"  # not a Python file, a symlink, or empty: nothing to rewrite


class Kind(str, enum.Enum):
    PYTHON = "python"
    NOTEBOOK = "notebook"
    OTHER = "other"  # copied as is when writing to an output tree
    SYMLINK = "symlink"  # recreated as a symlink when writing to an output tree
    MISSING = "missing"


@dataclass(frozen=True)
class FileResult:
    """What happened to one file. `errors` is non-empty for a failed file, and for a notebook
    some of whose cells could not be rewritten while the others were."""

    path: str
    status: Status
    output: str | None = None
    findings: tuple[Finding, ...] = ()
    reason: str | None = None
    errors: tuple[str, ...] = ()
    diff: str | None = None
    # Modules written next to the output (or that would be), such as the MNIST reader.
    support_files: tuple[str, ...] = ()
    # Packages beyond TensorFlow that the output imports (migrate.analysis.requirements).
    requirements: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "status": self.status.value,
            "output": self.output,
            "reason": self.reason,
            "errors": list(self.errors),
            "support_files": list(self.support_files),
            "requirements": list(self.requirements),
            "findings": [finding.to_json() for finding in self.findings],
        }


@dataclass(frozen=True)
class PathsReport:
    """The outcome of a run over files and directory trees, one result per file, in path order."""

    files: tuple[FileResult, ...] = ()
    # OUT/requirements-tf2.txt when it was written; why not, when it could not be.
    requirements_file: str | None = None
    requirements_problem: str | None = None

    def with_status(self, status: Status) -> tuple[FileResult, ...]:
        return tuple(result for result in self.files if result.status is status)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(finding for result in self.files for finding in result.findings)

    @property
    def has_errors(self) -> bool:
        """True when some file, or some notebook cell, could not be rewritten."""
        return any(result.errors for result in self.files)

    @property
    def has_changes(self) -> bool:
        return any(result.status is Status.CHANGED for result in self.files)

    def counts(self) -> dict[str, int]:
        counted = Counter(result.status.value for result in self.files)
        return {status.value: counted.get(status.value, 0) for status in Status}

    def findings_by_code(self) -> dict[str, int]:
        return dict(sorted(Counter(finding.code for finding in self.findings).items()))

    def requirements(self) -> tuple[str, ...]:
        """Packages beyond TensorFlow that the rewritten files import, sorted."""
        return merged(result.requirements for result in self.files)

    def to_json(self) -> dict[str, object]:
        return {
            "summary": {
                **self.counts(),
                "findings": self.findings_by_code(),
                "requirements": list(self.requirements()),
                "requirements_file": self.requirements_file,
            },
            "files": [result.to_json() for result in self.files],
            "findings": [finding.to_json() for finding in self.findings],
        }


class WriteMode(str, enum.Enum):
    NONE = "none"  # report only
    OUTPUT = "output"  # write every file into an output tree
    IN_PLACE = "in-place"  # replace changed files


@dataclass(frozen=True)
class Task:
    """One file to handle, as sent to a worker process."""

    source: str
    kind: Kind
    dest: str | None = None
    write: WriteMode = WriteMode.NONE
    selection: Selection = field(default_factory=Selection)
    want_diff: bool = False
    # How the file is linked to the other modules of its directory run (None: rewritten alone).
    project: ModuleLinks | None = None


class PathError(ValueError):
    """The paths given cannot be laid out as asked (for example two sources with one name)."""


# --- reading and writing ---------------------------------------------------------------------


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    bom: bool

    def encode(self, text: str) -> bytes:
        return (codecs.BOM_UTF8 if self.bom else b"") + text.encode(self.encoding)


class DecodeError(ValueError):
    pass


def decode(data: bytes) -> Decoded:
    """Text of a Python source as Python itself would read it: BOM, then coding cookie, then UTF-8.

    Line endings are kept as they are, so CRLF files come back byte for byte.
    """
    if b"\0" in data:
        raise DecodeError("binary file (contains NUL bytes)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "invalid or missing encoding declaration" in str(error):
            raise DecodeError("not UTF-8 and no encoding cookie") from None
        raise DecodeError(f"bad encoding declaration: {error}") from None
    bom = encoding == "utf-8-sig"
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    encoding = "utf-8" if bom else encoding
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        where = f"byte {error.start}"
        if encoding == "utf-8":
            raise DecodeError(f"not UTF-8 and no encoding cookie ({where})") from None
        raise DecodeError(f"not valid {encoding} ({where})") from None
    return Decoded(text, encoding, bom)


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace `path` with `data` so that readers see the old file or the new one, never half."""
    with _replacing(path) as temporary:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)


def copy_atomic(source: Path, dest: Path) -> None:
    with _replacing(dest) as temporary:
        shutil.copy2(source, temporary)


@contextmanager
def _replacing(path: Path) -> Iterator[str]:
    """A temporary file next to `path` that takes its place when the block ends without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(descriptor)
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def link_atomic(target: str, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    temporary = dest.with_name(f".{dest.name}.{os.getpid()}.link")
    with suppress(OSError):
        os.unlink(temporary)
    os.symlink(target, temporary)
    os.replace(temporary, dest)


# --- which files ------------------------------------------------------------------------------


def classify(path: Path) -> Kind:
    if path.is_symlink():
        return Kind.SYMLINK
    if not path.exists():
        return Kind.MISSING
    if path.suffix == NOTEBOOK_SUFFIX:
        return Kind.NOTEBOOK
    if path.suffix in PYTHON_SUFFIXES:
        return Kind.PYTHON
    if not path.suffix and _has_python_shebang(path):
        return Kind.PYTHON
    return Kind.OTHER


def _has_python_shebang(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            first = handle.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def plan(
    paths: Sequence[str | os.PathLike[str]],
    *,
    output: str | os.PathLike[str] | None = None,
    in_place: bool = False,
    selection: Selection | None = None,
    want_diff: bool = False,
) -> list[Task]:
    """The files to handle, with where each one goes.

    With `output`, one source directory is mirrored into it; several sources (or a file) are
    placed in it by name. A single source file goes to `output` itself unless that is an
    existing directory. Without an output tree only Python files and notebooks are listed.
    """
    if output is not None and in_place:
        raise PathError("an output tree and in-place rewriting exclude each other")
    chosen = selection if selection is not None else Selection()
    write = WriteMode.OUTPUT if output is not None else WriteMode.IN_PLACE if in_place else WriteMode.NONE
    sources = [Path(path) for path in paths]
    out = Path(output) if output is not None else None
    tasks: list[Task] = []
    roots = _output_roots(sources, out)
    for source, root in zip(sources, roots):
        if source.is_dir() and not source.is_symlink():
            tasks.extend(
                Task(str(path), kind, str(dest) if dest else None, write, chosen, want_diff)
                for path, kind, dest in _walk(source, root, out)
            )
            continue
        kind = classify(source)
        if out is None and kind in (Kind.OTHER, Kind.SYMLINK):
            continue
        dest = root if root is not None else source if in_place else None
        tasks.append(Task(str(source), kind, str(dest) if dest else None, write, chosen, want_diff))
    return tasks


def _output_roots(sources: list[Path], out: Path | None) -> list[Path | None]:
    if out is None:
        return [None] * len(sources)
    if len(sources) == 1:
        source = sources[0]
        if source.is_dir() and not source.is_symlink():
            return [out]
        return [out / source.name if out.is_dir() else out]
    names = [source.resolve().name if source.name in ("", ".", "..") else source.name for source in sources]
    duplicates = sorted(name for name, count in Counter(names).items() if count > 1)
    if duplicates:
        raise PathError(f"several sources are named {', '.join(duplicates)}: give them one at a time")
    return [out / name for name in names]


def _walk(root: Path, dest_root: Path | None, out: Path | None) -> Iterator[tuple[Path, Kind, Path | None]]:
    excluded = out.resolve() if out is not None else None
    for directory, subdirectories, files in os.walk(root):
        base = Path(directory)
        relative = base.relative_to(root)
        kept = []
        for name in sorted(subdirectories):
            path = base / name
            if name in SKIPPED_DIRECTORIES or (excluded is not None and path.resolve() == excluded):
                continue
            if path.is_symlink():
                if dest_root is not None:
                    yield path, Kind.SYMLINK, dest_root / relative / name
                continue
            kept.append(name)
        subdirectories[:] = kept
        if dest_root is not None:
            (dest_root / relative).mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            path = base / name
            kind = classify(path)
            if dest_root is None and kind in (Kind.OTHER, Kind.SYMLINK):
                continue
            yield path, kind, (dest_root / relative / name) if dest_root is not None else (
                path if out is None else None
            )


# --- one file -------------------------------------------------------------------------------


def process(task: Task) -> FileResult:
    """Handle one file. Never raises for anything the file contains."""
    try:
        return _process(task)
    except Exception as error:  # noqa: BLE001  # an I/O error or a bug must cost one file, not the run
        return _broken(task.source, f"{type(error).__name__}: {error}")


def _process(task: Task) -> FileResult:
    source = Path(task.source)
    dest = Path(task.dest) if task.dest is not None else None
    to_output = task.write is WriteMode.OUTPUT and dest is not None
    if task.kind is Kind.MISSING:
        return _failed(task.source, "no such file or directory")
    if task.kind is Kind.SYMLINK:
        if to_output and dest is not None:
            link_atomic(os.readlink(source), dest)
        return FileResult(task.source, Status.SKIPPED, task.dest if to_output else None, reason="symlink")
    if task.kind is Kind.OTHER:
        if to_output and dest is not None:
            copy_atomic(source, dest)
        return FileResult(task.source, Status.SKIPPED, task.dest if to_output else None, reason="not a Python file")

    data = source.read_bytes()
    written = task.dest if to_output else None
    if not data.strip():
        if to_output and dest is not None:
            copy_atomic(source, dest)
        return FileResult(task.source, Status.SKIPPED, written, reason="empty file")
    try:
        decoded = decode(data)
    except DecodeError as error:
        if to_output and dest is not None:
            copy_atomic(source, dest)
        return _failed(task.source, str(error), written)

    rewritten = _rewrite_with_support(task, decoded.text, source, dest if to_output else None)
    new_text, findings, errors = rewritten.text, rewritten.findings, rewritten.errors
    if new_text is None:
        if to_output and dest is not None:
            copy_atomic(source, dest)
        return FileResult(task.source, Status.FAILED, written, findings, errors[0] if errors else None, errors)
    changed = new_text != decoded.text
    new_data = decoded.encode(new_text) if changed else data
    mode = stat.S_IMODE(source.stat().st_mode)
    # The program's own directory on output: where the modules it now imports go.
    home = dest.parent if to_output and dest is not None else source.parent
    writing = to_output or task.write is WriteMode.IN_PLACE
    if to_output and dest is not None:
        if changed:
            write_atomic(dest, new_data, mode)
        else:
            copy_atomic(source, dest)
    elif task.write is WriteMode.IN_PLACE and changed:
        write_atomic(source, new_data, mode)
        written = task.source
    support_paths = []
    for support in rewritten.support_files:
        target = home / support.name
        if writing and not _holds(target, support.text):
            write_atomic(target, support.text.encode("utf-8"), _SUPPORT_FILE_MODE)
        support_paths.append(str(target))
    diff = None
    if task.want_diff and changed:
        diff = _diff(task.source, decoded.text, new_text)
        for support in rewritten.support_files:
            if not _holds(source.parent / support.name, support.text):
                diff += _diff(str(source.parent / support.name), "", support.text)
    status = Status.CHANGED if changed else Status.UNCHANGED
    return FileResult(
        task.source,
        status,
        written,
        findings,
        errors[0] if errors else None,
        errors,
        diff,
        tuple(support_paths),
        rewritten.requirements,
    )


_SUPPORT_FILE_MODE = 0o644
SUPPORT_FILE_TAKEN = "a file named {name} next to the program is not the module this rule writes there; left as it was"


@dataclass(frozen=True)
class _Rewritten:
    text: str | None  # None when the file cannot be rewritten at all
    findings: tuple[Finding, ...] = ()
    errors: tuple[str, ...] = ()
    support_files: tuple[SupportFile, ...] = ()
    requirements: tuple[str, ...] = ()


def _rewrite_with_support(task: Task, text: str, source: Path, dest: Path | None) -> _Rewritten:
    """The rewrite of `text`, its support files free to be written: a rule whose support file
    would replace a different file of the same name (next to the source, or next to `dest`) is
    switched off for this file, and a finding says so. User files are never overwritten."""
    rewritten = _rewrite_text(task, text)
    taken = [
        support
        for support in rewritten.support_files
        if not _free_for(source.parent / support.name, support.text)
        or (dest is not None and not _free_for(dest.parent / support.name, support.text))
    ]
    if not taken:
        return rewritten
    rules = tuple(sorted({support.rule for support in taken}))
    narrower = replace(task, selection=replace(task.selection, ignore=task.selection.ignore + rules))
    again = _rewrite_text(narrower, text)
    notes = []
    for support in taken:
        line = next((f.line for f in rewritten.findings if f.code == support.rule), 0)
        message = SUPPORT_FILE_TAKEN.format(name=support.name)
        notes.append(Finding(line, 0, support.rule, message, Severity.ERROR, task.source))
    return replace(again, findings=tuple(sorted({*again.findings, *notes})))


def _free_for(path: Path, text: str) -> bool:
    """Whether `text` may be written to `path`: nothing is there, or the same text already is."""
    return not (path.exists() or path.is_symlink()) or _holds(path, text)


def _holds(path: Path, text: str) -> bool:
    try:
        return not path.is_symlink() and path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def _rewrite_text(task: Task, text: str) -> _Rewritten:
    if task.kind is Kind.NOTEBOOK:
        from migrate.notebooks import rewrite_notebook

        notebook = rewrite_notebook(text, path=task.source, selection=task.selection)
        if notebook.failed:
            return _Rewritten(None, notebook.findings, notebook.errors)
        return _Rewritten(
            notebook.code, notebook.findings, notebook.errors, notebook.support_files, notebook.requirements
        )
    if not mentions_tensorflow(text):
        error = syntax_error(text, task.source)
        if error is not None:
            return _Rewritten(None, (error,), (error.message,))
        return _Rewritten(text)
    result = rewrite_code(text, path=task.source, selection=task.selection, project=task.project)
    if result.error is not None:
        return _Rewritten(None, result.findings, (result.error,))
    return _Rewritten(result.code, result.findings, (), result.support_files, result.requirements)


def syntax_error(text: str, path: str | None) -> Finding | None:
    """A parse-error finding when `text` is not Python 3, checked by Python's own fast parser."""
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        line = getattr(error, "lineno", None) or 0
        detail = getattr(error, "msg", None) or str(error)
        message = f"cannot parse as Python 3 (Python 2 code or a syntax error): {detail}"
        return Finding(line, 0, PARSE_ERROR, message, Severity.ERROR, path)
    return None


def _failed(path: str, reason: str, output: str | None = None) -> FileResult:
    finding = Finding(0, 0, PARSE_ERROR, f"cannot read as Python source: {reason}", Severity.ERROR, path)
    return FileResult(path, Status.FAILED, output, (finding,), reason, (reason,))


def _diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def write_requirements(report: PathsReport, tasks: Sequence[Task], output: str | os.PathLike[str]) -> PathsReport:
    """Write OUT/requirements-tf2.txt (when OUT is a directory) listing `report`'s requirements;
    a file of that name that the source tree itself holds is left as it is, and the report says so."""
    out = Path(output)
    if not out.is_dir():
        return report
    target = out / REQUIREMENTS_FILE
    if any(task.dest is not None and Path(task.dest) == target for task in tasks):
        problem = f"not written: the source tree has its own {REQUIREMENTS_FILE}"
        return replace(report, requirements_problem=problem)
    text = requirements_text(report.requirements())
    if not _holds(target, text):
        write_atomic(target, text.encode("utf-8"), _SUPPORT_FILE_MODE)
    return replace(report, requirements_file=str(target))


# --- many files ----------------------------------------------------------------------------

Progress = Callable[[FileResult, int, int], None]


def run_tasks(tasks: Sequence[Task], *, jobs: int | None = None, progress: Progress | None = None) -> PathsReport:
    """Handle every task, in worker processes when there are several files and cores."""
    jobs = max(1, jobs if jobs is not None else os.cpu_count() or 1)
    results: list[FileResult | None] = [None] * len(tasks)
    done = 0

    def finish(index: int, result: FileResult) -> None:
        nonlocal done
        results[index] = result
        done += 1
        if progress is not None:
            progress(result, done, len(tasks))

    work = [index for index, task in enumerate(tasks) if task.kind in (Kind.PYTHON, Kind.NOTEBOOK)]
    if jobs == 1 or len(work) < 2:
        for index, task in enumerate(tasks):
            finish(index, process(task))
    else:
        for index, task in enumerate(tasks):
            if task.kind not in (Kind.PYTHON, Kind.NOTEBOOK):
                finish(index, process(task))
        for index, result in _in_workers(tasks, work, min(jobs, len(work))):
            finish(index, result)
    return PathsReport(tuple(result for result in results if result is not None))


def _batches(work: list[int], jobs: int) -> list[list[int]]:
    """Batches that shrink as the work runs out: large ones save round trips, and the last
    ones are single files, so no worker is left with a long batch while the others idle."""
    batches: list[list[int]] = []
    start = 0
    while start < len(work):
        size = max(1, min(16, (len(work) - start) // (jobs * 4)))
        batches.append(work[start : start + size])
        start += size
    return batches


def _in_workers(tasks: Sequence[Task], work: list[int], jobs: int) -> Iterator[tuple[int, FileResult]]:
    with ProcessPoolExecutor(max_workers=jobs, mp_context=pool_context()) as pool:
        pending: dict[Future[list[FileResult]], list[int]] = {
            pool.submit(process_batch, [tasks[index] for index in batch]): batch for batch in _batches(work, jobs)
        }
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                batch = pending.pop(future)
                try:
                    batch_results = future.result()
                except BrokenProcessPool:
                    batch_results = [_crashed(tasks[index]) for index in batch]
                yield from zip(batch, batch_results)


def process_batch(tasks: Iterable[Task]) -> list[FileResult]:
    return [process(task) for task in tasks]


def _crashed(task: Task) -> FileResult:
    return _broken(task.source, "the worker process died on this file or one next to it")


def _broken(path: str, reason: str) -> FileResult:
    finding = Finding(0, 0, TRANSFORM_ERROR, f"not rewritten: {reason}", Severity.ERROR, path)
    return FileResult(path, Status.FAILED, findings=(finding,), reason=reason, errors=(reason,))


def pool_context() -> BaseContext:
    """Forked workers start at once; but a parent that has loaded TensorFlow (its threads do not
    survive a fork, and workers must not pay for it) gets fresh workers from a fork server."""
    methods = multiprocessing.get_all_start_methods()
    if "tensorflow" in sys.modules or "fork" not in methods:
        return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return multiprocessing.get_context("fork")
