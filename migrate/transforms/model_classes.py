"""Model classes: a class whose `__init__` builds the graph becomes a `tf.Module` subclass.

TF1 code usually keeps its graph in a class (`self.input_x = tf.placeholder(...)`,
`self.loss = ...`, `self.train_op = opt.minimize(self.loss)`) that the script builds once and
runs through its attributes (`sess.run(model.loss, {model.input_x: xb})`). The rule works in two
passes around the graph rules, so that the session, variable and layer rules see the model as
the plain graph program it is, and everything they know applies to it unchanged:

* `ModelClasses` (before them) replaces the construction `model = Model(args)` by the body of
  `__init__` with `self.a` and `model.a` read as one module-level name, the constructor's
  arguments bound to its parameters first, between two marker calls, and the class by a third
  marker;
* `ModelClassesFold` (after them, in migrate.transforms.model_class_fold) puts the class back.
  Where the file was converted, it becomes a `tf.Module` subclass whose `__init__` keeps what
  the program kept out of its functions (variables with their TF1 names, Keras layers,
  optimizers) and whose methods are the generated `tf.function`s that read them; the script
  calls `model.train_step(xb, yb)`. Where the file stays a session program, the class and the
  construction come back as they were. What the first pass hands to the second is in
  migrate.analysis.model_markers.

A method that opens the session itself (`model.train(n_epochs=15)`), or a function of the module
given the model that does (`train_model(model, batch_gen)`), is the script's session code
written elsewhere (migrate.analysis.session_openers): before the model is flattened, its body is
read in place of the script's call, between markers that give the call back with the class.

The markers never reach the output: the fold pass runs whenever the flattening one did (its
`REQUIRES`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from migrate.analysis import constant_branches, syntax
from migrate.analysis.constant_branches import TakenBranches
from migrate.analysis.declined import Declined
from migrate.analysis.graph_model import DEFAULT_SESSION_API, GLOBAL_STEP_GETTERS, Resolver
from migrate.analysis.graph_statements import makes_global_step
from migrate.analysis.model_markers import (
    MARKER,
    RECORDS,
    ModelRecord,
    first_with_lines,
    model_tokens,
    region_of,
    with_twin_note,
)
from migrate.analysis.model_twins import Twin, check_twin, twin_statement
from migrate.analysis.session_methods import ServedMethod, candidates, receivers, served_methods
from migrate.analysis.session_openers import OpenedMethod, opened_methods
from migrate.transforms.base import Example, MigrationTransform

CONVERTED = "TFM230"
DECLINED = "TFM231"
SESSION_APIS = frozenset({"tf.Session", "tf.InteractiveSession", "tf.placeholder", "tf.placeholder_with_default"})


_TOKENS = itertools.count()
_MOST_RECORDS = 256

EXAMPLE_BEFORE = (
    "import tensorflow as tf\n"
    "\n"
    "\n"
    "class Model(object):\n"
    "    def __init__(self, scale):\n"
    "        self.x = tf.placeholder(tf.float32, [None])\n"
    "        self.y = self.x * scale\n"
    "\n"
    "\n"
    "model = Model(2.0)\n"
    "with tf.Session() as sess:\n"
    "    print(sess.run(model.y, feed_dict={model.x: [1.0, 2.0]}))\n"
)


# The converted class of the rule's examples: they differ in the script below it.
_EXAMPLE_CLASS_AFTER = (
    "import tensorflow as tf\n"
    "\n"
    "\n"
    "class Model(tf.Module):\n"
    "    def __init__(self, scale):\n"
    "        super().__init__()\n"
    "        self.scale = scale\n"
    "\n"
    "    @tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])\n"
    "    def compute_y(self, x):\n"
    "        y = x * self.scale\n"
    "        return y\n"
    "\n"
    "\n"
)


class ModelClasses(MigrationTransform):
    CODE = CONVERTED
    LEAVES_GRAPH_MODE = True
    DESCRIPTION = "a class whose __init__ builds the graph becomes a tf.Module with tf.function methods"
    FINDINGS: ClassVar[dict[str, str]] = {
        DECLINED: "a model class not converted (its shape, its construction or its uses): left as it is",
    }
    DECLINE_FINDINGS = frozenset({DECLINED})
    TRIGGERS = ("class ",)
    REQUIRES = ("TFM201", "TFM233")
    _source: cst.Module | None = None  # the module as this pass received it
    EXAMPLES = (
        Example(
            name="model-class",
            select=("TFM201", "TFM233"),
            before=EXAMPLE_BEFORE,
            after=_EXAMPLE_CLASS_AFTER + "model = Model(2.0)\nprint(model.compute_y([1.0, 2.0]).numpy())\n",
        ),
        Example(
            name="built-twice",
            select=("TFM201", "TFM233"),
            before=EXAMPLE_BEFORE + "other = Model(3.0)\n",
        ),
        Example(
            name="method-opens-the-session",
            select=("TFM201", "TFM233"),
            before=(
                "import tensorflow as tf\n"
                "\n"
                "\n"
                "class Model(object):\n"
                "    def __init__(self, scale):\n"
                "        self.x = tf.placeholder(tf.float32, [None])\n"
                "        self.y = self.x * scale\n"
                "\n"
                "    def show(self, values):\n"
                "        with tf.Session() as sess:\n"
                "            print(sess.run(self.y, feed_dict={self.x: values}))\n"
                "\n"
                "\n"
                "model = Model(2.0)\n"
                "model.show([1.0, 2.0])\n"
            ),
            after=_EXAMPLE_CLASS_AFTER
            + "model = Model(2.0)\nvalues = [1.0, 2.0]\nprint(model.compute_y(values).numpy())\n",
        ),
    )

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if "Session" not in syntax.names_in(original_node) and not any(
            self.tf_api(call.func) in SESSION_APIS for call in syntax.calls_in(original_node)
        ):
            return updated_node
        module = original_node
        self._source = original_node
        converted: list[cst.ClassDef] = []
        running: list[str] = []  # classes left as they are whose methods run the session
        classes = {s.name.value: s for s in original_node.body if isinstance(s, cst.ClassDef)}
        if len(RECORDS) > _MOST_RECORDS:
            RECORDS.clear()
        for name, original_class in classes.items():
            # Each class is flattened into the program the classes before it left, so that its
            # names are taken apart from theirs and the script's calls of their methods are
            # already the generated functions.
            statement = next(s for s in module.body if isinstance(s, cst.ClassDef) and s.name.value == name)
            try:
                if converted:
                    # What declines the class by itself declines it at the input's nodes.
                    alone = self._flatten(original_node, original_class, [])
                    if alone is not None:
                        RECORDS.pop(next(reversed(RECORDS)))
                flattened = self._flatten(module, statement, [RECORDS[t] for t in model_tokens(module)])
            except Declined as declined:
                where = declined.node or statement
                if converted and self.pass_analysis().start(where) is None:
                    # The program the classes before it left is a copy of the input's nodes.
                    where = _counterpart(module, original_node, statement, original_class, where) or original_class
                self.report(where, f"model class {name}: {declined.message}", code=DECLINED)
                if candidates(statement, self.tf_api):
                    running.append(name)
                continue
            if flattened is not None:
                module = module.with_changes(body=flattened)
                converted.append(original_class)
        if not converted:
            return updated_node
        if running:
            # Their runs keep the script a session program, which gives the models back as they were.
            for statement in converted:
                self.report(statement, f"model class {statement.name.value}: {running[0]}, whose methods run "
                            "the session, is not converted; left as it is", code=DECLINED)
            return updated_node
        return updated_node.with_changes(body=module.body)

    # --- which classes, and how they are used ------------------------------------------------
    def _flatten(
        self, module: cst.Module, node: cst.ClassDef, before: Sequence[ModelRecord]
    ) -> list[cst.BaseStatement] | None:
        """`module` with the model of `node` flattened; `before`, the models already flattened
        in it, share the script's session, global step and initialization with it."""
        init = next(
            (s for s in node.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None
        )
        if init is None or not (self._builds_graph(init) or any(
            self._builds_graph(s) for s in node.body.body if isinstance(s, cst.FunctionDef)
        )):
            return None
        # A class this file does not build is another file's to convert (or to decline).
        construction, instance, twins = _construction(module, node, self.tf_api)
        if construction is None:
            return None
        _check_bases(node)
        _check_apart(module, node, construction, instance, before)
        opened = opened_methods(module, node, instance, construction, self.tf_api)
        if not opened:
            return self._flatten_model(module, node, node, init, construction, instance, before, (), None, twins)
        if twins:
            raise Declined(DECLINED, f"it is built again ({twins[0].instance}) and its methods open the session",
                           twins[0].line)
        for method in opened:
            _check_scope(module, method.function, construction)
        token = _token(node)
        origin: dict[int, tuple[cst.CSTNode, cst.CSTNode]] = {}
        open_module, open_node = _open(module, node, instance, construction, opened, token, origin)
        try:
            return self._flatten_model(
                open_module, open_node, node, init, construction, instance, before, opened, token
            )
        except Declined as declined:
            # Findings are placed where the input wrote what the opened methods' bodies copied.
            where = declined.node
            while where is not None and id(where) in origin:
                where = origin[id(where)][1]
            raise Declined(declined.code, declined.message, node if where is open_node else where) from None

    def _flatten_model(
        self, module: cst.Module, node: cst.ClassDef, original: cst.ClassDef, init: cst.FunctionDef,
        construction: cst.SimpleStatementLine, instance: str, before: Sequence[ModelRecord],
        opened: Sequence[OpenedMethod], token: str | None, twins: Sequence[Twin] = (),
    ) -> list[cst.BaseStatement]:
        """`_flatten` once the methods `opened` that open the session are read in place of the
        script's calls (`node` is the class without them, `original` the class as written)."""
        running = candidates(node, self.tf_api)
        expansion = _Inlining(module, node, init, construction, instance, self._builds_graph, running).expand()
        call = _single_call(construction)
        assert call is not None
        arguments = _arguments(call, init)
        built = _with_global_step(module, expansion.init, construction, self)
        assert isinstance(built.body, cst.IndentedBlock)
        twin_reads = {
            twin.instance: check_twin(module, built.body.body, arguments, twin, _arguments(twin.call, init),
                                      _between(module, construction, twin.statement), self.tf_api)
            for twin in twins
        }
        # The branches the construction's literal arguments decide are the only ones it builds.
        expanded = built.with_changes(body=built.body.visit(
            TakenBranches(constant_branches.constants(arguments, built.body))))
        _check_class(node, init, expanded, expansion.inlined, self._builds_graph, running)
        attributes = _self_attributes(expanded)
        passed = receivers(module, node, instance, construction, attributes, running)
        _check_uses(module, node, instance, construction, attributes, expansion, running, passed)
        for twin in twins:
            _check_twin_uses(module, twin, twin_reads[twin.instance])
        if twins:
            _check_feeds_apart(module, {instance, *(twin.instance for twin in twins)})
        served, session = served_methods(
            module, node, instance, construction, running, attributes, self.tf_api, passed
        )
        _check_scope(module, expanded, construction)
        for method in served:
            _check_scope(module, method.function, construction)

        without_class = [s for s in module.body if s is not node]
        taken = set().union(*(syntax.names_in(s) | syntax.assigned_names(s) for s in without_class))
        taken.add(MARKER)
        # The methods that run the session become functions of the script that read the
        # model's names: those must not be the methods' own names or the globals they read.
        taken.update(*(syntax.names_in(m.function) for m in served))
        flat_functions: dict[str, ServedMethod] = {}
        for method in served:
            flat = syntax.unique_name(f"{instance}_{method.name}", taken)
            taken.add(flat)
            flat_functions[flat] = method
        flat_attributes: dict[str, str] = {}
        for attribute in attributes:
            flat = attribute if attribute not in taken else syntax.unique_name(f"{instance}_{attribute}", taken)
            taken.add(flat)
            flat_attributes[attribute] = flat
        flat_locals: dict[str, str] = {}
        for local in sorted(syntax.local_names(expanded) - {"self"}):
            flat = local if local not in taken else syntax.unique_name(f"{instance}_{local}", taken)
            taken.add(flat)
            flat_locals[local] = flat
        renamer = syntax.SelfNameSubstitution(
            {k: cst.Name(v) for k, v in flat_locals.items()}, self_attributes=flat_attributes
        )
        assert isinstance(expanded.body, cst.IndentedBlock)
        init_body = [s for s in expanded.body.body if not _is_super_init(s) and not syntax.is_docstring(s)]
        scopes = _ScopeNames(arguments, expanded, self)
        flat_body = [syntax.visit_statement(syntax.visit_statement(s, scopes), renamer) for s in init_body]
        params = tuple(flat_locals[name] for name, _ in arguments)
        scope = _variable_scope(flat_body, self)
        for other in before:
            if scope is None or other.scope is None or scope == other.scope:
                where = f"the variable scope {scope}" if scope is not None and scope == other.scope else (
                    "variables outside one tf.variable_scope of their own")
                raise Declined(DECLINED, f"it and model class {other.class_node.name.value} both build {where}: "
                               "their TF1 variable names could collide", construction)
        bindings = [cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(flat_locals[name]))], value)])
                    for name, value in arguments]

        token = token or _token(node)
        RECORDS[token] = ModelRecord(
            class_node=original,
            init=init,
            construction=construction,
            instance=instance,
            attributes={flat: attribute for attribute, flat in flat_attributes.items()},
            locals={flat: local for local, flat in flat_locals.items()},
            params=params,
            # Not the class's methods: a generated function may take a method's name.
            functions=frozenset(
                n.name.value for s in without_class for n in syntax.nodes_of(s, cst.FunctionDef)
                if isinstance(n, cst.FunctionDef)
            ),
            expanded=expanded,
            inlined=frozenset(expansion.inlined) | {method.name for method in opened if method.method},
            opened=tuple(opened),
            script_calls=expansion.script_calls,
            served=flat_functions,
            session=session,
            receivers=passed,
            scope=scope,
            shared=bool(before),
            twins=tuple(twins),
            source=self._source,
        )
        region: list[cst.BaseStatement] = [
            syntax.with_leading_lines(_marker(token, "begin"), syntax.leading_lines(construction)),
            *bindings,
            *flat_body,
            _marker(token, "end"),
            # The functions the model is passed to are still given something by that name.
            *([_marker(token, "instance", instance)] if passed else []),
            *(_script_function(flat, method, session, flat_attributes, self)
              for flat, method in flat_functions.items()),
        ]
        flattener = _Flattener(construction, region, instance, flat_attributes, expansion.script_calls,
                               {method.name: (flat, method) for flat, method in flat_functions.items()}, passed,
                               [twin.instance for twin in twins])
        twin_markers = {
            id(twin.statement): syntax.with_leading_lines(_marker(token, f"twin {index}", twin.instance),
                                                          syntax.leading_lines(twin.statement))
            for index, twin in enumerate(twins)
        }
        out = []
        for statement in module.body:
            if statement is node:
                out.append(syntax.with_leading_lines(_marker(token, "class"), syntax.leading_lines(node)))
            elif statement is construction:
                out.extend(region)
            elif id(statement) in twin_markers:
                out.append(twin_markers[id(statement)])
            elif not any(statement is c for c in expansion.script_calls):
                out.append(syntax.visit_statement(statement, flattener))
        return out

    def _builds_graph(self, node: cst.CSTNode) -> bool:
        return any(
            (api := self.tf_api(call.func)) is not None and api.startswith("tf.") for call in syntax.calls_in(node)
        )


