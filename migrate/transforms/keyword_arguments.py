"""TFM102: call arguments of functions whose TF 2 signature changed, from TensorFlow's tables.

For a call resolved to a TF1 function, as `tf_upgrade_v2` does and in its order:
positional arguments whose position means something else in TF 2 are passed by keyword
(`reorders`), keywords are renamed or dropped (`keyword_renames`), and arguments TF 2 needs
explicitly are added (`added_arguments`). It runs before TFM101, so it sees TF1 names. Calls of `tf.keras.*` are
left alone: the tables' entries for them describe Keras 2 (see `rename_tables.NOT_APPLICABLE`).

Arguments listed in `arg_warnings` (for example `colocate_gradients_with_ops`, whose TF 2
behaviour is fixed) are reported before they are dropped. A call that passes `*args` or
`**kwargs` where a change applies is reported and left as it is: which argument lands where
cannot be known. Only the arguments that change are rebuilt; the rest keep their text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import libcst as cst

from migrate.analysis import rename_tables, tf_names
from migrate.analysis.call_arguments import keyword_arg
from migrate.analysis.imports import head_name, through_v1_alias
from migrate.analysis.rename_tables import SEVERITIES, ArgNote, RenameTables
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform


class KeywordArguments(MigrationTransform):
    CODE = "TFM102"
    DESCRIPTION = "pass, rename, drop or add call arguments whose TF 2 signature changed (TensorFlow's upgrade tables)"
    TRAVERSAL_GROUP = "modules"
    EXAMPLES: ClassVar[Sequence[Example]] = (
        Example(
            "import tensorflow as tf\nbest = tf.argmax(logits, dimension=1)\n",
            "import tensorflow as tf\nbest = tf.argmax(logits, axis=1)\n",
            "keyword-renamed",
        ),
        Example(
            "import tensorflow as tf\nbest = tf.argmax(logits, None, 'best', 1)\n",
            "import tensorflow as tf\nbest = tf.argmax(logits, None, name='best', axis=1)\n",
            "positional-to-keyword",
        ),
        Example(
            "import tensorflow as tf\ngrads = tf.gradients(loss, params, colocate_gradients_with_ops=True)\n",
            "import tensorflow as tf\ngrads = tf.gradients(loss, params)\n",
            "argument-dropped",
        ),
        Example(
            "import tensorflow as tf\nout = tf.nn.dilation2d(x, filter=k, strides=s, rates=r, padding='SAME')\n",
            "import tensorflow as tf\n"
            "out = tf.nn.dilation2d(x, filters=k, strides=s, dilations=r, padding='SAME', data_format=\"NHWC\")\n",
            "argument-added",
        ),
        Example(
            "import tensorflow as tf\nbest = tf.argmax(logits, 1)\n",
            None,
            "unchanged-signature-use",
        ),
        Example(
            "import tensorflow as tf\ntf.keras.models.save_model(model, path)\n",
            None,
            "keras-3-untouched",
        ),
        Example(
            "def argmax(x, dimension):\n    return x\nimport tensorflow as tf\nbest = argmax(logits, dimension=1)\n",
            None,
            "not-tensorflow",
        ),
    )

    @classmethod
    def runnable(cls) -> bool:
        # Without TensorFlow there are no tables: the file is left as it is.
        return rename_tables.tables_problem() is None

    def visit_Module(self, node: cst.Module) -> bool:
        self._tables: RenameTables = rename_tables.load_tables()
        return super().visit_Module(node)

    def leave_Call(
        self, original_node: cst.Call, updated_node: cst.Call
    ) -> cst.BaseExpression:
        func = original_node.func
        name = self.tf_api(func)
        if name is not None and through_v1_alias(self._head_names(func)):
            return updated_node
        if name is not None and rename_tables.not_applicable(name) is not None:
            name = None  # Keras 3 code: the tables' entries for it describe Keras 2
        tables = self._tables
        glob = f"*.{func.attr.value}" if isinstance(func, cst.Attribute) else None
        renames: dict[str, str | None] = (
            dict(tables.keyword_renames.get(glob, {})) if glob else {}
        )
        notes: list[ArgNote] = list(tables.arg_warnings.get(glob, ())) if glob else []
        reorder: Sequence[str | None] = ()
        added: Mapping[str, str] = {}
        if name is not None:
            renames.update(tables.keyword_renames.get(name, {}))
            notes.extend(tables.arg_warnings.get(name, ()))
            reorder = tables.reorders.get(name, ())
            added = tables.added_arguments.get(name, {})
        if not (renames or notes or reorder or added) or self.is_suppressed_at(
            original_node
        ):
            return updated_node
        shown = name or tf_names.dotted(func) or (glob or "")
        args = list(updated_node.args)
        positional = [a for a in args if a.keyword is None and a.star == ""]
        starred = any(a.star == "*" for a in args)
        double_starred = any(a.star == "**" for a in args)
        keywords = {a.keyword.value for a in args if a.keyword is not None}

        for note in notes:
            if note.arg in keywords or len(positional) > note.position:
                message = f"{shown} called with `{note.arg}`: {rename_tables.condense(note.message, shown)}"
                self.report(
                    original_node,
                    message,
                    severity=SEVERITIES.get(note.level, Severity.WARNING),
                )

        args = self._reorder(original_node, shown, args, reorder, starred)
        if renames and double_starred and keywords.isdisjoint(renames):
            self._manual(
                original_node,
                shown,
                "**kwargs may hold arguments that were renamed or removed",
            )
        args = self._rename_keywords(original_node, shown, args, renames)
        if added and double_starred:
            self._manual(
                original_node, shown, f"**kwargs may already hold {', '.join(added)}"
            )
        elif added:
            args = _append_keywords(args, added)
        if args == list(updated_node.args):
            return updated_node
        return updated_node.with_changes(args=args)

    def _head_names(self, func: cst.BaseExpression) -> set[str]:
        head = head_name(func)
        if head is None:
            return set()
        return {q.name for q in self.qualified_names(head)}

    def _manual(self, node: cst.CSTNode, shown: str, why: str) -> None:
        self.report(
            node,
            f"{shown}: check the arguments by hand: {why}",
            severity=Severity.WARNING,
        )

    def _reorder(
        self,
        node: cst.Call,
        shown: str,
        args: list[cst.Arg],
        reorder: Sequence[str | None],
        starred: bool,
    ) -> list[cst.Arg]:
        positional = [
            i for i, a in enumerate(args) if a.keyword is None and a.star == ""
        ]
        moves = [
            (i, reorder[n])
            for n, i in enumerate(positional)
            if n < len(reorder) and reorder[n]
        ]
        if not moves:
            if starred and any(reorder):
                self._manual(
                    node, shown, "its argument order changed and it is passed *args"
                )
            return args
        if starred:
            self._manual(
                node, shown, "its argument order changed and it is passed *args"
            )
            return args
        if len(positional) > len(reorder):
            self._manual(
                node, shown, "more positional arguments than its TF1 signature takes"
            )
            return args
        taken = {a.keyword.value for a in args if a.keyword is not None}
        if taken.intersection(keyword for _, keyword in moves if keyword):
            self._manual(
                node, shown, "an argument is passed both by position and by keyword"
            )
            return args
        new = list(args)
        for index, keyword in moves:
            assert keyword is not None
            new[index] = keyword_arg(keyword, new[index].value, new[index])
        return new

    def _rename_keywords(
        self,
        node: cst.Call,
        shown: str,
        args: list[cst.Arg],
        renames: Mapping[str, str | None],
    ) -> list[cst.Arg]:
        present = {a.keyword.value for a in args if a.keyword is not None}
        kept: list[cst.Arg] = []
        for arg in args:
            old = arg.keyword.value if arg.keyword is not None else None
            if old is None or old not in renames:
                kept.append(arg)
                continue
            new = renames[old]
            if new is None:
                continue
            if new in present:
                self._manual(
                    node, shown, f"both `{old}` and its TF 2 name `{new}` are passed"
                )
                kept.append(arg)
                continue
            kept.append(arg.with_changes(keyword=cst.Name(new)))
        last = args[-1] if args else None
        if (
            kept
            and last is not None
            and last.keyword is not None
            and renames.get(last.keyword.value, "") is None
        ):
            # The old last argument went away: its comma (trailing or none) ends the call now.
            kept[-1] = kept[-1].with_changes(comma=last.comma)
        return kept


def _append_keywords(args: list[cst.Arg], added: Mapping[str, str]) -> list[cst.Arg]:
    present = {a.keyword.value for a in args if a.keyword is not None}
    new = list(args)
    for keyword, source in added.items():
        if keyword in present:
            continue
        arg = keyword_arg(keyword, cst.parse_expression(source))
        if new:
            last = new[-1]
            trailing = last.comma
            new[-1] = last.with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
            if isinstance(trailing, cst.Comma):
                arg = arg.with_changes(comma=trailing)
        new.append(arg)
    return new
