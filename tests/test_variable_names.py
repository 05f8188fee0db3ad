"""migrate.analysis.variable_names: the names TF1 gave a scope's `tf.Variable`s, checked
against TF1 itself, and the shapes whose names it refuses to guess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import libcst as cst
import pytest

from migrate.analysis import tf_names
from migrate.analysis.graph_statements import factory_variable
from migrate.analysis.variable_names import tf1_variable_names


def _resolve(node: cst.CSTNode) -> str | None:
    """A stand-in resolver: chains that start at `tf`."""
    spelled = tf_names.dotted(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
    return spelled if spelled is not None and spelled.split(".")[0] == "tf" else None


def _names(source: str) -> dict[str, str]:
    """Each `target = tf.Variable(...)` of `source` -> its TF1 name, or `!` and why not."""
    module = cst.parse_module(source)
    factories = {
        node.name.value: made
        for node in module.body
        if isinstance(node, cst.FunctionDef) and (made := factory_variable(node, _resolve)) is not None
    }
    told = tf1_variable_names(module.body, _resolve, factories)
    found: dict[str, str] = {}
    for assign in _assignments(module):
        target = assign.targets[0].target
        if isinstance(target, cst.Name) and id(assign.value) in told:
            name = told[id(assign.value)]
            found[target.value] = name if isinstance(name, str) else f"! {name}"
    return found


def _assignments(module: cst.Module) -> list[cst.Assign]:
    class Finder(cst.CSTVisitor):
        def __init__(self) -> None:
            self.found: list[cst.Assign] = []

        def visit_Assign(self, node: cst.Assign) -> None:
            self.found.append(node)

    finder = Finder()
    module.visit(finder)
    return finder.found


# Programs whose names TF1 itself is asked for below.
_TOLD = {
    "numbered": (
        "a = tf.Variable(1.0)\nb = tf.Variable(2.0)\nc = tf.Variable(3.0, name='w')\nd = tf.Variable(4.0, name='w')\n",
        {"a": "Variable", "b": "Variable_1", "c": "w", "d": "w_1"},
    ),
    "name-scopes": (
        (
            "with tf.name_scope('layer'):\n"
            "    a = tf.Variable(1.0)\n"
            "    with tf.name_scope('inner'):\n"
            "        b = tf.Variable(2.0, name='w')\n"
            "    c = tf.Variable(3.0)\n"
            "d = tf.Variable(4.0)\n"
        ),
        {"a": "layer/Variable", "b": "layer/inner/w", "c": "layer/Variable_1", "d": "Variable"},
    ),
    "case-insensitive": (
        "a = tf.Variable(1.0, name='W')\nb = tf.Variable(2.0, name='w')\n",
        {"a": "W", "b": "w_1"},
    ),
    "numbered-name-taken": (
        "a = tf.Variable(1.0, name='w_1')\nb = tf.Variable(2.0, name='w')\nc = tf.Variable(3.0, name='w')\n",
        {"a": "w_1", "b": "w", "c": "w_2"},
    ),
    "new-graph-counts-afresh": (
        (
            "a = tf.Variable(1.0)\n"
            "with tf.Graph().as_default():\n"
            "    b = tf.Variable(2.0)\n"
            "    with tf.Session() as sess:\n"
            "        c = tf.Variable(3.0)\n"
        ),
        {"a": "Variable", "b": "Variable", "c": "Variable_1"},
    ),
    "reset-counts-afresh": (
        "a = tf.Variable(1.0)\ntf.reset_default_graph()\nb = tf.Variable(2.0)\n",
        {"a": "Variable", "b": "Variable"},
    ),
    "ops-named-before": (
        (
            "x = tf.placeholder(tf.float32, name='Variable')\n"
            "a = tf.Variable(1.0)\n"
            "y = tf.placeholder(tf.float32, name='w')\n"
            "b = tf.Variable(2.0, name='w')\n"
        ),
        {"a": "Variable_1", "b": "w_1"},
    ),
    "factories-make-theirs-where-called": (
        (
            "def weight_variable(shape):\n"
            "    initial = tf.truncated_normal(shape, stddev=0.1)\n"
            "    return tf.Variable(initial)\n"
            "def named(shape):\n"
            "    return tf.Variable(tf.zeros(shape), name='bias')\n"
            "a = tf.Variable(1.0)\n"
            "with tf.name_scope('layer'):\n"
            "    b = weight_variable([2])\n"
            "    c = named([2])\n"
            "d = weight_variable([2])\n"
            "e = named([2])\n"
            "f = named([2])\n"
        ),
        {"a": "Variable", "b": "layer/Variable", "c": "layer/bias", "d": "Variable_1", "e": "bias", "f": "bias_1"},
    ),
    "device-and-session-blocks-name-nothing": (
        (
            "sess = tf.Session()\n"
            "with tf.device('/cpu:0'):\n"
            "    a = tf.Variable(1.0)\n"
            "with sess.as_default():\n"
            "    b = tf.Variable(2.0)\n"
        ),
        {"a": "Variable", "b": "Variable_1"},
    ),
}


@pytest.mark.parametrize(("source", "expected"), list(_TOLD.values()), ids=list(_TOLD))
def test_names(source: str, expected: dict[str, str]) -> None:
    assert _names(source) == expected


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("a = tf.Variable(1.0, name=prefix + 'w')\n", "not a string literal"),
        ("with tf.name_scope(scope):\n    a = tf.Variable(1.0)\n", "name scope whose name is not"),
        ("with tf.name_scope('s/'):\n    a = tf.Variable(1.0)\n", "name scope whose name is not"),
        (
            "with tf.name_scope('s'):\n    a = tf.Variable(1.0)\nwith tf.name_scope('s'):\n    b = tf.Variable(1.0)\n",
            "opened again",
        ),
        ("with tf.variable_scope('s'):\n    a = tf.Variable(1.0)\n", "a scope (variable_scope)"),
        ("with graph.as_default():\n    a = tf.Variable(1.0)\n", "a graph this rule cannot tell"),
        ("s = tf.Variable(1.0, name='s')\nwith tf.name_scope('s'):\n    b = tf.Variable(1.0)\n", "named like an op"),
    ],
    ids=[
        "name-not-a-literal",
        "scope-not-a-literal",
        "absolute-scope",
        "scope-reopened",
        "variable-scope",
        "unknown-graph",
        "scope-named-like-a-variable",
    ],
)
def test_names_not_told(source: str, why: str) -> None:
    name = _names(source)["b" if "b =" in source else "a"]
    assert name.startswith("! ") and why in name


def test_a_definition_makes_no_variable_where_it_stands() -> None:
    # The variable of `make` is made at its call, after `a`: `a` is the first `Variable`.
    source = "if ready:\n    def make():\n        return tf.Variable(0.0)\na = tf.Variable(1.0)\nb = make()\n"
    assert _names(source) == {"a": "Variable"}


_TF1_NAMES = textwrap.dedent(
    """
    import json, sys
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    found = {}
    for key, source in json.loads(sys.argv[1]).items():
        tf.reset_default_graph()
        namespace = {"tf": tf}
        exec(source, namespace)
        found[key] = {n: v.name[: -len(":0")] for n, v in namespace.items() if isinstance(v, tf.Variable)}
    print(json.dumps(found))
    """
)


@pytest.mark.tensorflow
def test_names_are_the_ones_tf1_gave() -> None:
    sources = {key: source for key, (source, _) in _TOLD.items()}
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    ran = subprocess.run(
        [sys.executable, "-c", _TF1_NAMES, json.dumps(sources)],
        check=True, capture_output=True, text=True, timeout=300, env=env,
    )
    assert json.loads(ran.stdout.strip().splitlines()[-1]) == {key: expected for key, (_, expected) in _TOLD.items()}
