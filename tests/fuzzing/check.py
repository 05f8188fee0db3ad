"""Push one program through rewrite, the idempotency check and the equivalence harness.

Every program must end one of two ways:

* converted: the output no longer needs graph mode, and the harness finds parity with the
  legacy program (fetches, printed numbers, final variables);
* declined: the output still runs as `tf.compat.v1` graph code (TFM003) and the rewriter said why
  with a reason code (a TFM2xx/TFM3xx/TFM4xx warning). The declined output is run on TF 2 (the
  harness's migrated side, no TF1 aliasing) and must finish and print the same numbers; the
  fetches of a run it declines as unsupported (TFM218) are not compared, as TF1 may itself give
  other values there from one run to the next.

Anything else is a bug, and `Outcome.kind` names it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from static_checks import new_undefined_names

from fuzzing.optimizer_rounding import with_tf1_optimizers
from migrate import RewriteResult, rewrite_source
from migrate.analysis.graph_model import UNSUPPORTED_RUN
from migrate.analysis.optimizers import OPTIMIZERS
from migrate.findings import Finding, RunSite, Severity
from migrate.harness import EquivalenceReport, HarnessOptions
from migrate.harness import api as harness

CONVERTED = "converted+parity"
# Parity missed only through the Keras optimizer's documented rounding (TFM403): the same
# program with the TF1 optimizer it came from matches (fuzzing.optimizer_rounding).
CONVERTED_ROUNDING = "converted+parity with TF1's optimizer (TFM403 rounding)"
OPTIMIZER_ROUNDING = "TFM403"
# The rounding caveats as reported: under TFM403 in session programs, under the rule that made
# the Keras optimizer (TFM404, TFM406) in eager and Keras code.
ROUNDING_CAVEATS = frozenset(mapping.caveat for mapping in OPTIMIZERS.values() if mapping.caveat)
DECLINED = "declined"
CRASH = "crash"
UNPARSABLE = "unparsable"
NOT_IDEMPOTENT = "not idempotent"
UNDEFINED_NAME = "output reads an undefined name"
MISMATCH = "silent mismatch"
DECLINED_BROKEN = "declined output broken"
NO_REASON = "declined without reason"
INVALID = "invalid program"  # the legacy program itself failed: a generator bug

FAILURES = (CRASH, UNPARSABLE, NOT_IDEMPOTENT, UNDEFINED_NAME, MISMATCH, DECLINED_BROKEN, NO_REASON)
STILL_GRAPH = "TFM003"
UNCHECKED = "parity not checked"
# No --steps cut-off: the programs are short, and a declined output (sessions, not recorded) would
# run past a legacy program stopped early.
DEFAULT_OPTIONS = HarnessOptions(timeout=120.0)


@dataclass(frozen=True)
class Outcome:
    kind: str
    reasons: tuple[str, ...] = ()
    detail: str = ""
    output: str = ""
    report: dict[str, object] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.kind in FAILURES


def decline_reasons(result: RewriteResult) -> tuple[str, ...]:
    """The reason codes a declined rewrite gave: non-info findings of the structural bands."""
    return reasons_of(result.findings)


def reasons_of(findings: Iterable[Finding]) -> tuple[str, ...]:
    # TFM904 (session code that would convert beside code needing graph mode) is a reason;
    # TFM903 (a conversion reading an undefined name) is a rule's defect, left for the fuzzer to show.
    return tuple(
        sorted(
            {
                f.code for f in findings
                if f.severity is not Severity.INFO and (f.code[:4] in ("TFM2", "TFM3", "TFM4") or f.code == "TFM904")
            }
        )
    )


def still_graph(result: RewriteResult) -> bool:
    return any(f.code == STILL_GRAPH for f in result.findings)


def static_check(source: str) -> tuple[Outcome | None, RewriteResult]:
    """Rewrite, parse and idempotency: everything that needs no TensorFlow. None means it passed."""
    result = rewrite_source(source, path="program.py")
    if result.error is not None:
        return Outcome(CRASH, detail=result.error), result
    try:
        compile(result.code, "migrated.py", "exec")
    except SyntaxError as error:
        return Outcome(UNPARSABLE, detail=f"{error.msg} at line {error.lineno}", output=result.code), result
    undefined = new_undefined_names(source, result.code)
    if undefined:
        return Outcome(UNDEFINED_NAME, detail=", ".join(sorted(undefined)), output=result.code), result
    second = rewrite_source(result.code, path="migrated.py")
    if second.error is not None:
        return Outcome(CRASH, detail=f"second rewrite: {second.error}", output=result.code), result
    if second.code != result.code:
        return Outcome(NOT_IDEMPOTENT, detail=first_difference(result.code, second.code), output=result.code), result
    if still_graph(result) and not decline_reasons(result):
        codes = ", ".join(sorted({f.code for f in result.findings}))
        return Outcome(NO_REASON, detail=f"still graph mode; findings: {codes}", output=result.code), result
    return None, result


def first_difference(first: str, second: str) -> str:
    for number, (a, b) in enumerate(zip(first.splitlines(), second.splitlines()), 1):
        if a != b:
            return f"line {number}: {a.strip()!r} becomes {b.strip()!r}"
    return "the second rewrite changed the line count"


def check(
    source: str, *, options: HarnessOptions = DEFAULT_OPTIONS, workdir: Path | None = None, parity: bool = True
) -> Outcome:
    """The outcome of one program. With `parity=False`, only the static checks run."""
    failure, result = static_check(source)
    if failure is not None:
        return failure
    declined = still_graph(result)
    reasons = decline_reasons(result) if declined else ()
    if not parity:
        return Outcome(DECLINED if declined else CONVERTED, reasons, UNCHECKED, result.code)
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="tfm-fuzz-") as temporary:
            return parity_outcome(source, result, reasons, declined, options, Path(temporary))
    return parity_outcome(source, result, reasons, declined, options, workdir)


def parity_outcome(
    source: str,
    result: RewriteResult,
    reasons: tuple[str, ...],
    declined: bool,
    options: HarnessOptions,
    directory: Path,
) -> Outcome:
    directory.mkdir(parents=True, exist_ok=True)
    legacy_path = directory / "legacy.py"
    migrated_path = directory / "migrated.py"
    legacy_path.write_text(source, encoding="utf-8")
    migrated_path.write_text(result.code, encoding="utf-8")

    def tf1_optimizers() -> Path | None:
        if not reports_rounding(result.findings):
            return None
        counterfactual = with_tf1_optimizers(result.code)
        if counterfactual is None:
            return None
        path = directory / "migrated_tf1_optimizer.py"
        path.write_text(counterfactual, encoding="utf-8")
        return path

    return run_parity(
        legacy_path, migrated_path,
        Rewrite(result.run_sites, reasons, declined, result.code, unsupported_runs(result.findings)),
        tf1_optimizers, options, directory,
    )


@dataclass(frozen=True)
class Rewrite:
    """What the parity check needs to know of a rewrite, of one file or of a project."""

    run_sites: tuple[RunSite, ...]
    reasons: tuple[str, ...]
    declined: bool
    output: str  # what a failure saves as the rewritten program
    # Lines of the program's runs declined as unsupported (TFM218), such as a run that reads a
    # variable it also trains: TF1 leaves that order open, so two runs of the same graph may
    # fetch different values there, and the declined output is not held to the legacy one's.
    unsupported_runs: frozenset[int] = frozenset()


def run_parity(
    legacy_path: Path,
    migrated_path: Path,
    rewrite: Rewrite,
    tf1_optimizers: Callable[[], Path | None],
    options: HarnessOptions,
    directory: Path,
) -> Outcome:
    """Run the legacy and the migrated program and name the outcome. `tf1_optimizers` writes
    the migrated program with its TFM403 Keras optimizers made TF1's again (None: it has none)."""
    reasons, output = rewrite.reasons, rewrite.output
    directory.mkdir(parents=True, exist_ok=True)
    # The rewriter's run sites pair each generated function with the legacy runs it replaced,
    # for the random draws as for the comparison: by order of first use, a function whose
    # random op first runs after another's would take that one's draws.
    sites = rewrite.run_sites
    legacy_run = harness.run_legacy(legacy_path, directory, options, run_sites=sites)
    if not legacy_run.ok:
        return Outcome(INVALID, reasons, f"legacy: {legacy_run.status}: {legacy_run.error}", output)
    migrated_run = harness.run_migrated(migrated_path, directory, options, legacy_run, run_sites=sites)
    report = harness.evaluate(legacy_run, migrated_run, options, rewrite.run_sites)
    if rewrite.declined:
        problems = _declined_problems(report, rewrite.unsupported_runs)
        if problems:
            return Outcome(DECLINED_BROKEN, reasons, problems, output, report.to_json())
        return Outcome(DECLINED, reasons, "", output)
    if not report.passed:
        counterfactual = tf1_optimizers()
        if counterfactual is not None:
            run = harness.run_migrated(
                counterfactual, directory / "counterfactual", options, legacy_run, run_sites=sites
            )
            if harness.evaluate(legacy_run, run, options, rewrite.run_sites).passed:
                return Outcome(CONVERTED_ROUNDING, (), _describe(report), output, report.to_json())
        return Outcome(MISMATCH, (), _describe(report), output, report.to_json())
    return Outcome(CONVERTED, (), "", output)