# --- flattening ------------------------------------------------------------------------------
def _check_bases(node: cst.ClassDef) -> None:
    if node.decorators:
        raise Declined(DECLINED, "a decorated class is not converted", node.decorators[0])
    for base in node.bases:
        if base.keyword is not None or not (isinstance(base.value, cst.Name) and base.value.value == "object"):
            raise Declined(DECLINED, f"it inherits from {syntax.code_of(base.value)}", base)


def _check_apart(
    module: cst.Module, node: cst.ClassDef, construction: cst.SimpleStatementLine, instance: str,
    before: Sequence[ModelRecord],
) -> None:
    """Several models share the script, not each other's graph: the class and its construction
    read nothing a model flattened before it made, and that model's graph code and methods do
    not read this one."""
    assert isinstance(node.body, cst.IndentedBlock)
    reads = set().union(*(syntax.free_reads(s) for s in node.body.body)) | set(syntax.names_in(construction.body[0]))
    for other in before:
        own = {*other.attributes, *other.locals, *other.served, other.instance, *(t.instance for t in other.twins)}
        read = sorted(reads & own)
        if read:
            name = (f"{other.instance}.{other.attributes[read[0]]}" if read[0] in other.attributes
                    else other.locals.get(read[0], read[0]))
            raise Declined(DECLINED, f"it reads the graph of model class {other.class_node.name.value} ({name}): "
                           "models that share graph are not converted", construction)
        token = next(t for t, r in RECORDS.items() if r is other)
        functions = [s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value in other.served]
        if any(instance in syntax.names_in(s) for s in [*region_of(module, token), *functions]):
            raise Declined(DECLINED, f"the methods or graph code of model class {other.class_node.name.value} read "
                           f"{instance}, this class's model: "
                           "models that share graph are not converted", construction)


