"""migrate/support/vocabulary_processor.py gives the word ids TF1's contrib.learn VocabularyProcessor gave."""

from __future__ import annotations

import pickle
import sys
import types
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.tensorflow  # the module reads and writes files through tf.io.gfile

TEXTS = ["free prize call now", "call me later", "FREE entry NOW now now"]


@pytest.fixture(scope="module")
def vp() -> types.ModuleType:
    from migrate.support import vocabulary_processor

    return vocabulary_processor


def _ids(processor: object, texts: list[str]) -> list[list[int]]:
    return [list(row) for row in processor.fit_transform(texts)]  # type: ignore[attr-defined]


def test_words_get_ids_in_the_order_first_seen(vp: types.ModuleType) -> None:
    processor = vp.VocabularyProcessor(4)
    # TF1's pattern keeps upper-case words apart: "FREE" and "NOW" are words of their own.
    assert _ids(processor, TEXTS) == [[1, 2, 3, 4], [3, 5, 6, 0], [7, 8, 9, 4]]
    assert len(processor.vocabulary_) == 10
    assert [row.tolist() for row in processor.transform(["now unseen call"])] == [[4, 0, 3, 0]]
    assert next(processor.transform(["x"])).dtype == np.int64


def test_min_frequency_keeps_words_seen_more_often_by_falling_count(vp: types.ModuleType) -> None:
    processor = vp.VocabularyProcessor(3, min_frequency=1)
    # Counts: now 3, call 2, every other word 1. The third document is cut after "FREE entry NOW".
    assert _ids(processor, TEXTS) == [[0, 0, 2], [2, 0, 0], [0, 0, 0]]
    assert len(processor.vocabulary_) == 3
    assert list(processor.reverse([[1, 2, 0]])) == ["now call <UNK>"]


def test_equal_counts_are_ordered_alphabetically(vp: types.ModuleType) -> None:
    processor = vp.VocabularyProcessor(2, min_frequency=1)
    assert _ids(processor, ["b a", "a b c"]) == [[2, 1], [1, 2]]


def test_camel_case_and_punctuation_split_as_tf1(vp: types.ModuleType) -> None:
    assert list(vp.tokenizer(["CamelCase it's well-known, HTTPServer"])) == [
        ["Camel", "Case", "it's", "well-known", "HTTP", "Server"]
    ]


def test_save_and_restore(vp: types.ModuleType, tmp_path: Path) -> None:
    processor = vp.VocabularyProcessor(4, min_frequency=1)
    processor.fit(TEXTS)
    processor.save(str(tmp_path / "vocab"))
    restored = vp.VocabularyProcessor.restore(str(tmp_path / "vocab"))
    assert [row.tolist() for row in restored.transform(TEXTS)] == [row.tolist() for row in processor.transform(TEXTS)]


def test_restore_reads_a_file_tf1_saved(vp: types.ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A pickle that names TF1's classes, as contrib.learn's save wrote it.
    text = types.ModuleType("tensorflow.contrib.learn.python.learn.preprocessing.text")
    vocabulary = types.ModuleType("tensorflow.contrib.learn.python.learn.preprocessing.categorical_vocabulary")
    for module, cls in ((text, vp.VocabularyProcessor), (vocabulary, vp.CategoricalVocabulary)):
        stand_in = type(cls.__name__, (cls,), {"__module__": module.__name__})
        setattr(module, cls.__name__, stand_in)
        monkeypatch.setitem(sys.modules, module.__name__, module)
    original = text.VocabularyProcessor(4, vocabulary=vocabulary.CategoricalVocabulary())
    original.fit(TEXTS)
    payload = pickle.dumps(original)
    assert b"contrib.learn" in payload
    (tmp_path / "tf1_vocab").write_bytes(payload)
    for module in (text, vocabulary):
        monkeypatch.delitem(sys.modules, module.__name__)
    restored = vp.VocabularyProcessor.restore(str(tmp_path / "tf1_vocab"))
    assert type(restored) is vp.VocabularyProcessor and type(restored.vocabulary_) is vp.CategoricalVocabulary
    assert _ids(vp.VocabularyProcessor(4), TEXTS) == [row.tolist() for row in restored.transform(TEXTS)]
