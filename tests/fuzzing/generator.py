"""A seeded generator of small, valid, deterministic TF1 programs.

`generate(seed, options)` returns the source of one program: `import tensorflow as tf`,
placeholders, variables, a chain of graph ops, usually a loss with a v1 optimizer, and a session
that runs several fetch structures in Python loops and prints what it fetched. Every program is
meant to run on the harness's legacy side (TF 2.21 through tf.compat.v1) and to print the same
numbers on every run: data comes from a seeded `np.random.RandomState`, random initialisers are
seeded by `tf.set_random_seed`, and the random ops that run with the graph (dropout, noise) draw
what the harness gives them on both sides (migrate.harness.random_streams).

The same seed and options always give the same program, so a failing case is named by its seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

OPTIMIZERS = ("GradientDescent", "Adam", "Momentum", "RMSProp", "Adagrad")
ACTIVATIONS = ("tf.nn.relu", "tf.nn.sigmoid", "tf.nn.tanh", "tf.nn.softplus", "tf.nn.elu")


# The Options flags of the shapes real scripts are written in (issue 13); all off gives the
# programs of earlier runs, seed for seed.
REAL_CODE_SHAPES = (
    "session_graph", "functions", "shape_reads", "placeholder_forms", "datasets", "random_ops", "layer_functions",
    "scoped_layers", "exhausted_datasets", "loop_evaluation", "summaries", "script_blocks", "accumulated_losses",
    "float64_feeds", "entry_evaluation", "reused_names", "tutorial_factories", "scoped_functions",
    "feed_helpers", "unnamed_scoped_variables", "list_helpers", "looked_up_tables", "loss_functions", "checkpoints",
)


@dataclass(frozen=True)
class Options:
    """What the generated programs may contain.

    `variable_family` adds `tf.get_variable` under `tf.variable_scope` (with and without reuse)
    and `tf.layers.dense` / `tf.layers.conv2d`.
    """

    variable_family: bool = True
    conv: bool = True
    cond: bool = True
    assigns: bool = True
    control_dependencies: bool = True
    optimizer: bool = True
    # Shapes of tutorial scripts: variable factory functions, graph built in `if` chains and
    # `for` loops on Python values, fetched values rebound to the variables' own names.
    tutorial_shapes: bool = True
    # Initial values drawn from the data's numpy generator: off where the graph moves into a
    # model class, away from the data (fuzzing.split), so that the draws keep their order.
    numpy_initializers: bool = True
    # Dense layers built under `with tf.name_scope("layer"):` blocks, their variables named.
    name_scopes: bool = True
    # The shapes real scripts are written in (issue 13). Evaluation ops built inside the session
    # block after training, run with `sess.run` or `.eval`.
    session_graph: bool = True
    # Part of the graph built by a function called once (`def build_model(x): ... return h`),
    # and the whole program in `def main():` called under `if __name__ == "__main__":`.
    functions: bool = True
    # Static shapes read outside runs: printed, and `int(x.shape[1])` sizing a variable.
    shape_reads: bool = True
    # Placeholders inside an expression (`tf.placeholder(...) / 2.0`: a feed replaces the whole
    # expression) and made by a helper function.
    placeholder_forms: bool = True
    # The inputs and targets come from a `tf.data` dataset through a one-shot or an initializable
    # iterator's `get_next()` instead of placeholders.
    datasets: bool = True
    # Random ops run with the graph: dropout with a fed keep probability (below 1 in training,
    # 1.0 at evaluation) and Gaussian noise.
    random_ops: bool = True
    # Dense layers made by a layer function that gets new variables at each call: its variable
    # scope named by a parameter, its input size read off its input (`x.get_shape()[1].value`).
    # Drawn from a generator of its own, so programs without one are those of earlier runs.
    layer_functions: bool = True
    # `tf.layers.dense` built under `with tf.variable_scope("block"):`, which names its variables
    # (`block/dense/kernel`). Drawn from a generator of its own, as layer_functions.
    scoped_layers: bool = True
    # A dataset read to its end: not repeated, its initializable iterator started again at each
    # epoch of the training loop and run until `tf.errors.OutOfRangeError` (and before each
    # other site that runs the graph). Drawn from a generator of its own, as layer_functions.
    exhausted_datasets: bool = True
    # Ops built in a loop after training from the NumPy values a run gave (`tf.nn.softmax(out)`),
    # run with `sess.run` or `.eval()`; now and then with a random op, which must stay a session
    # program. Drawn from a generator of its own, as layer_functions.
    loop_evaluation: bool = True
    # TensorBoard summaries: the loss's scalar and a histogram merged with `merge_all` and
    # fetched with the training op, a summary op of its own run apart, written by a FileWriter
    # (now and then one made at each step) with `add_summary`; now and then a histogram of a
    # trained variable, which the training run reads in an order TF1 leaves open and must stay
    # a session program. Drawn from a generator of its own, as layer_functions.
    summaries: bool = True
    # Graph statements under `with tf.device("/cpu:0"):` blocks, and the whole program under
    # `if __name__ == "__main__":` with no function around it. Drawn from a generator of its own,
    # as layer_functions.
    script_blocks: bool = True
    # A penalty summed up from a Python start in a loop over the trained weights (`penalty = 0`
    # and `penalty += ...`, or `penalties = []`, `penalties.append(...)` and `tf.add_n`), added
    # to the loss. Drawn from a generator of its own, as layer_functions.
    accumulated_losses: bool = True
    # The loss written with TF1's loss functions (`tf.losses.sparse_softmax_cross_entropy`,
    # `mean_squared_error`, `absolute_difference`, `sigmoid_cross_entropy`,
    # `softmax_cross_entropy`, `huber_loss`, `hinge_loss`, `log_loss` of a sigmoid, a summed
    # `mean_squared_error`) in place of the `tf.nn` / `tf.reduce_mean` form. Drawn from a
    # generator of its own, as layer_functions.
    loss_functions: bool = True
    # Data fed to a float32 placeholder left as NumPy's float64 (`rng.rand(4, 3)`), which TF1
    # cast at the feed. Drawn from a generator of its own, as layer_functions.
    float64_feeds: bool = True
    # Statistics of a value kept in a dict while the graph is built (`stats = {"mean": ...,
    # "max": ...}`), run entry by entry in a loop after training (`stats[key].eval(feed)` or
    # `sess.run(stats[key], feed)`), then an expression of them run whole (`(stats["max"] -
    # stats["mean"]).eval(feed)`). Drawn from a generator of its own, as layer_functions.
    entry_evaluation: bool = True
    # Two dense layers written as scripts write them, binding the same Python names layer after
    # layer: `init_value` for each initial value, `w` for each weight matrix, `h` for each
    # output, `n_in` for an input width read off the graph. Drawn from a generator of its own,
    # as layer_functions.
    reused_names: bool = True
    # The variable factory written as TensorFlow's tutorials wrote theirs: its initial value
    # computed into a local (`initial = tf.truncated_normal(...)`, `return tf.Variable(initial)`).
    # Drawn from a generator of its own, as layer_functions.
    tutorial_factories: bool = True
    # The function that builds part of the graph written as TensorFlow's mnist_deep.py writes
    # `deepnn(x)`: every dense layer in a name scope of its own (its variables unnamed now and
    # then), and at times the dropout's keep-probability placeholder made inside and returned
    # with the output (`logits, keep_prob = build_model(x)`). Drawn from a generator of its own,
    # as layer_functions.
    scoped_functions: bool = True
    # Feed dicts built by helper functions, as TensorFlow's MNIST tutorials build theirs: one
    # reading the placeholders as globals (`def feed_dict(): return {x: xs, ...}`), or one given
    # them (`def fill_feed_dict(x_pl, ...)`, its dict in a local), called in each run's feed.
    # Drawn from a generator of its own, as layer_functions.
    feed_helpers: bool = True
    # Layers under a module-level name scope whose variables are unnamed at times, as tutorial
    # scripts write them (TF1 named them `layer/Variable`, `layer/Variable_1`). Drawn from a
    # generator of its own, as layer_functions.
    unnamed_scoped_variables: bool = True
    # A helper that gives back a list of tensors, fetched whole by one run, of a value scaled by
    # a tensor a Python helper made before the graph and an `if` on a Python setting binds
    # again (`scale = make_scale()`, `if rescale: scale = scale * 2.0`), as CS 20's
    # 07_run_kernels.py filters its image. Drawn from a generator of its own, as layer_functions.
    list_helpers: bool = True
    # A table of rows looked up by fed ids and added to the model's output, as word embeddings
    # are (`tf.nn.embedding_lookup(embeddings, ids)`, `tf.gather(table, ids)`): its gradient is
    # the rows looked up, which TF1's RMSProp and Momentum apply to those rows alone, and its Adam
    # and Adagrad once per row, the gradients of a row drawn twice added up. Drawn from a
    # generator of its own, as layer_functions.
    looked_up_tables: bool = True
    # A `tf.train.Saver()` of every variable, made before the session: at the end of the
    # session the variables are saved, trained one more step, restored, and values that read
    # them fetched again, which are TF1's only if the checkpoint held every variable under one
    # name. Drawn from a generator of its own, as layer_functions.
    checkpoints: bool = True


@dataclass
class Value:
    """A graph value the program can fetch or build on."""

    name: str
    shape: tuple[int, ...]  # the runtime shape; dimension 0 of a batch value is the batch
    dtype: str  # "float32", "int32", "int64", "bool"
    feeds: frozenset[str]  # placeholders it depends on
    batch: bool = False  # dimension 0 follows the fed batch
    variable: bool = False
    trainable: bool = True
    # Runs an assign: fetched with the variable it changes, TF1 reads either value (a race).
    mutates: bool = False


@dataclass
class _Placeholder:
    name: str
    shape: tuple[int, ...]
    dtype: str
    data: str  # the name of its numpy data, or a literal
    batch: bool
    with_default: bool = False
    train_data: str = ""  # what training runs feed, when it differs from `data`


@dataclass
class _State:
    rng: random.Random
    options: Options
    batch: int
    fixed_batch: bool
    lines: list[str] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    placeholders: list[_Placeholder] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    trained: list[Value] = field(default_factory=list)  # trainable variables on the loss path
    scope_count: int = 0
    factory: str = ""  # the variable factory function, once defined
    setting: str = ""  # the Python setting `if` chains test, once defined
    # Inside a function's body: no placeholder may be made there, its feed would not reach it.
    in_function: bool = False
    scoped_rng: random.Random | None = None  # draws of the scoped_functions shape
    function_scoped: bool = False  # the open function puts each dense layer in a name scope
    function_keep: bool = False  # ... and may make the keep-probability placeholder itself
    keep_inside: bool = False  # ... and has made it
    hidden_trained: int = 0  # trainable variables made inside a function, out of reach by name
    keep_prob: str = ""  # the dropout keep-probability placeholder, once made
    input_helper: str = ""  # the function that makes placeholders, once defined
    target: Value | None = None  # the targets the dataset yields, which the loss must use
    target_width: int = 0  # the model output's width those targets need (classes for labels)
    iterator: str = ""  # an initializable iterator, run at the session's start
    layer_rng: random.Random | None = None  # draws of the layer_functions shape
    layer_function: str = ""  # the layer function, once defined
    # Its scope opens with reuse=tf.AUTO_REUSE: the scopes of its calls and their sizes, which a
    # later call of the same sizes may name again to find the same variables.
    layer_scopes: list[tuple[str, int, int]] | None = None
    scope_rng: random.Random | None = None  # draws of the scoped_layers shape
    epoch_rng: random.Random | None = None  # draws of the exhausted_datasets shape
    exhausted: bool = False  # the iterator is read to its end (the exhausted_datasets shape)
    loop_rng: random.Random | None = None  # draws of the loop_evaluation shape
    summary_rng: random.Random | None = None  # draws of the summaries shape
    summary_ops: tuple[str, str] | None = None  # the merged op and the op run apart, once made
    accumulate_rng: random.Random | None = None  # draws of the accumulated_losses shape
    loss_function_rng: random.Random | None = None  # draws of the loss_functions shape
    # Placeholders made in an expression and fed as it: graph rewrites of TF1's loss functions
    # read the placeholder below, which such a feed leaves unfed.
    placeholder_forms: set[str] = field(default_factory=set)
    float64_rng: random.Random | None = None  # draws of the float64_feeds shape
    entry_rng: random.Random | None = None  # draws of the entry_evaluation shape
    reuse_rng: random.Random | None = None  # draws of the reused_names shape
    factory_rng: random.Random | None = None  # draws of the tutorial_factories shape
    feeder_rng: random.Random | None = None  # draws of the feed_helpers shape
    unnamed_rng: random.Random | None = None  # draws of the unnamed_scoped_variables shape
    listing_rng: random.Random | None = None  # draws of the list_helpers shape
    lookup_rng: random.Random | None = None  # draws of the looked_up_tables shape
    saver: str | None = None  # the Saver of the checkpoints shape, once made
    listed: tuple[str, Value] | None = None  # the list a helper gave and the value it lists, once made
    entries: tuple[str, Value] | None = None  # the dict of statistics and their value, once made

    def fresh(self, stem: str) -> str:
        n = 0
        name = stem
        while name in self.used:
            n += 1
            name = f"{stem}{n}"
        self.used.add(name)
        return name

    def emit(self, line: str) -> None:
        self.lines.append(line)

    def add(self, value: Value) -> Value:
        self.values.append(value)
        return value

    def floats(self, rank: int | None = None, batch: bool | None = None) -> list[Value]:
        return [
            v
            for v in self.values
            if v.dtype == "float32"
            and (rank is None or len(v.shape) == rank)
            and (batch is None or v.batch == batch)
        ]


def _shape_text(shape: tuple[int, ...], batch: bool, fixed: bool) -> str:
    dims = [str(d) for d in shape]
    if batch and not fixed:
        dims[0] = "None"
    return "[" + ", ".join(dims) + "]"


def _float(rng: random.Random, low: float, high: float) -> str:
    return repr(round(rng.uniform(low, high), 2))


def _dim_texts(shape: tuple[int, ...], dims: tuple[str, ...] | None) -> tuple[str, ...]:
    return dims if dims is not None else tuple(str(d) for d in shape)


def _initializer(state: _State, shape: tuple[int, ...], sizes: tuple[str, ...] | None = None) -> str:
    rng = state.rng
    texts = _dim_texts(shape, sizes)
    dims = "[" + ", ".join(texts) + "]"
    choice = rng.randrange(8)
    if choice == 6 and not state.options.numpy_initializers:
        choice = 7
    if choice == 0:
        return f"tf.zeros({dims})"
    if choice == 1:
        return f"tf.ones({dims}) * {_float(rng, 0.05, 0.5)}"
    if choice == 2:
        return f"tf.random_normal({dims}, stddev={_float(rng, 0.05, 0.5)})"
    if choice == 3:
        return f"tf.truncated_normal({dims}, stddev={_float(rng, 0.05, 0.5)})"
    if choice == 4:
        return f"tf.random_uniform({dims}, -0.5, 0.5)"
    if choice == 5:
        return f"tf.fill({dims}, {_float(rng, -0.3, 0.3)})"
    if choice == 6:
        size = "(" + ", ".join(texts) + ("," if len(texts) == 1 else "") + ")"
        return f"rng.uniform(-0.5, 0.5, size={size}).astype(np.float32)"
    return f"tf.constant({_float(rng, -0.3, 0.3)}, shape={dims})"


def _variable(
    state: _State,
    stem: str,
    shape: tuple[int, ...],
    *,
    trainable: bool = True,
    named: bool = False,
    sizes: tuple[str, ...] | None = None,
) -> Value:
    """A variable of `shape`; `sizes` spells its dimensions in the source (names of Python ints
    read from a tensor's static shape) where they are not literals."""
    rng = state.rng
    name = state.fresh(stem)
    extra = ""
    if rng.random() < 0.3 or named:
        extra += f', name="{name}"'
    if not trainable:
        extra += ", trainable=False"
    if state.options.variable_family and rng.random() < 0.35:
        return _get_variable(state, name, shape, trainable, sizes)
    if state.options.tutorial_shapes and trainable and rng.random() < 0.25:
        if not state.factory:
            state.factory = state.fresh("init_weight")
            state.emit(f"def {state.factory}(shape, st_dev):")
            if state.factory_rng is not None and state.factory_rng.random() < 0.5:
                state.emit("    initial = tf.truncated_normal(shape, stddev=st_dev)")
                state.emit("    return tf.Variable(initial)")
            else:
                state.emit("    weight = tf.Variable(tf.random_normal(shape, stddev=st_dev))")
                state.emit("    return weight")
        dims = "[" + ", ".join(_dim_texts(shape, sizes)) + "]"
        state.emit(f"{name} = {state.factory}(shape={dims}, st_dev={_float(rng, 0.05, 0.5)})")
        return state.add(Value(name, shape, "float32", frozenset(), variable=True))
    state.emit(f"{name} = tf.Variable({_initializer(state, shape, sizes)}{extra})")
    return state.add(Value(name, shape, "float32", frozenset(), variable=True, trainable=trainable))


def _get_variable(
    state: _State, name: str, shape: tuple[int, ...], trainable: bool, sizes: tuple[str, ...] | None
) -> Value:
    rng = state.rng
    state.scope_count += 1
    scope = f"scope{state.scope_count}"
    dims = "[" + ", ".join(_dim_texts(shape, sizes)) + "]"
    init = rng.choice(
        (
            "tf.zeros_initializer()",
            f"tf.constant_initializer({_float(rng, -0.3, 0.3)})",
            f"tf.random_normal_initializer(stddev={_float(rng, 0.05, 0.3)})",
            "tf.glorot_uniform_initializer()",
            f"tf.truncated_normal_initializer(stddev={_float(rng, 0.05, 0.3)})",
        )
    )
    flag = "" if trainable else ", trainable=False"
    state.emit(f'with tf.variable_scope("{scope}"):')
    state.emit(f'    {name} = tf.get_variable("{name}", shape={dims}, initializer={init}{flag})')
    if rng.random() < 0.4:
        again = state.fresh(f"{name}_again")
        reuse = rng.choice(("reuse=True", "reuse=tf.AUTO_REUSE"))
        state.emit(f'with tf.variable_scope("{scope}", {reuse}):')
        state.emit(f'    {again} = tf.get_variable("{name}", shape={dims})')
        name = again
    return state.add(Value(name, shape, "float32", frozenset(), variable=True, trainable=trainable))


# --- placeholders and data --------------------------------------------------------------------
def _placeholders(state: _State) -> None:
    rng = state.rng
    n = state.batch
    from_dataset = state.options.datasets and rng.random() < 0.2
    inputs: list[tuple[str, int]] = []
    for _ in range(rng.randint(1, 2)):
        name = state.fresh(rng.choice(("x", "inputs", "features")))
        width = rng.randint(1, 4)
        if from_dataset:
            inputs.append((name, width))
        else:
            _add_placeholder(state, name, (n, width), "float32", batch=True)
    if from_dataset:
        _dataset(state, inputs)
    elif state.options.conv and rng.random() < 0.3:
        name = state.fresh("images")
        size, channels = rng.choice((4, 6)), rng.randint(1, 2)
        _add_placeholder(state, name, (n, size, size, channels), "float32", batch=True)
    if rng.random() < 0.2:
        name = state.fresh("scale")
        _add_placeholder(state, name, (), "float32", batch=False, literal=_float(rng, 0.5, 1.5))


def _add_placeholder(
    state: _State,
    name: str,
    shape: tuple[int, ...],
    dtype: str,
    *,
    batch: bool,
    literal: str | None = None,
    classes: int = 2,
) -> Value:
    rng = state.rng
    shape_text = _shape_text(shape, batch, state.fixed_batch)
    named = f', name="{name}"' if rng.random() < 0.3 else ""
    if literal is not None:
        data = literal
    else:
        data = state.fresh(f"{name}_data")
        if dtype == "float32":
            as_float32 = state.float64_rng is None or state.float64_rng.random() >= 0.3
            cast = ".astype(np.float32)" if as_float32 else ""
            state.emit(f"{data} = rng.rand({', '.join(str(d) for d in shape)}){cast}")
        else:
            state.emit(f"{data} = rng.randint(0, {classes}, size={shape[0]}).astype(np.{dtype})")
    expression = f"tf.placeholder(tf.{dtype}, shape={shape_text}{named})"
    # Images stay plain: TF's graph rewrites make a convolution's gradient read the placeholder
    # below the expression, which a feed of the expression leaves unfed.
    if (
        state.options.placeholder_forms
        and dtype == "float32"
        and literal is None
        and len(shape) == 2
        and rng.random() < 0.35
    ):
        expression = _placeholder_form(state, shape_text, named)
        state.placeholder_forms.add(name)
    state.emit(f"{name} = {expression}")
    state.placeholders.append(_Placeholder(name, shape, dtype, data, batch))
    return state.add(Value(name, shape, dtype, frozenset({name}), batch=batch))


def _placeholder_form(state: _State, shape_text: str, named: str) -> str:
    """A float placeholder as real scripts make it: scaled where it is made (a feed replaces the
    whole expression, so the fed value is not scaled), or returned by a helper function."""
    rng = state.rng
    if rng.random() < 0.5:
        scaling = rng.choice(("/ 2.0", "* 1.0 / 255", "- 0.5", "* 0.5 + 0.1"))
        return f"tf.placeholder(tf.float32, shape={shape_text}{named}) {scaling}"
    if not state.input_helper:
        state.input_helper = state.fresh(rng.choice(("new_input", "make_placeholder")))
        state.emit(f"def {state.input_helper}(dims, name=None):")
        state.emit("    return tf.placeholder(tf.float32, shape=dims, name=name)")
    return f"{state.input_helper}({shape_text}{named})"


def _dataset(state: _State, inputs: list[tuple[str, int]]) -> None:
    """The batch inputs and the targets drawn from a `tf.data` dataset of numpy arrays; each run
    that reads them takes the iterator's next batch (repeated, so it never runs out)."""
    rng = state.rng
    n = state.batch
    arrays: list[str] = []
    for name, width in inputs:
        data = state.fresh(f"{name}_data")
        state.emit(f"{data} = rng.rand({n}, {width}).astype(np.float32)")
        arrays.append(data)
    if rng.random() < 0.5:
        state.target_width, dtype = rng.randint(2, 4), rng.choice(("int32", "int64"))
        state.target = Value(state.fresh("labels"), (n,), dtype, frozenset(), batch=True)
        data = state.fresh(f"{state.target.name}_data")
        state.emit(f"{data} = rng.randint(0, {state.target_width}, size={n}).astype(np.{dtype})")
    else:
        state.target_width = rng.randint(1, 3)
        state.target = Value(state.fresh("targets"), (n, state.target_width), "float32", frozenset(), batch=True)
        data = state.fresh(f"{state.target.name}_data")
        state.emit(f"{data} = rng.rand({n}, {state.target_width}).astype(np.float32)")
    arrays.append(data)
    dataset = state.fresh("dataset")
    size = rng.choice((n, max(1, n // 2)))
    pipeline = rng.choice((f".batch({size}).repeat()", f".repeat().batch({size})"))
    iterator = state.fresh("iterator")
    kind = rng.choice(("make_one_shot_iterator", "make_initializable_iterator"))
    if state.epoch_rng is not None and state.epoch_rng.random() < 0.6:
        state.exhausted = True
        pipeline, kind = f".batch({size})", "make_initializable_iterator"
    state.emit(f"{dataset} = tf.data.Dataset.from_tensor_slices(({', '.join(arrays)})){pipeline}")
    state.emit(f"{iterator} = {dataset}.{kind}()")
    if kind == "make_initializable_iterator":
        state.iterator = iterator
    names = [name for name, _ in inputs] + [state.target.name]
    state.emit(f"{', '.join(names)} = {iterator}.get_next()")
    for name, width in inputs:
        state.add(Value(name, (n, width), "float32", frozenset(), batch=True))


# --- graph ops ----------------------------------------------------------------------------------
def _dense(state: _State, source: Value, width: int | None = None) -> Value:
    rng = state.rng
    width = rng.randint(1, 4) if width is None else width
    if state.layer_rng is not None and not state.in_function and state.layer_rng.random() < 0.2:
        return _layer_function_call(state, source, width)
    if state.reuse_rng is not None and not state.in_function and state.reuse_rng.random() < 0.25:
        block = _reused_names_block(state, source, width)
        if block is not None:
            return block
    if state.options.variable_family and rng.random() < 0.25:
        name = state.fresh("dense")
        act = rng.choice(("None", "tf.nn.relu", "tf.nn.tanh"))
        _emit_layer(state, f"{name} = tf.layers.dense({source.name}, {width}, activation={act})")
        return state.add(Value(name, (source.shape[0], width), "float32", source.feeds, batch=source.batch))
    scoped = (state.options.name_scopes and rng.random() < 0.25) or state.function_scoped
    # mnist_deep.py's layers take unnamed variables in their scopes (`conv1/Variable`).
    unnamed = state.function_scoped and state.scoped_rng is not None and state.scoped_rng.random() < 0.5
    if scoped and not state.function_scoped and state.unnamed_rng is not None:
        unnamed = state.unnamed_rng.random() < 0.5
    sizes: tuple[str, ...] | None = None
    if state.options.shape_reads and rng.random() < 0.25:
        n_in = state.fresh("n_in")
        read = rng.choice(
            (
                f"int({source.name}.shape[1])",
                f"{source.name}.get_shape().as_list()[1]",
                f"{source.name}.shape.as_list()[-1]",
                f"int({source.name}.get_shape()[-1])",
            )
        )
        state.emit(f"{n_in} = {read}")
        sizes = (n_in, str(width))
    # The function that makes the keep probability itself applies dropout at its first layer.
    dropout = state.options.random_ops and (rng.random() < 0.2 or (state.function_keep and not state.keep_prob))
    keep = _keep_probability(state) if dropout else None
    start = len(state.lines)
    weights = _variable(state, "W", (source.shape[1], width), named=scoped and not unnamed, sizes=sizes)
    state.trained.append(weights)
    expression = f"tf.matmul({source.name}, {weights.name})"
    if rng.random() < 0.7:
        bias = _variable(state, "b", (width,), named=scoped and not unnamed)
        state.trained.append(bias)
        expression = rng.choice(
            (
                f"{expression} + {bias.name}",
                f"tf.add({expression}, {bias.name})",
                f"tf.nn.bias_add({expression}, {bias.name})",
            )
        )
    if rng.random() < 0.6:
        expression = f"{rng.choice(ACTIVATIONS)}({expression})"
    name = state.fresh(rng.choice(("h", "hidden", "logits", "z")))
    state.emit(f"{name} = {expression}")
    feeds = source.feeds
    if keep is not None:
        state.emit(
            rng.choice(
                (
                    f"{name} = tf.nn.dropout({name}, {keep})",
                    f"{name} = tf.nn.dropout({name}, keep_prob={keep})",
                    f"{name} = tf.nn.dropout({name}, rate=1 - {keep})",
                )
            )
        )
        feeds = feeds | {keep}
    if scoped:
        # A factory defined for the layer goes before its scope, as scripts define them.
        defined, body = _definitions_apart(state.lines[start:])
        state.lines[start:] = [
            *defined, f'with tf.name_scope("{state.fresh("layer")}"):', *(f"    {line}" for line in body)
        ]
    return state.add(Value(name, (source.shape[0], width), "float32", feeds, batch=source.batch))


def _definitions_apart(lines: list[str]) -> tuple[list[str], list[str]]:
    """The `def` blocks among `lines` (a def line and the indented lines after it), and the rest."""
    defined: list[str] = []
    rest: list[str] = []
    in_def = False
    for line in lines:
        in_def = line.startswith("def ") or (in_def and line.startswith(" "))
        (defined if in_def else rest).append(line)
    return defined, rest


def _emit_layer(state: _State, line: str) -> None:
    """A `tf.layers` line, at times under a variable scope of its own (the scoped_layers shape)."""
    if state.scope_rng is not None and state.scope_rng.random() < 0.5:
        state.emit(f'with tf.variable_scope("{state.fresh("block")}"):')
        line = f"    {line}"
    state.emit(line)


def _layer_function_call(state: _State, source: Value, width: int) -> Value:
    """`h = fc_layer(x, width, "fc1")`: the function makes `fc1/w` and `fc1/b` at this call."""
    rng = state.layer_rng
    assert rng is not None
    if not state.layer_function:
        state.layer_function = state.fresh("fc_layer")
        read = rng.choice(("x.get_shape()[1].value", "x.shape[-1].value", "int(x.get_shape()[1])"))
        init = rng.choice(
            ("tf.truncated_normal_initializer(stddev=0.1)", "tf.glorot_uniform_initializer()", "None")
        )
        state.layer_scopes = [] if rng.random() < 0.4 else None
        reuse = "" if state.layer_scopes is None else ", reuse=tf.AUTO_REUSE"
        state.emit(f"def {state.layer_function}(x, n_out, name):")
        state.emit(f"    n_in = {read}")
        state.emit(f"    with tf.variable_scope(name{reuse}):")
        state.emit(f'        w = tf.get_variable("w", [n_in, n_out], initializer={init})')
        state.emit('        b = tf.get_variable("b", [n_out], initializer=tf.zeros_initializer())')
        state.emit("        return tf.matmul(x, w) + b")
    again = [(scope, n_out) for scope, n_in, n_out in state.layer_scopes or () if n_in == source.shape[1]]
    if again and rng.random() < 0.5:
        scope, width = rng.choice(again)  # the variables of that call, shared
    else:
        sizes = (source.shape[1], width)
        scope = state.fresh("fc")
        state.hidden_trained += 2
        if state.layer_scopes is not None:
            state.layer_scopes.append((scope, *sizes))
    name = state.fresh(rng.choice(("h", "hidden", "logits")))
    if state.layer_scopes is not None and rng.random() < 0.5:
        # A helper calling the layer function, run twice: AUTO_REUSE shares one set of weights
        # between its runs.
        helper = state.fresh("apply_fc")
        state.emit(f"def {helper}(x):")
        state.emit(f'    return {state.layer_function}(x, {width}, "{scope}")')
        state.emit(f"{name} = {helper}({source.name}) + {helper}(tf.nn.relu({source.name}))")
        return state.add(Value(name, (source.shape[0], width), "float32", source.feeds, batch=source.batch))
    state.emit(f'{name} = {state.layer_function}({source.name}, {width}, "{scope}")')
    if state.layer_scopes and rng.random() < 0.4:
        # The same scope named again at once: the layer applied twice, with one set of weights.
        twin = state.fresh(f"{name}_twin")
        state.emit(f'{twin} = {state.layer_function}(tf.nn.relu({source.name}), {width}, "{scope}")')
        state.emit(f"{name} = {name} + {twin}")
    return state.add(Value(name, (source.shape[0], width), "float32", source.feeds, batch=source.batch))


_REUSED_NAMES = frozenset({"init_value", "w", "h", "n_in"})


def _reused_names_block(state: _State, source: Value, width: int) -> Value | None:
    """Two dense layers reusing `init_value`, `w`, `h` and `n_in` from one to the next, as real
    scripts do; None when one of those names is taken. The first weights are out of reach by
    name once `w` is bound again, so the block's variables count as hidden."""
    rng = state.reuse_rng
    assert rng is not None
    if state.used & _REUSED_NAMES:
        return None
    state.used.update(_REUSED_NAMES)
    block = state.fresh("block")
    hidden = rng.randint(1, 4)
    state.emit(f"h = {source.name}")
    for layer, (n_in, n_out) in enumerate(((source.shape[1], hidden), (hidden, width))):
        dims = f"[{n_in}, {n_out}]"
        if rng.random() < 0.2:  # a graph tensor's static shape sizing the weights (traced for it)
            state.emit(rng.choice(("n_in = int(h.shape[1])", "n_in = h.get_shape().as_list()[1]")))
            dims = f"[n_in, {n_out}]"
        stddev = round(rng.uniform(0.05, 0.5), 2)
        state.emit(
            "init_value = "
            + rng.choice(
                (
                    f"tf.truncated_normal({dims}, stddev={stddev})",
                    f"tf.random_uniform({dims}, -{stddev}, {stddev})",
                    f"tf.zeros({dims}) + {stddev}",
                    f"tf.fill({dims}, {stddev})",
                )
            )
        )
        named = f', name="{block}_w{layer}"' if rng.random() < 0.5 else ""
        state.emit(f"w = tf.Variable(init_value{named})")
        activation = rng.choice((*ACTIVATIONS, ""))
        state.emit(f"h = {activation}(tf.matmul(h, w))" if activation else "h = tf.matmul(h, w)")
    name = state.fresh("block_out")
    state.emit(f"{name} = h")
    state.hidden_trained += 2
    return state.add(Value(name, (source.shape[0], width), "float32", source.feeds, batch=source.batch))


def _keep_probability(state: _State) -> str | None:
    """The dropout keep-probability placeholder, fed below 1 in training and 1.0 elsewhere; made
    once, at module level, or inside the function building the graph that returns it with its
    output as mnist_deep.py's `deepnn` does (None inside a function that cannot make it)."""
    if not state.keep_prob and (not state.in_function or state.function_keep):
        state.keep_inside = state.in_function
        state.keep_prob = state.fresh("keep_prob")
        state.emit(f"{state.keep_prob} = tf.placeholder(tf.float32)")
        train = state.rng.choice(("0.5", "0.75", "0.9"))
        state.placeholders.append(_Placeholder(state.keep_prob, (), "float32", "1.0", False, train_data=train))
    return state.keep_prob or None


def _conv(state: _State, images: Value) -> Value:
    rng = state.rng
    n, size, _, channels = images.shape
    filters = rng.randint(1, 3)
    if state.options.variable_family and rng.random() < 0.3:
        conv = state.fresh("conv")
        _emit_layer(
            state, f'{conv} = tf.layers.conv2d({images.name}, {filters}, 3, padding="same", activation=tf.nn.relu)'
        )
    else:
        kernel = _variable(state, "kernel", (3, 3, channels, filters))
        state.trained.append(kernel)
        conv = state.fresh("conv")
        state.emit(
            f'{conv} = tf.nn.relu(tf.nn.conv2d({images.name}, {kernel.name}, strides=[1, 1, 1, 1], padding="SAME"))'
        )
    pooled = state.fresh("pool")
    pool = rng.choice(("tf.nn.max_pool", "tf.nn.avg_pool"))
    state.emit(f'{pooled} = {pool}({conv}, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID")')
    flat_width = (size // 2) * (size // 2) * filters
    flat = state.fresh("flat")
    state.emit(f"{flat} = tf.reshape({pooled}, [-1, {flat_width}])")
    return state.add(Value(flat, (n, flat_width), "float32", images.feeds, batch=True))


def _elementwise(state: _State, a: Value) -> Value:
    rng = state.rng
    partners = [v for v in state.floats() if v.shape == a.shape and v.name != a.name and v.batch == a.batch]
    name = state.fresh(rng.choice(("t", "mixed", "act")))
    if partners and rng.random() < 0.6:
        b = rng.choice(partners)
        op = rng.choice(("{a} + {b}", "{a} - {b}", "{a} * {b}", "tf.maximum({a}, {b})", "tf.add({a}, {b})"))
        state.emit(f"{name} = {op.format(a=a.name, b=b.name)}")
        feeds = a.feeds | b.feeds
    else:
        op = rng.choice(
            ("{f}({a})", "{a} * {c}", "tf.square({a})", "tf.abs({a}) + {c}", "tf.clip_by_value({a}, -1.0, 1.0)")
        )
        state.emit(f"{name} = {op.format(f=rng.choice(ACTIVATIONS), a=a.name, c=_float(rng, 0.1, 2.0))}")
        feeds = a.feeds
    return state.add(Value(name, a.shape, "float32", feeds, batch=a.batch))


def _scales(state: _State) -> list[_Placeholder]:
    """The scalar float placeholders a value may be multiplied by. Not the keep probability:
    made without a shape, it leaves the product's static shape unknown, which a dense layer or
    a printed `as_list()` then cannot take."""
    return [p for p in state.placeholders if p.shape == () and p.dtype == "float32" and p.name != state.keep_prob]


def _scaled(state: _State, a: Value) -> Value:
    scales = _scales(state)
    scale = state.rng.choice(scales)
    name = state.fresh("scaled")
    state.emit(f"{name} = {a.name} * {scale.name}")
    return state.add(Value(name, a.shape, "float32", a.feeds | {scale.name}, batch=a.batch))


def _concat(state: _State, a: Value) -> Value | None:
    partners = [v for v in state.floats(rank=2) if v.batch == a.batch and v.name != a.name and v.batch]
    if not partners or len(a.shape) != 2:
        return None
    b = state.rng.choice(partners)
    name = state.fresh("joined")
    state.emit(f"{name} = tf.concat([{a.name}, {b.name}], axis=1)")
    return state.add(Value(name, (a.shape[0], a.shape[1] + b.shape[1]), "float32", a.feeds | b.feeds, batch=True))


def _reduction(state: _State, a: Value) -> Value:
    rng = state.rng
    op = rng.choice(("tf.reduce_sum", "tf.reduce_mean", "tf.reduce_max", "tf.reduce_min"))
    name = state.fresh(rng.choice(("total", "mean", "summary_value", "r")))
    if len(a.shape) == 2 and rng.random() < 0.5:
        axis = rng.choice((0, 1))
        keep = rng.random() < 0.3
        state.emit(f"{name} = {op}({a.name}, axis={axis}" + (", keepdims=True)" if keep else ")"))
        shape = list(a.shape)
        if keep:
            shape[axis] = 1
        else:
            del shape[axis]
        return state.add(Value(name, tuple(shape), "float32", a.feeds, batch=a.batch and axis != 0))
    state.emit(f"{name} = {op}({a.name})")
    return state.add(Value(name, (), "float32", a.feeds))


def _cond(state: _State, a: Value) -> Value:
    rng = state.rng
    name = state.fresh("branch")
    if not state.in_function and rng.random() < 0.4:
        flag = state.fresh("use_double")
        default = rng.choice(("True", "False"))
        state.emit(f"{flag} = tf.placeholder_with_default({default}, shape=[])")
        state.placeholders.append(
            _Placeholder(flag, (), "bool", rng.choice(("True", "False")), False, with_default=True)
        )
        pred, feeds = flag, a.feeds | {flag}
    else:
        pred, feeds = f"tf.reduce_mean({a.name}) > {_float(rng, 0.0, 0.6)}", a.feeds
    state.emit(f"{name} = tf.cond({pred}, lambda: {a.name} * 2.0, lambda: {a.name} - {_float(rng, 0.1, 1.0)})")
    return state.add(Value(name, a.shape, "float32", feeds, batch=a.batch))


def _python_choice(state: _State, a: Value) -> Value:
    """An op chosen by an `if` chain on a Python setting, as tutorial scripts choose losses."""
    rng = state.rng
    if not state.setting:
        state.setting = state.fresh("mode")
        state.emit(f'{state.setting} = "{rng.choice(("square", "relu", "scale"))}"')
    name = state.fresh("chosen")
    state.emit(f'if {state.setting} == "square":')
    state.emit(f"    {name} = tf.square({a.name})")
    state.emit(f'elif {state.setting} == "relu":')
    state.emit(f"    {name} = tf.nn.relu({a.name})")
    state.emit("else:")
    state.emit(f"    {name} = {a.name} * {_float(rng, 0.5, 1.5)}")
    return state.add(Value(name, a.shape, "float32", a.feeds, batch=a.batch))


def _graph_ops(state: _State) -> Value:
    """A chain of ops from the inputs; returns a rank-2 batch value to put a loss on."""
    rng = state.rng
    images = [v for v in state.values if len(v.shape) == 4]
    current = _conv(state, images[0]) if images else rng.choice(state.floats(rank=2, batch=True))
    if images and rng.random() < 0.5:
        others = [v for v in state.floats(rank=2, batch=True) if v.name != current.name]
        if others:
            current = _concat(state, current) or current
    function = _Function(state, current) if state.options.functions and rng.random() < 0.3 else None
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.4:
            current = _dense(state, current)
        elif roll < 0.6:
            current = _elementwise(state, current)
        elif roll < 0.7 and state.options.cond:
            current = _cond(state, current)
        elif roll < 0.8 and _scales(state):
            current = _scaled(state, current)
        elif roll < 0.85:
            current = _concat(state, current) or _elementwise(state, current)
        elif roll < 0.9 and state.options.tutorial_shapes:
            current = _python_choice(state, current)
        else:
            _reduction(state, current)
    if state.options.random_ops and rng.random() < 0.15:
        current = _noise(state, current)
    if function is not None:
        current = function.close(current)
    if state.lookup_rng is not None and state.target is None and state.lookup_rng.random() < 0.3:
        current = _looked_up(state, current, state.lookup_rng)
    if rng.random() < 0.6:
        _reduction(state, current)
    if state.options.shape_reads and rng.random() < 0.4:
        _print_shape(state, rng.choice([v for v in state.values if v.dtype == "float32" and v.shape]))
    return current


def _looked_up(state: _State, current: Value, rng: random.Random) -> Value:
    """`current` plus the rows of a trained table that fed ids pick."""
    n, width = current.shape
    rows = rng.randint(4, 9)
    ids, table = state.fresh("ids"), state.fresh(rng.choice(("embeddings", "table", "embedding_matrix")))
    data, looked, combined = state.fresh(f"{ids}_data"), state.fresh("looked_up"), state.fresh("combined")
    state.emit(f"{data} = rng.randint(0, {rows}, size={n}).astype(np.int32)")
    state.emit(f"{ids} = tf.placeholder(tf.int32, shape={_shape_text((n,), True, state.fixed_batch)})")
    state.placeholders.append(_Placeholder(ids, (n,), "int32", data, True))
    state.add(Value(ids, (n,), "int32", frozenset({ids}), batch=True))
    state.emit(f"{table} = tf.Variable(tf.random_uniform([{rows}, {width}], -1.0, 1.0))")
    state.trained.append(state.add(Value(table, (rows, width), "float32", frozenset(), variable=True)))
    lookup = rng.choice(("tf.nn.embedding_lookup", "tf.gather"))
    state.emit(f"{looked} = {lookup}({table}, {ids})")
    state.emit(f"{combined} = {current.name} + {looked}")
    feeds = current.feeds | {ids}
    return state.add(Value(combined, (n, width), "float32", feeds, batch=current.batch))


def _noise(state: _State, a: Value) -> Value:
    rng = state.rng
    name = state.fresh("noisy")
    draw = rng.choice(
        (
            f"tf.random_normal(tf.shape({a.name}), stddev={_float(state.rng, 0.01, 0.2)})",
            f"tf.random_uniform(tf.shape({a.name}), -0.1, 0.1)",
        )
    )
    state.emit(f"{name} = {a.name} + {draw}")
    return state.add(Value(name, a.shape, "float32", a.feeds, batch=a.batch))


def _print_shape(state: _State, a: Value) -> None:
    """A tensor's static shape used outside any run, as scripts print it while building."""
    rng = state.rng
    state.emit(
        rng.choice(
            (
                f"print({a.name}.get_shape())",
                f"print({a.name}.shape)",
                f'print("shape", {a.name}.shape.as_list())',
                f"print(len({a.name}.get_shape()))",
            )
        )
    )


class _Function:
    """Graph code from here on built by a function called once with the chain's input, as
    `def build_model(x): ... return logits` then `logits = build_model(x)`. What it makes
    inside stays its own (no longer fetchable by name); its parameter has the input's name."""

    def __init__(self, state: _State, source: Value) -> None:
        self.state = state
        self.source = source
        self.start = len(state.lines)
        self.values = len(state.values)
        self.trained = len(state.trained)
        self.factory, self.setting = state.factory, state.setting
        state.in_function = True
        scoped = state.scoped_rng
        state.function_scoped = scoped is not None and scoped.random() < 0.5
        state.function_keep = state.function_scoped and scoped is not None and scoped.random() < 0.5

    def close(self, result: Value) -> Value:
        state, rng = self.state, self.state.rng
        state.in_function = False
        returned = f"{result.name}, {state.keep_prob}" if state.keep_inside else result.name
        name = state.fresh(rng.choice(("build_model", "inference", "forward")))
        body = state.lines[self.start :]
        state.lines[self.start :] = [
            f"def {name}({self.source.name}):",
            *(f"    {line}" for line in body),
            f"    return {returned}",
        ]
        del state.values[self.values :]
        state.hidden_trained += len(state.trained) - self.trained
        del state.trained[self.trained :]
        # A factory or a setting first defined in the body is the function's own.
        state.factory, state.setting = self.factory, self.setting
        output = state.fresh(rng.choice(("logits", "prediction", "model_output")))
        bound = f"{output}, {state.keep_prob}" if state.keep_inside else output
        state.emit(f"{bound} = {name}({self.source.name})")
        state.function_scoped = state.function_keep = state.keep_inside = False
        return state.add(Value(output, result.shape, "float32", result.feeds, batch=result.batch))


# --- loss, optimizer, assigns --------------------------------------------------------------------
@dataclass
class _Training:
    loss: Value
    train: str | None
    metric: Value | None
    counter: Value | None
    extra_ops: list[Value]
    output: Value | None = None  # what the loss is computed on
    target: Value | None = None  # the labels (integer) or targets (float) it is compared with


def _loss(state: _State, output: Value) -> tuple[Value, Value | None, Value]:
    """The loss, an accuracy metric (sometimes) and the labels or targets the loss compares with."""
    rng = state.rng
    n, width = output.shape
    metric: Value | None = None
    loss = state.fresh(rng.choice(("loss", "cost", "objective")))
    preset = state.target
    if preset is not None and preset.dtype != "float32" or preset is None and width >= 2 and rng.random() < 0.5:
        dtype = preset.dtype if preset is not None else rng.choice(("int32", "int64"))
        labels = preset or _add_placeholder(state, state.fresh("labels"), (n,), dtype, batch=True, classes=width)
        # The data line was emitted after the graph code; that is still before the session.
        if _loss_function(state) is not None:
            state.emit(f"{loss} = tf.losses.sparse_softmax_cross_entropy(labels={labels.name}, logits={output.name})")
        else:
            state.emit(
                f"{loss} = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels={labels.name}, "
                f"logits={output.name}))"
            )
        feeds = output.feeds | labels.feeds
        if rng.random() < 0.6:
            correct = state.fresh("correct")
            target = labels.name if dtype == "int64" else f"tf.cast({labels.name}, tf.int64)"
            state.emit(f"{correct} = tf.equal(tf.argmax({output.name}, 1), {target})")
            accuracy = state.fresh("accuracy")
            state.emit(f"{accuracy} = tf.reduce_mean(tf.cast({correct}, tf.float32))")
            metric = state.add(Value(accuracy, (), "float32", feeds))
        compared = labels
    else:
        compared = preset or _add_placeholder(state, state.fresh("targets"), (n, width), "float32", batch=True)
        form = rng.choice(
            (
                "tf.reduce_mean(tf.square({o} - {t}))",
                "tf.reduce_sum(tf.square({o} - {t})) / {n}.0",
                "tf.reduce_mean(tf.abs({o} - {t}))",
            )
        )
        if compared.name not in state.placeholder_forms:
            form = _loss_function(state) or form
        state.emit(f"{loss} = {form.format(o=output.name, t=compared.name, n=n)}")
        feeds = output.feeds | compared.feeds
    if state.trained and rng.random() < 0.3:
        weights = rng.choice(state.trained)
        state.emit(f"{loss} = {loss} + {_float(rng, 0.001, 0.05)} * tf.nn.l2_loss({weights.name})")
    elif len(state.trained) > 1 and state.options.tutorial_shapes and rng.random() < 0.3:
        listed = ", ".join(v.name for v in state.trained)
        state.emit(f"for weights in [{listed}]:")
        state.emit(f"    {loss} += {_float(rng, 0.001, 0.05)} * tf.nn.l2_loss(weights)")
    accumulate = state.accumulate_rng
    if state.trained and accumulate is not None and accumulate.random() < 0.35:
        _accumulated_penalty(state, accumulate, loss)
    return state.add(Value(loss, (), "float32", feeds)), metric, compared


_LOSS_FUNCTIONS = (
    "tf.losses.mean_squared_error({t}, {o})",
    "tf.losses.absolute_difference(labels={t}, predictions={o})",
    "tf.losses.sigmoid_cross_entropy({t}, {o})",
    "tf.losses.softmax_cross_entropy({t}, {o})",
    "tf.losses.huber_loss({t}, {o}, delta=0.5)",
    "tf.losses.hinge_loss(labels={t}, logits={o})",
    "tf.losses.log_loss({t}, tf.sigmoid({o}))",
    "tf.losses.mean_squared_error({t}, {o}, reduction=tf.losses.Reduction.SUM)",
)


def _loss_function(state: _State) -> str | None:
    """A TF1 loss function's call to write the loss with (of targets `{t}` and outputs `{o}`),
    or None for the form the main generator drew."""
    rng = state.loss_function_rng
    if rng is None or rng.random() >= 0.35:
        return None
    return rng.choice(_LOSS_FUNCTIONS)


def _accumulated_penalty(state: _State, rng: random.Random, loss: str) -> None:
    """An L2 penalty summed up from a Python start (`0` or `[]`) in a loop, added to the loss."""
    listed = ", ".join(v.name for v in state.trained)
    scale = _float(rng, 0.001, 0.05)
    if rng.random() < 0.5:
        penalty = state.fresh("penalty")
        state.emit(f"{penalty} = 0")
        state.emit(f"for weights in [{listed}]:")
        state.emit(f"    {penalty} += {scale} * tf.nn.l2_loss(weights)")
        state.emit(f"{loss} = {loss} + {penalty}")
    else:
        penalties = state.fresh("penalties")
        state.emit(f"{penalties} = []")
        state.emit(f"for weights in [{listed}]:")
        state.emit(f"    {penalties}.append({scale} * tf.nn.l2_loss(weights))")
        state.emit(f"{loss} = {loss} + tf.add_n({penalties})")


def _statistics(state: _State, rng: random.Random) -> None:
    """Statistics of a float value kept in a dict of tensors, run entry by entry later."""
    candidates = [v for v in state.values if v.dtype == "float32" and not v.mutates and not v.variable]
    if not candidates:
        return
    value = rng.choice(candidates)
    stats = state.fresh(rng.choice(("stats", "metrics", "summary_values")))
    state.emit(f'{stats} = {{"mean": tf.reduce_mean({value.name}), "max": tf.reduce_max({value.name})}}')
    state.entries = (stats, value)


def _listed(state: _State, rng: random.Random) -> None:
    """A list of tensors a helper gives back, of a value scaled by a tensor made before the
    graph and bound again on a Python setting."""
    candidates = [v for v in state.values if v.dtype == "float32" and not v.mutates and not v.variable]
    if not candidates:
        return
    value = rng.choice(candidates)
    make, spread = state.fresh("make_scale"), state.fresh("spread_of")
    scale, rescale, listed = state.fresh("scale"), state.fresh("rescale"), state.fresh("listed")
    state.emit("")
    state.emit("")
    state.emit(f"def {make}():")
    state.emit(f"    return tf.constant({_float(rng, 0.5, 1.5)})")
    state.emit("")
    state.emit("")
    state.emit(f"def {spread}(t):")
    state.emit("    values = [tf.reduce_mean(t)]")
    state.emit("    values.append(tf.reduce_max(t) - tf.reduce_min(t))")
    state.emit("    return values")
    state.emit("")
    state.emit("")
    state.emit(f"{scale} = {make}()")
    state.emit(f"{rescale} = {rng.choice(('True', 'False'))}")
    state.emit(f"if {rescale}:")
    state.emit(f"    {scale} = {scale} * {_float(rng, 1.5, 2.5)}")
    state.emit(f"{listed} = {spread}({value.name} * {scale})")
    state.listed = (listed, value)


def _summaries(state: _State, training: _Training, rng: random.Random) -> None:
    """Summary ops of the loss and the output, merged; one of the output's mean run apart."""
    output = training.output
    if output is None or state.exhausted:
        return
    state.lines.insert(2, "import tempfile")  # after numpy and tensorflow
    state.emit(f'tf.summary.scalar("{training.loss.name}", {training.loss.name})')
    state.emit(f'tf.summary.histogram("{output.name}", {output.name})')
    trained = [v for v in state.trained if v.variable and v.trainable and v.name.isidentifier()]
    if trained and training.train is not None and rng.random() < 0.15:
        state.emit(f'tf.summary.histogram("weights", {rng.choice(trained).name})')
    merged, apart = state.fresh("merged"), state.fresh(f"{output.name}_summary")
    state.emit(f"{merged} = tf.summary.merge_all()")
    state.emit(f'{apart} = tf.summary.scalar("mean_{output.name}", tf.reduce_mean({output.name}))')
    state.summary_ops = (merged, apart)


def _optimizer(state: _State) -> str:
    rng = state.rng
    kind = rng.choice(OPTIMIZERS)
    lr = rng.choice(("0.01", "0.05", "0.1"))
    if kind == "GradientDescent":
        return f"tf.train.GradientDescentOptimizer({rng.choice((lr, f'learning_rate={lr}'))})"
    if kind == "Adam":
        extra = rng.choice(("", ", beta1=0.8", ", epsilon=1e-6"))
        return f"tf.train.AdamOptimizer({lr}{extra})"
    if kind == "Momentum":
        extra = rng.choice(("", ", use_nesterov=True"))
        return f"tf.train.MomentumOptimizer({lr}, momentum={rng.choice(('0.9', '0.5'))}{extra})"
    if kind == "RMSProp":
        extra = rng.choice(("", ", decay=0.8", ", momentum=0.5"))
        return f"tf.train.RMSPropOptimizer({lr}{extra})"
    return f"tf.train.AdagradOptimizer({lr})"


def _training(state: _State, output: Value) -> _Training:
    rng = state.rng
    if state.target is not None and output.shape[1] != state.target_width:
        output = _dense(state, output, state.target_width)
    loss, metric, compared = _loss(state, output)
    counter: Value | None = None
    extra: list[Value] = []
    train: str | None = None
    if state.options.optimizer and (state.trained or state.hidden_trained):
        arguments = [loss.name]
        on_path = [v for v in state.trained if v.trainable]
        if rng.random() < 0.3 and len(on_path) > 1:
            chosen = rng.sample(on_path, rng.randint(1, len(on_path) - 1))
            arguments.append("var_list=[" + ", ".join(v.name for v in chosen) + "]")
        if rng.random() < 0.35:
            step = state.fresh("global_step")
            if rng.random() < 0.5:
                state.emit(f'{step} = tf.Variable(0, trainable=False, name="{step}")')
            else:
                state.emit(f"{step} = tf.train.get_or_create_global_step()")
            state.add(Value(step, (), "int64", frozenset(), variable=True, trainable=False))
            arguments.append(f"global_step={step}")
        train = state.fresh(rng.choice(("train_op", "train_step", "optimize")))
        if rng.random() < 0.3:
            state.emit(f"{train} = {_optimizer(state)}.minimize({', '.join(arguments)})")
        else:
            opt = state.fresh(rng.choice(("optimizer", "opt")))
            state.emit(f"{opt} = {_optimizer(state)}")
            state.emit(f"{train} = {opt}.minimize({', '.join(arguments)})")
    if state.options.assigns and rng.random() < 0.4:
        counter_name = state.fresh("counter")
        state.emit(f"{counter_name} = tf.Variable(0, trainable=False)")
        counter = state.add(Value(counter_name, (), "int32", frozenset(), variable=True, trainable=False))
        increment = state.fresh("increment")
        state.emit(
            rng.choice(
                (f"{increment} = tf.assign_add({counter_name}, 1)", f"{increment} = {counter_name}.assign_add(1)")
            )
        )
        extra.append(state.add(Value(increment, (), "int32", frozenset(), mutates=True)))
        if state.options.control_dependencies and rng.random() < 0.5:
            guarded = state.fresh("loss_after_count")
            state.emit(f"with tf.control_dependencies([{increment}]):")
            state.emit(f"    {guarded} = tf.identity({loss.name})")
            extra.append(state.add(Value(guarded, (), "float32", loss.feeds, mutates=True)))
    if state.options.assigns and state.trained and rng.random() < 0.2:
        target = rng.choice(state.trained)
        shrink = state.fresh("shrink")
        state.emit(f"{shrink} = tf.assign({target.name}, {target.name} * {_float(rng, 0.5, 0.99)})")
        extra.append(state.add(Value(shrink, target.shape, "float32", frozenset(), mutates=True)))
    return _Training(loss, train, metric, counter, extra, output, compared)


# --- the session --------------------------------------------------------------------------------
def _feed(
    state: _State,
    feeds: frozenset[str],
    sliced: str | None = None,
    training: bool = False,
    keys: dict[str, str] | None = None,
) -> str:
    """A feed dict's text; `keys` names the key of a placeholder by another name (a parameter)."""
    items = []
    for p in state.placeholders:
        if p.name not in feeds:
            continue
        if p.with_default and state.rng.random() < 0.5:
            continue
        data = p.train_data if training and p.train_data else p.data
        if sliced and p.batch:
            data = f"{data}[{sliced}]"
        items.append(f"{(keys or {}).get(p.name, p.name)}: {data}")
    return "{" + ", ".join(items) + "}"


def _fetch_structure(state: _State, fetched: list[Value]) -> tuple[str, list[tuple[str, Value]]]:
    """A fetch expression for `fetched` and how to reach each value in the result `res`."""
    rng = state.rng
    if len(fetched) == 1 and rng.random() < 0.6:
        return fetched[0].name, [("res", fetched[0])]
    form = rng.choice(("list", "tuple", "dict", "nested"))
    if form == "list":
        return "[" + ", ".join(v.name for v in fetched) + "]", [(f"res[{i}]", v) for i, v in enumerate(fetched)]
    if form == "tuple":
        return "(" + ", ".join(v.name for v in fetched) + ",)", [(f"res[{i}]", v) for i, v in enumerate(fetched)]
    if form == "dict":
        return (
            "{" + ", ".join(f'"{v.name}": {v.name}' for v in fetched) + "}",
            [(f'res["{v.name}"]', v) for v in fetched],
        )
    head, rest = fetched[0], fetched[1:]
    if not rest:
        return f'{{"only": [{head.name}]}}', [('res["only"][0]', head)]
    return (
        f'[{head.name}, {{"rest": [' + ", ".join(v.name for v in rest) + "]}]",
        [("res[0]", head)] + [(f'res[1]["rest"][{i}]', v) for i, v in enumerate(rest)],
    )


def _print(value: Value, access: str, rng: random.Random) -> str:
    if value.shape == ():
        if value.dtype == "float32":
            return rng.choice((f'print("%.6f" % {access})', f'print("{value.name}", "%.5f" % {access})'))
        return f'print("%d" % {access})'
    return rng.choice((f"print({access})", f"print(np.round({access}, 5))"))


class _Session:
    def __init__(self, state: _State, training: _Training) -> None:
        self.state = state
        self.training = training
        rng = state.rng
        self.style = rng.choices(("with", "explicit", "interactive"), weights=(7, 2, 1))[0]
        self.indent = "    " if self.style == "with" else ""
        self.feed_names: dict[frozenset[str], str] = {}

    def line(self, text: str, depth: int = 0) -> None:
        self.state.emit(self.indent + "    " * depth + text)

    def prebuilt_feeds(self) -> None:
        """Some feed dicts are built before the session, as many TF1 scripts do."""
        rng = self.state.rng
        needed = {self.training.loss.feeds}
        needed |= {v.feeds for v in self.state.values if v.feeds and not v.variable}
        needed.discard(frozenset())  # a loss on a dataset's batches needs no feed
        helpers = self.state.feeder_rng
        for feeds in sorted(needed, key=sorted):
            if rng.random() < 0.35:
                if helpers is not None and helpers.random() < 0.5:
                    self.feed_names[feeds] = self._feed_helper(feeds, helpers)
                    continue
                name = self.state.fresh("feed")
                self.state.emit(f"{name} = {_feed(self.state, feeds)}")
                self.feed_names[feeds] = name

    def _feed_helper(self, feeds: frozenset[str], rng: random.Random) -> str:
        """A function building the feed dict of `feeds`; the call that builds it."""
        state = self.state
        name = state.fresh("fill_feed_dict")
        if rng.random() < 0.5:
            state.emit(f"def {name}():")
            state.emit(f"    return {_feed(state, feeds)}")
            state.emit("")
            return f"{name}()"
        params = {p.name: state.fresh(f"{p.name}_pl") for p in state.placeholders if p.name in feeds}
        local = state.fresh("feed_dict")
        state.emit(f"def {name}({', '.join(params.values())}):")
        state.emit(f"    {local} = {_feed(state, feeds, keys=params)}")
        state.emit(f"    return {local}")
        state.emit("")
        return f"{name}({', '.join(params)})"

    def feed_argument(self, feeds: frozenset[str], sliced: str | None = None, training: bool = False) -> str:
        if not feeds or not any(p.name in feeds for p in self.state.placeholders):
            return ""
        differs = training and any(p.train_data and p.name in feeds for p in self.state.placeholders)
        if sliced is None and feeds in self.feed_names and not differs:
            return f", feed_dict={self.feed_names[feeds]}"
        text = _feed(self.state, feeds, sliced, training)
        if text == "{}":
            return ""
        return f", {text}" if self.state.rng.random() < 0.2 else f", feed_dict={text}"

    def open(self) -> None:
        rng = self.state.rng
        init = "tf.global_variables_initializer()"
        if rng.random() < 0.4:
            self.state.emit(f"init = {init}")
            init = "init"
        if self.style == "with":
            self.state.emit("with tf.Session() as sess:")
        elif self.style == "explicit":
            self.state.emit("sess = tf.Session()")
        else:
            self.state.emit("sess = tf.InteractiveSession()")
        self.line(f"sess.run({init})")
        if self.state.iterator:
            self.line(f"sess.run({self.state.iterator}.initializer)")

    def close(self) -> None:
        if self.style != "with":
            self.state.emit("sess.close()")

    def train_loop(self) -> None:
        state, training = self.state, self.training
        rng = state.rng
        if training.train is None:
            return
        steps = rng.randint(2, 4)
        self.line(f"for step in range({steps}):")
        depth = 1
        sliced = None
        batched = not state.fixed_batch and state.batch >= 4 and rng.random() < 0.3
        restart = state.iterator and state.options.datasets and rng.random() < 0.5
        if state.exhausted:  # each epoch reads the dataset to its end
            self.line(f"sess.run({state.iterator}.initializer)", 1)
            self.line("try:", 1)
            self.line("while True:", 2)
            depth = 3
        elif batched:
            self.line(f"for start in range(0, {state.batch}, 2):", 1)
            depth = 2
            sliced = "start:start + 2"
        feeds = training.loss.feeds
        if restart and not state.exhausted:
            self.line(f"sess.run({state.iterator}.initializer)", depth)  # each epoch from the first batch
        form = rng.randrange(3)
        feed = self.feed_argument(feeds, sliced, training=True)
        if form == 0:
            self.line(f"sess.run({training.train}{feed})", depth)
        elif form == 1:
            value = state.fresh("loss_value")
            self.line(f"_, {value} = sess.run([{training.train}, {training.loss.name}]{feed})", depth)
            if rng.random() < 0.5:
                self.line("if step % 2 == 0:", depth)
                self.line(f'print("step", step, "%.6f" % {value})', depth + 1)
            else:
                self.line(f'print("%.6f" % {value})', depth)
        else:
            extras = [training.metric] if training.metric is not None else []
            fetched = [training.loss, *extras]
            value = state.fresh("out")
            names = ", ".join(f'"{v.name}": {v.name}' for v in fetched)
            self.line(f'{value} = sess.run({{"train": {training.train}, {names}}}{feed})', depth)
            for v in fetched:
                self.line(f'print("%.6f" % {value}["{v.name}"])', depth)
        if state.exhausted:
            self.line("except tf.errors.OutOfRangeError:", 1)
            self.line("pass", 2)

    def restart(self, depth: int = 0) -> None:
        """A dataset read to its end is started again before a site reads it."""
        if self.state.exhausted:
            self.line(f"sess.run({self.state.iterator}.initializer)", depth)

    def fetch_site(self) -> None:
        state = self.state
        rng = state.rng
        candidates = [
            v for v in state.values if v.dtype != "bool" and not v.mutates and not (v.feeds and len(v.shape) == 4)
        ]
        candidates = [v for v in candidates if not (len(v.feeds) == 1 and v.name in v.feeds)]
        fetched = rng.sample(candidates, min(len(candidates), rng.randint(1, 3)))
        feeds = frozenset().union(*(v.feeds for v in fetched))
        expression, accesses = _fetch_structure(state, fetched)
        repeat = rng.random() < 0.3
        depth = 0
        if repeat:
            self.line(f"for repeat in range({rng.randint(2, 3)}):")
            depth = 1
        self.restart(depth)
        if len(accesses) == 1 and accesses[0][0] == "res" and rng.random() < 0.25 and self.style != "explicit":
            self.line(f"res = {fetched[0].name}.eval({self.feed_argument(feeds).lstrip(', ')})", depth)
        elif len(fetched) > 1 and expression.startswith(("[", "(")) and "{" not in expression and rng.random() < 0.5:
            names = [state.fresh(f"{v.name}_value") for v in fetched]
            self.line(f"{', '.join(names)} = sess.run({expression}{self.feed_argument(feeds)})", depth)
            accesses = [(n, v) for n, (_, v) in zip(names, accesses)]
        else:
            self.line(f"res = sess.run({expression}{self.feed_argument(feeds)})", depth)
        for access, value in accesses:
            self.line(_print(value, access, rng), depth)

    def rebind_site(self) -> None:
        """A variable's final value fetched under the variable's own name, as scripts do once
        they are done with the graph."""
        state = self.state
        variables = [v for v in state.values if v.variable and v.dtype == "float32" and "." not in v.name]
        if not variables:
            return
        value = state.rng.choice(variables)
        self.line(f"{value.name} = sess.run({value.name})")
        self.line(f"print(np.round({value.name}, 5))")

    def evaluation_site(self) -> None:
        """Evaluation ops built inside the session after training, then run, as scripts end."""
        state, training = self.state, self.training
        rng = state.rng
        output, target = training.output, training.target
        if output is None or target is None:
            return
        if target.dtype != "float32":
            correct = state.fresh("correct_prediction")
            labels = target.name if target.dtype == "int64" else f"tf.cast({target.name}, tf.int64)"
            self.line(f"{correct} = tf.equal(tf.argmax({output.name}, 1), {labels})")
            name = state.fresh("accuracy")
            self.line(f"{name} = tf.reduce_mean(tf.cast({correct}, tf.float32))")
        else:
            name = state.fresh(rng.choice(("error", "test_error")))
            self.line(f"{name} = tf.reduce_mean(tf.abs({output.name} - {target.name}))")
        value = Value(name, (), "float32", output.feeds | target.feeds)
        feed = self.feed_argument(value.feeds)
        self.restart()
        if self.style != "explicit" and rng.random() < 0.5:
            self.line(f'print("{name}", "%.5f" % {name}.eval({feed.lstrip(", ")}))')
        else:
            result = state.fresh(f"{name}_value")
            self.line(f"{result} = sess.run({name}{feed})")
            self.line(_print(value, result, rng))

    def loop_evaluation_site(self, rng: random.Random) -> None:
        """Ops built in a loop from the values a run gave, then run: TF 2 computes them where
        they stand. A random op among them draws anew at each run: not such a value."""
        state = self.state
        candidates = [
            v for v in state.values
            if v.dtype == "float32" and v.shape and not v.mutates and not (v.feeds and len(v.shape) == 4)
            and not (len(v.feeds) == 1 and v.name in v.feeds)
        ]
        if not candidates:
            return
        source = rng.choice(candidates)
        fetched, scores, total = state.fresh("fetched"), state.fresh("scores"), state.fresh("total")
        self.line(f"for i in range({rng.randint(1, 3)}):")
        self.restart(1)
        feed = self.feed_argument(source.feeds)
        if self.style != "explicit" and rng.random() < 0.3:
            self.line(f"{fetched} = {source.name}.eval({feed.lstrip(', ')})", 1)
        else:
            self.line(f"{fetched} = sess.run({source.name}{feed})", 1)
        noise = f" + tf.random_normal({list(source.shape[1:]) or []})" if rng.random() < 0.15 else ""
        self.line(f"{scores} = tf.nn.softmax({fetched} * (i + 1)){noise}", 1)
        reduce = rng.choice(("tf.reduce_sum", "tf.reduce_max", "tf.reduce_mean"))
        self.line(f"{total} = {reduce}(tf.square({scores}))", 1)
        if self.style != "explicit" and rng.random() < 0.4:
            self.line(f'print("{total}", "%.5f" % {total}.eval())', 1)
        else:
            self.line(f'print("{total}", "%.5f" % sess.run({total}))', 1)

    def entry_site(self, rng: random.Random) -> None:
        """The dict's statistics run one entry at a time, in a loop over its keys."""
        assert self.state.entries is not None
        stats, value = self.state.entries
        feed = self.feed_argument(value.feeds)
        self.line('for key in ["mean", "max"]:')
        self.restart(1)
        if self.style != "explicit" and rng.random() < 0.5:
            self.line(f'print(key, "%.5f" % {stats}[key].eval({feed.lstrip(", ")}))', 1)
        else:
            self.line(f'print(key, "%.5f" % sess.run({stats}[key]{feed}))', 1)
        # An expression of graph values run whole: `(a - b).eval()`, `tf.reduce_min(t).eval()`.
        expression = rng.choice((f'({stats}["max"] - {stats}["mean"])', f"tf.reduce_min({value.name})"))
        self.restart()
        if self.style != "explicit" and rng.random() < 0.5:
            self.line(f'print("spread", "%.5f" % {expression}.eval({feed.lstrip(", ")}))')
        else:
            self.line(f'print("spread", "%.5f" % sess.run({expression}{feed}))')

    def listed_site(self) -> None:
        """The helper's list run whole, its values printed one by one."""
        assert self.state.listed is not None
        listed, value = self.state.listed
        values = self.state.fresh(f"{listed}_values")
        self.restart()
        self.line(f"{values} = sess.run({listed}{self.feed_argument(value.feeds)})")
        self.line(f"for each in {values}:")
        self.line('print("listed %.5f" % each)', 1)

    def summary_site(self, rng: random.Random) -> None:
        """Summaries written at each step: the merged ones from the training run, the other
        from a run of its own."""
        state, training = self.state, self.training
        assert state.summary_ops is not None
        merged, apart = state.summary_ops
        logdir, writer = state.fresh("logdir"), state.fresh("writer")
        self.line(f"{logdir} = tempfile.mkdtemp()")
        self.line(f"{writer} = tf.summary.FileWriter({logdir}, sess.graph)")
        self.line(f"for step in range({rng.randint(1, 3)}):")
        if rng.random() < 0.3:
            self.line(f"{writer} = tf.summary.FileWriter({logdir})", 1)
        summary = state.fresh("summary")
        if training.train is not None:
            feed = self.feed_argument(training.loss.feeds, training=True)
            self.line(f"_, {summary} = sess.run([{training.train}, {merged}]{feed})", 1)
        else:
            self.line(f"{summary} = sess.run({merged}{self.feed_argument(training.loss.feeds)})", 1)
        step = "global_step=step" if rng.random() < 0.3 else "step"
        self.line(f"{writer}.add_summary({summary}, {step})", 1)
        output = training.output
        assert output is not None
        alone = state.fresh("alone")
        feed = self.feed_argument(output.feeds)
        if self.style != "explicit" and rng.random() < 0.3:
            self.line(f"{alone} = {apart}.eval({feed.lstrip(', ')})", 1)
        else:
            self.line(f"{alone} = sess.run({apart}{feed})", 1)
        self.line(f"{writer}.add_summary({alone}, step)", 1)
        self.line(f"{writer}.close()")

    def checkpoint_site(self, rng: random.Random) -> None:
        """The variables saved, trained on (their optimizer's slots are not in a Checkpoint: no
        run trains after the restore), restored, and values fetched again. Its draws come from
        `rng`, so the rest of the program is drawn as in programs without it."""
        state, training = self.state, self.training
        assert state.saver is not None
        if "import tempfile" not in state.lines:
            state.lines.insert(2, "import tempfile")  # after numpy and tensorflow
        program_rng, state.rng = state.rng, rng
        try:
            path = state.fresh("checkpoint_path")
            self.line(f'{path} = tempfile.mkdtemp() + "/model.ckpt"')
            self.line(f"{state.saver}.save(sess, {path})")
            if training.train is not None:
                self.restart()
                self.line(f"sess.run({training.train}{self.feed_argument(training.loss.feeds, training=True)})")
            self.line(f"{state.saver}.restore(sess, {path})")
            self.fetch_site()
        finally:
            state.rng = program_rng

    def counter_site(self) -> None:
        state, training = self.state, self.training
        rng = state.rng
        for op in training.extra_ops:
            if rng.random() < 0.6:
                self.restart()
                value = state.fresh(f"{op.name}_value")
                self.line(f"{value} = sess.run({op.name}{self.feed_argument(op.feeds)})")
                self.line(_print(op, value, rng))


def generate(seed: int, options: Options = Options()) -> str:
    """The source of one TF1 program, the same for the same seed and options."""
    rng = random.Random(seed)
    state = _State(rng, options, batch=rng.choice((2, 3, 4, 4)), fixed_batch=rng.random() < 0.2)
    if options.layer_functions and options.variable_family:
        state.layer_rng = random.Random(f"layer functions {seed}")
    if options.scoped_layers and options.variable_family:
        state.scope_rng = random.Random(f"scoped layers {seed}")
    if options.exhausted_datasets and options.datasets:
        state.epoch_rng = random.Random(f"exhausted datasets {seed}")
    if options.loop_evaluation:
        state.loop_rng = random.Random(f"loop evaluation {seed}")
    if options.summaries:
        state.summary_rng = random.Random(f"summaries {seed}")
    if options.accumulated_losses:
        state.accumulate_rng = random.Random(f"accumulated losses {seed}")
    if options.loss_functions:
        state.loss_function_rng = random.Random(f"loss functions {seed}")
    if options.float64_feeds:
        state.float64_rng = random.Random(f"float64 feeds {seed}")
    if options.entry_evaluation:
        state.entry_rng = random.Random(f"entry evaluation {seed}")
    if options.reused_names:
        state.reuse_rng = random.Random(f"reused names {seed}")
    if options.tutorial_factories and options.tutorial_shapes:
        state.factory_rng = random.Random(f"tutorial factories {seed}")
    if options.unnamed_scoped_variables and options.name_scopes:
        state.unnamed_rng = random.Random(f"unnamed scoped variables {seed}")
    if options.feed_helpers:
        state.feeder_rng = random.Random(f"feed helpers {seed}")
    if options.scoped_functions and options.name_scopes:
        state.scoped_rng = random.Random(f"scoped functions {seed}")
    if options.list_helpers:
        state.listing_rng = random.Random(f"list helpers {seed}")
    if options.looked_up_tables:
        state.lookup_rng = random.Random(f"looked up tables {seed}")
    state.used.update({"np", "tf", "rng", "sess", "init", "res", "step", "start", "repeat", "i", "_"})
    state.used.update({"weights", "shape", "st_dev", "weight", "key", "t", "values", "each"})  # the shapes' own names
    state.emit("import numpy as np")
    state.emit("import tensorflow as tf")
    state.emit("")
    state.emit(f"tf.set_random_seed({rng.randint(0, 99)})")
    state.emit(f"rng = np.random.RandomState({rng.randint(0, 99)})")
    _placeholders(state)
    output = _graph_ops(state)
    training = _training(state, output)
    if state.summary_rng is not None and state.summary_rng.random() < 0.3:
        _summaries(state, training, state.summary_rng)
    if state.entry_rng is not None and state.entry_rng.random() < 0.3:
        _statistics(state, state.entry_rng)
    if state.listing_rng is not None and state.listing_rng.random() < 0.3:
        _listed(state, state.listing_rng)
    saving = random.Random(f"checkpoints {seed}") if options.checkpoints else None
    # TF1's Saver() refuses a graph without variables: only programs that train save.
    if saving is not None and saving.random() < 0.3 and training.train is not None:
        state.saver = state.fresh("saver")
        state.emit(f"{state.saver} = tf.train.Saver()")
    session = _Session(state, training)
    session.prebuilt_feeds()
    session.open()
    sites = ["train", "fetch", "fetch", "counter"]
    rng.shuffle(sites)
    if rng.random() < 0.5:
        sites.insert(0, "fetch")
    for site in sites:
        if site == "train":
            session.train_loop()
        elif site == "fetch":
            session.fetch_site()
        else:
            session.counter_site()
    if options.session_graph and rng.random() < 0.4:
        session.evaluation_site()
    if state.summary_ops is not None and state.summary_rng is not None:
        session.summary_site(state.summary_rng)
    if state.loop_rng is not None and state.loop_rng.random() < 0.35:
        session.loop_evaluation_site(state.loop_rng)
    if state.entries is not None and state.entry_rng is not None:
        session.entry_site(state.entry_rng)
    if state.listed is not None:
        session.listed_site()
    if state.saver is not None and saving is not None:
        session.checkpoint_site(saving)  # before a variable's name is bound to its value
    if options.tutorial_shapes and rng.random() < 0.3:
        session.rebind_site()
    session.close()
    blocks = random.Random(f"script blocks {seed}") if options.script_blocks else None
    if blocks is not None and blocks.random() < 0.3:
        _on_the_cpu(state, blocks)
    if options.functions and rng.random() < 0.2:
        _in_main(state)
    elif blocks is not None and blocks.random() < 0.2:
        _in_main_guard(state)
    return "\n".join(state.lines) + "\n"


_BLOCK_STARTS = ("with ", "for ", "while ", "if ", "elif ", "else", "def ", "class ", "try", "except", "finally", "#")


def _on_the_cpu(state: _State, rng: random.Random) -> None:
    """A run of the graph statements between the placeholders and the session moved under
    `with tf.device("/cpu:0"):`, as tutorials pinned embeddings and optimizers."""
    lines = state.lines
    end = next((i for i, line in enumerate(lines) if "tf.Session()" in line or "tf.InteractiveSession()" in line), 0)
    candidates = [
        i for i in range(end)
        if lines[i][:1].isalpha()
        and not lines[i].startswith(_BLOCK_STARTS) and "tf." in lines[i] and "tf.placeholder" not in lines[i]
        and not lines[i].startswith(("import ", "tf.set_random_seed", "rng ="))
        and (i + 1 >= len(lines) or not lines[i + 1].startswith(" "))
    ]
    if not candidates:
        return
    first = rng.choice(candidates)
    last = first
    while last + 1 in candidates and rng.random() < 0.7:
        last += 1
    device = rng.choice(('"/cpu:0"', "'/device:CPU:0'"))
    lines[first : last + 1] = [f"with tf.device({device}):", *(f"    {line}" for line in lines[first : last + 1])]


def _in_main_guard(state: _State) -> None:
    """Everything below the imports but the functions run under `if __name__ == "__main__":`, in
    no function; the functions stay before it, at module level."""
    head = state.lines.index("") + 1
    functions: list[str] = []
    script: list[str] = []
    in_function = False
    for line in state.lines[head:]:
        in_function = line.startswith("def ") or (in_function and line.startswith((" ", "\t")))
        (functions if in_function else script).append(line)
    guard = ['if __name__ == "__main__":', *(f"    {line}" if line else "" for line in script)]
    state.lines[head:] = [*functions, *([""] if functions else []), *guard]


def _in_main(state: _State) -> None:
    """Everything below the imports moved into `def main():`, called when run as a script."""
    head = state.lines.index("") + 1
    body = state.lines[head:]
    state.lines[head:] = ["", "def main():", *(f"    {line}" for line in body), "", "", 'if __name__ == "__main__":']
    state.lines.append("    main()")