def _token(node: cst.ClassDef) -> str:
    # The token reads like the class's first line, so that findings at the marker that
    # stands for the class are placed on that line of the input.
    return f"class {node.name.value}({', '.join(syntax.code_of(b.value) for b in node.bases)}): {next(_TOKENS)}"


def _open(
    module: cst.Module, node: cst.ClassDef, instance: str, construction: cst.SimpleStatementLine,
    opened: Sequence[OpenedMethod], token: str, origin: dict[int, tuple[cst.CSTNode, cst.CSTNode]],
) -> tuple[cst.Module, cst.ClassDef]:
    """`module` with the body of each method or function `opened` in place of the script's line
    that calls it (its parameters bound to the call's arguments, its locals renamed apart, self
    or the parameter that takes the model read as the model), between two markers that give
    the line back if the program stays a session program; a marker in place of each function;
    and the class without those methods. Every other node is the input's."""
    assert isinstance(node.body, cst.IndentedBlock)
    names = {method.name for method in opened if method.method}
    open_node = node.with_changes(body=node.body.with_changes(body=[
        s for s in node.body.body if not (isinstance(s, cst.FunctionDef) and s.name.value in names)
    ]))
    # The script's names, not the locals of the functions whose bodies move into it.
    moved = [node, *(method.function for method in opened)]
    script = [s for s in module.body if not any(s is m for m in moved)]
    taken = set().union(*(syntax.names_in(s) for s in script)) | {MARKER, "self"}
    # Nor the globals the methods that stay read (a local bound at the module's level would be theirs).
    taken |= set().union(*(syntax.free_reads(s) for s in open_node.body.body if isinstance(s, cst.FunctionDef)))
    replacements: list[tuple[cst.CSTNode, Sequence[cst.CSTNode]]] = [(node, [open_node])]
    for index, method in enumerate(opened):
        function = method.function
        assert isinstance(function.body, cst.IndentedBlock)
        if method.method:
            _check_signature(function)
        else:
            replacements.append((function, [syntax.with_leading_lines(_marker(token, f"def {index}"),
                                                                      syntax.leading_lines(function))]))
        taken |= syntax.free_reads(function)
        fresh: dict[str, cst.Name] = {}
        for old in sorted(syntax.local_names(function) - {method.model}):
            # `_` stays the throwaway name the session rule knows when the script never reads it.
            kept = old == "_" and not _reads_throwaway(script)
            fresh[old] = cst.Name(old if kept else syntax.unique_name(old, taken))
            taken.add(fresh[old].value)
        renamer = _TracingRenamer({**fresh, method.model: cst.Name(instance)}, origin)
        arguments = _arguments(method.call, function) if method.method else _function_arguments(method.call, function)
        bindings = [
            cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(fresh[param].deep_clone())], argument)])
            for param, argument in arguments if param != method.model
        ]
        statements = [s for i, s in enumerate(function.body.body) if not (i == 0 and syntax.is_docstring(s))]
        replacements.append((method.line, [
            syntax.with_leading_lines(_marker(token, f"open {index}"), syntax.leading_lines(method.line)),
            *bindings,
            *(syntax.visit_statement(s, renamer) for s in statements),
            _marker(token, "closed"),
        ]))
    result = module.visit(_Replacing(module, replacements))
    assert isinstance(result, cst.Module)
    return result, open_node


def _function_arguments(call: cst.Call, function: cst.FunctionDef) -> list[tuple[str, cst.BaseExpression]]:
    """`_arguments` of a function of the module, whose parameters have no self before them."""
    receiver = cst.Param(cst.Name("self"))
    return _arguments(call, function.with_changes(params=function.params.with_changes(
        params=[receiver, *function.params.params]
    )))


def _reads_throwaway(statements: Sequence[cst.BaseStatement]) -> bool:
    """Whether `_` is read anywhere in `statements`, not only bound."""
    for statement in statements:
        stored = {
            id(name) for target in syntax.nodes_of(statement, cst.AssignTarget, cst.For, cst.CompFor, cst.WithItem)
            for name in _bound_nodes(_bound_part(target))
        }
        if any(isinstance(name, cst.Name) and name.value == "_" and id(name) not in stored
               for name in syntax.nodes_of(statement, cst.Name)):
            return True
    return False


def _bound_part(node: cst.CSTNode) -> cst.CSTNode | None:
    if isinstance(node, (cst.AssignTarget, cst.For, cst.CompFor)):
        return node.target
    if isinstance(node, cst.WithItem) and node.asname is not None:
        return node.asname.name
    return None


def _bound_nodes(target: cst.CSTNode | None) -> list[cst.Name]:
    """The names a target binds (not those it reads, as in `a[_] = ...`)."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in _bound_nodes(element.value)]
    if isinstance(target, cst.StarredElement):
        return _bound_nodes(target.value)
    return []


class _Replacing(cst.CSTTransformer):
    """Statements replaced by others, every node off their paths kept as the same object (the
    analysis that follows finds the construction and the class by identity)."""

    def __init__(self, root: cst.CSTNode, replacements: Sequence[tuple[cst.CSTNode, Sequence[cst.CSTNode]]]) -> None:
        self.replacements = {id(target): replacement for target, replacement in replacements}
        self.on_path = {id(n) for target, _ in replacements for n in _path(root, target) or []}

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self.on_path and id(node) not in self.replacements

    def on_leave(
        self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT
    ) -> cst.CSTNodeT | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNodeT]:
        replacement = self.replacements.get(id(original_node))
        if replacement is not None:
            return cst.FlattenSentinel(replacement)  # type: ignore[arg-type]
        return updated_node if id(original_node) in self.on_path else original_node


def _variable_scope(statements: Sequence[cst.BaseStatement], transform: MigrationTransform) -> str | None:
    """The literal `tf.variable_scope` every graph-building statement of `__init__` is in."""
    scopes: set[str | None] = set()
    for statement in statements:
        if not any((api := transform.tf_api(c.func)) is not None and api.startswith("tf.")
                   for c in syntax.calls_in(statement)):
            continue
        scope = None
        if isinstance(statement, cst.With) and len(statement.items) == 1:
            call = statement.items[0].item
            if (isinstance(call, cst.Call) and transform.tf_api(call.func) == "tf.variable_scope" and call.args
                    and call.args[0].keyword is None):
                scope = syntax.string_literal(call.args[0].value)
        scopes.add(scope)
    return scopes.pop() if len(scopes) == 1 else None


def _check_class(
    node: cst.ClassDef, init: cst.FunctionDef, expanded: cst.FunctionDef, inlined: Mapping[str, cst.CSTNode],
    builds_graph: Callable[[cst.CSTNode], bool], running: Collection[str],
) -> None:
    """`init` as written, `expanded` with the methods `inlined` in place of their calls; the
    methods `running` run the session (migrate.analysis.session_methods checks them)."""
    assert isinstance(node.body, cst.IndentedBlock)
    members: set[str] = set()
    for statement in node.body.body:
        if statement is init or syntax.is_docstring(statement):
            continue
        if isinstance(statement, cst.FunctionDef) and statement.name.value in inlined:
            continue
        if isinstance(statement, cst.FunctionDef) and statement.name.value in running:
            members.add(statement.name.value)
            continue
        if isinstance(statement, cst.FunctionDef):
            if builds_graph(statement):
                raise Declined(DECLINED, f"method {statement.name.value} builds graph too", statement)
            for target in syntax.nodes_of(statement, cst.AssignTarget, cst.AugAssign):
                inner = target.target if isinstance(target, (cst.AssignTarget, cst.AugAssign)) else None
                if isinstance(inner, cst.Attribute) and syntax.is_self(inner.value):
                    raise Declined(DECLINED, f"method {statement.name.value} changes an attribute", target)
            members.add(statement.name.value)
            continue
        if isinstance(statement, cst.SimpleStatementLine) and not builds_graph(statement):
            members.update(syntax.defined_names(statement))
            continue
        raise Declined(DECLINED, "its body holds more than methods and constants", statement)
    _check_signature(init)
    assert isinstance(expanded.body, cst.IndentedBlock)
    for statement in expanded.body.body:
        if _is_super_init(statement):
            continue
        for early in _own_nodes(statement, cst.Return, cst.Global, cst.Nonlocal, cst.Yield):
            raise Declined(DECLINED, "__init__ returns early, yields or declares global names", early)
        for name in _bare_self(statement):
            raise Declined(DECLINED, "__init__ uses self other than through its attributes", name)
        for attribute in syntax.nodes_of(statement, cst.Attribute):
            assert isinstance(attribute, cst.Attribute)
            if syntax.is_self(attribute.value) and attribute.attr.value in members:
                raise Declined(DECLINED, f"__init__ reads the class member {attribute.attr.value}", attribute)


def _check_signature(function: cst.FunctionDef) -> None:
    own = function.name.value
    params = function.params
    if params.star_arg is not cst.MaybeSentinel.DEFAULT and params.star_arg is not None:
        raise Declined(DECLINED, f"{own} takes *args or a keyword-only marker", function)
    if params.star_kwarg is not None or params.kwonly_params or params.posonly_params:
        raise Declined(DECLINED, f"{own} takes **kwargs or keyword-only parameters", function)
    if not params.params or params.params[0].name.value != "self":
        raise Declined(DECLINED, f"{own} has no self parameter", function)


def _own_nodes(statement: cst.BaseStatement, *types: type[cst.CSTNode]) -> list[cst.CSTNode]:
    """The nodes of `types` in a statement of a function, not in the functions it defines."""
    nested = {
        id(inner) for f in syntax.nodes_of(statement, cst.FunctionDef, cst.Lambda)
        for inner in syntax.nodes_of(f, *types)
    }
    return [n for n in syntax.nodes_of(statement, *types) if id(n) not in nested]


def _bare_self(node: cst.CSTNode) -> list[cst.Name]:
    """The `self` names of a tree that are not the object of an attribute."""
    under_attribute = {
        id(a.value) for a in syntax.nodes_of(node, cst.Attribute) if isinstance(a, cst.Attribute)
    }
    return [n for n in syntax.nodes_of(node, cst.Name)
            if isinstance(n, cst.Name) and n.value == "self" and id(n) not in under_attribute]


def _self_attributes(init: cst.FunctionDef) -> list[str]:
    """The attributes `__init__` reads or sets on self, in order of first appearance."""
    found: dict[str, None] = {}
    for attribute in syntax.nodes_of(init.body, cst.Attribute):
        assert isinstance(attribute, cst.Attribute)
        if syntax.is_self(attribute.value):
            found[attribute.attr.value] = None
    return list(found)


def _construction(
    module: cst.Module, node: cst.ClassDef, resolve: Resolver
) -> tuple[cst.SimpleStatementLine | None, str, tuple[Twin, ...]]:
    """The statement `instance = Class(...)` that builds the model, the instance name, and the
    later constructions that may reuse its variables (migrate.analysis.model_twins)."""
    name = node.name.value
    inside = {id(n) for n in syntax.nodes_of(node, cst.Name)}
    uses = [n for n in syntax.nodes_of(module, cst.Name)
            if isinstance(n, cst.Name) and n.value == name and id(n) not in inside]
    if not uses:
        return None, "", ()
    lines = [line for line in syntax.nodes_of(module, cst.SimpleStatementLine)
             if isinstance(line, cst.SimpleStatementLine) and _single_call(line) is not None]
    constructions = [line for line in lines if _constructs(line, name)]
    twins = _twins(module, constructions, resolve)
    if twins is None:
        raise Declined(DECLINED, f"it is built {len(constructions)} times (each construction makes its own "
                       "graph; built once, or again over the same variables, is converted)", constructions[1])
    if not constructions:
        return None, "", ()
    if len(constructions) != len(uses):
        stray = next(n for n in uses if not any(n in syntax.nodes_of(c, cst.Name) for c in constructions))
        raise Declined(DECLINED, "the class is used other than by one `model = Model(...)` statement", stray)
    small = constructions[0].body[0]
    assert isinstance(small, cst.Assign)
    target = small.targets[0].target
    assert isinstance(target, cst.Name)
    return constructions[0], target.value, twins


def _twins(
    module: cst.Module, constructions: Sequence[cst.SimpleStatementLine], resolve: Resolver
) -> tuple[Twin, ...] | None:
    """The constructions after the first as twins: statements of the module after it, each
    binding a name of its own; None when one is not."""
    if len(constructions) < 2:
        return ()
    body = list(module.body)
    if not any(s is constructions[0] for s in body):
        return None
    start = next(i for i, s in enumerate(body) if s is constructions[0])
    found: list[Twin] = []
    names = {_instance_name(constructions[0])}
    for line in constructions[1:]:
        index = next((i for i, s in enumerate(body) if s is line or line in syntax.nodes_of(s, type(line))), None)
        if index is None or index <= start:
            return None
        twin = twin_statement(body[index], line, _instance_name(line), resolve)
        if twin is None or twin.instance in names:
            return None
        names.add(twin.instance)
        found.append(twin)
    return tuple(found)


def _instance_name(line: cst.SimpleStatementLine) -> str:
    small = line.body[0]
    assert isinstance(small, cst.Assign) and isinstance(small.targets[0].target, cst.Name)
    return small.targets[0].target.value


def _between(module: cst.Module, first: cst.BaseStatement, last: cst.BaseStatement) -> list[cst.BaseStatement]:
    body: list[cst.BaseStatement] = list(module.body)
    start = next(i for i, s in enumerate(body) if s is first)
    end = next(i for i, s in enumerate(body) if s is last)
    return body[start + 1 : end]


def _stored_targets(module: cst.Module) -> set[int]:
    """The ids of the expressions `module` assigns, augments or deletes."""
    return {
        id(t.target) for t in syntax.nodes_of(module, cst.AssignTarget, cst.AugAssign, cst.Del)
        if isinstance(t, (cst.AssignTarget, cst.AugAssign, cst.Del))
    }


def _check_twin_uses(module: cst.Module, twin: Twin, readable: Collection[str]) -> None:
    """The twin is used only to read attributes its own construction builds as the first did."""
    attributes = {id(a.value): a for a in syntax.nodes_of(module, cst.Attribute) if isinstance(a, cst.Attribute)}
    stores = _stored_targets(module)
    small = twin.line.body[0]
    assert isinstance(small, cst.Assign)
    not_reads = {id(small.targets[0].target)}
    not_reads.update(id(a.attr) for a in attributes.values())
    not_reads.update(id(arg.keyword) for arg in syntax.nodes_of(module, cst.Arg)
                     if isinstance(arg, cst.Arg) and arg.keyword is not None)
    for name in syntax.nodes_of(module, cst.Name):
        assert isinstance(name, cst.Name)
        if name.value != twin.instance or id(name) in not_reads:
            continue
        read = attributes.get(id(name))
        if read is None:
            raise Declined(DECLINED, f"{twin.instance}, built again and read as the first model, is used "
                           "other than by reading its graph attributes", name)
        if read.attr.value not in readable:
            raise Declined(DECLINED, f"{twin.instance}.{read.attr.value} is not an attribute its construction "
                           "builds as the first model's did", read)
        if id(read) in stores:
            raise Declined(DECLINED, f"{twin.instance}.{read.attr.value} is changed after construction", read)


def _check_feeds_apart(module: cst.Module, models: Collection[str]) -> None:
    """No dict feeds the same placeholder of the model and of a twin (`{train_model.x: a,
    eval_model.x: b}`): TF1 feeds two placeholders, one model would take only the last value."""
    for node in syntax.nodes_of(module, cst.Dict):
        assert isinstance(node, cst.Dict)
        seen: dict[str, str] = {}
        for element in node.elements:
            key = element.key if isinstance(element, cst.DictElement) else None
            if not (isinstance(key, cst.Attribute) and isinstance(key.value, cst.Name) and key.value.value in models):
                continue
            other = seen.setdefault(key.attr.value, key.value.value)
            if other != key.value.value:
                raise Declined(DECLINED, f"one dict feeds {other}.{key.attr.value} and {key.value.value}."
                               f"{key.attr.value}, which are one placeholder once the twin is the model", key)


def _single_call(line: cst.SimpleStatementLine) -> cst.Call | None:
    if len(line.body) != 1:
        return None
    small = line.body[0]
    if not isinstance(small, cst.Assign) or len(small.targets) != 1:
        return None
    if not isinstance(small.targets[0].target, cst.Name):
        return None
    return small.value if isinstance(small.value, cst.Call) else None


def _constructs(line: cst.SimpleStatementLine, name: str) -> bool:
    call = _single_call(line)
    return call is not None and isinstance(call.func, cst.Name) and call.func.value == name


def _check_uses(
    module: cst.Module, node: cst.ClassDef, instance: str, construction: cst.SimpleStatementLine, attributes: list[str],
    expansion: _Expansion, running: Collection[str], passed: Mapping[str, str],
) -> None:
    """`instance` is used only to read the attributes `__init__` sets, to call the methods that
    run the session (`running`) and to be passed to the functions `passed` (their uses of it
    are checked with them, session_methods.receivers)."""
    small = construction.body[0]
    assert isinstance(small, cst.Assign)
    own_target = small.targets[0].target
    readable = set(attributes)
    as_object: dict[int, cst.Attribute] = {}
    for attribute in syntax.nodes_of(module, cst.Attribute):
        assert isinstance(attribute, cst.Attribute)
        if isinstance(attribute.value, cst.Name) and attribute.value.value == instance:
            as_object[id(attribute.value)] = attribute
    stores = _stored_targets(module)
    inside = {id(n) for n in syntax.nodes_of(node, cst.Name)}
    inside.update(id(n) for line in expansion.script_calls for n in syntax.nodes_of(line, cst.Name))
    inside.update(id(arg.value) for call in syntax.calls_in(module) for arg in call.args
                  if isinstance(call.func, cst.Name) and call.func.value in passed)
    inside.update(id(arg.keyword) for arg in syntax.nodes_of(module, cst.Arg)
                  if isinstance(arg, cst.Arg) and arg.keyword is not None)
    for function in module.body:
        if isinstance(function, cst.FunctionDef) and function.name.value in passed:
            inside.update(id(p.name) for p in function.params.params)
    for name in syntax.nodes_of(module, cst.Name):
        assert isinstance(name, cst.Name)
        if name.value != instance or name is own_target or id(name) in inside:
            continue
        read = as_object.get(id(name))
        if read is not None and read.attr.value in running:
            continue  # its calls are checked with the method (session_methods)
        if read is None:
            raise Declined(DECLINED, f"{instance} is used other than by reading the graph attributes of its "
                           "__init__ (passed on, rebound or a method called)", name)
        if read.attr.value not in readable and read.attr.value in expansion.methods:
            raise Declined(DECLINED, f"{instance}.{read.attr.value}() calls a method that is not inlined: "
                           f"{expansion.why_kept(read.attr.value)}", read)
        if read.attr.value not in readable:
            raise Declined(DECLINED, f"{instance}.{read.attr.value} is not an attribute its __init__ sets", read)
        if id(read) in stores:
            raise Declined(DECLINED, f"{instance}.{read.attr.value} is changed after construction", read)


def _check_scope(module: cst.Module, init: cst.FunctionDef, construction: cst.SimpleStatementLine) -> None:
    """`__init__`'s body (or a method that runs the session, made a function there) moves where
    the model is built: the module names it reads must not be names the functions around the
    construction bind."""
    reads = set(syntax.names_in(init.body)) - syntax.local_names(init)
    for function in syntax.nodes_of(module, cst.FunctionDef):
        assert isinstance(function, cst.FunctionDef)
        if construction not in syntax.nodes_of(function, cst.SimpleStatementLine):
            continue
        hidden = sorted(reads & syntax.local_names(function))
        if hidden:
            raise Declined(DECLINED, f"{init.name.value} reads the module's {hidden[0]}, which "
                           f"{function.name.value} binds where the model is built", construction)


def _arguments(call: cst.Call, init: cst.FunctionDef) -> list[tuple[str, cst.BaseExpression]]:
    """(parameter, value) for each parameter of `__init__` (or of a method inlined) after self,
    in the order Python evaluates them: the call's arguments, then the defaults."""
    params = list(init.params.params[1:])
    names = [p.name.value for p in params]
    given: dict[str, cst.BaseExpression] = {}
    order: list[str] = []
    own = init.name.value
    it = "it is built" if own == "__init__" else f"method {own} is called"
    for position, arg in enumerate(call.args):
        if arg.star:
            raise Declined(DECLINED, f"{it} with *args or **kwargs", arg)
        if arg.keyword is None:
            if position >= len(names):
                raise Declined(DECLINED, f"{it} with more arguments than {own} takes", arg)
            name = names[position]
        else:
            name = arg.keyword.value
            if name not in names:
                raise Declined(DECLINED, f"{own} takes no argument {name}", arg)
        given[name] = arg.value
        order.append(name)
    for param in params:
        if param.name.value in given:
            continue
        if param.default is None:
            raise Declined(DECLINED, f"argument {param.name.value} is not given", call)
        given[param.name.value] = param.default
        order.append(param.name.value)
    return [(name, given[name]) for name in order]


