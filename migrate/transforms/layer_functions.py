"""TFM331: a function whose every call makes its own `tf.Variable`s becomes a tf.Module class.

TF1 code builds layers with helpers such as

    def neuron_layer(X, n_neurons, name):
        with tf.name_scope(name):
            W = tf.Variable(tf.truncated_normal((int(X.get_shape()[1]), n_neurons)), name="kernel")
            return tf.matmul(X, W)

    with tf.name_scope("dnn"):
        hidden1 = neuron_layer(X, 5, name="hidden1")

Each call made new variables named after the name scopes around it (`dnn/hidden1/kernel`). The
function becomes a `tf.Module` subclass and each call site an instance of it, created where the
call was and called with the same arguments. The variables keep their full TF1 names, so
checkpoints and the equivalence harness find them. Their shapes may come from the tensors the
function is given (`X.get_shape()`), so they are made at the instance's first call, together
with the statements only their initial values need; the sessions transform moves that call into
the generated `tf.function`s, which allow variables made at their first trace. Name scopes inside
the function only named ops and go.

The function's body may open name scopes of its own, one layer each, and make its variables
through the module's variable factories, as TensorFlow's mnist_deep.py tutorial does:

    def deepnn(x):
        with tf.name_scope("fc1"):
            W_fc1 = weight_variable([784, 1024])
            ...

The variables keep the names of those scopes (`fc1/W`; `fc1/Variable`, `fc1/Variable_1` for
unnamed ones, which TF1 numbered). A factory is called in a `tf.name_scope("fc1/")` block, an
absolute scope, since its variable takes no name from the caller. A function called once,
outside any name scope, with every variable in a scope of its own gets a class without a scope
parameter, and its instance the function's name (`deepnn = Deepnn()`). A placeholder the
function makes and returns with its result (`return y_conv, keep_prob`, the tutorial's dropout
probability) is made by the caller instead, where the call bound it, and passed in: `__call__`
takes it after the function's own parameters and returns the rest.

Converted only when every name is known: each call is `target = f(...)` at module level (or
under module-level `tf.name_scope("literal")` blocks), or in a function that runs once (`main`,
or fully_connected_feed.py's `run_training()` that `main` calls, which may build its graph in a
`with tf.Graph().as_default():` block and run it) or the script block, where the instance is
made; the scope name is a string literal at each
call, no two calls or other scopes give the same name (TF1 would have numbered them), and the
variables are made by `name = tf.Variable(...)` or `name = factory(...)` lines at the level of
the function or of its name scopes; a name bound to a variable in each of those scopes (mnist.py's
`weights`) gives each variable an attribute named after its TF1 name (`self.hidden1_weights`).
Anything else is left as it was, with a TFM332 finding
naming the reason. Files that stay in TF1 graph mode keep the function: there, a variable made
at the first call would be named inside the caller's scopes.
"""

from __future__ import annotations

import keyword
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar, cast

import libcst as cst
import libcst.matchers as m

from migrate.analysis import syntax
from migrate.analysis.declined import Declined
from migrate.analysis.deferred_calls import pure_functions, stateful_call
from migrate.analysis.graph_model import PLACEHOLDER_APIS
from migrate.analysis.graph_segments import enters_new_graph, graph_generations
from migrate.analysis.graph_statements import (
    VARIABLE_NAME_POSITION,
    is_variable_factory,
    opens_session,
    unnamed_factories,
)
from migrate.analysis.imports import module_bindings
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform

DECLINED = "TFM332"
VARIABLE = "tf.Variable"
NAME_SCOPE = "tf.name_scope"
# Scopes and creators whose names this rule does not work out: a function using one is left.
UNTRACKED = ("tf.get_variable", "tf.variable_scope", "tf.layers", "tf.contrib", "tf.keras", "tf.compat.v1.layers")
VARIABLE_KEYWORDS = frozenset({"name", "dtype", "trainable"})
UNNAMED = "Variable"  # the name TF1 gave a variable made without one
_ANY_NAME = "*"  # a variable's name not written as a literal


@dataclass
class _Call:
    statement: cst.SimpleStatementLine
    call: cst.Call
    prefix: str  # the module-level name scopes around the call: "dnn/"
    generation: int  # which default graph the call builds in (migrate.analysis.graph_segments)
    scope: str = ""  # the TF1 name scope of this call's variables: "dnn/hidden1"
    instance: str = ""
    targets: tuple[str, ...] = ()  # `y, keep_prob = f(x)`: the names the call binds


@dataclass
class _Plan:
    node: cst.FunctionDef
    scope_param: str | None  # the parameter naming the function's own name scope
    scope_literal: str | None  # or the literal it names
    body: list[cst.BaseStatement]  # the body without its name scopes
    # body position -> (target, TF1 name under the call's scope: "kernel", "fc1/Variable_1")
    variables: dict[int, tuple[str, str]]
    attributes: dict[int, str]  # body position -> the attribute of the class holding the variable
    build: list[int]  # body positions made at the first call, variables included
    # Variables a factory makes (`W = weight_variable(shape)`), by body position: the name scope
    # their line stood in ("fc1/", or "" for the function's own scope).
    factory_made: dict[int, str] = field(default_factory=dict)
    scopes: frozenset[str] = frozenset()  # the name scopes opened in the body: "fc1", "fc1/w"
    factories_called: frozenset[str] = frozenset()
    # Placeholders the function made and returned (`return y_conv, keep_prob`), by their place
    # in what it returns: made by the caller instead and passed in, as the class's parameters.
    hoisted: dict[int, cst.SimpleStatementLine] = field(default_factory=dict)
    returned: int = 1  # how many values the function returns
    calls: list[_Call] = field(default_factory=list)
    class_name: str = ""

    @property
    def unscoped(self) -> bool:
        """Called once outside any name scope, with every variable in a name scope of the
        function's own: the variables' names are those scopes' alone."""
        return len(self.calls) == 1 and not self.calls[0].scope


