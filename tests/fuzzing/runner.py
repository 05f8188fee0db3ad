"""Run many generated programs through `check`, in worker processes, and tally the outcomes.

Used by `benchmarks/fuzz.py` (the long run) and `tests/test_fuzz.py` (the quick run in CI).
Each worker checks one program at a time; a parity check itself starts two TensorFlow children,
so `jobs` workers keep up to 2 * `jobs` TensorFlow processes busy.
"""

from __future__ import annotations

import collections
import json
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from fuzzing.check import (
    CONVERTED,
    DECLINED,
    DEFAULT_OPTIONS,
    UNCHECKED,
    Outcome,
    check,
)
from fuzzing.check_project import check_project
from fuzzing.generator import Options, generate
from fuzzing.keras_programs import generate_keras
from fuzzing.split import split
from migrate.harness import HarnessOptions


@dataclass(frozen=True)
class Case:
    seed: int
    source: str
    outcome: Outcome
    # A split program (fuzzing.split): its files, and `source` the single file it was split from.
    files: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if self.outcome.kind == DECLINED:
            return f"{DECLINED} {'+'.join(self.outcome.reasons)}"
        if self.outcome.kind == CONVERTED and self.outcome.detail == UNCHECKED:
            return "converted (parity not checked)"
        return self.outcome.kind


def check_seed(
    seed: int, options: Options, harness: HarnessOptions, parity: bool, projects: bool = False, keras: bool = False
) -> Case:
    """One seed's case; with `projects`, its program split into a model class and a script; with
    `keras`, a Keras program of its own (fuzzing.keras_programs)."""
    with tempfile.TemporaryDirectory(prefix=f"tfm-fuzz-{seed}-") as directory:
        if projects:
            project = split(seed, options)
            outcome = check_project(project.files, options=harness, workdir=Path(directory), parity=parity)
            return Case(seed, project.single, outcome, project.files)
        source = generate_keras(seed) if keras else generate(seed, options)
        outcome = check(source, options=harness, workdir=Path(directory), parity=parity)
    return Case(seed, source, outcome)


def run_seeds(
    seeds: Iterable[int],
    *,
    options: Options | None = None,
    harness: HarnessOptions = DEFAULT_OPTIONS,
    parity: bool = True,
    jobs: int = 2,
    progress: Callable[[Case, int], None] | None = None,
    projects: bool = False,
    keras: bool = False,
) -> list[Case]:
    """Check every seed's program (split into a project with `projects`, a Keras program with
    `keras`); cases come back in seed order."""
    seeds = list(seeds)
    options = options or Options()
    cases: list[Case] = []
    if jobs <= 1:
        for seed in seeds:
            cases.append(check_seed(seed, options, harness, parity, projects, keras))
            if progress:
                progress(cases[-1], len(cases))
        return cases
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(check_seed, seed, options, harness, parity, projects, keras) for seed in seeds]
        for future in futures:
            cases.append(future.result())
            if progress:
                progress(cases[-1], len(cases))
    return cases


def tally(cases: Iterable[Case]) -> collections.Counter[str]:
    return collections.Counter(case.label for case in cases)


def save_failure(case: Case, directory: Path) -> Path:
    """Keep a failing case: the program, its rewrite and what went wrong. A project's files go
    to `seedN/` (its single-file program to `seedN.in.py`, the rewritten files one after the
    other to `seedN.rewritten.py`)."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"seed{case.seed}"
    stem.with_suffix(".in.py").write_text(case.source, encoding="utf-8")
    if case.files:
        stem.mkdir(exist_ok=True)
        for name, text in case.files.items():
            (stem / name).write_text(text, encoding="utf-8")
    stem.with_suffix(".rewritten.py").write_text(case.outcome.output, encoding="utf-8")
    details = {
        "seed": case.seed,
        "kind": case.outcome.kind,
        "reasons": list(case.outcome.reasons),
        "detail": case.outcome.detail,
        "report": case.outcome.report,
    }
    stem.with_suffix(".json").write_text(json.dumps(details, indent=2, default=str), encoding="utf-8")
    return stem