# --- methods inlined -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Expansion:
    """`__init__` with the methods that build the model in place of their calls."""

    init: cst.FunctionDef
    inlined: dict[str, cst.CSTNode]  # method -> the call it replaced
    script_calls: tuple[cst.SimpleStatementLine, ...]  # `model.build()` lines right after the construction
    methods: dict[str, cst.FunctionDef]
    runs_session: frozenset[str]  # methods that run a session, themselves or through those they call

    def why_kept(self, name: str) -> str:
        if name in self.runs_session:
            return "it runs a session (a method is inlined when it only builds the graph)"
        return "only a method that builds the graph, called right after the construction, is inlined"


class _Inlining:
    """The methods `__init__` calls (`self._build()`), and those the script calls on the model
    right after building it (`model = Model(); model.build()`), inlined in the order they run:
    their parameters bound to the call's arguments, their locals renamed apart, a final
    `return value` given to the call's target. A method is inlined at one call only; a method
    that builds graph and is called otherwise (twice, in a loop, conditionally, inside an
    expression, from a method that stays, after the session opened) is declined with where."""

    def __init__(
        self, module: cst.Module, node: cst.ClassDef, init: cst.FunctionDef, construction: cst.SimpleStatementLine,
        instance: str, builds_graph: Callable[[cst.CSTNode], bool], running: Collection[str] = (),
    ) -> None:
        assert isinstance(node.body, cst.IndentedBlock)
        self.module = module
        self.node = node
        self.init = init
        self.construction = construction
        self.instance = instance
        self.builds_graph = builds_graph
        self.methods = {
            s.name.value: s for s in node.body.body
            if isinstance(s, cst.FunctionDef) and s.name.value != "__init__" and s.name.value not in running
        }
        self.inlined: dict[str, cst.CSTNode] = {}
        self.assigned: set[str] = set()  # attributes set so far: `self.loss` after `self.loss = ...` is no method
        self.stack: list[str] = []
        self.origin: dict[int, tuple[cst.CSTNode, cst.CSTNode]] = {}  # renamed node -> (it, the node it renamed)
        self.init_locals = syntax.local_names(init)
        # Renamed locals must not take a name any part of the model or the script reads.
        self.taken = set().union(*(syntax.names_in(s) for s in module.body if s is not node))
        self.taken |= syntax.names_in(init) | {"self"}
        self.taken |= set().union(*(syntax.free_reads(f) for f in self.methods.values()))

    def expand(self) -> _Expansion:
        assert isinstance(self.init.body, cst.IndentedBlock)
        try:
            body = self._body(self.init.body.body)
            script_calls = self._script_calls()
            for line in script_calls:
                found = _method_call(line, self.instance)
                assert found is not None
                body.extend(self._inline(found[2], found[1], None, line, []))
        except Declined as declined:
            # Findings are placed at the line the method was written on, not its renamed copy.
            node = declined.node
            while node is not None and id(node) in self.origin:
                node = self.origin[id(node)][1]
            raise Declined(declined.code, declined.message, node) from None
        self._check_kept(script_calls)
        init = self.init.with_changes(body=self.init.body.with_changes(body=body))
        return _Expansion(init, dict(self.inlined), tuple(script_calls), self.methods,
                          frozenset(name for name in self.methods if self._runs_session(name)))

    def _reach(self, name: str) -> set[str]:
        reached = {name}
        todo = [name]
        while todo:
            for attribute in syntax.nodes_of(self.methods[todo.pop()], cst.Attribute):
                assert isinstance(attribute, cst.Attribute)
                callee = attribute.attr.value
                if syntax.is_self(attribute.value) and callee in self.methods and callee not in reached:
                    reached.add(callee)
                    todo.append(callee)
        return reached

    def _runs_session(self, name: str) -> bool:
        return any(_runs_session(self.methods[m]) for m in self._reach(name))

    def _script_calls(self) -> list[cst.SimpleStatementLine]:
        """The lines `model.build()` right after the construction, of methods that build graph."""
        for block in [self.module, *syntax.nodes_of(self.module, cst.IndentedBlock)]:
            assert isinstance(block, (cst.Module, cst.IndentedBlock))
            statements = list(block.body)
            start = next((i for i, s in enumerate(statements) if s is self.construction), None)
            if start is None:
                continue
            calls: list[cst.SimpleStatementLine] = []
            for statement in statements[start + 1 :]:
                found = _method_call(statement, self.instance)
                if found is None or found[0] is not None or found[2] not in self.methods:
                    break
                name = found[2]
                if self._runs_session(name) or not any(self.builds_graph(self.methods[m]) for m in self._reach(name)):
                    break
                if found[1].args:
                    raise Declined(DECLINED, f"{self.instance}.{name}() is called with arguments (a method the "
                                   "script calls to build the model is inlined when it takes none)", found[1])
                assert isinstance(statement, cst.SimpleStatementLine)
                calls.append(statement)
            return calls
        return []

    def _body(self, statements: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
        out: list[cst.BaseStatement] = []
        for statement in statements:
            found = _method_call(statement, "self")
            if found is not None and found[2] in self.methods and found[2] not in self.assigned:
                targets, call, name = found
                out.extend(self._inline(name, call, targets, statement, syntax.leading_lines(statement)))
                continue
            if isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
                self._check_calls(statement.items)
                inner = self._body(statement.body.body)
                out.append(statement.with_changes(body=statement.body.with_changes(body=inner)))
                continue
            self._check_calls(statement)
            self.assigned.update(syntax.self_targets(statement))
            out.append(statement)
        return out

    def _check_calls(self, node: cst.CSTNode | Sequence[cst.CSTNode]) -> None:
        """No method of the model is called where it cannot be inlined."""
        for root in node if isinstance(node, Sequence) else [node]:
            set_here = {
                id(t.target) for t in syntax.nodes_of(root, cst.AssignTarget, cst.AugAssign, cst.AnnAssign)
                if isinstance(t, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign))
            }
            for attribute in syntax.nodes_of(root, cst.Attribute):
                assert isinstance(attribute, cst.Attribute)
                name = attribute.attr.value
                if id(attribute) in set_here:
                    continue
                if syntax.is_self(attribute.value) and name in self.methods and name not in self.assigned:
                    raise Declined(DECLINED, f"method {name} is called {_context(root, attribute)}; a method is "
                                   "inlined where it is called once, as a statement, as the model is built", attribute)

    def _inline(
        self, name: str, call: cst.Call, targets: Sequence[cst.AssignTarget] | None, statement: cst.BaseStatement,
        leading: Sequence[cst.EmptyLine],
    ) -> list[cst.BaseStatement]:
        function = self.methods[name]
        if name in self.stack:
            raise Declined(DECLINED, f"method {name} calls itself", call)
        if name in self.inlined:
            raise Declined(DECLINED, f"method {name} is called more than once as the model is built "
                           "(a method called once is inlined)", call)
        if function.decorators:
            raise Declined(DECLINED, f"method {name} is decorated", function.decorators[0])
        _check_signature(function)
        if not isinstance(function.body, cst.IndentedBlock):
            raise Declined(DECLINED, f"method {name} is written on one line", function)
        arguments = _arguments(call, function)
        statements = [s for i, s in enumerate(function.body.body) if not (i == 0 and syntax.is_docstring(s))]
        value = self._check_method(function, statements, targets is not None)
        if value is not None or (statements and syntax.final_return(statements[-1]) is not None):
            statements = statements[:-1]
        local = syntax.local_names(function) - {"self"}
        hidden = sorted((syntax.free_reads(function) - {"self"}) & self.init_locals)
        if hidden:
            raise Declined(DECLINED, f"method {name} reads the module's {hidden[0]}, which __init__ binds", function)
        fresh: dict[str, cst.Name] = {}
        for old in sorted(local):
            new = syntax.unique_name(old, self.taken)
            self.taken.add(new)
            fresh[old] = cst.Name(new)
        renamer = _TracingRenamer(fresh, self.origin)
        bindings: list[cst.BaseStatement] = [
            cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(fresh[param].deep_clone())], argument)])
            for param, argument in arguments
        ]
        self.inlined[name] = call
        self.stack.append(name)
        body = self._body([syntax.visit_statement(s, renamer) for s in statements])
        self.stack.pop()
        out = [*bindings, *body]
        if value is not None:
            result = value.visit(renamer)
            assert isinstance(result, cst.BaseExpression)
            if targets is not None:
                out.append(cst.SimpleStatementLine([cst.Assign(list(targets), result)]))
                self.assigned.update(syntax.self_targets(statement))
            elif not isinstance(result, (cst.Name, cst.Attribute)):
                out.append(cst.SimpleStatementLine([cst.Expr(result)]))
        if not out:
            out.append(cst.SimpleStatementLine([cst.Pass()]))
        return first_with_lines(out, leading)

    def _check_method(
        self, function: cst.FunctionDef, statements: list[cst.BaseStatement], assigned: bool
    ) -> cst.BaseExpression | None:
        """The value a method returns at its end; it returns nowhere else."""
        name = function.name.value
        for statement in statements:
            for node in _own_nodes(statement, cst.Global, cst.Nonlocal, cst.Yield):
                raise Declined(DECLINED, f"method {name} yields or declares global names", node)
            for bare in _bare_self(statement):
                raise Declined(DECLINED, f"method {name} uses self other than through its attributes", bare)
        final = syntax.final_return(statements[-1]) if statements else None
        for index, statement in enumerate(statements):
            for early in _own_nodes(statement, cst.Return):
                if early is not final:
                    raise Declined(DECLINED, f"method {name} returns before its end", early)
        value = final.value if final is not None else None
        if assigned and value is None:
            raise Declined(DECLINED, f"the result of method {name} is used but it returns nothing", function)
        return value

    def _check_kept(self, script_calls: Sequence[cst.SimpleStatementLine]) -> None:
        """Each method inlined is called nowhere else; each other method that builds graph is
        declined at the call that keeps it."""
        consumed = {id(n) for line in script_calls for n in syntax.nodes_of(line, cst.Attribute)}
        roots: list[tuple[cst.CSTNode, str]] = [
            (f, "self") for name, f in self.methods.items() if name not in self.inlined
        ]
        roots.extend((s, self.instance) for s in self.module.body if s is not self.node)
        for name, function in self.methods.items():
            if name in self.assigned:
                continue  # read elsewhere, `self.a` is the attribute that took the method's name
            for root, receiver in roots:
                for attribute in syntax.nodes_of(root, cst.Attribute):
                    assert isinstance(attribute, cst.Attribute)
                    if (id(attribute) in consumed or attribute.attr.value != name
                            or not (isinstance(attribute.value, cst.Name) and attribute.value.value == receiver)):
                        continue
                    if name in self.inlined:
                        raise Declined(DECLINED, f"method {name} is called again {_context(root, attribute)} "
                                       "(it is inlined where the model is built)", attribute)
                    if self.builds_graph(function) and not self._runs_session(name):
                        where = _context(root, attribute)
                        if isinstance(root, cst.FunctionDef) and self._runs_session(root.name.value):
                            where += " (it runs a session)"
                        raise Declined(DECLINED, f"method {name} builds graph and is called {where}; a method is "
                                       "inlined where it is called once, as a statement, as the model is built",
                                       attribute)
            if name not in self.inlined and self.builds_graph(function) and self._runs_session(name):
                raise Declined(DECLINED, f"method {name} runs a session: a session inside the class is not "
                               "converted (methods that only build the graph are inlined)", function)
            if name not in self.inlined and self.builds_graph(function):
                raise Declined(DECLINED, f"method {name} builds graph and is not called as the model is built",
                               function)