class LayerFunctionsToModules(MigrationTransform):
    CODE = "TFM331"
    DESCRIPTION = (
        "a function whose calls each make their own tf.Variables becomes a tf.Module class, one instance a call"
    )
    FINDINGS: ClassVar[dict[str, str]] = {
        DECLINED: "a function making tf.Variables at each call in a form not converted: left as it is",
    }
    DECLINE_FINDINGS = frozenset({DECLINED})
    EAGER_ONLY = True
    TRIGGERS = ("Variable(",)
    EXAMPLES = (
        Example(
            name="layer-per-call",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "def layer(x, n, name):\n"
                "    with tf.name_scope(name):\n"
                "        n_in = int(x.get_shape()[1])\n"
                '        w = tf.Variable(tf.zeros([n_in, n]), name="kernel")\n'
                "        return tf.matmul(x, w)\n"
                "\n"
                'with tf.name_scope("dnn"):\n'
                '    h = layer(tf.ones([1, 2]), 3, "hidden")\n'
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "class Layer(tf.Module):\n"
                "    def __init__(self, scope):\n"
                "        super().__init__()\n"
                "        self.scope = scope\n"
                "        self.built = False\n"
                "\n"
                "    def __call__(self, x, n, name):\n"
                "        if not self.built:\n"
                "            n_in = int(x.get_shape()[1])\n"
                '            self.w = tf.Variable(tf.zeros([n_in, n]), name=self.scope + "/kernel")\n'
                "            self.built = True\n"
                "        return tf.matmul(x, self.w)\n"
                "\n"
                'with tf.name_scope("dnn"):\n'
                '    dnn_hidden = Layer("dnn/hidden")\n'
                '    h = dnn_hidden(tf.ones([1, 2]), 3, "hidden")\n'
            ),
        ),
        Example(
            name="same-scope-twice",
            before=(
                "import tensorflow as tf\n"
                "\n"
                'def layer(x, name="fc"):\n'
                "    with tf.name_scope(name):\n"
                '        w = tf.Variable(tf.ones([2, 2]), name="kernel")\n'
                "        return tf.matmul(x, w)\n"
                "\n"
                'with tf.name_scope("dnn"):\n'
                "    h = layer(tf.ones([1, 2]))\n"
                "    out = layer(h)\n"
            ),
        ),
        Example(
            name="factories-in-name-scopes",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "def weight_variable(shape):\n"
                "    initial = tf.random.truncated_normal(shape, stddev=0.1)\n"
                "    return tf.Variable(initial)\n"
                "\n"
                "def deepnn(x):\n"
                '    with tf.name_scope("fc1"):\n'
                "        W_fc1 = weight_variable([2, 3])\n"
                "        h_fc1 = tf.nn.relu(tf.matmul(x, W_fc1))\n"
                '    with tf.name_scope("fc2"):\n'
                "        W_fc2 = weight_variable([3, 1])\n"
                "        return tf.matmul(h_fc1, W_fc2)\n"
                "\n"
                "def main():\n"
                "    y = deepnn(tf.ones([1, 2]))\n"
                "\n"
                "main()\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "def weight_variable(shape):\n"
                "    initial = tf.random.truncated_normal(shape, stddev=0.1)\n"
                "    return tf.Variable(initial)\n"
                "\n"
                "class Deepnn(tf.Module):\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.built = False\n"
                "\n"
                "    def __call__(self, x):\n"
                "        if not self.built:\n"
                '            with tf.name_scope("fc1/"):\n'
                "                self.W_fc1 = weight_variable([2, 3])\n"
                '            with tf.name_scope("fc2/"):\n'
                "                self.W_fc2 = weight_variable([3, 1])\n"
                "            self.built = True\n"
                "        h_fc1 = tf.nn.relu(tf.matmul(x, self.W_fc1))\n"
                "        return tf.matmul(h_fc1, self.W_fc2)\n"
                "\n"
                "def main():\n"
                "    deepnn = Deepnn()\n"
                "    y = deepnn(tf.ones([1, 2]))\n"
                "\n"
                "main()\n"
            ),
        ),
    )

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = list(original_node.body)
        self.module_names = module_bindings(original_node)
        self.pure_functions = pure_functions(body, self.tf_api, self.module_names)
        self.factories = unnamed_factories(body, self.tf_api)
        self.variable_makers = frozenset(
            s.name.value for s in body if isinstance(s, cst.FunctionDef) and self._makes_variables(s)
        )
        candidates = [
            s for s in body
            if isinstance(s, cst.FunctionDef)
            and self._makes_variables(s)
            and not self.is_suppressed_at(s)
            and not opens_session(s, self.tf_api)  # runs its own graph: the sessions transform's
        ]
        plans: dict[str, _Plan] = {}
        for statement in candidates:
            if statement.name.value not in self.factories:
                self._add_plan(statement, plans)
        # A factory the converted functions call stays a function, which their classes call.
        called = {name for plan in plans.values() for name in plan.factories_called}
        for statement in candidates:
            if statement.name.value in self.factories and statement.name.value not in called:
                self._add_plan(statement, plans)
        order = [s.name.value for s in candidates]
        plans = {name: plans[name] for name in order if name in plans}
        if not plans:
            return updated_node
        try:
            self._find_calls(body, plans)
        except Declined as declined:
            self.report(declined.node or body[0], f"{declined.message}; left as it is", code=DECLINED)
            return updated_node
        if not plans:
            return updated_node
        taken = set(syntax.names_in(original_node))
        for name, plan in plans.items():
            plan.class_name = syntax.unique_name("".join(p.capitalize() or "_" for p in name.split("_")), taken)
            taken.add(plan.class_name)
            for call in plan.calls:
                # Called once, outside any scope (`y = deepnn(x)`): the instance takes the
                # function's name, which the class frees, and the calling line stays as it was.
                call.instance = name if plan.unscoped else syntax.unique_name(re.sub(r"\W", "_", call.scope), taken)
                taken.add(call.instance)
        by_statement = {id(c.statement): (name, c) for name, plan in plans.items() for c in plan.calls}
        out = _Rebuild(self, plans, by_statement).block(body)
        for name, plan in plans.items():
            self.report(
                plan.node,
                f"`{name}` becomes tf.Module subclass `{plan.class_name}`, one instance a call",
                severity=Severity.INFO,
            )
        return updated_node.with_changes(body=out)

    def _add_plan(self, statement: cst.FunctionDef, plans: dict[str, _Plan]) -> None:
        try:
            plans[statement.name.value] = self._plan(statement)
        except Declined as declined:
            if not is_variable_factory(statement, self.tf_api):
                # A factory's one variable is made where each line calls it (the sessions rule).
                self.report(declined.node or statement, f"{declined.message}; left as it is", code=DECLINED)

    # --- which functions ------------------------------------------------------------------
    def _makes_variables(self, node: cst.FunctionDef) -> bool:
        """Makes a `tf.Variable`, or calls a factory that makes one."""
        return any(api == VARIABLE for api, _ in syntax.tf_apis_in(node, self.tf_api)) or any(
            _callee(call) in self.factories for call in syntax.calls_in(node)
        )

    def _plan(self, node: cst.FunctionDef) -> _Plan:
        if node.decorators or node.asynchronous or not isinstance(node.body, cst.IndentedBlock):
            raise Declined(DECLINED, "a decorated or one-line function", node)
        params = node.params
        if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.star_kwarg is not None or params.posonly_params:
            raise Declined(DECLINED, "a function with * or ** parameters", node)
        for api, found in syntax.tf_apis_in(node, self.tf_api):
            if syntax.api_under(api, UNTRACKED):
                raise Declined(DECLINED, f"{api} in a function making variables at each call", found)
        for kind in (cst.Global, cst.Nonlocal, cst.FunctionDef, cst.ClassDef, cst.Yield, cst.Lambda):
            inner = [n for n in syntax.nodes_of(node.body, kind)]
            if inner:
                raise Declined(DECLINED, "a nested definition, lambda, generator or global in the function", inner[0])
        docstring = [s for s in node.body.body[:1] if syntax.is_docstring(s)]
        statements = list(node.body.body[len(docstring):])
        scope_param: str | None = None
        scope_literal: str | None = None
        if (
            statements
            and isinstance(statements[0], cst.With)
            and (len(statements) == 1 or _returns_names(statements[1:]))
        ):
            # The function's own scope: its whole body, or all of it but `return h, keep`.
            block = statements[0]
            item = block.items[0]
            call = item.item
            if (
                len(block.items) == 1
                and item.asname is None
                and isinstance(call, cst.Call)
                and self.tf_api(call.func) == NAME_SCOPE
                and len(call.args) == 1
                and isinstance(block.body, cst.IndentedBlock)
            ):
                argument = call.args[0].value
                names = [p.name.value for p in (*params.params, *params.kwonly_params)]
                if isinstance(argument, cst.Name) and argument.value in names:
                    scope_param = argument.value
                elif (literal := syntax.string_literal(argument)) is not None:
                    scope_literal = literal
                else:
                    raise Declined(DECLINED, "a name scope named by an expression", call)
                statements = [*block.body.body, *statements[1:]]
        scoped = self._open_name_scopes([*docstring, *statements], "")
        scoped, hoisted, returned = self._hoist_placeholders(node, scoped)
        statements = [statement for statement, _ in scoped]
        variables: dict[int, tuple[str, str]] = {}
        factory_made: dict[int, str] = {}
        factories_called: set[str] = set()
        unnamed: Counter[str] = Counter()
        for position, (statement, path) in enumerate(scoped):
            assigned = syntax.assigned_call(statement)
            if assigned is not None and self.tf_api(assigned[1].func) == VARIABLE:
                target, call = assigned
                short = self._variable_name(call)
            elif assigned is not None and (factory := _callee(assigned[1])) in self.factories:
                assert factory is not None
                target, short = assigned[0], UNNAMED
                factory_made[position] = path
                factories_called.add(factory)
            elif any(api == VARIABLE for api, _ in syntax.tf_apis_in(statement, self.tf_api)):
                raise Declined(
                    DECLINED, "tf.Variable other than `name = tf.Variable(...)` at the function's level", statement
                )
            elif any(api == NAME_SCOPE for api, _ in syntax.tf_apis_in(statement, self.tf_api)):
                raise Declined(DECLINED, "a name scope around part of the function", statement)
            else:
                makers = sorted(self.variable_makers & {_callee(c) for c in syntax.calls_in(statement)})
                if makers:
                    message = f"`{makers[0]}` makes variables other than on a line of its own"
                    raise Declined(DECLINED, message, statement)
                continue
            if short == UNNAMED:
                # TF1 numbered the unnamed variables of one name scope: `Variable`, `Variable_1`.
                count = unnamed[path]
                unnamed[path] += 1
                short = f"{UNNAMED}_{count}" if count else UNNAMED
            variables[position] = (target, path + short)
        targets = [t for t, _ in variables.values()]
        short_names = [n for _, n in variables.values()]
        if len(set(short_names)) != len(short_names):
            raise Declined(DECLINED, "two variables of one call share a TF1 name", node)
        attributes = _attributes(variables)
        if len(set(attributes.values())) != len(attributes) or not all(
            a.isidentifier() and not keyword.iskeyword(a) and a not in ("scope", "built") for a in attributes.values()
        ):
            raise Declined(DECLINED, "a variable's name does not make an attribute of its own", node)
        for position, statement in enumerate(statements):
            if position not in variables and set(syntax.defined_names(statement)) & set(targets):
                raise Declined(DECLINED, "a variable's Python name is bound again", statement)
        parameters = {p.name.value for p in (*params.params, *params.kwonly_params)}
        if parameters & set(targets):
            raise Declined(DECLINED, "a variable bound to a parameter's name", node)
        build = _build_positions(statements, variables)
        stateful = stateful_call(node, statements, self.tf_api, self.module_names, self.pure_functions)
        if stateful is not None:
            raise Declined(
                DECLINED,
                f"`{syntax.code_of(stateful.func)}` would run at the instance's first call, inside the first run, "
                "later than TF1 ran it",
                stateful,
            )
        paths = frozenset(path.rstrip("/") for _, path in scoped if path)
        return _Plan(
            node, scope_param, scope_literal, statements, variables, attributes, build, factory_made, paths,
            frozenset(factories_called), hoisted, returned,
        )

    def _hoist_placeholders(
        self, node: cst.FunctionDef, scoped: list[tuple[cst.BaseStatement, str]]
    ) -> tuple[list[tuple[cst.BaseStatement, str]], dict[int, cst.SimpleStatementLine], int]:
        """The body without the placeholders the function makes and returns, as TensorFlow's
        mnist_deep.py makes `keep_prob` in `deepnn(x)` and returns `y_conv, keep_prob`: their
        lines, by their place in the returned tuple, and how many values it returns. A
        placeholder made otherwise declines."""
        made = {
            position: assigned
            for position, (statement, _) in enumerate(scoped)
            if (assigned := syntax.assigned_call(statement)) is not None
            and self.tf_api(assigned[1].func) in PLACEHOLDER_APIS
        }
        for statement, _ in scoped:
            for api, found in syntax.tf_apis_in(statement, self.tf_api):
                if api in PLACEHOLDER_APIS and not any(found is a[1].func for a in made.values()):
                    raise Declined(DECLINED, f"{api} in a function making variables at each call", found)
        last = scoped[-1][0] if scoped else None
        final = last.body[0] if isinstance(last, cst.SimpleStatementLine) else None
        value = final.value if isinstance(final, cst.Return) else None
        returned = len(value.elements) if isinstance(value, cst.Tuple) else 1
        if not made:
            return scoped, {}, returned
        unreturned = "a placeholder made other than to be returned with the function's result"
        params = node.params
        if (
            not isinstance(value, cst.Tuple)
            or len(syntax.nodes_of(node.body, cst.Return)) != 1
            or any(p.default is not None for p in params.params)
            or params.kwonly_params
        ):
            raise Declined(DECLINED, unreturned, node)
        names = [e.value.value if isinstance(e.value, cst.Name) else None for e in value.elements]
        hoisted: dict[int, cst.SimpleStatementLine] = {}
        for position, (name, call) in made.items():
            line = scoped[position][0]
            assert isinstance(line, cst.SimpleStatementLine)
            outside = [n for found in syntax.name_uses(call).values() for n in found if self.tf_api(n) is None]
            bound_again = sum(name in syntax.defined_names(s) for s, _ in scoped) > 1
            if outside or bound_again or names.count(name) != 1:
                raise Declined(DECLINED, unreturned, line)
            hoisted[names.index(name)] = line.with_changes(leading_lines=[])
        if len(hoisted) == len(names):
            raise Declined(DECLINED, unreturned, node)
        kept: list[tuple[cst.BaseStatement, str]] = []
        carried: list[cst.EmptyLine] = []
        for position, (statement, path) in enumerate(scoped):
            if position in made:
                carried.extend(syntax.leading_lines(statement))  # the comments stay in the function
                continue
            if carried:
                statement = syntax.with_leading_lines(statement, [*carried, *syntax.leading_lines(statement)])
                carried = []
            kept.append((statement, path))
        # `return y_conv, keep_prob` returns what is left: `return y_conv`.
        rest = [e for i, e in enumerate(value.elements) if i not in hoisted]
        left: cst.BaseExpression = rest[0].value if len(rest) == 1 else value.with_changes(elements=_listed(rest))
        returning, path = kept[-1]
        assert isinstance(returning, cst.SimpleStatementLine)
        kept[-1] = (returning.with_changes(body=[cst.Return(left)]), path)
        return kept, hoisted, returned

    def _open_name_scopes(self, nodes: Sequence[cst.BaseStatement], path: str) -> list[tuple[cst.BaseStatement, str]]:
        """The statements of `nodes` with the name-scope blocks among them opened, each with the
        path of the blocks it stood in ("fc1/"): those scopes named only the ops and variables
        made in them, and the variables keep the names in full."""
        out: list[tuple[cst.BaseStatement, str]] = []
        carried: list[cst.EmptyLine] = []
        for statement in nodes:
            literal = self._inner_scope(statement)
            if literal is None:
                if carried:
                    statement = syntax.with_leading_lines(statement, [*carried, *syntax.leading_lines(statement)])
                    carried = []
                out.append((statement, path))
                continue
            assert isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock)
            inner = self._open_name_scopes(statement.body.body, f"{path}{literal}/")
            first, first_path = inner[0]
            lines = [*carried, *syntax.leading_lines(statement), *syntax.leading_lines(first)]
            inner[0] = (syntax.with_leading_lines(first, lines), first_path)
            out.extend(inner)
            carried = list(statement.body.footer)
        if any(line.comment is not None for line in carried):
            raise Declined(DECLINED, "a comment closing the function's last name scope", nodes[-1])
        return out

    def _inner_scope(self, statement: cst.BaseStatement) -> str | None:
        """"fc1" of `with tf.name_scope("fc1"):` opened in the function's body: one name, no
        other argument."""
        literal = self._module_scope(statement)
        if not literal or "/" in literal:
            return None
        assert isinstance(statement, cst.With)
        return literal if len(cast(cst.Call, statement.items[0].item).args) == 1 else None

    def _variable_name(self, call: cst.Call) -> str:
        positional = [a for a in call.args if a.keyword is None]
        if len(positional) != 1 or positional[0].star:
            raise Declined(DECLINED, "tf.Variable with arguments other than the initial value by position", call)
        name = UNNAMED
        for argument in call.args:
            if argument.keyword is None:
                continue
            keyword = argument.keyword.value
            if keyword not in VARIABLE_KEYWORDS:
                raise Declined(DECLINED, f"tf.Variable({keyword}=...)", call)
            if keyword == "name":
                literal = syntax.string_literal(argument.value)
                if literal is None or "/" in literal:
                    raise Declined(DECLINED, "a variable name that is not a plain string literal", call)
                name = literal
            if keyword == "trainable" and not m.matches(argument.value, m.Name("True") | m.Name("False")):
                raise Declined(DECLINED, "a trainable flag that is not a literal", call)
        return name

    # --- where it is called ---------------------------------------------------------------
    def _find_calls(self, body: Sequence[cst.BaseStatement], plans: dict[str, _Plan]) -> None:
        """Finds each function's calls and their scopes; a function used otherwise is dropped from
        `plans` with its reason. Scope names that collide decline the whole module."""
        # Every module-level name scope path with the graph it is opened in, by its call.
        opened: list[tuple[int, str, cst.CSTNode]] = []
        failed: dict[str, Declined] = {}
        # The names of the variables module-level lines make (in name scopes or not), by graph.
        self._scoped_variables: dict[int, set[str]] = {}
        generations = graph_generations(body, self.tf_api)
        # A function that runs at most once (`main`) and the script block are scopes of their
        # own: a call there makes its instance there, once, as TF1 made the variables once.
        owners = [s for s in body if self._runs_once(s, body, plans)]
        for statement in body:
            if any(statement is owner for owner in owners):
                assert isinstance(statement, (cst.FunctionDef, cst.If))
                inner = list(cast(cst.IndentedBlock, statement.body).body)
                inner_generations = graph_generations(inner, self.tf_api)
                for part in inner:
                    self._walk([part], "", inner_generations[id(part)], plans, opened, failed)
                definitions = [n for part in inner for n in syntax.nodes_of(part, cst.FunctionDef, cst.ClassDef)]
            else:
                self._walk([statement], "", generations[id(statement)], plans, opened, failed)
                definitions = [statement] if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) else []
            for definition in definitions:
                assert isinstance(definition, (cst.FunctionDef, cst.ClassDef))
                own = definition.name.value
                for name in sorted(set(plans) & syntax.names_in(definition.body)):
                    failed.setdefault(name, Declined(DECLINED, f"`{name}` is used inside a definition", definition))
                    if own in plans:
                        failed.setdefault(own, Declined(DECLINED, f"`{own}` calls `{name}`", definition))
        for name, plan in plans.items():
            if name in failed:
                continue
            try:
                if not plan.calls:
                    raise Declined(DECLINED, f"`{name}` makes variables but no module-level line calls it", plan.node)
                for call in plan.calls:
                    own_scope = self._call_scope(plan, call)
                    call.scope = call.prefix + own_scope if own_scope else call.prefix.rstrip("/")
                    if not call.scope and not (len(plan.calls) == 1 and _all_in_own_scopes(plan)):
                        # TF1 numbered such names against every other variable of the graph.
                        raise Declined(DECLINED, "variables made outside any name scope", call.statement)
            except Declined as declined:
                failed[name] = declined
        for name, reason in sorted(failed.items()):
            if name not in self.factories:  # a factory's variable is made where each line calls it
                self.report(reason.node or plans[name].node, f"{reason.message}; left as it is", code=DECLINED)
            del plans[name]
        made: set[tuple[int, str]] = set()
        for name, plan in list(plans.items()):
            for call in plan.calls:
                under = f"{call.scope}/" if call.scope else ""
                for _, short in plan.variables.values():
                    if self._named_with(call.generation, under, short):
                        # TF1 numbered the call's variable and the line's together, in the order
                        # the graph made them; the instance would take the name the line takes.
                        if name not in self.factories:
                            message = f"`{under + short}` is also the name of a variable a line of the scope makes"
                            self.report(call.statement, f"{message}; left as it is", code=DECLINED)
                        del plans[name]
                        break
                    if (call.generation, under + short) in made:
                        message = f"two calls make `{under + short}`: TF1 numbered the second"
                        raise Declined(DECLINED, message, call.statement)
                    made.add((call.generation, under + short))
                if name not in plans:
                    break
                opened.extend((call.generation, under + path, call.statement) for path in sorted(plan.scopes))
                if plan.scope_param is not None or plan.scope_literal is not None:
                    opened.append((call.generation, call.scope, call.statement))
        # Name scopes opened elsewhere (in other helpers, loops) could take one of these names first.
        walked = {id(node) for _, _, node in opened}
        others = {
            syntax.string_literal(syntax.call_argument(c, 0, "name"))
            for statement in body
            if not (isinstance(statement, cst.FunctionDef) and statement.name.value in plans)
            for c in syntax.calls_in(statement)
            if self.tf_api(c.func) in (NAME_SCOPE, "tf.variable_scope") and id(c) not in walked
        }
        seen: set[tuple[int, str]] = set()
        for generation, path, node in opened:
            if (generation, path) in seen or path.rsplit("/", 1)[-1] in others:
                raise Declined(DECLINED, f"the name scope `{path}` is opened twice: TF1 numbered the second", node)
            seen.add((generation, path))

    def _runs_once(
        self, statement: cst.BaseStatement, body: Sequence[cst.BaseStatement], plans: dict[str, _Plan]
    ) -> bool:
        if syntax.is_script_block(statement, body):
            return True
        return (
            isinstance(statement, cst.FunctionDef)
            and statement.name.value not in plans
            # One making variables of its own is a layer function, unless it runs its graph too.
            and (statement.name.value not in self.variable_makers or opens_session(statement, self.tf_api))
            and not statement.decorators
            and isinstance(statement.body, cst.IndentedBlock)
            and syntax.runs_at_most_once(body, statement.name.value)
        )

    def _walk(
        self,
        nodes: Sequence[cst.BaseStatement],
        prefix: str,
        generation: int,
        plans: dict[str, _Plan],
        opened: list[tuple[int, str, cst.CSTNode]],
        failed: dict[str, Declined],
    ) -> None:
        for statement in nodes:
            if isinstance(statement, cst.FunctionDef) and statement.name.value in plans:
                continue
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                continue  # checked by the caller
            scope = self._module_scope(statement)
            if scope is not None:
                assert isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock)
                opened.append((generation, prefix + scope, statement.items[0].item))
                self._walk(statement.body.body, f"{prefix}{scope}/", generation, plans, opened, failed)
                continue
            if not prefix and enters_new_graph(statement, self.tf_api) and isinstance(statement, cst.With):
                # fully_connected_feed.py's `with tf.Graph().as_default():` in `run_training()`: a
                # graph of its own, where TF1 named everything afresh.
                assert isinstance(statement.body, cst.IndentedBlock)
                self._walk(statement.body.body, "", _new_graph(statement), plans, opened, failed)
                continue
            self._record_variables(statement, prefix, generation)
            used = sorted(set(plans) & syntax.names_in(statement))
            assigned = syntax.unpacked_call(statement)
            for name in used:
                references = [n for n in syntax.nodes_of(statement, cst.Name) if m.matches(n, m.Name(name))]
                targets = 1 if not plans[name].hoisted else plans[name].returned
                if (
                    assigned is None
                    or len(used) != 1
                    or not m.matches(assigned[1].func, m.Name(name))
                    or len(references) != 1
                    or len(assigned[0]) != targets
                ):
                    message = f"`{name}` is used other than as `target = {name}(...)` at module level"
                    failed.setdefault(name, Declined(DECLINED, message, statement))
                elif isinstance(statement, cst.SimpleStatementLine):
                    plans[name].calls.append(_Call(statement, assigned[1], prefix, generation, targets=assigned[0]))

    def _named_with(self, generation: int, under: str, short: str) -> bool:
        """Whether a module-level line of graph `generation` makes a variable TF1 named with
        `under + short` (the name itself or one numbered from it, `layer/Variable_1`), or one
        in the name scope `under` whose name is not written."""
        made = self._scoped_variables.get(generation, set())
        numbered = re.compile(re.escape(under + short) + r"(_\d+)?")
        return any(numbered.fullmatch(name) for name in made) or bool(under and under + _ANY_NAME in made)

    def _record_variables(self, statement: cst.BaseStatement, prefix: str, generation: int) -> None:
        """Note the names of the `tf.Variable`s a line in the name scope `prefix` makes:
        `prefix` + its `name=`, or `Variable`, the name TF1 numbered from."""
        for call in syntax.calls_in(statement):
            if self.tf_api(call.func) != VARIABLE:
                continue
            given = syntax.call_argument(call, VARIABLE_NAME_POSITION, "name")
            literal = syntax.string_literal(given) if given is not None else UNNAMED
            # A name not written as a literal may be any name of the scope.
            self._scoped_variables.setdefault(generation, set()).add(prefix + (literal or _ANY_NAME))

    def _module_scope(self, statement: cst.BaseStatement) -> str | None:
        if not (isinstance(statement, cst.With) and len(statement.items) == 1):
            return None
        item = statement.items[0]
        call = item.item
        if not (isinstance(call, cst.Call) and self.tf_api(call.func) == NAME_SCOPE) or item.asname is not None:
            return None
        if not isinstance(statement.body, cst.IndentedBlock):
            return None
        return syntax.string_literal(syntax.call_argument(call, 0, "name"))

    def _call_scope(self, plan: _Plan, call: _Call) -> str:
        if plan.scope_literal is not None:
            return plan.scope_literal
        if plan.scope_param is None:
            return ""
        value = _bound_argument(plan.node, call.call, plan.scope_param)
        literal = syntax.string_literal(value) if value is not None else None
        if literal is None or not literal or "/" in literal:
            raise Declined(DECLINED, "a scope name that is not a plain string literal at this call", call.statement)
        return literal


