"""`compare(legacy, migrated)`: run both programs in child processes and report on parity."""

from __future__ import annotations

import ast
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from migrate.findings import RunSite
from migrate.harness import records
from migrate.harness.notebook_scripts import NOTEBOOK_SUFFIX, notebook_script
from migrate.harness.observables import (
    PROGRAM,
    Observable,
    compare_fetches,
    compare_stdout,
    compare_variables,
    pair_sites,
    random_alignment,
)
from migrate.harness.options import HarnessOptions
from migrate.harness.report import EquivalenceReport, VariableMatch
from migrate.harness.runner import LEGACY, MIGRATED, NOT_RUN, SideRun, run_side
from migrate.harness.site_map import SiteMap


def legacy_run_sites(legacy: Path, migrated: Path | None = None) -> tuple[RunSite, ...]:
    """The rewriter's record of which legacy run site became which generated function.

    A script rewritten together with a module it imports (migrate.joint_modules) has its part
    of the joint rewrite's record; with `migrated`, its sites whose function the migrated
    program does not define (a method of the module's converted class) are left unpaired.
    """
    from migrate.api import joint_links
    from migrate.pipeline import rewrite_code

    try:
        text = legacy.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ()
    # A notebook's sites are lines of the script it runs as, which the legacy child reports.
    source = notebook_script(text) if legacy.suffix == NOTEBOOK_SUFFIX else text
    if source is None:
        return ()
    links = joint_links(legacy)
    sites = rewrite_code(source, path=str(legacy), project=links).run_sites
    if links is None or migrated is None:
        return sites
    try:
        return sites_defined_in(sites, migrated.read_text(encoding="utf-8"), migrated.parent)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return sites


def sites_defined_in(sites: Sequence[RunSite], migrated: str, directory: Path | None = None) -> tuple[RunSite, ...]:
    """`sites`, those whose function neither `migrated` nor a module of `directory` it imports
    defines left unpaired: the harness records the calls of the functions of the program and of
    its project's modules (the methods of a converted model class among them), not those of
    installed packages."""
    tree = ast.parse(migrated)
    trees = [tree]
    for module in _imported_modules(tree):
        path = directory / Path(*module.split(".")) if directory is not None else None
        for candidate in (path.with_suffix(".py"), path / "__init__.py") if path is not None else ():
            try:
                trees.append(ast.parse(candidate.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
                continue
    defined = {node.name for t in trees for node in ast.walk(t) if isinstance(node, ast.FunctionDef)}
    return tuple(site if site.function in defined else replace(site, function="") for site in sites)


def _imported_modules(tree: ast.Module) -> list[str]:
    """The absolute module names a program imports."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


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
    sites = tuple(run_sites) if run_sites is not None else legacy_run_sites(legacy_path, migrated_path)
    if workdir is not None:
        directory = Path(workdir)
        directory.mkdir(parents=True, exist_ok=True)
        return _compare(legacy_path, migrated_path, options, sites, directory)
    with tempfile.TemporaryDirectory(prefix="tf-migrate-harness-") as temporary:
        return _compare(legacy_path, migrated_path, options, sites, Path(temporary))


def _program_observable(run: SideRun) -> Observable:
    return Observable(PROGRAM, f"{run.side} program", run.ok, detail=f"{run.status}" + (f": {run.error}" if run.error else ""))


def site_map(run_sites: Sequence[RunSite]) -> SiteMap | None:
    """The rewriter's records as the children read them; None when no site became a function."""
    if not any(site.function for site in run_sites):
        return None
    return SiteMap.from_records((site.legacy_line, site.function) for site in run_sites)


def run_legacy(
    legacy: str | Path,
    directory: str | Path,
    options: HarnessOptions,
    *,
    run_sites: Sequence[RunSite] = (),
) -> SideRun:
    """Run the legacy program once; its run can be compared with several migrations.
    With `run_sites`, only legacy runs a generated function replaced count towards `--steps`
    (an initializer run, say, has no counterpart: counting it would stop the two programs at
    different points); without, every run of the program's own counts."""
    return run_side(LEGACY, Path(legacy), Path(directory), options, sites=site_map(run_sites))


def run_migrated(
    migrated: str | Path,
    directory: str | Path,
    options: HarnessOptions,
    legacy_run: SideRun,
    *,
    run_sites: Sequence[RunSite] = (),
) -> SideRun:
    """Run the migrated program, starting its variables from `legacy_run`'s initial values and
    replaying its random draws (paired through `run_sites`, else by order of first use). The
    legacy program's directory stays visible to it, after its own."""
    return run_side(
        MIGRATED,
        Path(migrated),
        Path(directory),
        options,
        legacy_results=legacy_run.results,
        sites=site_map(run_sites),
        fallback_dirs=[Path(legacy_run.program).resolve().parent],
    )


def _compare(
    legacy: Path, migrated: Path, options: HarnessOptions, sites: tuple[RunSite, ...], directory: Path
) -> EquivalenceReport:
    legacy_run = run_legacy(legacy, directory, options, run_sites=sites)
    if not legacy_run.ok:
        # Nothing could be compared: running the migration would only cost time.
        return evaluate(legacy_run, not_run(migrated, directory, "the legacy program did not run"), options, sites)
    migrated_run = run_migrated(migrated, directory, options, legacy_run, run_sites=sites)
    return evaluate(legacy_run, migrated_run, options, sites)


def not_run(program: Path, directory: Path, reason: str) -> SideRun:
    """A side that was not run, as a run that ended at once."""
    results = directory / MIGRATED
    results.mkdir(parents=True, exist_ok=True)
    (results / records.RESULT_FILE).unlink(missing_ok=True)
    return SideRun(MIGRATED, str(program), NOT_RUN, None, 0.0, "", "", results, reason)


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
        random=random_alignment(legacy_result, migrated_result, options),
    )
