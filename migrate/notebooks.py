"""Jupyter notebooks: rewrite the code cells, leave everything else as it was.

The code cells are rewritten together, as one module, so that a name imported in the first
cell (`import tensorflow as tf`) is known in the later ones. IPython syntax (line magics, cell
magics, shell escapes, `?` help) is swapped for placeholder statements before parsing and put
back afterwards, character for character. A cell that is not Python 3 is reported with its
number and left as it is; the others are still rewritten.

Cells are numbered from 1, counting every cell (markdown too), as a reader counts them. A
finding in a cell carries `path:cell N` as its path and a line number within the cell.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass

from migrate.analysis.requirements import merged
from migrate.analysis.tf_names import mentions_tensorflow
from migrate.findings import Finding, RewriteResult, Severity, SupportFile
from migrate.notebook_cells import CELL_MAGIC, IPYTHON_LINE, PYTHON_CELL_MAGICS, source_text
from migrate.pipeline import PARSE_ERROR, TRANSFORM_ERROR, Selection, rewrite_code


@dataclass(frozen=True)
class NotebookResult:
    original: str
    code: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[str, ...] = ()  # cells left as they were, or why the whole notebook was
    failed: bool = False  # the notebook itself could not be read
    support_files: tuple[SupportFile, ...] = ()  # modules the rewritten cells import
    requirements: tuple[str, ...] = ()  # packages beyond TensorFlow the rewritten cells import

    @property
    def changed(self) -> bool:
        return not self.failed and self.code != self.original


@dataclass
class _Cell:
    number: int  # 1-based position among all cells
    text: str  # the masked text, ending with a newline
    masks: dict[str, str]  # placeholder line -> the IPython line it stands for
    had_final_newline: bool
    result: str | None = None


def rewrite_notebook(
    text: str, *, path: str | None = None, selection: Selection | None = None
) -> NotebookResult:
    """Rewrite the code cells of a notebook's JSON text. Never raises for bad input."""
    selection = selection if selection is not None else Selection()
    try:
        notebook = json.loads(text)
    except ValueError as error:
        return _unreadable(text, path, f"not a notebook: invalid JSON ({error})")
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return _unreadable(text, path, "not a notebook in nbformat 4 (no top-level cell list)")

    marker = _unused_name(text, "_tf_migrate_cell")
    mask_name = _unused_name(text, "_tf_migrate_ipython")
    findings: list[Finding] = []
    errors: list[str] = []
    todo: list[_Cell] = []
    results: list[RewriteResult] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = source_text(cell.get("source", ""))
        if source is None or not source.strip():
            continue
        magic = CELL_MAGIC.match(source)
        if magic and magic.group(1) not in PYTHON_CELL_MAGICS:
            continue
        masked = _mask(source, f"{mask_name}_{index}")
        number = index + 1
        problem = _syntax_problem(masked[0])
        if problem is not None:
            line, message = problem
            where = _cell_path(path, number)
            findings.append(Finding(line, 0, PARSE_ERROR, message, Severity.ERROR, where))
            errors.append(f"cell {number}: {message}; left as it is")
            continue
        todo.append(_Cell(number, masked[0], masked[1], source.endswith("\n")))

    has_work = bool(todo) and mentions_tensorflow("".join(cell.text for cell in todo))
    if has_work and not _rewrite_together(todo, marker, path, selection, findings, results):
        results.clear()
        _rewrite_each(todo, path, selection, findings, errors, results)

    changed = False
    for cell in todo:
        if cell.result is None:
            continue
        restored = _unmask(cell.result, cell.masks)
        if restored is None:
            message = "IPython syntax was moved by a rewrite; cell left as it is"
            findings.append(Finding(0, 0, TRANSFORM_ERROR, message, Severity.ERROR, _cell_path(path, cell.number)))
            errors.append(f"cell {cell.number}: {message}")
            continue
        if not cell.had_final_newline and restored.endswith("\n"):
            restored = restored[:-1]
        raw = cells[cell.number - 1]
        if restored == source_text(raw.get("source", "")):
            continue
        raw["source"] = _as_source(restored, raw.get("source"))
        changed = True

    code = _dump(notebook, text) if changed else text
    return NotebookResult(
        text,
        code,
        tuple(sorted(set(findings), key=_finding_order)),
        tuple(errors),
        support_files=tuple(sorted({f for result in results if result.error is None for f in result.support_files})),
        requirements=merged(result.requirements for result in results if result.error is None),
    )


def _finding_order(finding: Finding) -> tuple[int, int, int, str]:
    number = finding.path.rsplit(":cell ", 1)[-1] if finding.path and ":cell " in finding.path else "0"
    return int(number) if number.isdigit() else 0, finding.line, finding.column, finding.code


def _unreadable(text: str, path: str | None, reason: str) -> NotebookResult:
    finding = Finding(0, 0, PARSE_ERROR, reason, Severity.ERROR, path)
    return NotebookResult(text, text, (finding,), (reason,), failed=True)


def _cell_path(path: str | None, number: int) -> str:
    return f"{path or '<notebook>'}:cell {number}"


