"""Shrunk programs that the differential fuzzer found failing, kept as regression tests.

Each program goes through `fuzzing.check.check`: rewrite, parse, idempotency, then the harness.
It must end converted with parity or declined with a reason code. A comment on each
case says what went wrong before its fix.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from fuzzing.check import CONVERTED, DECLINED, check

CASES = [
    # TFM201 built RMSProp's slots at module level, before the Keras layer had its variables.
    pytest.param("rmsprop_dense_layer.py", id="rmsprop-dense-layer"),
    # TFM201 split `cost = ...; cost = cost + ...` into helpers without passing `cost` on.
    pytest.param("rebound_loss_in_shared_helper.py", id="rebound-loss-in-shared-helper"),
]


@pytest.mark.tensorflow
@pytest.mark.slow
@pytest.mark.parametrize("program", CASES)
def test_regression_converts_with_parity_or_declines(program: str) -> None:
    outcome = check((HERE / program).read_text(encoding="utf-8"))
    assert outcome.kind in (CONVERTED, DECLINED), f"{outcome.kind}: {outcome.detail}\n{outcome.output}"
    if outcome.kind == DECLINED:
        assert outcome.reasons
