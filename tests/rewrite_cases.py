"""A source that the registered transforms change, picked at run time so that the file-handling
tests do not depend on which rules exist: a rule's own example, else a fixture case."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from migrate import rewrite_source
from migrate.transforms import ALL_TRANSFORMS

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Case:
    select: tuple[str, ...]  # rule codes to select; empty means every rule
    before: str
    after: str


def _candidates() -> list[Case]:
    cases = [
        Case((transform.CODE,), example.before, example.after)
        for transform in ALL_TRANSFORMS
        for example in transform.EXAMPLES
        if example.after is not None and example.after != example.before
    ]
    for source in sorted(FIXTURES.glob("*/*.in.py")):
        expected = source.with_name(source.name.replace(".in.py", ".out.py"))
        before, after = source.read_text(encoding="utf-8"), expected.read_text(encoding="utf-8")
        if before != after:
            cases.append(Case((), before, after))
    return cases


def changing_case() -> Case:
    """A case that starts with an import line (notebook tests split it there), whose rewrite
    under its selection is what it documents."""
    for case in sorted(_candidates(), key=lambda case: not case.before.startswith("import ")):
        if rewrite_source(case.before, select=case.select or None).code == case.after:
            return case
    pytest.skip("no registered transform changes any example or fixture yet")


def select_args(case: Case) -> list[str]:
    return ["--select", ",".join(case.select)] if case.select else []