def _as_source(text: str, like: object) -> str | list[str]:
    return text if isinstance(like, str) else text.splitlines(keepends=True)


def _unused_name(text: str, stem: str) -> str:
    name, suffix = stem, 0
    while name in text:
        suffix += 1
        name = f"{stem}{suffix}"
    return name


# --- IPython syntax ---------------------------------------------------------------------------


def _mask(source: str, stem: str) -> tuple[str, dict[str, str]]:
    """Swap IPython lines for placeholder statements at the same indentation."""
    lines = source.splitlines(keepends=True)
    masks: dict[str, str] = {}
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if (index == 0 and line.startswith("%%")) or IPYTHON_LINE.match(line):
            block = [line]
            # A magic or shell line continues over lines ending in a backslash.
            while block[-1].rstrip("\r\n").endswith("\\") and index + 1 < len(lines):
                index += 1
                block.append(lines[index])
            placeholder = f"{stem}_{len(masks)}"
            masks[placeholder] = "".join(block)
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}{placeholder}\n")
        else:
            out.append(line)
        index += 1
    text = "".join(out)
    return (text if text.endswith("\n") else text + "\n"), masks


def _unmask(code: str, masks: dict[str, str]) -> str | None:
    """The rewritten cell with every placeholder put back, or None if any went missing."""
    if not masks:
        return code
    seen: set[str] = set()
    out: list[str] = []
    for line in code.splitlines(keepends=True):
        key = line.strip()
        if key in masks and key not in seen:
            seen.add(key)
            original = masks[key]
            out.append(original if original.endswith("\n") or not line.endswith("\n") else original + "\n")
        else:
            out.append(line)
    return "".join(out) if seen == set(masks) else None


def _syntax_problem(text: str) -> tuple[int, str] | None:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        detail = getattr(error, "msg", None) or str(error)
        line = getattr(error, "lineno", None) or 0
        return line, f"cannot parse as Python 3 (Python 2 code or a syntax error): {detail}"
    return None


# --- rewriting ------------------------------------------------------------------------------


def _rewrite_together(
    cells: list[_Cell],
    marker: str,
    path: str | None,
    selection: Selection,
    findings: list[Finding],
    results: list[RewriteResult],
) -> bool:
    """Rewrite the cells as one module, cut apart again at marker statements. False when that
    fails (a parse error or a marker that did not survive), so the caller goes cell by cell."""
    parts: list[str] = []
    starts: list[int] = []
    line = 1
    for position, cell in enumerate(cells):
        if position:
            parts.append(f"{marker}_{position}\n")
            line += 1
        starts.append(line)
        parts.append(cell.text)
        line += cell.text.count("\n")
    result = rewrite_code("".join(parts), path=path, selection=selection)
    if result.error is not None:
        return False
    pieces = _split(result.code, marker, len(cells))
    if pieces is None:
        return False
    for cell, piece in zip(cells, pieces):
        cell.result = piece
    results.append(result)
    for finding in result.findings:
        position = max((i for i, start in enumerate(starts) if start <= finding.line), default=0)
        cell = cells[position]
        findings.append(_in_cell(finding, path, cell.number, finding.line - starts[position] + 1))
    return True


def _split(code: str, marker: str, count: int) -> list[str] | None:
    pieces: list[str] = []
    current: list[str] = []
    expected = 1
    for line in code.splitlines(keepends=True):
        if line.strip() == f"{marker}_{expected}":
            pieces.append("".join(current))
            current = []
            expected += 1
        elif marker in line:
            return None
        else:
            current.append(line)
    pieces.append("".join(current))
    return pieces if len(pieces) == count else None


def _rewrite_each(
    cells: list[_Cell],
    path: str | None,
    selection: Selection,
    findings: list[Finding],
    errors: list[str],
    results: list[RewriteResult],
) -> None:
    for cell in cells:
        result = rewrite_code(cell.text, path=path, selection=selection)
        results.append(result)
        findings.extend(_in_cell(finding, path, cell.number, finding.line) for finding in result.findings)
        if result.error is not None:
            errors.append(f"cell {cell.number}: {result.error}; left as it is")
            continue
        cell.result = result.code


def _in_cell(finding: Finding, path: str | None, number: int, line: int) -> Finding:
    return Finding(line, finding.column, finding.code, finding.message, finding.severity, _cell_path(path, number))


# --- JSON -----------------------------------------------------------------------------------


def _dump(notebook: object, original: str) -> str:
    """Serialise as the original was: its indentation, escaping and final newline."""
    indent = _indent_of(original)
    ascii_only = original.isascii() and "\\u" in original
    text = json.dumps(notebook, indent=indent, ensure_ascii=ascii_only)
    if original.endswith("\n") and not text.endswith("\n"):
        text += "\n"
    if "\r\n" in original:
        text = text.replace("\n", "\r\n")
    return text


def _indent_of(text: str) -> int | str | None:
    lines = text.splitlines()
    if len(lines) < 2:
        return None
    second = lines[1]
    whitespace = second[: len(second) - len(second.lstrip())]
    if not whitespace:
        return None
    return len(whitespace) if set(whitespace) == {" "} else whitespace