_Listed = TypeVar("_Listed", cst.Arg, cst.Param, cst.Element)


def _listed(items: Sequence[_Listed]) -> list[_Listed]:
    """`items` separated by ", " as in `a, b`, with no comma after the last."""
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [
        item.with_changes(comma=comma if i < len(items) - 1 else cst.MaybeSentinel.DEFAULT)
        for i, item in enumerate(items)
    ]


def _assigned_target(statement: cst.SimpleStatementLine) -> str:
    assigned = syntax.assigned_call(statement)
    assert assigned is not None
    return assigned[0]


def _returns_names(statements: Sequence[cst.BaseStatement]) -> bool:
    """`return h` or `return h, keep`: a return of names alone, which reads no scope."""
    if len(statements) != 1 or not isinstance(statements[0], cst.SimpleStatementLine):
        return False
    returned = statements[0].body[0]
    if not isinstance(returned, cst.Return) or returned.value is None:
        return False
    value = returned.value
    values = [e.value for e in value.elements] if isinstance(value, cst.Tuple) else [value]
    return all(isinstance(v, cst.Name) for v in values)


def _all_in_own_scopes(plan: _Plan) -> bool:
    """Every variable of the function is made in a name scope the function opens."""
    return all("/" in short for _, short in plan.variables.values())


