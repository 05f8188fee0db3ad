"""TFM107: which version checks every release answers alike (migrate.transforms.version_checks)."""

from __future__ import annotations

import pytest

from migrate.pipeline import Selection, rewrite_code
from migrate.transforms.version_checks import answer


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("tensorflow_version[0] >= '1'", True),
        ("int(tensorflow_version.split('.')[0]) < 1", False),
        ("tensorflow_version.startswith('0.')", False),
        ("not tensorflow_version.startswith('0.')", True),
        ("tensorflow_version < '2'", None),  # TF1 and TF 2 differ: a real choice
        ("tensorflow_version >= '1.10'", None),  # 1.0 and 1.15 differ
        ("tensorflow_version[0] >= '1' and flag", None),  # the program's own state
        ("len(tensorflow_version) > 0", None),  # a function this rule does not read
        ("tensorflow_version.__class__", None),
        ("tensorflow_version[9] == '1'", None),  # fails on some release
    ],
    ids=lambda value: str(value),
)
def test_answer(condition: str, expected: bool | None) -> None:
    assert answer(condition) is expected


def test_a_program_name_like_the_placeholder_is_not_the_version() -> None:
    source = (
        "import tensorflow as tf\n\ntensorflow_version = '0.1'\n"
        "if tf.__version__ > tensorflow_version:\n    x = 1\n"
    )
    assert rewrite_code(source, selection=Selection.of(["TFM107"])).code == source
