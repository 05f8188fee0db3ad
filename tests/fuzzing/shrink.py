"""Shrink a failing program: drop statements while the program still fails the same way.

A statement is a line together with the more-indented lines under it (a `with` or `for` block
goes as a whole). Each pass tries dropping every statement once, last first, and keeps a drop
when the candidate still compiles and `still_fails(candidate)` holds; passes repeat until none
helps or `budget` candidates were tried. The predicate decides what "the same way" means (the
same outcome kind, usually); it sees only candidates that compile.
"""

from __future__ import annotations

from collections.abc import Callable


def _statements(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of every statement, nested ones included, end exclusive."""
    spans = []
    for start, text in enumerate(lines):
        if not text.strip() or text.lstrip().startswith(("import ", "from ")):
            continue
        indent = len(text) - len(text.lstrip())
        end = start + 1
        while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
            end += 1
        spans.append((start, end))
    return spans


def _compiles(source: str) -> bool:
    try:
        compile(source, "candidate.py", "exec")
    except SyntaxError:
        return False
    return True


def shrink(source: str, still_fails: Callable[[str], bool], *, budget: int = 200) -> str:
    """The smallest program found by statement deletion that still fails."""
    current = source.splitlines()
    tried = 0
    improved = True
    while improved and tried < budget:
        improved = False
        for start, end in reversed(_statements(current)):
            if tried >= budget:
                break
            if end > len(current):
                continue
            candidate_lines = current[:start] + current[end:]
            candidate = "\n".join(candidate_lines) + "\n"
            if not _compiles(candidate):
                # A block left empty: keep it compiling with `pass` only if that is still smaller.
                continue
            tried += 1
            if still_fails(candidate):
                current = candidate_lines
                improved = True
    return "\n".join(current) + "\n"
