"""Inside a child: TensorFlow's and Keras' random ops draw from seeds the harness chooses.

Every stateful random op a TF1 or TF 2 program creates is made by a few generated op functions
(`gen_random_ops.random_uniform` behind `tf.random.uniform`, `tf.nn.dropout`, `tf.random_crop`,
`tf.image.random_*` and TF1's initializers; `random_standard_normal`, `truncated_normal`,
`random_uniform_int`, `random_shuffle`, `multinomial`), and every Keras 3 random draw (dropout
layers, initializers, `keras.random.*`) by a few backend functions. Each is replaced here by the
stateless op of the same distribution, the one both TensorFlow and Keras use for stateless
draws, so equal seeds give equal numbers on both sides, in a TF1 graph as in a `tf.function`.

The seed is asked at run time (a `numpy_function` in graphs, at once in eager code) from a
`SeedSource`, with the op's `Site` and the shape being drawn, so that it can depend on how many
times the op has run. TensorFlow's `DeterministicRandomTestTool` (tf-keras) gives each op a seed
by creation order and leaves the advancing to the stateful kernel; that cannot follow one TF1 op
into the several traced copies a migration makes of it, nor reach Keras 3's stateless draws.

Candidate samplers (`tf.nn.nce_loss` and `tf.nn.sampled_softmax_loss` sample their negative
classes with the log-uniform one by default) have no stateless op: the uniform and log-uniform
samplers are replaced by a NumPy version of TensorFlow's kernel (`range_sampler.cc`: the same
distribution, the same draw-until-unique loop and expected counts) drawing from the harness's
seed.

`tf.data` shuffles are pinned rather than replaced: the k-th `Dataset.shuffle` a process makes
shuffles with the seeds (harness seed, k) and the same order at every pass. Unpinned, a TF1
iterator initialised again and a TF 2 iterator passing again each draw an order of their own;
pinned, both sides see the same batches, and a rewrite that dropped or moved a shuffle still
shows in the numbers.

Not covered (left to the program's own generator): the unigram candidate samplers, `RandomGamma`, `RandomPoisson`,
`ParameterizedTruncatedNormal`, `tf.random.Generator`, queue input pipelines
(`tf.train.shuffle_batch`), and Keras 3's `gamma`, `binomial` and `beta`.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import sys
import threading
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

UNIFORM = "uniform"
UNIFORM_INT = "uniform_int"
NORMAL = "normal"
TRUNCATED_NORMAL = "truncated_normal"
SHUFFLE = "shuffle"
MULTINOMIAL = "multinomial"
UNIFORM_CANDIDATES = "uniform_candidates"
LOG_UNIFORM_CANDIDATES = "log_uniform_candidates"

EAGER = "eager"
FUNCTION = "function"
INITIALIZER = "initializer"
GRAPH = "graph"

_KERAS_RANDOM = "keras.src.backend.tensorflow.random"
_SHUFFLE_SEED_RANGE = 2**31 - 1


@dataclass(frozen=True)
class Site:
    """One random op as created: its creation order in this process, what it draws, and where.

    `mode` is `graph` (a TF1 graph), `function` (traced into a `tf.function`), `initializer`
    (traced as a variable's initial value, which runs once, before the function, if at all) or
    `eager`. For a traced op, `rank` is its creation order among the ops of the same kind and
    dtype traced into the same outermost function graph, `graph` that graph's number."""

    ordinal: int
    kind: str
    dtype: str
    mode: str
    graph: int = 0
    rank: int = 0


class SeedSource(Protocol):
    def seed(self, site: Site, shape: tuple[int, ...]) -> tuple[int, int]:
        """The stateless seed of one draw of `site` with this shape."""


class RandomOps:
    """Installs the replacements; `sites` lists every random op created since."""

    def __init__(self, tf: Any, source: SeedSource, seed: int = 0) -> None:
        self._tf = tf
        self._source = source
        self._seed = seed
        self._shuffles = 0
        self._shuffle_lock = threading.Lock()
        self._lock = threading.Lock()
        self.sites: list[Site] = []
        self._ranks: dict[tuple[int, str, str], int] = {}
        self._graph_numbers: dict[int, tuple[Any, int]] = {}
        self._pending = threading.local()

    # --- sites and seeds ---------------------------------------------------------------------
    def _site(self, kind: str, dtype: Any) -> Site:
        from tensorflow.python.framework import ops

        name = self._tf.as_dtype(dtype).name
        graph = ops.get_default_graph()
        with self._lock:
            ordinal = len(self.sites)
            if self._tf.executing_eagerly():
                site = Site(ordinal, kind, name, EAGER)
            elif getattr(graph, "building_function", False) and "Initializer" in graph.get_name_scope().split("/"):
                site = Site(ordinal, kind, name, INITIALIZER)
            elif getattr(graph, "building_function", False):
                number = self._graph_number(_outermost_function_graph(graph))
                key = (number, kind, name)
                rank = self._ranks.get(key, 0)
                self._ranks[key] = rank + 1
                site = Site(ordinal, kind, name, FUNCTION, number, rank)
            else:
                site = Site(ordinal, kind, name, GRAPH)
            self.sites.append(site)
        return site

    def _graph_number(self, graph: Any) -> int:
        # Keyed by id, with the graph kept alive, so that a number is never reused.
        entry = self._graph_numbers.get(id(graph))
        if entry is None:
            entry = (graph, len(self._graph_numbers) + 1)
            self._graph_numbers[id(graph)] = entry
        return entry[1]

    def seed_tensor(self, kind: str, dtype: Any, shape: Any) -> Any:
        """An int64 [2] seed for one op: computed now in eager code, at each run in a graph."""
        tf = self._tf
        site = self._site(kind, dtype)
        shape_tensor = tf.cast(tf.convert_to_tensor(shape), tf.int64)
        if tf.executing_eagerly():
            return tf.constant(self._source.seed(site, tuple(int(d) for d in shape_tensor.numpy())), tf.int64)

        def draw(shape_value: Any) -> Any:
            return np.asarray(self._source.seed(site, tuple(int(d) for d in np.ravel(shape_value))), np.int64)

        seed = tf.numpy_function(draw, [shape_tensor], tf.int64, stateful=True, name="harness_random_seed")
        seed.set_shape([2])
        return seed

    # --- TensorFlow --------------------------------------------------------------------------
    def install(self) -> None:
        from tensorflow.python.ops import gen_candidate_sampling_ops, gen_random_ops

        for generated, replacements in (
            (gen_random_ops, self._tensorflow_replacements()),
            (gen_candidate_sampling_ops, self._candidate_samplers()),
        ):
            originals = {name: getattr(generated, name) for name in replacements}
            for module in list(sys.modules.values()):
                if not isinstance(module, types.ModuleType) or not module.__name__.startswith("tensorflow.python.ops"):
                    continue
                for name, original in originals.items():
                    if module.__dict__.get(name) is original:
                        setattr(module, name, replacements[name])
        self._pin_dataset_shuffles()
        if _KERAS_RANDOM in sys.modules:
            self._patch_keras(sys.modules[_KERAS_RANDOM])
        else:
            sys.meta_path.insert(0, _AfterImport(_KERAS_RANDOM, self._patch_keras))

    def _tensorflow_replacements(self) -> dict[str, Callable[..., Any]]:
        from tensorflow.python.ops import array_ops, sort_ops, stateless_random_ops

        tf = self._tf

        def random_uniform(shape: Any, dtype: Any, seed: int = 0, seed2: int = 0, name: Any = None) -> Any:
            seeds = self.seed_tensor(UNIFORM, dtype, shape)
            return stateless_random_ops.stateless_random_uniform(shape, seeds, dtype=dtype, name=name)

        def random_standard_normal(shape: Any, dtype: Any, seed: int = 0, seed2: int = 0, name: Any = None) -> Any:
            seeds = self.seed_tensor(NORMAL, dtype, shape)
            return stateless_random_ops.stateless_random_normal(shape, seeds, dtype=dtype, name=name)

        def truncated_normal(shape: Any, dtype: Any, seed: int = 0, seed2: int = 0, name: Any = None) -> Any:
            seeds = self.seed_tensor(TRUNCATED_NORMAL, dtype, shape)
            return stateless_random_ops.stateless_truncated_normal(shape, seeds, dtype=dtype, name=name)

        def random_uniform_int(
            shape: Any, minval: Any, maxval: Any, seed: int = 0, seed2: int = 0, name: Any = None
        ) -> Any:
            minval = tf.convert_to_tensor(minval)
            seeds = self.seed_tensor(UNIFORM_INT, minval.dtype, shape)
            return stateless_random_ops.stateless_random_uniform(
                shape, seeds, minval=minval, maxval=maxval, dtype=minval.dtype, name=name
            )

        def random_shuffle(value: Any, seed: int = 0, seed2: int = 0, name: Any = None) -> Any:
            # Keras 3's shuffle: the order that sorts one uniform draw per row.
            value = tf.convert_to_tensor(value)
            rows = array_ops.shape(value, out_type=tf.int64)[:1]
            seeds = self.seed_tensor(SHUFFLE, tf.float32, rows)
            order = sort_ops.argsort(stateless_random_ops.stateless_random_uniform(rows, seeds))
            return array_ops.gather(value, order, name=name)

        def multinomial(
            logits: Any, num_samples: Any, seed: int = 0, seed2: int = 0, output_dtype: Any = tf.int64, name: Any = None
        ) -> Any:
            logits = tf.convert_to_tensor(logits)
            shape = tf.stack([tf.shape(logits, out_type=tf.int64)[0], tf.cast(num_samples, tf.int64)])
            seeds = self.seed_tensor(MULTINOMIAL, logits.dtype, shape)
            return stateless_random_ops.stateless_categorical(logits, num_samples, seeds, dtype=output_dtype, name=name)

        return {
            "random_uniform": random_uniform,
            "random_standard_normal": random_standard_normal,
            "truncated_normal": truncated_normal,
            "random_uniform_int": random_uniform_int,
            "random_shuffle": random_shuffle,
            "multinomial": multinomial,
        }

    def _candidate_samplers(self) -> dict[str, Callable[..., Any]]:
        tf = self._tf

        def sampler(kind: str) -> Callable[..., Any]:
            def sample(
                true_classes: Any,
                num_true: int,
                num_sampled: int,
                unique: bool,
                range_max: int,
                seed: int = 0,
                seed2: int = 0,
                name: Any = None,
            ) -> Any:
                true_classes = tf.convert_to_tensor(true_classes, tf.int64)
                seeds = self.seed_tensor(kind, tf.int64, [num_sampled])

                def draw(seed_value: Any, classes: Any) -> tuple[Any, Any, Any]:
                    return sample_candidates(kind, seed_value, classes, num_sampled, unique, range_max)

                sampled, true_expected, sampled_expected = tf.numpy_function(
                    draw, [seeds, true_classes], [tf.int64, tf.float32, tf.float32], stateful=True, name=name
                )
                sampled.set_shape([num_sampled])
                true_expected.set_shape(true_classes.shape)
                sampled_expected.set_shape([num_sampled])
                return sampled, true_expected, sampled_expected

            return sample

        return {
            "uniform_candidate_sampler": sampler(UNIFORM_CANDIDATES),
            "log_uniform_candidate_sampler": sampler(LOG_UNIFORM_CANDIDATES),
        }

    def _pin_dataset_shuffles(self) -> None:
        from tensorflow.python.data.ops import shuffle_op

        tf = self._tf
        original = shuffle_op._shuffle
        seeds_module = shuffle_op.random_seed

        def pinned_shuffle(
            input_dataset: Any, buffer_size: Any, seed: Any = None, reshuffle_each_iteration: Any = True, name: Any = None
        ) -> Any:
            # Both seeds are given: TF1 would pair an op seed with the graph's own seed, which a
            # program's `tf.Graph()` leaves unset where the TF 2 side has the global one.
            with self._shuffle_lock:
                number = self._shuffles
                self._shuffles += 1
                pair = (tf.constant(self._seed % _SHUFFLE_SEED_RANGE, tf.int64), tf.constant(number + 1, tf.int64))
                shuffle_op.random_seed = types.SimpleNamespace(get_seed=lambda _seed: pair)
                try:
                    return original(input_dataset, buffer_size, None, False, name)
                finally:
                    shuffle_op.random_seed = seeds_module

        shuffle_op._shuffle = pinned_shuffle

    # --- Keras 3 -----------------------------------------------------------------------------
    def _patch_keras(self, module: types.ModuleType) -> None:
        """Keras' own functions run unchanged; only the seed they draw is the harness's."""
        tf = self._tf
        original_draw = module.draw_seed
        pending = self._pending

        def draw_seed(seed: Any) -> Any:
            request = getattr(pending, "request", None)
            if request is None:  # a kind the harness does not align (gamma, binomial, beta)
                return original_draw(seed)
            pending.request = None
            return self.seed_tensor(*request)

        def rows(tensor: Any, axis: int = 0) -> Any:
            return tf.shape(tensor, out_type=tf.int64)[axis : axis + 1]

        def samples(logits: Any, count: Any) -> Any:
            return tf.stack([tf.shape(logits, out_type=tf.int64)[0], tf.cast(count, tf.int64)])

        def int_kind(dtype: Any) -> Any:
            return dtype if tf.as_dtype(dtype).name in ("int32", "int64") else "int64"

        # What each function draws: kind, dtype and shape, from its bound arguments.
        describe: dict[str, Callable[[dict[str, Any]], tuple[str, Any, Any]]] = {
            "uniform": lambda a: (UNIFORM, a["dtype"] or module.floatx(), a["shape"]),
            "normal": lambda a: (NORMAL, a["dtype"] or module.floatx(), a["shape"]),
            "truncated_normal": lambda a: (TRUNCATED_NORMAL, a["dtype"] or module.floatx(), a["shape"]),
            "randint": lambda a: (UNIFORM_INT, int_kind(a["dtype"]), a["shape"]),
            "dropout": lambda a: (
                UNIFORM,
                tf.convert_to_tensor(a["inputs"]).dtype,
                module._get_concrete_noise_shape(a["inputs"], a["noise_shape"]),
            ),
            "shuffle": lambda a: (SHUFFLE, tf.float32, rows(a["x"], a["axis"])),
            "categorical": lambda a: (
                MULTINOMIAL,
                tf.convert_to_tensor(a["logits"]).dtype,
                samples(a["logits"], a["num_samples"]),
            ),
        }
        for name, what in describe.items():
            setattr(module, name, self._keras_wrapper(getattr(module, name), what))
        setattr(module, "draw_seed", draw_seed)  # noqa: B010  # a module mypy cannot see into

    def _keras_wrapper(
        self, function: Callable[..., Any], describe: Callable[[dict[str, Any]], tuple[str, Any, Any]]
    ) -> Callable[..., Any]:
        signature = inspect.signature(function)
        pending = self._pending

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            pending.request = describe(bound.arguments)
            try:
                return function(*args, **kwargs)
            finally:
                pending.request = None

        return wrapper


def sample_candidates(
    kind: str, seed: Any, true_classes: Any, num_sampled: int, unique: bool, range_max: int
) -> tuple[Any, Any, Any]:
    """One draw of a candidate sampler, as TensorFlow's `RangeSampler` makes it: `num_sampled`
    classes in [0, range_max) (distinct ones if `unique`, drawn until that many are found), and
    the expected count of each true and each sampled class among the draws."""
    rng = np.random.default_rng([int(s) % 2**63 for s in np.ravel(seed)])
    log_range = np.log1p(range_max)

    def one() -> int:
        if kind == UNIFORM_CANDIDATES:
            return int(rng.integers(range_max))
        return min(int(np.exp(rng.random() * log_range)) - 1, range_max - 1)

    def probability(values: Any) -> Any:
        values = np.asarray(values, np.float64)
        if kind == UNIFORM_CANDIDATES:
            return np.full(values.shape, 1.0 / range_max)
        return np.log((values + 2.0) / (values + 1.0)) / log_range

    picked: list[int] = []
    tries = 0
    if unique:
        seen: set[int] = set()
        while len(picked) < num_sampled:
            tries += 1
            value = one()
            if value not in seen:
                seen.add(value)
                picked.append(value)
    else:
        picked = [one() for _ in range(num_sampled)]
        tries = num_sampled

    def expected(values: Any) -> Any:
        p = probability(values)
        if tries == num_sampled:
            return (p * num_sampled).astype(np.float32)
        return (-np.expm1(tries * np.log1p(-p))).astype(np.float32)

    return np.asarray(picked, np.int64), expected(true_classes), expected(picked)


def _outermost_function_graph(graph: Any) -> Any:
    while getattr(graph, "outer_graph", None) is not None and getattr(graph.outer_graph, "building_function", False):
        graph = graph.outer_graph
    return graph


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs `patch` on one module right after it is first imported."""

    def __init__(self, name: str, patch: Callable[[types.ModuleType], None]) -> None:
        self._name = name
        self._patch = patch

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self._name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        execute = loader.exec_module
        patch = self._patch

        def exec_module(module: types.ModuleType) -> None:
            execute(module)
            patch(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec
