"""Which import binds each name of one parsed file: qualified names without libcst's scope pass.

libcst's ScopeProvider and QualifiedNameProvider cost about 0.2 s for a 100-line file, and the
pipeline used to pay that once per transform. Almost every TensorFlow file binds its TensorFlow
names (`tf`, `slim`, `placeholder`, ...) with module-level imports and nothing else; then the
qualified name of `tf.nn.relu` is the import's target with the rest of the chain appended, which
a table built from the import statements gives exactly. Python's own `ast` module (fast, in C)
checks that premise for every name that matters: bound anywhere other than by a module-level
import (assignment, parameter, loop / with / except / comprehension target, def or class name,
global, nonlocal, del, an import inside a function), read at module level before its import (or
between two imports of it that bind different things), used as an attribute or keyword name, or
imported as a bare dotted path. When any of that holds, the whole file falls back to libcst's
providers, computed once for the tree. A star import binds nothing for libcst's scopes, nor here.

The answers are libcst's (`QualifiedNameProvider`, the `ScopeProvider` assignments of a name)
for every name bound to TensorFlow or spelled `tensorflow`, `tf_slim` or `tf`; names bound to
anything else have no qualified name here (no TensorFlow rule looks at them).
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Collection, Iterator, Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    ExpressionContext,
    ExpressionContextProvider,
    ImportAssignment,
    MetadataWrapper,
    QualifiedName,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from migrate.analysis import tf_names
from migrate.analysis.libcst_internals import LazyValue
from migrate.analysis.module_text import text_of

# Names that resolve to TensorFlow however they are bound, and the alias transforms write.
_ALWAYS_CHECKED = frozenset({"tensorflow", "tf_slim", "tf"})
_TF_ROOTS = ("tensorflow", "tf_slim")

ImportStatement = cst.Import | cst.ImportFrom


class _Fallback(Exception):
    """The file binds a relevant name in a way the import table does not describe."""


class Bindings:
    """Name resolution for one module tree (one pass of the pipeline)."""

    def __init__(self, module: cst.Module, code: str | None = None) -> None:
        self.module = module
        # alias -> (statement, qualified name of the alias) for each module-level import binding
        self._table: dict[str, list[tuple[ImportStatement, str]]] = {}
        self._inside_imports: set[int] = set()
        self._wrapper: MetadataWrapper | None = None
        self._imports = _import_statements(module.body)
        self._apis: dict[int, tuple[cst.CSTNode, str | None]] = {}
        self._names: dict[int, tuple[cst.CSTNode, frozenset[QualifiedName]]] = {}
        self._spelled: dict[str, str | None] = {}  # a reference's spelling -> its API path
        self._by_spelling: dict[str, frozenset[QualifiedName]] = {}
        try:
            for statement in self._imports:
                self._add_import(statement)
            self._check(code if code is not None else text_of(module).code)
            self.exact = True
        except _Fallback:
            self.exact = False

    @classmethod
    def after(cls, previous: Bindings, module: cst.Module, code: str | None = None) -> Bindings:
        """The bindings of `module`, a rewrite of `previous.module`. When the rewrite kept every
        import statement (the same nodes) the table still holds: transforms bind no TensorFlow
        name other than by import. Otherwise they are worked out afresh."""
        imports = _import_statements(module.body)
        same = len(imports) == len(previous._imports) and all(a is b for a, b in zip(imports, previous._imports))
        if not (previous.exact and same):
            return cls(module, code)
        carried = copy.copy(previous)
        carried.module = module
        return carried

    # --- queries ---------------------------------------------------------------------
    def tf_api(self, node: cst.CSTNode) -> str | None:
        """The TF1 API path (`tf.placeholder`) that `node` refers to, or None; remembered per
        node, and shared with the bindings carried over to later passes."""
        known = self._apis.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        if self.exact and id(node) not in self._inside_imports:
            # The import table answers by the spelling alone: a spelling seen before is known.
            full = get_full_name_for_node(node)
            if full is None:
                api = None
            elif full in self._spelled:
                api = self._spelled[full]
            else:
                api = self._spelled[full] = tf_names.resolve(self._imported_names(full))
        else:
            api = tf_names.resolve(self.qualified_names(node))
        self._apis[id(node)] = (node, api)
        return api

    def qualified_names(self, node: cst.CSTNode) -> Collection[QualifiedName]:
        """What libcst's QualifiedNameProvider gives for `node` (empty when nothing); remembered
        per node like `tf_api`."""
        known = self._names.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        names = frozenset(self._qualified_names(node))
        self._names[id(node)] = (node, names)
        return names

    def _qualified_names(self, node: cst.CSTNode) -> Collection[QualifiedName]:
        if not self.exact:
            value = self._fallback().resolve(QualifiedNameProvider).get(node, set())
            return value() if isinstance(value, LazyValue) else value
        if id(node) in self._inside_imports:
            return set()  # libcst gives names inside import statements no scope
        full = get_full_name_for_node(node)
        return set() if full is None else self._imported_names(full)

    def _imported_names(self, full: str) -> frozenset[QualifiedName]:
        """The qualified names the import table gives a spelling, built once per spelling."""
        known = self._by_spelling.get(full)
        if known is None:
            head, dot, rest = full.partition(".")
            known = self._by_spelling[full] = frozenset(
                QualifiedName(f"{target}{dot}{rest}", QualifiedNameSource.IMPORT)
                for _, target in self._table.get(head, ())
            )
        return known

    def import_bindings(self, node: cst.CSTNode, name: str) -> list[ImportStatement | None] | None:
        """The bindings of `name` visible at `node`: the import statement of each, None for a
        binding that is not an import; None when `node` has no scope (as libcst's scopes)."""
        if not self.exact:
            scope = self._fallback().resolve(ScopeProvider).get(node)
            if scope is None:
                return None
            found: list[ImportStatement | None] = []
            for assignment in scope[name]:
                statement = assignment.node if isinstance(assignment, ImportAssignment) else None
                found.append(statement if isinstance(statement, (cst.Import, cst.ImportFrom)) else None)
            return found
        if id(node) in self._inside_imports:
            return None
        return list(dict.fromkeys(statement for statement, _ in self._table.get(name, ())))

    def answers_for(self, name: str) -> bool:
        """Whether the table alone answers for `name`: then every Name spelled `name` outside
        the import statements (`is_load`) is a read of the module-level imports binding it, a
        reference to them in libcst's scopes."""
        return self.exact and name in self._table

    def is_load(self, node: cst.CSTNode) -> bool:
        """Whether `node`, a reference that `qualified_names` resolves, is read (not assigned,
        deleted, or a name with no expression context)."""
        if not self.exact:
            context = self._fallback().resolve(ExpressionContextProvider).get(node)
            return context is ExpressionContext.LOAD
        # The checks in `_check` leave resolvable references only in read positions.
        return id(node) not in self._inside_imports

    # --- construction ----------------------------------------------------------------
    def _fallback(self) -> MetadataWrapper:
        if self._wrapper is None:
            self._wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        return self._wrapper

    def _add_import(self, statement: ImportStatement) -> None:
        module = ""
        if isinstance(statement, cst.ImportFrom):
            if statement.module is not None:
                module = tf_names.dotted(statement.module) or ""
                self._mark(statement.module)
            module = "." * len(statement.relative) + module
        if isinstance(statement.names, cst.ImportStar):
            self._inside_imports.add(id(statement.names))
            return
        for alias in statement.names:
            self._mark(alias.name)
            imported = tf_names.dotted(alias.name)
            if imported is None:
                raise _Fallback
            if alias.asname is not None:
                if not isinstance(alias.asname.name, cst.Name):
                    raise _Fallback
                self._mark(alias.asname.name)
                bound = alias.asname.name.value
            elif "." in imported:
                # `import a.b.c` binds `a`, `a.b` and `a.b.c`: libcst's prefix rules apply.
                if imported.split(".")[0] in _ALWAYS_CHECKED or imported.startswith(_TF_ROOTS):
                    raise _Fallback
                continue
            else:
                bound = imported
            if module.endswith("."):
                target = module + imported
            elif module:
                target = f"{module}.{imported}"
            else:
                target = imported
            self._table.setdefault(bound, []).append((statement, target))

    def _mark(self, node: cst.BaseExpression) -> None:
        while isinstance(node, cst.Attribute):
            self._inside_imports.add(id(node))
            self._inside_imports.add(id(node.attr))
            node = node.value
        self._inside_imports.add(id(node))

    def _check(self, code: str) -> None:
        relevant = set(_ALWAYS_CHECKED)
        for alias, bound in self._table.items():
            if any(target.startswith(_TF_ROOTS) for _, target in bound):
                relevant.add(alias)
        # Keep only the table entries that are answered exactly.
        self._table = {alias: bound for alias, bound in self._table.items() if alias in relevant}
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError, RecursionError):
            raise _Fallback from None
        checker = _Checker(relevant)
        checker.walk_body(tree.body, nested=False)
        for alias in relevant:
            expected = len(self._table.get(alias, ()))
            if checker.module_imports.get(alias, 0) != expected:
                raise _Fallback  # an import this table did not see (a nested block, a match case)
            last = checker.last_import.get(alias)
            first_read = checker.first_module_read.get(alias)
            if last is not None and first_read is not None and first_read < last:
                # libcst resolves a module-level read only to the imports before it: all of them
                # give the same answer when they bind the same thing (a notebook's cells
                # importing `tf` again), none when the read comes before them all.
                targets = {target for _, target in self._table.get(alias, ())}
                if first_read < checker.first_import[alias] or len(targets) > 1:
                    raise _Fallback


