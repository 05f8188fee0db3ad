"""Every native TF 2 target of TFM110's table exists in the installed TensorFlow."""

from __future__ import annotations

import importlib
from decimal import Decimal

import libcst as cst
import pytest

from migrate.transforms import native_table
from migrate.transforms.native_equivalents import one_minus


@pytest.mark.tensorflow
@pytest.mark.parametrize("target", sorted(native_table.all_targets()))
def test_target_exists_in_tf2(target: str) -> None:
    tf = importlib.import_module("tensorflow")
    obj: object = tf
    for part in target.split("."):
        obj = getattr(obj, part)
    assert obj is not None


@pytest.mark.parametrize(
    ("keep_prob", "rate"),
    [("0.8", "0.2"), ("0.5", "0.5"), ("1.0", "0.0"), ("0.9999999", "1E-7"), ("1", "0"), ("kp", "1 - kp"),
     ("a - b", "1 - (a - b)"), ("cfg.keep", "1 - cfg.keep")],
    ids=["0.8", "0.5", "1.0", "tiny", "int", "name", "expression", "attribute"],
)
def test_one_minus(keep_prob: str, rate: str) -> None:
    result = cst.Module([]).code_for_node(one_minus(cst.parse_expression(keep_prob)))
    assert result == rate
    if keep_prob[0].isdigit():
        assert Decimal(result) == 1 - Decimal(keep_prob)


@pytest.mark.parametrize("target", sorted(native_table.all_targets()))
def test_target_is_a_fixed_point_of_the_table_rules(target: str) -> None:
    # TFM110 writes these; the table-driven rules run after it and on every later run.
    from migrate import rewrite_source

    source = f"import tensorflow as tf\n\ny = tf.{target}\n"
    result = rewrite_source(source, select=["TFM101", "TFM102"])
    assert result.error is None and result.code == source
