"""Questions about libcst syntax trees that the graph analysis and the transforms share: which
names code reads or binds, which TensorFlow APIs it calls, a call's arguments by parameter."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import libcst as cst

from migrate.analysis import subtree_index, walk
from migrate.analysis.graph_model import Resolver
from migrate.analysis.tf_names import dotted


class NameCollector(cst.CSTVisitor):
    """Names a piece of code reads, leaving out attribute names and keyword names."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        walk.visit_code(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk.visit_code(node.value, self)
        return False


# Answers about a subtree, by the subtree's identity. libcst nodes are immutable and the
# transforms rebuild only what they change, so an unchanged statement keeps its answers across
# the analyses of one transform and across transforms. Each entry holds its node, so an id is
# never reused while its entry lives; `forget_subtrees` empties the memo between files.
# An entry is (node, key, answer): the key tells answers to different questions apart.
_NAMES: dict[int, tuple[cst.CSTNode, object, frozenset[str]]] = {}
_CALLS: dict[int, tuple[cst.CSTNode, object, tuple[cst.Call, ...]]] = {}
_APIS: dict[int, tuple[cst.CSTNode, object, tuple[tuple[str, cst.CSTNode], ...]]] = {}
_REFERENCES: dict[int, tuple[cst.CSTNode, object, References]] = {}
# For nodes_of: whether a node class is one of the asked types, by the asked types.
_OF_TYPES: dict[tuple[type[cst.CSTNode], ...], dict[type, bool]] = {}
_MEMO_LIMIT = 200_000
T = TypeVar("T")


def forget_subtrees() -> None:
    """Drop the memoised answers and indexes (the pipeline calls this once per file)."""
    subtree_index.forget()
    _NAMES.clear()
    _CALLS.clear()
    _APIS.clear()
    _REFERENCES.clear()


def _remembered(
    table: dict[int, tuple[cst.CSTNode, object, T]], node: cst.CSTNode, compute: Callable[[], T], key: object = None
) -> T:
    known = table.get(id(node))
    if known is not None and known[0] is node and known[1] == key:
        return known[2]
    answer = compute()
    if len(table) > _MEMO_LIMIT:
        table.clear()
    table[id(node)] = (node, key, answer)
    return answer


def names_in(node: cst.CSTNode) -> frozenset[str]:
    """The names NameCollector collects from `node`."""

    def compute() -> frozenset[str]:
        if type(node) is cst.Name:
            return frozenset((node.value,))
        done, start = subtree_index.subtree(node)
        nodes = done.nodes
        names: set[str] = set()
        hidden: set[int] = set()  # attribute and keyword names: not read
        for index in range(start, done.ends[start]):
            inner = nodes[index]
            if type(inner) is cst.Name:
                if id(inner) not in hidden:
                    names.add(inner.value)
            elif type(inner) is cst.Attribute:
                hidden.add(id(inner.attr))
            elif type(inner) is cst.Arg and inner.keyword is not None:
                hidden.add(id(inner.keyword))
        return frozenset(names)

    return _remembered(_NAMES, node, compute)


def name_uses(node: cst.CSTNode) -> dict[str, list[cst.Name]]:
    """Every Name node in `node` that reads or binds a variable, by name (not attribute or
    keyword names)."""
    hidden: set[int] = set()
    for inner in nodes_of(node, cst.Attribute, cst.Arg):
        if isinstance(inner, cst.Attribute):
            hidden.add(id(inner.attr))
        elif isinstance(inner, cst.Arg) and inner.keyword is not None:
            hidden.add(id(inner.keyword))
    uses: dict[str, list[cst.Name]] = {}
    for inner in nodes_of(node, cst.Name):
        if isinstance(inner, cst.Name) and id(inner) not in hidden:
            uses.setdefault(inner.value, []).append(inner)
    return uses


def tf_apis_in(node: cst.CSTNode, resolve: Resolver) -> tuple[tuple[str, cst.CSTNode], ...]:
    """The TensorFlow references in a tree, outermost chains only, with their API paths.
    Remembered per subtree for the same resolver (the names a file's imports bind can change
    between transforms, so answers are not shared across resolvers)."""

    def compute() -> tuple[tuple[str, cst.CSTNode], ...]:
        done, index = subtree_index.subtree(node)
        nodes, ends, end = done.nodes, done.ends, done.ends[index]
        found: list[tuple[str, cst.CSTNode]] = []
        while index < end:
            inner = nodes[index]
            kind = type(inner)
            if kind is cst.Attribute:
                api = resolve(inner)
                if api is not None:
                    found.append((api, inner))
                    index = ends[index]  # not also the chain's parts
                    continue
            elif kind is cst.Name:
                api = resolve(inner)
                if api is not None and api != "tf":
                    found.append((api, inner))
            index += 1
        return tuple(found)

    return _remembered(_APIS, node, compute, key=resolve)


