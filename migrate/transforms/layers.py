"""TFM311: functional TF1 layers become Keras 3 layers created once and called in the graph code.

`h = tf.layers.dense(x, 64)` builds a layer and its variables each time graph code runs it;
in TF 2 the layer is an object created once (`dense = tf.keras.layers.Dense(64, name="dense")`)
and called where the graph used it (`h = dense(x)`). The layer gets the name TF1 would have
given it (`dense`, `dense_1`, ..., or the explicit `name=`), so its variables keep TF1's paths
(`dense/kernel`). A boolean placeholder fed to `training=` becomes a `tf.cond` between the
training and inference calls (Keras 3 layers take a Python bool). A layer built inside a
module-level `with tf.variable_scope("encoder"):` is numbered within that scope, as TF1 did
(`encoder/dense`, `encoder/dense_1`); a Keras 3 name holds no "/", so the layer is named
`encoder_dense` and its TF1 name reaches the Checkpoint a Saver becomes. `UPDATE_OPS` control
dependencies around `minimize` disappear: Keras batch normalization updates its moving
statistics when called in training mode. Regularization-loss collections become the sum of the
layers' `losses`.

A file is converted whole or not at all: Keras 3 layers cannot run in TF1 graph mode, so one
layer that cannot be converted keeps every layer of the file as TF1 code, with a finding.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import ClassVar

import libcst as cst
from libcst.codemod.visitors import RemoveImportsVisitor

from migrate.analysis import layer_arguments as la
from migrate.analysis import syntax, walk
from migrate.analysis.call_arguments import (
    ArgumentsNotBound,
    UnknownKeywords,
    bind_arguments,
    bound_values,
    keyword_arg,
)
from migrate.analysis.declined import Declined
from migrate.analysis.graph_segments import graph_generations
from migrate.analysis.rnn_plan import RNN_RULE, RNNPlanner
from migrate.findings import Severity
from migrate.transforms.base import SUPPRESSIONS_KEY, Example, MigrationTransform

LAYER_IN_CONTROL_FLOW = "TFM312"
TRAINING_UNKNOWN = "TFM313"
FUSED_BATCH_NORM = "TFM314"
UNSUPPORTED_ARGUMENT = "TFM315"
LAYER_IN_VARIABLE_SCOPE = "TFM316"
UPDATE_OPS_KEPT = "TFM317"
REGULARIZATION_KEPT = "TFM318"
TRAINING_COND = "TFM319"
RNN_KEPT = "TFM310"
# Context scratch: Python name of a Keras layer built inside a variable scope -> its TF1 name.
LAYER_SCOPES_KEY = "tf_migrate.layer_scopes"

_PLACEHOLDERS = frozenset({"tf.placeholder", "tf.placeholder_with_default"})
_COLLECTION_GETTERS = frozenset({"tf.get_collection", "tf.compat.v1.get_collection"})
_REGULARIZATION_SUM = frozenset({"tf.losses.get_regularization_loss"})
_REGULARIZATION_LIST = frozenset({"tf.losses.get_regularization_losses"})
_REGULARIZATION_KEY = "tf.GraphKeys.REGULARIZATION_LOSSES"
_L2 = frozenset({"tf.contrib.layers.l2_regularizer", "tf.contrib.slim.l2_regularizer"})
_L1 = frozenset({"tf.contrib.layers.l1_regularizer", "tf.contrib.slim.l1_regularizer"})
_VARIABLE_SCOPES = frozenset({"tf.variable_scope"})
_ARG_SCOPE = "tf.contrib.slim.arg_scope"
_INPUTS = "inputs"  # the first parameter of every TF1 layer function
# slim helpers that call a layer function passed to them: not converted.
_LAYER_DRIVERS = frozenset({"tf.contrib.slim.repeat", "tf.contrib.slim.stack", _ARG_SCOPE})
# Elementwise functions whose output has the rank of their first argument.
_RANK_KEEPING = ("tf.nn.", "tf.math.", "tf.identity", "tf.sigmoid", "tf.tanh")
_KERAS_POSITIONAL = {
    "Dense": ("units",),
    "Conv2D": ("filters", "kernel_size"),
    "Conv2DTranspose": ("filters", "kernel_size"),
    "MaxPooling2D": ("pool_size", "strides"),
    "AveragePooling2D": ("pool_size", "strides"),
    "Dropout": ("rate",),
}
_PADDING_KEYWORDS = frozenset({"padding"})


@dataclass
class _Layer:
    python_name: str
    layer_name: str
    construction: cst.SimpleStatementLine
    regularized: bool


@dataclass
class _State:
    """What the walk over one file has found so far."""

    counts: dict[str, int] = field(default_factory=dict)  # TF1 variable-scope names used
    taken: set[str] = field(default_factory=set)  # Python names in the file
    layers: list[_Layer] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)  # names bound to boolean placeholders
    # Names the module's own code (or its script block) binds once, to True, False or None.
    constants: dict[str, bool | None] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)
    update_ops: set[str] = field(default_factory=set)  # names holding the UPDATE_OPS collection
    # slim.arg_scope defaults in force: canonical layer API -> keyword -> value.
    arg_scopes: list[dict[str, dict[str, cst.BaseExpression]]] = field(default_factory=list)
    batch_norms: int = 0
    scope: str = ""  # the variable scope the walk is in: "policy/"


def _module_constants(module: cst.Module) -> dict[str, bool | None]:
    """The names bound once to True, False or None by the module's statements, or by those of
    its `if __name__ == "__main__":` block (where a model flattened into the script is built)
    and nowhere else in the module's scope."""
    found = syntax.literal_flags(module.body)
    for statement in module.body:
        if syntax.is_main_guard(statement) and isinstance(statement, cst.If):
            block = statement.body
            if isinstance(block, cst.IndentedBlock):
                inner = syntax.literal_flags(block.body)
                outside = {name for other in module.body if other is not statement
                           for name in syntax.assigned_names(other)}
                found.update({name: value for name, value in inner.items() if name not in outside})
    return found


