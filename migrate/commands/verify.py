"""`tf-migrate verify SRC_DIR OUT_DIR`: run every legacy program and its migration, compare them.

Files are paired by relative path; every `.py` file of SRC_DIR that imports TensorFlow is run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from migrate.api import tensorflow_programs
from migrate.commands.options import EXIT_USAGE, add_harness_options, harness_options
from migrate.harness import EquivalenceReport, Outcome, compare

EXIT_PARITY = Outcome.PARITY.exit_status
EXIT_DIFFERENT = Outcome.DIFFERENT.exit_status
MISSING = "missing"
# A tree's status is its most serious pair's: a mismatch, then pairs nothing could be said about.
_SEVERITY = (
    Outcome.DIFFERENT,
    Outcome.MIGRATED_FAILS,
    Outcome.RANDOM_NOT_ALIGNED,
    Outcome.NOTHING_COMPARED,
    Outcome.LEGACY_FAILS,
    Outcome.PARITY,
)


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "verify",
        help="run every legacy program of a tree and its migration, and compare them",
        description="Pair SRC_DIR and OUT_DIR files by relative path, run each pair and report parity.",
    )
    parser.add_argument("source", metavar="SRC_DIR", help="directory of legacy TF1 programs")
    parser.add_argument("output", metavar="OUT_DIR", help="directory of their migrations")
    parser.add_argument("--failures-only", action="store_true", help="show only failing observables")
    add_harness_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return verify_trees_command(Path(args.source), Path(args.output), args)


def tree_status(outcomes: list[Outcome | str]) -> int:
    """The exit status of several pairs: 0 when every pair has parity, else the most serious
    outcome's (a mismatch or a missing migration: 1; then random draws not aligned, nothing
    compared, the legacy program does not run)."""
    if not outcomes:
        return EXIT_DIFFERENT
    if MISSING in outcomes:
        return EXIT_DIFFERENT
    worst = min((o for o in outcomes if isinstance(o, Outcome)), key=_SEVERITY.index)
    return worst.exit_status


def totals(outcomes: list[Outcome | str]) -> str:
    kinds: list[Outcome | str] = [*reversed(_SEVERITY), MISSING]
    counts = {kind: outcomes.count(kind) for kind in kinds}
    parts = [f"{n} {kind.value if isinstance(kind, Outcome) else kind}" for kind, n in counts.items() if n]
    return f"{len(outcomes)} program pairs: " + ", ".join(parts)


def verify_trees_command(src: Path, out: Path, args: argparse.Namespace) -> int:
    """Compare every pair; print one block per pair and the totals of each outcome."""
    if src.is_file() and out.is_file():
        pairs = [(src, out, Path(src.name))]
    elif src.is_dir() and out.is_dir():
        pairs = [(src / rel, out / rel, rel) for rel in tensorflow_programs(src)]
    else:
        print(f"tf-migrate verify: {src} and {out} must both be directories (or both files)", file=sys.stderr)
        return EXIT_USAGE
    options = harness_options(args)
    only_failures = bool(getattr(args, "failures_only", False))
    reports: dict[str, EquivalenceReport | str] = {}
    outcomes: list[Outcome | str] = []
    for legacy, migrated, rel in pairs:
        if not migrated.exists():
            reports[str(rel)] = "missing: no migrated file"
            outcomes.append(MISSING)
            print(f"MISSING  {rel}: {migrated} does not exist\n")
            continue
        report = compare(legacy, migrated, options=options)
        reports[str(rel)] = report
        outcomes.append(report.outcome)
        print(f"{_LABELS[report.outcome]}  {rel}")
        print(report.format_table(only_failures=only_failures))
        print()
    passed = outcomes.count(Outcome.PARITY)
    print(f"{passed} of {len(reports)} program pairs compute the same numbers", file=sys.stderr)
    print(totals(outcomes), file=sys.stderr)
    if args.json:
        payload = {
            rel: r.to_json() if isinstance(r, EquivalenceReport) else {"passed": False, "outcome": MISSING, "error": r}
            for rel, r in reports.items()
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return tree_status(outcomes)


_LABELS = {
    Outcome.PARITY: "PARITY ",
    Outcome.DIFFERENT: "DIFFERS",
    Outcome.MIGRATED_FAILS: "MIGRATED FAILS",
    Outcome.LEGACY_FAILS: "LEGACY FAILS",
    Outcome.RANDOM_NOT_ALIGNED: "RANDOM NOT ALIGNED",
    Outcome.NOTHING_COMPARED: "NOTHING COMPARED",
}
