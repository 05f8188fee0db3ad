"""Data files that scripts of the runnable set download at run time, written instead.

The runnable set runs offline. A script that downloads its data when a file is missing reads the
stand-in here instead, from the working directory the harness gives both programs
(`--stand-in NAME` in benchmarks/corpus/runnable.txt). Each stand-in is written in the format
the script's own loader reads, from data the project makes itself:

- `mnist-idx`: MNIST as the four uncompressed IDX files of `data/mnist/` that CS 20's
  `utils.download_mnist` looks for before it downloads, holding the harness's synthetic digits
  (migrate.harness.mnist).
- `cat-jpg`: the 360x300 RGB photo `cat.jpg` that the VGG tutorial's `tool_show_size.py` reads,
  as seeded noise.
- `friday-jpg`: CS 20's `data/friday.jpg`, which `07_run_kernels.py` filters, as seeded noise.
- `birth-weight`: the cookbook's `birth_weight.csv` (the header of the low birth weight study's
  nine columns, then 189 rows of floats), drawn from a seeded model of its columns.
- `sms-spam`: the SMS Spam Collection as the cookbook's text chapters cache it, `label<TAB>text`
  lines in `temp/text_data.txt` and `label,text` rows in `temp/temp_spam_data.csv`: 600 seeded
  messages, the spam ones drawn mostly from words of their own, with digits and punctuation
  for the scripts' cleaning to remove.
"""

from __future__ import annotations

import csv
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np

from migrate.harness import mnist

_IMAGES_MAGIC = 2051  # the IDX header of a uint8 array of rank 3
_LABELS_MAGIC = 2049  # and of rank 1


def _write_idx(path: Path, magic: int, array: np.ndarray) -> None:
    path.write_bytes(struct.pack(f">{1 + array.ndim}I", magic, *array.shape) + array.astype(np.uint8).tobytes())


def mnist_idx(directory: Path) -> None:
    folder = directory / "data" / "mnist"
    folder.mkdir(parents=True, exist_ok=True)
    (train_images, train_labels), (test_images, test_labels) = mnist.load_arrays()
    for prefix, images, labels in (("train", train_images, train_labels), ("t10k", test_images, test_labels)):
        _write_idx(folder / f"{prefix}-images-idx3-ubyte", _IMAGES_MAGIC, images)
        _write_idx(folder / f"{prefix}-labels-idx1-ubyte", _LABELS_MAGIC, labels)


def _photo(path: Path, height: int, width: int, seed: int) -> None:
    from PIL import Image  # a corpus extra, as the scripts that read images need it

    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.RandomState(seed).randint(0, 256, size=(height, width, 3)).astype(np.uint8)
    Image.fromarray(pixels).save(path, quality=90)


def cat_jpg(directory: Path) -> None:
    _photo(directory / "cat.jpg", 360, 300, seed=360)


def friday_jpg(directory: Path) -> None:
    _photo(directory / "data" / "friday.jpg", 120, 160, seed=5)


def birth_weight(directory: Path) -> None:
    rng = np.random.RandomState(189)
    rows = 189
    age, weight = rng.randint(14, 45, rows), rng.randint(80, 250, rows)
    race, smoke, ptl = rng.randint(1, 4, rows), rng.randint(0, 2, rows), rng.randint(0, 3, rows)
    ht, ui = rng.randint(0, 2, rows), rng.randint(0, 2, rows)
    grams = np.clip(3000 + 8 * (weight - 130) - 250 * smoke - 300 * ht + rng.normal(0, 500, rows), 700, 5000).round()
    low = (grams < 2500).astype(int)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "birth_weight.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["LOW", "AGE", "LWT", "RACE", "SMOKE", "PTL", "HT", "UI", "BWT"])
        columns = (low, age, weight, race, smoke, ptl, ht, ui, grams)
        writer.writerows([float(value) for value in row] for row in zip(*columns))


_HAM_WORDS = (
    "i", "am", "going", "home", "now", "ok", "see", "you", "later", "call", "me", "when", "get",
    "there", "sorry", "cant", "talk", "lunch", "tomorrow", "love", "it", "was", "good", "dinner",
    "tonight", "where", "are", "u", "meet", "at", "the", "station", "thanks", "for", "today",
)
_SPAM_WORDS = (
    "free", "win", "prize", "claim", "now", "urgent", "cash", "award", "txt", "reply", "stop",
    "mobile", "offer", "guaranteed", "call", "customer", "service", "voucher", "ringtone",
    "selected", "draw",
)


def _message(rng: np.random.RandomState, spam: bool) -> str:
    own, other = (_SPAM_WORDS, _HAM_WORDS) if spam else (_HAM_WORDS, _SPAM_WORDS)
    words = [
        str(rng.choice(own if rng.rand() < 0.8 else other)) for _ in range(rng.randint(3, 30))
    ]
    if spam:
        words.insert(rng.randint(len(words)), f"{rng.randint(10000, 99999)}!")
    return " ".join(words).capitalize() + rng.choice([".", "!", "?", "..."])


def sms_spam(directory: Path) -> None:
    rng = np.random.RandomState(5574)
    labels = ["spam" if rng.rand() < 0.15 else "ham" for _ in range(600)]
    rows = [[label, _message(rng, label == "spam")] for label in labels]
    folder = directory / "temp"
    folder.mkdir(parents=True, exist_ok=True)
    # As the scripts write it from the collection: a last empty line, which their reader drops.
    (folder / "text_data.txt").write_text("".join(f"{label}\t{text}\n" for label, text in rows) + "\n")
    with open(folder / "temp_spam_data.csv", "w", newline="") as file:
        csv.writer(file).writerows(rows)


STAND_INS: dict[str, Callable[[Path], None]] = {
    "mnist-idx": mnist_idx,
    "cat-jpg": cat_jpg,
    "friday-jpg": friday_jpg,
    "birth-weight": birth_weight,
    "sms-spam": sms_spam,
}


def stand_in_directory(name: str, scratch: Path) -> Path:
    """The directory holding stand-in `name`, written under `scratch` on first use."""
    directory = scratch / "stand-ins" / name
    if not directory.is_dir():
        STAND_INS[name](directory)
    return directory
