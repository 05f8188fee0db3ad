"""TFM301: variable scopes, `get_variable` and variable sharing become plain TF 2 variables.

`tf.get_variable("w", shape, initializer=...)` inside `with tf.variable_scope("a"):` becomes
`tf.Variable(<initial value>, name="a/w")`: created once, with the full name TF1 gave it, so
checkpoints and the equivalence harness still find it. A random initializer becomes the
`tf.random` op TF1's calls (`tf.random.normal(shape, stddev=...)`), which keeps following the
seed set with `tf.random.set_seed`, where a Keras 3 initializer would not. Variable scopes at
scope level are flattened. A function whose variables are shared between calls
(`def discriminator(x, reuse=False): with tf.variable_scope("disc", reuse=reuse): ...`) becomes
a `tf.Module` subclass whose `__init__` creates the variables and whose `__call__` computes;
one instance, named like the function, is created before the first call, so every call shares
it. A function that makes new variables at each call, each call in a variable scope of its own
(`def fc(x, n_out, name): with tf.variable_scope(name): w = tf.get_variable("w", [x.shape[1],
n_out])`, called as `fc(x, 8, "fc1")` and `fc(h, 2, "fc2")`), becomes a `tf.Module` subclass
with one instance per call; its `__call__` creates the variables at the first call, where TF1
created them and from what they depend on (a shape read off the input), with the TF1 names the
call gave them. `tf.trainable_variables()` and scope-filtered collections become explicit lists
of the variables they held, worked out statically from the names.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
import libcst.matchers as m

from migrate.analysis import initializers as inits
from migrate.analysis import layer_arguments as la
from migrate.analysis import syntax
from migrate.analysis.call_arguments import UnknownKeywords, values_or_declined
from migrate.analysis.declined import Declined
from migrate.analysis.deferred_calls import pure_functions, stateful_call
from migrate.analysis.graph_statements import VARIABLE_NAME_POSITION, local_device_scope, opens_session
from migrate.analysis.imports import foreign_import, head_name, module_bindings
from migrate.analysis.project import PROJECT_KEY, ModuleLinks
from migrate.findings import Severity
from migrate.transforms.base import GRAPH_MODE_KEY, Example, MigrationTransform
from migrate.transforms.checkpoints import SAVER, saves_every_variable

UNSUPPORTED_FORM = "TFM302"
UNKNOWN_INITIALIZER = "TFM303"
NAME_REBOUND = "TFM304"
UNSHARABLE_FUNCTION = "TFM305"
REGULARIZER = "TFM306"
OPTIMIZER_SLOTS = "TFM307"
MODULE_CREATED = "TFM308"
DYNAMIC_COLLECTION = "TFM309"
DEVICE_DROPPED = "TFM320"

GET_VARIABLE = "tf.get_variable"
VARIABLE_SCOPE = "tf.variable_scope"
NAME_SCOPE = "tf.name_scope"
VARIABLE = "tf.Variable"
AUTO_REUSE = "tf.AUTO_REUSE"
# tf.Variable(initial_value, trainable, collections, validate_shape, caching_device, name, ...)
_VARIABLE_TRAINABLE_POSITION = 1
# tf.get_variable(name, shape, dtype, initializer, regularizer, trainable, collections, ...)
GET_VARIABLE_PARAMS = (
    "name", "shape", "dtype", "initializer", "regularizer", "trainable", "collections",
    "caching_device", "partitioner", "validate_shape", "use_resource", "custom_getter",
    "constraint", "synchronization", "aggregation",
)
# Arguments that only steer TF1's graph machinery and mean nothing for an eager variable.
IGNORED_ARGS = frozenset({"validate_shape", "use_resource", "caching_device"})
SCOPE_PARAMS = ("name_or_scope", "default_name", "values", "initializer", "regularizer")
SCOPE_ARGS_KEPT = frozenset({"name_or_scope", "values", "initializer", "reuse"})
COLLECTION_CALLS = {"tf.trainable_variables": True, "tf.global_variables": False, "tf.all_variables": False}
COLLECTION_KEYS = {"tf.GraphKeys.TRAINABLE_VARIABLES": True, "tf.GraphKeys.GLOBAL_VARIABLES": False}
# Variable creators this transform does not track: a collection read next to them stays.
UNTRACKED_CREATORS = ("tf.layers", "tf.contrib", "tf.keras.layers", "tf.keras.Sequential", "tf.keras.Model")
# APIs that make global variables no trainable list holds: the global step, moving averages.
GLOBAL_VARIABLE_CREATORS = (
    "tf.train.get_or_create_global_step",
    "tf.train.create_global_step",
    "tf.train.ExponentialMovingAverage",
)
# APIs whose calls may make variables beside the ones `_makes_variables` names.
_MAY_MAKE_VARIABLES = ("tf.compat", "tf.estimator", "tf.make_template", "tf.train", "tf.metrics", "tf.summary")
# Python's own functions and tensor methods, which make no variable.
_PYTHON_FUNCTIONS = frozenset(
    {"len", "int", "float", "bool", "str", "range", "list", "tuple", "zip", "print", "isinstance", "type"}
)
_TENSOR_METHODS = frozenset({"get_shape", "as_list", "set_shape", "format"})
# What draws random numbers in a TF1 graph besides the variables' own initial values.
RANDOM_MAKERS = (
    *UNTRACKED_CREATORS,
    "tf.compat.v1.layers",
    "tf.random",  # tf.random_normal, tf.random.uniform, tf.random_shuffle, ...
    "tf.truncated_normal",
    "tf.image.random",
    "tf.nn.dropout",
    "tf.multinomial",
)


# Initializers that draw no random numbers.
_CONSTANT_INITIALIZERS = frozenset(
    {
        "tf.zeros_initializer", "tf.ones_initializer", "tf.constant_initializer", "tf.constant", "tf.zeros", "tf.ones",
        # What the native-equivalents rule (TFM110) writes for the first three, before this rule runs.
        "tf.keras.initializers.Zeros", "tf.keras.initializers.Ones", "tf.keras.initializers.Constant",
    }
)


class Reuse(enum.Enum):
    """Whether a variable scope creates its variables or finds those created before."""

    NEW = "new"  # created here: requesting one twice is an error, as in TF1
    REUSE = "reuse"  # `reuse=True` or `scope.reuse_variables()`: each must exist already
    AUTO = "auto"  # `reuse=tf.AUTO_REUSE`: created at the first request, found after
    PARAM = "param"  # `reuse=reuse`: the enclosing function's argument decides at each call


def _bind(call: cst.Call, params: Sequence[str]) -> dict[str, cst.BaseExpression]:
    # Keywords beyond `params` are bound: the callers decline each one they do not convert.
    return values_or_declined(call, params, unknown_keywords=UnknownKeywords.BIND, code=UNSUPPORTED_FORM)


@dataclass
class VarInfo:
    full_name: str
    ref: str  # how code of the scope refers to it: `w`, `weights["h1"]`, `discriminator.w`
    trainable: bool
    index: int  # position of the statement that creates it
    at_first_call: bool = False  # made by a module's first call, not before it: no list can hold it


class _SharedOnly(Declined):
    """A decline of one shared tf.Module for a function that one instance per call avoids."""


# Stands for a variable scope named by a parameter of a function made one instance per call.
_PARAMETER_SCOPE = "\x00"


@dataclass
class Flat:
    """One statement of a scope once variable scopes are unwrapped."""

    node: cst.BaseStatement
    prefix: str = ""
    reuse: Reuse = Reuse.NEW
    initializer: cst.BaseExpression | None = None


@dataclass
class CallSite:
    """A call of a function made one instance per call, and that instance."""

    index: int  # the statement of the scope that calls it
    call: cst.Call
    prefix: str  # the variable scope around the call
    instance: str = ""
    infos: list[VarInfo] = field(default_factory=list)
    shared: bool = False  # calls an earlier call's instance (its variables, reused by AUTO_REUSE)


@dataclass
class ModelFunction:
    node: cst.FunctionDef
    reuse_param: str | None
    calls: list[tuple[int, cst.Call]] = field(default_factory=list)
    prefix: str | None = None
    class_name: str = ""
    plan: tuple[_ModulePlan, list[VarInfo]] | None = None
    external: bool = False  # defined at module level, called from a function's scope
    sites: list[CallSite] = field(default_factory=list)
    scoped_apart: bool = False  # called inside different variable scopes
    per_call: _PerCallPlan | None = None  # one instance per call, not one shared


class VariablesToModules(MigrationTransform):
    CODE = "TFM301"
    DESCRIPTION = "get_variable and variable scopes become named tf.Variables; shared ones a tf.Module"
    FINDINGS: ClassVar[dict[str, str]] = {
        UNSUPPORTED_FORM: "get_variable or variable_scope in a form not converted: left as tf.compat.v1",
        UNKNOWN_INITIALIZER: "an initializer that is neither a known initializer nor a value: left as tf.compat.v1",
        NAME_REBOUND: (
            "a variable's Python name is bound again, or variables this rule does not track: left as tf.compat.v1"
        ),
        UNSHARABLE_FUNCTION: (
            "a function creating variables that cannot become one shared tf.Module: left as tf.compat.v1"
        ),
        REGULARIZER: "get_variable with a regularizer: left as tf.compat.v1",
        OPTIMIZER_SLOTS: "global_variables read after an optimizer created slot variables: left as tf.compat.v1",
        MODULE_CREATED: "a function sharing its variables became a tf.Module subclass with one instance",
        DYNAMIC_COLLECTION: (
            "a variable collection filtered by a scope that is not a string literal: left as tf.compat.v1"
        ),
        DEVICE_DROPPED: "a device scope around variable scopes dropped (TF 2 places each op itself)",
    }
    # The module's classes whose code makes variables: built inside a variable scope, they take
    # its name into theirs, which this rule does not follow.
    variable_classes: frozenset[str] = frozenset()
    # The module's functions that make variables (themselves or through others of them) with
    # `tf.Variable`, which the rule does not turn into modules: the variables of their calls are
    # in no list the rule keeps, so no collection read after one is answered.
    variable_functions: frozenset[str] = frozenset()
    TRIGGERS = (
        "get_variable",
        "variable_scope",
        "trainable_variables",
        "global_variables",
        "all_variables",
        "get_collection",
    )
    # A tf.Module made in a file that stays in graph mode is checked again there (_graph_code_first).
    GRAPH_MODE_TRIGGERS = ("(tf.Module):",)
    EXAMPLES = (
        Example(
            name="variable-list-after-untracked-variables-left",
            before=(
                "import tensorflow as tf\n"
                "\n"
                'with tf.name_scope("layer"):\n'
                "    w = tf.Variable(tf.zeros([3, 2]))\n"
                "params = tf.trainable_variables()\n"
            ),
            after=None,
        ),
        Example(
            name="scoped-get-variable",
            before=(
                "import tensorflow as tf\n"
                "\n"
                'with tf.variable_scope("layer"):\n'
                '    w = tf.get_variable("w", [3, 2])\n'
                '    b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())\n'
                "params = tf.trainable_variables()\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                'w = tf.Variable(tf.random.uniform([3, 2], -(6 / 5) ** 0.5, (6 / 5) ** 0.5, dtype=tf.float32), '
                'name="layer/w")\n'
                'b = tf.Variable(tf.zeros_initializer()(shape=[2], dtype=tf.float32), name="layer/b")\n'
                "params = [w, b]\n"
            ),
        ),
        Example(
            name="shared-function",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "def disc(x, reuse=False):\n"
                '    with tf.variable_scope("disc", reuse=reuse):\n'
                '        w = tf.get_variable("w", [1, 1])\n'
                "        return tf.matmul(x, w)\n"
                "\n"
                "a = disc(tf.ones([2, 1]))\n"
                "b = disc(tf.zeros([2, 1]), reuse=True)\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "class Disc(tf.Module):\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                '        self.w = tf.Variable(tf.random.uniform([1, 1], -(6 / 2) ** 0.5, (6 / 2) ** 0.5, '
                'dtype=tf.float32), name="disc/w")\n'
                "\n"
                "    def __call__(self, x):\n"
                "        return tf.matmul(x, self.w)\n"
                "\n"
                "disc = Disc()\n"
                "a = disc(tf.ones([2, 1]))\n"
                "b = disc(tf.zeros([2, 1]))\n"
            ),
        ),
        Example(
            name="one-instance-per-call",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "def layer(x, n_out, name):\n"
                "    with tf.variable_scope(name):\n"
                '        w = tf.get_variable("w", [x.shape[1], n_out])\n'
                "        return tf.matmul(x, w)\n"
                "\n"
                'h = layer(tf.ones([1, 2]), 3, "a")\n'
                'y = layer(h, 1, "b")\n'
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "class Layer(tf.Module):\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.w = None\n"
                "\n"
                "    def __call__(self, x, n_out, name):\n"
                "        if self.w is None:\n"
                "            self.w = tf.Variable(tf.keras.initializers.GlorotUniform()(shape=[x.shape[1], n_out], "
                'dtype=tf.float32), name=name + "/w")\n'
                "        w = self.w\n"
                "        return tf.matmul(x, w)\n"
                "\n"
                "layer_a = Layer()\n"
                'h = layer_a(tf.ones([1, 2]), 3, "a")\n'
                "layer_b = Layer()\n"
                'y = layer_b(h, 1, "b")\n'
            ),
        ),
        Example(
            name="scope-name-not-known-at-the-call",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "def layer(x, name):\n"
                "    with tf.variable_scope(name):\n"
                '        w = tf.get_variable("w", [1, 1])\n'
                "        return tf.matmul(x, w)\n"
                "\n"
                'prefix = "a"\n'
                "y = layer(tf.ones([1, 1]), prefix)\n"
            ),
        ),
    )

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = list(original_node.body)
        self.module_names = module_bindings(original_node)
        self.pure_functions = pure_functions(body, self.tf_api, self.module_names)
        models = {s.name.value: s for s in body if isinstance(s, cst.FunctionDef) and self._is_model(s)}
        self.variable_classes = frozenset(
            s.name.value for s in body if isinstance(s, cst.ClassDef) and self._makes_variables(s)
        )
        self.variable_functions = _making_variables(
            {s.name.value: s for s in body if isinstance(s, cst.FunctionDef) and s.name.value not in models},
            self._makes_variables,
        )
        # A module-level function called from one function's scope (`main`) is converted
        # there: its instance is created in that scope, its class replaces it here.
        # The script's `if __name__ == "__main__":` block is a scope of its own, as a function's
        # body is.
        scopes = {
            id(s): s.name.value if isinstance(s, cst.FunctionDef) else "__main__"
            for s in body
            if (isinstance(s, cst.FunctionDef) and s.name.value not in models) or syntax.is_script_block(s, body)
        }
        callers: dict[str, list[str]] = {}
        for statement in body:
            if id(statement) in scopes and isinstance(statement, (cst.FunctionDef, cst.If)):
                for name in sorted(set(models) & syntax.names_in(statement.body)):
                    callers.setdefault(name, []).append(scopes[id(statement)])
        module_level_names = set().union(
            *(syntax.names_in(s) for s in body if id(s) not in scopes and not isinstance(s, cst.FunctionDef))
        )
        # A function converted in its one caller's scope has its instances made at each run of
        # that caller: a caller run more than once, or in a variable scope, would give each run
        # new variables where TF1 shared them or named them under the outer scope.
        external = {
            n
            for n, found in callers.items()
            if len(found) == 1
            and n not in module_level_names
            and (found[0] == "__main__" or syntax.runs_at_most_once(body, found[0]))
        }
        classes: dict[str, cst.BaseStatement] = {}
        changed = False
        out: list[cst.BaseStatement] = []
        for statement in body:
            if id(statement) in scopes and isinstance(statement.body, cst.IndentedBlock):
                mine = {n: models[n] for n in external if callers[n] == [scopes[id(statement)]]}
                inner = self._scope(list(statement.body.body), statement, top=False, external=mine, classes=classes)
                if inner is not None:
                    statement = statement.with_changes(body=statement.body.with_changes(body=inner))
                    changed = True
            out.append(statement)
        module_body = self._scope(out, original_node, top=True, skip=frozenset(classes) | external)
        if module_body is not None:
            out, changed = module_body, True
        if classes:
            out = [classes.get(s.name.value, s) if isinstance(s, cst.FunctionDef) else s for s in out]
        return updated_node.with_changes(body=out) if changed else updated_node

    # --- one scope ---------------------------------------------------------------------
    def _scope(
        self,
        body: list[cst.BaseStatement],
        owner: cst.CSTNode,
        *,
        top: bool,
        external: dict[str, cst.FunctionDef] | None = None,
        classes: dict[str, cst.BaseStatement] | None = None,
        skip: frozenset[str] = frozenset(),
    ) -> list[cst.BaseStatement] | None:
        work = [s for s in body if self._has_work(s) and not (isinstance(s, cst.FunctionDef) and s.name.value in skip)]
        if not work and not external:
            return None
        if any(self.is_suppressed_at(s) for s in work):
            return None
        rewriter = _ScopeRewriter(self, body, top, skip)
        try:
            for name, node in (external or {}).items():
                rewriter.models[name] = ModelFunction(node, _reuse_param(node), external=True)
            result = rewriter.rewrite()
        except Declined as declined:
            self.report(declined.node or work[0], f"{declined.message}; left as tf.compat.v1", code=declined.code)
            return None
        if classes is not None:
            classes.update(rewriter.built)
        for where, message in rewriter.modules_made:
            self.report(where, message, code=MODULE_CREATED, severity=Severity.INFO)
        return result

    def _has_work(self, node: cst.CSTNode) -> bool:
        for api, _ in syntax.tf_apis_in(node, self.tf_api):
            if api in (GET_VARIABLE, VARIABLE_SCOPE) or api in COLLECTION_CALLS or api in COLLECTION_KEYS:
                return True
        return False

    def _makes_variables(self, node: cst.CSTNode) -> bool:
        return any(
            api in (GET_VARIABLE, VARIABLE, VARIABLE_SCOPE) or syntax.api_under(api, UNTRACKED_CREATORS)
            for api, _ in syntax.tf_apis_in(node, self.tf_api)
        )

    def _is_model(self, node: cst.FunctionDef) -> bool:
        return any(
            api in (GET_VARIABLE, VARIABLE_SCOPE) for api, _ in syntax.tf_apis_in(node, self.tf_api)
        ) and not opens_session(node, self.tf_api)


class _ScopeRewriter:
    def __init__(
        self, transform: VariablesToModules, body: list[cst.BaseStatement], top: bool, skip: frozenset[str]
    ) -> None:
        self.t = transform
        self.body = body
        self.top = top
        self.skip = skip
        self.built: dict[str, cst.BaseStatement] = {}
        self.tf = transform.tf_alias()
        self.variables: list[VarInfo] = []
        self.by_name: dict[str, VarInfo] = {}
        self.models: dict[str, ModelFunction] = {}
        self.initializer_names: set[str] = set()
        self.optimizer_seen = False
        self.untracked_globals = False  # global variables made by GLOBAL_VARIABLE_CREATORS
        self.untracked = False
        # While a function made one instance per call is planned: its parameters, which may
        # name its variable scopes.
        self.scope_params: frozenset[str] = frozenset()
        # Statements after a `with tf.variable_scope(...) as scope:` block that name ops after
        # it (`name=scope.name`): id -> the scope object's name and the block's full prefix.
        self.scope_name_after: dict[int, tuple[str, str]] = {}
        # Reuse flags the scope binds once to a literal (a flattened constructor's `reuse=False`).
        self.flags = syntax.literal_flags(body) if top else {}
        # Reported once the whole scope is converted.
        self.modules_made: list[tuple[cst.CSTNode, str]] = []
        # Names of modules of the tree that make variables where their code is called: a
        # collection read after a call of one would miss what it made.
        links = transform.context.scratch.get(PROJECT_KEY)
        self.stateful_names = links.stateful_names() if isinstance(links, ModuleLinks) else {}
        if isinstance(links, ModuleLinks) and any(site.star for site in links.stateful_imports()):
            self.untracked = True

    # --- flattening --------------------------------------------------------------------
    def flatten(
        self,
        nodes: Sequence[cst.BaseStatement],
        prefix: str,
        reuse: Reuse,
        init: cst.BaseExpression | None,
        *,
        in_function: bool,
        later: Sequence[cst.BaseStatement] = (),
    ) -> list[Flat]:
        """`nodes` with their variable scope blocks unwrapped; `later`, the statements of the scope
        after them, which must not read a scope object a block bound."""
        out: list[Flat] = []
        for position, statement in enumerate(nodes):
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and not in_function:
                out.append(Flat(statement, prefix, reuse, init))
                continue
            if (
                isinstance(statement, cst.With)
                and len(statement.items) == 1
                and local_device_scope(statement.items[0], self.t.tf_api)
                and isinstance(statement.body, cst.IndentedBlock)
                and any(api in (VARIABLE_SCOPE, GET_VARIABLE) for api, _ in syntax.tf_apis_in(statement, self.t.tf_api))
            ):
                # `with tf.device("/cpu:0"):` around variable scopes: TF1 placed them there; the
                # scopes are unwrapped as everywhere else, and TF 2 places each op itself.
                device = statement.items[0].item
                self.t.report(
                    device,
                    f"device placement `{syntax.code_of(device)}` dropped: TF 2 places each op itself",
                    code=DEVICE_DROPPED,
                    severity=Severity.INFO,
                )
                inner = self.flatten(
                    statement.body.body, prefix, reuse, init, in_function=in_function,
                    later=[*nodes[position + 1 :], *later],
                )
                if inner:
                    inner[0].node = inner[0].node.with_changes(
                        leading_lines=[*statement.leading_lines, *syntax.leading_lines(inner[0].node)]
                    )
                out.extend(inner)
                continue
            if isinstance(statement, cst.With) and len(statement.items) == 1:
                item = statement.items[0]
                call = item.item
                if isinstance(call, cst.Call) and self.t.tf_api(call.func) == VARIABLE_SCOPE:
                    if self._layers_only(statement, prefix, reuse):
                        # Named by the layer rule (TFM311), which reads the block's scope.
                        out.append(Flat(statement, prefix, reuse, init))
                        continue
                    name, new_reuse, new_init = self._scope_args(call, reuse, init, in_function=in_function)
                    for made in syntax.calls_in(statement.body):
                        maker = made.func.value if isinstance(made.func, cst.Name) else None
                        if maker in self.t.variable_classes or maker in self.stateful_names:
                            raise Declined(
                                UNSUPPORTED_FORM,
                                f"`{maker}` makes variables inside a variable scope, which names them",
                                made,
                            )
                        if self._imported_code(made):
                            raise Declined(
                                UNSUPPORTED_FORM,
                                f"`{syntax.code_of(made.func)}`, code of another module, may make variables "
                                "inside a variable scope, which names them",
                                made,
                            )
                    for api, node in syntax.tf_apis_in(statement.body, self.t.tf_api):
                        if syntax.api_under(api, UNTRACKED_CREATORS):
                            raise Declined(
                                UNSUPPORTED_FORM, f"{api} inside a variable scope, which names its variables", node
                            )
                    inner_names: set[str] = set()
                    if item.asname is not None:
                        if not isinstance(item.asname.name, cst.Name):
                            raise Declined(UNSUPPORTED_FORM, "variable_scope bound to a pattern", call)
                        bound_as = item.asname.name.value
                        for reader in _check_scope_object_dropped(bound_as, [*nodes[position + 1 :], *later]):
                            self.scope_name_after[id(reader)] = (bound_as, f"{prefix}{name}/")
                        inner_names.add(bound_as)
                    assert isinstance(statement.body, cst.IndentedBlock)
                    inner = self._flatten_block(
                        statement.body.body, f"{prefix}{name}/", new_reuse, new_init, inner_names, in_function
                    )
                    if inner:
                        first = inner[0]
                        first.node = first.node.with_changes(
                            leading_lines=[*statement.leading_lines, *syntax.leading_lines(first.node)]
                        )
                    out.extend(inner)
                    continue
            parts = self._out_of_name_scope(statement)
            if parts != [statement]:
                out.extend(self.flatten(parts, prefix, reuse, init, in_function=in_function, later=later))
                continue
            for api, node in syntax.tf_apis_in(statement, self.t.tf_api):
                if api == VARIABLE_SCOPE:
                    raise Declined(
                        UNSUPPORTED_FORM, "variable_scope used other than as a `with` block at scope level", node
                    )
            if id(statement) in self.scope_name_after:
                bound_as, block = self.scope_name_after[id(statement)]
                statement = _scope_name_read(statement, bound_as, block)
            out.append(Flat(statement, prefix, reuse, init))
        return out

    def _imported_code(self, call: cst.Call) -> bool:
        """Whether `call` runs code of another module than TensorFlow, the standard library and
        NumPy (`tools.weight(...)`, `from layers import conv`): a `tf.get_variable` there takes
        the names of the variable scopes around the call."""
        if self.t.tf_api(call.func) is not None:
            return False
        head = head_name(call.func)
        return head is not None and foreign_import(self.t.module_names.get(head.value, ()))

    def _out_of_name_scope(self, statement: cst.BaseStatement) -> list[cst.BaseStatement]:
        """`w = tf.get_variable(...)` lines of a `with tf.name_scope(...):` block, and variable
        scope blocks of such lines, go before it: get_variable names its variable by the
        variable scopes alone, and a TF 2 variable made inside the block would take the name
        scope into its name. A line that reads what the block computed before it stays, and is
        declined with the block."""
        if not (isinstance(statement, cst.With) and len(statement.items) == 1):
            return [statement]
        call = statement.items[0].item
        if not (
            isinstance(call, cst.Call)
            and self.t.tf_api(call.func) == NAME_SCOPE
            and isinstance(statement.body, cst.IndentedBlock)
        ):
            return [statement]
        hoisted: list[cst.BaseStatement] = []
        kept: list[cst.BaseStatement] = []
        asname = statement.items[0].asname
        bound = set(syntax.bound_names(asname.name)) if asname is not None else set()
        seen: set[str] = set()  # what the lines kept so far read or bind
        drawn = False  # whether a line kept so far may draw random numbers
        for inner in statement.body.body:
            for part in self._out_of_name_scope(inner):
                made = self._variables_made(part)
                # A random initial value moved before another draw would take that draw's
                # numbers: the graph's random ops draw in the order they were made.
                crosses = drawn and self._draws_initial_values(part)
                if made and not (syntax.names_in(part) - made) & bound and not made & seen and not crosses:
                    hoisted.append(part)
                    continue
                kept.append(part)
                bound |= syntax.assigned_names(part)
                seen |= syntax.names_in(part)
                drawn = drawn or self._may_draw(part)
        if not hoisted:
            return [statement]
        out = list(hoisted)
        if kept:
            out.append(statement.with_changes(leading_lines=[], body=statement.body.with_changes(body=kept)))
        out[0] = syntax.with_leading_lines(out[0], [*statement.leading_lines, *syntax.leading_lines(out[0])])
        return out

    def _draws_initial_values(self, statement: cst.BaseStatement) -> bool:
        """Whether some get_variable of `statement` draws its initial value (its initializer is
        not a constant one, or TF1's default)."""
        for call in syntax.calls_in(statement):
            if self.t.tf_api(call.func) != GET_VARIABLE:
                continue
            initializer = syntax.call_argument(call, 3, "initializer")
            api = self.t.tf_api(initializer.func) if isinstance(initializer, cst.Call) else None
            if api not in _CONSTANT_INITIALIZERS:
                return True
        return False

    def _may_draw(self, statement: cst.BaseStatement) -> bool:
        """Whether `statement` may draw random numbers: a random op, a variable or a layer, or a
        call of a Python function (which may make any of them)."""
        for call in syntax.calls_in(statement):
            api = self.t.tf_api(call.func)
            if api is None:
                if isinstance(call.func, cst.Name):
                    return True  # a function of the program
                continue
            if api in (GET_VARIABLE, VARIABLE) or syntax.api_under(api, RANDOM_MAKERS):
                return True
        return False

    def _variables_made(self, statement: cst.BaseStatement) -> set[str]:
        """The names `w = tf.get_variable(...)` binds, or a `with tf.variable_scope("s"):` block
        of such lines and nothing else; empty for any other statement."""
        assigned = syntax.assigned_call(statement) if isinstance(statement, cst.SimpleStatementLine) else None
        if assigned is not None:
            return {assigned[0]} if self.t.tf_api(assigned[1].func) == GET_VARIABLE else set()
        if not (
            isinstance(statement, cst.With)
            and len(statement.items) == 1
            and statement.items[0].asname is None
            and isinstance(statement.items[0].item, cst.Call)
            and self.t.tf_api(statement.items[0].item.func) == VARIABLE_SCOPE
            and isinstance(statement.body, cst.IndentedBlock)
        ):
            return set()
        made: set[str] = set()
        for line in statement.body.body:
            names = self._variables_made(line)
            if not names:
                return set()
            made |= names
        return made

    def _layers_only(self, statement: cst.With, prefix: str, reuse: Reuse) -> bool:
        """A `with tf.variable_scope("name"):` block outside any other variable scope, whose
        variables are all made by TF1 layers the layer rule converts: left whole for it."""
        if prefix or reuse is not Reuse.NEW or la.layer_scope_name(statement) is None:
            return False
        apis = [api for api, _ in syntax.tf_apis_in(statement.body, self.t.tf_api)]
        layers = [api for api in apis if la.spec_for(api) is not None]
        others = [api for api in apis if syntax.api_under(api, UNTRACKED_CREATORS) and la.spec_for(api) is None]
        return bool(layers) and not others and not any(api in (GET_VARIABLE, VARIABLE, VARIABLE_SCOPE) for api in apis)

    def _flatten_block(
        self,
        nodes: Sequence[cst.BaseStatement],
        prefix: str,
        reuse: Reuse,
        init: cst.BaseExpression | None,
        scope_names: set[str],
        in_function: bool,
    ) -> list[Flat]:
        out: list[Flat] = []
        current = reuse
        pending: list[cst.BaseStatement] = []
        for statement in nodes:
            if self._reuse_call(statement, scope_names):
                out.extend(self.flatten(pending, prefix, current, init, in_function=in_function))
                pending = []
                current = Reuse.REUSE
                continue
            for name in scope_names:
                if name in syntax.names_in(statement):
                    statement = _scope_name_read(statement, name, prefix)
            pending.append(statement)
        out.extend(self.flatten(pending, prefix, current, init, in_function=in_function))
        return out

    def _reuse_call(self, statement: cst.BaseStatement, scope_names: set[str]) -> bool:
        return any(
            m.matches(
                statement,
                m.SimpleStatementLine(
                    body=[m.Expr(m.Call(func=m.Attribute(value=m.Name(name), attr=m.Name("reuse_variables"))))]
                ),
            )
            for name in scope_names
        )

    def _scope_args(
        self, call: cst.Call, reuse: Reuse, init: cst.BaseExpression | None, *, in_function: bool
    ) -> tuple[str, Reuse, cst.BaseExpression | None]:
        bound = _bind(call, SCOPE_PARAMS)
        for key in bound:
            if key not in SCOPE_ARGS_KEPT:
                raise Declined(UNSUPPORTED_FORM, f"variable_scope({key}=...) is not converted", call)
        given = bound.get("name_or_scope")
        name = syntax.string_literal(given)
        if name is None and isinstance(given, cst.Name) and given.value in self.scope_params:
            name = f"{_PARAMETER_SCOPE}{given.value}{_PARAMETER_SCOPE}"
        if name is None:
            why = "a variable scope whose name is not a string literal"
            if in_function and isinstance(given, cst.Name):
                raise _SharedOnly(UNSUPPORTED_FORM, why, call)
            raise Declined(UNSUPPORTED_FORM, why, call)
        value = bound.get("reuse")
        if value is not None:
            if m.matches(value, m.Name("True")):
                reuse = Reuse.REUSE
            elif self.t.tf_api(value) == AUTO_REUSE:
                reuse = Reuse.AUTO
            elif isinstance(value, cst.Name) and in_function:
                reuse = Reuse.PARAM
            elif isinstance(value, cst.Name) and value.value in self.flags:
                reuse = Reuse.REUSE if self.flags[value.value] else reuse
            elif not m.matches(value, m.Name("False") | m.Name("None")):
                raise Declined(UNSUPPORTED_FORM, "a reuse flag this rule cannot evaluate", call)
        return name, reuse, bound.get("initializer", init)

    # --- the scope ---------------------------------------------------------------------
    def rewrite(self) -> list[cst.BaseStatement]:
        flat: list[Flat] = []
        for position, statement in enumerate(self.body):
            if isinstance(statement, cst.FunctionDef) and statement.name.value in self.skip:
                flat.append(Flat(statement))
            elif isinstance(statement, cst.FunctionDef) and self.t._is_model(statement):
                self.models[statement.name.value] = ModelFunction(statement, _reuse_param(statement))
                flat.append(Flat(statement))
            else:
                flat.extend(
                    self.flatten([statement], "", Reuse.NEW, None, in_function=False, later=self.body[position + 1 :])
                )
        self._find_calls(flat)
        out: list[cst.BaseStatement] = []
        instances: dict[int, list[cst.BaseStatement]] = {}
        per_site: dict[int, list[CallSite]] = {}
        for name, model in self.models.items():
            if model.per_call is not None:
                for site in model.sites if model.per_call.attributes else ():
                    per_site.setdefault(site.index, []).append(site)
                    if site.shared:
                        continue
                    made = model.per_call.construction(model.class_name, site)
                    instances.setdefault(site.index, []).append(made)
                    for info in site.infos:
                        self._add(info, site.call)
            elif model.calls and not self._names_ops_only(model):
                instances.setdefault(model.calls[0][0], []).append(
                    cst.parse_statement(f"{name} = {model.class_name}()\n")
                )
        for model in self.models.values():
            if model.external:
                self.built[model.node.name.value] = self._module_class(model, model.node)
        rebound = _Rebinding(self._rebound_names(flat), {n for f in flat for n in syntax.names_in(f.node)})
        for index, entry in enumerate(flat):
            statement = entry.node
            if isinstance(statement, cst.FunctionDef) and statement.name.value in self.skip:
                out.append(statement)
                continue
            for instance in instances.get(index, []):
                self._module_variables(index, instance)
                out.append(instance.with_changes(leading_lines=syntax.leading_lines(statement)))
                statement = statement.with_changes(leading_lines=[])
            if isinstance(statement, cst.FunctionDef) and statement.name.value in self.models:
                out.append(self._module_class(self.models[statement.name.value], statement))
                continue
            if index in per_site:
                statement = syntax.visit_statement(statement, _CallInstances(per_site[index]))
            statement = rebound.apply(statement, self._created_name(statement))
            out.append(self._statement(index, entry, statement))
        return out

    def _created_name(self, statement: cst.BaseStatement) -> str | None:
        """The name `statement` binds to a variable it creates (`w = tf.get_variable(...)`)."""
        assigned = syntax.assigned_call(statement) if isinstance(statement, cst.SimpleStatementLine) else None
        if assigned is not None and self.t.tf_api(assigned[1].func) in (GET_VARIABLE, VARIABLE):
            return assigned[0]
        return None

    def _rebound_names(self, flat: Sequence[Flat]) -> frozenset[str]:
        """Names the scope binds to one variable after another, and to nothing else, in
        statements of its own; read by no function or class of the scope, which would read the
        name's last binding whenever it runs."""
        created: Counter[str] = Counter(n for f in flat if (n := self._created_name(f.node)) is not None)
        names = {name for name, count in created.items() if count > 1}
        if not names:
            return frozenset()
        bound: Counter[str] = Counter(n for f in flat for n in syntax.assigned_names(f.node))
        names = {name for name in names if bound[name] == created[name]}
        for entry in flat:
            if isinstance(entry.node, (cst.FunctionDef, cst.ClassDef)) or syntax.nodes_of(
                entry.node, cst.Global, cst.Nonlocal
            ):
                names -= syntax.names_in(entry.node)
        return frozenset(names)

    def _find_calls(self, flat: list[Flat]) -> None:
        names = set(self.models)
        taken = {n for f in flat for n in syntax.defined_names(f.node)}
        for index, entry in enumerate(flat):
            if isinstance(entry.node, cst.FunctionDef) and entry.node.name.value in names | self.skip:
                continue
            # Sorted: which name a decline reports must not depend on string hashing.
            for name in sorted(names & syntax.names_in(entry.node)):
                calls = [c for c in syntax.calls_in(entry.node) if m.matches(c.func, m.Name(name))]
                references = [n for n in syntax.nodes_of(entry.node, cst.Name) if m.matches(n, m.Name(name))]
                if isinstance(entry.node, cst.FunctionDef) and calls:
                    raise Declined(
                        UNSHARABLE_FUNCTION,
                        f"`{name}` is called from `{entry.node.name.value}`, which the rule converts with it only "
                        f"when that is the one function calling `{name}` and runs once, outside loops and "
                        "variable scopes (its instances are made at each run)",
                        entry.node,
                    )
                if len(references) != len(calls) or not isinstance(entry.node, cst.SimpleStatementLine):
                    raise Declined(
                        UNSHARABLE_FUNCTION, f"`{name}` is used other than called on a line of its own", entry.node
                    )
                model = self.models[name]
                if model.prefix is not None and model.prefix != entry.prefix:
                    if model.reuse_param is not None:
                        raise Declined(
                            UNSHARABLE_FUNCTION, f"`{name}` is called inside different variable scopes", entry.node
                        )
                    model.scoped_apart = True
                else:
                    model.prefix = entry.prefix
                model.calls.extend((index, c) for c in calls)
                model.sites.extend(CallSite(index, c, entry.prefix) for c in calls)
        for name, model in self.models.items():
            stem = "".join(part.capitalize() or "_" for part in name.split("_"))
            model.class_name = syntax.unique_name(stem, taken)
            taken.add(model.class_name)
        for name, model in self.models.items():
            if self._one_per_call(model):
                model.per_call = _plan_per_call(self, model, taken)

    def _names_ops_only(self, model: ModelFunction) -> bool:
        """Whether `model`, one shared module, would hold no variable: its variable scopes only
        name its ops, and it stays a function."""
        if model.per_call is not None or model.reuse_param is not None:
            return False
        plan, infos = _plan_module(self, model)
        return not infos and not plan.init_lines

    def _uncalled_scopes_only(self, model: ModelFunction) -> list[cst.BaseStatement] | None:
        """The body of `model`, a function this scope never calls (a library module's helper),
        with its variable scopes gone, when they only name ops: no call in it can make a
        variable, so the scopes' names, the only thing they give, reach no variable. None
        where a call might make one (the scope's name would be part of that variable's)."""
        node = model.node
        assert isinstance(node.body, cst.IndentedBlock)
        if any(api in (GET_VARIABLE, VARIABLE) for api, _ in syntax.tf_apis_in(node.body, self.t.tf_api)):
            return None
        for block in syntax.nodes_of(node.body, cst.With):
            assert isinstance(block, cst.With)
            scoped = any(
                isinstance(item.item, cst.Call) and self.t.tf_api(item.item.func) == VARIABLE_SCOPE
                for item in block.items
            )
            calls = syntax.nodes_of(block.body, cst.Call)
            if scoped and not all(isinstance(c, cst.Call) and self._makes_no_variable(c) for c in calls):
                return None
        self.scope_params = frozenset(p.name.value for p in node.params.params)
        try:
            flat = self.flatten(node.body.body, "", Reuse.NEW, None, in_function=True)
        except Declined:
            return None
        finally:
            self.scope_params = frozenset()
        return [entry.node for entry in flat]

    def _makes_no_variable(self, call: cst.Call) -> bool:
        api = self.t.tf_api(call.func)
        if api is not None:
            return api == VARIABLE_SCOPE or not (
                self.t._makes_variables(call.func) or syntax.api_under(api, _MAY_MAKE_VARIABLES)
            )
        if isinstance(call.func, cst.Name):
            return call.func.value in _PYTHON_FUNCTIONS
        return isinstance(call.func, cst.Attribute) and call.func.attr.value in _TENSOR_METHODS

    def _one_per_call(self, model: ModelFunction) -> bool:
        """Whether `model` is made one instance per call: when it makes new variables at each
        call (no `reuse`) and one shared instance cannot hold them."""
        if model.reuse_param is not None or not model.calls:
            return False
        if not model.scoped_apart:
            try:
                _plan_module(self, model)
            except _SharedOnly:
                model.plan = None
                return True
            return False
        return True

    def _module_variables(self, index: int, instance: cst.BaseStatement) -> None:
        for model in self.models.values():
            if model.calls and model.calls[0][0] == index and model.per_call is None:
                for info in model_infos(self, model):
                    info.index = index
                    self._add(info, instance)

    def _add(self, info: VarInfo, node: cst.CSTNode, *, uniquify: bool = False) -> None:
        """Track a variable by its TF1 name. `tf.Variable` names are made unique as TF1's graph
        made them (`Variable`, `Variable_1`, ...); `get_variable` asking for a taken name without
        reuse was an error in TF1 and is declined."""
        if info.full_name in self.by_name and uniquify:
            counter = 1
            while f"{info.full_name}_{counter}" in self.by_name:
                counter += 1
            info.full_name = f"{info.full_name}_{counter}"
        if info.full_name in self.by_name:
            raise Declined(UNSUPPORTED_FORM, f"variable `{info.full_name}` is created twice", node)
        self.by_name[info.full_name] = info
        self.variables.append(info)

    # --- statements --------------------------------------------------------------------
    def _statement(self, index: int, entry: Flat, statement: cst.BaseStatement) -> cst.BaseStatement:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            if entry.prefix:
                raise Declined(UNSUPPORTED_FORM, "a definition inside a variable scope", statement)
            return statement
        assigned = syntax.assigned_call(statement)
        apis = syntax.tf_apis_in(statement, self.t.tf_api)
        for api, _node in apis:
            if syntax.api_under(api, UNTRACKED_CREATORS):
                self.untracked = True
            if syntax.api_under(api, ("tf.train",)) and api.endswith("Optimizer"):
                self.optimizer_seen = True
            if api in GLOBAL_VARIABLE_CREATORS:
                self.untracked_globals = True
        makers = self.t.variable_functions | self.t.variable_classes | frozenset(self.stateful_names)
        if makers and any(
            (head := head_name(call.func)) is not None and head.value in makers for call in syntax.calls_in(statement)
        ):
            self.untracked = True
        if any(
            isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) and c.func.attr.value == "minimize"
            for c in syntax.nodes_of(statement, cst.Call)
        ):
            self.optimizer_seen = True
        if assigned is not None:
            target, call = assigned
            created_by = self.t.tf_api(call.func)
            if created_by == GET_VARIABLE:
                return self._get_variable(index, entry, statement, target, call)
            if created_by == VARIABLE:
                self._check_rebinding(target, call)
                name = syntax.string_literal(syntax.call_argument(call, VARIABLE_NAME_POSITION, "name"))
                flag = syntax.call_argument(call, _VARIABLE_TRAINABLE_POSITION, "trainable")
                trainable = not (flag is not None and m.matches(flag, m.Name("False")))
                if not _literal_flag(flag):
                    self.untracked = True  # which lists hold it is decided when it runs
                self._add(
                    VarInfo(entry.prefix + (name or "Variable"), target, trainable, index), statement, uniquify=True
                )
                if entry.prefix and name is not None:
                    return statement.visit(_Renamed(call, entry.prefix + name))  # type: ignore[return-value]
                return statement
            if created_by is not None and inits.is_initializer_api(created_by):
                self.initializer_names.add(target)
        tracked = self._containers(index, statement)
        if sum(api == VARIABLE for api, _ in apis) > tracked:
            # Made inside a block (`with tf.name_scope(...)`, a loop) or an expression.
            self.untracked = True
        if any(api == GET_VARIABLE for api, _ in apis):
            raise Declined(UNSUPPORTED_FORM, "get_variable used other than as `name = tf.get_variable(...)`", statement)
        for name, model in self.models.items():
            if model.reuse_param and name in syntax.names_in(statement):
                statement = statement.visit(_DropReuse(name, model))  # type: ignore[assignment]
        return self._collections(index, statement)

    def _containers(self, index: int, statement: cst.BaseStatement) -> int:
        """Track the variables a dict, list or tuple literal makes (`weights = {"h1":
        tf.Variable(...)}`); how many."""
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return 0
        small = statement.body[0]
        if not (
            isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)
        ):
            return 0
        owner = small.targets[0].target.value
        value = small.value
        items: list[tuple[str, cst.BaseExpression]] = []
        if isinstance(value, cst.Dict):
            for element in value.elements:
                if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                    items.append((f"{owner}[{element.key.value}]", element.value))
        elif isinstance(value, (cst.List, cst.Tuple)):
            items = [(f"{owner}[{i}]", e.value) for i, e in enumerate(value.elements)]
        tracked = 0
        for ref, item in items:
            if isinstance(item, cst.Call) and self.t.tf_api(item.func) == VARIABLE:
                name = syntax.string_literal(syntax.call_argument(item, VARIABLE_NAME_POSITION, "name")) or "Variable"
                self._add(VarInfo(name, ref, True, index), statement, uniquify=True)
                tracked += 1
        return tracked

    def _check_rebinding(self, target: str, node: cst.CSTNode) -> None:
        if any(v.ref == target for v in self.variables):
            raise Declined(NAME_REBOUND, f"`{target}` names two variables", node)

    def _get_variable(
        self, index: int, entry: Flat, statement: cst.BaseStatement, target: str, call: cst.Call
    ) -> cst.BaseStatement:
        full, value, trainable = variable_call(self.t, call, entry.prefix, entry.initializer, self.initializer_names)
        existing = self.by_name.get(full)
        reuse = entry.reuse
        if existing is not None:
            if reuse not in (Reuse.REUSE, Reuse.AUTO):
                raise Declined(UNSUPPORTED_FORM, f"`{full}` is requested again outside a reusing scope", call)
            return statement.with_changes(
                body=[cst.Assign([cst.AssignTarget(cst.Name(target))], cst.parse_expression(existing.ref))]
            )
        if reuse is Reuse.REUSE:
            raise Declined(UNSUPPORTED_FORM, f"`{full}` is reused before it is created", call)
        self._check_rebinding(target, call)
        if not _literal_flag(syntax.call_argument(call, GET_VARIABLE_PARAMS.index("trainable"), "trainable")):
            self.untracked = True  # which lists hold it is decided when it runs
        self._add(VarInfo(full, target, trainable, index), statement)
        assert isinstance(statement, cst.SimpleStatementLine)
        return statement.with_changes(body=[cst.Assign([cst.AssignTarget(cst.Name(target))], value)])

    # --- collections -------------------------------------------------------------------
    def _collections(self, index: int, statement: cst.BaseStatement) -> cst.BaseStatement:
        replacer = _Collections(self, index)
        result = statement.visit(replacer)
        assert isinstance(result, cst.BaseStatement)
        return result

    def collection(self, call: cst.Call, index: int) -> list[VarInfo] | None:
        api = self.t.tf_api(call.func)
        if api in COLLECTION_CALLS:
            trainable = COLLECTION_CALLS[api]
            scope = syntax.call_argument(call, 0, "scope")
        elif api == "tf.get_collection":
            key = syntax.call_argument(call, 0, "key")
            key_api = self.t.tf_api(key) if key is not None else None
            if key_api not in COLLECTION_KEYS:
                return None
            trainable = COLLECTION_KEYS[key_api]
            scope = syntax.call_argument(call, 1, "scope")
        else:
            return None
        if self.untracked:
            raise Declined(NAME_REBOUND, "a variable collection next to variables this rule does not track", call)
        if not trainable and self.untracked_globals:
            raise Declined(NAME_REBOUND, "all global variables, a global step or moving averages included", call)
        if not trainable and self.optimizer_seen:
            raise Declined(OPTIMIZER_SLOTS, "all global variables, optimizer slots included", call)
        pattern: str | None = None
        if scope is not None and not m.matches(scope, m.Name("None")):
            pattern = syntax.string_literal(scope)
            if pattern is None:
                raise Declined(DYNAMIC_COLLECTION, "a collection scope that is not a string literal", call)
        found = [
            v
            for v in self.variables
            if v.index < index
            and (v.trainable or not trainable)
            and (pattern is None or re.match(pattern, v.full_name + ":0"))
        ]
        if any(v.at_first_call for v in found):
            raise Declined(
                DYNAMIC_COLLECTION, "a variable collection holding variables a module makes at its first call", call
            )
        return found

    # --- shared functions --------------------------------------------------------------
    def _module_class(self, model: ModelFunction, node: cst.FunctionDef) -> cst.BaseStatement:
        if not model.calls:
            body = self._uncalled_scopes_only(model)
            if body is not None:
                return node.with_changes(body=node.body.with_changes(body=body))
            raise Declined(
                UNSHARABLE_FUNCTION, f"`{node.name.value}` creates variables but is not called in this scope", node
            )
        built: cst.BaseStatement
        if model.per_call is not None and not model.per_call.attributes:
            # Its variable scopes only named ops: a function still, its scopes gone.
            return node.with_changes(body=node.body.with_changes(body=model.per_call.body))
        if self._names_ops_only(model):
            return node.with_changes(body=node.body.with_changes(body=_plan_module(self, model)[0].body))
        if model.per_call is not None:
            built = model.per_call.class_node(model.class_name, node, self.tf)
            instances = len([site for site in model.sites if not site.shared])
            how = f", one instance per call ({instances})"
            if instances < len(model.sites):
                how = f", one instance per variable scope it is called in ({instances} for {len(model.sites)} calls)"
        else:
            built = build_module(self, model)
            how = ""
        self.modules_made.append((node, f"`{node.name.value}` becomes tf.Module subclass `{model.class_name}`{how}"))
        return built


