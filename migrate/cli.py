"""The `tf-migrate` command line: parses arguments and hands over to one command module."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

import migrate

# Each module in migrate.commands registers one sub-command.
COMMAND_MODULES = ("rewrite", "rules", "diff", "verify", "checkpoint")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tf-migrate",
        description="Rewrite TensorFlow 1.x programs into TensorFlow 2 and check they compute the same numbers.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {migrate.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"migrate.commands.{name}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status
