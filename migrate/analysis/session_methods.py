"""Methods of a model class that run the session they are given.

Reinforcement-learning tutorials keep each estimator's graph in a class whose methods run it:

    def predict(self, state, sess=None):
        sess = sess or tf.get_default_session()
        return sess.run(self.action_probs, {self.state: state})

Such a method is a step function of the script that builds the model, written inside the
class: its runs are runs of the script's one session (the one it is given, or the default one
the script's `with tf.Session() as sess:` makes). This module decides which methods have that
shape and how the script calls them; the model-class rule (migrate.transforms.model_classes)
reads each as a function of the script whose runs go through the script's session, and puts it
back as a method once the runs are converted. Anything else is declined with TFM231 and what
blocks it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.constant_branches import UNKNOWN, literal_value
from migrate.analysis.declined import Declined
from migrate.analysis.graph_model import DEFAULT_SESSION_API, SESSION_APIS, Resolver
from migrate.analysis.graph_statements import opens_session

DECLINED = "TFM231"


@dataclass(frozen=True)
class ServedMethod:
    """A method that runs the session it is given, and how the script calls it."""

    function: cst.FunctionDef
    session: str | None  # the parameter or local that holds the session; None: `tf.get_default_session().run`
    index: int  # position of the session parameter after self; -1 when the method takes none
    fill: cst.BaseStatement | None  # `sess = sess or tf.get_default_session()`, which goes
    form: str  # how every call passes the session: "position", "keyword" or "none"

    @property
    def name(self) -> str:
        return self.function.name.value


def candidates(node: cst.ClassDef, resolve: Resolver) -> frozenset[str]:
    """The methods that run a session (`x.run(...)` on anything but self) and open none."""
    assert isinstance(node.body, cst.IndentedBlock)
    found = set()
    for statement in node.body.body:
        if not isinstance(statement, cst.FunctionDef) or statement.name.value == "__init__":
            continue
        if opens_session(statement, resolve):
            continue
        if any(_run_receiver(call) is not None for call in syntax.calls_in(statement)):
            found.add(statement.name.value)
    return frozenset(found)


def _run_receiver(call: cst.Call) -> cst.BaseExpression | None:
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "run" and not syntax.is_self(func.value):
        return func.value
    return None


def served_methods(
    module: cst.Module, node: cst.ClassDef, instance: str, construction: cst.SimpleStatementLine,
    names: Collection[str], attributes: Collection[str], resolve: Resolver, receivers: Mapping[str, str],
) -> tuple[tuple[ServedMethod, ...], str]:
    """The methods `names` with their calls checked (the script's, and those of the functions
    `receivers` through the parameter they take the model by), and the script's session."""
    if not names:
        return (), ""
    assert isinstance(node.body, cst.IndentedBlock)
    methods = {s.name.value: s for s in node.body.body if isinstance(s, cst.FunctionDef)}
    _check_not_called_inside(node, names)
    session, default = script_session(module, construction, resolve, min(names))
    unread = _unread_attributes(module, instance) | _build_flags(node, instance, module, names)
    served = []
    for name in sorted(names):
        function = methods[name]
        # An attribute __init__ sets hides the method of its name (`def loss(self): self.loss = ...`).
        own, index, fill = method_shape(function, resolve, attributes, set(methods) - set(attributes), unread)
        if session in syntax.local_names(function) - {own}:
            raise Declined(DECLINED, f"method {name} binds {session}, the name of the script's session", function)
        form = _call_form(uses_of(module, instance, receivers), instance, function, index, session)
        if form == "none" and not default:
            raise Declined(DECLINED, f"method {name} runs the default session, and the script's session "
                           f"{session} is not made the default (`with tf.Session() as {session}:`)", function)
        served.append(ServedMethod(function, own, index, fill, form))
    return tuple(served), session


