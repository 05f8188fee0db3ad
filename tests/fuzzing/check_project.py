"""Push a split program (fuzzing.split) through a directory rewrite, idempotency and parity.

The project's files are written to `WORKDIR/legacy/` and rewritten as one directory run
(`migrate.api.rewrite_paths`), so that the model module and the script that imports it are
converted together, into `WORKDIR/migrated/`. Each file must parse, read no name the legacy
file did not, and come out of a second directory run unchanged. The project counts as converted
only when no file keeps graph mode (TFM003); a project some file of which does is declined, and
the files' reason codes together must say why. Parity runs `WORKDIR/legacy/train.py` against
`WORKDIR/migrated/train.py`: the harness puts each program's own directory first on `sys.path`,
so each script imports its own `model.py`.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from static_checks import new_undefined_names

from fuzzing.check import (
    CONVERTED,
    CRASH,
    DECLINED,
    DECLINED_BROKEN,
    DEFAULT_OPTIONS,
    NO_REASON,
    NOT_IDEMPOTENT,
    STILL_GRAPH,
    UNCHECKED,
    UNDEFINED_NAME,
    UNPARSABLE,
    Outcome,
    Rewrite,
    first_difference,
    reasons_of,
    reports_rounding,
    run_parity,
    unsupported_runs,
)
from fuzzing.optimizer_rounding import with_tf1_optimizers
from fuzzing.split import SCRIPT, Project
from migrate.api import joint_links, project_imports, rewrite_paths
from migrate.findings import Finding, RunSite
from migrate.harness import HarnessOptions
from migrate.harness import api as harness
from migrate.pipeline import rewrite_code
from migrate.sources import FileResult, Status


def joined(files: dict[str, str]) -> str:
    """A project as one text, for a failure's saved output and messages."""
    return "".join(f"# ===== {name}\n{text}" for name, text in sorted(files.items()))


def _rewrite(directory: Path, output: Path | None) -> dict[str, FileResult]:
    report = rewrite_paths(directory, output=output, jobs=1)
    return {Path(result.path).name: result for result in report.files}


def static_check(files: dict[str, str], directory: Path) -> tuple[Outcome | None, dict[str, str], list[Finding]]:
    """Rewrite the project from `directory/legacy` to `directory/migrated` and check it without
    TensorFlow: (the failure or None, the migrated files, every file's findings)."""
    legacy, migrated = directory / "legacy", directory / "migrated"
    legacy.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (legacy / name).write_text(text, encoding="utf-8")
    results = _rewrite(legacy, migrated)
    outputs = {name: (migrated / name).read_text(encoding="utf-8") for name in files}
    findings = [finding for result in results.values() for finding in result.findings]
    for name, result in sorted(results.items()):
        if result.errors or result.status is Status.FAILED:
            return Outcome(CRASH, detail=f"{name}: {'; '.join(result.errors) or result.reason}"), outputs, findings
    for name, code in sorted(outputs.items()):
        try:
            compile(code, name, "exec")
        except SyntaxError as error:
            detail = f"{name}: {error.msg} at line {error.lineno}"
            return Outcome(UNPARSABLE, detail=detail, output=joined(outputs)), outputs, findings
        undefined = new_undefined_names(files[name], code)
        if undefined:
            detail = f"{name}: {', '.join(sorted(undefined))}"
            return Outcome(UNDEFINED_NAME, detail=detail, output=joined(outputs)), outputs, findings
    again = _rewrite(migrated, None)
    for name, code in sorted(outputs.items()):
        second = again[name]
        if second.errors:
            detail = f"second rewrite of {name}: {'; '.join(second.errors)}"
            return Outcome(CRASH, detail=detail, output=joined(outputs)), outputs, findings
        if second.output is not None and second.output != code:
            detail = f"{name}: {first_difference(code, second.output)}"
            return Outcome(NOT_IDEMPOTENT, detail=detail, output=joined(outputs)), outputs, findings
    if _still_graph(findings) and not reasons_of(findings):
        codes = ", ".join(sorted({f.code for f in findings}))
        detail = f"still graph mode; findings: {codes}"
        return Outcome(NO_REASON, detail=detail, output=joined(outputs)), outputs, findings
    return None, outputs, findings


