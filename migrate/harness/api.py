"""`compare(legacy, migrated)`: run both programs in child processes and report on parity."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from migrate.findings import RunSite
from migrate.harness import records
from migrate.harness.compare import (
    PROGRAM,
    Observable,
    compare_fetches,
    compare_stdout,
    compare_variables,
    pair_sites,
)
from migrate.harness.options import HarnessOptions
from migrate.harness.report import EquivalenceReport, VariableMatch
from migrate.harness.runner import LEGACY, MIGRATED, SideRun, run_side


def legacy_run_sites(legacy: Path) -> tuple[RunSite, ...]:
    """The rewriter's record of which legacy run site became which generated function."""
    from migrate.api import rewrite_source

    try:
        source = legacy.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ()
    return rewrite_source(source, path=str(legacy)).run_sites


def compare(
    legacy: str | Path,
    migrated: str | Path,
    *,
    options: HarnessOptions | None = None,
    run_sites: Sequence[RunSite] | None = None,
    workdir: str | Path | None = None,
) -> EquivalenceReport:
    """Run `legacy` (TF1, through the compat shim) and `migrated` (TF 2) and compare them.

    `run_sites` default to what `migrate.rewrite_source` records for the legacy source. The
    child processes' files go to a temporary directory unless `workdir` is given.
    """
    options = options or HarnessOptions()
    legacy_path, migrated_path = Path(legacy), Path(migrated)
    sites = tuple(run_sites) if run_sites is not None else legacy_run_sites(legacy_path)
    if workdir is not None:
        directory = Path(workdir)
        directory.mkdir(parents=True, exist_ok=True)
        return _compare(legacy_path, migrated_path, options, sites, directory)
    with tempfile.TemporaryDirectory(prefix="tf-migrate-harness-") as temporary:
        return _compare(legacy_path, migrated_path, options, sites, Path(temporary))


def _program_observable(run: SideRun) -> Observable:
    return Observable(PROGRAM, f"{run.side} program", run.ok, detail=f"{run.status}" + (f": {run.error}" if run.error else ""))


def run_legacy(
    legacy: str | Path,
    directory: str | Path,
    options: HarnessOptions,
    *,
    counted: Sequence[str] | None = None,
) -> SideRun:
    """Run the legacy program once; its run can be compared with several migrations.
    `counted` names the run sites that count towards `--steps` (all, when None)."""
    return run_side(LEGACY, Path(legacy), Path(directory), options, counted=counted)


def run_migrated(
    migrated: str | Path, directory: str | Path, options: HarnessOptions, legacy_run: SideRun
) -> SideRun:
    """Run the migrated program, starting its variables from `legacy_run`'s initial values."""
    has_variables = bool(records.load(legacy_run.results).variables)
    return run_side(
        MIGRATED,
        Path(migrated),
        Path(directory),
        options,
        legacy_results=legacy_run.results if has_variables else None,
    )


def _compare(
    legacy: Path, migrated: Path, options: HarnessOptions, sites: tuple[RunSite, ...], directory: Path
) -> EquivalenceReport:
    # Only legacy runs with a migrated counterpart count towards --steps: an initializer run,
    # say, has none, and counting it would stop the two programs at different points.
    counted = sorted({f"line {s.legacy_line}" for s in sites if s.function}) or None
    legacy_run = run_legacy(legacy, directory, options, counted=counted)
    migrated_run = run_migrated(migrated, directory, options, legacy_run)
    return evaluate(legacy_run, migrated_run, options, sites)


def evaluate(
    legacy_run: SideRun, migrated_run: SideRun, options: HarnessOptions, sites: Sequence[RunSite] = ()
) -> EquivalenceReport:
    """Compare two finished runs (their result files must still exist) under `options`."""
    legacy_result = records.load(legacy_run.results)
    migrated_result = records.load(migrated_run.results)
    notes = [f"legacy: {n}" for n in legacy_result.notes] + [f"migrated: {n}" for n in migrated_result.notes]
    if not legacy_result.variables and legacy_run.ok:
        notes.append("the legacy program initialised no variables through a session; nothing was injected")
    if legacy_result.stop_reason or migrated_result.stop_reason:
        notes.append(
            f"legacy {legacy_result.stop_reason or 'ran to the end'}; "
            f"migrated {migrated_result.stop_reason or 'ran to the end'}"
        )
    pairing = pair_sites(legacy_result, migrated_result, sites)
    observables = [_program_observable(legacy_run), _program_observable(migrated_run)]
    observables.extend(compare_fetches(legacy_result, migrated_result, pairing, options))
    if options.compare_stdout:
        observables.append(compare_stdout(legacy_run.stdout, migrated_run.stdout, options))
    observables.extend(compare_variables(legacy_result, migrated_result, options))
    return EquivalenceReport(
        legacy=legacy_run,
        migrated=migrated_run,
        observables=tuple(observables),
        pairing=pairing,
        variables=tuple(VariableMatch.of(v) for v in migrated_result.variables),
        random_ops=tuple(legacy_result.random_ops),
        notes=tuple(notes),
        options=options,
        step_rates=(legacy_result.step_rate(), migrated_result.step_rate()),
    )
