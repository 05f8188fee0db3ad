"""Module functions that build the training ops, written in place of their one call.

TensorFlow's mnist.py builds the optimizer, the global step and the train op in a function
that fully_connected_feed.py calls once, while it builds the graph:

    def training(loss, learning_rate):
        tf.summary.scalar('loss', loss)
        optimizer = tf.train.GradientDescentOptimizer(learning_rate)
        global_step = tf.Variable(0, name='global_step', trainable=False)
        train_op = optimizer.minimize(loss, global_step=global_step)
        return train_op

    train_op = training(loss_op, LEARNING_RATE)

The conversion of a scope makes each variable once and each train op a step function, from
statements of the scope itself; a function that makes them where it is called is refused
(TFM216). So migrate.pipeline retries a file left in graph mode with such a function's body
written where it was called, its parameters replaced by the names the call gave them:

    tf.summary.scalar('loss', loss_op)
    optimizer = tf.train.GradientDescentOptimizer(LEARNING_RATE)
    global_step = tf.Variable(0, name='global_step', trainable=False)
    train_op = optimizer.minimize(loss_op, global_step=global_step)

A function is written in place only when that computes the same: a module-level `def` with no
decorators, `*`/`**` parameters, or nested definitions, whose body is straight-line code ending
in its only `return` (or with none); it makes a variable or an optimizer, or minimizes, and does
not return a variable it made (a factory, which the sessions rule converts as such); its name
is read once in the module, by `target = f(...)` (or `f(...)` for a function returning nothing)
standing as a statement of the module, the main block or a function, outside nested
definitions; every parameter is given (a name or a literal stands for it; another expression,
`FLAGS.learning_rate`, is bound to the parameter's name first, a name the scope must not use);
and no name the function binds or reads from the module means anything else where the call
was (the call's own targets aside), nor does it bind a parameter or a name the call gives it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import libcst as cst

from migrate.analysis.syntax import (
    NameSubstitution,
    assigned_names,
    call_argument,
    free_names,
    is_docstring,
    is_script_block,
    local_names,
    name_uses,
    names_in,
    nodes_of,
    visit_statement,
)

# Attribute names of the calls that make training state: `tf.Variable(...)`,
# `tf.get_variable(...)`, `tf.train.AdamOptimizer(...)`, `optimizer.minimize(...)`.
_TRAINING_CALLS = frozenset({"Variable", "get_variable", "minimize", "apply_gradients"})
_LITERALS = (cst.Integer, cst.Float, cst.SimpleString)
_NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Global, cst.Nonlocal, cst.Yield, cst.Await)


def inline_calls(module: cst.Module) -> tuple[cst.Module, dict[str, str]] | None:
    """`module` with its training builders written in place of their calls, and the scope each
    call stood in (a function's name, `__main__` or `<module>`); None when none is."""
    body: list[cst.BaseStatement] = list(module.body)
    inlined: dict[str, str] = {}
    for function in [s for s in body if isinstance(s, cst.FunctionDef)]:
        if not _builds_training(function):
            continue
        index = next(i for i, s in enumerate(body) if s is function)
        readers = [i for i, s in enumerate(body) if i != index and function.name.value in names_in(s)]
        if len(readers) != 1:
            continue
        owner = body[readers[0]]
        rebuilt = _inline_into(owner, function, body)
        if rebuilt is None:
            continue
        body[readers[0] : readers[0] + 1] = rebuilt
        body.remove(function)
        if isinstance(owner, cst.FunctionDef):
            inlined[function.name.value] = owner.name.value
        else:
            inlined[function.name.value] = "__main__" if is_script_block(owner, module.body) else "<module>"
    if not inlined:
        return None
    return module.with_changes(body=body), inlined


def _builds_training(function: cst.FunctionDef) -> bool:
    if function.decorators or function.asynchronous or not isinstance(function.body, cst.IndentedBlock):
        return False
    params = function.params
    if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.star_kwarg is not None or params.posonly_params:
        return False
    if nodes_of(function.body, *_NESTED) or function.name.value in names_in(function.body):
        return False
    lines = [s for s in function.body.body if not is_docstring(s)]
    if not lines or not all(isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 for s in lines):
        return False
    returns = nodes_of(function.body, cst.Return)
    if returns and (len(returns) != 1 or _small(lines[-1]) is not returns[0]):
        return False
    if returns and _returns_a_variable(lines):
        return False  # a variable factory (`weight_variable(shape)`): the sessions rule names its variable
    return any(_training_call(call) for call in nodes_of(function.body, cst.Call))


def _returns_a_variable(lines: Sequence[cst.BaseStatement]) -> bool:
    """`return tf.Variable(...)`, or the return of a name a `tf.Variable(...)` line bound."""
    made = {
        small.targets[0].target.value
        for line in lines
        if isinstance(small := _small(line), cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
        and _variable_call(small.value)
    }
    last = _small(lines[-1])
    assert isinstance(last, cst.Return)
    value = last.value
    return (value is not None and _variable_call(value)) or (isinstance(value, cst.Name) and value.value in made)


def _variable_call(value: cst.BaseExpression) -> bool:
    return (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value in ("Variable", "get_variable")
    )


def _small(line: cst.BaseStatement) -> cst.BaseSmallStatement | None:
    return line.body[0] if isinstance(line, cst.SimpleStatementLine) and line.body else None


def _training_call(call: cst.CSTNode) -> bool:
    if not isinstance(call, cst.Call):
        return False
    name = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
    return name is not None and (name in _TRAINING_CALLS or name.endswith("Optimizer"))


def _inline_into(
    owner: cst.BaseStatement, function: cst.FunctionDef, module: Sequence[cst.BaseStatement]
) -> list[cst.BaseStatement] | None:
    """The statements standing for `owner` (a function, the main block or a module statement)
    with the one call of `function` replaced by its body; None when that could change what
    either computes."""
    if len(name_uses(owner).get(function.name.value, ())) != 1:
        return None
    if isinstance(owner, cst.FunctionDef):
        if not isinstance(owner.body, cst.IndentedBlock) or nodes_of(owner.body, cst.Global, cst.Nonlocal):
            return None
        inliner = _Inliner(function, names_in(owner), local_names(owner), depth=0)
    elif isinstance(owner, cst.SimpleStatementLine) or is_script_block(owner, module):
        # Module code: the names the function binds would be globals, seen by every statement;
        # those it reads are the globals it read.
        seen = frozenset().union(*(names_in(s) for s in module if s is not function))
        inliner = _Inliner(function, seen, frozenset(), depth=1)
    else:
        return None
    if isinstance(owner, cst.SimpleStatementLine):
        lines = inliner.body_for(owner)
        return None if lines is None else [*_with_leading(lines, owner)]
    rebuilt = owner.visit(inliner)
    if not inliner.done:
        return None
    assert isinstance(rebuilt, cst.BaseStatement)
    return [rebuilt]


def _with_leading(lines: list[cst.SimpleStatementLine], call: cst.SimpleStatementLine) -> list[cst.SimpleStatementLine]:
    """The call line's blank lines and comments go before the first line written for it."""
    first = lines[0].with_changes(leading_lines=[*call.leading_lines, *lines[0].leading_lines])
    return [first, *lines[1:]]


class _Inliner(cst.CSTTransformer):
    """Writes the function's body in place of the statement calling it, in the blocks of the
    scope (not inside nested definitions)."""

    def __init__(
        self, function: cst.FunctionDef, seen: frozenset[str], locals_: frozenset[str], *, depth: int
    ) -> None:
        self.function = function
        self.seen = seen
        self.locals = locals_
        self.done = False
        self.depth = depth  # 0 when the owner is a function, which is entered; 1 for module code

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return self.depth == 1  # the owner itself, not the functions defined in it

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.depth -= 1
        return updated_node

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        lines = self.body_for(original_node)
        if lines is None:
            return updated_node
        self.done = True
        return cst.FlattenSentinel(_with_leading(lines, original_node))

    def body_for(self, line: cst.SimpleStatementLine) -> list[cst.SimpleStatementLine] | None:
        """The function's body written for `line`, when it is the call and that is safe."""
        if len(line.body) != 1:
            return None
        small = line.body[0]
        targets: list[str] = []
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.value, cst.Call):
            target = small.targets[0].target
            if not isinstance(target, cst.Name):
                return None
            call, targets = small.value, [target.value]
        elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            call = small.value
        else:
            return None
        if not (isinstance(call.func, cst.Name) and call.func.value == self.function.name.value):
            return None
        if any(arg.star for arg in call.args):
            return None
        function = self.function
        assert isinstance(function.body, cst.IndentedBlock)
        given = self._arguments(call)
        if given is None:
            return None
        # Names and literals stand for their parameters; another expression is bound to the
        # parameter's name first, evaluated once, before the body, as the call did.
        standing = {p: v for p, v in given.items() if isinstance(v, (cst.Name, *_LITERALS))}
        computed = {p: v for p, v in given.items() if p not in standing}
        passed = {v.value for v in standing.values() if isinstance(v, cst.Name)}
        bound = assigned_names(function.body)
        if bound & (set(given) | passed) or set(computed) & self.seen:
            return None  # it binds a parameter or a name the call gave it, or a parameter's name is taken
        if (bound - set(targets)) & self.seen or (free_names(function) & self.locals):
            return None
        lines = [s for s in function.body.body if not is_docstring(s)]
        substitution = NameSubstitution(
            {p: v for p, v in standing.items() if not (isinstance(v, cst.Name) and v.value == p)}
        )
        bindings = [
            cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(p))], v)]) for p, v in computed.items()
        ]
        substituted = [*bindings, *(visit_statement(line, substitution) for line in lines)]
        last = _small(lines[-1])
        if isinstance(last, cst.Return):
            if not targets or last.value is None:
                return None
            value = _small(substituted[-1])
            assert isinstance(value, cst.Return) and value.value is not None
            substituted = substituted[:-1]
            if not (isinstance(value.value, cst.Name) and value.value.value == targets[0]):
                assign = cst.Assign([cst.AssignTarget(cst.Name(targets[0]))], value.value)
                substituted.append(cst.SimpleStatementLine([assign]))
        elif targets:
            return None  # `target = f(...)` of a function returning None
        out = [s for s in substituted if isinstance(s, cst.SimpleStatementLine)]
        return out if len(out) == len(substituted) and out else None

    def _arguments(self, call: cst.Call) -> dict[str, cst.BaseExpression] | None:
        """What the call gives each parameter; None when an argument is missing, or a literal
        standing for a parameter read as an object."""
        params = self.function.params
        every = [*params.params, *params.kwonly_params]
        given = {arg.keyword.value for arg in call.args if arg.keyword is not None}
        positional = [arg for arg in call.args if arg.keyword is None]
        if not given <= {p.name.value for p in every} or len(positional) > len(params.params):
            return None
        arguments: dict[str, cst.BaseExpression] = {}
        for position, param in enumerate(every):
            value = call_argument(call, position if param in params.params else len(call.args), param.name.value)
            if value is None:
                return None  # missing: its default would need a line of its own
            if isinstance(value, _LITERALS) and param.name.value in self._operands:
                return None  # `rate.real` would read `0.1.real`
            arguments[param.name.value] = value
        return arguments

    @property
    def _operands(self) -> frozenset[str]:
        """Names the function reads as the object of an attribute, call or subscript."""
        found: set[str] = set()
        for inner in nodes_of(self.function.body, cst.Attribute, cst.Subscript, cst.Call):
            operand = inner.func if isinstance(inner, cst.Call) else cast(cst.Attribute | cst.Subscript, inner).value
            if isinstance(operand, cst.Name):
                found.add(operand.value)
        return frozenset(found)
