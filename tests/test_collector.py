"""The collector settings that every rewrite runs under."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import libcst as cst
import pytest

from migrate import rewrite_source
from migrate.analysis import parsing
from migrate.collector import REWRITE_THRESHOLD, fewer_collections


@pytest.fixture
def default_thresholds() -> Iterator[tuple[int, int, int]]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*saved)


def test_raises_the_young_threshold_and_restores_all_three(default_thresholds: tuple[int, int, int]) -> None:
    with fewer_collections():
        assert gc.get_threshold() == (REWRITE_THRESHOLD, 10, 10)
    assert gc.get_threshold() == default_thresholds


def test_restores_after_an_exception(default_thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError
    assert gc.get_threshold() == default_thresholds


def test_never_lowers_a_higher_threshold(default_thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(REWRITE_THRESHOLD * 5, 20, 30)
    with fewer_collections():
        assert gc.get_threshold() == (REWRITE_THRESHOLD * 5, 20, 30)
    assert gc.get_threshold() == (REWRITE_THRESHOLD * 5, 20, 30)


def test_collection_is_not_switched_off(default_thresholds: tuple[int, int, int]) -> None:
    with fewer_collections():
        assert gc.isenabled()
        before = gc.get_stats()[0]["collections"]
        for _ in range(REWRITE_THRESHOLD * 3):
            cycle: list[object] = []
            cycle.append(cycle)
        assert gc.get_stats()[0]["collections"] > before


def test_every_rewrite_runs_under_it(monkeypatch: pytest.MonkeyPatch, default_thresholds: tuple[int, int, int]) -> None:
    seen: list[tuple[int, int, int]] = []
    original = parsing.parse_module

    def parse(source: str) -> cst.Module:
        seen.append(gc.get_threshold())
        return original(source)

    monkeypatch.setattr(parsing, "parse_module", parse)
    result = rewrite_source("import tensorflow as tf\nx = tf.log(1.0)\n")
    assert result.code == "import tensorflow as tf\nx = tf.math.log(1.0)\n"
    assert seen == [(REWRITE_THRESHOLD, 10, 10)]
    assert gc.get_threshold() == default_thresholds


def test_overlapping_blocks_restore_when_the_last_ends(default_thresholds: tuple[int, int, int]) -> None:
    outer = fewer_collections()
    inner = fewer_collections()
    outer.__enter__()
    inner.__enter__()
    outer.__exit__(None, None, None)  # blocks in two threads may end in either order
    assert gc.get_threshold() == (REWRITE_THRESHOLD, 10, 10)
    inner.__exit__(None, None, None)
    assert gc.get_threshold() == default_thresholds