def api_under(api: str, prefixes: Iterable[str]) -> bool:
    """Whether a TF API path is one of `prefixes` or inside one (`tf.layers` covers `tf.layers.dense`)."""
    return any(api == p or api.startswith(p + ".") for p in prefixes)


def call_argument(call: cst.Call, position: int, keyword: str) -> cst.BaseExpression | None:
    """The argument bound to a parameter, given by keyword or at its position."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    return positional[position].value if position < len(positional) else None


def assigned_call(statement: cst.BaseStatement) -> tuple[str, cst.Call] | None:
    """`name = f(...)` on a line of its own: the name and the call."""
    assigned = single_assignment(statement)
    if assigned is not None and isinstance(assigned[1], cst.Call):
        return assigned[0], assigned[1]
    return None


def unpacked_call(statement: cst.BaseStatement) -> tuple[tuple[str, ...], cst.Call] | None:
    """`y = f(...)` or `y, keep_prob = f(...)` on a line of its own: the names and the call."""
    assigned = assigned_call(statement)
    if assigned is not None:
        return (assigned[0],), assigned[1]
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return None
    small = statement.body[0]
    if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.value, cst.Call)):
        return None
    target = small.targets[0].target
    if not isinstance(target, (cst.Tuple, cst.List)):
        return None
    names = [e.value.value for e in target.elements if isinstance(e.value, cst.Name)]
    return (tuple(names), small.value) if len(names) == len(target.elements) else None


def single_assignment(statement: cst.BaseStatement) -> tuple[str, cst.BaseExpression] | None:
    """`name = value` on a line of its own: the name and the value."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target.value, small.value
    return None


def is_docstring(statement: cst.BaseStatement) -> bool:
    """A line holding only a string: a docstring where it comes first."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def is_main_guard(statement: cst.CSTNode) -> bool:
    """`if __name__ == "__main__":`, either way round."""
    if not isinstance(statement, cst.If) or not isinstance(statement.test, cst.Comparison):
        return False
    test = statement.test
    if len(test.comparisons) != 1 or not isinstance(test.comparisons[0].operator, cst.Equal):
        return False
    sides = [test.left, test.comparisons[0].comparator]
    names = [side.value for side in sides if isinstance(side, cst.Name)]
    strings = [side.evaluated_value for side in sides if isinstance(side, cst.SimpleString)]
    return names == ["__name__"] and strings == ["__main__"]


def is_script_block(statement: cst.CSTNode, module_body: Sequence[cst.BaseStatement]) -> bool:
    """The module's own `if __name__ == "__main__":` block, without an else: code that runs
    once, where it stands, when the file runs as a program; the rules convert it as a scope of
    its own, as a function's body."""
    return (
        isinstance(statement, cst.If)
        and statement.orelse is None
        and isinstance(statement.body, cst.IndentedBlock)
        and is_main_guard(statement)
        and any(statement is own for own in module_body)
    )


def runs_at_most_once(body: Sequence[cst.BaseStatement], name: str, _seen: frozenset[str] = frozenset()) -> bool:
    """Whether the module-level function `name` runs at most once: called from no more than one
    simple statement, at module level, in the script block or at the top level of another
    undecorated module function that runs at most once (`main()` calling `run_training()`;
    outside loops, nested functions and `with` blocks), and named nowhere else."""
    places: list[tuple[cst.BaseStatement, int]] = []
    for statement in body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            continue
        inner: Sequence[cst.BaseStatement] = [statement]
        if is_script_block(statement, body):
            assert isinstance(statement, cst.If) and isinstance(statement.body, cst.IndentedBlock)
            inner = statement.body.body
        for part in inner:
            count = len(name_uses(part).get(name, ()))
            if count:
                places.append((part, count))
    if not places:
        return True
    if len(places) != 1 or places[0][1] != 1:
        return False
    place = places[0][0]
    if isinstance(place, cst.SimpleStatementLine):
        return True
    caller = place.name.value if isinstance(place, cst.FunctionDef) else None
    if caller is None or caller in _seen or name in _seen:
        return False
    assert isinstance(place, cst.FunctionDef)
    return (
        not place.decorators
        and isinstance(place.body, cst.IndentedBlock)
        and any(isinstance(s, cst.SimpleStatementLine) and name in name_uses(s) for s in place.body.body)
        and runs_at_most_once(body, caller, _seen | {name})
    )


