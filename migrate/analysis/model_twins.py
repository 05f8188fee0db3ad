"""A model class built a second time over the weights of the first: one model in TF 2.

TF1 code builds an evaluation graph next to the training one by constructing its model class
again with the variables reused:

    train_model = Model(num_features=3, is_training=True)
    eval_model = Model(num_features=3, is_training=False, reuse=True)

or with the construction under `with tf.variable_scope(tf.get_variable_scope(), reuse=True):`.
The second construction (the twin) makes no variable of its own, and where the arguments that
differ only choose the branches one construction takes (`if is_training:` around the optimizer)
and set `reuse`, everything the twin builds is what the first built: the same ops over the same
variables, from placeholders of the same shapes. The twin is then the first model itself
(`eval_model = train_model`) and its runs are runs of the first's graph.

This module finds such twins and proves that reading the twin is reading the first; anything it
cannot prove declines the class (TFM231) with the reason.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from migrate.analysis import constant_branches, syntax
from migrate.analysis.constant_branches import TakenBranches, literal_value
from migrate.analysis.declined import Declined
from migrate.analysis.graph_model import COLLECTION_APIS, Resolver

DECLINED = "TFM231"

_VARIABLE_SCOPE = "tf.variable_scope"
_ROOT_SCOPE = "tf.get_variable_scope"
_AUTO_REUSE = "tf.AUTO_REUSE"
# APIs that make variables unless a reusing variable scope gives them existing ones.
_REUSABLE = ("tf.get_variable", "tf.layers.", "tf.contrib.", "tf.nn.rnn_cell.", "tf.nn.dynamic_rnn",
             "tf.nn.static_rnn", "tf.nn.bidirectional_dynamic_rnn", "tf.make_template")
# APIs that make variables or state of their own whatever the scope says.
_ALWAYS_NEW = ("tf.Variable", "tf.keras.", "tf.train.", "tf.summary.", "tf.assign", "tf.py_func")
_STEPS = frozenset({"minimize", "apply_gradients", "compute_gradients"})
_RANDOM_WORDS = ("random", "dropout", "multinomial", "categorical", "shuffle")


@dataclass(frozen=True)
class Twin:
    """A later construction of a model class that reuses the variables of the first."""

    statement: cst.BaseStatement  # the module's statement: the line, or the `with` around it
    line: cst.SimpleStatementLine  # `eval_model = Model(...)`
    instance: str
    root_reuse: bool  # built under `with tf.variable_scope(tf.get_variable_scope(), reuse=True):`

    @property
    def call(self) -> cst.Call:
        small = self.line.body[0]
        assert isinstance(small, cst.Assign) and isinstance(small.value, cst.Call)
        return small.value


def twin_statement(
    statement: cst.BaseStatement, line: cst.SimpleStatementLine, instance: str, resolve: Resolver
) -> Twin | None:
    """`statement` of the module as the twin built by `line`: the line itself, or the one
    statement of `with tf.variable_scope(tf.get_variable_scope(), reuse=True):`."""
    if statement is line:
        return Twin(statement, line, instance, root_reuse=False)
    if not isinstance(statement, cst.With) or len(statement.items) != 1 or statement.asynchronous:
        return None
    body = statement.body
    if not isinstance(body, cst.IndentedBlock) or len(body.body) != 1 or body.body[0] is not line:
        return None
    scope = statement.items[0].item
    if statement.items[0].asname is not None or not isinstance(scope, cst.Call):
        return None
    if resolve(scope.func) != _VARIABLE_SCOPE or len(scope.args) != 2:
        return None
    root, reuse = scope.args
    if not (root.keyword is None and isinstance(root.value, cst.Call) and resolve(root.value.func) == _ROOT_SCOPE
            and not root.value.args):
        return None
    if not (reuse.keyword is not None and reuse.keyword.value == "reuse" and _reuses(reuse.value, {}, resolve)):
        return None
    return Twin(statement, line, instance, root_reuse=True)


def check_twin(
    module: cst.Module,
    body: Sequence[cst.BaseStatement],
    first: Sequence[tuple[str, cst.BaseExpression]],
    twin: Twin,
    arguments: Sequence[tuple[str, cst.BaseExpression]],
    between: Sequence[cst.BaseStatement],
    resolve: Resolver,
) -> frozenset[str]:
    """The attributes the twin's reads may take from the first model, given `__init__`'s
    (expanded) `body`, the first construction's and the twin's `arguments`, and the module's
    statements `between` the two constructions; Declined when the twin is not proved to build
    the first's graph over its variables."""
    given = dict(first)
    differing: set[str] = set()
    for name, value in arguments:
        mine, theirs = syntax.code_of(value), syntax.code_of(given[name])
        if mine == theirs:
            _check_same_value(name, value, between, twin)
            continue
        if constant_branches.UNKNOWN in (literal_value(given[name]), literal_value(value)):
            raise Declined(DECLINED, f"{twin.instance} is built with {name}={mine}, the first model with "
                           f"{name}={theirs}: only literals that choose branches or reuse may differ", twin.line)
        differing.add(name)
    block = cst.IndentedBlock(body=list(body))
    # The module's names __init__ reads have the same values at both constructions (the modules
    # it imports aside: a call of `np.random.seed` changes no name it reads).
    globals_read = syntax.free_reads(block) - set(given) - {"self"} - _imported(module)
    for statement in between:
        changed = sorted(globals_read & _changed(statement))
        if changed:
            raise Declined(DECLINED, f"__init__ reads {changed[0]}, which changes between the constructions of "
                           f"the first model and {twin.instance}", statement)
    constants_first = constant_branches.constants(first, block)
    constants_twin = constant_branches.constants(arguments, block)
    reads = _DifferingReads(differing, constants_first, constants_twin, resolve)
    block.visit(reads)
    if reads.stray is not None:
        name = reads.stray.value
        raise Declined(DECLINED, f"{twin.instance} is built with another {name}, which __init__ reads other than "
                       "to choose a branch or to reuse variables", twin.line)
    for only_first in reads.first_only:
        branch = cst.IndentedBlock(body=list(only_first))
        bound = set(syntax.assigned_names(branch)) | syntax.self_targets(branch)
        inside = {id(n) for s in only_first for n in syntax.nodes_of(s, cst.Name)}
        outside = {n.value for n in syntax.nodes_of(block, cst.Name) if isinstance(n, cst.Name) and id(n) not in inside}
        shared = sorted(bound & outside)
        if shared:
            raise Declined(DECLINED, f"the branch only the first model takes binds {shared[0]}, which the rest of "
                           f"__init__ reads: {twin.instance} builds another graph", twin.line)
    built = block.visit(TakenBranches(constants_twin))
    assert isinstance(built, cst.IndentedBlock)
    makes = _Makes(twin.root_reuse, constants_twin, resolve, _graph_functions(module, resolve))
    built.visit(makes)
    if makes.reason is not None:
        raise Declined(DECLINED, f"{twin.instance} is another construction of the class, and {makes.reason}",
                       twin.line)
    return frozenset(syntax.self_targets(built))