def _method_call(
    statement: cst.BaseStatement, receiver: str
) -> tuple[Sequence[cst.AssignTarget] | None, cst.Call, str] | None:
    """`receiver.m(...)` or `target = receiver.m(...)` as a whole line: its targets, call, method."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    targets: Sequence[cst.AssignTarget] | None = None
    if isinstance(small, cst.Assign):
        targets, value = small.targets, small.value
    elif isinstance(small, cst.Expr):
        value = small.value
    else:
        return None
    if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)):
        return None
    owner = value.func.value
    if not (isinstance(owner, cst.Name) and owner.value == receiver):
        return None
    return targets, value, value.func.attr.value


def _runs_session(node: cst.CSTNode) -> bool:
    for inner in syntax.nodes_of(node, cst.Name, cst.Call):
        if isinstance(inner, cst.Name) and inner.value in ("Session", "InteractiveSession"):
            return True
        # `sess.run(...)`, `tensor.eval()`; not the model's own methods of those names.
        if (isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute)
                and inner.func.attr.value in ("run", "eval") and not syntax.is_self(inner.func.value)):
            return True
    return False


def _context(root: cst.CSTNode, node: cst.CSTNode) -> str:
    """Where `node` is called, for a finding: the first of a session, a loop, a condition, a
    method, an expression that keeps it from being inlined."""
    path = _path(root, node) or [root, node]
    for inner in path:
        if isinstance(inner, cst.With) and any(_runs_session(item.item) for item in inner.items):
            return "after the session opened"
    if any(isinstance(inner, (cst.For, cst.While, cst.CompFor)) for inner in path):
        return "in a loop"
    # The main guard without an else runs the script's code once.
    if any(isinstance(inner, (cst.If, cst.IfExp, cst.Try, cst.BooleanOperation))
           and not (syntax.is_main_guard(inner) and isinstance(inner, cst.If) and inner.orelse is None)
           for inner in path):
        return "conditionally"
    functions = [inner for inner in path if isinstance(inner, cst.FunctionDef)]
    if functions:
        return f"by {functions[0].name.value}, which is not inlined"
    line = next((inner for inner in reversed(path) if isinstance(inner, cst.SimpleStatementLine)), None)
    if line is None or _method_call(line, "self") is None and not any(
        isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and small.value.func is node
        for small in line.body
    ):
        return "inside an expression"
    return "after other statements of the script (only calls right after the construction are inlined)"


def _path(root: cst.CSTNode, node: cst.CSTNode) -> list[cst.CSTNode] | None:
    if root is node:
        return [root]
    for child in root.children:
        found = _path(child, node)
        if found is not None:
            return [root, *found]
    return None


def _counterpart(
    module: cst.Module, original: cst.Module, node: cst.ClassDef, original_node: cst.ClassDef, inner: cst.CSTNode
) -> cst.CSTNode | None:
    """The node of `original` at the place `inner` has in `module`, inside the class or its
    construction (which flattening the models before it copied unchanged)."""
    name = node.name.value
    constructions = [
        [line for line in syntax.nodes_of(tree, cst.SimpleStatementLine)
         if isinstance(line, cst.SimpleStatementLine) and _constructs(line, name)] for tree in (module, original)
    ]
    pairs: list[tuple[cst.CSTNode, cst.CSTNode]] = [(node, original_node)]
    if len(constructions[0]) == len(constructions[1]) == 1:
        pairs.append((constructions[0][0], constructions[1][0]))
    for root, counterpart in pairs:
        path = _path(root, inner)
        if path is None:
            continue
        found: cst.CSTNode = counterpart
        for parent, child in itertools.pairwise(path):
            at = next(i for i, c in enumerate(parent.children) if c is child)
            children = found.children
            if at >= len(children) or type(children[at]) is not type(child):
                return None
            found = children[at]
        return found
    return None


def _marker(token: str, role: str, target: str | None = None) -> cst.SimpleStatementLine:
    call = cst.parse_expression(f'{MARKER}("{token}", "{role}")')
    small = cst.Expr(call) if target is None else cst.Assign([cst.AssignTarget(cst.Name(target))], call)
    return cst.SimpleStatementLine([small])


def _is_super_init(statement: cst.BaseStatement) -> bool:
    """`super().__init__()` or `super(Model, self).__init__()`: nothing to do for object."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call) or small.value.args:
        return False
    func = small.value.func
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value == "__init__"
        and isinstance(func.value, cst.Call)
        and isinstance(func.value.func, cst.Name)
        and func.value.func.value == "super"
    )


