"""Methods of a model class that open the session themselves.

Course code keeps the whole program in the class, its training loop included:

    def train(self, n_epochs):
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for epoch in range(n_epochs):
                self.train_one_epoch(sess, epoch)

    model = ConvNet()
    model.build()
    model.train(n_epochs=15)

So is a function of the module the script passes the model to (`train_model(model, batch_gen)`,
whose `with tf.Session() as sess:` reads `model.loss`). Called once, as a line of its own in the
block that builds the model and after it, such a method or function is the script's session
code written elsewhere: the model-class rule
(migrate.transforms.model_classes) reads its body in place of the call, where the session and
the methods it runs with `sess` (migrate.analysis.session_methods) take the shapes the rule
converts, and gives the call back if the program stays a session program. This module decides
which methods have that shape; anything else is declined with TFM231 and what blocks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.declined import Declined
from migrate.analysis.graph_model import Resolver
from migrate.analysis.graph_statements import opens_session
from migrate.analysis.session_methods import parameter_at, references_to, uses_of

DECLINED = "TFM231"
_RULE = "(a method or function that opens the session is read as the script's code where the script calls it once)"


@dataclass(frozen=True)
class OpenedMethod:
    """A method (or function given the model) that opens the session, and the script's one
    line that calls it."""

    function: cst.FunctionDef
    line: cst.SimpleStatementLine  # `model.train(n_epochs=15)`, `train_model(model, batch_gen)`
    call: cst.Call
    model: str  # the name it reads the model by: self, or the parameter that takes it
    method: bool  # a method of the class, not a function of the module

    @property
    def name(self) -> str:
        return self.function.name.value


def opened_methods(
    module: cst.Module, node: cst.ClassDef, instance: str, construction: cst.SimpleStatementLine, resolve: Resolver,
) -> tuple[OpenedMethod, ...]:
    """The methods of `node` and the functions of the module given its model that open a
    session, each with the line that calls it, in the order the script calls them."""
    assert isinstance(node.body, cst.IndentedBlock)
    functions = [
        s for s in node.body.body
        if isinstance(s, cst.FunctionDef) and s.name.value != "__init__" and opens_session(s, resolve)
    ]
    given = _given_model(module, node, instance, resolve)
    if not functions and not given:
        return ()
    after = _after(module, construction)
    found = [_opened_function(module, function, instance, after) for function in given]
    uses = uses_of(module, instance, {})
    for function in functions:
        name = function.name.value
        _check_not_called_inside(node, name)
        calls = [(attribute, call) for attribute, call in uses if attribute.attr.value == name]
        if len(calls) != 1:
            where = calls[1][0] if calls else function
            raise Declined(DECLINED, f"method {name} opens a session and is called {len(calls)} times {_RULE}", where)
        attribute, call = calls[0]
        line = next((s for s in after if _calls(s, call)), None)
        if call is None or not isinstance(line, cst.SimpleStatementLine):
            raise Declined(DECLINED, f"{instance}.{name}() opens a session and is not called as a line of its own "
                           f"after the model is built, in the same block {_RULE}", attribute)
        _check_body(function, "self")
        found.append(OpenedMethod(function, line, call, "self", method=True))
    return tuple(sorted(found, key=lambda method: after.index(method.line)))


def _given_model(module: cst.Module, node: cst.ClassDef, instance: str, resolve: Resolver) -> list[cst.FunctionDef]:
    """The functions of the module's own level that open a session and that a call gives the
    model (`train_model(model, ...)`)."""
    inside = {id(n) for n in syntax.nodes_of(node, cst.Name)}
    given = {
        call.func.value for call in syntax.calls_in(module)
        if isinstance(call.func, cst.Name) and any(
            isinstance(arg.value, cst.Name) and arg.value.value == instance and id(arg.value) not in inside
            for arg in call.args
        )
    }
    return [s for s in module.body
            if isinstance(s, cst.FunctionDef) and s.name.value in given and opens_session(s, resolve)]


def _opened_function(
    module: cst.Module, function: cst.FunctionDef, instance: str, after: Sequence[cst.BaseStatement]
) -> OpenedMethod:
    """`function`, given the model, called once as a line of its own after the model is built."""
    name = function.name.value
    references = [n for n in syntax.nodes_of(module, cst.Name)
                  if isinstance(n, cst.Name) and n.value == name and n is not function.name]
    calls = {id(c.func): c for c in syntax.calls_in(module)}
    if len(references) != 1 or id(references[0]) not in calls:
        where = references[1] if len(references) > 1 else function
        raise Declined(DECLINED, f"{name}, which is given {instance} and opens a session, is used "
                       f"{len(references)} times or other than by calling it {_RULE}", where)
    call = calls[id(references[0])]
    line = next((s for s in after if _calls(s, call)), None)
    if not isinstance(line, cst.SimpleStatementLine):
        raise Declined(DECLINED, f"{name}(), which is given {instance} and opens a session, is not called as a "
                       f"line of its own after the model is built, in the same block {_RULE}", call)
    parameters = {parameter_at(function, i, arg) for i, arg in enumerate(call.args)
                  if isinstance(arg.value, cst.Name) and arg.value.value == instance}
    model = parameters.pop() if len(parameters) == 1 else None
    if model is None:
        raise Declined(DECLINED, f"{name}() is given {instance} other than at one parameter of its own", call)
    _check_body(function, model)
    return OpenedMethod(function, line, call, model, method=False)


def _after(module: cst.Module, construction: cst.SimpleStatementLine) -> list[cst.BaseStatement]:
    """The statements after the construction in the block that holds it: the module's, a
    function's or the script's `if __name__ == "__main__":` block's own, the scopes whose
    sessions the session rule converts."""
    blocks: list[tuple[cst.CSTNode, Sequence[cst.BaseStatement]]] = [(module, module.body)]
    for owner in syntax.nodes_of(module, cst.FunctionDef, cst.If, cst.With, cst.For, cst.While, cst.Try):
        body = getattr(owner, "body", None)
        if isinstance(body, cst.IndentedBlock):
            blocks.append((owner, body.body))
    for owner, statements in blocks:
        at = next((i for i, s in enumerate(statements) if s is construction), None)
        if at is None:
            continue
        if not isinstance(owner, (cst.Module, cst.FunctionDef)) and not syntax.is_script_block(owner, module.body):
            raise Declined(DECLINED, "the model is built under a loop, branch or with block, where the session its "
                           "methods (or the functions given it) open would be opened too, and a session there is "
                           "not converted (the script's session code is converted at the module's level, in a "
                           "function or in its `if __name__ == \"__main__\":` block)",
                           construction)
        return list(statements[at + 1 :])
    return []


def _calls(statement: cst.BaseStatement, call: cst.Call | None) -> bool:
    """`statement` is the expression statement `call`, nothing else."""
    return (
        isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr) and statement.body[0].value is call
    )


def _check_not_called_inside(node: cst.ClassDef, name: str) -> None:
    for attribute in syntax.nodes_of(node, cst.Attribute):
        assert isinstance(attribute, cst.Attribute)
        if isinstance(attribute.value, cst.Name) and attribute.value.value == "self" and attribute.attr.value == name:
            raise Declined(DECLINED, f"method {name} opens a session and is used inside the class {_RULE}", attribute)


def _check_body(function: cst.FunctionDef, model: str) -> None:
    """The body reads as statements of the script: it returns and yields nowhere, declares no
    global names and uses the model (`model`: self or the parameter that takes it) only
    through its attributes."""
    name = function.name.value
    what = f"method {name}" if model == "self" else f"function {name}"
    if function.decorators:
        raise Declined(DECLINED, f"{what} opens a session and is decorated", function.decorators[0])
    if not isinstance(function.body, cst.IndentedBlock):
        raise Declined(DECLINED, f"{what} opens a session and is written on one line", function)
    nested = {
        id(inner) for definition in syntax.nodes_of(function.body, cst.FunctionDef, cst.Lambda, cst.ClassDef)
        for inner in syntax.nodes_of(definition, cst.Return, cst.Yield, cst.Global, cst.Nonlocal)
    }
    for inner in syntax.nodes_of(function.body, cst.Return, cst.Yield, cst.Global, cst.Nonlocal):
        if id(inner) not in nested:
            raise Declined(DECLINED, f"{what} opens a session and returns, yields or declares global names "
                           "(its body is read as the script's code)", inner)
    under_attribute = {
        id(a.value) for a in syntax.nodes_of(function.body, cst.Attribute) if isinstance(a, cst.Attribute)
    }
    if model in syntax.assigned_names(function.body):
        raise Declined(DECLINED, f"{what} opens a session and binds {model}, the model, again", function)
    for inner in references_to(function.body, model):
        if id(inner) not in under_attribute:
            raise Declined(DECLINED, f"{what} opens a session and uses {model} other than through its "
                           "attributes", inner)
