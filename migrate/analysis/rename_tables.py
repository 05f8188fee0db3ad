"""TensorFlow's own TF1 -> TF2 upgrade tables, read from the installed TensorFlow.

The tables live in `tensorflow/tools/compatibility/` (`renames_v2.py`, `all_renames_v2.py`,
`reorders_v2.py`, `module_deprecations_v2.py` and the `TFAPIChangeSpec.__init__` of
`tf_upgrade_v2.py`). Importing them means importing `tensorflow`, which costs seconds, so the
files are located without running `tensorflow/__init__.py` and read with `ast`: a small
evaluator accepts literals, names bound to literals, string concatenation and `str.format`,
`dict(...)`, `.update(...)`, `.items()` and `for` loops over them, and records
`functools.partial(...)` as data. Nothing from those files is executed. The parsed result is
cached as JSON per TensorFlow version, so later runs only read one file.

Two deliberate differences from TensorFlow's in-memory tables:

* `add_contrib_direct_import_support` adds aliases such as `contrib_layers.xyz` for a Google-
  internal import style. Our names are canonical (`tf.contrib.layers.xyz`), so those aliases
  could never match and are not loaded.
* Of `function_transformers`, only the `_add_argument_transformer` partials are plain data
  (`added_arguments`); the other transformers are code and have their own transforms here.

The same cache holds the public TF 2 API as the installed TensorFlow declares it: the generated
`tensorflow/__init__.py` and `tensorflow/_api/v2/**/__init__.py` files list every export as an
import statement (`from tensorflow.python.ops.math_ops import matmul`). Read with `ast`, they
give the set of TF 2 names (`tf2_names`) and, by comparing the import behind `tf.compat.v1.X`
with the one behind `tf.X` (same source module, same original name: the same object), the names
whose v1 and v2 symbols are one object (`same_in_v1`). In TF 2.21, 90 of those 2584 (math
ops such as `tf.math.exp`) are, at run time, TensorFlow's WeakTensor wrapper around the v1 object,
which calls it unchanged unless the experimental auto dtype conversion is on; TF1 code already
reached the wrapped form through `tf.compat.v1.exp`. A test checks all of them against TensorFlow.

Without TensorFlow installed, `load_tables()` returns the tables of the TensorFlow version this
package pins (setup.cfg's `tensorflow` extra), parsed as above and shipped in the package
(`pinned_upgrade_tables.json`, written by `write_pinned_tables()`; a test checks it against the
installed TensorFlow of that version). An installed TensorFlow always wins: its own tables describe
the API the rewritten code will run on. Only when neither can be had does `load_tables()` raise
`TablesUnavailable`; the transforms that need the tables then report that they have no work
(`has_work` is False), and `tables_problem()` gives the reason for a caller that wants to say why.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import importlib.resources
import importlib.util
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from migrate.findings import Severity

# Bump when the cached JSON layout or the meaning of a field changes.
SCHEMA = 2

# Distributions that ship the `tensorflow` package, in the order we ask about them.
_DISTRIBUTIONS = (
    "tensorflow",
    "tensorflow-cpu",
    "tensorflow-gpu",
    "tensorflow-intel",
    "tensorflow-macos",
    "tf-nightly",
    "tf-nightly-cpu",
)
_FILES = (
    "renames_v2",
    "all_renames_v2",
    "reorders_v2",
    "module_deprecations_v2",
    "ast_edits",
    "tf_upgrade_v2",
)
_CONTRIB_ALIAS_HELPER = "add_contrib_direct_import_support"

# Entries of the tables that do not apply to the TF 2 this tool targets, by name prefix, and why.
NOT_APPLICABLE: Mapping[str, str] = MappingProxyType(
    {
        "tf.keras.": (
            "TensorFlow's tables describe Keras 2 (tf.keras before TF 2.16): they send Keras "
            "names to tf.compat.v1.keras.* or tf.keras.optimizers.legacy.*, and add Keras 2 "
            "arguments such as save_format; TF 2.16+ ships Keras 3 as tf.keras, which has "
            "none of these, while its tf.keras.* names are already TF 2 code"
        ),
    }
)


def not_applicable(name: str) -> str | None:
    """Why the tables' entries for canonical `name` must not be applied, or None."""
    for prefix, reason in NOT_APPLICABLE.items():
        if name.startswith(prefix) or name == prefix.rstrip("."):
            return reason
    return None