def _callee(call: cst.Call) -> str | None:
    """`f` of `f(...)`; None for a call of anything but a plain name."""
    return call.func.value if isinstance(call.func, cst.Name) else None


def _bound_argument(node: cst.FunctionDef, call: cst.Call, param: str) -> cst.BaseExpression | None:
    """The value `call` passes for `param`: by keyword, by position, or the default."""
    positional = [a for a in call.args if a.keyword is None]
    if any(a.star for a in call.args):
        raise Declined(DECLINED, "a call with * or ** arguments", call)
    params = list(node.params.params)
    names = [p.name.value for p in params]
    if len(positional) > len(names):
        raise Declined(DECLINED, "a call with more arguments than the function takes", call)
    for argument in call.args:
        if argument.keyword is not None and argument.keyword.value == param:
            return argument.value
    if param in names and names.index(param) < len(positional):
        return positional[names.index(param)].value
    for p in (*params, *node.params.kwonly_params):
        if p.name.value == param:
            return p.default
    return None


def _new_graph(block: cst.With) -> int:
    """The generation of the graph a `with tf.Graph().as_default():` block builds: one of its
    own, apart from the default graph's (migrate.analysis.graph_segments counts those up)."""
    return -id(block)


def _build_positions(statements: Sequence[cst.BaseStatement], variables: dict[int, tuple[str, str]]) -> list[int]:
    """The variables and the plain assignments only their initial values read, made together at
    the first call where the first variable was made. Declined when moving them changes what they
    read."""
    build = set(variables)
    readers: dict[int, frozenset[str]] = {i: syntax.names_in(s) for i, s in enumerate(statements)}
    changed = True
    while changed:
        changed = False
        for position in range(len(statements) - 1, -1, -1):
            statement = statements[position]
            if position in build or not _plain_assignment(statement):
                continue
            defined = set(syntax.defined_names(statement))
            needed_by_build = any(defined & readers[b] for b in build if b > position)
            needed_elsewhere = any(
                defined & readers[i] for i in range(len(statements)) if i not in build and i != position
            )
            if needed_by_build and not needed_elsewhere:
                build.add(position)
                changed = True
    first = min(variables)
    # A name bound to several variables names a different attribute at each binding: moving one
    # binding over a line that reads the name does not change what that line reads.
    rebound = {t for t, n in Counter(t for t, _ in variables.values()).items() if n > 1}
    for position in sorted(build):
        moved_over = range(position + 1, first) if position < first else range(first, position)
        defined = set(syntax.defined_names(statements[position]))
        if position in variables:
            defined -= rebound
        for other in moved_over:
            if other in build:
                continue
            written = set(syntax.defined_names(statements[other]))
            if written & readers[position] or defined & readers[other]:
                raise Declined(
                    DECLINED, "a variable's initial value reads a name the function changes", statements[position]
                )
    return sorted(build)


