"""TensorFlow 1's `tf.contrib.learn.preprocessing.VocabularyProcessor`, on TF 2.

tf-migrate wrote this module next to a program that used contrib.learn's text preprocessing,
which TensorFlow 2 no longer has; the program imports this one in its place. It is plain Python
and NumPy (TF 2 only to read and write files) and yours to keep.

It gives the ids TF1 gave: words are the matches of TF1's tokenizer pattern, id 0 is the
unknown word (and the padding), and words get ids in the order they are first seen, or, once
`min_frequency` trims the vocabulary, by falling count with ties in alphabetical order, keeping
only words seen more than `min_frequency` times. Documents become int64 arrays of
`max_document_length` ids, cut or padded with 0 at the end. `save` / `restore` pickle the
processor; `restore` also reads files that TF1's class saved.

Keras' `TextVectorization` is the TF 2 way to do this, but it splits, lower-cases and orders
its vocabulary differently, so a trained model's ids would not carry over.
"""

from __future__ import annotations

import collections
import pickle
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy
import tensorflow as tf

TOKENIZER_RE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|[\'\w\-]+", re.UNICODE)

# Where TF1 kept these classes: a file TF1's `save` wrote names them.
_TF1_MODULES = (
    "tensorflow.contrib.learn.python.learn.preprocessing.text",
    "tensorflow.contrib.learn.python.learn.preprocessing.categorical_vocabulary",
)


def tokenizer(iterator: Iterable[str]) -> Iterator[list[str]]:
    """The words of each document, as TF1's default tokenizer split them."""
    for value in iterator:
        yield TOKENIZER_RE.findall(value)


class CategoricalVocabulary:
    """Words (or any categories) to ids, 0 standing for every unknown one."""

    def __init__(self, unknown_token: str = "<UNK>", support_reverse: bool = True) -> None:
        self._unknown_token = unknown_token
        self._mapping: dict[Any, int] = {unknown_token: 0}
        self._support_reverse = support_reverse
        if support_reverse:
            self._reverse_mapping: list[Any] = [unknown_token]
        self._freq: dict[Any, int] = collections.defaultdict(int)
        self._freeze = False

    def __len__(self) -> int:
        """The number of ids, the unknown word's included."""
        return len(self._mapping)

    def freeze(self, freeze: bool = True) -> None:
        """While frozen, a new category gets the unknown id instead of a new one."""
        self._freeze = freeze

    def get(self, category: Any) -> int:
        """The id of `category`, made now when it is new and the vocabulary is not frozen."""
        if category not in self._mapping:
            if self._freeze:
                return 0
            self._mapping[category] = len(self._mapping)
            if self._support_reverse:
                self._reverse_mapping.append(category)
        return self._mapping[category]

    def add(self, category: Any, count: int = 1) -> None:
        """Count `category` (giving it an id when it is new)."""
        if self.get(category) <= 0:
            return
        self._freq[category] += count

    def trim(self, min_frequency: int, max_frequency: int = -1) -> None:
        """Keep the categories counted more than `min_frequency` times (and, with a positive
        `max_frequency`, fewer than that), with new ids by falling count, ties alphabetical."""
        alphabetical = sorted(self._freq.items(), key=lambda item: (isinstance(item[0], str), item[0]))
        by_count = sorted(alphabetical, key=lambda item: item[1], reverse=True)
        self._mapping = {self._unknown_token: 0}
        if self._support_reverse:
            self._reverse_mapping = [self._unknown_token]
        next_id = 1
        for category, count in by_count:
            if 0 < max_frequency <= count:
                continue
            if count <= min_frequency:
                break
            self._mapping[category] = next_id
            next_id += 1
            if self._support_reverse:
                self._reverse_mapping.append(category)
        self._freq = dict(by_count[: next_id - 1])

    def reverse(self, class_id: int) -> Any:
        """The category of an id."""
        if not self._support_reverse:
            raise ValueError("This vocabulary wasn't initialized with support_reverse to support reverse() function.")
        return self._reverse_mapping[class_id]


class VocabularyProcessor:
    """Maps documents to arrays of word ids."""

    def __init__(
        self,
        max_document_length: int,
        min_frequency: int = 0,
        vocabulary: CategoricalVocabulary | None = None,
        tokenizer_fn: Callable[[Iterable[str]], Iterable[list[str]]] | None = None,
    ) -> None:
        self.max_document_length = max_document_length
        self.min_frequency = min_frequency
        self.vocabulary_ = vocabulary if vocabulary else CategoricalVocabulary()
        self._tokenizer = tokenizer_fn if tokenizer_fn else tokenizer

    def fit(self, raw_documents: Iterable[str], unused_y: Any = None) -> VocabularyProcessor:
        """Learn the vocabulary of `raw_documents`, then freeze it."""
        for tokens in self._tokenizer(raw_documents):
            for token in tokens:
                self.vocabulary_.add(token)
        if self.min_frequency > 0:
            self.vocabulary_.trim(self.min_frequency)
        self.vocabulary_.freeze()
        return self

    def fit_transform(self, raw_documents: Iterable[str], unused_y: Any = None) -> Iterator[Any]:
        """`fit`, then `transform` the same documents (give a list, not a one-pass iterator)."""
        self.fit(raw_documents)
        return self.transform(raw_documents)

    def transform(self, raw_documents: Iterable[str]) -> Iterator[Any]:
        """Each document's word ids: an int64 array of `max_document_length`, 0-padded."""
        for tokens in self._tokenizer(raw_documents):
            word_ids = numpy.zeros(self.max_document_length, numpy.int64)
            for index, token in enumerate(tokens):
                if index >= self.max_document_length:
                    break
                word_ids[index] = self.vocabulary_.get(token)
            yield word_ids

    def reverse(self, documents: Iterable[Iterable[int]]) -> Iterator[str]:
        """The words of each array of ids, joined by spaces."""
        for item in documents:
            yield " ".join(self.vocabulary_.reverse(class_id) for class_id in item)

    def save(self, filename: str) -> None:
        with tf.io.gfile.GFile(filename, "wb") as f:
            f.write(pickle.dumps(self))

    @classmethod
    def restore(cls, filename: str) -> VocabularyProcessor:
        with tf.io.gfile.GFile(filename, "rb") as f:
            restored = _Unpickler(f).load()
        if not isinstance(restored, VocabularyProcessor):
            raise TypeError(f"{filename} holds a {type(restored).__name__}, not a VocabularyProcessor")
        return restored


class _Unpickler(pickle.Unpickler):
    """Reads TF1's pickled processors as this module's classes."""

    def find_class(self, module: str, name: str) -> Any:
        if module in _TF1_MODULES and name in ("VocabularyProcessor", "CategoricalVocabulary"):
            return globals()[name]
        if module in _TF1_MODULES and name == "tokenizer":
            return tokenizer
        return super().find_class(module, name)
