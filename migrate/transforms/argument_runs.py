"""TFM202: a step function that starts by running what it is given has that run made by its callers.

Class-based TF1 tutorials start each epoch's iterator inside the method that runs the epoch:

    def train_one_epoch(self, sess, init, epoch):
        sess.run(init)
        ...

    step = self.train_one_epoch(sess, self.train_init, epoch)

The sessions transform reads such a method as a step function of the script, and a step function
given a graph value declines (TFM211): the value would have no TF 2 counterpart inside it. TF1
ran the initializer first thing in the call; running it right before the call statement is the
same program, and then the run is one of the script's own (an iterator started over its dataset,
`iterator = iter(train_data)`). So when a function runs `sess.run(p)` for a parameter `p` it
reads nowhere else, with nothing before it but statements that touch neither the graph nor the
session (`start_time = time.time()`: they call only builtins and the modules of
imports.INERT_ROOTS, the standard library, NumPy and the scientific libraries), `sess` is a
session the module opens, and every call of the function is a statement of the module's own
blocks (`f(...)` or `x = f(...)`) whose arguments call nothing, the run moves before each call,
with the argument given for `p`, and `p` goes.

The rule serves the sessions transform (TFM201) and writes what only an eager conversion needs:
in a file that stays in graph mode it is not applied.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from migrate.analysis import syntax, walk
from migrate.analysis.graph_model import SESSION_APIS
from migrate.analysis.imports import inert_import, module_bindings
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform

_BUILTINS = frozenset(dir(builtins))


@dataclass
class _Plan:
    """The functions whose first run moves out, by name: the parameter it runs, and the session."""

    runs: dict[str, tuple[str, str]] = field(default_factory=dict)


class ArgumentRunsToCallers(MigrationTransform):
    CODE = "TFM202"
    DESCRIPTION = "a step function that starts by running an argument has that run made before each call"
    EAGER_ONLY = True
    TRIGGERS = (".run(",)
    EXAMPLES = (
        Example(
            "import tensorflow as tf\n\n"
            "def run_epoch(init, epoch):\n"
            "    sess.run(init)\n"
            "    print(epoch)\n\n"
            "with tf.Session() as sess:\n"
            "    for epoch in range(2):\n"
            "        run_epoch(train_init, epoch)\n",
            "import tensorflow as tf\n\n"
            "def run_epoch(epoch):\n"
            "    print(epoch)\n\n"
            "with tf.Session() as sess:\n"
            "    for epoch in range(2):\n"
            "        sess.run(train_init)\n"
            "        run_epoch(epoch)\n",
            "moved-before-the-call",
        ),
        Example(
            "import tensorflow as tf\n\n"
            "def run_epoch(init, epoch):\n"
            "    sess.run(init)\n"
            "    print(init)\n\n"
            "with tf.Session() as sess:\n"
            "    run_epoch(train_init, 0)\n",
            None,
            "argument-read-again-stays",
        ),
    )

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        sessions = self._session_names(original_node)
        if not sessions:
            return updated_node
        plan = _Plan()
        inert = frozenset(name for name, bound in module_bindings(original_node).items() if inert_import(bound))
        # Functions called by their name: methods (of the per-call classes the variables rule
        # wrote, `__call__`) are not.
        methods = {
            id(statement)
            for node in syntax.nodes_of(original_node, cst.ClassDef)
            if isinstance(node, cst.ClassDef) and isinstance(node.body, cst.IndentedBlock)
            for statement in node.body.body
        }
        definitions = [
            f for f in syntax.nodes_of(original_node, cst.FunctionDef)
            if isinstance(f, cst.FunctionDef) and id(f) not in methods
        ]
        for function in definitions:
            found = self._first_run(function, sessions, inert)
            if found is not None:
                plan.runs[function.name.value] = found
        if not plan.runs:
            return updated_node
        if len({f.name.value for f in definitions}) != len(definitions):
            return updated_node  # a name defined twice: its calls cannot be told apart
        positions = {
            f.name.value: [p.name.value for p in f.params.params].index(plan.runs[f.name.value][0])
            for f in definitions
            if f.name.value in plan.runs
        }
        for name in list(plan.runs):
            if not self._calls_movable(original_node, name, plan.runs[name][0], positions[name]):
                del plan.runs[name]
        if not plan.runs:
            return updated_node
        for function in definitions:
            if function.name.value in plan.runs:
                parameter, session = plan.runs[function.name.value]
                self.report(
                    function,
                    f"`{session}.run({parameter})` now runs before each call of `{function.name.value}`",
                    severity=Severity.INFO,
                )
        return updated_node.visit(_Move(plan, positions))

    # --- analysis -----------------------------------------------------------------------
    def _session_names(self, module: cst.Module) -> frozenset[str]:
        """Names the module binds to a session it opens (`with tf.Session() as sess`, `sess = ...`)."""
        found: set[str] = set()
        for node in syntax.nodes_of(module, cst.WithItem, cst.Assign):
            target: cst.BaseExpression | None
            if isinstance(node, cst.WithItem):
                value, target = node.item, node.asname.name if node.asname is not None else None
            else:
                assert isinstance(node, cst.Assign)
                value = node.value
                target = node.targets[0].target if len(node.targets) == 1 else None
            if isinstance(value, cst.Call) and self.tf_api(value.func) in SESSION_APIS and isinstance(target, cst.Name):
                found.add(target.value)
        return frozenset(found)

    def _first_run(
        self, function: cst.FunctionDef, sessions: frozenset[str], inert: frozenset[str]
    ) -> tuple[str, str] | None:
        """(parameter, session) when the function starts by running a parameter it reads nowhere
        else (`sess.run(init)`), after nothing but statements that cannot touch the graph or the
        session: they call only builtins and functions of `inert` modules (`time.time()`)."""
        if function.decorators or function.asynchronous is not None:
            return None
        if not isinstance(function.body, cst.IndentedBlock):
            return None
        params = function.params
        if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.star_kwarg is not None or params.posonly_params:
            return None
        plain = [p.name.value for p in params.params if p.default is None and p.star == ""]
        statements = list(function.body.body)
        start = 1 if statements and syntax.is_docstring(statements[0]) else 0
        for index in range(start, len(statements)):
            run = _run_statement(statements[index])
            if run is None:
                if not _inert(statements[index], inert, sessions, plain):
                    return None
                continue
            session, parameter = run
            if session not in sessions or parameter not in plain or session in syntax.local_names(function):
                return None
            reads = [n for n in syntax.nodes_of(function.body, cst.Name) if getattr(n, "value", None) == parameter]
            if len(reads) != 1 or parameter in syntax.assigned_names(function.body):
                return None
            return parameter, session
        return None

    def _calls_movable(self, module: cst.Module, name: str, parameter: str, position: int) -> bool:
        """Every use of `name` is the callee of a call that is a statement's whole value, in a
        block of the module's own code (not inside a function, whose locals the inserted run
        could not see), that passes the parameter and whose arguments call nothing."""
        callees: set[int] = set()
        for _, call in _statement_calls(module):
            if not (isinstance(call.func, cst.Name) and call.func.value == name):
                continue
            if any(arg.star for arg in call.args) or any(syntax.nodes_of(arg.value, cst.Call) for arg in call.args):
                return False
            if _argument_index(call.args, parameter, position) is None:
                return False
            callees.add(id(call.func))
        uses = [n for n in syntax.nodes_of(module, cst.Name) if isinstance(n, cst.Name) and n.value == name]
        defined = {id(f.name) for f in syntax.nodes_of(module, cst.FunctionDef) if isinstance(f, cst.FunctionDef)}
        return bool(callees) and all(id(use) in callees or id(use) in defined for use in uses)


def _inert(statement: cst.BaseStatement, inert: frozenset[str], sessions: frozenset[str], params: list[str]) -> bool:
    """A statement line that reads neither a session nor the parameters and calls only builtins
    and functions of the `inert` modules: moving a run across it changes nothing it does."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    names = syntax.names_in(statement)
    if names & sessions or names & set(params):
        return False
    for call in syntax.calls_in(statement):
        head = call.func
        while isinstance(head, cst.Attribute):
            head = head.value
        if not isinstance(head, cst.Name):
            return False
        if head.value not in inert and not (head is call.func and head.value in _BUILTINS):
            return False
    return True


