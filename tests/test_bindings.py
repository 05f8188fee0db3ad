"""The import-table name resolution gives exactly libcst's answers."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import (
    ExpressionContext,
    ExpressionContextProvider,
    ImportAssignment,
    MetadataWrapper,
    QualifiedNameProvider,
    ScopeProvider,
)

from migrate.analysis import tf_names
from migrate.analysis.bindings import Bindings

ROOT = Path(__file__).parent.parent
SOURCES = sorted(
    [*(ROOT / "tests" / "fixtures").glob("*/*.in.py"), *(ROOT / "legacy_examples").glob("*.py")]
)
TF_ROOTS = ("tensorflow", "tf_slim")


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _parsed(path: Path) -> tuple[str, cst.Module]:
    code = path.read_text(encoding="utf-8")
    return code, cst.parse_module(code)


@pytest.mark.parametrize("path", SOURCES, ids=_id)
def test_table_resolution_equals_libcst(path: Path) -> None:
    code, module = _parsed(path)
    bindings = Bindings(module, code)
    if not bindings.exact:
        pytest.skip("falls back to libcst's providers")
    assert _checked_against_libcst(module, bindings) or "tensorflow" not in code


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("from tensorflow import *\nimport tensorflow as tf\nx = placeholder\ny = tf.x\n", id="star-tf"),
        pytest.param("from inits import *\nimport tensorflow as tf\ny = glorot(tf.x)\n", id="star-other"),
        pytest.param(
            "import tensorflow as tf\na = tf.zeros\nimport numpy as np\nimport tensorflow as tf\nb = tf.ones\n"
            "def f():\n    return tf.x\n",
            id="imported-again",
        ),
        pytest.param(
            "from tensorflow import layers\nx = layers.dense\nfrom tensorflow import layers\n", id="from-again"
        ),
    ],
)
def test_more_import_patterns_resolve_as_libcst(source: str) -> None:
    module = cst.parse_module(source)
    bindings = Bindings(module, source)
    assert bindings.exact
    assert _checked_against_libcst(module, bindings)


def _checked_against_libcst(module: cst.Module, bindings: Bindings) -> int:
    """How many TensorFlow references were checked; fails at a different answer."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    names = wrapper.resolve(QualifiedNameProvider)
    contexts = wrapper.resolve(ExpressionContextProvider)
    scopes = wrapper.resolve(ScopeProvider)
    checked = 0
    for node in list(names):
        value = names[node]
        expected = set(value() if callable(value) else value)
        got = set(bindings.qualified_names(node))
        tf_expected = {q for q in expected if q.name.startswith(TF_ROOTS)}
        assert {q for q in got if q.name.startswith(TF_ROOTS)} == tf_expected, node
        assert not got or got == expected, node
        api = tf_names.resolve(got)
        assert api == tf_names.resolve(expected), node
        if api is None:
            continue
        checked += 1
        if isinstance(node, (cst.Name, cst.Attribute)):
            assert bindings.is_load(node) == (contexts.get(node) is ExpressionContext.LOAD), node
        head = node
        while isinstance(head, cst.Attribute):
            head = head.value
        scope = scopes.get(head)
        if isinstance(head, cst.Name) and scope is not None:
            statements = {a.node for a in scope[head.value] if isinstance(a, ImportAssignment)}
            assert set(bindings.import_bindings(head, head.value) or ()) == statements
    return checked


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("import tensorflow as tf\ndef f(tf):\n    return tf.x\n", id="parameter"),
        pytest.param("import tensorflow as tf\ntf = None\n", id="assignment"),
        pytest.param("import tensorflow as tf\nfor tf in range(3):\n    pass\n", id="for-target"),
        pytest.param("import tensorflow as tf\nwith open('f') as tf:\n    pass\n", id="with-target"),
        pytest.param("import tensorflow as tf\ntry:\n    pass\nexcept Exception as tf:\n    pass\n", id="except"),
        pytest.param("import tensorflow as tf\ny = [tf for tf in range(3)]\n", id="comprehension"),
        pytest.param("import tensorflow as tf\ndef f():\n    global tf\n", id="global"),
        pytest.param("import tensorflow as tf\ndel tf\n", id="del"),
        pytest.param("import tensorflow as tf\nclass tf:\n    pass\n", id="class-name"),
        pytest.param(
            "import tensorflow as tf\nx = tf.zeros\nimport tensorflow.compat.v1 as tf\n", id="read-between-imports"
        ),
        pytest.param("import tensorflow.contrib.slim\nx = tensorflow.contrib.slim.conv2d\n", id="dotted-import"),
        pytest.param("def f():\n    import tensorflow as tf\n    return tf.x\n", id="import-in-function"),
        pytest.param("import tensorflow as tf\nx = obj.tf\n", id="attribute-name"),
        pytest.param("import tensorflow as tf\nf(tf=1)\n", id="keyword-name"),
        pytest.param("x = tf.zeros\nimport tensorflow as tf\n", id="read-before-import"),
        pytest.param("import tensorflow as tf\ntf.x = 1\n", id="assigned-attribute"),
        pytest.param("from tensorflow import placeholder\ndef placeholder():\n    pass\n", id="def-shadows-import"),
    ],
)
def test_shadowing_falls_back_to_libcst(source: str) -> None:
    module = cst.parse_module(source)
    bindings = Bindings(module, source)
    assert not bindings.exact
    # The fallback answers with libcst's own providers.
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    names = wrapper.resolve(QualifiedNameProvider)
    for node in list(names):
        value = names[node]
        assert set(bindings.qualified_names(node)) == set(value() if callable(value) else value)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("import tensorflow as tf\ny = tf.placeholder\n", "tf.placeholder", id="root-alias"),
        pytest.param("import tensorflow.compat.v1 as tf\ny = tf.placeholder\n", "tf.placeholder", id="compat-v1"),
        pytest.param(
            "from tensorflow.compat import v1 as tf\ny = tf.placeholder\n", "tf.placeholder", id="from-compat"
        ),
        pytest.param("from tensorflow import placeholder\ny = placeholder\n", "tf.placeholder", id="from-import"),
        pytest.param(
            "import tensorflow.contrib.slim as slim\ny = slim.conv2d\n", "tf.contrib.slim.conv2d", id="slim"
        ),
        pytest.param(
            "try:\n    import tensorflow.compat.v1 as tf\nexcept ImportError:\n    import tensorflow as tf\n"
            "y = tf.placeholder\n",
            "tf.placeholder",
            id="fallback-import-same-api",
        ),
        pytest.param("import numpy as tf\ny = tf.placeholder\n", None, id="not-tensorflow"),
    ],
)
def test_import_styles_resolve_without_libcst(source: str, expected: str | None) -> None:
    module = cst.parse_module(source)
    bindings = Bindings(module, source)
    assert bindings.exact
    statement = module.body[-1]
    assert isinstance(statement, cst.SimpleStatementLine)
    assign = statement.body[0]
    assert isinstance(assign, cst.Assign)
    assert tf_names.resolve(set(bindings.qualified_names(assign.value))) == expected


