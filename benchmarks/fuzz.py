"""Differential fuzzing: generated TF1 programs through rewrite, idempotency and parity.

    python benchmarks/fuzz.py --n 1000 [--seed S] [--jobs N] [--static] [--variable-family]
                              [--failures DIR]

Program i uses seed S + i. Prints one line per failing program as it is found, then the counts
per outcome: converted + parity, declined by reason code, crash, unparsable, not idempotent,
declined without reason, declined output broken, silent mismatch (and invalid program: the legacy
program itself failed, a generator bug). Failing cases are saved under --failures (default
fuzz-failures/) as seedN.in.py, seedN.rewritten.py and seedN.json. Exit status 1 when any
program failed. With --static, only rewrite, parse and idempotency are checked (no TensorFlow).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing.check import CONVERTED, DECLINED, FAILURES, INVALID
from fuzzing.generator import Options
from fuzzing.runner import Case, run_seeds, save_failure, tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="number of programs (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--jobs", type=int, default=2, help="programs checked at once (default 2)")
    parser.add_argument("--static", action="store_true", help="rewrite, parse and idempotency only")
    parser.add_argument(
        "--variable-family", action="store_true", help="also generate get_variable, variable_scope and tf.layers"
    )
    parser.add_argument("--failures", type=Path, default=Path("fuzz-failures"), help="where failing cases go")
    args = parser.parse_args(argv)

    options = Options(variable_family=args.variable_family)
    start = time.perf_counter()
    failed: list[Case] = []

    def progress(case: Case, done: int) -> None:
        if case.outcome.failed or case.outcome.kind == INVALID:
            failed.append(case)
            stem = save_failure(case, args.failures)
            print(f"[{done}/{args.n}] seed {case.seed}: {case.outcome.kind}: {case.outcome.detail[:300]} -> {stem}", flush=True)
        elif done % 25 == 0:
            print(f"[{done}/{args.n}] {time.perf_counter() - start:.0f} s", flush=True)

    cases = run_seeds(
        range(args.seed, args.seed + args.n), options=options, parity=not args.static, jobs=args.jobs, progress=progress
    )
    wall = time.perf_counter() - start
    counts = tally(cases)
    total = len(cases)
    converted = sum(1 for c in cases if c.outcome.kind == CONVERTED)
    declined = sum(1 for c in cases if c.outcome.kind == DECLINED)
    print()
    print(f"{total} programs, seeds {args.seed}..{args.seed + args.n - 1}, {wall:.0f} s wall, {args.jobs} jobs")
    for label, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {count:5d}  {label}")
    for kind in (*FAILURES, INVALID):
        if kind not in counts:
            print(f"  {0:5d}  {kind}")
    print(f"converted {converted / total:.1%}, declined {declined / total:.1%}, failing {len(failed) / total:.1%}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