def single_call(statement: cst.BaseStatement) -> tuple[tuple[str, ...], cst.Call | None, cst.BaseSmallStatement | None]:
    """For `a = f(...)`/`f(...)` lines: (targets, the call, the small statement)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return (), None, None
    small = statement.body[0]
    value: cst.BaseExpression | None = None
    targets: tuple[str, ...] = ()
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        value = small.value
        target = small.targets[0].target
        if isinstance(target, cst.Name):
            targets = (target.value,)
        elif isinstance(target, (cst.Tuple, cst.List)) and all(
            isinstance(e.value, cst.Name) for e in target.elements
        ):
            targets = tuple(e.value.value for e in target.elements if isinstance(e.value, cst.Name))
        else:
            return (), None, small
    elif isinstance(small, cst.Expr):
        value = small.value
    else:
        return (), None, small
    return targets, value if isinstance(value, cst.Call) else None, small


def defined_names(statement: cst.BaseStatement) -> tuple[str, ...]:
    if isinstance(statement, cst.SimpleStatementLine):
        found: list[str] = []
        for small in statement.body:
            targets: list[cst.BaseExpression] = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                targets = [small.target]
            elif isinstance(small, (cst.Import, cst.ImportFrom)):
                continue
            for target in targets:
                found.extend(sorted(names_in(target)))
        return tuple(found)
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return (statement.name.value,)
    return ()


def bound_names(target: cst.BaseExpression) -> list[str]:
    """The names an assignment target binds as a whole: `a`, `a, [b, *c]`; not the names a
    subscript or attribute target reads (`x[i]`, `self.w`)."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in bound_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return bound_names(target.value)
    return []