def _attributes(variables: dict[int, tuple[str, str]]) -> dict[int, str]:
    """The class attribute of each variable: its Python name, or, for a name bound to several
    variables, its TF1 name as an identifier ("hidden1/weights" -> `hidden1_weights`)."""
    bound = Counter(target for target, _ in variables.values())
    return {
        position: target if bound[target] == 1 else re.sub(r"\W", "_", short)
        for position, (target, short) in variables.items()
    }


def _plain_assignment(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Assign)
        and all(isinstance(t.target, (cst.Name, cst.Tuple)) for t in statement.body[0].targets)
    )


class _Rebuild:
    def __init__(
        self, t: LayerFunctionsToModules, plans: dict[str, _Plan], calls: dict[int, tuple[str, _Call]]
    ) -> None:
        self.t = t
        self.plans = plans
        self.calls = calls

    def block(self, nodes: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
        out: list[cst.BaseStatement] = []
        for statement in nodes:
            if isinstance(statement, cst.FunctionDef) and statement.name.value in self.plans:
                out.append(self._class(self.plans[statement.name.value]))
                continue
            found = self.calls.get(id(statement))
            if found is not None:
                name, call = found
                plan = self.plans[name]
                arguments = "" if plan.unscoped else f'"{call.scope}"'
                made = cst.parse_statement(f"{call.instance} = {plan.class_name}({arguments})\n")
                leading = syntax.leading_lines(statement)
                passed = [(_assigned_target(plan.hoisted[i]), call.targets[i]) for i in sorted(plan.hoisted)]
                for i in sorted(plan.hoisted):
                    # The placeholder, made here under the name the call gave it.
                    line = plan.hoisted[i]
                    small = line.body[0]
                    assert isinstance(small, cst.Assign)
                    target = cst.AssignTarget(cst.Name(call.targets[i]))
                    out.append(line.with_changes(body=[small.with_changes(targets=[target])], leading_lines=leading))
                    leading = []
                out.append(made.with_changes(leading_lines=leading))
                renamed = statement.visit(_Callee(call.call, call.instance, passed))
                assert isinstance(renamed, cst.SimpleStatementLine)
                if plan.hoisted:
                    renamed = _without_targets(renamed, plan.hoisted)
                out.append(renamed.with_changes(leading_lines=[]))
                continue
            if isinstance(statement, (cst.With, cst.FunctionDef, cst.If)) and isinstance(
                statement.body, cst.IndentedBlock
            ):
                # Name-scope blocks, and the scopes that run once (`main`, the script block).
                inner = self.block(statement.body.body)
                if inner != list(statement.body.body):
                    statement = statement.with_changes(body=statement.body.with_changes(body=inner))
            out.append(statement)
        return out

    def _class(self, plan: _Plan) -> cst.BaseStatement:
        node = plan.node
        assert isinstance(node.body, cst.IndentedBlock)
        # A name bound to several variables (`weights` in each of mnist.py's name scopes) reads,
        # at each line, the attribute of the variable bound last before it.
        mapping = {target: plan.attributes[p] for p, (target, _) in sorted(plan.variables.items(), reverse=True)}
        build: list[cst.BaseStatement] = []
        rest: list[cst.BaseStatement] = []
        first = min(plan.variables)
        guard_at = 0
        for position, statement in enumerate(plan.body):
            if position == first:
                guard_at = len(rest)
            if position > first or position in plan.variables:
                statement = statement.visit(syntax.SelfAttributes(mapping))  # type: ignore[assignment]
            if position in plan.variables:
                target, short = plan.variables[position]
                mapping[target] = plan.attributes[position]
                assert isinstance(statement, cst.SimpleStatementLine)
                small = statement.body[0]
                assert isinstance(small, cst.Assign) and isinstance(small.value, cst.Call)
                made = cst.Attribute(cst.Name("self"), cst.Name(plan.attributes[position]))
                if position in plan.factory_made:
                    statement = self._in_name_scope(
                        statement.with_changes(body=[small.with_changes(targets=[cst.AssignTarget(made)])]),
                        _scoped_name(plan, plan.factory_made[position]),
                    )
                else:
                    value = _with_name(small.value, _scoped_name(plan, short))
                    statement = statement.with_changes(body=[cst.Assign([cst.AssignTarget(made)], value)])
                build.append(statement)
            elif position in plan.build:
                build.append(statement)
            else:
                rest.append(statement)
        leading = syntax.leading_lines(plan.body[min(plan.build)])
        build = [s.with_changes(leading_lines=[]) if i == 0 else s for i, s in enumerate(build)]
        build = _merge_name_scopes(build)
        build.append(cst.parse_statement("self.built = True\n"))
        guard = cst.parse_statement("if not self.built:\n    pass\n")
        assert isinstance(guard, cst.If) and isinstance(guard.body, cst.IndentedBlock)
        rest.insert(guard_at, guard.with_changes(body=guard.body.with_changes(body=build), leading_lines=leading))
        params = node.params
        if plan.hoisted:
            # The placeholders it made come in after the function's own parameters.
            names = [_assigned_target(plan.hoisted[i]) for i in sorted(plan.hoisted)]
            params = params.with_changes(params=_listed([*params.params, *(cst.Param(cst.Name(n)) for n in names)]))
        return syntax.module_class(
            plan.class_name, self.t.tf_alias(), params, rest,
            init_params="self" if plan.unscoped else "self, scope",
            init_lines=["self.built = False"] if plan.unscoped else ["self.scope = scope", "self.built = False"],
            leading_lines=node.leading_lines,
        )

    def _in_name_scope(self, statement: cst.SimpleStatementLine, scope: cst.BaseExpression) -> cst.BaseStatement:
        """`statement` in a `with tf.name_scope(scope):` block, whose absolute scope (ending in
        "/") names the variable a factory makes in it as TF1 did."""
        block = cst.parse_statement(f"with {self.t.tf_alias()}.name_scope(scope):\n    pass\n")
        assert isinstance(block, cst.With) and isinstance(block.body, cst.IndentedBlock)
        item = block.items[0].with_changes(item=cast(cst.Call, block.items[0].item).with_changes(args=[cst.Arg(scope)]))
        return block.with_changes(
            items=[item],
            body=block.body.with_changes(body=[statement.with_changes(leading_lines=[])]),
            leading_lines=statement.leading_lines,
        )


def _merge_name_scopes(statements: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """Neighbouring `with tf.name_scope(s):` blocks of one scope `s` as one block."""
    out: list[cst.BaseStatement] = []
    for statement in statements:
        previous = out[-1] if out else None
        if (
            isinstance(statement, cst.With)
            and isinstance(previous, cst.With)
            and isinstance(statement.body, cst.IndentedBlock)
            and isinstance(previous.body, cst.IndentedBlock)
            and previous.items[0].deep_equals(statement.items[0])
            and not statement.leading_lines
        ):
            body = [*previous.body.body, *statement.body.body]
            out[-1] = previous.with_changes(body=previous.body.with_changes(body=body))
            continue
        out.append(statement)
    return out


def _scoped_name(plan: _Plan, name: str) -> cst.BaseExpression:
    """The full TF1 name of `name` ("fc1/W", or "fc1/" for a scope) under the scope of the
    instance: `self.scope + "/fc1/W"`, or the literal where the one call had no scope."""
    if plan.unscoped:
        return cst.SimpleString(f'"{name}"')
    return cst.parse_expression(f'self.scope + "/{name}"')


def _with_name(call: cst.Call, value: cst.BaseExpression) -> cst.Call:
    args = [a for a in call.args if not (a.keyword is not None and a.keyword.value == "name")]
    named = cst.Arg(
        value, keyword=cst.Name("name"), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
    )
    if args:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args, named])