def _check_not_called_inside(node: cst.ClassDef, names: Collection[str]) -> None:
    for attribute in syntax.nodes_of(node, cst.Attribute):
        assert isinstance(attribute, cst.Attribute)
        if syntax.is_self(attribute.value) and attribute.attr.value in names:
            raise Declined(DECLINED, f"method {attribute.attr.value} runs the session and is called inside the "
                           "class (a method that runs the session is converted where the script calls it)", attribute)


def _unread_attributes(module: cst.Module, instance: str) -> frozenset[str]:
    """The attributes of the model only ever assigned: read as `self.a` nowhere in the file, nor
    as `instance.a` (a flag such as `self.training = False` the built graph never saw)."""
    stored = {
        id(t.target) for t in syntax.nodes_of(module, cst.AssignTarget) if isinstance(t, cst.AssignTarget)
    }
    assigned: set[str] = set()
    read: set[str] = set()
    for attribute in syntax.nodes_of(module, cst.Attribute):
        assert isinstance(attribute, cst.Attribute)
        if not (isinstance(attribute.value, cst.Name) and attribute.value.value in ("self", instance)):
            continue
        (assigned if id(attribute) in stored else read).add(attribute.attr.value)
    return frozenset(assigned - read)


def _build_flags(node: cst.ClassDef, instance: str, module: cst.Module, served: Collection[str]) -> frozenset[str]:
    """Attributes the graph read only while it was built, as `__init__` set them to a literal
    (`self.training = False` read by `tf.layers.dropout(..., training=self.training)`): set
    again only by methods that run the session, which the built graph never sees, and read by
    neither those methods nor the script."""
    assert isinstance(node.body, cst.IndentedBlock)
    methods = {s.name.value: s for s in node.body.body if isinstance(s, cst.FunctionDef)}
    init = methods.get("__init__")
    if init is None or not isinstance(init.body, cst.IndentedBlock):
        return frozenset()
    literal = {
        assigned[0] for statement in init.body.body
        if (assigned := _self_assignment(statement)) is not None and literal_value(assigned[1]) is not UNKNOWN
    }
    stored = {id(t.target) for t in syntax.nodes_of(module, cst.AssignTarget) if isinstance(t, cst.AssignTarget)}
    init_stores: dict[str, int] = {}
    flags = set(literal)
    for attribute in syntax.nodes_of(module, cst.Attribute):
        assert isinstance(attribute, cst.Attribute)
        name = attribute.attr.value
        if name not in flags or not isinstance(attribute.value, cst.Name):
            continue
        owner = _method_around(methods, attribute)
        if attribute.value.value == instance and owner is None:
            flags.discard(name)  # the script reads or sets it
        elif attribute.value.value != "self" or owner is None:
            continue
        elif id(attribute) in stored:
            init_stores[name] = init_stores.get(name, 0) + (owner == "__init__")
            if owner != "__init__" and owner not in served:
                flags.discard(name)  # set while the graph is built
        elif owner in served:
            flags.discard(name)  # read while the session runs: the new value counts there
    return frozenset(name for name in flags if init_stores.get(name) == 1)


