"""`tf-migrate rules`: every rule code with its one-line description."""

from __future__ import annotations

import argparse
from typing import Any

from migrate.api import all_rules, rule_examples


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("rules", help="list every rule code")
    parser.add_argument("--examples", action="store_true", help="show each rule's before/after examples")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for code, description in all_rules().items():
        print(f"{code}  {description}")
    if args.examples:
        for code, example in rule_examples():
            print(f"\n# {code} {example.name}\n--- before\n{example.before}")
            print(f"--- after\n{example.after if example.after is not None else '(unchanged)'}")
    return 0
