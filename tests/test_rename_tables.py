"""TensorFlow's upgrade tables as `rename_tables` reads them, against TensorFlow's own modules."""

from __future__ import annotations

import ast
import configparser
import functools
import importlib
import importlib.util
import json
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from migrate.analysis import rename_tables
from migrate.analysis.rename_tables import RenameTables
from migrate.transforms.api_renames import effective_target

# Targets of TensorFlow 2.21's tables that `import tensorflow` (Keras 3) does not have,
# measured: 26 are Keras-2 era `tf.compat.v1.keras.*`, `tf.compat.v1.layers.*` and
# `tf.compat.v1.nn.rnn_cell.*` names, present only with tf-keras and TF_USE_LEGACY_KERAS=1;
# 4 `tf.compat.v1.tpu.experimental.*Parameters`, 5 `tf.data.experimental` stats/hook names,
# `UnionClusterResolver`, and 4 Keras names (`tf.keras.experimental.LinearModel`,
# `WideDeepModel`, legacy Adadelta/Adamax/Nadam) were removed after the tables were written.
# The TF1 spellings of these are missing as well, so renaming them loses nothing.
MISSING_TARGETS_TF_2_21 = 40


def _without_contrib_aliases(table: Mapping[str, Any]) -> dict[str, Any]:
    # `contrib_*` aliases serve an import style canonical names never produce: not loaded.
    return {k: v for k, v in table.items() if not k.startswith("contrib_")}


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> RenameTables:
    return rename_tables.read_tables(cache=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def spec() -> Any:
    from tensorflow.tools.compatibility import tf_upgrade_v2

    return tf_upgrade_v2.TFAPIChangeSpec()


@pytest.mark.tensorflow
def test_symbol_renames_equal_tensorflows(tables: RenameTables) -> None:
    from tensorflow.tools.compatibility import all_renames_v2

    assert tables.symbol_renames == _without_contrib_aliases(
        all_renames_v2.symbol_renames
    )


@pytest.mark.tensorflow
def test_change_spec_tables_equal_tensorflows(tables: RenameTables, spec: Any) -> None:
    from tensorflow.tools.compatibility import module_deprecations_v2

    assert tables.keyword_renames == _without_contrib_aliases(
        spec.function_keyword_renames
    )
    assert {k: list(v) for k, v in tables.reorders.items()} == _without_contrib_aliases(
        spec.function_reorders
    )
    assert {
        k: (n.level, n.message) for k, n in tables.function_warnings.items()
    } == _without_contrib_aliases(spec.function_warnings)
    theirs_args = {
        name: {(n.arg, n.position): (n.level, n.message) for n in notes}
        for name, notes in tables.arg_warnings.items()
    }
    assert theirs_args == _without_contrib_aliases(spec.function_arg_warnings)
    assert {
        k: (n.level, n.message) for k, n in tables.module_deprecations.items()
    } == dict(module_deprecations_v2.MODULE_DEPRECATIONS)


@pytest.mark.tensorflow
def test_added_arguments_equal_tensorflows_partials(
    tables: RenameTables, spec: Any
) -> None:
    from tensorflow.tools.compatibility import tf_upgrade_v2

    expected: dict[str, dict[str, object]] = {}
    for name, transformer in _without_contrib_aliases(
        spec.function_transformers
    ).items():
        if (
            isinstance(transformer, functools.partial)
            and transformer.func is tf_upgrade_v2._add_argument_transformer
        ):
            expected.setdefault(name, {})[transformer.keywords["arg_name"]] = (
                transformer.keywords["arg_value_ast"].value
            )
    loaded = {
        name: {arg: ast.literal_eval(src) for arg, src in args.items()}
        for name, args in tables.added_arguments.items()
    }
    assert loaded == expected
    assert expected, "TensorFlow's tables add arguments to some functions"


def _resolves(root: Any, path: str) -> bool:
    node = root
    for part in path.split(".")[1:]:
        try:
            node = getattr(node, part)
        except AttributeError:
            return False
    return True


@pytest.mark.tensorflow
def test_every_target_resolves_in_tf2(tables: RenameTables) -> None:
    import tensorflow as tf

    targets = {effective_target(tables, name) for name in tables.symbol_renames}
    missing = sorted(t for t in targets if t is not None and not _resolves(tf, t))
    print(
        f"{len(missing)} of {len(targets)} targets missing in TF {tf.__version__}: {missing}"
    )
    assert len(missing) == MISSING_TARGETS_TF_2_21, missing


@pytest.mark.tensorflow
def test_cache_round_trip(tmp_path: Path) -> None:
    started = time.perf_counter()
    parsed = rename_tables.read_tables(cache=tmp_path)
    cold = time.perf_counter() - started
    files = list(tmp_path.glob("upgrade-tables-*.json"))
    assert len(files) == 1 and not list(tmp_path.glob("*.tmp"))
    started = time.perf_counter()
    cached = rename_tables.read_tables(cache=tmp_path)
    warm = time.perf_counter() - started
    print(f"tables: parse {cold * 1000:.1f} ms, cache {warm * 1000:.1f} ms")
    assert cached == parsed
    assert RenameTables.from_json(json.loads(json.dumps(parsed.to_json()))) == parsed

    # A damaged cache is parsed again and rewritten, not trusted.
    files[0].write_text("{not json", encoding="utf-8")
    assert rename_tables.read_tables(cache=tmp_path) == parsed
    assert (
        json.loads(files[0].read_text(encoding="utf-8"))["tf_version"]
        == parsed.tf_version
    )


@pytest.mark.tensorflow
def test_cache_is_used(tmp_path: Path) -> None:
    parsed = rename_tables.read_tables(cache=tmp_path)
    path = rename_tables.cache_path(parsed.tf_version, tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["symbol_renames"] = {"tf.only_in_cache": "tf.cached"}
    path.write_text(json.dumps(data), encoding="utf-8")
    assert rename_tables.read_tables(cache=tmp_path).symbol_renames == {
        "tf.only_in_cache": "tf.cached"
    }


def test_missing_tensorflow_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(
        rename_tables.TablesUnavailable, match="could not read|cannot read"
    ):
        rename_tables.parse_tables(tmp_path, "0.0")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_api_listing_compares_v1_and_v2_imports(tmp_path: Path) -> None:
    api = tmp_path / "_api" / "v2"
    _write(
        tmp_path / "__init__.py",
        "import sys as _sys\n"
        "from tensorflow._api.v2 import nn\n"
        "from tensorflow.python.ops.math_ops import matmul # line: 1\n"
        "from tensorflow.python.ops.math_ops import argmax_v2 as argmax # line: 2\n"
        "from tensorflow.python.framework.dtypes import float32\n",
    )
    _write(api / "__init__.py", "")
    _write(
        api / "nn" / "__init__.py",
        "from tensorflow.python.ops.gen_nn_ops import relu\n"
        "from tensorflow.python.ops.nn_ops import dropout_v2 as dropout\n",
    )
    _write(
        api / "compat" / "v1" / "__init__.py",
        "from tensorflow._api.v2.compat.v1 import nn\n"
        "from tensorflow.python.ops.math_ops import matmul\n"
        "from tensorflow.python.ops.math_ops import argmax\n"
        "from tensorflow.python.framework.dtypes import float32\n"
        "from tensorflow.python.ops.array_ops import placeholder\n",
    )
    _write(
        api / "compat" / "v1" / "nn" / "__init__.py",
        "from tensorflow.python.ops.gen_nn_ops import relu\n"
        "from tensorflow.python.ops.nn_ops import dropout\n",
    )
    _write(api / "compat" / "v2" / "__init__.py", "from tensorflow.python.ops.math_ops import only_v2\n")
    names, same = rename_tables.parse_api(tmp_path)
    assert names == {
        "tf.nn",
        "tf.matmul",
        "tf.argmax",
        "tf.float32",
        "tf.nn.relu",
        "tf.nn.dropout",
    }
    assert same == {"tf.matmul", "tf.float32", "tf.nn.relu"}
    with pytest.raises(rename_tables.TablesUnavailable, match="API listing"):
        rename_tables.parse_api(tmp_path / "_api")


def _is_weak_tensor_passthrough(v2: object, v1: object) -> bool:
    # TensorFlow wraps some ops for WeakTensor after `tf.compat.v1.math` imported them and
    # before `tf.math` did; the wrapper calls the original unless the experimental
    # auto dtype conversion mode is on (never in TF1 code). `tf.compat.v1.exp` is the
    # wrapped one too, so v1 code already mixed both.
    code = getattr(v2, "__code__", None)
    return (
        code is not None
        and code.co_filename.endswith("weak_tensor_ops.py")
        and getattr(v2, "__wrapped__", None) is v1
    )


@pytest.mark.tensorflow
def test_api_listing_matches_live_tensorflow(tables: RenameTables) -> None:
    import tensorflow as tf

    # Lazily attached at import time by code, not by the listing: never simplified into.
    lazy = {"dtensor", "initializers", "keras", "losses", "metrics", "optimizers", "security", "tools"}
    for module in (
        "tf",
        "tf.nn",
        "tf.math",
        "tf.io.gfile",
        "tf.random",
        "tf.train",
        "tf.linalg",
        "tf.data",
        "tf.image",
    ):
        listed = {
            name[len(module) + 1 :]
            for name in tables.tf2_names
            if name.startswith(module + ".") and "." not in name[len(module) + 1 :]
        }
        live = {name for name in dir(_resolve(tf, module)) if not name.startswith("_")}
        assert listed == live - lazy, module

    passthrough: list[str] = []
    for name in sorted(tables.same_in_v1):
        v2 = _resolve(tf, name)
        v1 = _resolve(tf.compat.v1, name)
        if v2 is not v1:
            assert _is_weak_tensor_passthrough(v2, v1), name
            passthrough.append(name)
    print(
        f"{len(tables.same_in_v1)} names identical in v1 and v2, {len(passthrough)} through the WeakTensor pass-through"
    )
    assert len(tables.same_in_v1) > 2000
    for name in ("tf.argmax", "tf.nn.dropout", "tf.Variable", "tf.reduce_sum", "tf.constant", "tf.nn.softmax"):
        assert name in tables.tf2_names and name not in tables.same_in_v1, name
        assert _resolve(tf, name) is not _resolve(tf.compat.v1, name), name


def _resolve(root: Any, path: str) -> Any:
    node = root
    for part in path.split(".")[1:]:
        node = getattr(node, part)
    return node


def _pinned_tensorflow_version() -> str:
    parser = configparser.ConfigParser()
    parser.read(Path(__file__).resolve().parent.parent / "setup.cfg", encoding="utf-8")
    requirements = parser["options.extras_require"]["tensorflow"].split()
    pins = [r.split("==", 1)[1] for r in requirements if r.startswith("tensorflow==")]
    assert len(pins) == 1, f"setup.cfg's tensorflow extra pins no single tensorflow version: {requirements}"
    return pins[0]


def test_shipped_tables_are_the_pinned_versions() -> None:
    pinned = rename_tables.pinned_tables()
    assert pinned.tf_version == _pinned_tensorflow_version()
    assert len(pinned.symbol_renames) > 900 and "tf.log" in pinned.symbol_renames
    assert len(pinned.tf2_names) > 3000 and "tf.math.log" in pinned.tf2_names


@pytest.mark.tensorflow
def test_shipped_tables_equal_the_installed_pinned_tensorflows() -> None:
    directory = rename_tables.compatibility_dir()
    version = rename_tables.tensorflow_version(directory)
    if version != _pinned_tensorflow_version():
        pytest.skip(f"installed TensorFlow {version} is not the pinned {_pinned_tensorflow_version()}")
    parsed = rename_tables.parse_tables(directory, version)
    assert rename_tables.pinned_tables() == parsed, (
        "the shipped tables differ from the installed TensorFlow's: "
        "run rename_tables.write_pinned_tables(rename_tables.read_tables(use_cache=False))"
    )


@pytest.fixture
def fresh_load(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # load_tables() remembers its first answer per process: forget it around the test.
    rename_tables._memoised.cache_clear()
    yield
    monkeypatch.undo()
    rename_tables._memoised.cache_clear()


def test_without_tensorflow_the_shipped_tables_stand_in(monkeypatch: pytest.MonkeyPatch, fresh_load: None) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, package=None: None)
    with pytest.raises(rename_tables.TensorFlowNotInstalled):
        rename_tables.compatibility_dir()
    assert rename_tables.load_tables() == rename_tables.pinned_tables()
    assert rename_tables.tables_problem() is None


def test_an_unreadable_installed_tensorflow_is_not_replaced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_load: None
) -> None:
    # An installed TensorFlow of any version decides the API; the shipped tables must not mask
    # a broken installation.
    _write(tmp_path / "tensorflow" / "__init__.py", "")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    importlib.invalidate_caches()
    problem = rename_tables.tables_problem()
    assert problem is not None and "no tools/compatibility upgrade tables" in problem
    with pytest.raises(rename_tables.TablesUnavailable):
        rename_tables.load_tables()


def test_unreadable_shipped_tables_are_a_clear_error(monkeypatch: pytest.MonkeyPatch, fresh_load: None) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, package=None: None)
    monkeypatch.setattr(rename_tables, "PINNED_TABLES", "no_such_tables.json")
    problem = rename_tables.tables_problem()
    assert problem is not None
    assert problem.startswith("TensorFlow is not installed, and the upgrade tables shipped with tf-migrate")


@pytest.mark.tensorflow
def test_initializer_parameters_are_tf1s(tables: RenameTables) -> None:
    import inspect

    import tensorflow as tf

    from migrate.transforms.initializer_table import DTYPE, V1_INITIALIZER_PARAMETERS

    for name, parameters in V1_INITIALIZER_PARAMETERS.items():
        symbol: Any = tf.compat.v1
        for part in name.split(".")[1:]:
            symbol = getattr(symbol, part)
        signature = inspect.signature(symbol.__init__)
        assert tuple(p for p in signature.parameters if p != "self") == parameters, name
        # Each is one TensorFlow notes, for the dtype its constructor takes.
        assert name in tables.function_warnings and DTYPE in parameters, name