def read_names(statement: cst.BaseStatement) -> frozenset[str]:
    """The names a statement reads, not those it only binds: for a one-assignment line, its
    value's names and what its targets read; for `with ... as x:` and `for x in ...:` blocks,
    what the header reads and what the body reads of other names than `x`."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Assign):
            bound = {name for target in small.targets for name in bound_names(target.target)}
            return frozenset((names_in(small) - bound) | (names_in(small.value) & bound))
    if isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
        header = frozenset().union(*(names_in(item.item) for item in statement.items))
        bound = {name for item in statement.items if item.asname for name in bound_names(item.asname.name)}
        return header | (_block_reads(statement.body) - bound)
    if isinstance(statement, cst.For) and isinstance(statement.body, cst.IndentedBlock) and statement.orelse is None:
        return names_in(statement.iter) | (_block_reads(statement.body) - set(bound_names(statement.target)))
    return names_in(statement)


def reads_before_binding(statements: Sequence[cst.BaseStatement], bound: set[str] | None = None) -> set[str]:
    """The names a block reads before it binds them itself, in the order Python runs it: what it
    reads from the scope around it (`image = tf.expand_dims(image, 0)` reads `image`). `bound`,
    the names bound before the block, grows with what the block binds; a name one branch of an
    `if` binds counts as bound after it."""
    bound = set() if bound is None else bound
    read: set[str] = set()

    def expression(node: cst.CSTNode | None) -> None:
        if node is not None:
            read.update(names_in(node) - bound)

    def target(node: cst.BaseExpression) -> None:
        names = bound_names(node)
        read.update(names_in(node) - set(names) - bound)  # `x[i] = ...` reads x and i
        bound.update(names)

    def block(body: cst.BaseSuite, names: set[str]) -> None:
        if isinstance(body, cst.IndentedBlock):
            read.update(reads_before_binding(body.body, names))
        elif isinstance(body, cst.SimpleStatementSuite):
            read.update(reads_before_binding([cst.SimpleStatementLine(body.body)], names))

    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    expression(small.value)
                    for assign_target in small.targets:
                        target(assign_target.target)
                elif isinstance(small, cst.AugAssign):
                    expression(small.target)
                    expression(small.value)
                    bound.update(bound_names(small.target))
                elif isinstance(small, cst.AnnAssign):
                    expression(small.value)
                    target(small.target)
                else:
                    expression(small)
        elif isinstance(statement, cst.If):
            expression(statement.test)
            in_body, in_else = set(bound), set(bound)
            block(statement.body, in_body)
            if isinstance(statement.orelse, cst.If):
                read.update(reads_before_binding([statement.orelse], in_else))
            elif isinstance(statement.orelse, cst.Else):
                block(statement.orelse.body, in_else)
            bound.update(in_body | in_else)
        elif isinstance(statement, (cst.For, cst.While)):
            if isinstance(statement, cst.For):
                expression(statement.iter)
                target(statement.target)
            else:
                expression(statement.test)
            block(statement.body, bound)
            if statement.orelse is not None:
                block(statement.orelse.body, bound)
        elif isinstance(statement, cst.With):
            for item in statement.items:
                expression(item.item)
                if item.asname is not None:
                    target(item.asname.name)
            block(statement.body, bound)
        elif isinstance(statement, cst.FunctionDef):
            read.update(free_names(statement) - bound)
            bound.add(statement.name.value)
        else:
            expression(statement)
    return read


_BINDERS = (
    cst.Assign, cst.AugAssign, cst.AnnAssign, cst.For, cst.WithItem, cst.FunctionDef, cst.ClassDef, cst.ImportAlias,
    cst.NamedExpr,
)


def assigned_names(node: cst.CSTNode) -> frozenset[str]:
    """Every name a piece of code binds anywhere inside it: assignments, loop targets, `with`
    targets, definitions and imports."""
    return _bound_by(nodes_of(node, *_BINDERS))


def _bound_by(binders: Iterable[cst.CSTNode]) -> frozenset[str]:
    names: set[str] = set()
    for inner in binders:
        if isinstance(inner, cst.Assign):
            names.update(n for target in inner.targets for n in bound_names(target.target))
        elif isinstance(inner, (cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr)):
            names.update(bound_names(inner.target))
        elif isinstance(inner, cst.WithItem) and inner.asname is not None:
            names.update(bound_names(inner.asname.name))
        elif isinstance(inner, (cst.FunctionDef, cst.ClassDef)):
            names.add(inner.name.value)
        elif isinstance(inner, cst.ImportAlias):
            alias: cst.BaseExpression = inner.asname.name if inner.asname is not None else inner.name
            while isinstance(alias, cst.Attribute):  # `import a.b` binds `a`
                alias = alias.value
            if isinstance(alias, cst.Name):
                names.add(alias.value)
    return frozenset(names)


def scope_bindings(statement: cst.BaseStatement) -> frozenset[str]:
    """The names a statement binds in the scope it runs in: the locals of the functions and
    classes it defines are theirs, unless a function declares them `global`."""
    inside: set[int] = set()
    declared: set[str] = set()
    for definition in nodes_of(statement, cst.FunctionDef, cst.ClassDef):
        assert isinstance(definition, (cst.FunctionDef, cst.ClassDef))
        inside.update(id(inner) for inner in nodes_of(definition.body, *_BINDERS))
        declared.update(
            item.name.value for node in nodes_of(definition.body, cst.Global)
            if isinstance(node, cst.Global) for item in node.names
        )
    own = _bound_by(inner for inner in nodes_of(statement, *_BINDERS) if id(inner) not in inside)
    return own | (assigned_names(statement) & declared)


def _block_reads(block: cst.IndentedBlock) -> frozenset[str]:
    return frozenset().union(*(read_names(line) for line in block.body))


def leading_lines(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    """The blank and comment lines before a statement (every statement kind has them)."""
    assert isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    return statement.leading_lines


def with_leading_lines(statement: cst.BaseStatement, lines: Sequence[cst.EmptyLine]) -> cst.BaseStatement:
    assert isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    return statement.with_changes(leading_lines=list(lines))


def _parameter_names(params: cst.Parameters) -> set[str]:
    names = {p.name.value for p in (*params.params, *params.kwonly_params, *params.posonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names


COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def own_names(node: cst.FunctionDef | cst.Lambda | cst.BaseComp) -> frozenset[str]:
    """The names a function, lambda or comprehension binds for itself, which the code around it
    does not see: a function's local names, a lambda's parameters, a comprehension's targets."""
    if isinstance(node, cst.FunctionDef):
        return local_names(node)
    if isinstance(node, cst.Lambda):
        return frozenset(_parameter_names(node.params))
    targets: set[str] = set()
    loop: cst.CompFor | None = node.for_in
    while loop is not None:
        targets.update(bound_names(loop.target))
        loop = loop.inner_for_in
    return frozenset(targets)