class _TracingRenamer(syntax.SelfNameSubstitution):
    """A `syntax.SelfNameSubstitution` that remembers, for each node it makes, the node it was made from."""

    def __init__(
        self, mapping: Mapping[str, cst.BaseExpression], origin: dict[int, tuple[cst.CSTNode, cst.CSTNode]]
    ) -> None:
        super().__init__(mapping)
        self.origin = origin

    def on_leave(
        self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT
    ) -> cst.CSTNodeT | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNodeT]:
        result = super().on_leave(original_node, updated_node)
        if isinstance(result, cst.CSTNode) and result is not original_node:
            self.origin[id(result)] = (result, original_node)
        return result


class _Flattener(cst.CSTTransformer):
    """The construction becomes the flattened region, the script's calls of build methods go
    (their bodies are in the region); `model.a` becomes its module-level name."""

    def __init__(
        self, construction: cst.SimpleStatementLine, region: list[cst.BaseStatement], instance: str,
        flat: dict[str, str], script_calls: Sequence[cst.SimpleStatementLine],
        served: Mapping[str, tuple[str, ServedMethod]], receivers: Mapping[str, str],
        twins: Collection[str] = (),
    ) -> None:
        self.construction = construction
        self.twins = twins
        self.region = region
        self.instance = instance
        self.flat = flat
        self.script_calls = {id(line) for line in script_calls}
        self.served = served
        self.receivers = receivers
        self.names = [instance]  # the name the model goes by where the flattener is

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.names.append(self.receivers.get(node.name.value, self.names[-1]))
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.names.pop()
        return updated_node

    def _is_model(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Name) and node.value in (self.instance, self.names[-1])

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        """`model.predict(s, sess)` becomes `predict(s)`, the script's function that runs its session."""
        func = original_node.func
        if not (isinstance(func, cst.Attribute) and self._is_model(func.value) and func.attr.value in self.served):
            return updated_node
        flat, method = self.served[func.attr.value]
        return updated_node.with_changes(func=cst.Name(flat), args=_without_session(updated_node.args, method))

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if original_node is self.construction:
            return cst.FlattenSentinel(self.region)
        if id(original_node) in self.script_calls:
            return cst.RemoveFromParent()
        read = {a.value.value for a in syntax.nodes_of(original_node, cst.Attribute)
                if isinstance(a, cst.Attribute) and isinstance(a.value, cst.Name)}
        twins = sorted(read & set(self.twins))
        if len(twins) == 1 and not read & {self.instance, self.names[-1]}:
            # The line reads only the twin: the fold names the model by it there again.
            return with_twin_note(updated_node, twins[0])
        return updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        value = original_node.value
        read = self._is_model(value) or (isinstance(value, cst.Name) and value.value in self.twins)
        if read and original_node.attr.value in self.flat:
            return cst.Name(self.flat[original_node.attr.value])
        return updated_node


