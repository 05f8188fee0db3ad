"""The installed libcst still has what migrate/analysis/libcst_internals.py relies on.

Each test names the assumption it checks: when one fails after a libcst upgrade, that module (and
only it) has to follow the change.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import libcst as cst
import libcst.codemod.visitors._add_imports as libcst_add_imports
import libcst.matchers._visitors as libcst_matcher_visitors
import pytest
from libcst import matchers as m
from libcst.codemod import Codemod, CodemodContext, ContextAwareTransformer, ContextAwareVisitor
from libcst.codemod.visitors import AddImportsVisitor

from migrate.analysis import libcst_internals
from migrate.analysis.libcst_internals import (
    ADD_IMPORTS_HOOKS,
    GATHERER_HOOKS,
    GATHERER_NAME,
    METADATA_SCOPE,
    TRANSFORMER_MATCHERS,
    VISITOR_MATCHERS,
    AddImports,
    TransformerWithoutMatcherSetUp,
    VisitorWithoutMatcherSetUp,
    hooks_above,
    init_transformer_without_matcher_set_up,
    init_visitor_without_matcher_set_up,
)
from migrate.transforms.api_renames import ApiRenames

LIBCST = f"libcst {importlib.metadata.version('libcst')}"


class _PlainTransformer(ContextAwareTransformer):
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node


class _PlainVisitor(ContextAwareVisitor):
    def visit_Name(self, node: cst.Name) -> None:
        pass


class _DecoratedTransformer(TransformerWithoutMatcherSetUp):
    @m.leave(m.Name("x"))
    def rename(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value="y")


def _tables(instance: object, matchers_field: str) -> tuple[object, object, object]:
    matchers = getattr(instance, "_matchers")  # noqa: B009  # libcst's property over `matchers_field`
    assert matchers_field in vars(instance), f"{LIBCST}: no field {matchers_field} behind `_matchers` any more"
    return matchers, getattr(instance, "_extra_visit_funcs"), getattr(instance, "_extra_leave_funcs")  # noqa: B009


def test_transformer_set_up_skipped_leaves_what_libcsts_set_up_leaves() -> None:
    context = CodemodContext()
    own = _PlainTransformer(context)
    cheap = _PlainTransformer.__new__(_PlainTransformer)
    init_transformer_without_matcher_set_up(cheap, context)
    assert set(vars(cheap)) == set(vars(own)), (
        f"{LIBCST}: ContextAwareTransformer.__init__ now sets {sorted(vars(own))}, "
        f"the matcher-less set-up {sorted(vars(cheap))}"
    )
    assert _tables(own, TRANSFORMER_MATCHERS) == ({}, {}, {}), f"{LIBCST}: a class without decorators has matchers"
    assert _tables(cheap, TRANSFORMER_MATCHERS) == ({}, {}, {})
    assert cheap.context is context


def test_visitor_set_up_skipped_leaves_what_libcsts_set_up_leaves() -> None:
    context = CodemodContext()
    own = _PlainVisitor(context)
    cheap = _PlainVisitor.__new__(_PlainVisitor)
    init_visitor_without_matcher_set_up(cheap, context)
    assert set(vars(cheap)) == set(vars(own)), (
        f"{LIBCST}: ContextAwareVisitor.__init__ now sets {sorted(vars(own))}, "
        f"the matcher-less set-up {sorted(vars(cheap))}"
    )
    assert _tables(own, VISITOR_MATCHERS) == ({}, {}, {}), f"{LIBCST}: a class without decorators has matchers"
    assert _tables(cheap, VISITOR_MATCHERS) == ({}, {}, {})
    assert cheap.context is context


def test_our_transforms_without_decorators_get_the_fields_libcst_gives_them() -> None:
    context = CodemodContext()
    cheap = ApiRenames(context)
    own = ApiRenames.__new__(ApiRenames)
    ContextAwareTransformer.__init__(own, context)
    assert set(vars(own)) <= set(vars(cheap)), f"{LIBCST}: fields missing: {set(vars(own)) - set(vars(cheap))}"
    assert _tables(cheap, TRANSFORMER_MATCHERS) == _tables(own, TRANSFORMER_MATCHERS) == ({}, {}, {})


def test_decorated_hooks_still_get_libcsts_set_up() -> None:
    transformer = _DecoratedTransformer(CodemodContext())
    assert transformer._extra_leave_funcs, "the set-up was skipped for a class with a matcher decorator"
    assert cst.parse_module("x = 1\n").visit(transformer).code == "y = 1\n"


def test_add_imports_runs_without_any_matcher_set_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """AddImports builds neither its own matcher tables nor its gatherer's; the result is libcst's."""
    source = '"""Doc."""\nimport os\nfrom absl import flags\n\nx = 1\n'
    module = cst.parse_module(source)
    contexts = [CodemodContext(), CodemodContext()]
    for context in contexts:
        AddImportsVisitor.add_needed_import(context, "absl", "app")
        AddImportsVisitor.add_needed_import(context, "tensorflow", asname="tf")
        AddImportsVisitor.add_needed_import(context, "os")
    expected = AddImportsVisitor(contexts[0]).transform_module(module).code
    assert expected == '"""Doc."""\nimport os\nfrom absl import app, flags\nimport tensorflow as tf\n\nx = 1\n'

    def no_set_up(instance: object) -> dict[object, object]:
        raise AssertionError(f"matcher set-up ran for {type(instance).__name__}")

    monkeypatch.setattr(libcst_matcher_visitors, "_gather_constructed_visit_funcs", no_set_up)
    monkeypatch.setattr(libcst_matcher_visitors, "_gather_constructed_leave_funcs", no_set_up)
    monkeypatch.setattr(libcst_matcher_visitors, "_gather_matchers", no_set_up)
    assert AddImports(contexts[1]).transform_module(module).code == expected


def test_add_imports_visitor_names_its_gatherer_through_a_module_global() -> None:
    visit_module = AddImportsVisitor.__dict__.get("visit_Module")
    assert visit_module is not None, f"{LIBCST}: AddImportsVisitor has no visit_Module of its own any more"
    assert GATHERER_NAME in visit_module.__code__.co_names, (
        f"{LIBCST}: AddImportsVisitor.visit_Module no longer builds {GATHERER_NAME}"
    )
    gatherer = getattr(libcst_add_imports, GATHERER_NAME, None)
    assert isinstance(gatherer, type) and issubclass(gatherer, ContextAwareVisitor), (
        f"{LIBCST}: {GATHERER_NAME} is gone from libcst.codemod.visitors._add_imports or is no ContextAwareVisitor"
    )
    # Our AddImports overrides visit_Module only; every other hook is libcst's own.
    own_hooks = {name for name in vars(AddImports) if name.startswith(("visit_", "leave_"))}
    assert own_hooks == {"visit_Module"}


def test_import_visitors_have_no_hook_below_a_statement_line() -> None:
    """AddImports and its gatherer do not descend below the nodes their hooks are on."""
    assert hooks_above(AddImportsVisitor, ContextAwareTransformer) == ADD_IMPORTS_HOOKS, (
        f"{LIBCST}: AddImportsVisitor's hooks changed; AddImports descends everywhere (slowly) until "
        "libcst_internals names the nodes its hooks are on"
    )
    assert hooks_above(getattr(libcst_add_imports, GATHERER_NAME), ContextAwareVisitor) == GATHERER_HOOKS, (
        f"{LIBCST}: the gatherer's hooks changed; it descends everywhere (slowly) until libcst_internals "
        "names the nodes its hooks are on"
    )
    assert libcst_internals._ADD_IMPORTS_DESCENDS_INTO == (cst.Module, cst.SimpleStatementLine)
    assert libcst_internals._GATHERER_DESCENDS_INTO == (cst.Module,)


def test_add_imports_runs_libcsts_visit_module_with_the_cheap_gatherer() -> None:
    assert libcst_internals.ADD_IMPORTS_VISIT_MODULE is not AddImportsVisitor.visit_Module, (
        f"{LIBCST}: AddImportsVisitor.visit_Module is no function naming {GATHERER_NAME}; "
        "AddImports runs it as it is, with libcst's slow gatherer"
    )
    assert libcst_internals.ADD_IMPORTS_VISIT_MODULE.__code__ is AddImportsVisitor.visit_Module.__code__


def test_super_init_chains_reach_the_set_up_bases() -> None:
    """`super().__init__(context)` in libcst's classes lands on our bases, placed before libcst's."""
    add_order = AddImports.__mro__
    assert add_order.index(TransformerWithoutMatcherSetUp) < add_order.index(ContextAwareTransformer)
    gatherer = libcst_internals._TopImportsGatherer
    assert gatherer.__mro__.index(VisitorWithoutMatcherSetUp) < gatherer.__mro__.index(ContextAwareVisitor)
    libcst_gatherer = getattr(libcst_add_imports, GATHERER_NAME)
    chains = [
        AddImportsVisitor.__mro__[: AddImportsVisitor.__mro__.index(ContextAwareTransformer)],
        libcst_gatherer.__mro__[: libcst_gatherer.__mro__.index(ContextAwareVisitor)],
    ]
    for chain in chains:
        for kind in chain:
            init = kind.__dict__.get("__init__")
            assert init is None or "super" in init.__code__.co_names, (
                f"{LIBCST}: {kind.__qualname__}.__init__ no longer calls super().__init__"
            )


def test_codemods_scope_metadata_through_the_overridden_method() -> None:
    method = getattr(Codemod, METADATA_SCOPE, None)
    assert callable(method), f"{LIBCST}: Codemod.{METADATA_SCOPE} is gone"
    assert METADATA_SCOPE in Codemod.transform_module.__code__.co_names, (
        f"{LIBCST}: Codemod.transform_module no longer calls {METADATA_SCOPE}, which MigrationTransform overrides"
    )


def test_parse_without_checks_builds_libcst_tree_and_restores_the_checks() -> None:
    assert "__post_init__" in cst.CSTNode.__dict__, f"{LIBCST}: CSTNode no longer checks its fields in __post_init__"
    source = "import tensorflow as tf\n\nx = tf.ones([2])  # two\nif x:\n    y = (x +\n         1)\n"
    assert libcst_internals.parse_without_checks(source).deep_equals(cst.parse_module(source))
    with pytest.raises(cst.CSTValidationError):
        cst.Name("1x")  # built by hand after the parse: checked again


def test_removable_statements_as_libcst_drops_them() -> None:
    assert hasattr(cst.CSTNode, "_is_removable"), f"{LIBCST}: CSTNode._is_removable is gone"
    assert libcst_internals.is_removable(cst.SimpleStatementLine(body=()))
    assert not libcst_internals.is_removable(cst.SimpleStatementLine([cst.Pass()]))


def test_codegen_writes_tokens_and_calls_the_node_hooks() -> None:
    seen: list[str] = []

    class _Recorder(libcst_internals.CodegenState):
        def before_codegen(self, node: cst.CSTNode) -> None:
            seen.append(type(node).__name__)

    state = _Recorder(default_indent="    ", default_newline="\n")
    libcst_internals.codegen(cst.parse_expression("a + b"), state)
    assert "".join(state.tokens) == "a + b"
    assert seen[:2] == ["BinaryOperation", "Name"], f"{LIBCST}: _codegen no longer reports each node"


def test_private_libcst_names_stay_behind_one_module() -> None:
    """Every other module reaches libcst's private names through libcst_internals."""
    package = Path(libcst_internals.__file__).parents[1]
    private = re.compile(r"\blibcst\._|\._codegen\(|\._is_removable\(|__post_init__|_MatcherDecoratable")
    offenders = [
        f"{path.relative_to(package.parent)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "libcst_internals.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if private.search(line)
    ]
    assert not offenders, offenders