def _self_assignment(statement: cst.BaseStatement) -> tuple[str, cst.BaseExpression] | None:
    """(attribute, value) for a statement line `self.attribute = value`."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, cst.Assign) or len(small.targets) != 1:
        return None
    target = small.targets[0].target
    if isinstance(target, cst.Attribute) and syntax.is_self(target.value):
        return target.attr.value, small.value
    return None


def _method_around(methods: Mapping[str, cst.FunctionDef], node: cst.CSTNode) -> str | None:
    for name, method in methods.items():
        if any(inner is node for inner in syntax.nodes_of(method, cst.Attribute)):
            return name
    return None


def method_shape(
    function: cst.FunctionDef, resolve: Resolver, attributes: Collection[str], methods: Collection[str],
    unread: Collection[str] = (),
) -> tuple[str | None, int, cst.BaseStatement | None]:
    """The session a method runs (its parameter or local), that parameter's position after self
    (-1: none) and the line that fills it from the default session. Its body may assign the
    attributes in `unread` (read nowhere), and no other."""
    name = function.name.value
    if function.decorators:
        raise Declined(DECLINED, f"method {name} runs the session and is decorated", function.decorators[0])
    params = function.params
    if (params.star_arg is not cst.MaybeSentinel.DEFAULT and params.star_arg is not None) or params.star_kwarg \
            or params.kwonly_params or params.posonly_params:
        raise Declined(DECLINED, f"method {name} takes *args, **kwargs or keyword-only parameters", function)
    if not params.params or params.params[0].name.value != "self" or not isinstance(function.body, cst.IndentedBlock):
        raise Declined(DECLINED, f"method {name} has no self parameter or is written on one line", function)
    positional = [p.name.value for p in params.params[1:]]
    statements = list(function.body.body)
    session, fill = _fill(statements, positional, resolve)
    for call in syntax.calls_in(function):
        receiver = _run_receiver(call)
        if receiver is None:
            if isinstance(call.func, cst.Attribute) and call.func.attr.value == "eval":
                raise Declined(DECLINED, f"method {name} runs the graph by {syntax.code_of(call.func)}() (a method "
                               "that runs the session it is given, `sess.run(...)`, is converted)", call)
            api = resolve(call.func)
            if api is not None and api.startswith("tf.") and api != DEFAULT_SESSION_API:
                raise Declined(DECLINED, f"method {name} runs the session and builds graph of its own ({api}), "
                               "which TF1 added to the graph at each call", call)
            continue
        if isinstance(receiver, cst.Call) and resolve(receiver.func) == DEFAULT_SESSION_API:
            continue
        if session is None and isinstance(receiver, cst.Name) and receiver.value in positional:
            session = receiver.value
        if not (isinstance(receiver, cst.Name) and receiver.value == session):
            raise Declined(DECLINED, f"method {name} runs {syntax.code_of(receiver)}, not the session it is given",
                           call)
    _check_body(function, [s for s in statements if s is not fill], session, attributes, methods, unread)
    index = positional.index(session) if session in positional else -1
    return session, index, fill


def _fill(
    statements: Sequence[cst.BaseStatement], positional: Sequence[str], resolve: Resolver
) -> tuple[str | None, cst.BaseStatement | None]:
    """`sess = sess or tf.get_default_session()` (or `sess = tf.get_default_session()`) as the
    method's first line after its docstring."""
    for statement in statements[:2]:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)):
            continue
        target = small.targets[0].target.value
        value = small.value
        if isinstance(value, cst.BooleanOperation) and isinstance(value.operator, cst.Or) \
                and isinstance(value.left, cst.Name) and value.left.value == target and target in positional:
            value = value.right
        elif target in positional:
            continue
        if isinstance(value, cst.Call) and not value.args and resolve(value.func) == DEFAULT_SESSION_API:
            return target, statement
    return None, None


def _check_body(
    function: cst.FunctionDef, statements: Sequence[cst.BaseStatement], session: str | None,
    attributes: Collection[str], methods: Collection[str], unread: Collection[str],
) -> None:
    name = function.name.value
    body = cst.IndentedBlock(body=list(statements))
    for inner in syntax.nodes_of(body, cst.FunctionDef, cst.ClassDef, cst.Global, cst.Nonlocal, cst.Yield):
        raise Declined(DECLINED, f"method {name} runs the session and defines functions, yields or declares "
                       "global names", inner)
    receivers = {id(r) for call in syntax.calls_in(body) if (r := _run_receiver(call)) is not None}
    receivers |= _saver_sessions(function, body, session)
    under_attribute: dict[int, cst.Attribute] = {}
    for attribute in syntax.nodes_of(body, cst.Attribute):
        assert isinstance(attribute, cst.Attribute)
        under_attribute[id(attribute.value)] = attribute
    stores = {
        id(t.target) for t in syntax.nodes_of(body, cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)
        if isinstance(t, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del))
    }
    for inner in syntax.nodes_of(body, cst.Name):
        assert isinstance(inner, cst.Name)
        if inner.value == session and id(inner) not in receivers:
            raise Declined(DECLINED, f"method {name} uses its session {session} other than to run it", inner)
        if inner.value != "self":
            continue
        read = under_attribute.get(id(inner))
        if read is None:
            raise Declined(DECLINED, f"method {name} uses self other than through its attributes", inner)
        if read.attr.value in methods:
            raise Declined(DECLINED, f"method {name} calls method {read.attr.value}", read)
        if read.attr.value not in attributes:
            raise Declined(DECLINED, f"method {name} reads self.{read.attr.value}, which __init__ does not set", read)
        if id(read) in stores and read.attr.value not in unread:
            raise Declined(DECLINED, f"method {name} changes self.{read.attr.value}", read)