def _with_global_step(
    module: cst.Module, init: cst.FunctionDef, construction: cst.SimpleStatementLine, transform: MigrationTransform
) -> cst.FunctionDef:
    """`__init__` with `tf.train.get_global_step()` read as the variable the script made before
    building the model (`global_step = tf.Variable(0, name="global_step", trainable=False)`),
    the one TF1 finds there: the converted training step increments it."""
    getters = [c for c in syntax.calls_in(init) if transform.tf_api(c.func) in GLOBAL_STEP_GETTERS]
    if not getters:
        return init
    made: list[str] = []
    for block in [module, *syntax.nodes_of(module, cst.IndentedBlock)]:
        assert isinstance(block, (cst.Module, cst.IndentedBlock))
        statements = list(block.body)
        at = next((i for i, s in enumerate(statements) if s is construction), None)
        if at is None:
            continue
        for statement in statements[:at]:
            found = syntax.assigned_call(statement)
            if found is None:
                continue
            name, call = found
            if makes_global_step(call, transform.tf_api):
                made.append(name)
    if len(set(made)) != 1:
        which = "none" if not made else f"several ({', '.join(sorted(set(made)))})"
        raise Declined(DECLINED, f"__init__ reads {transform.tf_api(getters[0].func)}(), and the script makes "
                       f"{which} before building the model", getters[0])
    getter_ids = {id(c) for c in getters}

    class Substitute(cst.CSTTransformer):
        def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
            return cst.Name(made[0]) if id(original_node) in getter_ids else updated_node

    result = init.visit(Substitute())
    assert isinstance(result, cst.FunctionDef)
    return result


class _ScopeNames(cst.CSTTransformer):
    """`tf.variable_scope(scope, reuse=reuse)` with the literals the model is built with
    (`scope="policy"`, `reuse=False`; parameters never rebound): the variable and layer rules
    name variables after a literal scope and know whether it reuses them."""

    def __init__(
        self, arguments: Sequence[tuple[str, cst.BaseExpression]], init: cst.FunctionDef, transform: MigrationTransform
    ) -> None:
        rebound = syntax.assigned_names(init.body)
        self.literals = {name: value for name, value in arguments
                         if isinstance(value, cst.SimpleString) and name not in rebound}
        self.flags = {name: value for name, value in arguments if name not in rebound
                      and isinstance(value, cst.Name) and value.value in ("True", "False", "None")}
        self.t = transform

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if self.t.tf_api(original_node.func) not in ("tf.variable_scope", "tf.name_scope"):
            return updated_node
        args = list(updated_node.args)
        for index, arg in enumerate(args):
            value = arg.value
            if not isinstance(value, cst.Name):
                continue
            if index == 0 and arg.keyword is None and value.value in self.literals:
                args[index] = arg.with_changes(value=self.literals[value.value].deep_clone())
            elif arg.keyword is not None and arg.keyword.value == "reuse" and value.value in self.flags:
                args[index] = arg.with_changes(value=self.flags[value.value].deep_clone())
        return updated_node.with_changes(args=args)


def _script_function(
    flat: str, method: ServedMethod, session: str, attributes: Mapping[str, str], transform: MigrationTransform
) -> cst.FunctionDef:
    """A method that runs the session as a step function of the script: without self and its
    session parameter, `self.a` read as the model's module-level name, its runs those of the
    script's session."""
    function = method.function
    assert isinstance(function.body, cst.IndentedBlock)
    params = [p for i, p in enumerate(function.params.params[1:]) if i != method.index]
    if params:
        params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    renamer = syntax.SelfNameSubstitution({method.session: cst.Name(session)} if method.session else {},
                       self_attributes=dict(attributes))
    default = _DefaultSession(session, transform)
    body = [
        syntax.visit_statement(syntax.visit_statement(s, default), renamer)
        for s in function.body.body
        if s is not method.fill
    ]
    return function.with_changes(
        name=cst.Name(flat), params=function.params.with_changes(params=params),
        body=function.body.with_changes(body=body), leading_lines=[cst.EmptyLine(indent=False)] * 2,
    )


class _DefaultSession(cst.CSTTransformer):
    """`tf.get_default_session().run(...)` runs the script's session by its name."""

    def __init__(self, session: str, transform: MigrationTransform) -> None:
        self.session = session
        self.t = transform

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        value = original_node.value
        if original_node.attr.value == "run" and isinstance(value, cst.Call) \
                and self.t.tf_api(value.func) == DEFAULT_SESSION_API:
            return updated_node.with_changes(value=cst.Name(self.session))
        return updated_node


def _without_session(args: Sequence[cst.Arg], method: ServedMethod) -> list[cst.Arg]:
    """A call's arguments without the session it passes."""
    if method.form == "position":
        kept = [a for i, a in enumerate(args) if i != method.index]
    elif method.form == "keyword":
        params = method.function.params.params
        kept = [a for a in args if a.keyword is None or a.keyword.value != params[method.index + 1].name.value]
    else:
        return list(args)
    if kept and len(kept) < len(args) and kept[-1] is args[-2]:
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return kept
