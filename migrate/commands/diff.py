"""`tf-migrate diff LEGACY.py MIGRATED.py`: run both programs and report whether they compute the same numbers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from migrate.commands.options import EXIT_USAGE, add_harness_options, harness_options
from migrate.harness import compare


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "diff",
        help="run a legacy program and its migration, and compare what they compute",
        description=(
            "Run LEGACY (TF1, through tf.compat.v1) and MIGRATED (TF 2) in child processes from the same "
            "initial variable values and the same random numbers, and compare run-site values, printed "
            "numbers and final variables. Exit status: 0 parity; 1 different, or the migrated program fails "
            "where the legacy one ran; 2 usage error; 3 the legacy program does not run (nothing compared); "
            "4 random draws could not be aligned and the values differ; 5 nothing to compare."
        ),
    )
    parser.add_argument("legacy", metavar="LEGACY.py")
    parser.add_argument("migrated", metavar="MIGRATED.py")
    parser.add_argument("--failures-only", action="store_true", help="show only failing observables")
    add_harness_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for path in (args.legacy, args.migrated):
        if not Path(path).is_file():
            print(f"tf-migrate diff: {path}: no such file", file=sys.stderr)
            return EXIT_USAGE
    report = compare(args.legacy, args.migrated, options=harness_options(args))
    print(report.format_table(only_failures=args.failures_only))
    if args.json:
        Path(args.json).write_text(report.to_json_text() + "\n", encoding="utf-8")
    return report.outcome.exit_status
