"""Command-line options and exit statuses that several `tf-migrate` commands share."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from migrate.harness import HarnessOptions
from migrate.harness.options import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS

# argparse exits with 2 on a usage error; commands that find one themselves say so alike.
EXIT_USAGE = 2


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


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _pattern(text: str) -> str:
    try:
        re.compile(text)
    except re.error as error:
        raise argparse.ArgumentTypeError(f"not a regular expression: {error}") from None
    return text


def add_harness_options(parser: argparse.ArgumentParser) -> None:
    """Options of the equivalence harness, shared by `diff`, `verify` and `rewrite --verify`."""
    group = parser.add_argument_group("equivalence harness")
    group.add_argument(
        "--timeout", type=_positive_float, default=DEFAULT_TIMEOUT_SECONDS, metavar="SECONDS",
        help=f"kill a program that runs longer (default {DEFAULT_TIMEOUT_SECONDS:g})",
    )
    group.add_argument(
        "--memory", type=positive_int, default=DEFAULT_MEMORY_MB, metavar="MB",
        help=f"address-space cap of each program (default {DEFAULT_MEMORY_MB})",
    )
    group.add_argument(
        "--steps", type=positive_int, metavar="N",
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
    group.add_argument(
        "--ignore-stdout", type=_pattern, action="append", default=[], metavar="REGEX",
        help="do not compare the numbers of printed lines that match REGEX, such as wall-clock "
        "durations ('^Took'); repeatable",
    )
    group.add_argument("--json", metavar="FILE", help="write the equivalence report(s) as JSON")


def harness_options(args: argparse.Namespace) -> HarnessOptions:
    options = HarnessOptions(
        timeout=args.timeout,
        memory_mb=args.memory,
        steps=args.steps,
        seed=args.seed,
        compare_stdout=not args.no_stdout,
        ignore_stdout=tuple(args.ignore_stdout),
        cwd=args.cwd,
        align_random=not args.native_random,
    )
    if args.rtol is not None or args.atol is not None:
        options = options.with_tolerance("float32", args.rtol, args.atol)
    for dtype, rtol, atol in args.tolerance:
        options = options.with_tolerance(dtype, rtol, atol)
    return options
