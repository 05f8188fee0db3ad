"""migrate/support/sequence_losses.py computes TF1's sequence losses: checked against the
formulas of contrib.legacy_seq2seq and contrib.seq2seq written out in NumPy."""

from __future__ import annotations

import types
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.tensorflow

BATCH, STEPS, CLASSES = 4, 3, 5
RNG = np.random.RandomState(7)
LOGITS = RNG.normal(size=(BATCH, STEPS, CLASSES)).astype(np.float32)
TARGETS = RNG.randint(CLASSES, size=(BATCH, STEPS)).astype(np.int32)
# A padded batch: the last example has one step, the third none at all.
WEIGHTS = np.array([[1, 1, 1], [1, 1, 0], [0, 0, 0], [1, 0, 0]], dtype=np.float32)


@pytest.fixture(scope="module")
def losses() -> types.ModuleType:
    from migrate.support import sequence_losses

    return sequence_losses


def _cross_entropy(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Softmax cross-entropy of each row, in float64."""
    shifted = logits.astype(np.float64) - logits.max(axis=-1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return -np.take_along_axis(log_softmax, targets[..., None].astype(np.int64), axis=-1)[..., 0]


def _steps(array: np.ndarray) -> list[np.ndarray]:
    return [array[:, t] for t in range(STEPS)]


def _by_example(average_across_timesteps: bool) -> np.ndarray:
    summed = (_cross_entropy(LOGITS, TARGETS) * WEIGHTS).sum(axis=1)
    return summed / (WEIGHTS.sum(axis=1) + 1e-12) if average_across_timesteps else summed


def _close(actual: Any, expected: np.ndarray) -> None:
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("average", [True, False], ids=["averaged", "summed"])
def test_loss_by_example_sums_each_examples_weighted_steps(losses: types.ModuleType, average: bool) -> None:
    result = losses.sequence_loss_by_example(
        _steps(LOGITS), _steps(TARGETS), _steps(WEIGHTS), average_across_timesteps=average
    )
    _close(result, _by_example(average))
    # An example whose weights are all 0 costs 0, not NaN: TF1 added 1e-12 to the divisor.
    assert float(result[2]) == 0.0


def test_targets_shaped_batch_by_one_are_flattened(losses: types.ModuleType) -> None:
    column_targets = [target[:, None] for target in _steps(TARGETS)]
    _close(losses.sequence_loss_by_example(_steps(LOGITS), column_targets, _steps(WEIGHTS)), _by_example(True))


@pytest.mark.parametrize(
    ("average_across_timesteps", "average_across_batch"),
    [(True, True), (True, False), (False, True), (False, False)],
    ids=["both", "timesteps", "batch", "neither"],
)
def test_sequence_loss_sums_the_batch(
    losses: types.ModuleType, average_across_timesteps: bool, average_across_batch: bool
) -> None:
    result = losses.sequence_loss(
        _steps(LOGITS),
        _steps(TARGETS),
        _steps(WEIGHTS),
        average_across_timesteps=average_across_timesteps,
        average_across_batch=average_across_batch,
    )
    expected = _by_example(average_across_timesteps).sum()
    _close(result, expected / BATCH if average_across_batch else expected)


def test_a_softmax_loss_function_gets_labels_and_logits_by_keyword(losses: types.ModuleType) -> None:
    import tensorflow as tf

    calls: list[tuple[Any, Any]] = []

    def squared(*, labels: Any, logits: Any) -> Any:
        calls.append((labels, logits))
        return tf.reduce_sum(tf.square(logits), axis=1) * tf.cast(labels, tf.float32)

    result = losses.sequence_loss_by_example(
        _steps(LOGITS), _steps(TARGETS), _steps(WEIGHTS), average_across_timesteps=False, softmax_loss_function=squared
    )
    assert len(calls) == STEPS
    expected = ((LOGITS.astype(np.float64) ** 2).sum(axis=2) * TARGETS * WEIGHTS).sum(axis=1)
    _close(result, expected)


def test_lists_of_other_lengths_are_refused(losses: types.ModuleType) -> None:
    with pytest.raises(ValueError, match="must be the same 3, 2, 3"):
        losses.sequence_loss_by_example(_steps(LOGITS), _steps(TARGETS), _steps(WEIGHTS)[:2])


def _dense_expected(flags: dict[str, bool]) -> np.ndarray:
    weighted = _cross_entropy(LOGITS, TARGETS) * WEIGHTS
    if flags.get("average_across_timesteps", True) and flags.get("average_across_batch", True):
        return np.asarray(weighted.sum() / WEIGHTS.sum())
    if flags.get("sum_over_timesteps") and flags.get("sum_over_batch"):
        return np.asarray(weighted.sum() / np.count_nonzero(WEIGHTS))
    if flags.get("average_across_timesteps", True) or flags.get("average_across_batch", True):
        axis = 0 if flags.get("average_across_batch", True) else 1
        totals = WEIGHTS.sum(axis=axis)
        zeros = np.zeros_like(totals, dtype=np.float64)
        return np.divide(weighted.sum(axis=axis), totals, out=zeros, where=totals != 0)
    if flags.get("sum_over_timesteps") or flags.get("sum_over_batch"):
        axis = 0 if flags.get("sum_over_batch") else 1
        counts = np.count_nonzero(WEIGHTS, axis=axis).astype(np.float64)
        return np.divide(weighted.sum(axis=axis), counts, out=np.zeros_like(counts), where=counts != 0)
    return weighted


@pytest.mark.parametrize(
    "flags",
    [
        {},
        {"average_across_batch": False},
        {"average_across_timesteps": False},
        {"average_across_timesteps": False, "average_across_batch": False},
        {"average_across_timesteps": False, "average_across_batch": False, "sum_over_timesteps": True,
         "sum_over_batch": True},
        {"average_across_timesteps": False, "average_across_batch": False, "sum_over_batch": True},
        {"average_across_timesteps": False, "average_across_batch": False, "sum_over_timesteps": True},
    ],
    ids=["mean", "mean-over-time", "mean-over-batch", "per-step", "sum-by-count", "batch-by-count",
         "time-by-count"],
)
def test_dense_sequence_loss_reduces_as_contrib_seq2seq(losses: types.ModuleType, flags: dict[str, bool]) -> None:
    result = losses.dense_sequence_loss(LOGITS, TARGETS, WEIGHTS, **flags)
    expected = _dense_expected(flags)
    assert np.shape(result) == expected.shape
    _close(result, expected)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"logits": LOGITS[0]}, "Logits must be"),
        ({"targets": TARGETS[0]}, "Targets must be"),
        ({"weights": WEIGHTS[0]}, "Weights must be"),
        ({"sum_over_timesteps": True}, "average_across_timesteps and sum_over_timesteps"),
        ({"sum_over_batch": True}, "average_across_batch and sum_over_batch"),
    ],
    ids=["logits-rank", "targets-rank", "weights-rank", "time-flags", "batch-flags"],
)
def test_dense_sequence_loss_refuses_what_contrib_refused(
    losses: types.ModuleType, arguments: dict[str, Any], message: str
) -> None:
    values: dict[str, Any] = {"logits": LOGITS, "targets": TARGETS, "weights": WEIGHTS, **arguments}
    with pytest.raises(ValueError, match=message):
        losses.dense_sequence_loss(**values)