class TablesUnavailable(RuntimeError):
    """TensorFlow's upgrade tables cannot be found or read."""


class TensorFlowNotInstalled(TablesUnavailable):
    """No `tensorflow` package on the path: the pinned tables shipped with the package stand in."""


# The tables' message levels, as the severity of the finding that passes the message on.
SEVERITIES: Mapping[str, Severity] = {
    "INFO": Severity.INFO,
    "WARNING": Severity.WARNING,
    "ERROR": Severity.ERROR,
}


@dataclass(frozen=True)
class Note:
    """A message TensorFlow attaches to a symbol: its level (INFO/WARNING/ERROR) and text."""

    level: str
    message: str


@dataclass(frozen=True)
class ArgNote:
    """A message for calls that pass `arg` by keyword or at positional index `position`."""

    arg: str
    position: int
    level: str
    message: str


@dataclass(frozen=True)
class RenameTables:
    """The upgrade tables, keyed by canonical TF1 API path (`tf.argmax`; `*.minimize` for methods)."""

    symbol_renames: Mapping[str, str]
    # old keyword -> new keyword, or None when the argument is dropped
    keyword_renames: Mapping[str, Mapping[str, str | None]]
    # for each positional index, the keyword it must be passed as (None: stays positional)
    reorders: Mapping[str, Sequence[str | None]]
    # keyword -> Python source of the value to pass
    added_arguments: Mapping[str, Mapping[str, str]]
    function_warnings: Mapping[str, Note]
    arg_warnings: Mapping[str, Sequence[ArgNote]]
    module_deprecations: Mapping[str, Note]
    tf_version: str
    # Public TF 2 API paths (`tf.nn.relu`, modules included), from the generated API listing.
    tf2_names: frozenset[str]
    # TF 2 paths whose `tf.compat.v1` twin is the same object (`tf.nn.relu`, not `tf.argmax`).
    same_in_v1: frozenset[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "tf_version": self.tf_version,
            "symbol_renames": dict(self.symbol_renames),
            "keyword_renames": {k: dict(v) for k, v in self.keyword_renames.items()},
            "reorders": {k: list(v) for k, v in self.reorders.items()},
            "added_arguments": {k: dict(v) for k, v in self.added_arguments.items()},
            "function_warnings": {
                k: [n.level, n.message] for k, n in self.function_warnings.items()
            },
            "arg_warnings": {
                k: [[n.arg, n.position, n.level, n.message] for n in v]
                for k, v in self.arg_warnings.items()
            },
            "module_deprecations": {
                k: [n.level, n.message] for k, n in self.module_deprecations.items()
            },
            "tf2_names": sorted(self.tf2_names),
            "same_in_v1": sorted(self.same_in_v1),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RenameTables:
        if data.get("schema") != SCHEMA:
            raise ValueError("cache written by another version of tf-migrate")
        return cls(
            symbol_renames=dict(data["symbol_renames"]),
            keyword_renames={k: dict(v) for k, v in data["keyword_renames"].items()},
            reorders={k: tuple(v) for k, v in data["reorders"].items()},
            added_arguments={k: dict(v) for k, v in data["added_arguments"].items()},
            function_warnings={
                k: Note(*v) for k, v in data["function_warnings"].items()
            },
            arg_warnings={
                k: tuple(ArgNote(*n) for n in v)
                for k, v in data["arg_warnings"].items()
            },
            module_deprecations={
                k: Note(*v) for k, v in data["module_deprecations"].items()
            },
            tf_version=str(data["tf_version"]),
            tf2_names=frozenset(data["tf2_names"]),
            same_in_v1=frozenset(data["same_in_v1"]),
        )


# --- locating TensorFlow ------------------------------------------------------------------
def compatibility_dir() -> Path:
    """`tensorflow/tools/compatibility` of the installed TensorFlow, found without importing it.

    `find_spec` of a top-level package only searches `sys.path`; it does not run the package.
    """
    try:
        spec = importlib.util.find_spec("tensorflow")
    except (ImportError, ValueError) as error:
        raise TablesUnavailable(f"cannot look for TensorFlow: {error}") from error
    locations = list(spec.submodule_search_locations or ()) if spec else []
    for location in locations:
        candidate = Path(location) / "tools" / "compatibility"
        if (candidate / "tf_upgrade_v2.py").is_file():
            return candidate
    if not locations:
        raise TensorFlowNotInstalled("TensorFlow is not installed")
    raise TablesUnavailable(
        f"TensorFlow at {locations[0]} has no tools/compatibility upgrade tables"
    )


def tensorflow_version(directory: Path) -> str:
    """The installed TensorFlow's version from its distribution metadata, else a content hash."""
    for name in _DISTRIBUTIONS:
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        # Only a distribution that owns these files tells their version.
        located = Path(str(distribution.locate_file("tensorflow"))).resolve()
        if located == directory.parent.parent.resolve():
            return distribution.version
    digest = hashlib.sha256()
    for stem in _FILES:
        digest.update((directory / f"{stem}.py").read_bytes())
    return "unknown-" + digest.hexdigest()[:16]


# --- the evaluator --------------------------------------------------------------------------
class _Unsupported(Exception):
    """An expression or statement outside the data-only subset."""


@dataclass(frozen=True)
class _Partial:
    """`functools.partial(func, **keywords)`, with each keyword's value as source text."""

    func: str
    keywords: Mapping[str, str]


@dataclass(frozen=True)
class _FunctionRef:
    name: str


class _Evaluator:
    """Evaluates the data-only subset of Python described in the module docstring."""

    def __init__(self, source: str, modules: Mapping[str, dict[str, Any]]) -> None:
        self.source = source
        self.modules = modules
        self.local: dict[str, Any] = {}
        self.self_attrs: dict[str, Any] = {}

    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Dict):
            if any(key is None for key in node.keys):
                raise _Unsupported("dict unpacking")
            return {
                self.value(k): self.value(v)
                for k, v in zip(node.keys, node.values)
                if k is not None
            }
        if isinstance(node, ast.List):
            return [self.value(e) for e in node.elts]
        if isinstance(node, ast.Tuple):
            return tuple(self.value(e) for e in node.elts)
        if isinstance(node, ast.Set):
            return {self.value(e) for e in node.elts}
        if isinstance(node, ast.Name):
            if node.id in self.local:
                return self.local[node.id]
            return _FunctionRef(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = node.value.id
            if owner == "self" and node.attr in self.self_attrs:
                return self.self_attrs[node.attr]
            if owner in self.modules and node.attr in self.modules[owner]:
                return self.modules[owner][node.attr]
            raise _Unsupported(f"{owner}.{node.attr}")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.value(node.left), self.value(node.right)
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            raise _Unsupported("+ of non-strings")
        if isinstance(node, ast.Call):
            return self.call(node)
        raise _Unsupported(type(node).__name__)

    def call(self, node: ast.Call) -> Any:
        func = node.func
        if (
            isinstance(func, ast.Name)
            and func.id == "dict"
            and len(node.args) == 1
            and not node.keywords
        ):
            return dict(self.value(node.args[0]))
        if isinstance(func, ast.Attribute) and func.attr == "partial" and node.args:
            target = node.args[0]
            if not isinstance(target, ast.Name):
                raise _Unsupported("partial of a non-name")
            keywords = {
                kw.arg: self._source_of_ast_literal(kw.value)
                for kw in node.keywords
                if kw.arg
            }
            return _Partial(target.id, keywords)
        if isinstance(func, ast.Attribute) and func.attr == "format":
            template = self.value(func.value)
            if not isinstance(template, str) or node.keywords:
                raise _Unsupported("format of a non-string")
            return template.format(*(self.value(arg) for arg in node.args))
        if isinstance(func, ast.Attribute) and func.attr == "items" and not node.args:
            mapping = self.value(func.value)
            if not isinstance(mapping, dict):
                raise _Unsupported("items of a non-dict")
            return list(mapping.items())
        raise _Unsupported(ast.dump(func)[:60])

    def _source_of_ast_literal(self, node: ast.expr) -> str:
        # `arg_value_ast=ast.Str("NHWC")` describes the literal `"NHWC"`: keep its source text.
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"Str", "Constant", "Num", "NameConstant"}
            and len(node.args) == 1
        ):
            ast.literal_eval(node.args[0])  # must be a literal
            segment = ast.get_source_segment(self.source, node.args[0])
            if segment is not None:
                return segment
        return ast.get_source_segment(self.source, node) or ast.unparse(node)

    def run(self, statements: Sequence[ast.stmt], *, skip_errors: bool) -> None:
        for statement in statements:
            try:
                self.statement(statement)
            except _Unsupported:
                if not skip_errors:
                    raise
                for target in getattr(statement, "targets", ()):
                    self._forget(target)

    def _forget(self, target: ast.expr) -> None:
        # A binding we could not evaluate must not keep an older value.
        if isinstance(target, ast.Name):
            self.local.pop(target.id, None)
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
        ):
            self.self_attrs.pop(target.attr, None)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Assign):
            value = self.value(node.value)
            for target in node.targets:
                self.assign(target, value)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self.effect(node.value)
        elif isinstance(node, ast.For) and not node.orelse:
            for item in self.value(node.iter):
                self.assign(node.target, item)
                self.run(node.body, skip_errors=False)
        # Anything else (imports, function definitions, `if import_rename:`) holds no table.

    def assign(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            self.local[target.id] = value
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
        ):
            self.self_attrs[target.attr] = value
        elif (
            isinstance(target, ast.Tuple)
            and isinstance(value, (tuple, list))
            and len(value) == len(target.elts)
        ):
            for element, item in zip(target.elts, value):
                self.assign(element, item)
        elif isinstance(target, ast.Subscript):
            container = self.value(target.value)
            if not isinstance(container, dict):
                raise _Unsupported("item assignment to a non-dict")
            container[self.value(target.slice)] = value
        else:
            raise _Unsupported("assignment target")

    def effect(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == _CONTRIB_ALIAS_HELPER:
            return  # aliases for an import style our canonical names never produce
        if isinstance(func, ast.Name) and func.id == _CONTRIB_ALIAS_HELPER:
            return
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "update"
            and len(node.args) == 1
        ):
            target = self.value(func.value)
            if not isinstance(target, dict):
                raise _Unsupported("update of a non-dict")
            target.update(self.value(node.args[0]))
            return
        raise _Unsupported("call statement")


