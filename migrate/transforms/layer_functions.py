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

Converted only when every name is known: each call is `target = f(...)` at module level (or
under module-level `tf.name_scope("literal")` blocks), the scope name is a string literal at each
call, no two calls or other scopes give the same name (TF1 would have numbered them), and the
variables are made by `name = tf.Variable(...)` lines at the function's own level. Anything else
is left as it was, with a TFM332 finding naming the reason. Files that stay in TF1 graph mode
keep the function: there, a variable made at the first call would be named inside the caller's
scopes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
import libcst.matchers as m

from migrate.analysis import syntax
from migrate.analysis.declined import Declined
from migrate.analysis.graph_segments import graph_generations
from migrate.analysis.graph_statements import is_variable_factory, opens_session
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform

DECLINED = "TFM332"
VARIABLE = "tf.Variable"
NAME_SCOPE = "tf.name_scope"
# Scopes and creators whose names this rule does not work out: a function using one is left.
UNTRACKED = ("tf.get_variable", "tf.variable_scope", "tf.layers", "tf.contrib", "tf.keras", "tf.compat.v1.layers")
VARIABLE_KEYWORDS = frozenset({"name", "dtype", "trainable"})


@dataclass
class _Call:
    statement: cst.SimpleStatementLine
    call: cst.Call
    prefix: str  # the module-level name scopes around the call: "dnn/"
    generation: int  # which default graph the call builds in (migrate.analysis.graph_segments)
    scope: str = ""  # the TF1 name scope of this call's variables: "dnn/hidden1"
    instance: str = ""