def _run_statement(statement: cst.BaseStatement) -> tuple[str, str] | None:
    """(session, argument) for a statement line `session.run(argument)` of two names."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    expression = statement.body[0]
    if not isinstance(expression, cst.Expr) or not isinstance(expression.value, cst.Call):
        return None
    call = expression.value
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "run" and isinstance(func.value, cst.Name)):
        return None
    if len(call.args) != 1 or call.args[0].keyword is not None or not isinstance(call.args[0].value, cst.Name):
        return None
    return func.value.value, call.args[0].value.value


def _statement_calls(module: cst.Module) -> list[tuple[cst.SimpleStatementLine, cst.Call]]:
    """The calls that are the whole value of a statement line (`f(...)`, `x = f(...)`) in the
    module's own blocks: not in function bodies, whose locals the inserted run could not see."""
    found: list[tuple[cst.SimpleStatementLine, cst.Call]] = []

    class _Lines(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
            if len(node.body) == 1:
                small = node.body[0]
                value = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
                if isinstance(value, cst.Call):
                    found.append((node, value))
            return False

    walk.visit_code(module, _Lines())
    return found


class _Move(cst.CSTTransformer):
    """Drops each planned function's first run and parameter, and runs the argument before each call."""

    def __init__(self, plan: _Plan, positions: dict[str, int]) -> None:
        super().__init__()
        self.plan = plan
        self.positions = positions

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        planned = self.plan.runs.get(original_node.name.value)
        if planned is None:
            return updated_node
        parameter, session = planned
        params = [p for p in updated_node.params.params if p.name.value != parameter]
        if params:
            params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        body = updated_node.body
        assert isinstance(body, cst.IndentedBlock)
        statements: list[cst.BaseStatement] = []
        comments: list[cst.EmptyLine] = []
        for statement in body.body:
            if _run_statement(statement) == (session, parameter):
                comments = [line for line in syntax.leading_lines(statement) if line.comment is not None]
                continue
            if comments:  # the comments above the run stay with the statement after it
                statement = syntax.with_leading_lines(statement, [*syntax.leading_lines(statement), *comments])
                comments = []
            statements.append(statement)
        if not statements:
            statements = [cst.SimpleStatementLine([cst.Pass()])]
        return updated_node.with_changes(
            params=updated_node.params.with_changes(params=params), body=body.with_changes(body=statements)
        )

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if len(updated_node.body) != 1:
            return updated_node
        small = updated_node.body[0]
        call = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Name):
            return updated_node
        planned = self.plan.runs.get(call.func.value)
        if planned is None:
            return updated_node
        parameter, session = planned
        index = _argument_index(call.args, parameter, self.positions[call.func.value])
        if index is None:
            return updated_node
        argument = call.args[index].value
        args = [arg for i, arg in enumerate(call.args) if i != index]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        moved = updated_node.with_changes(body=[small.with_changes(value=call.with_changes(args=args))])
        run = cst.parse_statement(f"{session}.run({syntax.code_of(argument)})\n")
        return cst.FlattenSentinel(
            [syntax.with_leading_lines(run, updated_node.leading_lines), syntax.with_leading_lines(moved, ())]
        )


def _argument_index(args: Sequence[cst.Arg], parameter: str, position: int) -> int | None:
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == parameter:
            return index
    positional = [index for index, arg in enumerate(args) if arg.keyword is None]
    return positional[position] if position < len(positional) else None