def _check_same_value(
    name: str, value: cst.BaseExpression, between: Sequence[cst.BaseStatement], twin: Twin
) -> None:
    """An argument both constructions give by the same text has the same value: a literal, or
    names the statements between them neither rebind nor may change (`config.batch_size = 1`,
    `config.update(...)`)."""
    if literal_value(value) is not constant_branches.UNKNOWN:
        return
    root = value
    while isinstance(root, cst.Attribute):
        root = root.value
    if not isinstance(root, cst.Name):
        raise Declined(DECLINED, f"both constructions compute argument {name} ({syntax.code_of(value)}) anew",
                       twin.line)
    for statement in between:
        if root.value in _changed(statement):
            raise Declined(DECLINED, f"argument {name} ({syntax.code_of(value)}) changes between the two "
                           "constructions", statement)


def _changed(statement: cst.BaseStatement) -> set[str]:
    """The names `statement` rebinds, changes an attribute or item of (`config.batch_size = 1`),
    calls a method of (`config.update(...)`) or passes to a call, which may change them."""
    changed = set(syntax.assigned_names(statement))
    for call in syntax.calls_in(statement):
        receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
        for node in [receiver, *(arg.value for arg in call.args)]:
            while isinstance(node, (cst.Attribute, cst.Subscript)):
                node = node.value
            if isinstance(node, cst.Name):
                changed.add(node.value)
    for target in syntax.nodes_of(statement, cst.AssignTarget, cst.AugAssign):
        assert isinstance(target, (cst.AssignTarget, cst.AugAssign))
        root: cst.BaseExpression = target.target
        while isinstance(root, (cst.Attribute, cst.Subscript)):
            root = root.value
        if isinstance(root, cst.Name):
            changed.add(root.value)
    return changed


def _imported(module: cst.Module) -> set[str]:
    names: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):  # modules; `from` imports may bind objects a call changes
                    names.update(
                        syntax.code_of(alias.asname.name) if alias.asname is not None
                        else syntax.code_of(alias.name).split(".")[0]
                        for alias in small.names
                    )
    return names


def _reuses(value: cst.BaseExpression, known: Mapping[str, object], resolve: Resolver) -> bool:
    if resolve(value) == _AUTO_REUSE:
        return True
    if isinstance(value, cst.Name) and value.value in known:
        return known[value.value] is True
    return literal_value(value) is True


