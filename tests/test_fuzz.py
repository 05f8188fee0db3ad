"""The quick differential-fuzzing run: generated TF1 programs through rewrite and parity.

`benchmarks/fuzz.py --n 1000` is the long run; this one checks 30 fixed seeds so CI catches a
regression in the rewriter, the harness or the generator itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzzing.check import CONVERTED, DECLINED, FAILURES, INVALID, static_check
from fuzzing.generator import Options, generate
from fuzzing.runner import run_seeds, tally
from fuzzing.shrink import shrink

QUICK_SEEDS = range(30)


def test_same_seed_same_program() -> None:
    assert generate(7) == generate(7)
    assert generate(7) != generate(8)
    assert generate(7, Options(variable_family=False)) != generate(7)


@pytest.mark.parametrize("seed", range(60), ids=lambda s: f"seed{s}")
def test_generated_program_is_valid_tf1_source(seed: int) -> None:
    source = generate(seed)
    compile(source, f"seed{seed}.py", "exec")
    assert source.startswith("import numpy as np\nimport tensorflow as tf\n")
    assert "tf.Session()" in source or "tf.InteractiveSession()" in source
    assert "print(" in source


def test_programs_include_scopes_and_layers() -> None:
    sources = "".join(generate(seed) for seed in range(40))
    for construct in ("tf.get_variable(", "tf.variable_scope(", "reuse=", "tf.layers.dense("):
        assert construct in sources


def test_shrink_keeps_the_failure_and_drops_the_rest() -> None:
    source = generate(3)
    assert ".minimize(" in source

    def still_fails(candidate: str) -> bool:
        return ".minimize(" in candidate

    smaller = shrink(source, still_fails)
    compile(smaller, "smaller.py", "exec")
    assert ".minimize(" in smaller
    kept = [line for line in smaller.splitlines() if line.strip() and not line.startswith("import ")]
    assert len(kept) == 1 and ".minimize(" in kept[0], smaller


@pytest.mark.parametrize("seed", QUICK_SEEDS, ids=lambda s: f"seed{s}")
def test_rewrite_parses_and_is_idempotent(seed: int) -> None:
    failure, result = static_check(generate(seed))
    assert failure is None, f"{failure.kind}: {failure.detail}\n{failure.output}"
    assert result.changed


@pytest.mark.tensorflow
@pytest.mark.slow
def test_quick_run_converts_with_parity_or_declines_with_a_reason() -> None:
    cases = run_seeds(QUICK_SEEDS, jobs=2)
    counts = tally(cases)
    bad = [c for c in cases if c.outcome.kind in FAILURES or c.outcome.kind == INVALID]
    described = "\n".join(f"seed {c.seed}: {c.outcome.kind}: {c.outcome.detail}" for c in bad)
    assert not bad, f"{dict(counts)}\n{described}"
    assert all(c.outcome.kind in (CONVERTED, DECLINED) for c in cases)
    assert all(c.outcome.reasons for c in cases if c.outcome.kind == DECLINED)
    # Both ends are exercised: some programs convert and pass parity, some are declined.
    assert any(c.outcome.kind == CONVERTED for c in cases), dict(counts)
