"""migrate/support/hyperparameters.py behaves as TF 1.15's tf.contrib.training.HParams."""

from __future__ import annotations

import json
from typing import Any

import pytest

from migrate.support.hyperparameters import HParams, parse_values


def _hparams() -> HParams:
    return HParams(learning_rate=0.1, units=100, activation="relu", layers=[64, 32], use_bias=True)


def test_values_are_attributes_and_keep_their_order() -> None:
    hparams = _hparams()
    assert (hparams.learning_rate, hparams.units, hparams.activation) == (0.1, 100, "relu")
    assert hparams.values() == {"learning_rate": 0.1, "units": 100, "activation": "relu", "layers": [64, 32],
                                "use_bias": True}
    assert "units" in hparams and "dropout" not in hparams
    assert str(hparams) == "learning_rate=0.1,units=100,activation=relu,layers=[64, 32],use_bias=True"
    assert repr(hparams) == (
        "HParams([('activation', 'relu'), ('layers', [64, 32]), ('learning_rate', 0.1), ('units', 100), "
        "('use_bias', True)])"
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("learning_rate", 1, 1.0),
        ("units", 7, 7),
        ("activation", "tanh", "tanh"),
        ("layers", [8, 4, 2], [8, 4, 2]),
        ("use_bias", False, False),
    ],
    ids=["int-to-float", "int", "str", "list", "bool"],
)
def test_set_hparam_casts_as_tf1(name: str, value: Any, expected: Any) -> None:
    hparams = _hparams()
    hparams.set_hparam(name, value)
    assert getattr(hparams, name) == expected
    assert type(getattr(hparams, name)) is type(expected)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("units", 0.5, "Could not cast hparam 'units'"),
        ("activation", 3, "Could not cast hparam 'activation'"),
        ("use_bias", 1, "Could not cast hparam 'use_bias'"),
        ("learning_rate", "fast", "Could not cast hparam 'learning_rate'"),
        ("units", [1, 2], "Must not pass a list for single-valued parameter: units"),
        ("layers", 8, "Must pass a list for multi-valued parameter: layers."),
    ],
    ids=["float-to-int", "int-to-str", "int-to-bool", "str-to-float", "list-for-scalar", "scalar-for-list"],
)
def test_set_hparam_refuses_what_tf1_refused(name: str, value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _hparams().set_hparam(name, value)


def test_override_from_dict_and_json() -> None:
    hparams = _hparams().override_from_dict({"units": 3, "learning_rate": 2})
    assert (hparams.units, hparams.learning_rate) == (3, 2.0)
    assert hparams.parse_json('{"activation": "elu", "layers": [1]}') is hparams
    assert (hparams.activation, hparams.layers) == ("elu", [1])
    assert json.loads(hparams.to_json()) == hparams.values()
    assert hparams.to_json(sort_keys=True).startswith('{"activation": "elu"')
    with pytest.raises(KeyError):
        hparams.override_from_dict({"unknown": 1})


def test_to_json_leaves_callables_out() -> None:
    hparams = HParams(units=4, activation=print)
    assert json.loads(hparams.to_json()) == {"units": 4}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("units=12", {"units": 12}),
        ("learning_rate=1e-3, activation=tanh", {"learning_rate": 0.001, "activation": "tanh"}),
        ("layers=[3, 2,1]", {"layers": [3, 2, 1]}),
        ("use_bias=false", {"use_bias": False}),
        ("use_bias=True", {"use_bias": True}),
        ("use_bias=0", {"use_bias": False}),
    ],
    ids=["int", "float-and-str", "list", "false", "True", "zero"],
)
def test_parse_reads_tf1_strings(text: str, expected: dict[str, Any]) -> None:
    hparams = _hparams().parse(text)
    assert {name: getattr(hparams, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("units=", "Could not parse hparam 'units' of type 'int' with value ''"),
        ("units=1.5", "Could not parse hparam 'units'"),
        ("use_bias=maybe", "Could not parse hparam 'use_bias' of type 'bool'"),
        ("depth=3", "Unknown hyperparameter type for depth"),
        ("units=1,units=2", "Multiple assignments to variable 'units'"),
        ("=3", "Malformed hyperparameter value: =3"),
        ("units=[1,2]", "Must not pass a list for single-valued parameter: units"),
    ],
    ids=["empty", "float-for-int", "bad-bool", "unknown", "twice", "malformed", "list-for-scalar"],
)
def test_parse_refuses_what_tf1_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _hparams().parse(text)


def test_parse_values_alone() -> None:
    assert parse_values("a=1,b=[x,y]", {"a": float, "b": str}) == {"a": 1.0, "b": ["x", "y"]}


def test_get_checks_the_default_against_the_type() -> None:
    hparams = _hparams()
    assert hparams.get("units", 5) == 100
    assert hparams.get("missing", "fallback") == "fallback"
    assert hparams.get("layers", [1]) == [64, 32]
    with pytest.raises(ValueError, match="Hparam 'units' of type '<class 'int'>' is incompatible with default=0.5"):
        hparams.get("units", 0.5)
    with pytest.raises(ValueError, match="incompatible with default=3"):
        hparams.get("layers", 3)


def test_adding_and_deleting() -> None:
    hparams = HParams()
    hparams.add_hparam("depth", 3)
    assert hparams.values() == {"depth": 3}
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: depth"):
        hparams.add_hparam("depth", 4)
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: values"):
        hparams.add_hparam("values", 1)
    with pytest.raises(ValueError, match="Multi-valued hyperparameters cannot be empty: sizes"):
        hparams.add_hparam("sizes", [])
    hparams.del_hparam("depth")
    hparams.del_hparam("never_added")
    assert hparams.values() == {} and not hasattr(hparams, "depth")


def test_model_structure_is_kept_and_protocol_buffers_are_refused() -> None:
    hparams = HParams(model_structure="crosses", units=1)
    assert hparams.get_model_structure() == "crosses"
    hparams.set_model_structure(None)
    assert hparams.get_model_structure() is None
    with pytest.raises(ValueError, match="HParamDef"):
        HParams(hparam_def=b"serialized")
