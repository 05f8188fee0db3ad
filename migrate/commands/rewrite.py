"""`tf-migrate rewrite`: rewrite files, notebooks and directory trees."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from migrate.api import REQUIREMENTS_FILE, FileResult, PathError, PathsReport, Progress, rewrite_paths
from migrate.commands import verify
from migrate.commands.options import add_harness_options, positive_int

EXIT_OK = 0
EXIT_CHANGES = 1  # --check found something to rewrite
EXIT_FAILED = 2  # some files (or notebook cells) could not be rewritten; also for usage errors

EPILOG = """\
exit status:
  0  done (with --check: nothing would change)
  1  with --check: some file would change
  2  some files or notebook cells could not be rewritten (they are reported and
     left untouched; with -o they are copied as they are), or a usage error

With -o, a single source directory is mirrored into OUT; several sources are placed in
OUT by name; a single file is written to OUT itself unless OUT is a directory.
Without -o, --in-place, --diff or --check nothing is written and the findings are listed.
"""


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "rewrite",
        help="rewrite TF1 files, notebooks and directory trees into TF2",
        description="Rewrite TensorFlow 1.x Python files, notebooks and directory trees into TensorFlow 2.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("sources", nargs="+", metavar="SRC", help="Python files, notebooks or directories")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("-o", "--output", metavar="OUT", help="write the rewritten tree here")
    target.add_argument("-i", "--in-place", action="store_true", help="replace the files that change")
    parser.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when some file would change"
    )
    parser.add_argument(
        "--select", action="append", metavar="CODES", help="only these rule codes or prefixes (TFM1,TFM201)"
    )
    parser.add_argument("--ignore", action="append", metavar="CODES", help="skip these rule codes or prefixes")
    parser.add_argument(
        "-j", "--jobs", type=positive_int, metavar="N", help="worker processes (default: one per core)"
    )
    parser.add_argument("--report", metavar="FILE.json", help="write every finding and each file's status")
    parser.add_argument(
        "--progress", action="store_true", help="show a progress bar even when stderr is not a terminal"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print no findings, only the summary")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="after writing OUT, run each legacy program and its rewrite and compare what they compute",
    )
    add_harness_options(parser)
    parser.set_defaults(run=run, parser=parser)


def run(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.parser
    dry = args.diff or args.check
    if args.verify and (args.output is None or dry or len(args.sources) != 1):
        parser.error("--verify needs one SRC and -o OUT, and cannot be combined with --diff or --check")
    output = None if dry else args.output
    in_place = args.in_place and not dry
    directory_run = any(Path(source).is_dir() for source in args.sources)
    show_bar = directory_run and (args.progress or sys.stderr.isatty())
    try:
        with _progress_bar(show_bar) as progress:
            report = rewrite_paths(
                args.sources,
                output=output,
                in_place=in_place,
                select=args.select,
                ignore=args.ignore,
                jobs=args.jobs,
                progress=progress,
                diff=args.diff,
            )
    except PathError as error:  # raised before anything is written
        parser.error(str(error))

    findings_stream = sys.stderr if args.diff else sys.stdout
    for result in report.files:
        if args.diff and result.diff:
            sys.stdout.write(result.diff)
        if not args.quiet:
            _print_result(result, findings_stream)
    if args.report:
        Path(args.report).write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    if directory_run or len(report.files) > 1 or report.has_errors:
        print(summary(report, written=output is not None or in_place), file=sys.stderr)

    status = EXIT_FAILED if report.has_errors else EXIT_OK
    if args.check and report.has_changes and status == EXIT_OK:
        status = EXIT_CHANGES
    if args.verify:
        verified = verify.verify_trees_command(Path(args.sources[0]), Path(args.output), args)
        status = max(status, verified)
    return status


def _print_result(result: FileResult, stream: TextIO) -> None:
    # Every error comes with a finding (TFM901/TFM902), so findings tell the whole story.
    for finding in result.findings:
        print(finding.format(), file=stream)


def summary(report: PathsReport, *, written: bool) -> str:
    counts = report.counts()
    verb = "rewritten" if written else "would be rewritten"
    parts = [
        f"{counts['changed']} {_files(counts['changed'])} {verb}",
        f"{counts['unchanged']} unchanged",
        f"{counts['failed']} failed",
    ]
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} skipped or copied")
    by_code = report.findings_by_code()
    findings = ", ".join(f"{code} x{count}" for code, count in by_code.items()) or "none"
    needs = ", ".join(report.requirements()) or "nothing"
    where = f" ({report.requirements_file})" if report.requirements_file else ""
    if report.requirements_problem:
        where = f" ({REQUIREMENTS_FILE} {report.requirements_problem})"
    return f"{', '.join(parts)}; findings: {findings}; needs beyond TensorFlow: {needs}{where}"


def _files(count: int) -> str:
    return "file" if count == 1 else "files"


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("rewriting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("rewrite", total=None)

    def update(result: FileResult, done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update