def _saver_sessions(function: cst.FunctionDef, body: cst.CSTNode, session: str | None) -> set[int]:
    """The session handed to a Saver the method is given (`saver.save(sess, path, step)`,
    `saver.restore(sess, path)`): the checkpoints rule (TFM501) converts those calls with the
    Saver the script makes; a Saver it leaves keeps the program a session program (TFM216)."""
    parameters = {p.name.value for p in function.params.params[1:]} - {session}
    found = set()
    for call in syntax.calls_in(body):
        func = call.func
        if (
            isinstance(func, cst.Attribute) and func.attr.value in ("save", "restore")
            and isinstance(func.value, cst.Name) and func.value.value in parameters
            and call.args and call.args[0].keyword is None
            and isinstance(call.args[0].value, cst.Name) and call.args[0].value.value == session
        ):
            found.add(id(call.args[0].value))
    return found


def script_session(
    module: cst.Module, construction: cst.SimpleStatementLine, resolve: Resolver, method: str
) -> tuple[str, bool]:
    """The one session the scope that builds the model opens, and whether it is the default
    session where it is open (`with tf.Session() as sess:`, an InteractiveSession)."""
    scope: cst.CSTNode = module
    where = "the script"
    for function in syntax.nodes_of(module, cst.FunctionDef):
        assert isinstance(function, cst.FunctionDef)
        if any(line is construction for line in syntax.nodes_of(function, cst.SimpleStatementLine)):
            scope = function  # the innermost: nodes_of lists outer functions first
            where = f"{function.name.value}, which builds the model,"
    nested = {
        id(inner) for definition in syntax.nodes_of(scope, cst.FunctionDef, cst.ClassDef, cst.Lambda)
        if definition is not scope for inner in syntax.nodes_of(definition, cst.With, cst.Assign)
    }
    opened: dict[str, bool] = {}
    defaults: set[str] = set()
    for inner in syntax.nodes_of(scope, cst.With, cst.Assign):
        if id(inner) in nested:
            continue
        if isinstance(inner, cst.With):
            for item in inner.items:
                call = item.item
                if not isinstance(call, cst.Call):
                    continue
                if resolve(call.func) in SESSION_APIS and item.asname is not None \
                        and isinstance(item.asname.name, cst.Name):
                    opened[item.asname.name.value] = True
                elif isinstance(call.func, cst.Attribute) and call.func.attr.value == "as_default" \
                        and isinstance(call.func.value, cst.Name):
                    defaults.add(call.func.value.value)
        elif isinstance(inner, cst.Assign) and isinstance(inner.value, cst.Call) \
                and resolve(inner.value.func) in SESSION_APIS:
            for target in inner.targets:
                if isinstance(target.target, cst.Name):
                    opened[target.target.value] = resolve(inner.value.func) == "tf.InteractiveSession"
    if len(opened) != 1:
        which = f"several ({', '.join(sorted(opened))})" if opened else "none by a name"
        raise Declined(DECLINED, f"method {method} runs the session, and {where} opens {which}", construction)
    (name, default), = opened.items()
    return name, default or name in defaults


