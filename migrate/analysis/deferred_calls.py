"""Python calls that a function made into a class would run later than TF1 ran them.

A layer function made into a `tf.Module` class (TFM331, TFM308 one instance a call) runs its body
at the instance's first call, inside the first run of a generated `tf.function`, where TF1 ran it
once where the program called it, while it built the graph. TensorFlow ops, pure NumPy, `math` and
builtins compute the same values either way; Python code with state does not: a draw from the
script's NumPy generator (`rng.uniform(...)`, `np.random.randn(...)`), or a function of the
module that may make one, would draw after the numbers the script drew in between.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.graph_model import Resolver
from migrate.analysis.imports import head_name

# Builtins whose calls give the same values wherever they run.
PURE_BUILTINS = frozenset({"int", "float", "len", "min", "max", "abs", "round", "list", "tuple", "range", "sum", "zip"})
# Modules whose functions hold no state, but for `numpy.random`.
PURE_MODULES = frozenset({"numpy", "math"})


def stateful_call(
    node: cst.FunctionDef,
    statements: Sequence[cst.BaseStatement],
    resolve: Resolver,
    module_names: Mapping[str, Collection[str]],
    pure_functions: Collection[str] = (),
) -> cst.Call | None:
    """The first call among `statements` (of the function `node`) of Python code with state:
    anything but a TensorFlow API, a method of the function's own values, a builtin of
    PURE_BUILTINS, a function of `pure_functions` (the module's variable factories), or a
    function of PURE_MODULES outside `numpy.random`. `module_names` are the module's bindings
    (migrate.analysis.imports.module_bindings)."""
    local = syntax.local_names(node)
    for statement in statements:
        for call in syntax.calls_in(statement):
            head = head_name(call.func)
            if head is None or head.value in local or resolve(call.func) is not None:
                continue
            if head.value in pure_functions or (head is call.func and head.value in PURE_BUILTINS):
                continue
            modules = {path.split(".")[0] for path in module_names.get(head.value, ())}
            if modules & PURE_MODULES and not _random(call):
                continue
            return call
    return None


def pure_functions(
    body: Sequence[cst.BaseStatement], resolve: Resolver, module_names: Mapping[str, Collection[str]]
) -> frozenset[str]:
    """The module's functions that call nothing with state (`stateful_call`), counting calls of
    each other: `conv2d(x, W)` wrapping `tf.nn.conv2d`, mnist_deep.py's `weight_variable`."""
    functions = [s for s in body if isinstance(s, cst.FunctionDef)]
    pure: set[str] = set()
    grown = True
    while grown:
        grown = False
        for function in functions:
            name = function.name.value
            if name not in pure and stateful_call(function, [function], resolve, module_names, pure) is None:
                pure.add(name)
                grown = True
    return frozenset(pure)


def _random(call: cst.Call) -> bool:
    """`np.random.randn(...)`: a function of NumPy's random module, which draws from its state."""
    owner = call.func.value if isinstance(call.func, cst.Attribute) else None
    return isinstance(owner, cst.Attribute) and owner.attr.value == "random"