def _is_none_or_false(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value in {"None", "False"}


def _one_minus(value: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(value, (cst.Float, cst.Integer)):
        try:
            return cst.Float(str(Decimal(1) - Decimal(value.value)))
        except InvalidOperation:
            pass
    operand = syntax.parenthesized(value)
    return cst.BinaryOperation(left=cst.Integer("1"), operator=cst.Subtract(), right=operand)


def _half(value: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(value, (cst.Float, cst.Integer)):
        try:
            return cst.Float(str(Decimal(value.value) / 2))
        except InvalidOperation:
            pass
    operand = syntax.parenthesized(value)
    return cst.BinaryOperation(left=operand, operator=cst.Divide(), right=cst.Integer("2"))


def _prepend_lines(statement: cst.BaseStatement, lines: Sequence[cst.EmptyLine]) -> cst.BaseStatement:
    if isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return statement.with_changes(leading_lines=[*lines, *statement.leading_lines])
    return statement


def _identifier(layer_name: str) -> str:
    text = "".join(ch if ch.isalnum() else "_" for ch in layer_name.lower()).strip("_") or "layer"
    return text if not text[0].isdigit() else f"layer_{text}"


class LayersToKeras(MigrationTransform):
    CODE = "TFM311"
    EAGER_ONLY = True
    DESCRIPTION = "tf.layers / tf.contrib.layers / slim layer functions become Keras layers created once"
    DECLINE_FINDINGS = frozenset(
        {
            LAYER_IN_CONTROL_FLOW, TRAINING_UNKNOWN, FUSED_BATCH_NORM, UNSUPPORTED_ARGUMENT,
            LAYER_IN_VARIABLE_SCOPE, UPDATE_OPS_KEPT, REGULARIZATION_KEPT, RNN_KEPT,
        }
    )
    FINDINGS: ClassVar[dict[str, str]] = {
        LAYER_IN_CONTROL_FLOW: (
            "a layer built inside a loop, branch or a function called more than once: layers left as TF1 code"
        ),
        TRAINING_UNKNOWN: "`training=` is neither a literal nor a boolean placeholder: layers left as TF1 code",
        FUSED_BATCH_NORM: (
            "batch norm on a 4-D or unknown-rank input: TF1's fused kernel keeps the unbiased batch variance in the "
            "moving average and Keras 3 does not; layers left as TF1 code (pass fused=False to convert)"
        ),
        UNSUPPORTED_ARGUMENT: "a layer argument with no Keras 3 equivalent: layers left as TF1 code",
        LAYER_IN_VARIABLE_SCOPE: (
            "a layer inside tf.variable_scope (reused, nested, bound or named by an expression) or slim.arg_scope "
            "this rule cannot expand: layers left as TF1 code"
        ),
        UPDATE_OPS_KEPT: (
            "the UPDATE_OPS collection is used other than as control dependencies of a training op: "
            "layers left as TF1 code"
        ),
        REGULARIZATION_KEPT: (
            "regularization losses collected in a form this rule does not convert: layers left as TF1 code"
        ),
        TRAINING_COND: (
            "a boolean placeholder fed to training= becomes tf.cond between the training and inference calls"
        ),
        RNN_KEPT: "the file's RNNs stay TF1 code (see TFM321's finding), so its layers do too",
    }
    TRIGGERS = ("layers", "slim", "UPDATE_OPS", "REGULARIZATION_LOSSES", "regularization_loss")
    EXAMPLES = (
        Example(
            name="dense-and-dropout",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "x = tf.placeholder(tf.float32, [None, 4])\n"
                "h = tf.layers.dense(x, 8, activation=tf.nn.relu)\n"
                "logits = tf.layers.dense(h, 2)\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "x = tf.placeholder(tf.float32, [None, 4])\n"
                'dense = tf.keras.layers.Dense(8, activation=tf.nn.relu, name="dense")\n'
                "h = dense(x)\n"
                'dense_1 = tf.keras.layers.Dense(2, name="dense_1")\n'
                "logits = dense_1(h)\n"
            ),
        ),
        Example(
            name="contrib-defaults",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "x = tf.placeholder(tf.float32, [None, 4])\n"
                "h = tf.contrib.layers.fully_connected(x, 8)\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "x = tf.placeholder(tf.float32, [None, 4])\n"
                'fully_connected = tf.keras.layers.Dense(8, activation=tf.nn.relu, name="fully_connected")\n'
                "h = fully_connected(x)\n"
            ),
        ),
        Example(
            name="in-a-loop",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "h = tf.placeholder(tf.float32, [None, 4])\n"
                "for units in [8, 8]:\n"
                "    h = tf.layers.dense(h, units)\n"
            ),
        ),
    )

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        state = _State(taken=set(syntax.names_in(original_node)))
        state.constants = _module_constants(original_node)
        self._defs = {
            s.name.value: s for s in original_node.body if isinstance(s, cst.FunctionDef)
        }
        self._def_calls = _call_counts(original_node, set(self._defs))
        self._hoisted: dict[str, list[cst.SimpleStatementLine]] = {}
        self._done_defs: set[str] = set()
        try:
            self._check_rnn(original_node)
            self._check_references(original_node)
            body = self._module_body(original_node.body, state)
        except Declined as declined:
            self.report(declined.node or original_node, declined.message, code=declined.code, severity=Severity.WARNING)
            return updated_node
        if not state.layers:
            return updated_node
        for statement in original_node.body:
            # `import tf_slim as slim` is dropped when no slim name is left.
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)) and "tf_slim" in syntax.code_of(small):
                        RemoveImportsVisitor.remove_unused_import_by_node(self.context, small)
        return updated_node.with_changes(body=body)

    def _check_rnn(self, module: cst.Module) -> None:
        if not self._has_layer(module):
            return
        planner = RNNPlanner(self.tf_api, self.tf_expr, self._rnn_rule_off_at)
        if not planner.uses_rnn(module):
            return
        declined = planner.declined(module)
        if declined is not None:
            reason = f"{declined.code}: {declined.message}"
            raise Declined(RNN_KEPT, f"the RNNs of this file stay TF1 code ({reason})", module.body[0])

    def _rnn_rule_off_at(self, node: cst.CSTNode) -> bool:
        """Whether a `# tf-migrate: ignore` comment switches the RNN rule off at `node`, as
        `is_suppressed_at` tells each rule for itself: the RNNs then stay, and so do the layers."""
        by_line = self.context.scratch.get(SUPPRESSIONS_KEY, {})
        codes = by_line.get(self.line_of(node), ()) if isinstance(by_line, dict) and by_line else ()
        return "*" in codes or any(RNN_RULE.startswith(prefix) for prefix in codes)

    def _check_references(self, module: cst.Module) -> None:
        """Layer functions used other than by calling them (handed to slim.repeat / stack, stored)
        cannot be converted; neither can the rest of the file then."""
        called = {id(call.func) for call in syntax.calls_in(module)}
        in_arg_scopes = {
            id(element.value)
            for call in syntax.calls_in(module)
            if self.tf_api(call.func) == _ARG_SCOPE and call.args
            and isinstance(call.args[0].value, (cst.List, cst.Tuple))
            for element in call.args[0].value.elements
        }
        for node in syntax.references_in(module).outermost():
            api = self.tf_api(node)
            if api in _LAYER_DRIVERS - {_ARG_SCOPE}:
                raise Declined(UNSUPPORTED_ARGUMENT, f"{api} is not converted", node)
            if la.spec_for(api) is not None and id(node) not in called and id(node) not in in_arg_scopes:
                raise Declined(UNSUPPORTED_ARGUMENT, f"{api} used as a value", node)

    # --- walking scopes ---------------------------------------------------------------
    def _module_body(self, body: Sequence[cst.BaseStatement], state: _State) -> list[cst.BaseStatement]:
        self._module_statements = list(body)
        out: list[cst.BaseStatement] = []
        walked: dict[str, cst.FunctionDef] = {}
        generations = graph_generations(body, self.tf_api)
        # A reset default graph names its layers afresh: `dense`, not `dense_2`.
        self._graph_resets = {
            id(later)
            for earlier, later in itertools.pairwise(body)
            if generations[id(later)] != generations[id(earlier)]
        }
        for statement in body:
            if (
                isinstance(statement, cst.FunctionDef)
                and statement.name.value in self._defs
                and _contains_session(statement, self.tf_api)
                and isinstance(statement.body, cst.IndentedBlock)
                # A function with layers is converted at its one call (or declined): walked here
                # too, its layers would take TF1's names and the names after them twice.
                and not self._has_layer(statement)
            ):
                inner = self._block(statement.body.body, state, params={})
                walked[statement.name.value] = statement.with_changes(
                    body=statement.body.with_changes(body=inner)
                )
            out.append(statement)
        # Model functions are converted when the walk reaches their one call, so names follow
        # TF1's graph-construction order; their layers are placed before the function.
        result: list[cst.BaseStatement] = []
        top = self._block(out, state, params={})
        for statement in top:
            if isinstance(statement, cst.FunctionDef):
                name = statement.name.value
                if name in walked:
                    statement = walked[name]
                if name in self._hoisted:
                    converted = self._converted_defs[name]
                    hoisted = self._hoisted[name]
                    hoisted[0] = hoisted[0].with_changes(leading_lines=statement.leading_lines)
                    result.extend(hoisted)
                    statement = converted.with_changes(
                        leading_lines=[cst.EmptyLine(indent=False), cst.EmptyLine(indent=False)]
                    )
                elif name in self._converted_defs:
                    statement = self._converted_defs[name]
            result.append(statement)
        for name, definition in self._defs.items():
            if name not in self._done_defs and self._has_layer(definition):
                raise Declined(
                    LAYER_IN_CONTROL_FLOW,
                    f"function `{name}` builds layers and is not called exactly once",
                    definition,
                )
        return result

    _converted_defs: dict[str, cst.FunctionDef]
    _graph_resets: set[int]  # top-level statements that reset the default graph
    _module_statements: list[cst.BaseStatement]  # the module's own statements

    def _block(
        self,
        body: Sequence[cst.BaseStatement],
        state: _State,
        params: dict[str, cst.BaseExpression],
        hoist: bool = False,
    ) -> list[cst.BaseStatement]:
        if not hasattr(self, "_converted_defs"):
            self._converted_defs = {}
        out: list[cst.BaseStatement] = []
        for statement in body:
            if id(statement) in self._graph_resets:
                state.counts.clear()
            if isinstance(statement, cst.SimpleStatementLine):
                out.extend(self._simple(statement, state, params, hoist))
            elif isinstance(statement, cst.With):
                out.extend(self._with(statement, state, params, hoist))
            elif isinstance(statement, cst.FunctionDef):
                if statement.name.value not in self._defs and self._has_layer(statement):
                    raise Declined(LAYER_IN_CONTROL_FLOW, "a layer built inside a nested function", statement)
                out.append(statement)
            elif isinstance(statement, cst.If) and syntax.is_script_block(statement, self._module_statements):
                assert isinstance(statement.body, cst.IndentedBlock)
                inner = self._block(statement.body.body, state, params, hoist)
                out.append(statement.with_changes(body=statement.body.with_changes(body=inner)))
            else:
                if self._has_layer(statement) or self._calls_model_def(statement):
                    where = "a class" if isinstance(statement, cst.ClassDef) else "a loop or branch"
                    raise Declined(LAYER_IN_CONTROL_FLOW, f"a layer built inside {where}", statement)
                out.append(statement)
        return out

    def _with(
        self, statement: cst.With, state: _State, params: dict[str, cst.BaseExpression], hoist: bool
    ) -> list[cst.BaseStatement]:
        if not isinstance(statement.body, cst.IndentedBlock):
            return [statement]
        if len(statement.items) == 1:
            item = statement.items[0].item
            if isinstance(item, cst.Call):
                api = self.tf_api(item.func)
                if api == "tf.control_dependencies" and item.args and self._is_update_ops(item.args[0].value, state):
                    inner = self._block(statement.body.body, state, params, hoist)
                    if inner:
                        inner[0] = _prepend_lines(inner[0], statement.leading_lines)
                    return inner
                if api == _ARG_SCOPE:
                    return self._arg_scope(statement, item, state, params, hoist)
                if api in _VARIABLE_SCOPES and self._has_layer(statement):
                    return self._variable_scope(statement, api, state, params, hoist)
        inner = self._block(statement.body.body, state, params, hoist)
        return [statement.with_changes(body=statement.body.with_changes(body=inner))]

    def _variable_scope(
        self,
        statement: cst.With,
        api: str,
        state: _State,
        params: dict[str, cst.BaseExpression],
        hoist: bool,
    ) -> list[cst.BaseStatement]:
        """`with tf.variable_scope("policy"):` names the variables of the layers built in its
        block (`policy/dense/kernel`), numbering them apart from those outside. The block is
        unwrapped once its layers are Keras layers: a Keras 3 layer name holds no scope, so the
        TF1 name goes to the Checkpoint of a Saver (migrate.transforms.checkpoints)."""
        assert isinstance(statement.body, cst.IndentedBlock)
        name = la.layer_scope_name(statement)
        if name is None or state.scope:
            why = f"layers built inside {api} in a form this rule cannot name"
            raise Declined(LAYER_IN_VARIABLE_SCOPE, why, statement)
        state.scope = f"{name}/"
        try:
            inner = self._block(statement.body.body, state, params, hoist)
        finally:
            state.scope = ""
        if inner:
            inner[0] = _prepend_lines(inner[0], statement.leading_lines)
        return inner

    def _arg_scope(
        self,
        statement: cst.With,
        item: cst.Call,
        state: _State,
        params: dict[str, cst.BaseExpression],
        hoist: bool,
    ) -> list[cst.BaseStatement]:
        """`with slim.arg_scope([slim.conv2d], padding="SAME"):` gives the listed layers of its
        block default arguments; the block is unwrapped once they are written out."""
        assert isinstance(statement.body, cst.IndentedBlock)
        listed = item.args[0].value if item.args and item.args[0].keyword is None else None
        if not isinstance(listed, (cst.List, cst.Tuple)) or statement.items[0].asname is not None:
            raise Declined(LAYER_IN_VARIABLE_SCOPE, "slim.arg_scope in a form this rule cannot expand", statement)
        apis: list[str] = []
        for element in listed.elements:
            found = la.spec_for(self.tf_api(element.value))
            if found is None:
                raise Declined(
                    LAYER_IN_VARIABLE_SCOPE, f"slim.arg_scope over {syntax.code_of(element.value)}", statement
                )
            apis.append(found[0])
        defaults = {a.keyword.value: a.value for a in item.args[1:] if a.keyword is not None}
        if len(defaults) != len(item.args) - 1:
            raise Declined(LAYER_IN_VARIABLE_SCOPE, "slim.arg_scope with positional defaults", statement)
        scope: dict[str, dict[str, cst.BaseExpression]] = {}
        for api in apis:
            outer = next((s[api] for s in reversed(state.arg_scopes) if api in s), {})
            scope[api] = {**outer, **defaults}
        state.arg_scopes.append(scope)
        try:
            inner = self._block(statement.body.body, state, params, hoist)
        finally:
            state.arg_scopes.pop()
        if inner:
            inner[0] = _prepend_lines(inner[0], statement.leading_lines)
        return inner

    def _simple(
        self,
        statement: cst.SimpleStatementLine,
        state: _State,
        params: dict[str, cst.BaseExpression],
        hoist: bool,
    ) -> list[cst.BaseStatement]:
        self._note_bindings(statement, state)
        if self._update_ops_binding(statement, state):
            return []
        for name in self._model_calls(statement):
            self._convert_def(name, state, statement)
        new: cst.CSTNode = statement
        constructions: list[cst.SimpleStatementLine] = []
        if any(self._rewrites(call) for call in syntax.calls_in(statement)):
            rewriter = _CallRewriter(self, state, params)
            new = walk.transform(statement, rewriter, code_only=True)
            constructions = rewriter.constructions
        assert isinstance(new, cst.SimpleStatementLine)
        for name in sorted(syntax.names_in(new) & state.update_ops):
            raise Declined(
                UPDATE_OPS_KEPT, f"`{name}` (UPDATE_OPS) used other than in tf.control_dependencies", statement
            )
        if not constructions or hoist:
            return [new]
        first = constructions[0].with_changes(leading_lines=statement.leading_lines)
        return [first, *constructions[1:], new.with_changes(leading_lines=[])]

    # --- model functions --------------------------------------------------------------
    def _model_calls(self, statement: cst.CSTNode) -> list[str]:
        found: list[str] = []
        for call in syntax.calls_in(statement):
            if isinstance(call.func, cst.Name) and call.func.value in self._defs:
                name = call.func.value
                if self._has_layer(self._defs[name]) and name not in found:
                    found.append(name)
        return found

    def _calls_model_def(self, statement: cst.CSTNode) -> bool:
        return bool(self._model_calls(statement))

    def _convert_def(self, name: str, state: _State, call_site: cst.CSTNode) -> None:
        definition = self._defs[name]
        if self._def_calls.get(name, 0) != 1 or name in self._done_defs:
            raise Declined(
                LAYER_IN_CONTROL_FLOW, f"function `{name}` builds layers and is called more than once", call_site
            )
        if not isinstance(definition.body, cst.IndentedBlock):
            raise Declined(LAYER_IN_CONTROL_FLOW, f"function `{name}` is a one-liner", definition)
        call = next(c for c in syntax.calls_in(call_site) if isinstance(c.func, cst.Name) and c.func.value == name)
        params = _parameter_values(definition, call)
        self._done_defs.add(name)
        before = len(state.layers)
        module_constants = state.constants
        # Inside the function, its parameters and locals are not the module's constants.
        local = syntax.local_names(definition)
        state.constants = {constant: value for constant, value in module_constants.items() if constant not in local}
        try:
            inner = self._block(definition.body.body, state, params, hoist=True)
        finally:
            state.constants = module_constants
        self._converted_defs[name] = definition.with_changes(body=definition.body.with_changes(body=inner))
        self._hoisted[name] = [layer.construction for layer in state.layers[before:]]
        if not self._hoisted[name]:
            del self._hoisted[name]

    # --- facts about statements -------------------------------------------------------
    def _rewrites(self, call: cst.Call) -> bool:
        """Whether _CallRewriter acts on `call`: a layer, or a read of the regularization losses."""
        api = self.tf_api(call.func)
        return la.spec_for(api) is not None or self._reads_regularization(call, api)

    def _reads_regularization(self, call: cst.Call, api: str | None) -> bool:
        """Whether `call`, of `api`, reads the regularization losses."""
        if api in _REGULARIZATION_SUM or api in _REGULARIZATION_LIST:
            return True
        return api in _COLLECTION_GETTERS and bool(call.args) and self.tf_api(call.args[0].value) == _REGULARIZATION_KEY

    def _has_layer(self, node: cst.CSTNode) -> bool:
        return any(la.spec_for(self.tf_api(call.func)) is not None for call in syntax.calls_in(node))

    def _note_bindings(self, statement: cst.SimpleStatementLine, state: _State) -> None:
        for small in statement.body:
            if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
                continue
            target = small.targets[0].target
            if not isinstance(target, cst.Name):
                continue
            value = small.value
            if isinstance(value, cst.Call) and self.tf_api(value.func) in _PLACEHOLDERS:
                dtype = syntax.call_argument(value, 0, "dtype")
                if dtype is not None and self.tf_api(dtype) == "tf.bool":
                    state.flags.add(target.value)
                if self.tf_api(value.func) == "tf.placeholder_with_default":
                    default = syntax.call_argument(value, 0, "input")
                    if isinstance(default, cst.Name) and default.value in {"True", "False"}:
                        state.flags.add(target.value)
                shape = syntax.call_argument(value, 1, "shape")
                if isinstance(shape, (cst.List, cst.Tuple)):
                    state.ranks[target.value] = len(shape.elements)
            rank = self._rank(value, state)
            if rank is not None:
                state.ranks[target.value] = rank

    def _rank(self, value: cst.BaseExpression, state: _State) -> int | None:
        if isinstance(value, cst.Name):
            return state.ranks.get(value.value)
        if not isinstance(value, cst.Call):
            return None
        api = self.tf_api(value.func)
        if api == "tf.reshape":
            shape = syntax.call_argument(value, 1, "shape")
            return len(shape.elements) if isinstance(shape, (cst.List, cst.Tuple)) else None
        found = la.spec_for(api)
        if found is not None and found[1].output_rank is not None:
            return found[1].output_rank
        if found is None and not (api and api.startswith(_RANK_KEEPING)):
            return None
        if value.args:
            return self._rank(value.args[0].value, state)
        return None

    def _is_update_ops(self, value: cst.BaseExpression, state: _State) -> bool:
        if isinstance(value, cst.Name):
            return value.value in state.update_ops
        return isinstance(value, cst.Call) and self._update_ops_call(value)

    def _update_ops_call(self, value: cst.BaseExpression) -> bool:
        return (
            isinstance(value, cst.Call)
            and self.tf_api(value.func) in _COLLECTION_GETTERS
            and bool(value.args)
            and self.tf_api(value.args[0].value) == "tf.GraphKeys.UPDATE_OPS"
            and len(value.args) == 1
        )

    def _update_ops_binding(self, statement: cst.SimpleStatementLine, state: _State) -> bool:
        if len(statement.body) != 1:
            return False
        small = statement.body[0]
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
            and self._update_ops_call(small.value)
        ):
            state.update_ops.add(small.targets[0].target.value)
            return True
        return False

    def fresh(self, stem: str, state: _State) -> str:
        name = stem
        counter = 1
        while name in state.taken:
            name = f"{stem}_layer" if counter == 1 else f"{stem}_layer_{counter}"
            counter += 1
        state.taken.add(name)
        return name