def uses_of(
    module: cst.Module, instance: str, receivers: Mapping[str, str]
) -> list[tuple[cst.Attribute, cst.Call | None]]:
    """Each `instance.a` of the module and `model.a` of a function that takes the model as its
    parameter `model` (`receivers`: function -> parameter), with the call it is the callee of."""
    calls = {id(c.func): c for c in syntax.calls_in(module)}
    functions = [s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value in receivers]
    scopes: list[tuple[cst.CSTNode, str]] = [(module, instance)]
    scopes.extend((f, receivers[f.name.value]) for f in functions if receivers[f.name.value] != instance)
    found = []
    for scope, name in scopes:
        for attribute in syntax.nodes_of(scope, cst.Attribute):
            assert isinstance(attribute, cst.Attribute)
            if isinstance(attribute.value, cst.Name) and attribute.value.value == name:
                found.append((attribute, calls.get(id(attribute))))
    return found


def _call_form(
    uses: Sequence[tuple[cst.Attribute, cst.Call | None]], instance: str, function: cst.FunctionDef, index: int,
    session: str,
) -> str:
    """How each call `instance.method(...)` passes the session: at `index`, by keyword or not at
    all; the same way at every call, the script's session, and the method used by no other means."""
    name = function.name.value
    params = function.params.params[1:]
    parameter = params[index] if index >= 0 else None
    forms: set[str] = set()
    for attribute, call in uses:
        if attribute.attr.value != name:
            continue
        if call is None:
            raise Declined(DECLINED, f"{instance}.{name} is used other than by calling it", attribute)
        if any(arg.star for arg in call.args):
            raise Declined(DECLINED, f"{instance}.{name}() is called with *args or **kwargs", call)
        positional = [arg for arg in call.args if arg.keyword is None]
        if len(positional) > len(params):
            raise Declined(DECLINED, f"{instance}.{name}() is called with more arguments than it takes", call)
        given: cst.Arg | None = None
        form = "none"
        if parameter is not None and index < len(positional):
            given, form = positional[index], "position"
        elif parameter is not None:
            given = next((a for a in call.args if a.keyword is not None and a.keyword.value == parameter.name.value),
                         None)
            form = "none" if given is None else "keyword"
        if parameter is not None and given is None and parameter.default is None:
            raise Declined(DECLINED, f"{instance}.{name}() is called without its session", call)
        if given is not None and not (isinstance(given.value, cst.Name) and given.value.value == session):
            raise Declined(DECLINED, f"{instance}.{name}() is given {syntax.code_of(given.value)}, not the "
                           f"script's session {session}", given)
        forms.add(form)
    if len(forms) > 1:
        raise Declined(DECLINED, f"the calls of {instance}.{name}() pass the session in different ways "
                       f"({', '.join(sorted(forms))})", function)
    return forms.pop() if forms else "none"


def receivers(
    module: cst.Module, node: cst.ClassDef, instance: str, construction: cst.SimpleStatementLine,
    attributes: Collection[str], methods: Collection[str],
) -> dict[str, str]:
    """The functions the script passes the model to (`actor_critic(env, policy_estimator, 300)`),
    each with the parameter that takes it: a function of the module's own level, given the model
    at the same parameter by every call, that reads the attributes `__init__` sets and calls the
    `methods` that run the session through that parameter and uses it no other way."""
    inside = {id(n) for n in syntax.nodes_of(node, cst.Name)}
    definitions = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}
    found: dict[str, str] = {}
    for call in syntax.calls_in(module):
        for position, arg in enumerate(call.args):
            if not (isinstance(arg.value, cst.Name) and arg.value.value == instance) or id(arg.value) in inside:
                continue
            what = f"{instance} is passed to {syntax.code_of(call.func)}()"
            function = definitions.get(call.func.value) if isinstance(call.func, cst.Name) else None
            if function is None:
                raise Declined(DECLINED, f"{what}, which is not a function of the module's own level", arg.value)
            if not any(s is construction for s in module.body):
                raise Declined(DECLINED, f"{what}, and the model is not built at the module's own level", arg.value)
            parameter = parameter_at(function, position, arg)
            if parameter is None:
                raise Declined(DECLINED, f"{what} through *args, **kwargs or a keyword-only parameter", arg.value)
            if found.setdefault(function.name.value, parameter) != parameter:
                raise Declined(DECLINED, f"{what} at different parameters", arg.value)
    for name, parameter in found.items():
        _check_receiver(module, definitions[name], parameter, instance, attributes, methods)
    return found


