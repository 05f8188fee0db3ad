"""`tf-migrate rules`: every rule code with its one-line description."""

from __future__ import annotations

import argparse
from typing import Any

from migrate.pipeline import PARSE_ERROR, TRANSFORM_ERROR
from migrate.transforms import ALL_TRANSFORMS

TOOL_FINDINGS = {
    PARSE_ERROR: "the file does not parse as Python 3; it is left untouched",
    TRANSFORM_ERROR: "a transform failed on this file; it is left untouched",
}


def all_rules() -> dict[str, str]:
    """Every code the tool can report, rules and findings alike, with its description."""
    rules: dict[str, str] = {}
    for transform in ALL_TRANSFORMS:
        rules[transform.CODE] = transform.DESCRIPTION
        rules.update(transform.FINDINGS)
    rules.update(TOOL_FINDINGS)
    return dict(sorted(rules.items()))


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("rules", help="list every rule code")
    parser.add_argument("--examples", action="store_true", help="show each rule's before/after examples")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for code, description in all_rules().items():
        print(f"{code}  {description}")
    if args.examples:
        for transform in ALL_TRANSFORMS:
            for example in transform.EXAMPLES:
                print(f"\n# {transform.CODE} {example.name}\n--- before\n{example.before}")
                print(f"--- after\n{example.after if example.after is not None else '(unchanged)'}")
    return 0
