"""TFM160: a TF1 queue input pipeline that keeps its order becomes the same `tf.data` pipeline.

TF1 read files through queues that threads fill: `tf.train.string_input_producer` serves the file
names, a `TextLineReader` / `TFRecordReader` reads their records one at a time, the ops after
`reader.read` turn one record into tensors, `tf.train.batch` groups them, and a `Coordinator`
with `start_queue_runners` runs the threads. TF 2 has none of it. With the file names in their
order (`shuffle=False`; the producer's default shuffles) and one batching thread, the queues give
the records of each file in order, epoch after epoch, batches running across file and epoch
ends, and the last, smaller batch only with `allow_smaller_final_batch`. That is exactly

    tf.data.Dataset.from_tensor_slices(filenames).repeat(num_epochs)
        .flat_map(lambda filename: tf.data.TextLineDataset(filename).skip(skip_header_lines))
        .map(decode_record).batch(batch_size, drop_remainder=not allow_smaller_final_batch)

(header lines are skipped per file), where `decode_record` holds the statements between the read
and the batch. The pipeline becomes that dataset and a one-shot iterator's `get_next()`, the TF1
form the sessions rule turns into `iter(dataset)`; the coordinator and queue runners go, and so
does the local-variables initializer that only `num_epochs` needed. `tf.errors.OutOfRangeError`
still ends the input.

Declined (TFM161, the pipeline stays as it is): shuffled file names and `tf.train.shuffle_batch`
(their order comes from TensorFlow's queues and threads; no `tf.data` pipeline gives the same
batches), several batching threads, several pipelines or readers in one file, a pipeline split
over functions or written in expressions, a record key that is read, coordinators used for more
than stopping, and loops that stop themselves through `request_stop`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Final

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.call_arguments import ArgumentsNotBound, UnknownKeywords, bound_values
from migrate.analysis.declined import Declined
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform

DECLINED = "TFM161"
PRODUCER: Final = "tf.train.string_input_producer"
BATCH: Final = "tf.train.batch"
COORDINATOR: Final = "tf.train.Coordinator"
START: Final = "tf.train.start_queue_runners"
LOCAL_INITIALIZER: Final = "tf.local_variables_initializer"
# Reader class -> the dataset that reads the same records of one file, and its parameters.
READERS: Final = {
    "tf.TextLineReader": ("TextLineDataset", ("skip_header_lines", "name")),
    "tf.TFRecordReader": ("TFRecordDataset", ("name", "options")),
}
# Queue APIs this rule does not convert, with why.
OTHER_QUEUES: Final = {
    "tf.train.shuffle_batch": "tf.train.shuffle_batch draws its order from a RandomShuffleQueue that threads fill: "
    "no tf.data pipeline gives the same batches (dataset.shuffle(min_after_dequeue) would be the by-hand form)",
    "tf.train.shuffle_batch_join": "tf.train.shuffle_batch_join mixes several readers in no fixed order",
    "tf.train.batch_join": "tf.train.batch_join mixes several readers in no fixed order",
    "tf.train.maybe_batch": "tf.train.maybe_batch keeps records by a condition",
    "tf.train.input_producer": "a tf.train.input_producer queue",
    "tf.train.slice_input_producer": "a tf.train.slice_input_producer queue",
    "tf.train.range_input_producer": "a tf.train.range_input_producer queue",
    "tf.train.match_filenames_once": "file names matched once into a local variable",
    "tf.train.limit_epochs": "tf.train.limit_epochs",
    "tf.train.QueueRunner": "a queue runner made by hand",
    "tf.train.add_queue_runner": "a queue runner added by hand",
    "tf.FIFOQueue": "a queue fed by hand",
    "tf.RandomShuffleQueue": "a queue fed by hand",
    "tf.PaddingFIFOQueue": "a queue fed by hand",
    "tf.PriorityQueue": "a queue fed by hand",
    "tf.WholeFileReader": "a WholeFileReader (its records are whole files and their names)",
    "tf.FixedLengthRecordReader": "a FixedLengthRecordReader",
    "tf.IdentityReader": "an IdentityReader",
    "tf.LMDBReader": "an LMDBReader",
}
# APIs that make local variables, which the local-variables initializer must then still set up.
LOCAL_VARIABLE_APIS: Final = (
    "tf.metrics", "tf.contrib", "tf.local_variables", "tf.GraphKeys.LOCAL_VARIABLES", "tf.estimator",
    "tf.train.match_filenames_once", "tf.train.limit_epochs", "tf.train.input_producer",
    "tf.train.slice_input_producer", "tf.train.range_input_producer",
)  # fmt: skip
_PRODUCER_PARAMS: Final = (
    "string_tensor", "num_epochs", "shuffle", "seed", "capacity", "shared_name", "name", "cancel_op",
)  # fmt: skip
_BATCH_PARAMS: Final = (
    "tensors", "batch_size", "num_threads", "capacity", "enqueue_many", "shapes", "dynamic_pad",
    "allow_smaller_final_batch", "shared_name", "name",
)  # fmt: skip
_START_PARAMS: Final = ("sess", "coord", "daemon", "start", "collection")


@dataclass
class _Plan:
    """What the rewrite changes, by the identity of the original nodes."""

    removed: set[int] = field(default_factory=set)  # statement lines that go
    replaced: dict[int, Sequence[cst.BaseStatement]] = field(default_factory=dict)  # batch line -> the dataset
    tests: dict[int, cst.BaseExpression] = field(default_factory=dict)  # while -> its test without should_stop
    dropped: set[int] = field(default_factory=set)  # list elements and call arguments that go


def _is_literal(node: cst.BaseExpression | None, *values: str) -> bool:
    return (isinstance(node, cst.Name) and node.value in values) or (
        isinstance(node, cst.Integer) and node.value in values
    )


def _method_call(node: cst.CSTNode, owner: str, method: str) -> bool:
    """`owner.method(...)`."""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == method
        and isinstance(node.func.value, cst.Name)
        and node.func.value.value == owner
    )


class _Scopes(cst.CSTVisitor):
    """The innermost function or class around each call, and the loops around it."""

    def __init__(self) -> None:
        super().__init__()
        self._stack: list[int] = [0]
        self._loops = 0
        self.scope: dict[int, int] = {}
        self.in_loop: set[int] = set()
        self.order: dict[int, int] = {}  # Name nodes in source order

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._stack.append(id(node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._stack.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._stack.append(id(node))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._stack.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._stack.append(id(node))

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._stack.pop()

    def visit_While_body(self, node: cst.While) -> None:
        self._loops += 1

    def leave_While_body(self, node: cst.While) -> None:
        self._loops -= 1

    def visit_For_body(self, node: cst.For) -> None:
        self._loops += 1

    def leave_For_body(self, node: cst.For) -> None:
        self._loops -= 1

    def visit_Call(self, node: cst.Call) -> None:
        self.scope[id(node)] = self._stack[-1]
        if self._loops:
            self.in_loop.add(id(node))

    def visit_Name(self, node: cst.Name) -> None:
        self.scope[id(node)] = self._stack[-1]
        self.order[id(node)] = len(self.order)


@dataclass(frozen=True)
class _Line:
    """A statement line `targets = call(...)` (or `call(...)`) in a block."""

    block: Sequence[cst.BaseStatement]
    index: int
    statement: cst.SimpleStatementLine
    targets: tuple[str, ...]
    target: cst.BaseExpression | None  # as written: a Name, or a Tuple / List of names


class QueuePipelines(MigrationTransform):
    CODE = "TFM160"
    DESCRIPTION = "an ordered TF1 queue input pipeline becomes the tf.data pipeline that gives the same batches"
    FINDINGS: ClassVar[Mapping[str, str]] = {
        DECLINED: "queue input pipeline left as it is",
    }
    TRIGGERS = ("string_input_producer", "shuffle_batch", "Reader", "start_queue_runners", "batch_join")
    EXAMPLES: ClassVar = (
        Example(
            "import tensorflow as tf\n\n"
            "queue = tf.train.string_input_producer(['a.csv'], num_epochs=2, shuffle=False)\n"
            "reader = tf.TextLineReader(skip_header_lines=1)\n"
            "_, line = reader.read(queue)\n"
            "x, y = tf.decode_csv(line, record_defaults=[[0.0], [0.0]])\n"
            "x_batch, y_batch = tf.train.batch([x, y], batch_size=4)\n"
            "with tf.Session() as sess:\n"
            "    sess.run(tf.local_variables_initializer())\n"
            "    coord = tf.train.Coordinator()\n"
            "    threads = tf.train.start_queue_runners(sess=sess, coord=coord)\n"
            "    try:\n"
            "        while not coord.should_stop():\n"
            "            print(sess.run(x_batch))\n"
            "    except tf.errors.OutOfRangeError:\n"
            "        pass\n"
            "    finally:\n"
            "        coord.request_stop()\n"
            "    coord.join(threads)\n",
            "import tensorflow as tf\n\n\n"
            "def decode_record(line):\n"
            "    x, y = tf.decode_csv(line, record_defaults=[[0.0], [0.0]])\n"
            "    return x, y\n\n\n"
            "batch_dataset = tf.data.Dataset.from_tensor_slices(['a.csv']).repeat(2)\n"
            "batch_dataset = batch_dataset.flat_map(lambda filename: tf.data.TextLineDataset(filename).skip(1))\n"
            "batch_dataset = batch_dataset.map(decode_record).batch(4, drop_remainder=True)\n"
            "batch_iterator = batch_dataset.make_one_shot_iterator()\n"
            "x_batch, y_batch = batch_iterator.get_next()\n"
            "with tf.Session() as sess:\n"
            "    try:\n"
            "        while True:\n"
            "            print(sess.run(x_batch))\n"
            "    except tf.errors.OutOfRangeError:\n"
            "        pass\n",
            "csv-lines",
        ),
        Example(
            "import tensorflow as tf\n\n"
            "queue = tf.train.string_input_producer(['a.csv'], num_epochs=2)\n"
            "reader = tf.TextLineReader()\n"
            "_, line = reader.read(queue)\n"
            "x, y = tf.decode_csv(line, record_defaults=[[0.0], [0.0]])\n"
            "x_batch, y_batch = tf.train.batch([x, y], batch_size=4)\n",
            None,
            "shuffled-file-names-stay",
        ),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._plan = _Plan()

    # --- analysis ---------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> bool:
        super().visit_Module(node)
        try:
            plan = self._plan_for(node)
        except Declined as declined:
            where = declined.node if declined.node is not None else node
            self.report(where, f"{self.FINDINGS[DECLINED]}: {declined.message}", code=DECLINED)
            return False
        if plan is None:
            return False
        self._plan = plan
        return True

    def _queue_calls(self, module: cst.Module) -> dict[str, list[cst.Call]]:
        found: dict[str, list[cst.Call]] = {}
        for call in syntax.calls_in(module):
            api = self.tf_api(call.func)
            if api is not None:
                found.setdefault(api, []).append(call)
        return found

    def _plan_for(self, module: cst.Module) -> _Plan | None:
        calls = self._queue_calls(module)
        for api, reason in OTHER_QUEUES.items():
            if api in calls:
                raise Declined(DECLINED, reason, calls[api][0])
        readers = [call for api in READERS for call in calls.get(api, [])]
        producers, batches = calls.get(PRODUCER, []), calls.get(BATCH, [])
        if not producers and not readers and not batches:
            return None  # queue runners with no queue this rule knows: nothing to say
        if not producers:
            unfed = (readers or batches)[0]
            raise Declined(DECLINED, "a reader or batch not fed by tf.train.string_input_producer", unfed)
        producer = producers[0]
        if not batches:
            raise Declined(DECLINED, "no tf.train.batch groups the records: only batched pipelines convert", producer)
        for what, found in (("string_input_producer", producers), ("reader", readers), ("tf.train.batch", batches)):
            if len(found) != 1:
                raise Declined(DECLINED, f"{len(found)} {what} calls: one pipeline per file is converted", producers[0])
        reader, batch = readers[0], batches[0]
        starts = calls.get(START, [])
        if len(starts) != 1:
            raise Declined(DECLINED, "its queue runners are not started by one start_queue_runners call", producer)

        lines = self._lines(module)
        scopes = _Scopes()
        module.visit(scopes)
        pipeline = [producer, reader, batch, *starts, *calls.get(COORDINATOR, [])]
        if len({scopes.scope.get(id(call)) for call in pipeline}) != 1:
            raise Declined(DECLINED, "the pipeline is built or started across functions", producer)
        producer_line = self._line(lines, producer, "string_input_producer")
        reader_line = self._line(lines, reader, "the reader")
        batch_line = self._line(lines, batch, "tf.train.batch")
        if not (producer_line.block is reader_line.block is batch_line.block):
            raise Declined(DECLINED, "the pipeline is built in several blocks", producer)
        block = batch_line.block
        if len(producer_line.targets) != 1 or len(reader_line.targets) != 1:
            raise Declined(DECLINED, "the queue or reader is not bound to one name", producer)
        queue, reader_name = producer_line.targets[0], reader_line.targets[0]
        read_index, key, value = self._read(block, reader_name, queue, batch_line.index)
        if not (producer_line.index < read_index and reader_line.index < read_index < batch_line.index):
            raise Declined(DECLINED, "the queue, reader, read and batch are not written in that order", producer)

        uses = syntax.name_uses(module)
        if len(uses.get(queue, ())) != 2 or len(uses.get(reader_name, ())) != 2:
            raise Declined(DECLINED, "the queue or reader is used for more than one read", producer)
        if key != "_" and len(uses.get(key, ())) != 1:
            raise Declined(DECLINED, f"the record key `{key}` is read: tf.data gives the records alone", producer)
        record = list(block[read_index + 1 : batch_line.index])
        tensors = self._record_names_stay_inside(record, block[read_index], value, batch, batch_line, uses, scopes)
        source = self._source(producer, reader, self.tf_api(reader.func) or "")
        read_by_pipeline = syntax.names_in(producer) | syntax.names_in(reader)
        for index in range(producer_line.index + 1, batch_line.index):
            rebound = syntax.assigned_names(block[index]) & read_by_pipeline
            if rebound:
                raise Declined(DECLINED, f"`{min(rebound)}` changes between the producer and the batch", producer)

        plan = _Plan()
        gone = {id(block[i]) for i in (producer_line.index, reader_line.index, read_index)}
        gone.update(id(statement) for statement in record)
        after = any(id(statement) not in gone for statement in block[: batch_line.index])
        blank = (2 if scopes.scope.get(id(batch)) == 0 else 1) if after else 0
        # Comments above the pipeline's first line stay above the dataset that replaces it.
        first = block[min(producer_line.index, reader_line.index)]
        comments = [line for line in syntax.leading_lines(first) if line.comment is not None]
        decoder, dataset = self._dataset(source, batch, batch_line, tensors, record, value, set(uses), blank)
        dataset[0] = syntax.with_leading_lines(dataset[0], [*syntax.leading_lines(dataset[0]), *comments])
        plan.replaced[id(batch_line.statement)] = [*decoder, *dataset]
        plan.removed.update(gone)
        self._plumbing(module, lines, calls, scopes, uses, plan)
        self._local_initializer(module, calls, plan)
        self.report(
            producer,
            "the queue input pipeline is now the tf.data pipeline that gives the same batches in the same order; "
            "its coordinator and queue runners are gone",
            code=self.CODE,
            severity=Severity.INFO,
        )
        return plan

    def _lines(self, module: cst.Module) -> dict[int, _Line]:
        """Every `targets = call(...)` / `call(...)` line of the module's blocks, by the call."""
        found: dict[int, _Line] = {}
        blocks: list[Sequence[cst.BaseStatement]] = [module.body]
        blocks.extend(b.body for b in syntax.nodes_of(module, cst.IndentedBlock) if isinstance(b, cst.IndentedBlock))
        for block in blocks:
            for index, statement in enumerate(block):
                targets, call, small = syntax.single_call(statement)
                if call is None or not isinstance(statement, cst.SimpleStatementLine):
                    continue
                target = small.targets[0].target if isinstance(small, cst.Assign) else None
                found[id(call)] = _Line(block, index, statement, targets, target)
        return found

    def _line(self, lines: Mapping[int, _Line], call: cst.Call, what: str) -> _Line:
        line = lines.get(id(call))
        if line is None:
            raise Declined(DECLINED, f"{what} is called inside another expression", call)
        return line

    def _read(
        self, block: Sequence[cst.BaseStatement], reader: str, queue: str, before: int
    ) -> tuple[int, str, str]:
        """The line `key, value = reader.read(queue)` before the batch: its index, key and value."""
        for index in range(before):
            targets, call, small = syntax.single_call(block[index])
            if call is None or not _method_call(call, reader, "read"):
                continue
            target = small.targets[0].target if isinstance(small, cst.Assign) else None
            argument = call.args[0].value if len(call.args) == 1 and not call.args[0].keyword else None
            if not isinstance(target, cst.Tuple) or len(targets) != 2 or not _is_name(argument, queue):
                raise Declined(DECLINED, "the reader's read is not `key, value = reader.read(queue)`", call)
            return index, targets[0], targets[1]
        raise Declined(DECLINED, "no `reader.read(queue)` line before the batch in the same block")

    def _record_names_stay_inside(
        self,
        record: Sequence[cst.BaseStatement],
        read: cst.BaseStatement,
        value: str,
        batch: cst.Call,
        batch_line: _Line,
        uses: Mapping[str, list[cst.Name]],
        scopes: _Scopes,
    ) -> Sequence[cst.BaseExpression]:
        """The batched tensors, once it is known that the lines between the read and the batch
        compute one record and nothing after them reads their names (scripts reuse names: what
        the same scope wrote and read before the read is another variable that happens to share
        the name; a function's body reads the name when it is called, so it counts anywhere)."""
        for statement in record:
            if not isinstance(statement, cst.SimpleStatementLine) or not all(
                isinstance(small, (cst.Assign, cst.Expr)) for small in statement.body
            ):
                raise Declined(DECLINED, "the lines between the read and the batch are not assignments", statement)
        try:
            arguments = bound_values(batch, _BATCH_PARAMS, unknown_keywords=UnknownKeywords.REFUSE)
        except ArgumentsNotBound as problem:
            raise Declined(DECLINED, f"tf.train.batch: {problem}", batch) from None
        threads = arguments.get("num_threads")
        if threads is not None and not _is_literal(threads, "1"):
            raise Declined(DECLINED, "several batching threads put records in no fixed order", batch)
        for flag in ("enqueue_many", "dynamic_pad"):
            if flag in arguments and not _is_literal(arguments[flag], "False"):
                raise Declined(DECLINED, f"tf.train.batch with {flag}", batch)
        for option in ("shapes", "shared_name"):
            if option in arguments and not _is_literal(arguments[option], "None"):
                raise Declined(DECLINED, f"tf.train.batch with {option}", batch)
        listed = arguments.get("tensors")
        if not isinstance(listed, (cst.List, cst.Tuple)) or not listed.elements or any(
            isinstance(e, cst.StarredElement) for e in listed.elements
        ):
            raise Declined(DECLINED, "tf.train.batch is not given a list of tensors", batch)
        tensors = [element.value for element in listed.elements]
        single = len(tensors) == 1 and isinstance(batch_line.target, cst.Name)
        unpacked = isinstance(batch_line.target, (cst.Tuple, cst.List)) and len(batch_line.targets) == len(tensors)
        if not (single or unpacked):
            raise Declined(DECLINED, "the batch is not unpacked into one name per batched tensor", batch)
        inside = {id(name) for statement in (read, *record) for name in syntax.nodes_of(statement, cst.Name)}
        inside.update(id(name) for tensor in tensors for name in syntax.nodes_of(tensor, cst.Name))
        local = {value, *(name for statement in record for name in syntax.defined_names(statement))}
        here = scopes.scope.get(id(batch))
        start = scopes.order[id(syntax.nodes_of(read, cst.Name)[0])]

        def before_in_scope(use: cst.Name) -> bool:
            return scopes.scope.get(id(use)) == here and scopes.order[id(use)] < start

        for name in sorted(local):
            if any(id(use) not in inside and not before_in_scope(use) for use in uses.get(name, ())):
                raise Declined(DECLINED, f"`{name}` is used outside the record's lines", batch)
        return tensors

    def _source(self, producer: cst.Call, reader: cst.Call, reader_api: str) -> tuple[str, str]:
        """The dataset of the records the reader reads, epoch after epoch, as code: the first
        expression, and the method that turns file names into records when it takes one more line."""
        try:
            given = bound_values(producer, _PRODUCER_PARAMS, unknown_keywords=UnknownKeywords.REFUSE)
        except ArgumentsNotBound as problem:
            raise Declined(DECLINED, f"string_input_producer: {problem}", producer) from None
        if not _is_literal(given.get("shuffle"), "False"):
            raise Declined(
                DECLINED,
                "string_input_producer shuffles the file names (its default) with TensorFlow's own random numbers: "
                "no tf.data pipeline gives the same order; shuffle=False converts",
                producer,
            )
        for option in ("shared_name", "cancel_op"):
            if option in given and not _is_literal(given[option], "None"):
                raise Declined(DECLINED, f"string_input_producer with {option}", producer)
        dataset_class, parameters = READERS[reader_api]
        try:
            options = bound_values(reader, parameters, unknown_keywords=UnknownKeywords.REFUSE)
        except ArgumentsNotBound as problem:
            raise Declined(DECLINED, f"reader: {problem}", reader) from None
        if "options" in options and not _is_literal(options["options"], "None"):
            raise Declined(DECLINED, "a TFRecordReader with options", reader)
        skip = options.get("skip_header_lines")
        if skip is not None and not isinstance(skip, cst.Integer) and not _is_literal(skip, "None"):
            raise Declined(DECLINED, "skip_header_lines is not a number written in the call", reader)
        tf = self.tf_alias()
        files = syntax.code_of(given["string_tensor"])
        epochs = syntax.code_of(given["num_epochs"]) if "num_epochs" in given else ""
        if isinstance(skip, cst.Integer) and skip.evaluated_value:
            # Header lines are skipped in each file, so each file is its own dataset.
            return (
                f"{tf}.data.Dataset.from_tensor_slices({files}).repeat({epochs})",
                f".flat_map(lambda filename: {tf}.data.{dataset_class}(filename).skip({skip.value}))",
            )
        return f"{tf}.data.{dataset_class}({files}).repeat({epochs})", ""

    def _dataset(
        self,
        source: tuple[str, str],
        batch: cst.Call,
        batch_line: _Line,
        tensors: Sequence[cst.BaseExpression],
        record: Sequence[cst.BaseStatement],
        value: str,
        taken: set[str],
        blank: int,
    ) -> tuple[list[cst.BaseStatement], list[cst.BaseStatement]]:
        """The function that decodes one record, then the dataset's four lines; `blank` lines go
        before the function and after it."""
        arguments = bound_values(batch, _BATCH_PARAMS, unknown_keywords=UnknownKeywords.REFUSE)
        allow = arguments.get("allow_smaller_final_batch")
        if allow is None or _is_literal(allow, "False"):
            drop = "True"
        elif _is_literal(allow, "True"):
            drop = "False"
        else:
            drop = f"not ({syntax.code_of(allow)})"
        dataset = syntax.unique_name("batch_dataset", taken)
        iterator = syntax.unique_name("batch_iterator", taken | {dataset})
        decode = syntax.unique_name("decode_record", taken | {dataset, iterator})
        returned = ", ".join(syntax.code_of(tensor) for tensor in tensors)
        statements: list[cst.BaseStatement] = []
        mapped = ""
        if record or returned != value:
            body = [syntax.with_leading_lines(line, ()) if i == 0 else line for i, line in enumerate(record)]
            body.append(cst.parse_statement(f"return {returned}\n"))
            function = cst.parse_statement(f"def {decode}({value}):\n    pass\n")
            assert isinstance(function, cst.FunctionDef)
            statements.append(function.with_changes(body=function.body.with_changes(body=body)))
            mapped = f".map({decode})"
        first, records = source
        code = (
            f"{dataset} = {first}\n"
            + (f"{dataset} = {dataset}{records}\n" if records else "")
            + f"{dataset} = {dataset}{mapped}.batch({syntax.code_of(arguments['batch_size'])}, drop_remainder={drop})\n"
            f"{iterator} = {dataset}.make_one_shot_iterator()\n"
            f"{syntax.code_of(batch_line.target) if batch_line.target else ''} = {iterator}.get_next()\n"
        )
        lines: list[cst.BaseStatement] = list(cst.parse_module(code).body)
        if statements:
            statements[0] = syntax.with_leading_lines(statements[0], [cst.EmptyLine(indent=False)] * blank)
            lines[0] = syntax.with_leading_lines(lines[0], [cst.EmptyLine(indent=False)] * max(blank, 1))
        return statements, lines

    def _plumbing(
        self,
        module: cst.Module,
        lines: Mapping[int, _Line],
        calls: Mapping[str, list[cst.Call]],
        scopes: _Scopes,
        uses: Mapping[str, list[cst.Name]],
        plan: _Plan,
    ) -> None:
        """The coordinator and queue-runner lines go; `while not coord.should_stop()` loops run
        until the input ends, as they did (the runners never ask to stop on a clean end)."""
        start = calls[START][0]
        start_line = self._line(lines, start, "start_queue_runners")
        try:
            given = bound_values(start, _START_PARAMS, unknown_keywords=UnknownKeywords.REFUSE)
        except ArgumentsNotBound as problem:
            raise Declined(DECLINED, f"start_queue_runners: {problem}", start) from None
        if any(option in given for option in ("daemon", "start", "collection")):
            raise Declined(DECLINED, "start_queue_runners with daemon, start or collection", start)
        plan.removed.add(id(start_line.statement))
        threads = start_line.targets[0] if len(start_line.targets) == 1 else None
        coordinators = calls.get(COORDINATOR, [])
        if len(coordinators) > 1:
            raise Declined(DECLINED, "several coordinators", coordinators[1])
        accounted: set[int] = set()
        if start_line.target is not None:
            accounted.update(id(name) for name in syntax.nodes_of(start_line.target, cst.Name))
        coordinator = None
        if coordinators:
            line = self._line(lines, coordinators[0], "the Coordinator")
            if len(line.targets) != 1 or coordinators[0].args:
                made = "the coordinator is not made as `coord = tf.train.Coordinator()`"
                raise Declined(DECLINED, made, coordinators[0])
            coordinator = line.targets[0]
            plan.removed.add(id(line.statement))
            accounted.update(id(name) for name in syntax.nodes_of(line.statement, cst.Name))
            coord_argument = given.get("coord")
            if coord_argument is not None:
                accounted.update(id(name) for name in syntax.nodes_of(coord_argument, cst.Name))
        if coordinator is not None:
            self._coordinator_calls(module, lines, scopes, coordinator, threads, accounted, plan)
        for name in (coordinator, threads):
            if name is not None and any(id(use) not in accounted for use in uses.get(name, ())):
                raise Declined(DECLINED, f"`{name}` is used for more than stopping the queue runners", start)

    def _coordinator_calls(
        self,
        module: cst.Module,
        lines: Mapping[int, _Line],
        scopes: _Scopes,
        coordinator: str,
        threads: str | None,
        accounted: set[int],
        plan: _Plan,
    ) -> None:
        for call in syntax.calls_in(module):
            if _method_call(call, coordinator, "request_stop"):
                line = self._line(lines, call, "request_stop")
                if call.args:
                    raise Declined(DECLINED, "request_stop(error) hands the error to join, which raises it", call)
                if id(call) in scopes.in_loop:
                    raise Declined(DECLINED, "a loop asks the coordinator to stop: its should_stop would end it", call)
            elif _method_call(call, coordinator, "join"):
                line = self._line(lines, call, "join")
                listed = [arg.value for arg in call.args if arg.keyword is None]
                if len(listed) > 1 or (listed and not _is_name(listed[0], threads or "")):
                    raise Declined(DECLINED, "the coordinator joins other threads", call)
                accounted.update(id(name) for name in syntax.nodes_of(call, cst.Name))
            else:
                continue
            plan.removed.add(id(line.statement))
            accounted.update(id(name) for name in syntax.nodes_of(line.statement, cst.Name))
        for loop in syntax.nodes_of(module, cst.While):
            assert isinstance(loop, cst.While)
            test = loop.test
            if _stops(test, coordinator):
                plan.tests[id(loop)] = cst.Name("True")
            elif isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
                if _stops(test.right, coordinator):
                    plan.tests[id(loop)] = test.left
                elif _stops(test.left, coordinator):
                    plan.tests[id(loop)] = test.right
                else:
                    continue
            else:
                continue
            accounted.update(id(name) for name in syntax.nodes_of(test, cst.Name) if _is_name(name, coordinator))

    def _local_initializer(self, module: cst.Module, calls: Mapping[str, list[cst.Call]], plan: _Plan) -> None:
        """`num_epochs` kept its count in a local variable; with it gone, the local-variables
        initializer goes too, unless something else in the file makes local variables."""
        initializers = calls.get(LOCAL_INITIALIZER, [])
        if not initializers:
            return
        if any(syntax.api_under(api, LOCAL_VARIABLE_APIS) for api, _ in syntax.tf_apis_in(module, self.tf_api)):
            return
        wanted = {id(call) for call in initializers}
        for statement in syntax.nodes_of(module, cst.SimpleStatementLine):
            assert isinstance(statement, cst.SimpleStatementLine)
            _, call, _ = syntax.single_call(statement)
            runs = call is not None and isinstance(call.func, cst.Attribute) and call.func.attr.value == "run"
            if runs and call is not None and len(call.args) == 1 and id(call.args[0].value) in wanted:
                plan.removed.add(id(statement))
        for node in syntax.nodes_of(module, cst.List, cst.Tuple, cst.Call):
            if isinstance(node, (cst.List, cst.Tuple)):
                items = [element for element in node.elements if id(element.value) in wanted]
                if items and len(items) < len(node.elements):
                    plan.dropped.update(id(element) for element in items)
            elif isinstance(node, cst.Call) and self.tf_api(node.func) == "tf.group":
                arguments = [arg for arg in node.args if id(arg.value) in wanted]
                if arguments and len(arguments) < len(node.args):
                    plan.dropped.update(id(arg) for arg in arguments)

    # --- rewriting --------------------------------------------------------------------
    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        key = id(original_node)
        if key in self._plan.replaced:
            return cst.FlattenSentinel(self._plan.replaced[key])
        if key in self._plan.removed:
            return cst.RemoveFromParent()
        return updated_node

    def leave_While(self, original_node: cst.While, updated_node: cst.While) -> cst.While:
        test = self._plan.tests.get(id(original_node))
        return updated_node if test is None else updated_node.with_changes(test=test)

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.BaseExpression:
        return self._without_dropped(original_node, updated_node)

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.BaseExpression:
        return self._without_dropped(original_node, updated_node)

    def _without_dropped(self, original: cst.List | cst.Tuple, updated: cst.List | cst.Tuple) -> cst.BaseExpression:
        kept = [new for old, new in zip(original.elements, updated.elements) if id(old) not in self._plan.dropped]
        if len(kept) == len(updated.elements):
            return updated
        if len(kept) == 1:
            return kept[0].value
        return updated.with_changes(elements=[*kept[:-1], kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)])

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not any(id(arg) in self._plan.dropped for arg in original_node.args):
            return updated_node
        kept = [new for old, new in zip(original_node.args, updated_node.args) if id(old) not in self._plan.dropped]
        if len(kept) == 1:
            return kept[0].value  # a group of one initializer is that initializer
        return updated_node.with_changes(args=[*kept[:-1], kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)])

    def leave_Try(
        self, original_node: cst.Try, updated_node: cst.Try
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        final = original_node.finalbody
        if final is None or not isinstance(final.body, cst.IndentedBlock):
            return updated_node
        if not all(id(statement) in self._plan.removed for statement in final.body.body):
            return updated_node
        if updated_node.handlers or updated_node.orelse is not None:
            return updated_node.with_changes(finalbody=None)
        body = updated_node.body
        assert isinstance(body, cst.IndentedBlock)
        first, *rest = body.body
        return cst.FlattenSentinel([syntax.with_leading_lines(first, updated_node.leading_lines), *rest])

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if original_node.body and not updated_node.body:
            return updated_node.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        return updated_node


def _is_name(node: cst.CSTNode | None, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _stops(node: cst.BaseExpression, coordinator: str) -> bool:
    """`not coord.should_stop()`."""
    if not isinstance(node, cst.UnaryOperation) or not isinstance(node.operator, cst.Not):
        return False
    call = node.expression
    return isinstance(call, cst.Call) and _method_call(call, coordinator, "should_stop") and not call.args