class _RenameLogToMathLog(cst.CSTTransformer):
    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if tf_names.dotted(updated_node) == "tf.log":
            return cst.parse_expression("tf.math.log")
        return updated_node


def _names(bindings: Bindings, module: cst.Module) -> list[set[str]]:
    found: list[set[str]] = []

    class Collect(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            found.append({q.name for q in bindings.qualified_names(node)})

    module.visit(Collect())
    return found


def test_bindings_after_a_rewrite_that_kept_the_imports_are_carried_over() -> None:
    code = "import numpy as np\nimport tensorflow as tf\ny = tf.log(np.ones(2))\n"
    before = cst.parse_module(code)
    after = before.visit(_RenameLogToMathLog())
    carried = Bindings.after(Bindings(before, code), after, after.code)
    assert carried.exact and carried.module is after
    assert _names(carried, after) == _names(Bindings(after, after.code), after)
    assert {"tensorflow.math.log"} in _names(carried, after)


def test_bindings_after_a_rewrite_that_changed_the_imports_are_worked_out_again() -> None:
    code = "import tensorflow as tf\ny = tf.log(2.0)\n"
    before = cst.parse_module(code)
    after = cst.parse_module("import tensorflow.compat.v1 as tf\ny = tf.log(2.0)\n")
    fresh = Bindings.after(Bindings(before, code), after, after.code)
    assert {"tensorflow.compat.v1.log"} in _names(fresh, after)