def local_names(node: cst.FunctionDef) -> frozenset[str]:
    """A function's parameters and the names it binds (Python's local names: loop, `with` and
    unpacking targets too), less those it declares `global` or `nonlocal`."""
    local = _parameter_names(node.params)
    declared = {
        item.name.value
        for statement in nodes_of(node.body, cst.Global, cst.Nonlocal)
        if isinstance(statement, (cst.Global, cst.Nonlocal))
        for item in statement.names
    }
    return frozenset((local | assigned_names(node.body)) - declared)


def free_names(function: cst.FunctionDef) -> frozenset[str]:
    """The names a function's body reads from the scope around it: not its parameters or
    locals, whatever names of the scope they shadow."""
    return names_in(function.body) - local_names(function)


def unique_name(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    counter = 2
    while f"{name}_{counter}" in taken:
        counter += 1
    return f"{name}_{counter}"


@dataclass(frozen=True)
class References:
    """The Name and Attribute nodes of a tree outside import statements, in visiting order (a
    chain before its parts), and the tree's statement lines."""

    nodes: tuple[cst.Attribute | cst.Name, ...]
    ends: tuple[int, ...]  # for nodes[i]: the index just past the references inside it
    lines: tuple[cst.SimpleStatementLine, ...]

    def outermost(self) -> list[cst.Attribute | cst.Name]:
        """Outermost chains only (`tf.layers.dense`, not also `tf.layers`), nothing inside them."""
        found = []
        index = 0
        while index < len(self.nodes):
            found.append(self.nodes[index])
            index = self.ends[index]
        return found


def references_in(node: cst.CSTNode) -> References:
    """The references of a tree (see References), remembered per subtree."""

    def compute() -> References:
        done, index = subtree_index.subtree(node)
        nodes, subtree_ends, end = done.nodes, done.ends, done.ends[index]
        found: list[cst.Attribute | cst.Name] = []
        ends: list[int] = []
        lines: list[cst.SimpleStatementLine] = []
        open_chains: list[tuple[int, int]] = []  # (index in `found`, where its subtree ends)
        while index < end:
            while open_chains and open_chains[-1][1] <= index:
                ends[open_chains.pop()[0]] = len(found)
            inner = nodes[index]
            if type(inner) is cst.Import or type(inner) is cst.ImportFrom:
                index = subtree_ends[index]
                continue
            if type(inner) is cst.SimpleStatementLine:
                lines.append(inner)
            elif type(inner) is cst.Attribute or type(inner) is cst.Name:
                open_chains.append((len(found), subtree_ends[index]))
                found.append(inner)
                ends.append(0)
            index += 1
        for position, _ in open_chains:
            ends[position] = len(found)
        return References(tuple(found), tuple(ends), tuple(lines))

    return _remembered(_REFERENCES, node, compute)


def calls_in(node: cst.CSTNode) -> tuple[cst.Call, ...]:
    """Every call in a tree, outermost first."""

    def compute() -> tuple[cst.Call, ...]:
        done, start = subtree_index.subtree(node)
        return tuple(inner for inner in done.nodes[start : done.ends[start]] if type(inner) is cst.Call)

    return _remembered(_CALLS, node, compute)


_Separated = TypeVar("_Separated", cst.Arg, cst.Param)


def without_last_comma(items: Sequence[_Separated]) -> list[_Separated]:
    """What is left of a list of arguments or parameters once some went: the last loses the
    comma that separated it from one that followed."""
    kept = list(items)
    if kept:
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return kept


def code_of(node: cst.CSTNode) -> str:
    """The source text of a node, as it would appear in a module."""
    return cst.Module([]).code_for_node(node)


def parenthesized(value: cst.BaseExpression) -> cst.BaseExpression:
    """`value` as an operand of any operator: in parentheses unless it is an atom or a primary
    (a name, a number, an attribute, a call or a subscript)."""
    if isinstance(value, (cst.Name, cst.Integer, cst.Float, cst.Attribute, cst.Call, cst.Subscript)):
        return value
    return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def string_literal(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal, None for anything else."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def literal_flags(body: Sequence[cst.BaseStatement]) -> dict[str, bool | None]:
    """Names `body` binds once, by a statement of its own level, to `True`, `False` or `None`
    (`reuse = False`, as a flattened constructor binds its default): what reading them gives
    wherever it is read after that binding."""
    binders: dict[str, int] = {}  # name -> statements of `body` that bind it, at any depth
    for statement in body:
        for name in scope_bindings(statement):
            binders[name] = binders.get(name, 0) + 1
    literals = {"True": True, "False": False, "None": None}
    flags: dict[str, bool | None] = {}
    for statement in body:
        assigned = single_assignment(statement)
        if assigned is None or binders.get(assigned[0]) != 1:
            continue
        name, value = assigned
        if isinstance(value, cst.Name) and value.value in literals:
            flags[name] = literals[value.value]
    return flags


def has_own_scope(statement: cst.BaseStatement) -> bool:
    """Whether names in `statement` may be local to a function, class, lambda or comprehension."""
    scoped = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.FunctionDef, cst.ClassDef)
    return bool(nodes_of(statement, *scoped))


def nodes_of(node: cst.CSTNode, *types: type[cst.CSTNode]) -> list[cst.CSTNode]:
    """Every code node (not whitespace, comments or brackets) of the given types in a tree, in
    visiting order (`matchers.findall` for plain type tests, without matcher overhead or
    rebuilding the tree)."""
    done, start = subtree_index.subtree(node)
    # isinstance against libcst's abstract classes is slow: decide once per concrete class.
    wanted = _OF_TYPES.get(types)
    if wanted is None:
        wanted = _OF_TYPES[types] = {}
    found = []
    for inner in done.nodes[start : done.ends[start]]:
        kind = type(inner)
        hit = wanted.get(kind)
        if hit is None:
            hit = wanted[kind] = issubclass(kind, types)
        if hit:
            found.append(inner)
    return found


_OWN_SCOPES = (cst.FunctionDef, cst.Lambda, *COMPREHENSIONS)


class NameSubstitution(cst.CSTTransformer):
    """Names of `mapping` become its expressions: variable references only, not attribute,
    keyword, parameter or function names. Functions, lambdas and comprehensions keep their own
    local names (`lambda t: t.numpy()` next to a mapped `t`)."""

    def __init__(self, mapping: Mapping[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.mapping = mapping
        self.hidden: list[frozenset[str]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _OWN_SCOPES):
            self.hidden.append(own_names(node))
        return super().on_visit(node)

    def on_leave(
        self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT
    ) -> cst.CSTNodeT | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNodeT]:
        if isinstance(original_node, _OWN_SCOPES):
            self.hidden.pop()
        return super().on_leave(original_node, updated_node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        return updated_node.with_changes(name=original_node.name)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if any(updated_node.value in hidden for hidden in self.hidden):
            return updated_node
        replacement = self.mapping.get(updated_node.value)
        return replacement.deep_clone() if replacement is not None else updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return updated_node.with_changes(attr=original_node.attr)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(keyword=original_node.keyword)

    def leave_Param(self, original_node: cst.Param, updated_node: cst.Param) -> cst.Param:
        return updated_node.with_changes(name=original_node.name)


class SelfAttributes(NameSubstitution):
    """Names of `mapping` become `self.<attribute>`: a function body moved into a method of the
    tf.Module class that now holds its variables."""

    def __init__(self, mapping: dict[str, str]) -> None:
        super().__init__({name: cst.Attribute(cst.Name("self"), cst.Name(attr)) for name, attr in mapping.items()})


def final_return(statement: cst.BaseStatement) -> cst.Return | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Return):
            return small
    return None


def is_self(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "self"


def visit_statement(statement: cst.BaseStatement, visitor: cst.CSTTransformer) -> cst.BaseStatement:
    result = statement.visit(visitor)
    assert isinstance(result, cst.BaseStatement)
    return result


class SelfNameSubstitution(NameSubstitution):
    """A name substitution that, with `self_attributes`, also makes `self.a` the name it maps
    `a` to."""

    def __init__(
        self, mapping: Mapping[str, cst.BaseExpression], self_attributes: dict[str, str] | None = None
    ) -> None:
        super().__init__(mapping)
        self.self_attributes = self_attributes

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if self.self_attributes is not None and is_self(original_node.value):
            return cst.Name(self.self_attributes[original_node.attr.value])
        return super().leave_Attribute(original_node, updated_node)


def self_targets(statement: cst.CSTNode) -> set[str]:
    """The attributes of self a statement sets."""
    found: set[str] = set()
    for target in nodes_of(statement, cst.AssignTarget, cst.AugAssign, cst.AnnAssign):
        assert isinstance(target, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign))
        for inner in nodes_of(target.target, cst.Attribute):
            assert isinstance(inner, cst.Attribute)
            if is_self(inner.value):
                found.add(inner.attr.value)
    return found


def free_reads(node: cst.CSTNode) -> set[str]:
    """Names a statement or function reads that it does not bind itself."""
    if isinstance(node, cst.FunctionDef):
        inner = set().union(*(free_reads(d) for d in node.decorators))
        return inner | (set(names_in(node.body)) - local_names(node))
    local = set().union(*(local_names(f) for f in nodes_of(node, cst.FunctionDef)
                          if isinstance(f, cst.FunctionDef)))
    return set(names_in(node)) - local


def module_class(
    name: str,
    tf: str,
    params: cst.Parameters,
    body: Sequence[cst.BaseStatement],
    *,
    init_params: str = "self",
    init_lines: Sequence[str] = (),
    init_statements: Sequence[cst.BaseStatement] = (),
    decorators: Sequence[cst.Decorator] = (),
    leading_lines: Sequence[cst.EmptyLine] = (),
) -> cst.ClassDef:
    """`class name(tf.Module)` as the rules write one: `__init__(init_params)` calls the base's,
    then runs `init_lines` (source) and `init_statements`; `__call__` takes `self` and `params`
    and runs `body`."""
    init_source = "".join(f"        {line}\n" for line in init_lines)
    template = cst.parse_statement(
        f"class {name}({tf}.Module):\n"
        f"    def __init__({init_params}):\n"
        "        super().__init__()\n"
        f"{init_source}"
        "\n"
        "    def __call__(self):\n"
        "        pass\n"
    )
    assert isinstance(template, cst.ClassDef) and isinstance(template.body, cst.IndentedBlock)
    init, call = template.body.body
    assert isinstance(init, cst.FunctionDef) and isinstance(init.body, cst.IndentedBlock)
    assert isinstance(call, cst.FunctionDef) and isinstance(call.body, cst.IndentedBlock)
    init = init.with_changes(body=init.body.with_changes(body=[*init.body.body, *init_statements]))
    others = bool(params.params or params.kwonly_params or params.posonly_params) or not isinstance(
        params.star_arg, cst.MaybeSentinel
    ) or params.star_kwarg is not None
    self_param = call.params.params[0].with_changes(
        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if others else cst.MaybeSentinel.DEFAULT
    )
    call = call.with_changes(
        params=params.with_changes(params=[self_param, *params.params]),
        body=call.body.with_changes(body=list(body) or [cst.SimpleStatementLine([cst.Pass()])]),
        decorators=decorators,
    )
    return template.with_changes(body=template.body.with_changes(body=[init, call]), leading_lines=leading_lines)


def after_imports(module: cst.Module, alias: str) -> int:
    """Index of the first statement after the leading docstring, imports and `__future__`, and
    after the statement that binds `alias` to TensorFlow (scripts often run statements before
    it)."""
    leading = _after_leading_imports(module)
    for index, statement in enumerate(module.body[leading:], start=leading):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue  # an import there binds a name of its own scope
        if any(_binds_tensorflow(node, alias) for node in nodes_of(statement, cst.Import)):
            return index + 1
    return leading


def _binds_tensorflow(node: cst.CSTNode, alias: str) -> bool:
    """`import tensorflow as <alias>` (or `import tensorflow` when the alias is `tensorflow`)."""
    assert isinstance(node, cst.Import)
    for name in node.names:
        bound = name.asname.name if name.asname is not None else name.name
        if dotted(name.name) == "tensorflow" and isinstance(bound, cst.Name) and bound.value == alias:
            return True
    return False


def _after_leading_imports(module: cst.Module) -> int:
    index = 0
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            return index
        if not all(
            isinstance(small, (cst.Import, cst.ImportFrom))
            or (isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString))
            for small in statement.body
        ):
            return index
    return index + 1