class _Callee(cst.CSTTransformer):
    """The call of the function as a call of its instance, given the placeholders `passed`:
    (parameter, name at the call) pairs, by position, or by keyword after keyword arguments."""

    def __init__(self, call: cst.Call, instance: str, passed: Sequence[tuple[str, str]] = ()) -> None:
        self.call = call
        self.instance = instance
        self.passed = passed

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if original_node is not self.call:
            return updated_node
        args = updated_node.args
        if self.passed:
            by_keyword = any(a.keyword is not None or a.star for a in args)
            added = [_argument(value, param if by_keyword else None) for param, value in self.passed]
            args = _listed([*args, *added])
        return updated_node.with_changes(func=cst.Name(self.instance), args=args)


def _argument(value: str, keyword: str | None) -> cst.Arg:
    """`value`, or `keyword=value`."""
    if keyword is None:
        return cst.Arg(cst.Name(value))
    equal = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
    return cst.Arg(cst.Name(value), keyword=cst.Name(keyword), equal=equal)


def _without_targets(statement: cst.SimpleStatementLine, hoisted: Collection[int]) -> cst.SimpleStatementLine:
    """`y, keep_prob = f(x)` binding only what is left, the `hoisted` places gone: `y = f(x)`."""
    small = statement.body[0]
    assert isinstance(small, cst.Assign) and isinstance(small.targets[0].target, (cst.Tuple, cst.List))
    bound = small.targets[0].target
    rest = [e for i, e in enumerate(bound.elements) if i not in hoisted]
    target = cast(cst.Name, rest[0].value) if len(rest) == 1 else bound.with_changes(elements=_listed(rest))
    return statement.with_changes(body=[small.with_changes(targets=[small.targets[0].with_changes(target=target)])])