def _graph_code_first(scope: _ScopeRewriter, model: ModelFunction, flat: Sequence[Flat], made: set[int]) -> None:
    """In a file that stays in graph mode, TF1's seeds follow the order random ops are made in:
    the module's `__init__` would make the variables before the random ops the body makes ahead
    of them (a `tf.layers` call, `tf.random_normal`), so their initial values would draw other
    numbers."""
    if not made:
        return
    for position, entry in enumerate(flat[: max(made)]):
        apis = [api for api, _ in syntax.tf_apis_in(entry.node, scope.t.tf_api)]
        if position not in made and any(api.startswith(RANDOM_MAKERS) for api in apis):
            raise Declined(
                UNSHARABLE_FUNCTION,
                f"`{model.node.name.value}` makes random ops before its variables in a file that stays in "
                "graph mode: made first by a tf.Module, they would take other random initial values",
                entry.node,
            )


def _reuse_param(node: cst.FunctionDef) -> str | None:
    for param in node.params.params:
        if param.name.value == "reuse":
            return "reuse"
    return None


class _Renamed(cst.CSTTransformer):
    """Sets the `name=` of one tf.Variable call."""

    def __init__(self, call: cst.Call, name: str) -> None:
        self.call = call
        self.name = name

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if original_node is not self.call:
            return updated_node
        args = [
            a.with_changes(value=cst.SimpleString(f'"{self.name}"'))
            if a.keyword is not None and a.keyword.value == "name"
            else a
            for a in updated_node.args
        ]
        return updated_node.with_changes(args=args)


