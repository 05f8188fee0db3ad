"""Which names of a file hold Keras models: the receivers a rule may rewrite model methods of.

A name holds a Keras model when every binding it has in its scope (Python's: the function that
binds it, else the module) assigns one: a call of Keras' model APIs (`tf.keras.Sequential(...)`,
`tf.keras.models.load_model(...)`), of a Keras model class of the file (one deriving from
`tf.keras.Model` or from another such class), of a function of the file whose every `return`
gives one, or another such name. `self` holds one in the methods of such a class and in the
functions nested in them. Any other binding (a parameter, a loop variable, an import, a tuple
target, `global`) leaves the name unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from migrate.analysis import syntax

Resolver = Callable[[cst.CSTNode], str | None]

# Calls whose result is a Keras model, and the classes a model class of the file derives from.
MODEL_CLASSES = frozenset(
    {"tf.keras.Sequential", "tf.keras.Model", "tf.keras.models.Sequential", "tf.keras.models.Model"}
)
MODEL_CALLS = MODEL_CLASSES | {
    "tf.keras.models.load_model",
    "tf.keras.models.clone_model",
    "tf.keras.models.model_from_json",
    "tf.keras.models.model_from_yaml",
}
MODEL_CALL_PREFIXES = ("tf.keras.applications.",)


class _Receiver:
    """The binding of a method's first parameter (`self`)."""


_SELF = _Receiver()
# What a binding binds: the value assigned, a definition, the method's receiver, or None.
_Bound = cst.BaseExpression | cst.FunctionDef | cst.ClassDef | _Receiver | None


@dataclass(eq=False)
class _Scope:
    node: cst.CSTNode
    parent: _Scope | None
    bindings: dict[str, list[_Bound]] = field(default_factory=dict)
    returns: list[cst.BaseExpression | None] = field(default_factory=list)

    def bind(self, name: str, bound: _Bound) -> None:
        self.bindings.setdefault(name, []).append(bound)

    def lookup(self, name: str) -> tuple[_Scope, list[_Bound]] | None:
        scope: _Scope | None = self
        while scope is not None:
            # A class body's names are not seen from the functions inside it.
            visible = scope is self or not isinstance(scope.node, cst.ClassDef)
            if visible and name in scope.bindings:
                return scope, scope.bindings[name]
            scope = scope.parent
        return None


