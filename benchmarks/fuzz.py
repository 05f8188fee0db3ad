"""Differential fuzzing: generated TF1 programs through rewrite, idempotency and parity.

    python benchmarks/fuzz.py --n 1000 [--seed S] [--jobs N] [--static] [--no-variable-family]
                              [--no-real-code-shapes] [--split | --keras] [--failures DIR]
    python benchmarks/fuzz.py --shrink seedN.in.py [--static] [--split]

Program i uses seed S + i. Prints one line per failing program as it is found, then the counts
per outcome: converted + parity, declined by reason code, crash, unparsable, not idempotent,
declined without reason, declined output broken, silent mismatch (and invalid program: the legacy
program itself failed, a generator bug). Failing cases are saved under --failures (default
fuzz-failures/) as seedN.in.py, seedN.rewritten.py and seedN.json. Exit status 1 when any
program failed. With --static, only rewrite, parse and idempotency are checked (no TensorFlow).
With --shrink, one saved program is shrunk by statement deletion while it keeps failing the same
way, and the result is written next to it as seedN.min.py.
With --split, each program is split into a project (tests/fuzzing/split.py): a model class
whose __init__ builds the graph, in model.py or above the script, and a train.py that builds it
and runs the session, sometimes through step functions. The project is rewritten as one
directory run and counts as converted only when no file keeps graph mode; parity is checked on
train.py. A failing project's files are saved under seedN/; --shrink --split shrinks its
single-file program (seedN.in.py), splitting each candidate the way the seed split it.
With --keras, the programs are Keras models of the TF 1.x era compiled with `tf.train`
optimizers (tests/fuzzing/keras_programs.py) instead of session programs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing.check import CONVERTED, CONVERTED_ROUNDING, DECLINED, FAILURES, INVALID, Outcome, check
from fuzzing.check_project import check_project, joined
from fuzzing.generator import REAL_CODE_SHAPES, Options
from fuzzing.runner import Case, run_seeds, save_failure, tally
from fuzzing.shrink import shrink
from fuzzing.split import BASE, split_rng, split_source, twin_rng


def shrink_file(path: Path, parity: bool, projects: bool) -> int:
    source = path.read_text(encoding="utf-8")
    seed = int(re.sub(r"\D", "", path.name.split(".")[0]) or 0)

    def outcome(program: str) -> Outcome | None:
        if not projects:
            return check(program, parity=parity)
        try:
            files = split_source(program, split_rng(seed), twin_rng(seed))
        except (AssertionError, StopIteration):  # a candidate the split does not understand
            return None
        return check_project(files, parity=parity)

    first = outcome(source)
    kind = first.kind if first is not None else "unsplittable"
    if kind not in FAILURES:
        print(f"{path}: does not fail ({kind}); nothing to shrink")
        return 1
    smaller = shrink(source, lambda candidate: getattr(outcome(candidate), "kind", None) == kind)
    target = path.with_name(path.name.replace(".in.py", "") + ".min.py")
    target.write_text(smaller, encoding="utf-8")
    print(f"{kind}: {len(source.splitlines())} -> {len(smaller.splitlines())} lines, written to {target}")
    print(joined(split_source(smaller, split_rng(seed), twin_rng(seed))) if projects else smaller)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="number of programs (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--jobs", type=int, default=2, help="programs checked at once (default 2)")
    parser.add_argument("--static", action="store_true", help="rewrite, parse and idempotency only")
    parser.add_argument(
        "--no-variable-family", action="store_true", help="leave out get_variable, variable_scope and tf.layers"
    )
    parser.add_argument(
        "--no-real-code-shapes",
        action="store_true",
        help="leave out graph in functions and session blocks, shape reads, placeholder helpers, datasets, "
        "random ops (the programs of earlier runs)",
    )
    parser.add_argument(
        "--split", action="store_true", help="split each program into a model class and a script (a project)"
    )
    parser.add_argument(
        "--keras", action="store_true", help="Keras models compiled with TF1 optimizers instead of session programs"
    )
    parser.add_argument("--failures", type=Path, default=Path("fuzz-failures"), help="where failing cases go")
    parser.add_argument("--log", type=Path, help="append one JSON line per program (seed, outcome) as it finishes")
    parser.add_argument("--shrink", type=Path, metavar="PROGRAM", help="shrink one failing program instead")
    args = parser.parse_args(argv)
    if args.split and args.keras:
        parser.error("--split and --keras are other kinds of program: choose one")
    if args.shrink:
        return shrink_file(args.shrink, parity=not args.static, projects=args.split)

    base = BASE if args.split else Options()
    options = replace(base, variable_family=not args.no_variable_family)
    if args.no_real_code_shapes:
        options = replace(options, **dict.fromkeys(REAL_CODE_SHAPES, False))
    start = time.perf_counter()
    failed: list[Case] = []

    def progress(case: Case, done: int) -> None:
        if args.log:
            with args.log.open("a", encoding="utf-8") as log:
                entry = {"seed": case.seed, "label": case.label, "detail": case.outcome.detail[:500]}
                log.write(json.dumps(entry) + "\n")
        if case.outcome.failed or case.outcome.kind == INVALID:
            failed.append(case)
            stem = save_failure(case, args.failures)
            print(
                f"[{done}/{args.n}] seed {case.seed}: {case.outcome.kind}: {case.outcome.detail[:300]} -> {stem}",
                flush=True,
            )
        elif done % 25 == 0:
            print(f"[{done}/{args.n}] {time.perf_counter() - start:.0f} s", flush=True)

    cases = run_seeds(
        range(args.seed, args.seed + args.n),
        options=options,
        parity=not args.static,
        jobs=args.jobs,
        progress=progress,
        projects=args.split,
        keras=args.keras,
    )
    wall = time.perf_counter() - start
    counts = tally(cases)
    total = len(cases)
    converted = sum(1 for c in cases if c.outcome.kind in (CONVERTED, CONVERTED_ROUNDING))
    declined = sum(1 for c in cases if c.outcome.kind == DECLINED)
    print()
    what = "projects" if args.split else "programs"
    print(f"{total} {what}, seeds {args.seed}..{args.seed + args.n - 1}, {wall:.0f} s wall, {args.jobs} jobs")
    for label, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {count:5d}  {label}")
    for kind in (*FAILURES, INVALID):
        if kind not in counts:
            print(f"  {0:5d}  {kind}")
    print(f"converted {converted / total:.1%}, declined {declined / total:.1%}, failing {len(failed) / total:.1%}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