class _DropReuse(cst.CSTTransformer):
    """Calls of a shared function lose their `reuse` argument: sharing is by construction."""

    def __init__(self, name: str, model: ModelFunction) -> None:
        self.name = name
        params = [p.name.value for p in model.node.params.params]
        self.position = params.index(model.reuse_param) if model.reuse_param in params else -1

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not m.matches(updated_node.func, m.Name(self.name)):
            return updated_node
        args = [
            a
            for i, a in enumerate(updated_node.args)
            if not (
                (a.keyword is not None and a.keyword.value == "reuse") or (a.keyword is None and i == self.position)
            )
        ]
        if args and len(args) < len(updated_node.args):
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(args=args)


def _check_scope_object_dropped(name: str, later: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """A variable scope bound by `with ... as name` goes with its block: `later`, the statements
    after the block, may read it only to name an op after it (`name=scope.name`, TF1's full scope
    name, which the rule writes out); those statements are returned."""
    readers: list[cst.BaseStatement] = []
    for statement in later:
        if isinstance(statement, cst.With) and any(
            item.asname is not None and m.matches(item.asname.name, m.Name(name)) for item in statement.items
        ):
            break  # bound again by the next block (`with tf.variable_scope("pool1") as scope:`)
        if isinstance(statement, cst.FunctionDef) and name in syntax.local_names(statement):
            continue  # the function's own
        if name not in syntax.names_in(statement):
            continue
        if name in syntax.names_in(syntax.visit_statement(statement, _ScopeNameReads(name, _OP_NAME, op_names=True))):
            raise Declined(UNSUPPORTED_FORM, f"the variable scope object `{name}` is used after its block", statement)
        readers.append(statement)
    return readers


# Stands for a scope's name in a check that only op names read it.
_OP_NAME = cst.SimpleString('""')


def _scope_name_read(statement: cst.BaseStatement, name: str, prefix: str) -> cst.BaseStatement:
    """`statement` with the variable scope object `name` read only as `name.name` (an op or
    summary named after the scope, `tf.nn.relu(x, name=scope.name)`): TF1's full scope name. A
    scope named by a parameter of a function made one instance per call is written as that
    parameter, only where it names an op (`name=`): the name of an op TF 2 runs does not reach
    the program's values, where a summary's tag would."""
    full = prefix.rstrip("/")
    if not any(c in full for c in ('"', "\\")):
        pieces = [
            part if i % 2 else cst.SimpleString(f'"{part}"').value
            for i, part in enumerate(full.split(_PARAMETER_SCOPE))
            if part or i % 2
        ]
        value = cst.parse_expression(" + ".join(pieces))
        reads = _ScopeNameReads(name, value, op_names=_PARAMETER_SCOPE in full)
        statement = syntax.visit_statement(statement, reads)
    if name in syntax.names_in(statement):
        raise Declined(UNSUPPORTED_FORM, f"the variable scope object `{name}` is used", statement)
    return statement


class _ScopeNameReads(cst.CSTTransformer):
    """`scope.name` as `full`; with `op_names`, only as the `name=` of a call."""

    def __init__(self, name: str, full: cst.BaseExpression, *, op_names: bool = False) -> None:
        self.name = name
        self.full = full
        self.op_names = op_names

    def _is_read(self, node: cst.BaseExpression) -> bool:
        return m.matches(node, m.Attribute(value=m.Name(self.name), attr=m.Name("name")))

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        if self.op_names and original_node.keyword is not None and original_node.keyword.value == "name" \
                and self._is_read(original_node.value):
            return updated_node.with_changes(value=self.full)
        return updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if not self.op_names and self._is_read(original_node):
            return self.full
        return updated_node


class _Collections(cst.CSTTransformer):
    def __init__(self, scope: _ScopeRewriter, index: int) -> None:
        self.scope = scope
        self.index = index
        self.saved_whole: set[int] = set()

    def _list(self, infos: list[VarInfo]) -> cst.List:
        return cst.List([cst.Element(cst.parse_expression(v.ref)) for v in infos])

    def visit_Call(self, node: cst.Call) -> bool:
        # `tf.train.Saver(tf.global_variables())` is a Saver of every variable, as `Saver()` is:
        # the checkpoints rule (TFM501) takes it whole.
        if self.scope.t.tf_api(node.func) == SAVER:
            listed = syntax.call_argument(node, 0, "var_list")
            if listed is not None and saves_every_variable(self.scope.t, listed):
                self.saved_whole.add(id(listed))
        return True

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) in self.saved_whole:
            return updated_node
        infos = self.scope.collection(original_node, self.index)
        return updated_node if infos is None else self._list(infos)

    def leave_ListComp(self, original_node: cst.ListComp, updated_node: cst.ListComp) -> cst.BaseExpression:
        """`[v for v in tf.trainable_variables() if v.name.startswith("d")]`, filtered here."""
        comp = original_node.for_in
        if comp.inner_for_in is not None or len(comp.ifs) != 1 or not isinstance(comp.iter, cst.Call):
            return updated_node
        if not (isinstance(comp.target, cst.Name) and m.matches(original_node.elt, m.Name(comp.target.value))):
            return updated_node
        infos = self.scope.collection(comp.iter, self.index)
        if infos is None:
            return updated_node
        var = comp.target.value
        test = comp.ifs[0].test
        name_attr = m.Attribute(value=m.Name(var), attr=m.Name("name"))
        if m.matches(
            test, m.Call(func=m.Attribute(value=name_attr, attr=m.Name("startswith")), args=[m.Arg(m.SimpleString())])
        ):
            assert isinstance(test, cst.Call)
            prefix = syntax.string_literal(test.args[0].value) or ""
            return self._list([v for v in infos if (v.full_name + ":0").startswith(prefix)])
        if m.matches(test, m.Comparison(left=m.SimpleString(), comparisons=[m.ComparisonTarget(m.In(), name_attr)])):
            assert isinstance(test, cst.Comparison) and isinstance(test.left, cst.SimpleString)
            part = syntax.string_literal(test.left) or ""
            return self._list([v for v in infos if part in v.full_name + ":0"])
        return updated_node


