"""`tf-migrate verify SRC_DIR OUT_DIR`: run every legacy program and its migration, compare them.

Files are paired by relative path; every `.py` file of SRC_DIR that imports TensorFlow is run.
Also the harness options shared with `diff` and `rewrite --verify`, and the exit statuses.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from migrate.analysis.tf_names import mentions_tensorflow
from migrate.harness import EquivalenceReport, HarnessOptions, Outcome, compare
from migrate.harness.options import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS

EXIT_PARITY = Outcome.PARITY.exit_status
EXIT_DIFFERENT = Outcome.DIFFERENT.exit_status
EXIT_USAGE = 2
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


def _tolerance(text: str) -> tuple[str, float, float]:
    try:
        dtype, _, values = text.partition("=")
        rtol, _, atol = values.partition(",")
        return dtype.strip(), float(rtol), float(atol)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected DTYPE=RTOL,ATOL (float64=1e-7,1e-9): {error}") from error


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _directory(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: not a directory")
    return path


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_harness_options(parser: argparse.ArgumentParser) -> None:
    """Options of the equivalence harness, shared by `diff`, `verify` and `rewrite --verify`."""
    group = parser.add_argument_group("equivalence harness")
    group.add_argument(
        "--timeout", type=_positive_float, default=DEFAULT_TIMEOUT_SECONDS, metavar="SECONDS",
        help=f"kill a program that runs longer (default {DEFAULT_TIMEOUT_SECONDS:g})",
    )
    group.add_argument(
        "--memory", type=_positive_int, default=DEFAULT_MEMORY_MB, metavar="MB",
        help=f"address-space cap of each program (default {DEFAULT_MEMORY_MB})",
    )
    group.add_argument(
        "--steps", type=_positive_int, metavar="N",
        help="stop both programs after the N-th call of a run site (a quick check of long training loops)",
    )
    group.add_argument("--rtol", type=float, metavar="R", help="relative tolerance for float32 (default 1e-5)")
    group.add_argument("--atol", type=float, metavar="A", help="absolute tolerance for float32 (default 1e-6)")
    group.add_argument(
        "--tolerance", type=_tolerance, action="append", default=[], metavar="DTYPE=RTOL,ATOL",
        help="tolerance for one dtype, e.g. float64=1e-7,1e-9 (repeatable)",
    )
    group.add_argument("--seed", type=int, default=0, help="seed of both programs (default 0)")
    group.add_argument(
        "--cwd", type=_directory, metavar="DIR",
        help="run both programs as if started from DIR (default: the current directory); their own "
        "directory's files still come first, and what they write stays apart from DIR",
    )
    group.add_argument(
        "--native-random", action="store_true",
        help="let random ops draw their own numbers instead of the same numbers on both sides",
    )
    group.add_argument("--no-stdout", action="store_true", help="do not compare numbers printed to stdout")
    group.add_argument("--json", metavar="FILE", help="write the equivalence report(s) as JSON")


def harness_options(args: argparse.Namespace) -> HarnessOptions:
    options = HarnessOptions(
        timeout=args.timeout,
        memory_mb=args.memory,
        steps=args.steps,
        seed=args.seed,
        compare_stdout=not args.no_stdout,
        cwd=args.cwd,
        align_random=not args.native_random,
    )
    if args.rtol is not None or args.atol is not None:
        options = options.with_tolerance("float32", args.rtol, args.atol)
    for dtype, rtol, atol in args.tolerance:
        options = options.with_tolerance(dtype, rtol, atol)
    return options


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


def programs(source: Path) -> list[Path]:
    """Relative paths of the `.py` files of `source` that import TensorFlow."""
    found = []
    for path in sorted(source.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if mentions_tensorflow(text):
            found.append(path.relative_to(source))
    return found


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
        pairs = [(src / rel, out / rel, rel) for rel in programs(src)]
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