def reports_rounding(findings: Iterable[Finding]) -> bool:
    """Whether a rewrite made a Keras optimizer whose update TF1 rounds otherwise."""
    return any(f.code == OPTIMIZER_ROUNDING or f.message in ROUNDING_CAVEATS for f in findings)


def unsupported_runs(findings: Iterable[Finding]) -> frozenset[int]:
    return frozenset(f.line for f in findings if f.code == UNSUPPORTED_RUN)


def _declined_problems(report: EquivalenceReport, unsupported: frozenset[int]) -> str:
    """Declined output must run and print what the legacy program printed.

    Variables whose final values are not read on the migrated side (graph-mode variables) are
    left out, and so are the fetches of runs declined as unsupported (`Rewrite.unsupported_runs`).
    """
    unordered = tuple(f"line {line} " for line in unsupported)
    relevant = [
        o
        for o in report.failures
        if not (o.kind == "variable" and "final value unread" in o.detail)
        and not (o.kind == "fetch" and o.name.startswith(unordered))
    ]
    return "; ".join(f"{o.name}: {o.detail}" for o in relevant)


def _describe(report: EquivalenceReport) -> str:
    parts = [f"{o.name}: {o.detail or 'values differ'} (max abs {o.max_abs})" for o in report.failures]
    if not [o for o in report.observables if o.kind != "program"]:
        parts.append("nothing was compared")
    if report.migrated.status not in ("finished", "stopped"):
        parts.append(f"migrated {report.migrated.status}: {report.migrated.error}")
    return "; ".join(parts)