def parameter_at(function: cst.FunctionDef, position: int, arg: cst.Arg) -> str | None:
    params = function.params
    if arg.star or params.star_arg not in (cst.MaybeSentinel.DEFAULT, None) or params.star_kwarg \
            or params.kwonly_params or params.posonly_params:
        return None
    names = [p.name.value for p in params.params]
    if arg.keyword is not None:
        return arg.keyword.value if arg.keyword.value in names else None
    return names[position] if position < len(names) else None


def _check_receiver(
    module: cst.Module, function: cst.FunctionDef, parameter: str, instance: str, attributes: Collection[str],
    methods: Collection[str],
) -> None:
    """Every call of `function` gives it the model as `parameter`, which it uses only to read the
    model's attributes and call its methods that run the session."""
    name = function.name.value
    calls = {id(c.func): c for c in syntax.calls_in(module)}
    for use in references_to(module, name):
        if use is function.name:
            continue
        call = calls.get(id(use))
        if call is None:
            raise Declined(DECLINED, f"{name}, which takes {instance}, is used other than by calling it", use)
        given = [a.value for i, a in enumerate(call.args) if parameter_at(function, i, a) == parameter]
        if not (len(given) == 1 and isinstance(given[0], cst.Name) and given[0].value == instance):
            raise Declined(DECLINED, f"a call of {name} gives its parameter {parameter} something other than "
                           f"{instance}", call)
    nested = [n for n in syntax.nodes_of(function.body, cst.FunctionDef, cst.Lambda, cst.ClassDef)]
    if any(parameter in syntax.names_in(n) for n in nested):
        raise Declined(DECLINED, f"{name} reads its parameter {parameter}, the model, in a function of its own",
                       nested[0])
    if parameter != instance and instance in syntax.local_names(function):
        raise Declined(DECLINED, f"{name} binds {instance}, the script's name of the model", function)
    if parameter in syntax.assigned_names(function.body):
        raise Declined(DECLINED, f"{name} binds its parameter {parameter}, the model, again", function)
    objects = {id(a.value): a for a in syntax.nodes_of(function.body, cst.Attribute) if isinstance(a, cst.Attribute)}
    calls_of = {id(c.func) for c in syntax.calls_in(function.body)}
    stores = {
        id(t.target) for t in syntax.nodes_of(function.body, cst.AssignTarget, cst.AugAssign, cst.Del)
        if isinstance(t, (cst.AssignTarget, cst.AugAssign, cst.Del))
    }
    for reference in references_to(function.body, parameter):
        read = objects.get(id(reference))
        if read is not None and id(read) not in stores and (
            read.attr.value in attributes or read.attr.value in methods and id(read) in calls_of
        ):
            continue
        raise Declined(DECLINED, f"{name} uses its parameter {parameter}, the model, other than to read its "
                       "attributes and call its methods that run the session", reference)


def references_to(tree: cst.CSTNode, name: str) -> list[cst.Name]:
    """The Name nodes that refer to `name` as a variable (not attribute or keyword names)."""
    attrs = {id(a.attr) for a in syntax.nodes_of(tree, cst.Attribute) if isinstance(a, cst.Attribute)}
    keywords = {id(a.keyword) for a in syntax.nodes_of(tree, cst.Arg) if isinstance(a, cst.Arg) and a.keyword}
    return [n for n in syntax.nodes_of(tree, cst.Name)
            if isinstance(n, cst.Name) and n.value == name and id(n) not in attrs and id(n) not in keywords]