def _module_env(path: Path, modules: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    source = path.read_text(encoding="utf-8")
    evaluator = _Evaluator(source, modules)
    evaluator.run(ast.parse(source, filename=str(path)).body, skip_errors=True)
    return evaluator.local


def _change_spec(path: Path, modules: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "TFAPIChangeSpec":
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    evaluator = _Evaluator(source, modules)
                    evaluator.run(item.body, skip_errors=True)
                    return evaluator.self_attrs
    raise TablesUnavailable(f"{path} has no TFAPIChangeSpec.__init__")


def parse_tables(directory: Path, tf_version: str) -> RenameTables:
    """Read the tables from TensorFlow's source files (no caching)."""
    try:
        modules: dict[str, dict[str, Any]] = {}
        for stem in (
            "ast_edits",
            "renames_v2",
            "all_renames_v2",
            "reorders_v2",
            "module_deprecations_v2",
        ):
            modules[stem] = _module_env(directory / f"{stem}.py", modules)
        spec = _change_spec(directory / "tf_upgrade_v2.py", modules)
    except (OSError, SyntaxError, ValueError) as error:
        raise TablesUnavailable(
            f"cannot read TensorFlow's upgrade tables in {directory}: {error}"
        ) from error

    def field(name: str, where: Mapping[str, Any]) -> Any:
        if name not in where:
            raise TablesUnavailable(
                f"TensorFlow {tf_version}: could not read `{name}` from {directory}"
            )
        return where[name]

    symbol_renames = field("symbol_renames", modules["all_renames_v2"])
    keyword_renames = field("function_keyword_renames", spec)
    reorders = field("function_reorders", spec)
    transformers = field("function_transformers", spec)
    warnings = field("function_warnings", spec)
    arg_warnings = field("function_arg_warnings", spec)
    deprecations = field("MODULE_DEPRECATIONS", modules["module_deprecations_v2"])
    tf2_names, same_in_v1 = parse_api(directory.parent.parent)

    added: dict[str, dict[str, str]] = {}
    for name, transformer in transformers.items():
        if (
            isinstance(transformer, _Partial)
            and transformer.func == "_add_argument_transformer"
        ):
            added.setdefault(name, {})[
                transformer.keywords["arg_name"].strip("\"'")
            ] = transformer.keywords["arg_value_ast"]
    return RenameTables(
        symbol_renames={k: v for k, v in symbol_renames.items() if k.startswith("tf.")},
        keyword_renames={k: dict(v) for k, v in keyword_renames.items()},
        reorders={k: tuple(v) for k, v in reorders.items()},
        added_arguments=added,
        function_warnings={k: Note(*v) for k, v in warnings.items()},
        arg_warnings={
            k: tuple(
                ArgNote(arg, position, *note)
                for (arg, position), note in sorted(v.items())
            )
            for k, v in arg_warnings.items()
        },
        module_deprecations={k: Note(*v) for k, v in deprecations.items()},
        tf_version=tf_version,
        tf2_names=tf2_names,
        same_in_v1=same_in_v1,
    )


# --- the TF 2 API listing ----------------------------------------------------------------------
_API_PACKAGE = "tensorflow._api.v2"
# What an exported symbol is: the module it is imported from and its name there.
_Origin = tuple[str, str]


def _exports(path: Path) -> dict[str, _Origin | None]:
    """Public names an API `__init__.py` binds by import: origin, or None for an API submodule."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    exports: dict[str, _Origin | None] = {}
    # Only top-level imports: the generated files import conditionally only private helpers.
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or node.module is None or node.level:
            continue
        for alias in node.names:
            public = alias.asname or alias.name
            if public.startswith("_") or alias.name == "*":
                continue
            submodule = node.module == _API_PACKAGE or node.module.startswith(_API_PACKAGE + ".")
            exports[public] = None if submodule else (node.module, alias.name)
    return exports


def parse_api(package: Path) -> tuple[frozenset[str], frozenset[str]]:
    """(`tf2_names`, `same_in_v1`) of the TensorFlow package at `package`; see the module docs."""
    api = package / "_api" / "v2"
    root = package / "__init__.py"
    if not api.is_dir() or not root.is_file():
        raise TablesUnavailable(f"cannot read TensorFlow's API listing: no {api}")
    v2: dict[str, _Origin | None] = {}
    v1: dict[str, _Origin | None] = {}
    try:
        listings = [((), root), *((p.parent.relative_to(api).parts, p) for p in api.rglob("__init__.py"))]
        for parts, path in listings:
            if parts[:2] == ("compat", "v1"):
                namespace, target = parts[2:], v1
                if namespace[:1] == ("compat",):
                    continue  # tf.compat.v1.compat.* mirrors tf.compat.*
            elif parts[:2] == ("compat", "v2"):
                continue  # tf.compat.v2.* mirrors tf.*
            else:
                namespace, target = parts, v2
            prefix = ".".join(("tf", *namespace))
            for name, origin in _exports(path).items():
                target[f"{prefix}.{name}"] = origin
    except (OSError, SyntaxError, ValueError) as error:
        raise TablesUnavailable(f"cannot read TensorFlow's API listing in {api}: {error}") from error
    same = frozenset(
        name for name, origin in v2.items() if origin is not None and v1.get(name) == origin
    )
    return frozenset(v2), same


# --- cache ------------------------------------------------------------------------------------
def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tf-migrate"


def cache_path(tf_version: str, directory: Path | None = None) -> Path:
    safe = "".join(c if c.isalnum() or c in ".-_" else "_" for c in tf_version)
    return (directory or cache_dir()) / f"upgrade-tables-s{SCHEMA}-tf{safe}.json"


def _read_cache(path: Path) -> RenameTables | None:
    try:
        return RenameTables.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent, partial or stale: parse again


def _write_json(path: Path, tables: RenameTables, *, indent: int | None = None) -> None:
    # Write to a temporary file in the same directory, then rename: readers in parallel
    # workers see either no file or a complete one.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(tables.to_json(), stream, sort_keys=True, indent=indent)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_cache(path: Path, tables: RenameTables) -> None:
    try:
        _write_json(path, tables)
    except OSError:
        pass  # a read-only cache directory costs time on the next run, nothing else


# --- the tables shipped with the package ----------------------------------------------------
PINNED_TABLES = "pinned_upgrade_tables.json"


def pinned_tables() -> RenameTables:
    """The tables of the pinned TensorFlow version, as shipped in this package."""
    resource = importlib.resources.files("migrate.analysis") / PINNED_TABLES
    try:
        return RenameTables.from_json(json.loads(resource.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise TablesUnavailable(f"the upgrade tables shipped with tf-migrate cannot be read: {error}") from error


def write_pinned_tables(tables: RenameTables) -> Path:
    """Replace the shipped tables by `tables` (parsed from the pinned TensorFlow); returns the file.

    Written one entry a line, so that a new TensorFlow version reviews as a diff. After changing
    the pinned version and installing it:

        from migrate.analysis import rename_tables
        rename_tables.write_pinned_tables(rename_tables.read_tables(use_cache=False))
    """
    path = Path(__file__).resolve().with_name(PINNED_TABLES)
    _write_json(path, tables, indent=1)
    path.chmod(0o644)  # package data, readable by all (the temporary file was private)
    return path


def read_tables(
    *, directory: Path | None = None, cache: Path | None = None, use_cache: bool = True
) -> RenameTables:
    """Load the tables of the installed TensorFlow (or of `directory`), through the cache."""
    directory = directory or compatibility_dir()
    version = tensorflow_version(directory)
    path = cache_path(version, cache)
    if use_cache:
        cached = _read_cache(path)
        if cached is not None:
            return cached
    tables = parse_tables(directory, version)
    if use_cache:
        _write_cache(path, tables)
    return tables


@functools.lru_cache(maxsize=1)
def _memoised() -> RenameTables | TablesUnavailable:
    try:
        return read_tables()
    except TensorFlowNotInstalled as missing:
        try:
            return pinned_tables()
        except TablesUnavailable as error:
            return TablesUnavailable(f"{missing}, and {error}")
    except TablesUnavailable as error:
        return error


def load_tables() -> RenameTables:
    """The installed TensorFlow's upgrade tables, else the pinned version's; loaded once per process."""
    result = _memoised()
    if isinstance(result, TablesUnavailable):
        raise result
    return result


def tables_problem() -> str | None:
    """Why the tables cannot be loaded, or None when they can."""
    result = _memoised()
    return str(result) if isinstance(result, TablesUnavailable) else None


def condense(message: str, function_name: str) -> str:
    """TensorFlow's multi-line message as one line, with its `<function name>` filled in."""
    return " ".join(message.replace("<function name>", function_name).split())


__all__ = [
    "ArgNote",
    "Note",
    "RenameTables",
    "TablesUnavailable",
    "TensorFlowNotInstalled",
    "condense",
    "load_tables",
    "pinned_tables",
    "read_tables",
    "tables_problem",
    "write_pinned_tables",
]
