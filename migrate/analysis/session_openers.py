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

Called once, as a line of its own in the block that builds the model and after it, such a
method is the script's session code written inside the class: the model-class rule
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
from migrate.analysis.session_methods import uses_of

DECLINED = "TFM231"
_RULE = "(a method that opens the session is read as the script's code where the script calls it once)"


@dataclass(frozen=True)
class OpenedMethod:
    """A method that opens the session, and the script's one line that calls it."""

    function: cst.FunctionDef
    line: cst.SimpleStatementLine  # `model.train(n_epochs=15)`
    call: cst.Call

    @property
    def name(self) -> str:
        return self.function.name.value


def opened_methods(
    module: cst.Module, node: cst.ClassDef, instance: str, construction: cst.SimpleStatementLine, resolve: Resolver,
) -> tuple[OpenedMethod, ...]:
    """The methods of `node` that open a session, each with the line that calls it, in the
    order the script calls them."""
    assert isinstance(node.body, cst.IndentedBlock)
    functions = [
        s for s in node.body.body
        if isinstance(s, cst.FunctionDef) and s.name.value != "__init__" and opens_session(s, resolve)
    ]
    if not functions:
        return ()
    after = _after(module, construction)
    uses = uses_of(module, instance, {})
    found = []
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
        _check_body(function)
        found.append(OpenedMethod(function, line, call))
    return tuple(sorted(found, key=lambda method: after.index(method.line)))


def _after(module: cst.Module, construction: cst.SimpleStatementLine) -> list[cst.BaseStatement]:
    """The statements after the construction in the block that holds it: the module's or a
    function's own, the scopes whose sessions the session rule converts."""
    blocks: list[tuple[cst.CSTNode, Sequence[cst.BaseStatement]]] = [(module, module.body)]
    for owner in syntax.nodes_of(module, cst.FunctionDef, cst.If, cst.With, cst.For, cst.While, cst.Try):
        body = getattr(owner, "body", None)
        if isinstance(body, cst.IndentedBlock):
            blocks.append((owner, body.body))
    for owner, statements in blocks:
        at = next((i for i, s in enumerate(statements) if s is construction), None)
        if at is None:
            continue
        if not isinstance(owner, (cst.Module, cst.FunctionDef)):
            where = "`if __name__ == \"__main__\":`" if _is_main_guard(owner) else "a loop, branch or with block"
            raise Declined(DECLINED, f"the model is built under {where}, where the session its methods open "
                           "would be opened too, and a session there is not converted (the script's session "
                           "code is converted at the module's level or in a function)", construction)
        return list(statements[at + 1 :])
    return []


def _is_main_guard(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.If) and "__name__" in syntax.names_in(node.test)


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


def _check_body(function: cst.FunctionDef) -> None:
    """The body reads as statements of the script: it returns and yields nowhere, declares no
    global names and uses self only through its attributes."""
    name = function.name.value
    if function.decorators:
        raise Declined(DECLINED, f"method {name} opens a session and is decorated", function.decorators[0])
    if not isinstance(function.body, cst.IndentedBlock):
        raise Declined(DECLINED, f"method {name} opens a session and is written on one line", function)
    nested = {
        id(inner) for definition in syntax.nodes_of(function.body, cst.FunctionDef, cst.Lambda, cst.ClassDef)
        for inner in syntax.nodes_of(definition, cst.Return, cst.Yield, cst.Global, cst.Nonlocal)
    }
    for inner in syntax.nodes_of(function.body, cst.Return, cst.Yield, cst.Global, cst.Nonlocal):
        if id(inner) not in nested:
            raise Declined(DECLINED, f"method {name} opens a session and returns, yields or declares global names "
                           "(its body is read as the script's code)", inner)
    under_attribute = {
        id(a.value) for a in syntax.nodes_of(function.body, cst.Attribute) if isinstance(a, cst.Attribute)
    }
    for inner in syntax.nodes_of(function.body, cst.Name):
        assert isinstance(inner, cst.Name)
        if inner.value == "self" and id(inner) not in under_attribute:
            raise Declined(DECLINED, f"method {name} opens a session and uses self other than through its "
                           "attributes", inner)
