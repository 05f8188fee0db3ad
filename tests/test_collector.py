"""The collector settings that batch rewrites run under."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from migrate import sources
from migrate.collector import BATCH_THRESHOLD, fewer_collections


@pytest.fixture
def default_thresholds() -> Iterator[tuple[int, int, int]]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*saved)


def test_raises_the_young_threshold_and_restores_all_three(default_thresholds: tuple[int, int, int]) -> None:
    with fewer_collections():
        assert gc.get_threshold() == (BATCH_THRESHOLD, 10, 10)
    assert gc.get_threshold() == default_thresholds


def test_restores_after_an_exception(default_thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError
    assert gc.get_threshold() == default_thresholds


def test_never_lowers_a_higher_threshold(default_thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(BATCH_THRESHOLD * 5, 20, 30)
    with fewer_collections():
        assert gc.get_threshold() == (BATCH_THRESHOLD * 5, 20, 30)
    assert gc.get_threshold() == (BATCH_THRESHOLD * 5, 20, 30)


def test_collection_is_not_switched_off(default_thresholds: tuple[int, int, int]) -> None:
    with fewer_collections():
        assert gc.isenabled()
        before = gc.get_stats()[0]["collections"]
        for _ in range(BATCH_THRESHOLD * 3):
            cycle: list[object] = []
            cycle.append(cycle)
        assert gc.get_stats()[0]["collections"] > before


def test_a_worker_batch_runs_under_it(monkeypatch: pytest.MonkeyPatch, default_thresholds: tuple[int, int, int]) -> None:
    seen: list[tuple[int, int, int]] = []
    monkeypatch.setattr(sources, "process", lambda task: seen.append(gc.get_threshold()))
    sources.process_batch([object(), object()])  # type: ignore[list-item]
    assert seen == [(BATCH_THRESHOLD, 10, 10)] * 2
    assert gc.get_threshold() == default_thresholds
