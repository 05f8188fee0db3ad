"""`tf-migrate checkpoint convert OLD NEW --program MIGRATED.py`: a TF1 checkpoint the migrated program reads."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from migrate.api import convert_checkpoint
from migrate.commands.options import EXIT_USAGE

EXIT_OK = 0
EXIT_INCOMPLETE = 1


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "checkpoint", help="convert TF1 checkpoints for migrated programs"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    convert = actions.add_parser(
        "convert",
        help="write a checkpoint that MIGRATED.py restores from a TF1 checkpoint",
        description=(
            "Read the TF1 checkpoint OLD and write at prefix NEW the variables MIGRATED.py keeps in its "
            "tf.train.Checkpoint, matched by their TF1 names. Exit status 1 when a variable the program "
            "restores is missing from OLD."
        ),
    )
    convert.add_argument("old", metavar="OLD_CKPT")
    convert.add_argument("new", metavar="NEW_CKPT")
    convert.add_argument("--program", required=True, metavar="MIGRATED.py")
    convert.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not Path(args.program).is_file():
        print(f"tf-migrate checkpoint: {args.program}: no such file", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = convert_checkpoint(args.old, args.new, args.program)
    except (OSError, ValueError) as error:
        print(f"tf-migrate checkpoint: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"matched {len(result.matched)} variables; wrote {result.path or 'nothing'}")
    for name in result.missing:
        print(f"missing from {args.old}: {name}")
    for name in result.unused:
        print(f"not restored by the program: {name}")
    return EXIT_INCOMPLETE if result.missing or not result.matched else EXIT_OK
