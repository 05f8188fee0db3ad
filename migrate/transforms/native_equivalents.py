"""TFM110: write the native TF 2 form where TensorFlow's tables would only say `tf.compat.v1`.

`tf.to_float(x)` becomes `tf.cast(x, tf.float32)`, `tf.nn.dropout(x, keep_prob)` becomes
`tf.nn.dropout(x, rate=1 - keep_prob)`, `tf.div` becomes floor or real division as the
operands' dtype decides (see migrate.analysis.operand_kinds), TF1 and contrib initializers become the Keras
initializers with the same distribution, `tf.set_random_seed` becomes `tf.random.set_seed` and
`tf.gfile.*` become `tf.io.gfile.*`. The mappings live in migrate.transforms.native_table.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import ClassVar

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.call_arguments import UnknownKeywords, bind_arguments_or_none, keyword_arg
from migrate.analysis.imports import forget_import
from migrate.analysis.operand_kinds import Kind, ModuleValues, kind_of
from migrate.transforms import native_table as table
from migrate.transforms.base import GRAPH_MODE_KEY, Example, MigrationTransform

NOT_CONVERTED = "TFM112"


def _bound(call: cst.Call, params: tuple[str, ...]) -> dict[str, cst.Arg] | None:
    # The tables list whole signatures: a call with any other keyword is left as it is.
    return bind_arguments_or_none(call, params, unknown_keywords=UnknownKeywords.REFUSE)


def positional_arg(arg: cst.Arg) -> cst.Arg:
    return arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)


def finish_args(args: list[cst.Arg]) -> list[cst.Arg]:
    """Drop a trailing comma carried over from an argument that is no longer last."""
    if args and isinstance(args[-1].comma, cst.Comma) and not _comma_breaks_line(args[-1].comma):
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return args


def _comma_breaks_line(comma: cst.Comma) -> bool:
    return isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)


def one_minus(value: cst.BaseExpression) -> cst.BaseExpression:
    """`1 - value`, computed exactly when `value` is a number literal."""
    if isinstance(value, (cst.Float, cst.Integer)) and not value.lpar:
        try:
            result = Decimal(1) - Decimal(value.value.replace("_", ""))
        except InvalidOperation:
            result = None
        if result is not None and result >= 0:
            text = str(result)
            if isinstance(value, cst.Float) and not any(c in text for c in ".Ee"):
                text += ".0"
            return cst.Float(text) if any(c in text for c in ".Ee") else cst.Integer(text)
    atomic = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float)
    if not isinstance(value, atomic) and not value.lpar:
        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.BinaryOperation(
        left=cst.Integer("1"),
        operator=cst.Subtract(whitespace_before=cst.SimpleWhitespace(" "), whitespace_after=cst.SimpleWhitespace(" ")),
        right=value,
    )


class NativeEquivalents(MigrationTransform):
    CODE = "TFM110"
    DESCRIPTION = (
        "TF1 calls with a native TF 2 equivalent (casts, div, dropout keep_prob, initializers, seeds, gfile) use it"
    )
    FINDINGS: ClassVar[Mapping[str, str]] = {
        NOT_CONVERTED: (
            "a call with a native TF 2 equivalent was left as it is (arguments not literal, dtype not visible)"
        ),
    }
    TRAVERSAL_GROUP = "modules"
    TRIGGERS = ("to_", "dropout", "initializer", "set_random_seed", "gfile", "assign", "div")
    # In a file that stays in graph mode TF1's own initializers stay (as `tf.compat.v1`): under
    # the graph seed they draw what the original drew; a Keras initializer draws other numbers.
    GRAPH_MODE_TRIGGERS = ("keras.initializers.",)
    EXAMPLES = (
        Example(
            "import tensorflow as tf\n\ny = tf.to_float(x, name='y')\nh = tf.nn.dropout(h, keep_prob=0.8)\n",
            "import tensorflow as tf\n\ny = tf.cast(x, tf.float32, name='y')\nh = tf.nn.dropout(h, rate=0.2)\n",
            "cast-and-dropout",
        ),
        Example(
            "import tensorflow as tf\n\nstep = tf.assign_add(counter, 1)\n",
            "import tensorflow as tf\n\nstep = counter.assign_add(1)\n",
            "assign-is-a-method",
        ),
        Example(
            "import tensorflow as tf\n\nw = tf.contrib.layers.xavier_initializer(seed=1)\ntf.set_random_seed(0)\n",
            "import tensorflow as tf\n\nw = tf.keras.initializers.GlorotUniform(seed=1)\ntf.random.set_seed(0)\n",
            "initializer-and-seed",
        ),
        Example(
            "import tensorflow as tf\n\nh = tf.layers.dense(x, 2, kernel_initializer=tf.zeros_initializer)\n",
            "import tensorflow as tf\n\nh = tf.layers.dense(x, 2, kernel_initializer=tf.keras.initializers.Zeros())\n",
            "initializer-class-given",
        ),
        Example(
            "import tensorflow as tf\n\nq = tf.div(7, 2)\nr = tf.div(tf.sin(1.0), 2)\ns = tf.div(a, b)\n",
            "import tensorflow as tf\n\nq = tf.math.floordiv(7, 2)\nr = tf.math.truediv(tf.sin(1.0), 2)\n"
            "s = tf.div(a, b)\n",
            "div-by-operand-kind",
        ),
        Example(
            "import tensorflow as tf\n\nh = tf.nn.dropout(h, rate=0.5)\ny = tf.cast(x, tf.float32)\n",
            None,
            "already-native",
        ),
        Example(
            "import tensorflow as tf\n\nx = tf.constant(7)\nif scaled:\n"
            "    x = tf.constant(7.0)\n    y = tf.div(x, 2)\n",
            None,
            "div-of-a-name-bound-again-in-its-branch",
        ),
        Example(
            "from tensorflow import gfile\n\nif gfile.Exists(path):\n    gfile.MakeDirs(path)\n",
            "import tensorflow as tf\n\nif tf.io.gfile.exists(path):\n    tf.io.gfile.makedirs(path)\n",
            "from-import-removed",
        ),
    )

    def visit_Module(self, node: cst.Module) -> bool:
        super().visit_Module(node)
        self._values: ModuleValues | None = None
        self._statement_of: dict[int, int] = {}  # tf.div call -> index of its module-level statement
        # tf.div call -> names the loop, branch or block holding it binds, which it may read
        # bound again before it
        self._rebound: dict[int, frozenset[str]] = {}
        for index, statement in enumerate(node.body):
            if syntax.has_own_scope(statement):
                continue  # names there may be local: they are not the module's values
            for call in syntax.calls_in(statement):
                if self.tf_api(call.func) == table.DIV:
                    self._statement_of[id(call)] = index
                    if not isinstance(statement, cst.SimpleStatementLine):
                        self._rebound[id(call)] = syntax.assigned_names(statement)
        if self._statement_of:
            self._values = ModuleValues(node.body)
        return True

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        name = self.tf_api(original_node.func)
        if name is None or self.is_suppressed_at(original_node):
            return updated_node
        converted = self._convert(name, original_node, updated_node)
        if converted is not updated_node:
            # `from tensorflow import gfile`: the converted call goes through the root alias.
            forget_import(self, original_node.func, self._tf_alias)
        return converted

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        """`weights_initializer=tf.zeros_initializer`, the class: TF1 made the instance, which the
        TF 2 spelling needs written out (`tf.keras.initializers.Zeros()`)."""
        keyword = original_node.keyword
        if keyword is None or not keyword.value.endswith("initializer") or isinstance(original_node.value, cst.Call):
            return updated_node
        name = self.tf_api(original_node.value)
        if name not in table.BARE_INITIALIZERS or self.context.scratch.get(GRAPH_MODE_KEY):
            return updated_node
        if self.is_suppressed_at(original_node):
            return updated_node
        forget_import(self, original_node.value, self._tf_alias)
        return updated_node.with_changes(value=cst.Call(self.tf_expr(table.INITIALIZERS[name].target)))

    def _convert(self, name: str, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if name in table.RENAMES:
            return updated_node.with_changes(func=self.tf_expr(table.RENAMES[name]))
        if name in table.CASTS:
            return self._cast(updated_node, table.CASTS[name])
        if name in table.ASSIGNS:
            return self._assign(updated_node, table.ASSIGNS[name])
        if name == table.DROPOUT:
            return self._dropout(updated_node)
        if name == table.DIV:
            return self._div(original_node, updated_node)
        if name in table.INITIALIZERS and not self.context.scratch.get(GRAPH_MODE_KEY):
            return self._initializer(original_node, updated_node, table.INITIALIZERS[name])
        if name in table.XAVIER:
            return self._xavier(original_node, updated_node)
        if name == table.VARIANCE_SCALING:
            return self._variance_scaling(original_node, updated_node)
        return updated_node

    def _cast(self, call: cst.Call, dtype: str) -> cst.Call:
        bound = _bound(call, ("x", "name"))
        if bound is None or "x" not in bound:
            return call
        args = [positional_arg(bound["x"]), cst.Arg(self.tf_expr(dtype))]
        if "name" in bound:
            args.append(keyword_arg("name", bound["name"].value, bound["name"]))
        return call.with_changes(func=self.tf_expr(table.CAST_TARGET), args=finish_args(args))

    def _assign(self, call: cst.Call, method: str) -> cst.Call:
        """`tf.assign(ref, value)` -> `ref.assign(value)` (a variable in TF 2 code)."""
        bound = _bound(call, table.ASSIGN_PARAMS)
        if bound is None or "ref" not in bound or "value" not in bound:
            return call
        if "validate_shape" in bound or "use_locking" in bound:
            return call  # graph-mode options: left for a person to look at
        ref = bound["ref"].value
        if not isinstance(ref, (cst.Name, cst.Attribute, cst.Subscript)):
            return call
        args = [positional_arg(bound["value"])]
        if "name" in bound:
            args.append(keyword_arg("name", bound["name"].value, bound["name"]))
        return call.with_changes(
            func=cst.Attribute(value=ref, attr=cst.Name(method)), args=finish_args(args)
        )

    def _div(self, original: cst.Call, call: cst.Call) -> cst.Call:
        # The kind is read on the original node, which carries the metadata that resolves names.
        bound = _bound(original, table.DIV_PARAMS)
        if bound is None or "x" not in bound or "y" not in bound:
            return call
        index = self._statement_of.get(id(original))
        if syntax.names_in(bound["x"].value) & self._rebound.get(id(original), frozenset()):
            index = None  # what the module bound before the block may not be what it reads
        values = self._values if index is not None else None
        kind = kind_of(bound["x"].value, self.tf_api, values, index or 0)
        if kind is None:
            self.report(
                original,
                "tf.div divides integers with floor division and floats with real division, and the"
                " dtype of its first operand is not visible here",
                code=NOT_CONVERTED,
            )
            return call
        target = table.FLOOR_DIV_TARGET if kind is Kind.INTEGER else table.TRUE_DIV_TARGET
        return call.with_changes(func=self.tf_expr(target))

    def _dropout(self, call: cst.Call) -> cst.Call:
        bound = _bound(call, table.DROPOUT_PARAMS)
        if bound is None or "keep_prob" not in bound or "rate" in bound or "x" not in bound:
            return call
        args = [positional_arg(bound["x"])]
        for param in table.DROPOUT_PARAMS[1:]:
            if param == "keep_prob":
                keep = bound[param]
                args.append(keyword_arg("rate", one_minus(keep.value), keep))
            elif param in bound:
                args.append(keyword_arg(param, bound[param].value, bound[param]))
        return call.with_changes(func=self.tf_expr("nn.dropout"), args=finish_args(args))

    def _initializer(self, original: cst.Call, call: cst.Call, spec: table.Initializer) -> cst.Call:
        bound = _bound(call, spec.params)
        if bound is None or not self._default_dtype(original, spec.params):
            return call
        if "verify_shape" in bound or ("value" in bound and not _is_number(bound["value"].value)):
            self.report(original, "only a scalar constant_initializer has a Keras equivalent", code=NOT_CONVERTED)
            return call
        args: list[cst.Arg] = []
        for param in spec.params:
            keyword = spec.keywords.get(param)
            if keyword is None:
                continue
            if param in bound and not _is_none(bound[param].value):
                args.append(keyword_arg(keyword, bound[param].value, bound[param]))
            elif keyword in spec.defaults:
                args.append(keyword_arg(keyword, cst.parse_expression(spec.defaults[keyword])))
        return call.with_changes(func=self.tf_expr(spec.target), args=finish_args(args))

    def _xavier(self, original: cst.Call, call: cst.Call) -> cst.Call:
        bound = _bound(call, table.XAVIER_PARAMS)
        if bound is None or not self._default_dtype(original, table.XAVIER_PARAMS):
            return call
        uniform = _bool_literal(bound["uniform"].value) if "uniform" in bound else True
        if uniform is None:
            self.report(original, "xavier_initializer(uniform=...) is not a literal", code=NOT_CONVERTED)
            return call
        seed = [keyword_arg("seed", bound["seed"].value, bound["seed"])] if "seed" in bound else []
        if uniform:
            return call.with_changes(func=self.tf_expr(table.XAVIER_UNIFORM), args=finish_args(seed))
        # Glorot normal, but with contrib's truncated normal (see native_table.CONTRIB_TRUNCATED_SCALE).
        args = [
            keyword_arg("scale", _contrib_truncated_scale(None)),
            keyword_arg("mode", cst.SimpleString('"fan_avg"')),
            keyword_arg("distribution", cst.SimpleString('"truncated_normal"'), bound.get("uniform")),
            *seed,
        ]
        return call.with_changes(func=self.tf_expr(table.VARIANCE_SCALING_TARGET), args=finish_args(args))

    def _variance_scaling(self, original: cst.Call, call: cst.Call) -> cst.Call:
        bound = _bound(call, table.VARIANCE_SCALING_PARAMS)
        if bound is None or not self._default_dtype(original, table.VARIANCE_SCALING_PARAMS):
            return call
        uniform = _bool_literal(bound["uniform"].value) if "uniform" in bound else False
        mode_text = _string_literal(bound["mode"].value) if "mode" in bound else "FAN_IN"
        mode = table.VARIANCE_SCALING_MODES.get(mode_text.upper()) if mode_text is not None else None
        if uniform is None or mode is None:
            self.report(original, "variance_scaling_initializer mode / uniform are not literals", code=NOT_CONVERTED)
            return call
        factor = bound["factor"].value if "factor" in bound else cst.Float("2.0")
        scale = factor if uniform else _contrib_truncated_scale(factor)
        args = [
            keyword_arg("scale", scale, bound.get("factor")),
            keyword_arg("mode", cst.SimpleString(f'"{mode}"'), bound.get("mode")),
            keyword_arg(
                "distribution",
                cst.SimpleString('"uniform"' if uniform else '"truncated_normal"'),
                bound.get("uniform"),
            ),
        ]
        if "seed" in bound:
            args.append(keyword_arg("seed", bound["seed"].value, bound["seed"]))
        return call.with_changes(func=self.tf_expr(table.VARIANCE_SCALING_TARGET), args=finish_args(args))

    def _default_dtype(self, original: cst.Call, params: tuple[str, ...]) -> bool:
        # Keras initializers take their dtype at call time: only the default one can be dropped.
        # The original node carries the metadata that resolves the dtype's name.
        dtype = (_bound(original, params) or {}).get("dtype")
        return dtype is None or self.tf_api(dtype.value) == "tf.float32"


def _contrib_truncated_scale(factor: cst.BaseExpression | None) -> cst.BaseExpression:
    """Keras' VarianceScaling `scale` that draws contrib's truncated normal for `factor`."""
    constant = table.CONTRIB_TRUNCATED_SCALE
    if factor is None:
        return cst.parse_expression(constant)
    atomic = isinstance(factor, (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float))
    text = cst.Module([]).code_for_node(factor)
    return cst.parse_expression(f"{text if atomic else f'({text})'} * {constant}")


def _is_none(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value == "None"


def _is_number(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, (cst.Minus, cst.Plus)):
        value = value.expression
    return isinstance(value, (cst.Integer, cst.Float))


def _bool_literal(value: cst.BaseExpression) -> bool | None:
    if isinstance(value, cst.Name) and value.value in ("True", "False"):
        return value.value == "True"
    return None


def _string_literal(value: cst.BaseExpression) -> str | None:
    if isinstance(value, cst.SimpleString):
        evaluated = value.evaluated_value
        return evaluated if isinstance(evaluated, str) else None
    return None