class _CallRewriter(cst.CSTTransformer):
    """Rewrites the layer calls of one statement, innermost first (TF1's creation order)."""

    def __init__(self, transform: LayersToKeras, state: _State, params: dict[str, cst.BaseExpression]) -> None:
        self.t = transform
        self.state = state
        self.params = params
        self.constructions: list[cst.SimpleStatementLine] = []

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        if self.t._has_layer(node):
            raise Declined(LAYER_IN_CONTROL_FLOW, "a layer built inside a lambda", node)
        return False

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        api = self.t.tf_api(original_node.func)
        found = la.spec_for(api)
        if found is None:
            return self._regularization(original_node, updated_node, api)
        canonical, spec = found
        if self.t.is_suppressed_at(original_node):
            raise Declined(UNSUPPORTED_ARGUMENT, f"{canonical} is excluded by a suppression comment", original_node)
        return self._layer(original_node, updated_node, canonical, spec)

    def _regularization(
        self, original: cst.Call, updated: cst.Call, api: str | None
    ) -> cst.BaseExpression:
        if self.t._reads_regularization(original, api):
            if len(original.args) > (0 if api in _REGULARIZATION_SUM | _REGULARIZATION_LIST else 1):
                raise Declined(REGULARIZATION_KEPT, "regularization losses filtered by scope", original)
            sources = [layer for layer in self.state.layers if layer.regularized]
            elements = [
                cst.StarredElement(cst.Attribute(cst.Name(layer.python_name), cst.Name("losses")))
                for layer in sources
            ]
            listing: cst.BaseExpression = cst.List(elements)
            if len(sources) == 1:
                listing = cst.Attribute(cst.Name(sources[0].python_name), cst.Name("losses"))
            if api in _REGULARIZATION_SUM:
                if not sources:
                    return cst.Call(self.t.tf_expr("constant"), [cst.Arg(cst.Float("0.0"))])
                return cst.Call(self.t.tf_expr("add_n"), [cst.Arg(listing)])
            return listing
        return updated

    def _layer(self, original: cst.Call, updated: cst.Call, api: str, spec: la.LayerSpec) -> cst.BaseExpression:
        if any(a.star for a in updated.args):
            raise Declined(UNSUPPORTED_ARGUMENT, f"{api} arguments passed with *", original)
        first = updated.args[0] if updated.args else None
        if first is None or (first.keyword is not None and first.keyword.value != _INPUTS):
            raise Declined(UNSUPPORTED_ARGUMENT, f"{api} without its inputs first", original)
        try:
            # Keywords beyond the positional parameters are bound: each one is checked below.
            bound = bind_arguments(updated, (_INPUTS, *spec.positional), unknown_keywords=UnknownKeywords.BIND)
        except ArgumentsNotBound as problem:
            raise Declined(UNSUPPORTED_ARGUMENT, f"{problem} to {api}", original) from None
        inputs = bound.pop(_INPUTS).value
        given = {parameter: arg.value for parameter, arg in bound.items()}
        positional = [parameter for parameter, arg in bound.items() if arg.keyword is None]
        scoped = next((s[api] for s in reversed(self.state.arg_scopes) if api in s), {})
        for parameter, value in scoped.items():
            given.setdefault(parameter, value)

        constructor: list[tuple[str, cst.BaseExpression]] = []
        call_kwargs: dict[str, cst.BaseExpression] = {}
        activation_after: cst.BaseExpression | None = None
        explicit_name: cst.BaseExpression | None = None
        regularized = False
        use_bias_off = False
        for parameter, value in given.items():
            if parameter in spec.ignored:
                if parameter == "reuse" and not _is_none_or_false(value):
                    raise Declined(UNSUPPORTED_ARGUMENT, f"{api}(reuse=...) shares a layer by name", original)
                continue
            if parameter in spec.unsupported:
                if _is_none_or_false(value):
                    continue
                raise Declined(UNSUPPORTED_ARGUMENT, f"{api}({parameter}=...) has no Keras 3 equivalent here", original)
            if parameter in spec.call_args:
                call_kwargs[spec.call_args[parameter]] = value
                continue
            if parameter == spec.activation_after:
                if not _is_none_or_false(value):
                    activation_after = value
                continue
            if parameter == spec.keep_prob:
                constructor.append(("rate", _one_minus(value)))
                continue
            if parameter == spec.bias_initializer and _is_none_or_false(value):
                use_bias_off = True
                continue
            keras = spec.renames.get(parameter, parameter)
            if keras == "name":
                explicit_name = value
                continue
            if keras.endswith("_regularizer") and not _is_none_or_false(value):
                regularized = True
                value = self._regularizer(value)
            if keras in _PADDING_KEYWORDS:
                text = syntax.string_literal(value)
                if text is not None and isinstance(value, cst.SimpleString):
                    value = cst.SimpleString(value.value.replace(text, text.lower()))
            constructor.append((keras, value))
        if use_bias_off:
            constructor.append(("use_bias", cst.Name("False")))
        keywords = {k for k, _ in constructor}
        for keras, default in spec.defaults.items():
            if keras not in keywords:
                constructor.append((keras, cst.parse_expression(default.format(tf=self.t.tf_alias()))))
        for keras, default in spec.call_defaults.items():
            call_kwargs.setdefault(keras, cst.parse_expression(default))

        if spec.keras == "BatchNormalization":
            fused = given.get("fused")
            if fused is None or not _literal_false(fused):
                rank = self.t._rank(inputs, self.state)
                if rank is None or rank == 4:
                    why = "a 4-D input" if rank == 4 else "an input of unknown rank"
                    raise Declined(
                        FUSED_BATCH_NORM,
                        f"{api} on {why}: TF1's fused batch norm keeps the unbiased batch variance "
                        "in its moving average, Keras 3 the biased one",
                        original,
                    )

        # TF1's unique names: variable-scope names opened so far, explicit ones included, within
        # the variable scope the layer is built in.
        scope = self.state.scope
        if explicit_name is not None:
            layer_name = syntax.string_literal(explicit_name)
            if layer_name is None:
                raise Declined(UNSUPPORTED_ARGUMENT, f"{api} named by an expression", original)
        else:
            # TF1's Graph.unique_name: the base name counts its uses, and a numbered name skips
            # the names taken (`dense`, then `dense_2` given explicitly, then `dense_1`, `dense_3`).
            base = scope + spec.base_name
            count = self.state.counts.get(base, 0)
            self.state.counts[base] = count + 1
            while count and f"{base}_{count}" in self.state.counts:
                count += 1
            layer_name = spec.base_name if count == 0 else f"{spec.base_name}_{count}"
        tf1_name = scope + layer_name
        if explicit_name is not None or tf1_name != scope + spec.base_name:
            self.state.counts[tf1_name] = self.state.counts.get(tf1_name, 0) + 1
        if explicit_name is not None and self.state.counts[tf1_name] > 1:
            raise Declined(UNSUPPORTED_ARGUMENT, f"layer name {tf1_name!r} used twice", original)
        python_name = self.t.fresh(_identifier(tf1_name), self.state)
        if scope:
            self.t.context.scratch.setdefault(LAYER_SCOPES_KEY, {})[python_name] = tf1_name

        keras_positional = _KERAS_POSITIONAL.get(spec.keras, ())
        args: list[cst.Arg] = []
        lead = 0
        for keras, value in constructor:
            keras_param = keras
            if (
                lead < len(keras_positional)
                and keras_param == keras_positional[lead]
                and lead < len(positional)
                and spec.renames.get(positional[lead], positional[lead]) == keras_param
            ):
                args.append(cst.Arg(value))
                lead += 1
            else:
                args.append(keyword_arg(keras, value))
        # A Keras 3 name holds no "/": a layer of a variable scope is named `encoder_dense`.
        args.append(keyword_arg("name", cst.SimpleString(f'"{tf1_name.replace("/", "_")}"')))
        construction = cst.SimpleStatementLine(
            [
                cst.Assign(
                    [cst.AssignTarget(cst.Name(python_name))],
                    cst.Call(self.t.tf_expr(f"keras.layers.{spec.keras}"), args),
                )
            ]
        )
        self.constructions.append(construction)
        self.state.layers.append(_Layer(python_name, layer_name, construction, regularized))

        result = self._call(python_name, inputs, call_kwargs.get("training"), original)
        if activation_after is not None:
            result = cst.Call(activation_after, [cst.Arg(result)])
        return result

    def _call(
        self, layer: str, inputs: cst.BaseExpression, training: cst.BaseExpression | None, node: cst.CSTNode
    ) -> cst.BaseExpression:
        def call(flag: cst.BaseExpression | None) -> cst.Call:
            args = [cst.Arg(inputs)]
            if flag is not None:
                args.append(keyword_arg("training", flag))
            return cst.Call(cst.Name(layer), args)

        if isinstance(training, cst.Name) and training.value in self.state.constants:
            # `training = False` bound once (a flattened model's flag): the value TF1 built with.
            constant = self.state.constants[training.value]
            training = None if constant is None else cst.Name(str(constant))
        if training is None or (isinstance(training, cst.Name) and training.value == "False"):
            return call(None)
        if isinstance(training, cst.Name) and training.value == "True":
            return call(training)
        flag = training
        if isinstance(flag, cst.Name) and flag.value in self.params:
            bound = self.params[flag.value]
            if isinstance(bound, cst.Name) and bound.value in {"True", "False"}:
                return call(None) if bound.value == "False" else call(bound)
            if not (isinstance(bound, cst.Name) and bound.value in self.state.flags):
                raise Declined(
                    TRAINING_UNKNOWN,
                    f"training={syntax.code_of(training)} is not known to be a boolean placeholder",
                    node,
                )
        elif not (isinstance(flag, cst.Name) and flag.value in self.state.flags):
            raise Declined(
                TRAINING_UNKNOWN, f"training={syntax.code_of(training)} is not known to be a boolean placeholder", node
            )
        self.t.report(
            node,
            f"training={syntax.code_of(training)} (a boolean placeholder) becomes tf.cond between "
            "the training and inference calls",
            code=TRAINING_COND,
            severity=Severity.INFO,
        )
        return cst.Call(
            self.t.tf_expr("cond"),
            [
                cst.Arg(flag),
                cst.Arg(cst.Lambda(cst.Parameters(), call(cst.Name("True")))),
                cst.Arg(cst.Lambda(cst.Parameters(), call(cst.Name("False")))),
            ],
        )

    def _regularizer(self, value: cst.BaseExpression) -> cst.BaseExpression:
        if not isinstance(value, cst.Call):
            return value
        api = self.t.tf_api(value.func)
        if api in _L2 and len(value.args) == 1 and value.args[0].keyword in (None,):
            # contrib computes scale * sum(w**2) / 2, Keras l2 * sum(w**2).
            return cst.Call(self.t.tf_expr("keras.regularizers.L2"), [cst.Arg(_half(value.args[0].value))])
        if api in _L1 and len(value.args) == 1 and value.args[0].keyword in (None,):
            return cst.Call(self.t.tf_expr("keras.regularizers.L1"), [cst.Arg(value.args[0].value)])
        if api is not None and api.startswith("tf.contrib"):
            raise Declined(UNSUPPORTED_ARGUMENT, f"regularizer {api} is not converted", value)
        return value