def _still_graph(findings: list[Finding]) -> bool:
    return any(f.code == STILL_GRAPH for f in findings)


def script_run_sites(directory: Path, migrated: Path) -> tuple[RunSite, ...]:
    """The run sites of the script's rewrite in its project, as the directory run made it (the
    directory run's report keeps no run sites).

    The harness records the calls of the functions of the program file and of the project
    modules it imports (the methods of the converted model class); a site whose function none of
    them defines is left unpaired (not compared; the printed numbers and final variables still
    are), rather than reported as a function never called.
    """
    script = directory / SCRIPT
    links = joint_links(script) or project_imports(directory).links(SCRIPT)
    sites = rewrite_code(script.read_text(encoding="utf-8"), path=str(script), project=links).run_sites
    return harness.sites_defined_in(sites, (migrated / SCRIPT).read_text(encoding="utf-8"), migrated)


def check_project(
    files: dict[str, str], *, options: HarnessOptions = DEFAULT_OPTIONS, workdir: Path | None = None,
    parity: bool = True,
) -> Outcome:
    """The outcome of one project. With `parity=False`, only the static checks run."""
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="tfm-fuzz-split-") as temporary:
            return _check(files, options, Path(temporary), parity)
    return _check(files, options, workdir, parity)


def _check(files: dict[str, str], options: HarnessOptions, directory: Path, parity: bool) -> Outcome:
    try:
        failure, outputs, findings = static_check(files, directory)
    except Exception as error:  # noqa: BLE001 - a crash of the directory run is an outcome
        return Outcome(CRASH, detail=f"{type(error).__name__}: {error}")
    if failure is not None:
        return failure
    declined = _still_graph(findings)
    reasons = reasons_of(findings) if declined else ()
    if not parity:
        return Outcome(DECLINED if declined else CONVERTED, reasons, UNCHECKED, joined(outputs))
    legacy, migrated = directory / "legacy", directory / "migrated"

    def tf1_optimizers() -> Path | None:
        if not reports_rounding(findings):
            return None
        counterfactuals = {name: with_tf1_optimizers(code) for name, code in outputs.items()}
        if all(text is None for text in counterfactuals.values()):
            return None
        target = directory / "migrated_tf1_optimizer"
        shutil.copytree(migrated, target, dirs_exist_ok=True)
        for name, text in counterfactuals.items():
            if text is not None:
                (target / name).write_text(text, encoding="utf-8")
        return target / SCRIPT

    script_findings = [f for f in findings if f.path is not None and Path(f.path).name == SCRIPT]
    rewrite = Rewrite(
        script_run_sites(legacy, migrated), reasons, declined, joined(outputs), unsupported_runs(script_findings)
    )
    outcome = run_parity(legacy / SCRIPT, migrated / SCRIPT, rewrite, tf1_optimizers, options, directory / "harness")
    if outcome.kind == DECLINED_BROKEN and "not available with Keras 3" in outcome.detail:
        kept = [name for name, code in outputs.items() if "compat.v1.layers." in code]
        if kept and SCRIPT not in kept:
            note = (f" ({', '.join(kept)} keeps tf.compat.v1.layers; the harness gives legacy Keras only to a "
                    "program file that names them)")
            outcome = replace(outcome, detail=outcome.detail + note)
    return outcome


def split_changes_output(project: Project, directory: Path, options: HarnessOptions = DEFAULT_OPTIONS) -> str | None:
    """Whether the legacy project prints other than the single-file program it was split from:
    None when both finish and print the same, else what differs (a bug of the split)."""
    single = directory / "single" / "program.py"
    single.parent.mkdir(parents=True, exist_ok=True)
    single.write_text(project.single, encoding="utf-8")
    legacy = directory / "legacy"
    legacy.mkdir(parents=True, exist_ok=True)
    for name, text in project.files.items():
        (legacy / name).write_text(text, encoding="utf-8")
    one = harness.run_legacy(single, directory / "single-run", options)
    two = harness.run_legacy(legacy / SCRIPT, directory / "project-run", options)
    if not (one.ok and two.ok):
        return f"single file {one.status} {one.error}; project {two.status} {two.error}"
    if not one.stdout.strip():
        return "the single-file program printed nothing"
    if one.stdout != two.stdout:
        return first_difference(one.stdout, two.stdout)
    return None
