"""TFM113: `tf.losses.*` calls become the TF 2 operations that compute the same loss.

`tf.losses.softmax_cross_entropy(y, logits)` becomes
`tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))`: TF1's loss
functions compute a loss per element and, with their default weight and reduction, average it
(the table: migrate.transforms.loss_table). What else TF1 did is written out where it matters:

- `mean_squared_error` and `absolute_difference` cast both tensors to float32, and the cross
  entropies cast the labels to the logits' dtype: the cast is written unless the operand is seen
  to have that dtype already (migrate.analysis.operand_kinds, in a module that names no other
  float dtype).
- `softmax_cross_entropy` lets no gradient into its labels: `tf.stop_gradient` is written unless
  the labels are a placeholder (or its one-hot encoding), which no gradient reaches anyway.
- `sparse_softmax_cross_entropy` squeezes labels of the logits' rank; the call converts when the
  labels are seen to be of rank 1 (a placeholder declared one dimension wide, `tf.argmax` of a
  placeholder declared two wide), the rank TF 2 takes for 2-D logits.

TF1 divides the sum by the number of elements with `div_no_nan`: the mean of no elements is 0
there and NaN in TF 2. Calls with weights, label smoothing, a reduction, a scope or a loss
collection of their own are left as they are (TFM114), and so are all losses of a module that
reads the loss collection (`tf.losses.get_total_loss()`) or opens no session (the module running
its graph may read it). In a file that stays in graph mode the losses keep their TF1 form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, cast

import libcst as cst

from migrate.analysis import syntax, tf_names
from migrate.analysis.call_arguments import UnknownKeywords, bind_arguments_or_none, keyword_arg
from migrate.analysis.graph_only import EAGER_SWITCHES, GRAPH_RUNNERS
from migrate.analysis.imports import forget_import
from migrate.analysis.operand_kinds import Kind, ModuleValues, kind_of
from migrate.transforms import loss_table as table
from migrate.transforms.base import GRAPH_MODE_KEY, Example, MigrationTransform
from migrate.transforms.native_equivalents import finish_args, positional_arg

NOT_CONVERTED = "TFM114"
# Reduce their input's rank by one, whichever axis they take.
_ARGMAX = frozenset({"tf.argmax", "tf.math.argmax"})

_TWO_PLACEHOLDERS = (
    "import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 3])\ny = tf.placeholder(tf.float32, [None, 2])\n"
    "logits = tf.matmul(x, tf.ones([3, 2]))\n"
)


class LossFunctions(MigrationTransform):
    CODE = "TFM113"
    DESCRIPTION = "tf.losses.* become the TF 2 operations computing the same loss (tf.reduce_mean of tf.nn.*)"
    FINDINGS: ClassVar[Mapping[str, str]] = {
        NOT_CONVERTED: "a tf.losses call left as tf.compat.v1 (weights, reduction, scope, the loss collection read)",
    }
    DECLINE_FINDINGS = frozenset({NOT_CONVERTED})
    TRAVERSAL_GROUP = "modules"
    TRIGGERS = ("losses",)
    GRAPH_MODE_TRIGGERS = ("_cross_entropy_with_logits(", "squared_difference(", ".subtract(")
    EXAMPLES = (
        Example(
            f"{_TWO_PLACEHOLDERS}loss = tf.losses.softmax_cross_entropy(y, logits)\nsess = tf.Session()\n",
            f"{_TWO_PLACEHOLDERS}loss = tf.reduce_mean("
            "tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))\nsess = tf.Session()\n",
            "float32-placeholder-labels",
        ),
        Example(
            "import tensorflow as tf\n\ntf.enable_eager_execution()\n"
            "loss = tf.losses.softmax_cross_entropy(tf.nn.softmax(teacher), logits)\n",
            "import tensorflow as tf\n\ntf.enable_eager_execution()\n"
            "loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits("
            "labels=tf.stop_gradient(tf.cast(tf.nn.softmax(teacher), logits.dtype)), logits=logits))\n",
            "computed-labels-get-no-gradient",
        ),
        Example(
            "import tensorflow as tf\n\ntf.enable_eager_execution()\n"
            "loss = tf.losses.mean_squared_error(labels, predictions)\n",
            "import tensorflow as tf\n\ntf.enable_eager_execution()\n"
            "loss = tf.reduce_mean(tf.math.squared_difference("
            "tf.cast(labels, tf.float32), tf.cast(predictions, tf.float32)))\n",
            "operands-of-unseen-dtype-cast",
        ),
        Example(
            "import tensorflow as tf\n\nlabels = tf.placeholder(tf.int64, [None])\n"
            "loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)\nsess = tf.Session()\n",
            "import tensorflow as tf\n\nlabels = tf.placeholder(tf.int64, [None])\n"
            "loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))\n"
            "sess = tf.Session()\n",
            "class-indices-of-visible-rank",
        ),
        Example(
            "import tensorflow as tf\n\ntf.enable_eager_execution()\n"
            "loss = tf.losses.mean_squared_error(labels, predictions, weights=mask)\n",
            None,
            "weighted-loss-left",
        ),
        Example(
            "import tensorflow as tf\n\n\ndef loss(labels, logits):\n"
            "    return tf.losses.sigmoid_cross_entropy(labels, logits)\n",
            None,
            "module-opening-no-session-left",
        ),
    )

    def visit_Module(self, node: cst.Module) -> bool:
        super().visit_Module(node)
        self._module = node
        self._facts: _ModuleFacts | None = None  # read at the first loss call: most files have none
        return True

    def _module_facts(self) -> _ModuleFacts:
        if self._facts is None:
            module = self._module
            facts = _ModuleFacts(
                where={},
                collection_read=_reads_loss_collection(module),
                runs_itself=any(
                    self.tf_api(reference) in GRAPH_RUNNERS | EAGER_SWITCHES
                    for reference in syntax.references_in(module).nodes
                    if tf_names.dotted(reference) is not None
                ),
                other_floats=_names_other_floats(module),
            )
            # Names stand for what the straight-line body reading them bound: the module's or a
            # function's at its own level, and the `with` blocks and main guard inside them.
            _index_calls(module.body, facts.where, None)
            for statement in module.body:
                if isinstance(statement, cst.FunctionDef) and isinstance(statement.body, cst.IndentedBlock):
                    _index_calls(statement.body.body, facts.where, None)
            self._facts = facts
        return self._facts

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        name = self.tf_api(original_node.func)
        loss = table.LOSSES.get(name) if name is not None else None
        if loss is None or self.context.scratch.get(GRAPH_MODE_KEY) or self.is_suppressed_at(original_node):
            return updated_node
        converted = self._convert(loss, original_node, updated_node)
        if isinstance(converted, str):
            self.report(original_node, f"{name}: {converted}; left as tf.compat.v1", code=NOT_CONVERTED)
            return updated_node
        forget_import(self, original_node.func, self._tf_alias)
        return converted

    def _convert(self, loss: table.Loss, original: cst.Call, updated: cst.Call) -> cst.Call | str:
        """The TF 2 form of the call, or why it is left."""
        facts = self._module_facts()
        if facts.collection_read:
            return "the module reads the loss collection TF1's losses add to"
        if not facts.runs_itself:
            return "the module opens no session: the module running its graph may read the loss collection"
        given = bind_arguments_or_none(original, loss.params, unknown_keywords=UnknownKeywords.REFUSE)
        bound = bind_arguments_or_none(updated, loss.params, unknown_keywords=UnknownKeywords.REFUSE)
        if given is None or bound is None:
            return "arguments this rule cannot match to the TF1 signature"
        if loss.labels not in bound or loss.predictions not in bound:
            return f"no {loss.labels} or {loss.predictions} given"
        for param in given:
            if param in (loss.labels, loss.predictions):
                continue
            if param not in table.DEFAULTS or _number(given[param].value) != table.DEFAULTS[param]:
                return f"{param}= given: only calls leaving weights, smoothing, reduction, scope and collection convert"
        where = facts.where.get(id(original))
        labels, predictions = given[loss.labels].value, given[loss.predictions].value
        new_labels = self._labels(loss, labels, predictions, bound[loss.labels].value, where)
        if isinstance(new_labels, str):
            return new_labels
        new_predictions = bound[loss.predictions].value
        if loss.operands is table.Operands.FLOAT32 and not self._float32(predictions, where):
            new_predictions = self._cast(new_predictions, self.tf_expr(table.FLOAT32))
        args: list[cst.Arg] = []
        for param, arg in bound.items():  # in the order the call wrote them
            if param == loss.labels:
                value = new_labels
            elif param == loss.predictions:
                value = new_predictions
            else:
                continue
            if loss.keywords:
                args.append(keyword_arg("labels" if param == loss.labels else "logits", value, arg))
            else:
                # Squared and absolute differences are symmetric: the operands keep their order.
                args.append(positional_arg(arg.with_changes(value=value)))
        elementwise = updated.with_changes(
            func=self.tf_expr(table.SUBTRACT if loss.target == "abs" else loss.target),
            args=finish_args(args),
            lpar=[],
            rpar=[],
        )
        if loss.target == "abs":
            elementwise = cst.Call(self.tf_expr("abs"), [cst.Arg(elementwise)])
        return cst.Call(self.tf_expr(table.MEAN), [cst.Arg(elementwise)], lpar=updated.lpar, rpar=updated.rpar)

    def _labels(
        self,
        loss: table.Loss,
        labels: cst.BaseExpression,
        logits: cst.BaseExpression,
        written: cst.BaseExpression,
        where: _Where | None,
    ) -> cst.BaseExpression | str:
        """The labels as TF 2's operation takes them (`written` is the argument as rewritten so
        far), or why the call is left."""
        if loss.operands is table.Operands.CLASS_INDICES:
            if self._rank(labels, where) != 1:
                return "the labels' rank is not visible (TF1 squeezes labels of the logits' rank)"
            return written
        if loss.operands is table.Operands.FLOAT32:
            return written if self._float32(labels, where) else self._cast(written, self.tf_expr(table.FLOAT32))
        if not (self._float32(labels, where) and self._float32(logits, where)):
            if self._float32(logits, where):
                written = self._cast(written, self.tf_expr(table.FLOAT32))
            elif isinstance(logits, (cst.Name, cst.Attribute)):
                written = self._cast(written, cst.Attribute(logits.deep_clone(), cst.Name("dtype")))
            else:
                return "the logits' dtype, which TF1 casts the labels to, is not visible"
        if loss.operands is table.Operands.LOGITS_DTYPE_NO_GRADIENT and not self._without_gradient(labels, where):
            written = cst.Call(self.tf_expr(table.STOP_GRADIENT), [cst.Arg(written)])
        return written

    def _cast(self, value: cst.BaseExpression, dtype: cst.BaseExpression) -> cst.Call:
        return cst.Call(self.tf_expr(table.CAST), [cst.Arg(value), cst.Arg(dtype)])

    def _float32(self, expression: cst.BaseExpression, where: _Where | None) -> bool:
        if self._module_facts().other_floats:
            return False
        if where is None:
            return kind_of(expression, self.tf_api) is Kind.FLOATING
        if syntax.names_in(expression) & where.rebound:
            return False
        return kind_of(expression, self.tf_api, where.values, where.index) is Kind.FLOATING

    def _placeholder(self, expression: cst.BaseExpression, where: _Where | None) -> cst.Call | None:
        """The `tf.placeholder` call `expression` is, or a name read `where` holds."""
        if where is None:
            return None
        if isinstance(expression, cst.Call) and self.tf_api(expression.func) == "tf.placeholder":
            return expression
        if not isinstance(expression, cst.Name):
            return None
        binding = where.binding(expression.value)
        if binding is None or not isinstance(binding[0], cst.Call):
            return None
        return binding[0] if self.tf_api(binding[0].func) == "tf.placeholder" else None

    def _rank(self, expression: cst.BaseExpression, where: _Where | None) -> int | None:
        """The rank of `expression` where the source shows it: a placeholder declared with a
        literal shape, or `tf.argmax` of a value of known rank (one rank less)."""
        if where is None:
            return None
        if isinstance(expression, cst.Name):
            binding = where.binding(expression.value)
            return self._rank(*binding) if binding is not None else None
        if not isinstance(expression, cst.Call):
            return None
        api = self.tf_api(expression.func)
        if api in _ARGMAX:
            reduced = syntax.call_argument(expression, 0, "input")
            rank = self._rank(reduced, where) if reduced is not None else None
            return rank - 1 if rank is not None else None
        shape = syntax.call_argument(expression, 1, "shape") if api == "tf.placeholder" else None
        if isinstance(shape, (cst.List, cst.Tuple)) and not any(
            isinstance(element, cst.StarredElement) for element in shape.elements
        ):
            return len(shape.elements)
        return None

    def _without_gradient(self, labels: cst.BaseExpression, where: _Where | None) -> bool:
        """Whether no gradient can reach `labels`: a placeholder or its one-hot encoding."""
        if isinstance(labels, cst.Call) and self.tf_api(labels.func) == "tf.one_hot":
            indices = syntax.call_argument(labels, 0, "indices")
            return indices is not None and self._placeholder(indices, where) is not None
        return self._placeholder(labels, where) is not None


@dataclass(frozen=True)
class _ModuleFacts:
    where: dict[int, _Where]  # each call -> the body it is read in
    collection_read: bool  # the module names the loss collection or a function using it
    runs_itself: bool  # it opens a session or switches eager execution on
    other_floats: bool  # it names a float dtype other than float32


def _index_calls(body: Sequence[cst.BaseStatement], where: dict[int, _Where], outer: _Where | None) -> None:
    """Map each call of `body` to where it is read. The body of a `with` block or of the main
    guard runs once, straight after what its statement's body ran before it: its calls are
    read in it, then (`outer`) where the block stands."""
    values = ModuleValues(body)
    for index, statement in enumerate(body):
        here = _Where(values, index, outer)
        block = statement.body if isinstance(statement, (cst.With, cst.If)) else None
        runs_once = isinstance(statement, cst.With) or syntax.is_main_guard(statement)
        if runs_once and isinstance(block, cst.IndentedBlock):
            if isinstance(statement, cst.With):
                for item in statement.items:
                    for call in syntax.calls_in(item):
                        where[id(call)] = here
                # What `with ... as name` binds, the block reads from the context manager.
                targets = [item.asname.name for item in statement.items if item.asname is not None]
                here = _Where(values, index, outer, frozenset(n for t in targets for n in syntax.bound_names(t)))
            _index_calls(block.body, where, here)
            continue
        if not syntax.has_own_scope(statement):
            if not isinstance(statement, cst.SimpleStatementLine):
                # A loop or branch may bind a name again before its call reads it.
                here = _Where(values, index, outer, syntax.assigned_names(statement))
            for call in syntax.calls_in(statement):
                where[id(call)] = here


@dataclass(frozen=True)
class _Where:
    """Where a call is read: the straight-line body holding it and its statement's index there,
    and for a block's body, where the block stands."""

    values: ModuleValues
    index: int
    outer: _Where | None = None
    # Names the compound statement holding the call binds: what they hold there is not known.
    rebound: frozenset[str] = frozenset()

    def binding(self, name: str) -> tuple[cst.BaseExpression, _Where] | None:
        """What `name = value` last bound `name` before this point, and where it did; None for
        another binding or none seen."""
        if name in self.rebound:
            return None
        found = self.values.before(name, self.index)
        if found is None:
            # Unbound in this body so far: the block reads what stood where it stands.
            return self.outer.binding(name) if self.outer is not None else None
        if found.value is None or found.output is not None:
            return None
        return found.value, _Where(self.values, found.index, self.outer)


def _number(value: cst.BaseExpression) -> float | None:
    if isinstance(value, (cst.Integer, cst.Float)) and not value.lpar:
        return float(value.value.replace("_", ""))
    return None


def _reads_loss_collection(module: cst.Module) -> bool:
    """Whether the module names the loss collection or a function reading or writing it."""
    for node in syntax.nodes_of(module, cst.Name):
        if isinstance(node, cst.Name) and node.value in table.COLLECTION_NAMES:
            return True
    for call in syntax.calls_in(module):
        function = call.func.attr if isinstance(call.func, cst.Attribute) else call.func
        if (
            isinstance(function, cst.Name)
            and "collection" in function.value
            and any(syntax.string_literal(arg.value) == table.COLLECTION_KEY for arg in call.args)
        ):
            return True
    return False


def _names_other_floats(module: cst.Module) -> bool:
    for node in syntax.nodes_of(module, cst.Name, cst.SimpleString):
        text = node.value if isinstance(node, cst.Name) else syntax.string_literal(cast(cst.SimpleString, node))
        if text in table.OTHER_FLOAT_WORDS:
            return True
    return False