class _Collector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.scopes: list[_Scope] = []
        self.all_scopes: list[_Scope] = []
        self.reads: dict[int, _Scope] = {}  # the scope each name is in

    def _enter(self, node: cst.CSTNode) -> _Scope:
        scope = _Scope(node, self.scopes[-1] if self.scopes else None)
        self.scopes.append(scope)
        self.all_scopes.append(scope)
        return scope

    def _bind_all(self, target: cst.BaseExpression) -> None:
        for name in syntax.bound_names(target):
            self.scopes[-1].bind(name, None)

    def visit_Module(self, node: cst.Module) -> None:
        self._enter(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes[-1].bind(node.name.value, node)
        self._enter(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        enclosing = self.scopes[-1]
        enclosing.bind(node.name.value, node)
        scope = self._enter(node)
        params = [*node.params.posonly_params, *node.params.params]
        plain = not any(syntax.code_of(d.decorator) in ("staticmethod", "classmethod") for d in node.decorators)
        method = isinstance(enclosing.node, cst.ClassDef) and plain
        for index, param in enumerate(params):
            scope.bind(param.name.value, _SELF if method and index == 0 else None)
        star = node.params.star_arg
        for param in [*node.params.kwonly_params, *([star] if isinstance(star, cst.Param) else [])]:
            scope.bind(param.name.value, None)
        if node.params.star_kwarg is not None:
            scope.bind(node.params.star_kwarg.name.value, None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        scope = self._enter(node)
        for name in syntax.own_names(node):
            scope.bind(name, None)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.scopes.pop()

    def visit_Return(self, node: cst.Return) -> None:
        self.scopes[-1].returns.append(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        single = len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name)
        for target in node.targets:
            if single:
                assert isinstance(target.target, cst.Name)
                self.scopes[-1].bind(target.target.value, node.value)
            else:
                self._bind_all(target.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_all(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_all(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind_all(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_all(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_all(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_all(node.asname.name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_all(node.name.name)

    def visit_Del(self, node: cst.Del) -> None:
        self._bind_all(node.target)

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.scopes[-1].bind(item.name.value, None)
            self.scopes[0].bind(item.name.value, None)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            for scope in self.scopes:
                scope.bind(item.name.value, None)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            bound = alias.asname.name if alias.asname is not None else alias.name
            self.scopes[-1].bind(syntax.code_of(bound).split(".")[0], None)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            bound = alias.asname.name if alias.asname is not None else alias.name
            self.scopes[-1].bind(syntax.code_of(bound), None)

    def visit_Name(self, node: cst.Name) -> None:
        self.reads[id(node)] = self.scopes[-1]


class KerasModels:
    """The bindings of a module's names, and which of them hold Keras models."""

    def __init__(self, module: cst.Module, resolve: Resolver) -> None:
        collector = _Collector()
        module.visit(collector)
        self._resolve = resolve
        self._reads = collector.reads
        self._classes: set[int] = set()  # ClassDef ids
        self._factories: set[int] = set()  # FunctionDef ids
        self._models: set[tuple[int, str]] = set()  # (scope id, name)
        scopes = collector.all_scopes
        while any(self._learn(scope) for scope in scopes):
            pass

    def _learn(self, scope: _Scope) -> bool:
        """Add what `scope` shows to hold Keras models given what is known; whether it added any."""
        learnt = False
        node = scope.node
        if isinstance(node, cst.ClassDef) and id(node) not in self._classes and scope.parent is not None:
            parent = scope.parent
            if any(self._is_model_class(base.value, parent) for base in node.bases):
                self._classes.add(id(node))
                learnt = True
        returns_models = bool(scope.returns) and all(
            value is not None and self._makes_model(value, scope) for value in scope.returns
        )
        if isinstance(node, cst.FunctionDef) and id(node) not in self._factories and returns_models:
            self._factories.add(id(node))
            learnt = True
        for name, bound in scope.bindings.items():
            key = (id(scope), name)
            if key not in self._models and all(
                isinstance(b, cst.BaseExpression) and self._makes_model(b, scope) for b in bound
            ):
                self._models.add(key)
                learnt = True
        return learnt

    def holds_model(self, name: cst.Name) -> bool:
        """Whether `name`, a name read in this module, holds a Keras model."""
        found = self._lookup(name)
        if found is None:
            return False
        owner, bound = found
        if bound == [_SELF]:
            return owner.parent is not None and id(owner.parent.node) in self._classes
        return (id(owner), name.value) in self._models

    def bound_value(self, name: cst.Name) -> cst.BaseExpression | None:
        """The value of the one assignment that binds `name`, a name read in this module, where
        it is read; None if it has other bindings or none."""
        found = self._lookup(name)
        if found is None or len(found[1]) != 1:
            return None
        value = found[1][0]
        return value if isinstance(value, cst.BaseExpression) else None

    def _lookup(self, name: cst.Name) -> tuple[_Scope, list[_Bound]] | None:
        scope = self._reads.get(id(name))
        return scope.lookup(name.value) if scope is not None else None

    def _definition(self, name: str, scope: _Scope) -> cst.CSTNode | None:
        """The one class or function `name` is bound to where `scope` reads it."""
        found = scope.lookup(name)
        if found is None or len(found[1]) != 1:
            return None
        bound = found[1][0]
        return bound if isinstance(bound, (cst.ClassDef, cst.FunctionDef)) else None

    def _is_model_class(self, base: cst.BaseExpression, scope: _Scope) -> bool:
        if self._resolve(base) in MODEL_CLASSES:
            return True
        definition = self._definition(base.value, scope) if isinstance(base, cst.Name) else None
        return definition is not None and id(definition) in self._classes

    def _makes_model(self, value: cst.BaseExpression, scope: _Scope) -> bool:
        if isinstance(value, cst.Name):
            found = scope.lookup(value.value)
            return found is not None and (id(found[0]), value.value) in self._models
        if not isinstance(value, cst.Call):
            return False
        api = self._resolve(value.func)
        if api is not None:
            return api in MODEL_CALLS or api.startswith(MODEL_CALL_PREFIXES)
        definition = self._definition(value.func.value, scope) if isinstance(value.func, cst.Name) else None
        return definition is not None and (id(definition) in self._classes or id(definition) in self._factories)
