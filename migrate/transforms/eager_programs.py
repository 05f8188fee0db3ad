"""TFM404: TF1 programs that switched eager execution on train as TF 2 code.

Such a program (`tf.enable_eager_execution()`) computed its gradients with
`tf.contrib.eager.implicit_value_and_gradients(f)` or `implicit_gradients(f)` and stepped a
`tf.train` optimizer with `apply_gradients`; TF 2 has neither. A gradient function bound to a name
becomes a local function over `tf.GradientTape` that returns what TF1's returned: the value of
`f` (for the first) and the (gradient, variable) pairs of the trainable variables `f` read, in
their creation order (`tape.watched_variables()`, the list TF1 took). An optimizer whose only use
is `apply_gradients(pairs)` becomes its Keras equivalent with TF1's defaults made explicit
(migrate.analysis.optimizers). Contrib's other eager names move with TFM150, and the switch goes
with TFM002 once nothing needs graph mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.graph_only import EAGER_SWITCHES
from migrate.analysis.optimizer_calls import UnmappedArgument, defaults_note, keras_arguments
from migrate.analysis.optimizers import OPTIMIZERS
from migrate.analysis.row_lookups import row_lookups
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform
from migrate.transforms.optimizer_subclasses import Subclass, Subclasses, updates_rows

CONVERTED = "TFM404"
KEPT = "TFM405"
# TF1 gradient functions -> whether they also return the value.
_GRADIENT_FUNCTIONS = {
    "tf.contrib.eager.implicit_value_and_gradients": True,
    "tf.contrib.eager.implicit_gradients": False,
}


class ScopeStatements(MigrationTransform):
    """A transform that rewrites the statements of the module and of each function, a scope at
    a time (`_scope_body`), with the scope's original statements beside the updated ones. The
    Keras optimizer subclasses its optimizers need (`optimizer_subclass`) go after the module's
    imports."""

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._subclasses = Subclasses()

    def rewrites_scopes(self) -> bool:
        return True

    def optimizer_subclass(self, subclass: Subclass) -> str:
        """The name of the Keras optimizer subclass that updates as TF1's
        (migrate.transforms.optimizer_subclasses), defined once per module."""
        return self._subclasses.name(subclass, syntax.names_in(self.pass_analysis().module))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if self.rewrites_scopes():
            body = self._scope_body(original_node.body, updated_node.body, original_node)
            updated_node = updated_node.with_changes(body=body)
        return self._subclasses.defined_in(updated_node, self.tf_alias())

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        if not self.rewrites_scopes() or not isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node
        assert isinstance(original_node.body, cst.IndentedBlock)
        body = self._scope_body(original_node.body.body, updated_node.body.body, original_node)
        return updated_node.with_changes(body=updated_node.body.with_changes(body=body))

    def _scope_body(
        self, originals: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement], scope: cst.CSTNode
    ) -> list[cst.BaseStatement]:
        raise NotImplementedError


class EagerPrograms(ScopeStatements):
    CODE = CONVERTED
    LEAVES_GRAPH_MODE = True
    DESCRIPTION = "TF1 eager programs: implicit gradient functions and stepped optimizers become TF 2 code"
    FINDINGS: ClassVar[dict[str, str]] = {
        KEPT: "a TF1 optimizer in an eager program used other than by apply_gradients(pairs): left as tf.compat.v1",
    }
    DECLINE_FINDINGS = frozenset({KEPT})
    TRIGGERS = ("eager_execution",)
    EXAMPLES = (
        Example(
            name="gradients-and-optimizer",
            before=(
                "import tensorflow as tf\n"
                "import tensorflow.contrib.eager as tfe\n"
                "\n"
                "tfe.enable_eager_execution()\n"
                "w = tfe.Variable(3.0)\n"
                "\n"
                "def loss(x):\n"
                "    return (w * x) ** 2\n"
                "\n"
                "grad_fn = tfe.implicit_value_and_gradients(loss)\n"
                "optimizer = tf.train.GradientDescentOptimizer(0.1)\n"
                "value, gradients = grad_fn(2.0)\n"
                "optimizer.apply_gradients(gradients)\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "import tensorflow.contrib.eager as tfe\n"
                "\n"
                "tfe.enable_eager_execution()\n"
                "w = tfe.Variable(3.0)\n"
                "\n"
                "def loss(x):\n"
                "    return (w * x) ** 2\n"
                "\n"
                "def grad_fn(*args, **kwargs):\n"
                "    with tf.GradientTape() as tape:\n"
                "        value = loss(*args, **kwargs)\n"
                "    variables = tape.watched_variables()\n"
                "    return value, list(zip(tape.gradient(value, variables), variables))\n"
                "optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)\n"
                "value, gradients = grad_fn(2.0)\n"
                "optimizer.apply_gradients(gradients)\n"
            ),
        ),
        Example(
            name="graph-program-keeps-optimizer",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "optimizer = tf.train.GradientDescentOptimizer(0.1)\n"
                "optimizer.apply_gradients([])\n"
            ),
        ),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._eager = False

    def visit_Module(self, node: cst.Module) -> bool:
        super().visit_Module(node)
        self._eager = any(self.tf_api(call.func) in EAGER_SWITCHES for call in syntax.calls_in(node))
        return self._eager

    def rewrites_scopes(self) -> bool:
        return self._eager

    def _scope_body(
        self, originals: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement], scope: cst.CSTNode
    ) -> list[cst.BaseStatement]:
        """The statements of one scope with its gradient functions and stepped optimizers
        converted (only those bound by a statement of the scope itself)."""
        out: list[cst.BaseStatement] = []
        for original, statement in zip(originals, updated):
            target_call = syntax.assigned_call(original)
            if target_call is None:
                out.append(statement)
                continue
            target, call = target_call
            api = self.tf_api(call.func)
            if api in _GRADIENT_FUNCTIONS and _bound_function(call, scope):
                out.append(self._gradient_function(statement, target, call.args[0].value, _GRADIENT_FUNCTIONS[api]))
                message = f"{api} becomes a function over tf.GradientTape"
                self.report(call, message, code=CONVERTED, severity=Severity.INFO)
                continue
            if api is not None and api in OPTIMIZERS:
                out.append(self._optimizer(statement, target, call, api, scope))
                continue
            out.append(statement)
        return out

    def _gradient_function(
        self, statement: cst.BaseStatement, name: str, function: cst.BaseExpression, with_value: bool
    ) -> cst.BaseStatement:
        tf = self.tf_alias()
        result = "value, " if with_value else ""
        text = (
            f"def {name}(*args, **kwargs):\n"
            f"    with {tf}.GradientTape() as tape:\n"
            f"        value = {syntax.code_of(function)}(*args, **kwargs)\n"
            "    variables = tape.watched_variables()\n"
            f"    return {result}list(zip(tape.gradient(value, variables), variables))\n"
        )
        made = cst.parse_statement(text)
        lines = list(syntax.leading_lines(statement))
        comment = statement.trailing_whitespace.comment if isinstance(statement, cst.SimpleStatementLine) else None
        if comment is not None:  # the line's own comment goes above the function that replaces it
            lines.append(cst.EmptyLine(comment=comment))
        return syntax.with_leading_lines(made, lines)

    def _optimizer(
        self, statement: cst.BaseStatement, name: str, call: cst.Call, api: str, scope: cst.CSTNode
    ) -> cst.BaseStatement:
        uses = NameUses.of(name, scope)
        keras = keras_optimizer(self, call, api, CONVERTED) if uses.only_stepped() else uses.why_not()
        if isinstance(keras, str):
            self.report(call, f"{api} is kept: {keras}", code=KEPT, severity=Severity.WARNING)
            return statement
        return replace_assigned(statement, keras)


def keras_optimizer(transform: ScopeStatements, call: cst.Call, api: str, code: str) -> cst.Call | str:
    """The Keras optimizer a TF1 optimizer call becomes, reported with `code` and TF1's defaults
    made explicit; or why it cannot become one. One whose slots TF1 starts at one becomes the
    transform's subclass of it that does the same (ScopeStatements.optimizer_subclass), and so
    does one whose update of a looked-up table's rows differs from TF1's."""
    mapping = OPTIMIZERS[api]
    caveat = mapping.rows_caveat or mapping.repeated_rows
    lookups = row_lookups(transform.pass_analysis().module.body, transform.tf_api, ()) if caveat else []
    if lookups and not updates_rows(mapping):
        return f"it may train a table that {syntax.code_of(lookups[0].func)} reads rows of: {caveat}"
    try:
        args = keras_arguments(call, api)
    except UnmappedArgument as unmapped:
        return str(unmapped)
    note = defaults_note(api)
    message = note or f"{api} becomes tf.keras.optimizers.{mapping.keras_name}"
    transform.report(call, message, code=code, severity=Severity.INFO)
    if mapping.caveat:
        transform.report(call, mapping.caveat, code=code, severity=Severity.INFO)
    if lookups or mapping.slots_start_at_one:
        subclass = Subclass(mapping, rows=bool(lookups))
        name = transform.optimizer_subclass(subclass)
        transform.report(call, subclass.described(name), code=code, severity=Severity.INFO)
        return cst.Call(func=cst.Name(name), args=args)
    return cst.Call(func=transform.tf_expr(f"keras.optimizers.{mapping.keras_name}"), args=args)


def replace_assigned(statement: cst.BaseStatement, value: cst.BaseExpression) -> cst.BaseStatement:
    """`name = value` in place of the line `name = ...`."""
    assert isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Assign)
    return statement.with_changes(body=[statement.body[0].with_changes(value=value)])


def _bound_function(call: cst.Call, scope: cst.CSTNode) -> bool:
    """Whether the function a gradient function is made of can be read when it is called rather
    than when it was wrapped: one positional argument, a dotted name whose head the scope binds
    at most once (TF1 wrapped the object the name held then)."""
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return False
    head = call.args[0].value
    while isinstance(head, cst.Attribute):
        head = head.value
    if not isinstance(head, cst.Name):
        return False
    return NameUses.of(head.value, scope).bindings <= 1


class NameUses(cst.CSTVisitor):
    """Counts how a name is bound and read in a scope: `stepped` are its `name.apply_gradients(x)`
    calls with one positional argument (Keras has no `global_step`); `compiled` its mentions as
    the optimizer of a Keras `compile(optimizer=name)` (or `compile(name, ...)`)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.bindings = 0
        self.other = 0
        self.stepped = 0
        self.compiled = 0
        self._stepped: set[int] = set()
        self._compiled: set[int] = set()
        self._skipped: set[int] = set()

    @classmethod
    def of(cls, name: str, scope: cst.CSTNode) -> NameUses:
        uses = cls(name)
        scope.visit(uses)
        return uses

    def only_stepped(self) -> bool:
        return self.bindings == 1 and not self.other and not self.compiled

    def why_not(self) -> str:
        """Why the optimizer bound to the name cannot be the Keras one by `only_stepped`."""
        if self.bindings != 1:
            return f"`{self.name}` is bound more than once"
        return f"`{self.name}` is used other than by apply_gradients(pairs)"

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and not any(arg.star for arg in node.args)):
            return
        if (
            isinstance(func.value, cst.Name)
            and func.value.value == self.name
            and func.attr.value == "apply_gradients"
            and len(node.args) == 1
            and node.args[0].keyword is None
        ):
            self._stepped.add(id(func.value))
            self.stepped += 1
        optimizer = compiled_optimizer(node)
        if isinstance(optimizer, cst.Name) and optimizer.value == self.name:
            self._compiled.add(id(optimizer))
            self.compiled += 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skipped.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skipped.add(id(node.keyword))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._binds(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._binds(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._binds(node.target)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._binds(node.name)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._binds(node.name)

    def _binds(self, target: cst.BaseExpression) -> None:
        for name in syntax.nodes_of(target, cst.Name):
            assert isinstance(name, cst.Name)
            if name.value == self.name:
                self.bindings += 1
                self._skipped.add(id(name))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name and not any(id(node) in s for s in (self._stepped, self._compiled, self._skipped)):
            self.other += 1


def compiled_optimizer(call: cst.Call) -> cst.BaseExpression | None:
    """The optimizer argument of a Keras `model.compile(...)` call: `optimizer=` or the first
    positional argument."""
    if not (isinstance(call.func, cst.Attribute) and call.func.attr.value == "compile"):
        return None
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "optimizer":
            return arg.value
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    return positional[0].value if positional else None