def _literal_flag(value: cst.BaseExpression | None) -> bool:
    """An argument left out, or written as True, False or None."""
    return value is None or m.matches(value, m.Name("True") | m.Name("False") | m.Name("None"))


def _making_variables(
    functions: Mapping[str, cst.FunctionDef], makes_variables: Callable[[cst.CSTNode], bool]
) -> frozenset[str]:
    """The names of `functions` that make variables, themselves or by calling one that does."""
    making = {name for name, node in functions.items() if makes_variables(node)}
    changed = True
    while changed:
        changed = False
        for name, node in functions.items():
            if name not in making and syntax.names_in(node.body) & making:
                making.add(name)
                changed = True
    return frozenset(making)


# --- get_variable -------------------------------------------------------------------------


def variable_call(
    t: VariablesToModules,
    call: cst.Call,
    prefix: str,
    scope_initializer: cst.BaseExpression | None,
    initializer_names: set[str],
) -> tuple[str, cst.Call, bool]:
    """The full name, the `tf.Variable(...)` call and trainability for one get_variable call."""
    bound = _bind(call, GET_VARIABLE_PARAMS)
    name = syntax.string_literal(bound.get("name"))
    if name is None:
        raise Declined(UNSUPPORTED_FORM, "get_variable with a name that is not a string literal", call)
    if "regularizer" in bound and not m.matches(bound["regularizer"], m.Name("None")):
        raise Declined(REGULARIZER, "get_variable with a regularizer", call)
    for key in bound:
        if key not in {"name", "shape", "dtype", "initializer", "trainable", "constraint"} | IGNORED_ARGS:
            raise Declined(UNSUPPORTED_FORM, f"get_variable({key}=...) is not converted", call)
    tf = t.tf_alias()
    shape = bound.get("shape")
    dtype = bound.get("dtype")
    dtype_code = syntax.code_of(dtype) if dtype is not None else f"{tf}.float32"
    initializer = bound.get("initializer", scope_initializer)
    value: str
    if initializer is None or m.matches(initializer, m.Name("None")):
        family = inits.dtype_family(t.tf_api(dtype)) if dtype is not None else "float"
        if family is None:
            raise Declined(UNKNOWN_INITIALIZER, "get_variable's default initializer for this dtype is not known", call)
        if shape is None:
            raise Declined(UNSUPPORTED_FORM, "get_variable without a shape", call)
        if family == "float":
            value = inits.seeded_value(
                inits.GLOROT_UNIFORM, {}, syntax.code_of(shape), _static_dims(shape), dtype_code, tf
            ) or f"{tf}.{inits.DEFAULT_FLOAT_INITIALIZER}()(shape={syntax.code_of(shape)}, dtype={dtype_code})"
        else:
            value = f"{tf}.{inits.DEFAULT_ZERO_INITIALIZER}({syntax.code_of(shape)}, dtype={dtype_code})"
    elif _is_initializer(t, initializer, initializer_names):
        if shape is None:
            raise Declined(UNSUPPORTED_FORM, "an initializer object without a shape", call)
        value = _seeded_value(t, initializer, shape, dtype_code) or (
            f"{syntax.code_of(initializer)}(shape={syntax.code_of(shape)}, dtype={dtype_code})"
        )
    elif _is_value(t, initializer):
        value = syntax.code_of(initializer)
        if dtype is not None:
            value = f"{value}, dtype={dtype_code}"
    else:
        raise Declined(UNKNOWN_INITIALIZER, "an initializer this rule cannot tell from a value", call)
    extra = ""
    if "trainable" in bound:
        extra += f", trainable={syntax.code_of(bound['trainable'])}"
    if "constraint" in bound:
        extra += f", constraint={syntax.code_of(bound['constraint'])}"
    full = prefix + name
    trainable = not ("trainable" in bound and m.matches(bound["trainable"], m.Name("False")))
    built = cst.parse_expression(f'{tf}.Variable({value}, name="{full}"{extra})')
    assert isinstance(built, cst.Call)
    return full, built, trainable