class _DifferingReads(cst.CSTVisitor):
    """Where `__init__` reads the parameters the two constructions give different values:
    `stray` is the first read that is neither an `if` test both decide nor `reuse=` of a
    variable scope; `first_only` has each branch only the first model takes."""

    def __init__(
        self, differing: set[str], first: Mapping[str, object], twin: Mapping[str, object], resolve: Resolver
    ) -> None:
        self.differing = differing
        self.first = first
        self.twin = twin
        self.tf_api = resolve
        self.allowed: set[int] = set()
        self.stray: cst.Name | None = None
        self.first_only: list[Sequence[cst.BaseStatement]] = []

    def visit_If(self, node: cst.If) -> bool:
        test_names = {n.value for n in syntax.nodes_of(node.test, cst.Name) if isinstance(n, cst.Name)}
        if not test_names & self.differing:
            return True
        first, twin = constant_branches.outcome(node.test, self.first), constant_branches.outcome(node.test, self.twin)
        if first is None or twin is None:
            return True  # its test reads a differing parameter the analysis does not decide: stray
        self.allowed.update(id(n) for n in syntax.nodes_of(node.test, cst.Name))
        if first == twin:
            return True
        taken_first = _branch(node, first)
        taken_twin = _branch(node, twin)
        if any(not _inert(s) for s in taken_twin):
            self.stray = next(n for n in syntax.nodes_of(node.test, cst.Name) if isinstance(n, cst.Name)
                              and n.value in self.differing)
        self.first_only.append(taken_first)
        return True

    def visit_Call(self, node: cst.Call) -> bool:
        if self.tf_api(node.func) == _VARIABLE_SCOPE:
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value == "reuse" and isinstance(arg.value, cst.Name):
                    self.allowed.add(id(arg.value))
        return True

    def visit_Arg(self, node: cst.Arg) -> bool:
        if node.keyword is not None:
            self.allowed.add(id(node.keyword))
        return True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.allowed.add(id(node.attr))
        return True

    def visit_Name(self, node: cst.Name) -> bool:
        if self.stray is None and node.value in self.differing and id(node) not in self.allowed:
            self.stray = node
        return False


def _branch(node: cst.If, taken: bool) -> Sequence[cst.BaseStatement]:
    if taken:
        return node.body.body if isinstance(node.body, cst.IndentedBlock) else []
    orelse = node.orelse
    if orelse is None:
        return []
    if isinstance(orelse, cst.Else):
        return orelse.body.body if isinstance(orelse.body, cst.IndentedBlock) else []
    return [orelse]


def _inert(statement: cst.BaseStatement) -> bool:
    """`pass`, or a string: a branch of the twin's that builds nothing."""
    return syntax.is_docstring(statement) or (
        isinstance(statement, cst.SimpleStatementLine) and all(isinstance(s, cst.Pass) for s in statement.body)
    )


class _Makes(cst.CSTVisitor):
    """The first thing the twin's `__init__` does that the first model's graph does not give it:
    a variable it makes (not under a reusing scope), an optimizer step, a summary, a collection,
    or random numbers drawn by ops of its own."""

    def __init__(
        self, root_reuse: bool, known: Mapping[str, object], resolve: Resolver, graph_functions: Collection[str]
    ) -> None:
        self.reusing = [root_reuse]
        self.known = known
        self.tf_api = resolve
        self.graph_functions = graph_functions
        self.reason: str | None = None

    def visit_With(self, node: cst.With) -> bool:
        reuse = self.reusing[-1]
        for item in node.items:
            call = item.item
            if isinstance(call, cst.Call) and self.tf_api(call.func) == _VARIABLE_SCOPE:
                value = syntax.call_argument(call, 1, "reuse")
                reuse = reuse or (value is not None and _reuses(value, self.known, self.tf_api))
        self.reusing.append(reuse)
        return True

    def leave_With(self, original_node: cst.With) -> None:
        self.reusing.pop()

    def visit_Call(self, node: cst.Call) -> bool:
        if self.reason is not None:
            return False
        api = self.tf_api(node.func)
        code = syntax.code_of(node.func)
        if api is not None:
            if "initializer" in api:
                return True  # run only where a variable is made
            if api.startswith(_ALWAYS_NEW) or api in COLLECTION_APIS:
                self.reason = f"{api} makes state of its own in each construction"
            elif api.startswith(_REUSABLE) and not self.reusing[-1]:
                self.reason = f"its {api} is not under a variable scope that reuses the first model's variables"
            elif any(word in api for word in _RANDOM_WORDS):
                self.reason = f"{api} draws random numbers of its own in each construction"
            return True
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in _STEPS:
            self.reason = f"{code} makes an optimizer step of its own"
        elif isinstance(node.func, cst.Name) and node.func.value in self.graph_functions and not self.reusing[-1]:
            self.reason = f"{code}() builds graph outside a variable scope that reuses the first model's variables"
        return True


def _graph_functions(module: cst.Module, resolve: Resolver) -> frozenset[str]:
    """The module's functions that call TensorFlow."""
    return frozenset(
        s.name.value for s in module.body if isinstance(s, cst.FunctionDef)
        and any((api := resolve(c.func)) is not None and api.startswith("tf.") for c in syntax.calls_in(s))
    )
