"""The equivalence report: a readable table and JSON. Building it never prints."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field

from migrate.harness.observables import PROGRAM, Observable, Pairing, RandomAlignment
from migrate.harness.options import HarnessOptions
from migrate.harness.records import VariableRecord
from migrate.harness.runner import SideRun


class Outcome(enum.Enum):
    """How the comparison of one pair ended; `exit_status` is what `diff` exits with."""

    PARITY = "parity"
    DIFFERENT = "different"
    MIGRATED_FAILS = "migrated fails"
    LEGACY_FAILS = "legacy does not run"
    RANDOM_NOT_ALIGNED = "random draws not aligned"
    NOTHING_COMPARED = "nothing compared"

    @property
    def exit_status(self) -> int:
        return _EXIT_STATUS[self]

    @property
    def mismatch(self) -> bool:
        """The migration computes something else (or fails where the original ran)."""
        return self in (Outcome.DIFFERENT, Outcome.MIGRATED_FAILS)


_EXIT_STATUS = {
    Outcome.PARITY: 0,
    Outcome.DIFFERENT: 1,
    Outcome.MIGRATED_FAILS: 1,
    Outcome.LEGACY_FAILS: 3,
    Outcome.RANDOM_NOT_ALIGNED: 4,
    Outcome.NOTHING_COMPARED: 5,
}


@dataclass(frozen=True)
class VariableMatch:
    """How a migrated variable got its starting value."""

    migrated: str
    legacy: str | None
    how: str | None
    kind: str
    note: str = ""

    @classmethod
    def of(cls, record: VariableRecord) -> VariableMatch:
        return cls(record.name, record.matched, record.how, record.kind, record.note)

    def to_json(self) -> dict[str, object]:
        return {"migrated": self.migrated, "legacy": self.legacy, "how": self.how, "kind": self.kind, "note": self.note}


@dataclass(frozen=True)
class EquivalenceReport:
    """Whether a migrated program computes what its legacy original computed, observable by observable."""

    legacy: SideRun
    migrated: SideRun
    observables: tuple[Observable, ...]
    pairing: Pairing
    variables: tuple[VariableMatch, ...] = ()
    random_ops: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    options: HarnessOptions = field(default_factory=HarnessOptions)
    step_rates: tuple[float | None, float | None] = (None, None)
    random: RandomAlignment = field(default_factory=RandomAlignment)

    @property
    def compared_anything(self) -> bool:
        """Whether some value was compared at all (a stdout without numbers compares none)."""
        return any(o.kind != PROGRAM and (o.compared or not o.passed) for o in self.observables)

    @property
    def passed(self) -> bool:
        """Parity: both programs ran, something was compared, and every observable agreed."""
        return self.compared_anything and all(o.passed for o in self.observables)

    @property
    def outcome(self) -> Outcome:
        if self.passed:
            return Outcome.PARITY
        if not self.legacy.ok:
            return Outcome.LEGACY_FAILS
        if not self.migrated.ok:
            return Outcome.MIGRATED_FAILS
        if not self.random.aligned:
            return Outcome.RANDOM_NOT_ALIGNED
        if not self.compared_anything:
            return Outcome.NOTHING_COMPARED
        return Outcome.DIFFERENT

    @property
    def verdict(self) -> str:
        """One line: the outcome and what it means."""
        outcome = self.outcome
        failing = f"{len([o for o in self.failures if o.kind != PROGRAM])} failing observables"
        if outcome is Outcome.PARITY:
            return "PARITY"
        if outcome is Outcome.LEGACY_FAILS:
            return f"LEGACY DOES NOT RUN ({_ending(self.legacy)}): nothing compared"
        if outcome is Outcome.MIGRATED_FAILS:
            return f"MIGRATED FAILS ({_ending(self.migrated)}) where the legacy program ran: a mismatch"
        if outcome is Outcome.RANDOM_NOT_ALIGNED:
            return f"RANDOM DRAWS NOT ALIGNED ({failing}; {' '.join(self.random.reasons)}): not proven either way"
        if outcome is Outcome.NOTHING_COMPARED:
            return "NOTHING COMPARED (no fetched values, printed numbers or variables to compare)"
        return f"DIFFERENT ({failing})"

    @property
    def failures(self) -> tuple[Observable, ...]:
        return tuple(o for o in self.observables if not o.passed)

    def observable(self, name_part: str) -> tuple[Observable, ...]:
        return tuple(o for o in self.observables if name_part in o.name)

    def to_json(self) -> dict[str, object]:
        return {
            "passed": self.passed,
            "outcome": self.outcome.value,
            "exit_status": self.outcome.exit_status,
            "legacy": self.legacy.to_json(),
            "migrated": self.migrated.to_json(),
            "step_rate": {"legacy": self.step_rates[0], "migrated": self.step_rates[1]},
            "pairing": self.pairing.to_json(),
            "observables": [o.to_json() for o in self.observables],
            "variables": [v.to_json() for v in self.variables],
            "random_ops": list(self.random_ops),
            "random": self.random.to_json(),
            "notes": list(self.notes),
            "options": self.options.to_json(),
        }

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2)

    def format_table(self, *, only_failures: bool = False) -> str:
        return format_report(self, only_failures=only_failures)


def _ending(run: SideRun) -> str:
    return f"{run.status}: {run.error}" if run.error else run.status


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3g}"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    lines = [line, "  ".join("-" * w for w in widths)]
    lines.extend("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows)
    return lines


def format_report(report: EquivalenceReport, *, only_failures: bool = False) -> str:
    lines = [f"legacy   {report.legacy.program}", f"migrated {report.migrated.program}", ""]
    rates = report.step_rates
    for run, rate in ((report.legacy, rates[0]), (report.migrated, rates[1])):
        speed = f", {rate:.1f} steps/s" if rate else ""
        error = f": {run.error}" if run.error and run.status != "finished" else ""
        lines.append(f"{run.side:<9}{run.status}{error} ({run.wall_time:.2f} s wall{speed})")
    lines.append("")
    shown = [o for o in report.observables if not (only_failures and o.passed)]
    rows = [
        [
            o.name,
            _number(o.max_abs),
            _number(o.max_rel),
            "pass" if o.passed else "FAIL",
            "-" if o.first_divergence is None else str(o.first_divergence),
            o.detail,
        ]
        for o in shown
    ]
    lines.extend(_table(["observable", "max abs err", "max rel err", "result", "diverges at", "detail"], rows))
    lines.append("")
    lines.append(f"pairing: {report.pairing.method} ({report.pairing.note})")
    if report.pairing.unpaired_legacy or report.pairing.unpaired_migrated:
        lines.append(
            f"not compared: legacy {', '.join(report.pairing.unpaired_legacy) or '-'}; "
            f"migrated {', '.join(report.pairing.unpaired_migrated) or '-'}"
        )
    matched = [v for v in report.variables if v.kind == "model"]
    if matched:
        described = ", ".join(f"{v.migrated}<-{v.legacy} ({v.how})" if v.legacy else f"{v.migrated} (unmatched)" for v in matched)
        lines.append(f"initial values: {described}")
    if report.random.draws or report.random.replayed:
        lines.append(
            f"random draws: {report.random.draws} legacy, {report.random.replayed} migrated draws took "
            "their legacy counterpart's numbers"
        )
    lines.extend(f"random draws not aligned: {reason}" for reason in report.random.reasons)
    for run in (report.legacy, report.migrated):
        lines.extend(f"note: {run.side}: {note}" for note in run.notes)
    lines.extend(f"note: {note}" for note in report.notes)
    lines.append(f"result: {report.verdict}")
    return "\n".join(lines)