def _static_dims(shape: cst.BaseExpression) -> tuple[int, ...] | None:
    if not isinstance(shape, (cst.List, cst.Tuple)):
        return None
    dims: list[int] = []
    for element in shape.elements:
        if not isinstance(element.value, cst.Integer):
            return None
        dims.append(int(element.value.evaluated_value))
    return tuple(dims)


def _seeded_value(
    t: VariablesToModules, initializer: cst.BaseExpression, shape: cst.BaseExpression, dtype: str
) -> str | None:
    """The `tf.random` op drawing what an initializer call draws, so that the graph seed still
    decides the numbers; None for a name bound earlier or an initializer with no such op."""
    if not isinstance(initializer, cst.Call) or any(arg.keyword is None or arg.star for arg in initializer.args):
        return None
    api = t.tf_api(initializer.func)
    if api is None:
        return None
    keywords = {arg.keyword.value: syntax.code_of(arg.value) for arg in initializer.args if arg.keyword is not None}
    return inits.seeded_value(api, keywords, syntax.code_of(shape), _static_dims(shape), dtype, t.tf_alias())


def _is_initializer(t: VariablesToModules, node: cst.BaseExpression, names: set[str]) -> bool:
    if isinstance(node, cst.Name):
        return node.value in names
    if isinstance(node, cst.Call):
        api = t.tf_api(node.func)
        return api is not None and inits.is_initializer_api(api)
    return False


