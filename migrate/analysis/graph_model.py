"""What the analysis of TF1 graph code records: the kinds of statement it tells apart, the
TensorFlow APIs behind each kind, the reasons it declines, and the plan it hands the sessions
transform (placeholders, training ops, run sites, generated functions and shared helpers)."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import libcst as cst

if TYPE_CHECKING:  # feed_helpers reads syntax trees with the syntax module, which imports this one
    from migrate.analysis.feed_helpers import FeedHelper

Resolver = Callable[[cst.CSTNode], "str | None"]

SESSION_APIS = frozenset({"tf.Session", "tf.InteractiveSession"})
# What runs graph code in the session a `with sess.as_default()` or a session block made.
DEFAULT_SESSION_API = "tf.get_default_session"
# A sparse placeholder becomes a parameter taking a `tf.SparseTensor` (migrate.analysis.sparse_feeds).
SPARSE_PLACEHOLDER_APIS = frozenset({"tf.sparse_placeholder", "tf.sparse.placeholder"})
PLACEHOLDER_APIS = frozenset({"tf.placeholder", "tf.placeholder_with_default"}) | SPARSE_PLACEHOLDER_APIS
INITIALIZER_APIS = frozenset(
    {
        "tf.global_variables_initializer",
        "tf.initialize_all_variables",
        "tf.local_variables_initializer",
        "tf.initialize_local_variables",
        "tf.tables_initializer",
        "tf.variables_initializer",
    }
)
# TF1's graph-collection global step; in TF 2 code it is a plain int64 variable, created once.
GLOBAL_STEP_API = "tf.train.get_or_create_global_step"
# A global seed fixes the order of every shuffle TF1 draws without a seed of its own.
GLOBAL_SEED_APIS = frozenset({"tf.set_random_seed", "tf.random.set_random_seed", "tf.random.set_seed"})
# What finds the global step made before: TF1 looked it up in its collection or by its name.
GLOBAL_STEP_GETTERS = frozenset({"tf.train.get_global_step", "tf.contrib.framework.get_global_step"})
# What makes the variable those find (besides a `tf.Variable` named "global_step").
GLOBAL_STEP_MAKERS = frozenset(
    {
        GLOBAL_STEP_API,
        "tf.train.create_global_step",
        "tf.contrib.framework.get_or_create_global_step",
        "tf.contrib.framework.create_global_step",
    }
)
# Graph ops that produce no value: fetched, they give None, as a training op does.
OP_APIS = frozenset({"tf.group", "tf.no_op"})
# `from tensorflow.python.framework import ops; ops.reset_default_graph()` is as common in
# tutorials as the public spelling.
RESET_GRAPH_APIS = frozenset({"tf.reset_default_graph", "tf.python.framework.ops.reset_default_graph"})
DROPPED_CALLS = RESET_GRAPH_APIS | {"tf.disable_v2_behavior", "tf.disable_eager_execution"}
# Graph-wide state that has no meaning once code runs eagerly; a scope using it is declined.
COLLECTION_APIS = frozenset(
    {
        "tf.get_collection",
        "tf.add_to_collection",
        "tf.trainable_variables",
        "tf.global_variables",
        "tf.all_variables",
        "tf.local_variables",
        "tf.get_default_graph",
        "tf.GraphKeys",
        "tf.train.import_meta_graph",
        "tf.import_graph_def",
    }
)
# TensorFlow calls that give plain Python values (datasets, files, flags, checkpoint paths),
# not graph tensors: a statement calling only these is Python code in TF1 and in TF 2 alike.
# Session configuration: protocol buffers, dropped where handed to a session (TFM220).
CONFIG_APIS = ("tf.ConfigProto", "tf.GPUOptions", "tf.GraphOptions", "tf.OptimizerOptions")
PYTHON_VALUED_APIS = (
    "tf.examples",
    "tf.gfile",
    "tf.io.gfile",
    "tf.logging",
    "tf.app",
    "tf.flags",
    "tf.test",
    "tf.python_io",
    "tf.io.tf_record_iterator",
    "tf.train.latest_checkpoint",
    "tf.train.checkpoint_exists",
    "tf.train.get_checkpoint_state",
    "tf.keras.datasets",
    "tf.keras.utils",
    "tf.keras.preprocessing",
    "tf.contrib.learn.datasets",
    "tf.contrib.learn.preprocessing",
    "tf.contrib.learn.python.learn.datasets",
    "tf.SparseTensorValue",  # a namedtuple of the lists a sparse placeholder is fed
    *CONFIG_APIS,
)
# Input pipelines whose state advances as the graph runs (dataset iterators, queues, readers,
# lookup tables): sliced into a function, they would be made anew at every call.
STATEFUL_INPUT_APIS = (
    "tf.data.Iterator",
    "tf.train.string_input_producer",
    "tf.train.input_producer",
    "tf.train.slice_input_producer",
    "tf.train.range_input_producer",
    "tf.train.batch",
    "tf.train.shuffle_batch",
    "tf.train.batch_join",
    "tf.train.shuffle_batch_join",
    "tf.train.maybe_batch",
    "tf.train.start_queue_runners",
    "tf.train.Coordinator",
    "tf.train.QueueRunner",
    "tf.WholeFileReader",
    "tf.TextLineReader",
    "tf.TFRecordReader",
    "tf.FixedLengthRecordReader",
    "tf.IdentityReader",
    "tf.FIFOQueue",
    "tf.RandomShuffleQueue",
    "tf.PaddingFIFOQueue",
    "tf.PriorityQueue",
    "tf.contrib.lookup",
    "tf.lookup",
)
STATEFUL_INPUT_METHODS = frozenset(
    {"make_one_shot_iterator", "make_initializable_iterator", "make_initializer", "get_next"}
)
# What makes a TF call other than a function of its inputs: state, randomness, input,
# graph-wide bookkeeping, or an op that gives no value. A tensor built in a loop or branch from
# Python values with none of these computes, eagerly, what TF1 computed when a run fetched it.
NOT_PURE_API = re.compile(
    r"random|shuffle|multinomial|categorical|dropout|[Vv]ariable|placeholder|assign|scatter|py_func"
    r"|numpy_function|[Pp]rint|[Qq]ueue|[Rr]eader|file|[Ii]terator|[Tt]able|summary|group|no_op"
    r"|control_dependencies|gradients|collection|graph|[Ss]ession|stateful|^tf\.(?:train|data|layers|keras"
    r"|contrib|estimator|compat|io|saved_model|distributions|lookup|initializers)\b"
)
# Iterators over a dataset made once, which a TF 2 program makes with `iter(dataset)`.
ITERATOR_METHODS = frozenset({"make_one_shot_iterator", "make_initializable_iterator"})
ITERATOR_APIS = frozenset({"tf.data.make_one_shot_iterator", "tf.data.make_initializable_iterator"})
# A reinitializable iterator, made from a structure only: it reads the dataset of the
# `iterator.make_initializer(dataset)` op run last, which a TF 2 program makes with `iter(dataset)`.
STRUCTURE_ITERATOR_API = "tf.data.Iterator.from_structure"
# TensorFlow ops that give several tensors (a tuple, list or named tuple): what a run fetches
# from one of them is a structure of arrays, not one array.
MULTI_OUTPUT_APIS = frozenset(
    {
        "tf.self_adjoint_eig",
        "tf.linalg.eigh",
        "tf.svd",
        "tf.linalg.svd",
        "tf.qr",
        "tf.linalg.qr",
        "tf.nn.moments",
        "tf.nn.weighted_moments",
        "tf.nn.sufficient_statistics",
        "tf.nn.top_k",
        "tf.math.top_k",
        "tf.unique",
        "tf.unique_with_counts",
        "tf.split",
        "tf.unstack",
        "tf.meshgrid",
        "tf.tuple",
        "tf.identity_n",
        "tf.nn.dynamic_rnn",
        "tf.nn.static_rnn",
        "tf.nn.bidirectional_dynamic_rnn",
        "tf.py_func",
        "tf.numpy_function",
        "tf.while_loop",
    }
)
# Constructs the variables-and-layers family converts; until it does, they are declined here.
VARIABLE_FAMILY_APIS = frozenset(
    {"tf.get_variable", "tf.variable_scope", "tf.train.Saver", "tf.contrib.slim", "tf.layers"}
)
# The `tf.summary` functions of TF 2 that a converted summary op calls.
SummaryKind = Literal["scalar", "histogram", "image", "text"]
# TF1 summary ops and the TF 2 function that writes the same record.
SUMMARY_OPS: dict[str, SummaryKind] = {
    "tf.summary.scalar": "scalar",
    "tf.summary.histogram": "histogram",
    "tf.summary.image": "image",
    "tf.summary.text": "text",
}
SUMMARY_MERGES = frozenset({"tf.summary.merge_all", "tf.summary.merge"})
SUMMARY_WRITER = "tf.summary.FileWriter"
SUMMARY_APIS = frozenset({"tf.summary"})


class Kind(enum.Enum):
    PLACEHOLDER = "placeholder"
    VARIABLE = "variable"
    OPTIMIZER = "optimizer"
    TRAIN = "train"
    INITIALIZER = "initializer"
    GRAPH = "graph"
    PYTHON = "python"
    DROP = "drop"  # a definition the conversion leaves no use of: a placeholder helper
    SUMMARY = "summary"  # a TF1 summary op: `tf.summary.scalar("loss", loss)`
    MERGE = "merge"  # `merged = tf.summary.merge_all()`
    WRITER = "writer"  # `writer = tf.summary.FileWriter(logdir, sess.graph)`
    ITERATOR = "iterator"  # `iterator = dataset.make_one_shot_iterator()`: made once, `iter(dataset)`
    ITERATOR_START = "iterator start"  # `start = iterator.make_initializer(dataset)`: a run is `iter(dataset)`


class Holding(enum.Enum):
    """How the name a VARIABLE statement binds holds its variables: what a var_list lists."""

    VARIABLE = "variable"
    DICT = "dict"
    SEQUENCE = "sequence"
    MODULE = "module"  # a layer, model or tf.Module: its `.trainable_variables`
    NOTHING = "nothing"  # a weightless layer
    GLOBAL_STEP = "global step"  # not trainable


# Reason codes (documented by the sessions transform's FINDINGS).
GRAPH_IN_CONTROL_FLOW = "TFM210"
SESSION_ESCAPES = "TFM211"
FETCH_BY_NAME = "TFM212"
FEED_OVERRIDE = "TFM213"
TENSOR_OUTSIDE_RUN = "TFM214"
GRAPH_COLLECTIONS = "TFM215"
VARIABLE_FAMILY = "TFM216"
UNFED_PLACEHOLDER = "TFM217"
UNSUPPORTED_RUN = "TFM218"
STATEFUL_INPUT = "TFM219"
UNBUILT_LAYER = "TFM222"
# A name bound again after graph code read it: migrate.pipeline retries with it renamed.
REBOUND_NAME = "TFM224"
UNSUPPORTED_OPTIMIZER = "TFM402"


@dataclass
class Statement:
    node: cst.BaseStatement
    kind: Kind
    defines: tuple[str, ...] = ()
    uses: frozenset[str] = frozenset()
    call: cst.Call | None = None
    holds: Holding | None = None  # for VARIABLE statements
    gradients: Gradients | None = None  # for GRAPH statements computing gradients
    # For GRAPH statements: the graph statements whose values this one reads (the definitions
    # that reach it), so `h = dense(h)` chains slice correctly.
    deps: list[Statement] = field(default_factory=list)


# TF 2 objects that earlier transforms create where TF1 code made graph state (checkpoints,
# writers, Keras optimizers and initializers): plain Python objects kept where they are made.
EAGER_OBJECT_APIS = (
    "tf.train.Checkpoint",
    "tf.train.CheckpointManager",
    "tf.summary.create_file_writer",
    "tf.keras.optimizers",
    "tf.keras.initializers",
    "tf.keras.regularizers",
)

# Keras layers that own no variables: nothing of theirs goes into a var_list.
WEIGHTLESS_LAYERS = frozenset(
    f"tf.keras.layers.{name}"
    for name in (
        "Activation", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "Dropout",
        "Flatten", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D",
        "GlobalMaxPooling2D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "Permute",
        "ReLU", "Reshape", "Softmax", "SpatialDropout1D", "SpatialDropout2D",
    )
)

# Objects that own variables and list them as `.trainable_variables`: Keras layers and models,
# and tf.Module subclasses defined in the file (as the variables transform writes them).
MODULE_APIS = ("tf.keras.layers", "tf.keras.Sequential", "tf.keras.Model", "tf.Module")


@dataclass(frozen=True)
class ModuleDefinitions:
    """What the classes and functions defined around a scope are, as its classification needs."""

    classes: frozenset[str] = frozenset()  # tf.Module / Keras layer or model subclasses
    # Functions that create one tf.Variable and return it (`def init_weight(shape): return
    # tf.Variable(...)`): a call of one makes a variable, as `tf.Variable(...)` does.
    factories: frozenset[str] = frozenset()
    # Functions that only return a placeholder, each use of them a call making one (see
    # placeholder_helpers): the calls are placeholders, and the definitions go with them.
    placeholder_helpers: tuple[cst.FunctionDef, ...] = ()


@dataclass(frozen=True)
class Placeholder:
    """A function parameter: a TF1 placeholder, or a tensor a run fed over (`dtype` None)."""

    name: str
    dtype: cst.BaseExpression | None
    shape: cst.BaseExpression | None
    spec_name: cst.BaseExpression | None
    default: cst.BaseExpression | None
    # A dataset iterator: the functions take it as an argument (each call advances it by the
    # `get_next()` it runs, as each TF1 run did), so one made anew by a re-initialisation is used.
    iterator: bool = False
    # A Python value a run's fetches read (`sess.run(polynomial(num))` in a loop over `num`):
    # passed at each call, so the function is traced again for each value, as TF1 built the
    # fetched op anew at each run.
    python_value: bool = False
    sparse: bool = False  # a `tf.sparse.placeholder`: its parameter takes a `tf.SparseTensor`


@dataclass(frozen=True)
class Summary:
    kind: SummaryKind
    tag: cst.BaseExpression  # with the enclosing name scopes, as TF1 prefixed it
    value: cst.BaseExpression
    extra: tuple[cst.Arg, ...]  # e.g. `max_outputs=`


@dataclass(frozen=True)
class TrainOp:
    name: str
    loss: str | None  # None for `apply_gradients`: the gradients come from `applied`
    optimizer: cst.BaseExpression  # a module-level name or an inline TF1 optimizer call
    var_list: cst.BaseExpression | None
    global_step: cst.BaseExpression | None
    applied: cst.BaseExpression | None = None  # the (gradient, variable) pairs applied
    # `minimize(tf.reduce_sum(y))`: the loss expression, computed under the tape as `loss`.
    loss_expression: cst.BaseExpression | None = None


@dataclass(frozen=True)
class Gradients:
    """`gv = opt.compute_gradients(loss, var_list)` (pairs) or `g = tf.gradients(loss, xs)`
    (a list): inside a generated function, a `tape.gradient` of the loss computed under the
    tape."""

    loss: str
    targets: cst.BaseExpression | None  # None: the trainable variables the loss reaches
    pairs: bool


@dataclass
class RunSite:
    """One place that runs the graph: `sess.run(...)`, `t.eval(...)` or `op.run(...)`."""

    call: cst.Call
    fetches: cst.BaseExpression
    feeds: list[tuple[str, cst.BaseExpression]]
    function: Function | None = None  # None when the site only reads variables


@dataclass
class Helper:
    """Graph statements that several generated functions need, written once as a plain
    Python function they all call."""

    name: str
    params: list[str]
    returns: list[str]
    statements: list[Statement]


@dataclass
class Function:
    """A generated `tf.function`: the graph slice one kind of run needs."""

    name: str
    params: list[Placeholder]
    fetches: cst.BaseExpression
    train: TrainOp | None
    statements: list[Statement] = field(default_factory=list)
    key: str = ""
    roots: frozenset[str] = frozenset()
    steps: list[Statement | Helper] = field(default_factory=list)


@dataclass(frozen=True)
class ShapeSource:
    """Where TF 2 reads a static shape TF1 inferred: a placeholder's declared shape, or the
    output of a generated function, traced for its input signature (`path` picks the tensor
    from what the function returns: `""`, `"[1]"`, `'["loss"]'`)."""

    origin: Function | Placeholder
    path: str = ""
    as_text: bool = False  # written out as text, where TF 2 writes `None` for TF1's `?`


@dataclass(kw_only=True)
class ScopePlan:
    """What the sessions transform writes for one scope, as graph_program.analyze_scope planned it."""

    statements: list[Statement]
    placeholders: dict[str, Placeholder]
    variables: dict[str, Statement]
    train_ops: dict[str, TrainOp]
    run_sites: list[RunSite]
    functions: list[Function]
    first_run_index: int  # the statement the generated functions go before (-1: no run; see traced_first)
    dropped_config: list[cst.CSTNode]  # session configuration arguments (reported, not kept)
    init_calls: list[cst.Call]  # initializer runs, which TF 2 needs no more
    helpers: list[Helper]
    threaded: dict[str, tuple[str, ...]]  # module function -> the placeholders it reads as globals
    feed_dict_nodes: dict[int, cst.Dict]  # `feed = {x: ...}` dicts built ahead of their runs
    feed_helpers: dict[str, FeedHelper]  # functions building such dicts, by name
    feed_name: str  # what a helper's dict is bound to on the line before a run it feeds
    hoisted_feeds: dict[int, cst.Call]  # statement line -> the helper call that goes on a line before it
    structured: set[str]  # graph names bound to a dict / list / tuple of tensors
    # The summary ops a run may fetch -> what each collects, in TF1's order: the merged op, and
    # each summary op bound to a name.
    summary_groups: dict[str, list[Summary]]
    writers: dict[str, cst.BaseExpression]  # FileWriter name -> its log directory
    # `writer.add_summary(value, step)` calls -> the summary op whose value they write
    summary_writes: dict[int, str]
    merged: set[str]  # the names of summary_groups
    graph_defs: dict[str, Statement]  # tensor name -> its last definition
    ops: set[str]  # fetched names that give no value: training ops, groups, no_ops
    # iterator -> its dataset (None: made from a structure, it has a dataset once started)
    iterators: dict[str, cst.BaseExpression | None] = field(default_factory=dict)
    # `sess.run(it.initializer)` call -> the iterator and the dataset it starts over
    restarts: dict[int, tuple[str, cst.BaseExpression]] = field(default_factory=dict)
    # `tf.summary.FileWriter(...)` calls made in loops and branches -> their log directories
    writer_calls: dict[int, cst.BaseExpression] = field(default_factory=dict)
    trailing: list[cst.EmptyLine] = field(default_factory=list)  # Flattened.trailing
    # `t.shape` / `t.get_shape()` read outside the runs -> where TF 2 reads the shape
    static_shapes: dict[int, ShapeSource] = field(default_factory=dict)
    # A static shape read before the first run (`n_in = int(h.shape[1])` sizing the next layer)
    # traces functions then: they go, with the helpers they call, before the first such read,
    # `shape_read_index` (-1: none); the other functions before the first run.
    shape_read_index: int = -1
    traced_first: frozenset[str] = frozenset()
    # `tf.SparseTensorValue(...)` calls made only to be fed to sparse placeholders -> the
    # placeholder's dtype: they become `tf.SparseTensor`s of that dtype.
    sparse_values: dict[int, cst.BaseExpression] = field(default_factory=dict)