def _import_statements(body: Sequence[cst.BaseStatement | cst.BaseSmallStatement]) -> list[ImportStatement]:
    """The import statements that bind in the module's scope, in order."""
    found: list[ImportStatement] = []
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(small for small in statement.body if isinstance(small, (cst.Import, cst.ImportFrom)))
        elif isinstance(statement, (cst.If, cst.Try, cst.TryStar, cst.With, cst.For, cst.While)):
            # Compound statements at module level bind in the module's scope.
            for block in _blocks(statement):
                found.extend(_import_statements(block))
    return found


def _blocks(statement: cst.BaseCompoundStatement) -> Iterator[Sequence[cst.BaseStatement | cst.BaseSmallStatement]]:
    suites: list[cst.BaseSuite] = [statement.body]
    if isinstance(statement, (cst.If, cst.For, cst.While)) and statement.orelse is not None:
        orelse = statement.orelse
        suites.append(orelse.body)
        if isinstance(orelse, cst.If):
            yield from _blocks(orelse)
            suites.pop()
    if isinstance(statement, (cst.Try, cst.TryStar)):
        suites.extend(handler.body for handler in statement.handlers)
        if statement.orelse is not None:
            suites.append(statement.orelse.body)
        if statement.finalbody is not None:
            suites.append(statement.finalbody.body)
    for suite in suites:
        yield suite.body


