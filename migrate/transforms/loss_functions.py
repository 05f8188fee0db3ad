"""TFM113: `tf.losses.*` calls become the TF 2 operations that compute the same loss.

`tf.losses.softmax_cross_entropy(y, logits)` becomes
`tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))`: TF1's loss
functions compute a loss per element and, with their default weight and reduction, average it
(the table: migrate.transforms.loss_table). What else TF1 did is written out where it matters:

- `mean_squared_error`, `absolute_difference`, `log_loss`, `hinge_loss` and `huber_loss` cast
  both tensors to float32, and the cross entropies cast the labels to the logits' dtype: the cast
  is written unless the operand is seen to have that dtype already
  (migrate.analysis.operand_kinds, in a module that names no other float dtype).
- `softmax_cross_entropy` lets no gradient into its labels: `tf.stop_gradient` is written unless
  the labels are a placeholder (or its one-hot encoding), which no gradient reaches anyway.
- `sparse_softmax_cross_entropy` squeezes labels of the logits' rank; the call converts when the
  labels are seen to be of rank 1 (a placeholder declared one dimension wide, `tf.argmax` of a
  placeholder declared two wide), the rank TF 2 takes for 2-D logits.
- `log_loss` and `hinge_loss` have no TF 2 operation: their formulas are written as TF1's source
  has them. `log_loss`'s reads each operand twice, so it converts when both are names or pure
  functions of names (`tf.sigmoid(logits)`), which compute the same tensor twice.
- `huber_loss` becomes `tf.keras.losses.huber`, whose mean over the last axis is undefined for
  scalars: the call converts when an operand is seen to have rank 1 or more (TF1 requires the
  two shapes to agree).

A `scope=` string only names the loss's operations, and goes. A `reduction=` TF1 names
(`tf.losses.Reduction.SUM`, or the string it holds) is written as what it does with unit
weights: `tf.reduce_sum`, no reduction at all, or the mean (every weighted mean). TF1 divides the
sum by the number of elements with `div_no_nan`: the mean of no elements is 0 there and NaN in
TF 2. Calls with weights, label smoothing or a loss collection of their own are left as they are
(TFM114), and so are all losses of a module that reads the loss collection
(`tf.losses.get_total_loss()`) or opens no session (the module running its graph may read it).
In a file that stays in graph mode the losses keep their TF1 form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, cast

import libcst as cst
from libcst.helpers import parse_template_expression

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

_PROBABILITIES = "y = tf.placeholder(tf.float32, [None, 1])\np = tf.placeholder(tf.float32, [None, 1])\n"
_TWO_PLACEHOLDERS = (
    "import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 3])\ny = tf.placeholder(tf.float32, [None, 2])\n"
    "logits = tf.matmul(x, tf.ones([3, 2]))\n"
)


class LossFunctions(MigrationTransform):
    CODE = "TFM113"
    DESCRIPTION = "tf.losses.* become the TF 2 operations computing the same loss (tf.reduce_mean of tf.nn.*)"
    FINDINGS: ClassVar[Mapping[str, str]] = {
        NOT_CONVERTED: "a tf.losses call left as tf.compat.v1 (weights, label smoothing, the loss collection read)",
    }
    DECLINE_FINDINGS = frozenset({NOT_CONVERTED})
    TRAVERSAL_GROUP = "modules"
    TRIGGERS = ("losses",)
    GRAPH_MODE_TRIGGERS = (
        "_cross_entropy_with_logits(",
        "squared_difference(",
        ".subtract(",
        "math.log(1 - ",
        "nn.relu(1 - (2 * ",
        "losses.huber(",
    )
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
            f"import tensorflow as tf\n\n{_PROBABILITIES}"
            'loss = tf.losses.log_loss(y, p, scope="loss")\nsess = tf.Session()\n',
            f"import tensorflow as tf\n\n{_PROBABILITIES}"
            "loss = tf.reduce_mean(-y * tf.math.log(p + 1e-07) - (1 - y) * tf.math.log(1 - p + 1e-07))\n"
            "sess = tf.Session()\n",
            "log-loss-as-tf1-writes-it",
        ),
        Example(
            "import tensorflow as tf\n\ntarget = tf.placeholder(tf.float32, [None])\n"
            "loss = tf.losses.huber_loss(target, q_value, delta=2.0)\nsess = tf.Session()\n",
            "import tensorflow as tf\n\ntarget = tf.placeholder(tf.float32, [None])\n"
            "loss = tf.reduce_mean(tf.keras.losses.huber(target, tf.cast(q_value, tf.float32), delta=2.0))\n"
            "sess = tf.Session()\n",
            "huber-loss-of-a-batch",
        ),
        Example(
            "import tensorflow as tf\n\ntf.enable_eager_execution()\n"
            "errors = tf.losses.absolute_difference(y, p, reduction=tf.losses.Reduction.NONE)\n",
            "import tensorflow as tf\n\ntf.enable_eager_execution()\n"
            "errors = tf.abs(tf.subtract(tf.cast(y, tf.float32), tf.cast(p, tf.float32)))\n",
            "no-reduction-leaves-the-loss-of-each-element",
        ),
        Example(
            "import tensorflow as tf\n\ntf.enable_eager_execution()\nloss = tf.losses.huber_loss(target, q_value)\n",
            None,
            "huber-loss-of-unseen-rank-left",
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

    def _convert(self, loss: table.Loss, original: cst.Call, updated: cst.Call) -> cst.BaseExpression | str:
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
        carried = loss.carried[0] if loss.carried is not None else None
        reduce: str | None = table.MEAN
        for param in given:
            if param in (loss.labels, loss.predictions, carried):
                continue
            if param == "reduction":
                value = given[param].value
                key = syntax.string_literal(value) or self.tf_api(value)
                if key is None or key not in table.REDUCTIONS:
                    return "a reduction this rule does not read"
                reduce = table.REDUCTIONS[key]
                if loss.form is table.Form.ROW_MEAN and reduce != table.MEAN:
                    return "a reduction other than the mean (TF 2's form averages each row)"
                continue
            if param == "scope" and _names_nothing(given[param].value):
                continue  # it names the loss's operations, which TF 2 code does not look up
            if param not in table.DEFAULTS or _number(given[param].value) != table.DEFAULTS[param]:
                return f"{param}= given: only calls leaving weights, smoothing and collection convert"
        where = facts.where.get(id(original))
        labels, predictions = given[loss.labels].value, given[loss.predictions].value
        if loss.form is table.Form.LOG and not all(self._same_when_read_twice(o) for o in (labels, predictions)):
            return "an operand other than a name or a pure function of names, which the TF 2 form reads twice"
        if loss.form is table.Form.ROW_MEAN and not any(
            (self._rank(operand, where) or 0) >= 1 for operand in (labels, predictions)
        ):
            return "no operand seen to have rank 1 or more (TF 2's form averages over the last axis)"
        new_labels = self._labels(loss, labels, predictions, bound[loss.labels].value, where)
        if isinstance(new_labels, str):
            return new_labels
        new_predictions = bound[loss.predictions].value
        if loss.operands is table.Operands.FLOAT32 and not self._float32(predictions, where):
            new_predictions = self._cast(new_predictions, self.tf_expr(table.FLOAT32))
        extra = bound[carried].value if carried is not None and carried in bound else None
        if loss.form is table.Form.LOG and extra is not None and not _plain(extra):
            return f"{carried}= other than a number or a name, which the TF 2 form reads twice"
        elementwise = self._elementwise(loss, updated, bound, new_labels, new_predictions, extra)
        if reduce is None:
            if updated.lpar:
                return elementwise.with_changes(lpar=updated.lpar, rpar=updated.rpar)
            return syntax.parenthesized(elementwise)  # log_loss's is a difference
        return cst.Call(self.tf_expr(reduce), [cst.Arg(elementwise)], lpar=updated.lpar, rpar=updated.rpar)

    def _elementwise(
        self,
        loss: table.Loss,
        updated: cst.Call,
        bound: Mapping[str, cst.Arg],
        labels: cst.BaseExpression,
        predictions: cst.BaseExpression,
        carried: cst.BaseExpression | None,
    ) -> cst.BaseExpression:
        """The loss of each element, in `loss`'s form."""
        target = self.tf_expr(loss.target)
        if loss.form is table.Form.LOG:
            assert loss.carried is not None
            epsilon = carried if carried is not None else cst.parse_expression(loss.carried[1])
            return parse_template_expression(
                "-{y} * {log}({p} + {e}) - (1 - {y}) * {log}(1 - {p} + {e})",
                y=syntax.parenthesized(labels),
                p=syntax.parenthesized(predictions),
                e=syntax.parenthesized(epsilon),
                log=target,
            )
        if loss.form is table.Form.HINGE:
            return parse_template_expression(
                "{relu}(1 - (2 * {y} - 1) * {logits})",
                relu=target,
                y=syntax.parenthesized(labels),
                logits=syntax.parenthesized(predictions),
            )
        args: list[cst.Arg] = []
        written = list(bound.items())  # in the order the call wrote them
        if loss.form is table.Form.ROW_MEAN:
            written.sort(key=lambda item: item[0] != loss.labels)  # Keras' y_true, then y_pred
        for param, arg in written:
            if param == loss.labels:
                value = labels
            elif param == loss.predictions:
                value = predictions
            else:
                continue
            if loss.keywords:
                args.append(keyword_arg("labels" if param == loss.labels else "logits", value, arg))
            else:
                # The differences are symmetric: the operands keep their order.
                args.append(positional_arg(arg.with_changes(value=value)))
        if loss.form is table.Form.ROW_MEAN and carried is not None:
            assert loss.carried is not None
            args.append(keyword_arg(loss.carried[0], carried))
        function = self.tf_expr(table.SUBTRACT) if loss.form is table.Form.DIFFERENCE else target
        elementwise = updated.with_changes(func=function, args=finish_args(args), lpar=[], rpar=[])
        if loss.form is table.Form.DIFFERENCE:
            return cst.Call(target, [cst.Arg(elementwise)])
        return elementwise

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

    def _same_when_read_twice(self, expression: cst.BaseExpression) -> bool:
        """Whether `expression`, written twice, computes the same tensor twice: names, numbers,
        and arithmetic and deterministic elementwise functions (`tf.sigmoid`) of them."""
        if tf_names.dotted(expression) is not None or _number(expression) is not None:
            return True
        if isinstance(expression, cst.UnaryOperation):
            return self._same_when_read_twice(expression.expression)
        if isinstance(expression, cst.BinaryOperation):
            return self._same_when_read_twice(expression.left) and self._same_when_read_twice(expression.right)
        if isinstance(expression, cst.Call) and self.tf_api(expression.func) in table.PURE_FUNCTIONS:
            return all(arg.star == "" and self._same_when_read_twice(arg.value) for arg in expression.args)
        return False

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


def _names_nothing(value: cst.BaseExpression) -> bool:
    """A `scope=` argument that is a string or None: dropped, it leaves nothing unevaluated."""
    return syntax.string_literal(value) is not None or (isinstance(value, cst.Name) and value.value == "None")


def _plain(value: cst.BaseExpression) -> bool:
    """A number or a name: read twice, it stands for the same value."""
    return _number(value) is not None or isinstance(value, cst.Name)


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