def _is_value(t: VariablesToModules, node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.Integer, cst.Float, cst.List, cst.Tuple, cst.UnaryOperation)):
        return True
    if isinstance(node, cst.Call):
        api = t.tf_api(node.func)
        if api is not None:
            return not inits.is_initializer_api(api)
        root = node.func
        while isinstance(root, cst.Attribute):
            root = root.value
        return isinstance(root, cst.Name) and root.value in {"np", "numpy"}
    return False


# --- shared functions as tf.Module ---------------------------------------------------------


def model_infos(scope: _ScopeRewriter, model: ModelFunction) -> list[VarInfo]:
    _, infos = _plan_module(scope, model)
    return infos


@dataclass
class _ModulePlan:
    init_lines: list[cst.BaseStatement]
    body: list[cst.BaseStatement]


def _plan_module(scope: _ScopeRewriter, model: ModelFunction) -> tuple[_ModulePlan, list[VarInfo]]:
    if model.plan is not None:
        return model.plan
    node = model.node
    assert isinstance(node.body, cst.IndentedBlock)
    flat = scope.flatten(node.body.body, model.prefix or "", Reuse.NEW, None, in_function=True)
    params = {p.name.value for p in (*node.params.params, *node.params.kwonly_params, *node.params.posonly_params)}
    local = syntax.local_names(node) | params
    created: list[tuple[int, str, str, VarInfo, cst.Call, cst.BaseStatement]] = []
    initializer_names: set[str] = set()
    for position, entry in enumerate(flat):
        assigned = syntax.assigned_call(entry.node)
        api = scope.t.tf_api(assigned[1].func) if assigned is not None else None
        if assigned is not None and api in (GET_VARIABLE, VARIABLE):
            target, call = assigned
            if syntax.names_in(call) & local:
                raise _SharedOnly(
                    UNSHARABLE_FUNCTION,
                    "a variable whose shape or initial value depends on the function's inputs",
                    call,
                )
            if api == GET_VARIABLE:
                full, value, trainable = variable_call(
                    scope.t, call, entry.prefix, entry.initializer, initializer_names | scope.initializer_names
                )
            else:
                if len(model.calls) > 1:
                    raise Declined(
                        UNSHARABLE_FUNCTION,
                        "tf.Variable in a function called more than once creates new variables per call",
                        call,
                    )
                name = syntax.string_literal(syntax.call_argument(call, VARIABLE_NAME_POSITION, "name")) or "Variable"
                full, value = entry.prefix + name, call.visit(_Renamed(call, entry.prefix + name))  # type: ignore[assignment]
                trainable = True
            created.append((position, target, full, VarInfo(full, "", trainable, 0), value, entry.node))
        elif any(a in (GET_VARIABLE, VARIABLE) for a, _ in syntax.tf_apis_in(entry.node, scope.t.tf_api)):
            raise Declined(UNSHARABLE_FUNCTION, "a variable created inside control flow or an expression", entry.node)
        elif any(
            a in COLLECTION_CALLS or a == "tf.get_collection" for a, _ in syntax.tf_apis_in(entry.node, scope.t.tf_api)
        ):
            raise Declined(UNSHARABLE_FUNCTION, "a variable collection read inside a function", entry.node)
    if scope.t.context.scratch.get(GRAPH_MODE_KEY):
        _graph_code_first(scope, model, flat, {c[0] for c in created})
    targets = [c[1] for c in created]
    by_full: dict[str, str] = {}
    attrs: dict[int, str] = {}
    for position, target, full, info, _value, _stmt in created:
        if full in by_full:
            if flat[position].reuse is Reuse.NEW:
                raise Declined(
                    UNSUPPORTED_FORM, f"`{full}` is requested twice outside a reusing scope", flat[position].node
                )
            attrs[position] = by_full[full]
            continue
        relative = full[len(model.prefix or "") :]
        attr = target if targets.count(target) == 1 else re.sub(r"\W", "_", relative)
        by_full[full] = attr
        attrs[position] = attr
        info.ref = f"{node.name.value}.{attr}"
    init_lines: list[cst.BaseStatement] = []
    body: list[cst.BaseStatement] = []
    mapping: dict[str, str] = {}
    created_at = {c[0]: c for c in created}
    for position, entry in enumerate(flat):
        if position in created_at:
            _, target, full, _info, value, statement = created_at[position]
            mapping[target] = attrs[position]
            if _info.ref:
                init_lines.append(
                    statement.with_changes(
                        body=[
                            cst.Assign(
                                [cst.AssignTarget(cst.Attribute(cst.Name("self"), cst.Name(attrs[position])))], value
                            )
                        ]
                    )
                )
            continue
        statement = entry.node
        rebinds = set(syntax.defined_names(statement)) & set(mapping)
        if rebinds and not isinstance(statement, cst.SimpleStatementLine):
            raise Declined(NAME_REBOUND, "a variable's name is bound again inside control flow", statement)
        statement = statement.visit(syntax.SelfAttributes(mapping))  # type: ignore[assignment]
        for name in rebinds:
            mapping.pop(name)
        body.append(statement)
    if model.reuse_param is not None:
        for statement in body:
            if model.reuse_param in syntax.names_in(statement):
                raise Declined(
                    UNSHARABLE_FUNCTION, "the `reuse` argument is used for more than the variable scope", statement
                )
    infos = [c[3] for c in created if c[3].ref]
    plan = _ModulePlan(init_lines, body)
    model.plan = (plan, infos)
    return model.plan