def _literal_false(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value == "False"


def _call_counts(module: cst.Module, names: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in syntax.calls_in(module):
        if isinstance(call.func, cst.Name) and call.func.value in names:
            counts[call.func.value] = counts.get(call.func.value, 0) + 1
    # A function referenced other than by a call or its `def` (passed around, stored) may
    # run any number of times.
    references: dict[str, int] = {}
    for node in syntax.nodes_of(module, cst.Name):
        if isinstance(node, cst.Name) and node.value in names:
            references[node.value] = references.get(node.value, 0) + 1
    for name in names:
        if references.get(name, 0) != counts.get(name, 0) + 1:
            counts[name] = -1
    return counts


def _parameter_values(definition: cst.FunctionDef, call: cst.Call) -> dict[str, cst.BaseExpression]:
    """What each parameter of `definition` holds when `call` calls it: its argument, or its
    default. Empty when that cannot be known (`*args`, `**kwargs`): nothing is assumed then."""
    params = definition.params.params
    try:
        # Keywords beyond the positional parameters fill keyword-only ones or `**kwargs`.
        given = bound_values(call, [p.name.value for p in params], unknown_keywords=UnknownKeywords.BIND)
    except ArgumentsNotBound:
        return {}
    values = {param.name.value: param.default for param in params if param.default is not None}
    values.update(given)
    return values


def _contains_session(node: cst.CSTNode, resolve: Callable[[cst.CSTNode], str | None]) -> bool:
    return any(resolve(call.func) in {"tf.Session", "tf.InteractiveSession"} for call in syntax.calls_in(node))
