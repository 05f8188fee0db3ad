"""Harness overhead and migrated training speed, measured in one run over the examples.

For each legacy example (legacy_examples/NAME.py) and its migration (migrated_examples/NAME.py,
or, when that is missing, the rewriter's output written to a temporary directory):

* bare: the two programs run one after the other without capture. The legacy program needs the TF1
  aliasing shim to run at all on TF 2, so it runs under the harness bootstrap with capture off;
  the migrated program runs as plain `python NAME.py`.
* harness: `migrate.harness.compare` on the pair (both children, capture, injection, comparison).
* step speed: calls per second of the most-called run site on each side, from the harness run.

Prints per-example figures and the totals: harness wall / bare wall (target <= 1.3) and
migrated steps/s / legacy steps/s (target >= 1.2).

    python benchmarks/harness_overhead.py [--steps N] [NAME ...]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from migrate import rewrite_source
from migrate.harness import HarnessOptions, compare
from migrate.harness.runner import LEGACY, MIGRATED, child_environment, run_side

ROOT = Path(__file__).resolve().parent.parent


def migrated_for(legacy: Path, scratch: Path) -> Path | None:
    existing = ROOT / "migrated_examples" / legacy.name
    if existing.exists():
        return existing
    result = rewrite_source(legacy.read_text(encoding="utf-8"), path=str(legacy))
    if result.failed:
        return None
    target = scratch / "migrated" / legacy.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(result.code, encoding="utf-8")
    return target


def bare_wall(legacy: Path, migrated: Path, scratch: Path, options: HarnessOptions) -> tuple[float, bool]:
    run = run_side(LEGACY, legacy, scratch / "bare", options, capture=False)
    start = time.perf_counter()
    process = subprocess.run(
        [sys.executable, str(migrated)],
        cwd=scratch / "bare",
        env=child_environment(MIGRATED, options.seed),
        capture_output=True,
        timeout=options.timeout,
        check=False,
    )
    return run.wall_time + time.perf_counter() - start, run.ok and process.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="example names (default: all legacy_examples)")
    parser.add_argument("--steps", type=int, help="pass --steps N to the harness runs")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the fastest counts")
    args = parser.parse_args()
    options = HarnessOptions(timeout=300, steps=args.steps)
    legacy_files = sorted((ROOT / "legacy_examples").glob("*.py"))
    if args.names:
        legacy_files = [p for p in legacy_files if p.stem in args.names]
    bare_total = harness_total = 0.0
    speedups: list[float] = []
    print(
        f"{'example':<24}{'bare s':>8}{'harness s':>10}{'overhead':>9}"
        f"{'legacy st/s':>12}{'migr st/s':>10}{'speed':>7}  parity"
    )
    with tempfile.TemporaryDirectory(prefix="harness-bench-") as temporary:
        scratch = Path(temporary)
        for legacy in legacy_files:
            migrated = migrated_for(legacy, scratch)
            if migrated is None:
                print(f"{legacy.stem:<24}  (the rewriter failed on this file; skipped)")
                continue
            bare, harness, bare_ok = float("inf"), float("inf"), True
            for attempt in range(max(1, args.repeat)):
                # Alternate the two measurements so machine load hits both alike.
                seconds, ok = bare_wall(legacy, migrated, scratch / legacy.stem / str(attempt), options)
                bare, bare_ok = min(bare, seconds), bare_ok and ok
                start = time.perf_counter()
                report = compare(legacy, migrated, options=options, workdir=scratch / legacy.stem / f"h{attempt}")
                harness = min(harness, time.perf_counter() - start)
            rates = report.step_rates
            speed = rates[1] / rates[0] if rates[0] and rates[1] else None
            if bare_ok and report.legacy.ok and report.migrated.ok:
                bare_total += bare
                harness_total += harness
                if speed is not None:
                    speedups.append(speed)
            cells = [f"{rate:12.0f}" if rate else f"{'-':>12}" for rate in rates]
            print(
                f"{legacy.stem:<24}{bare:8.2f}{harness:10.2f}{harness / bare:9.2f}{cells[0]}{cells[1][2:]:>10}"
                f"{(f'{speed:.2f}' if speed else '-'):>7}  {'yes' if report.passed else 'no'}"
                + ("" if bare_ok else " (a bare run failed: excluded from totals)")
            )
    if not bare_total:
        print("no example ran on both sides")
        return 1
    print()
    print(f"harness wall / bare wall: {harness_total / bare_total:.2f}x (target <= 1.3x)")
    if speedups:
        print(
            f"migrated / legacy steps per second: geometric mean {statistics.geometric_mean(speedups):.2f}x "
            f"over {len(speedups)} examples (target >= 1.2x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