def build_module(scope: _ScopeRewriter, model: ModelFunction) -> cst.BaseStatement:
    plan, _ = _plan_module(scope, model)
    node = model.node
    tf = scope.tf
    params = [p for p in node.params.params if p.name.value != model.reuse_param]
    if params:
        params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return syntax.module_class(
        model.class_name, tf, node.params.with_changes(params=params), plan.body,
        init_statements=plan.init_lines, decorators=node.decorators, leading_lines=node.leading_lines,
    )


# --- functions made one instance per call ---------------------------------------------------

# Attributes tf.Module has or the instances set: a variable's attribute takes another name.
_MODULE_ATTRIBUTES = frozenset({
    "name", "name_scope", "scope", "submodules", "variables", "trainable_variables", "non_trainable_variables",
    "with_name_scope",
})


@dataclass
class _PerCallPlan:
    """A function made one instance per call: its `__call__` body, which creates each variable
    at the first call, and the attributes that hold them."""

    attributes: list[str]
    body: list[cst.BaseStatement]
    scoped: bool  # each instance takes the variable scope its call was made in

    def construction(self, class_name: str, site: CallSite) -> cst.BaseStatement:
        argument = f'"{site.prefix}"' if self.scoped else ""
        return cst.parse_statement(f"{site.instance} = {class_name}({argument})\n")

    def class_node(self, class_name: str, node: cst.FunctionDef, tf: str) -> cst.ClassDef:
        return syntax.module_class(
            class_name, tf, node.params, self.body,
            init_params="self, scope" if self.scoped else "self",
            init_lines=[*(["self.scope = scope"] if self.scoped else []),
                        *(f"self.{attribute} = None" for attribute in self.attributes)],
            decorators=node.decorators, leading_lines=node.leading_lines,
        )


