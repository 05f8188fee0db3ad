"""Which receivers of `x.save_weights(...)` hold a Keras model, by Python's scopes."""

from __future__ import annotations

import libcst as cst
import pytest

from migrate.analysis import syntax
from migrate.analysis.bindings import Bindings
from migrate.analysis.keras_models import KerasModels

HEADER = "import tensorflow as tf\nfrom tensorflow.keras.models import Sequential\n\n"

# Each source ends with calls `name.save_weights(...)`; the expected answers follow their order.
CASES = [
    pytest.param("m = tf.keras.Sequential([])\nm.save_weights('p')\n", [True], id="keras-api"),
    pytest.param("m = Sequential([])\nm.save_weights('p')\n", [True], id="imported-class"),
    pytest.param("m = tf.keras.models.load_model('x')\nm.save_weights('p')\n", [True], id="loaded-model"),
    pytest.param("m = tf.keras.applications.MobileNet()\nm.save_weights('p')\n", [True], id="application"),
    pytest.param("m = make()\nm.save_weights('p')\n", [False], id="unknown-call"),
    pytest.param(
        "def create():\n    model = tf.keras.Sequential([])\n    model.compile('sgd', 'mse')\n    return model\n\n"
        "model = create()\nmodel.save_weights('p')\n",
        [True],
        id="factory-with-a-local-of-the-same-name",
    ),
    pytest.param(
        "def create(flag):\n    if flag:\n        return tf.keras.Sequential([])\n    return None\n\n"
        "m = create(True)\nm.save_weights('p')\n",
        [False],
        id="factory-returning-other-things-too",
    ),
    pytest.param(
        "m = tf.keras.Sequential([])\nm = m.layers[0]\nm.save_weights('p')\n", [False], id="bound-again-otherwise"
    ),
    pytest.param(
        "m = tf.keras.Sequential([])\n\ndef save(m):\n    m.save_weights('p')\n\nm.save_weights('q')\n",
        [False, True],
        id="parameter-shadows",
    ),
    pytest.param(
        "m = tf.keras.Sequential([])\n\ndef save():\n    m.save_weights('p')\n", [True], id="global-read-in-function"
    ),
    pytest.param(
        "m = tf.keras.Sequential([])\n\ndef save():\n    global m\n    m = 3\n\nm.save_weights('p')\n",
        [False],
        id="global-rebound",
    ),
    pytest.param("for m in [tf.keras.Sequential([])]:\n    m.save_weights('p')\n", [False], id="loop-variable"),
    pytest.param(
        "class Net(tf.keras.Model):\n    def keep(self):\n        self.save_weights('p')\n\n"
        "        def inner():\n            self.save_weights('q')\n\n"
        "    @staticmethod\n    def other(self):\n        self.save_weights('r')\n\n"
        "class Deeper(Net):\n    def keep(self):\n        self.save_weights('s')\n\n"
        "class Plain:\n    def keep(self):\n        self.save_weights('t')\n\n"
        "net = Deeper()\nnet.save_weights('u')\n",
        [True, True, False, True, False, True],
        id="model-classes-and-self",
    ),
    pytest.param(
        "class Net(tf.keras.Model):\n    m = tf.keras.Sequential([])\n\n"
        "    def keep(self):\n        m.save_weights('p')\n",
        [False],
        id="class-body-names-unseen-from-methods",
    ),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_holds_model(body: str, expected: list[bool]) -> None:
    code = HEADER + body
    module = cst.parse_module(code)
    bindings = Bindings(module, code)
    models = KerasModels(module, bindings.tf_api)
    receivers = [
        call.func.value
        for call in syntax.calls_in(module)
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "save_weights"
    ]
    assert [isinstance(r, cst.Name) and models.holds_model(r) for r in receivers] == expected


def test_bound_value_is_the_one_assignment_where_the_name_is_read() -> None:
    code = "path = 'a/b'\nother = 'x'\nother = 'y'\n\ndef f(path):\n    return path\n\nuse(path, other)\n"
    module = cst.parse_module(code)
    models = KerasModels(module, Bindings(module, code).tf_api)
    names = {
        syntax.code_of(arg.value): arg.value
        for call in syntax.calls_in(module)
        if syntax.code_of(call.func) == "use"
        for arg in call.args
    }
    parameter = next(n for n in syntax.nodes_of(module, cst.Return) if isinstance(n, cst.Return)).value
    assert isinstance(names["path"], cst.Name) and isinstance(names["other"], cst.Name)
    assert isinstance(parameter, cst.Name)
    assert syntax.code_of(models.bound_value(names["path"]) or cst.Name("none")) == "'a/b'"
    assert models.bound_value(names["other"]) is None  # bound twice
    assert models.bound_value(parameter) is None  # a parameter