# Expression contexts and operators: a third of a tree's nodes, with no name in them.
NAMELESS = frozenset(
    kind
    for base in (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
    for kind in base.__subclasses__()
)


class _Checker:
    """Walks a Python `ast` tree and raises _Fallback at any binding the table cannot answer."""

    def __init__(self, relevant: set[str]) -> None:
        self.relevant = relevant
        self.module_imports: dict[str, int] = {}
        self.first_import: dict[str, tuple[int, int]] = {}
        self.last_import: dict[str, tuple[int, int]] = {}
        self.first_module_read: dict[str, tuple[int, int]] = {}

    def walk_body(self, body: Sequence[ast.AST], *, nested: bool) -> None:
        for node in body:
            self.walk(node, nested=nested)

    def walk(self, node: ast.AST, *, nested: bool) -> None:
        relevant = self.relevant
        if type(node) is ast.Name:
            if node.id in relevant:
                if not isinstance(node.ctx, ast.Load):
                    raise _Fallback
                position = (node.lineno, node.col_offset)
                if not nested and position < self.first_module_read.get(node.id, (1 << 60, 0)):
                    self.first_module_read[node.id] = position
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node, nested)
            return
        if isinstance(node, ast.Attribute):
            if node.attr in relevant:
                raise _Fallback  # libcst gives attribute names no scope
            if not isinstance(node.ctx, ast.Load) and _head(node) in relevant:
                raise _Fallback  # an assigned or deleted `tf.x`: not a read
        elif isinstance(node, (ast.keyword, ast.arg)):
            if node.arg in relevant:
                raise _Fallback
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in relevant:
                raise _Fallback
            # Decorators, bases, defaults and annotations are read where the definition is.
            self.walk_body(node.decorator_list, nested=nested)
            if isinstance(node, ast.ClassDef):
                self.walk_body([*node.bases, *node.keywords], nested=nested)
            else:
                self.walk(node.args, nested=nested)
                if node.returns is not None:
                    self.walk(node.returns, nested=nested)
            self.walk_body(node.body, nested=True)
            return
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            if relevant.intersection(node.names):
                raise _Fallback
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            if node.name in relevant:
                raise _Fallback
        elif isinstance(node, ast.MatchMapping):
            if node.rest in relevant:
                raise _Fallback
        elif isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            nested = True
        for field in node._fields:  # ast.iter_child_nodes, without its generators
            value = getattr(node, field, None)
            if type(value) is list:
                for child in value:
                    if isinstance(child, ast.AST) and type(child) not in NAMELESS:
                        self.walk(child, nested=nested)
            elif isinstance(value, ast.AST) and type(value) not in NAMELESS:
                self.walk(value, nested=nested)

    def _import(self, node: ast.Import | ast.ImportFrom, nested: bool) -> None:
        module = node.module if isinstance(node, ast.ImportFrom) else None
        if nested and module and module.split(".")[0] in self.relevant:
            raise _Fallback  # its module path would resolve through a module-level alias
        for alias in node.names:
            if alias.name == "*":
                continue  # only at module level, and binds no name for libcst
            bound = alias.asname or (alias.name if isinstance(node, ast.ImportFrom) else alias.name.split(".")[0])
            if isinstance(node, ast.Import) and nested and alias.name.split(".")[0] in self.relevant:
                raise _Fallback
            if bound not in self.relevant:
                continue
            if nested:
                raise _Fallback
            self.module_imports[bound] = self.module_imports.get(bound, 0) + 1
            position = (node.lineno, node.col_offset)
            self.first_import[bound] = min(position, self.first_import.get(bound, position))
            self.last_import[bound] = max(position, self.last_import.get(bound, position))


def _head(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