def _plan_per_call(scope: _ScopeRewriter, model: ModelFunction, taken: set[str]) -> _PerCallPlan:
    """Plan `model` as one instance per call. Each call site gets its instance and the TF1 names
    its variables had, which must be known: every parameter naming a variable scope is given a
    string literal there."""
    node = model.node
    name = node.name.value
    assert isinstance(node.body, cst.IndentedBlock)
    for other in scope.models.values():
        if other is not model and name in syntax.names_in(other.node.body):
            raise Declined(
                UNSHARABLE_FUNCTION, f"`{name}` is called by `{other.node.name.value}`, which creates variables too",
                other.node,
            )
    stateful = stateful_call(node, [node], scope.t.tf_api, scope.t.module_names, scope.t.pure_functions)
    if stateful is not None:
        raise Declined(
            UNSHARABLE_FUNCTION,
            f"`{syntax.code_of(stateful.func)}` in `{name}` would run at an instance's first call, inside the "
            "first run, later than TF1 ran it",
            stateful,
        )
    params = [p.name.value for p in node.params.params]
    scope.scope_params = frozenset(params)
    try:
        flat = scope.flatten(node.body.body, "", Reuse.NEW, None, in_function=True)
    finally:
        scope.scope_params = frozenset()
    scoped = any(site.prefix for site in model.sites)
    created: dict[int, tuple[str, str, cst.Call, bool]] = {}  # position -> target, TF1 name, value, trainable
    created_calls: dict[int, cst.Call] = {}  # position -> the get_variable call
    # `tf.variable_scope(name, reuse=tf.AUTO_REUSE)`: a call in a scope no call made before
    # creates its variables, a call in the same scope as an earlier one finds that one's.
    auto_reuse = False
    # A get_variable in a reusing scope that finds a variable the same call made before it:
    # its position -> the name it binds and the position that made the variable.
    found_again: dict[int, tuple[str, int]] = {}
    for position, entry in enumerate(flat):
        assigned = syntax.assigned_call(entry.node)
        api = scope.t.tf_api(assigned[1].func) if assigned is not None else None
        apis = [a for a, _ in syntax.tf_apis_in(entry.node, scope.t.tf_api)]
        if assigned is not None and api == GET_VARIABLE:
            target, call = assigned
            literal = syntax.string_literal(syntax.call_argument(call, 0, "name"))
            asked = entry.prefix + literal if literal is not None else None
            maker = next((made for made, (_, name, _, _) in created.items() if name == asked), None)
            if maker is not None and asked is not None and entry.reuse is not Reuse.NEW:
                _check_same_variable(call, created_calls[maker], asked)
                found_again[position] = (target, maker)
                continue
            relative, value, trainable = variable_call(
                scope.t, call, entry.prefix, entry.initializer, set(scope.initializer_names)
            )
            if entry.reuse is Reuse.AUTO:
                auto_reuse = True
            elif entry.reuse is not Reuse.NEW:
                raise Declined(
                    UNSHARABLE_FUNCTION, "a variable scope that reuses variables in a function made at each call", call
                )
            if maker is not None:
                readable = relative.replace(_PARAMETER_SCOPE, "")
                raise Declined(UNSUPPORTED_FORM, f"`{readable}` is requested twice outside a reusing scope", call)
            created[position] = (target, relative, value, trainable)
            created_calls[position] = call
        elif assigned is not None and api == VARIABLE:
            raise Declined(UNSHARABLE_FUNCTION, "tf.Variable in a function that makes new variables at each call",
                           assigned[1])
        elif any(a in (GET_VARIABLE, VARIABLE) for a in apis):
            raise Declined(UNSHARABLE_FUNCTION, "a variable created inside control flow or an expression", entry.node)
        elif any(a in COLLECTION_CALLS or a == "tf.get_collection" for a in apis):
            raise Declined(UNSHARABLE_FUNCTION, "a variable collection read inside a function", entry.node)
    # The TF1 names each call makes, and the earlier call whose instance it calls (AUTO_REUSE).
    calls: list[tuple[CallSite, tuple[str, ...], dict[str, str], CallSite | None]] = []
    first_in_scope: dict[tuple[str, ...], CallSite] = {}
    for site in model.sites:
        values = _scope_values(node, site, {p for made in created.values() for p in _scope_parameters(made[1])})
        names = tuple(site.prefix + _substituted(made[1], values) for made in created.values())
        earlier = first_in_scope.get(names) if auto_reuse else None
        if auto_reuse and earlier is None and any(set(names) & set(other) for other in first_in_scope):
            raise Declined(UNSHARABLE_FUNCTION, f"calls of `{name}` reuse some of each other's variables and make "
                           "others", site.call)
        first_in_scope.setdefault(names, site)
        calls.append((site, names, values, earlier))
    if created:
        if scope.t.context.scratch.get(GRAPH_MODE_KEY):
            # TF1's initializers of shapes known only at the call have no seeded op of their own here
            # (they become Keras initializers), which a TF1 graph would draw other numbers from.
            why = f"`{name}` makes new variables at each call, in a file that stays in graph mode"
            raise Declined(UNSHARABLE_FUNCTION, why, node)
        _check_not_imported(scope, name, node)
    targets = [made[0] for made in created.values()]
    attributes: dict[int, str] = {}
    for position, (target, relative, _, _) in created.items():
        attribute = target if targets.count(target) == 1 else re.sub(r"\W", "_", relative.replace(_PARAMETER_SCOPE, ""))
        if attribute in _MODULE_ATTRIBUTES or attribute in attributes.values():
            attribute = syntax.unique_name(f"{attribute}_variable", set(attributes.values()) | _MODULE_ATTRIBUTES)
        attributes[position] = attribute
    body: list[cst.BaseStatement] = []
    for position, entry in enumerate(flat):
        if position in found_again:
            target, maker = found_again[position]
            found = cst.parse_statement(f"{target} = self.{attributes[maker]}\n")
            body.append(syntax.with_leading_lines(found, syntax.leading_lines(entry.node)))
            continue
        if position not in created:
            body.append(entry.node)
            continue
        target, relative, value, _ = created[position]
        attribute = attributes[position]
        value = value.with_changes(args=[
            a.with_changes(value=_name_expression(relative, scoped))
            if a.keyword is not None and a.keyword.value == "name" else a
            for a in value.args
        ])
        made = cst.parse_statement(
            f"if self.{attribute} is None:\n"
            f"    self.{attribute} = {syntax.code_of(value)}\n"
        )
        body.append(syntax.with_leading_lines(made, syntax.leading_lines(entry.node)))
        body.append(cst.parse_statement(f"{target} = self.{attribute}\n"))
    for site, names, values, earlier in calls:
        if earlier is not None:
            site.instance, site.shared = earlier.instance, True
            continue
        first = next(iter(values.values()), None)
        segment = first if first is not None else site.prefix.rstrip("/").rpartition("/")[2]
        stem = re.sub(r"\W", "_", f"{name}_{segment}") if segment else name
        site.instance = syntax.unique_name(stem, taken)
        taken.add(site.instance)
        for full, (position, (_, _, _, trainable)) in zip(names, created.items()):
            site.infos.append(VarInfo(full, f"{site.instance}.{attributes[position]}", trainable, site.index,
                                      at_first_call=True))
    return _PerCallPlan(list(attributes.values()), body, scoped)


def _check_same_variable(again: cst.Call, made: cst.Call, relative: str) -> None:
    """A variable requested again must be asked for with the shape and dtype it was made with,
    or without them: TF1 refused another one (the other arguments it ignored)."""
    for position, keyword in ((1, "shape"), (2, "dtype")):
        asked = syntax.call_argument(again, position, keyword)
        given = syntax.call_argument(made, position, keyword)
        if asked is not None and (given is None or syntax.code_of(asked) != syntax.code_of(given)):
            readable = relative.replace(_PARAMETER_SCOPE, "")
            raise Declined(UNSUPPORTED_FORM, f"`{readable}` is requested again with another {keyword}", again)


def _check_not_imported(scope: _ScopeRewriter, name: str, node: cst.FunctionDef) -> None:
    """A function of a module that other modules of the tree import (`from ops import conv`,
    `import ops`) stays a function: made one instance per call, it would be none there."""
    links = scope.t.context.scratch.get(PROJECT_KEY)
    if isinstance(links, ModuleLinks):
        for imported in links.imported_by:
            if imported.star or any(original in ("", name) for _, original in imported.names):
                raise Declined(
                    UNSHARABLE_FUNCTION,
                    f"`{name}` makes new variables at each call and {imported.importer} imports it "
                    f"(`{imported.statement}`): made one instance per call, it would be no function to call there",
                    node,
                )


def _scope_parameters(relative: str) -> list[str]:
    return relative.split(_PARAMETER_SCOPE)[1::2]


def _substituted(relative: str, values: dict[str, str]) -> str:
    parts = relative.split(_PARAMETER_SCOPE)
    return "".join(values[part] if i % 2 else part for i, part in enumerate(parts))


def _name_expression(relative: str, scoped: bool) -> cst.BaseExpression:
    """The `name=` of a variable made at a module's first call: its TF1 name, with the scope the
    instance was made in and the parameters that named variable scopes."""
    pieces = ["self.scope"] if scoped else []
    for i, part in enumerate(relative.split(_PARAMETER_SCOPE)):
        if i % 2:
            pieces.append(part)
        elif part:
            pieces.append(cst.SimpleString(f'"{part}"').value)
    return cst.parse_expression(" + ".join(pieces))


def _scope_values(node: cst.FunctionDef, site: CallSite, parameters: set[str]) -> dict[str, str]:
    """The string literals a call gives the parameters that name variable scopes."""
    given: dict[str, cst.BaseExpression] = {}
    names = [p.name.value for p in node.params.params]
    for position, arg in enumerate(site.call.args):
        if arg.star:
            raise Declined(UNSHARABLE_FUNCTION, "a call with unpacked arguments of a function made at each call",
                           site.call)
        if arg.keyword is not None:
            given[arg.keyword.value] = arg.value
        elif position < len(names):
            given[names[position]] = arg.value
    defaults = {p.name.value: p.default for p in node.params.params if p.default is not None}
    values: dict[str, str] = {}
    for parameter in sorted(parameters, key=names.index):
        literal = syntax.string_literal(given.get(parameter, defaults.get(parameter)))
        if literal is None:
            raise Declined(
                UNSUPPORTED_FORM,
                f"`{node.name.value}` is called with a variable scope name (`{parameter}`) that is not a string "
                "literal",
                site.call,
            )
        values[parameter] = literal
    return values


class _Rebinding:
    """Names bound to several variables in turn (`kernel = tf.get_variable("kernel", ...)` under
    each layer's scope) get a name per binding after the first (`kernel_1`), and the code after a
    binding reads it under that name: TF1 code read the name's binding of the moment as it built
    the graph, where the converted functions read module names when they run."""

    def __init__(self, names: frozenset[str], taken: set[str]) -> None:
        self.names = names
        self.taken = set(taken)
        self.current: dict[str, str] = {}
        self.seen: set[str] = set()

    def apply(self, statement: cst.BaseStatement, created: str | None) -> cst.BaseStatement:
        if not self.names:
            return statement
        reads = syntax.NameSubstitution({old: cst.Name(new) for old, new in self.current.items()})
        if created not in self.names:
            if not syntax.names_in(statement) & set(self.current):
                return statement
            return syntax.visit_statement(statement, reads)
        assert created is not None and isinstance(statement, cst.SimpleStatementLine)
        small = statement.body[0]
        assert isinstance(small, cst.Assign)
        value = small.value
        if syntax.names_in(value) & set(self.current):
            visited = value.visit(reads)
            assert isinstance(visited, cst.BaseExpression)
            value = visited
        name = created
        if created in self.seen:
            name = syntax.unique_name(created, self.taken)
            self.taken.add(name)
            self.current[created] = name
        self.seen.add(created)
        target = small.targets[0].with_changes(target=cst.Name(name))
        return statement.with_changes(body=[small.with_changes(targets=[target], value=value)])


class _CallInstances(cst.CSTTransformer):
    """Each call of a function made one instance per call calls its own instance."""

    def __init__(self, sites: Sequence[CallSite]) -> None:
        self.instances = {id(site.call): site.instance for site in sites}

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        instance = self.instances.get(id(original_node))
        return updated_node if instance is None else updated_node.with_changes(func=cst.Name(instance))