@dataclass
class _Plan:
    node: cst.FunctionDef
    scope_param: str | None  # the parameter naming the function's own name scope
    scope_literal: str | None  # or the literal it names
    body: list[cst.BaseStatement]  # the body without its name scope
    variables: dict[int, tuple[str, str]]  # body position -> (target, TF1 short name)
    build: list[int]  # body positions made at the first call, variables included
    calls: list[_Call] = field(default_factory=list)
    class_name: str = ""


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
    )

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = list(original_node.body)
        plans: dict[str, _Plan] = {}
        for statement in body:
            if not isinstance(statement, cst.FunctionDef) or not self._makes_variables(statement):
                continue
            if self.is_suppressed_at(statement) or opens_session(statement, self.tf_api):
                continue  # a function that runs its own graph: the sessions transform's to convert
            try:
                plans[statement.name.value] = self._plan(statement)
            except Declined as declined:
                if not is_variable_factory(statement, self.tf_api):
                    # A factory's one variable is made where each line calls it (the sessions rule).
                    self.report(declined.node or statement, f"{declined.message}; left as it is", code=DECLINED)
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
                call.instance = syntax.unique_name(re.sub(r"\W", "_", call.scope), taken)
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

    # --- which functions ------------------------------------------------------------------
    def _makes_variables(self, node: cst.FunctionDef) -> bool:
        return any(api == VARIABLE for api, _ in syntax.tf_apis_in(node, self.tf_api))

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
        statements = list(node.body.body)
        scope_param: str | None = None
        scope_literal: str | None = None
        if len(statements) == 1 and isinstance(statements[0], cst.With):
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
                statements = list(block.body.body)
        variables: dict[int, tuple[str, str]] = {}
        for position, statement in enumerate(statements):
            assigned = syntax.assigned_call(statement)
            if assigned is not None and self.tf_api(assigned[1].func) == VARIABLE:
                target, call = assigned
                variables[position] = (target, self._variable_name(call))
            elif any(api == VARIABLE for api, _ in syntax.tf_apis_in(statement, self.tf_api)):
                raise Declined(
                    DECLINED, "tf.Variable other than `name = tf.Variable(...)` at the function's level", statement
                )
            elif any(api == NAME_SCOPE for api, _ in syntax.tf_apis_in(statement, self.tf_api)):
                raise Declined(DECLINED, "a name scope around part of the function", statement)
        targets = [t for t, _ in variables.values()]
        short_names = [n for _, n in variables.values()]
        if len(set(targets)) != len(targets) or len(set(short_names)) != len(short_names):
            raise Declined(DECLINED, "two variables of one call share a Python or TF1 name", node)
        for position, statement in enumerate(statements):
            if position not in variables and set(syntax.defined_names(statement)) & set(targets):
                raise Declined(DECLINED, "a variable's Python name is bound again", statement)
        parameters = {p.name.value for p in (*params.params, *params.kwonly_params)}
        if parameters & set(targets):
            raise Declined(DECLINED, "a variable bound to a parameter's name", node)
        build = _build_positions(statements, variables)
        return _Plan(node, scope_param, scope_literal, statements, variables, build)

    def _variable_name(self, call: cst.Call) -> str:
        positional = [a for a in call.args if a.keyword is None]
        if len(positional) != 1 or positional[0].star:
            raise Declined(DECLINED, "tf.Variable with arguments other than the initial value by position", call)
        name = "Variable"
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
        generations = graph_generations(body, self.tf_api)
        for statement in body:
            self._walk([statement], "", generations[id(statement)], plans, opened, failed)
        for statement in body:
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                own = statement.name.value
                for name in sorted(set(plans) & syntax.names_in(statement.body)):
                    failed.setdefault(name, Declined(DECLINED, f"`{name}` is used inside a definition", statement))
                    if own in plans:
                        failed.setdefault(own, Declined(DECLINED, f"`{own}` calls `{name}`", statement))
        for name, plan in plans.items():
            if name in failed:
                continue
            try:
                if not plan.calls:
                    raise Declined(DECLINED, f"`{name}` makes variables but no module-level line calls it", plan.node)
                for call in plan.calls:
                    call.scope = call.prefix + self._call_scope(plan, call)
                    if not call.scope:
                        # TF1 numbered such names against every other variable of the graph.
                        raise Declined(DECLINED, "variables made outside any name scope", call.statement)
            except Declined as declined:
                failed[name] = declined
        for name, reason in sorted(failed.items()):
            self.report(reason.node or plans[name].node, f"{reason.message}; left as it is", code=DECLINED)
            del plans[name]
        opened.extend((call.generation, call.scope, call.statement) for plan in plans.values() for call in plan.calls)
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
            used = sorted(set(plans) & syntax.names_in(statement))
            assigned = syntax.assigned_call(statement)
            for name in used:
                references = [n for n in syntax.nodes_of(statement, cst.Name) if m.matches(n, m.Name(name))]
                if (
                    assigned is None
                    or len(used) != 1
                    or not m.matches(assigned[1].func, m.Name(name))
                    or len(references) != 1
                ):
                    message = f"`{name}` is used other than as `target = {name}(...)` at module level"
                    failed.setdefault(name, Declined(DECLINED, message, statement))
                elif isinstance(statement, cst.SimpleStatementLine):
                    plans[name].calls.append(_Call(statement, assigned[1], prefix, generation))

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
    for position in sorted(build):
        moved_over = range(position + 1, first) if position < first else range(first, position)
        for other in moved_over:
            if other in build:
                continue
            written = set(syntax.defined_names(statements[other]))
            if written & readers[position] or set(syntax.defined_names(statements[position])) & readers[other]:
                raise Declined(
                    DECLINED, "a variable's initial value reads a name the function changes", statements[position]
                )
    return sorted(build)


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
                made = cst.parse_statement(f'{call.instance} = {plan.class_name}("{call.scope}")\n')
                out.append(made.with_changes(leading_lines=syntax.leading_lines(statement)))
                renamed = statement.visit(_Callee(call.call, call.instance))
                assert isinstance(renamed, cst.SimpleStatementLine)
                out.append(renamed.with_changes(leading_lines=[]))
                continue
            if isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
                inner = self.block(statement.body.body)
                if inner != list(statement.body.body):
                    statement = statement.with_changes(body=statement.body.with_changes(body=inner))
            out.append(statement)
        return out

    def _class(self, plan: _Plan) -> cst.BaseStatement:
        node = plan.node
        assert isinstance(node.body, cst.IndentedBlock)
        mapping = {target: target for target, _ in plan.variables.values()}
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
                assert isinstance(statement, cst.SimpleStatementLine)
                small = statement.body[0]
                assert isinstance(small, cst.Assign) and isinstance(small.value, cst.Call)
                value = _with_name(small.value, short)
                statement = statement.with_changes(
                    body=[cst.Assign([cst.AssignTarget(cst.Attribute(cst.Name("self"), cst.Name(target)))], value)]
                )
                build.append(statement)
            elif position in plan.build:
                build.append(statement)
            else:
                rest.append(statement)
        leading = syntax.leading_lines(plan.body[min(plan.build)])
        build = [s.with_changes(leading_lines=[]) if i == 0 else s for i, s in enumerate(build)]
        build.append(cst.parse_statement("self.built = True\n"))
        guard = cst.parse_statement("if not self.built:\n    pass\n")
        assert isinstance(guard, cst.If) and isinstance(guard.body, cst.IndentedBlock)
        rest.insert(guard_at, guard.with_changes(body=guard.body.with_changes(body=build), leading_lines=leading))
        return syntax.module_class(
            plan.class_name, self.t.tf_alias(), node.params, rest,
            init_params="self, scope", init_lines=["self.scope = scope", "self.built = False"],
            leading_lines=node.leading_lines,
        )


def _with_name(call: cst.Call, short: str) -> cst.Call:
    value = cst.parse_expression(f'self.scope + "/{short}"')
    args = [a for a in call.args if not (a.keyword is not None and a.keyword.value == "name")]
    named = cst.Arg(
        value, keyword=cst.Name("name"), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
    )
    if args:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args, named])


class _Callee(cst.CSTTransformer):
    def __init__(self, call: cst.Call, instance: str) -> None:
        self.call = call
        self.instance = instance

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if original_node is self.call:
            return updated_node.with_changes(func=cst.Name(self.instance))
        return updated_node
