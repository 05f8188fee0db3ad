"""Harness parts that need no TensorFlow: comparison, tolerances, pairing, the mnist stand-in
(and the reading of fetched summaries, which needs TensorFlow's Summary message)."""

from __future__ import annotations

import argparse
import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from migrate.commands.options import add_harness_options, harness_options
from migrate.findings import RunSite
from migrate.harness import HarnessOptions, Tolerance, api, compare, mnist
from migrate.harness.capture import Recorder, _summary_values
from migrate.harness.observables import compare_stdout, difference, pair_sites
from migrate.harness.random_ops import LOG_UNIFORM_CANDIDATES, UNIFORM_CANDIDATES, sample_candidates
from migrate.harness.records import HISTOGRAM, Call, SideResult, histogram_statistics
from migrate.harness.runner import _needs_legacy_keras
from migrate.harness.site_map import SiteMap


@pytest.mark.parametrize(
    ("legacy", "migrated", "tolerance", "passed"),
    [
        (1.0, 1.0 + 5e-6, Tolerance(1e-5, 0.0), True),
        (1.0, 1.0 + 5e-5, Tolerance(1e-5, 0.0), False),
        (0.0, 5e-7, Tolerance(1e-5, 1e-6), True),
        (0.0, 5e-6, Tolerance(1e-5, 1e-6), False),
        (float("nan"), float("nan"), Tolerance(1e-5, 1e-6), True),
        (1.0, float("nan"), Tolerance(1e-5, 1e-6), False),
        (3, 3, Tolerance(0.0, 0.0), True),
        (3, 4, Tolerance(0.0, 0.0), False),
    ],
    ids=["within-rtol", "past-rtol", "within-atol", "past-atol", "nan-both", "nan-one", "int-equal", "int-differs"],
)
def test_difference_under_tolerance(legacy: float, migrated: float, tolerance: Tolerance, passed: bool) -> None:
    assert difference(np.asarray(legacy), np.asarray(migrated), tolerance).passed is passed


def test_shape_mismatch_fails_with_reason() -> None:
    diff = difference(np.zeros((2, 1)), np.zeros((1, 2)), Tolerance(1.0, 1.0))
    assert not diff.passed and math.isinf(diff.max_abs) and "shape" in diff.reason


VALUES = np.linspace(-1.0, 2.0, 50, dtype=np.float32)


@pytest.mark.parametrize(
    ("migrated", "passed"),
    [
        (VALUES, True),
        (VALUES * (1 + 1e-7), True),
        (VALUES * 2, False),
        (VALUES[:-1], False),
        (VALUES + 0.01, False),
        (histogram_statistics(VALUES), True),
        (np.asarray(b"not numbers"), False),
    ],
    ids=["same-values", "rounding", "doubled", "one-value-fewer", "shifted", "two-summaries", "bytes"],
)
def test_histogram_summary_compares_with_the_values_it_summarises(migrated: object, passed: bool) -> None:
    legacy = histogram_statistics(VALUES)
    assert legacy.dtype == HISTOGRAM
    assert difference(legacy, migrated, Tolerance(1e-5, 1e-6)).passed is passed


@pytest.mark.tensorflow
def test_fetched_summary_stands_for_its_scalars_and_histograms() -> None:
    import tensorflow as tf

    v1 = tf.compat.v1
    histogram = v1.HistogramProto(min=-1.0, max=2.0, num=50.0, sum=12.5, sum_squares=75.0)
    summary = v1.Summary(
        value=[v1.Summary.Value(tag="y", histo=histogram), v1.Summary.Value(tag="loss", simple_value=0.0)]
    )
    serialized = summary.SerializeToString()
    assert serialized.endswith(b"\x00")  # a scalar 0.0 last: NumPy's bytes dtype would cut these
    stats, loss = _summary_values(serialized, v1)
    assert stats.dtype == HISTOGRAM and stats.item() == (-1.0, 2.0, 50.0, 12.5, 75.0)
    assert loss.dtype == np.float32 and loss == 0.0
    image = v1.Summary(value=[v1.Summary.Value(tag="i", image=v1.Summary.Image(height=1))]).SerializeToString()
    assert [value.item() for value in _summary_values(image, v1)] == [image]


def test_default_tolerances_per_dtype() -> None:
    options = HarnessOptions()
    assert options.tolerance("float32") == Tolerance(1e-5, 1e-6)
    assert options.tolerance("int64") == Tolerance(0.0, 0.0)
    changed = options.with_tolerance("float32", rtol=1e-3)
    assert changed.tolerance("float32") == Tolerance(1e-3, 1e-6)
    assert options.tolerance("float32") == Tolerance(1e-5, 1e-6)


@pytest.mark.parametrize(
    ("legacy", "migrated", "passed", "first"),
    [
        ("step 0 loss 0.123456\n", "step 0 loss 0.123457\n", True, None),  # one unit of print rounding
        ("step 0 loss 0.123456\n", "step 0 loss 0.123470\n", False, 1),
        ("a\nstep 1 loss 2.5\n", "b\nstep 2 loss 2.5\n", False, 2),  # integers are exact
        ("W [[2.9999897]] b [2.0000052]\n", "W [[2.9999897]] b [2.0000052]\n", True, None),
        ("loss 1.0\nloss 2.0\n", "loss 1.0\n", False, 2),
    ],
    ids=["print-rounding", "real-change", "integer-step", "numpy-arrays", "missing-line"],
)
def test_stdout_numbers(legacy: str, migrated: str, passed: bool, first: int | None) -> None:
    observable = compare_stdout(legacy, migrated, HarnessOptions())
    assert observable.passed is passed
    assert observable.first_divergence == first


def test_stdout_lines_the_options_ignore_are_not_compared() -> None:
    legacy = "epoch 0 loss 0.5\nTook: 31.5 seconds\nw 2.0\n"
    migrated = "epoch 0 loss 0.5\nTook: 75.7 seconds\nw 2.0\n"
    assert not compare_stdout(legacy, migrated, HarnessOptions()).passed
    observable = compare_stdout(legacy, migrated, HarnessOptions(ignore_stdout=(r"^Took:",)))
    assert observable.passed
    assert observable.detail == "2 lines with numbers"
    changed = migrated.replace("w 2.0", "w 2.5")
    assert not compare_stdout(legacy, changed, HarnessOptions(ignore_stdout=(r"^Took:",))).passed


def test_ignore_stdout_option_is_checked_and_repeatable() -> None:
    parser = argparse.ArgumentParser()
    add_harness_options(parser)
    args = parser.parse_args(["--ignore-stdout", "^Took", "--ignore-stdout", "seconds$"])
    assert harness_options(args).ignore_stdout == ("^Took", "seconds$")
    with pytest.raises(SystemExit):
        parser.parse_args(["--ignore-stdout", "(unclosed"])


def _result(*sites: tuple[str, int]) -> SideResult:
    return SideResult(calls=[Call(site, [np.float32(1.0)] * count) for site, count in sites])


def test_pairing_by_run_sites_groups_lines_of_one_function() -> None:
    legacy = _result(("line 10", 0), ("line 12", 1), ("line 20", 1), ("line 12", 1))
    migrated = _result(("step", 1), ("evaluate", 1))
    sites = (RunSite(12, "step"), RunSite(20, "step"), RunSite(25, ""))
    pairing = pair_sites(legacy, migrated, sites)
    assert pairing.method == "run-sites"
    assert pairing.pairs == ((("line 12", "line 20"), "step"),)
    assert pairing.unpaired_legacy == ("line 10",)
    assert pairing.unpaired_migrated == ("evaluate",)


def test_pairing_falls_back_to_order_without_records() -> None:
    legacy = _result(("line 10", 0), ("line 12", 2), ("line 30", 1))
    migrated = _result(("train_step", 1), ("accuracy", 1))
    pairing = pair_sites(legacy, migrated, ())
    assert pairing.method == "order"
    assert pairing.pairs == ((("line 12",), "train_step"), (("line 30",), "accuracy"))
    assert "order" in pairing.note


def test_mnist_stand_in_api() -> None:
    data = mnist.read_data_sets("/nonexistent", one_hot=True, seed=3)
    assert data.train.images.shape == (5500, 784) and data.train.images.dtype == np.float32
    assert data.train.labels.shape == (5500, 10) and data.train.labels.dtype == np.float64  # TF1's one-hot rows
    assert data.validation.num_examples == 5000 and data.test.num_examples == 1000
    assert 0.0 <= data.train.images.min() and data.train.images.max() <= 1.0
    images, labels = data.train.next_batch(100)
    assert images.shape == (100, 784) and np.all(labels.sum(axis=1) == 1)
    again = mnist.read_data_sets("elsewhere", one_hot=True, seed=3)
    assert np.array_equal(again.train.next_batch(100)[0], images)  # deterministic across calls
    dense = mnist.read_data_sets("", one_hot=False, reshape=False)
    assert dense.test.images.shape == (1000, 28, 28, 1) and dense.test.labels.dtype == np.uint8


def test_mnist_stand_in_shuffles_as_tf1() -> None:
    """TF1 reseeded NumPy's global generator as each data set was made and shuffled with it."""
    data = mnist.read_data_sets("", validation_size=0, seed=11)
    (train_images, _), _ = mnist.load_data()
    order = np.arange(len(train_images))
    np.random.RandomState(11).shuffle(order)
    first, _ = data.train.next_batch(10)
    assert np.array_equal(first, train_images[order[:10]].reshape(10, 784) * np.float32(1.0 / 255.0))


def test_mnist_batches_wrap_epochs() -> None:
    train = mnist.read_data_sets("").train
    seen = 0
    while train.epochs_completed == 0:
        batch, _ = train.next_batch(512)
        assert len(batch) == 512
        seen += 512
    assert seen >= train.num_examples


def test_mnist_classes_are_learnable() -> None:
    data = mnist.read_data_sets("", one_hot=False)
    means = np.stack([data.train.images[data.train.labels == k].mean(axis=0) for k in range(10)])
    nearest = np.argmin(((data.test.images[:, None, :] - means[None]) ** 2).sum(axis=2), axis=1)
    assert (nearest == data.test.labels).mean() > 0.9


def test_compare_names_one_thing() -> None:
    # With a submodule of the same name, `migrate.harness.compare` is the function or the module
    # depending on what was imported last.
    assert callable(compare)
    assert importlib.util.find_spec("migrate.harness.compare") is None


def test_a_graph_mode_model_module_the_program_imports_needs_tf_keras(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text("import tensorflow as tf\nDENSE = tf.compat.v1.layers.dense\n")
    (tmp_path / "unrelated.py").write_text("import tensorflow as tf\nDENSE = tf.compat.v1.layers.dense\n")
    (tmp_path / "train.py").write_text("import tensorflow as tf\nfrom model import DENSE\n")
    (tmp_path / "eager.py").write_text("import tensorflow as tf\nimport numpy\n")
    assert _needs_legacy_keras(tmp_path / "train.py")
    assert not _needs_legacy_keras(tmp_path / "eager.py")


def test_a_line_recorded_for_several_functions_belongs_to_none() -> None:
    # The rewriter moved the methods that ran these, and placed their records on one line.
    sites = SiteMap.from_records([(68, "predict"), (68, "update"), (70, ""), (75, "train_step")])
    assert sites.function("line 68") is None
    assert sites.function("line 70") is None
    assert sites.function("line 75") == "train_step"
    assert sites.functions() == frozenset({"train_step"})


def test_migrated_steps_count_only_functions_some_legacy_run_became() -> None:
    recorder = Recorder(2, counted=frozenset({"train_step"}))
    assert not any(recorder.record("predict", []) for _ in range(5))
    assert not recorder.record("train_step", [])
    assert recorder.record("train_step", [])
    assert recorder.stop_reason == "stopped after call 2 of train_step (--steps 2)"


def test_sites_keep_the_methods_of_project_modules_the_program_imports(tmp_path: Path) -> None:
    """The harness records the calls of a converted model class's methods in `model.py`: the
    sites that became them stay paired (else pairing falls back to order of first use, which a
    plain variable read between two runs throws off)."""
    (tmp_path / "model.py").write_text(
        "import tensorflow as tf\n\nclass Model(tf.Module):\n    @tf.function\n    def compute_loss(self):\n"
        "        return 1.0\n"
    )
    script = "from model import Model\nimport numpy\n\nmodel = Model()\nprint(model.compute_loss())\n"
    sites = (RunSite(5, "compute_loss"), RunSite(6, ""), RunSite(7, "helper_of_a_package"))
    kept = api.sites_defined_in(sites, script, tmp_path)
    assert [site.function for site in kept] == ["compute_loss", "", ""]
    assert [site.function for site in api.sites_defined_in(sites, script)] == ["", "", ""]


@pytest.mark.tensorflow
@pytest.mark.parametrize("unique", [True, False], ids=["unique", "with-repeats"])
@pytest.mark.parametrize("kind", [LOG_UNIFORM_CANDIDATES, UNIFORM_CANDIDATES])
def test_candidate_sampler_counts_as_tensorflows_kernel(kind: str, unique: bool) -> None:
    """The expected counts of the harness's sampler follow TensorFlow's formulas: TensorFlow's
    own draws, read back through them, give one whole number of tries for every class. A
    unique draw that found its classes without a repeat counts as `p * num_sampled`, as the
    kernel's `ExpectedCountHelper` does; the seeds are fixed so both cases are met."""
    import tensorflow as tf

    true_classes = np.array([[3], [7]], np.int64)
    sampler = tf.random.log_uniform_candidate_sampler
    if kind == UNIFORM_CANDIDATES:
        sampler = tf.random.uniform_candidate_sampler
    draws = [sample_candidates(kind, np.array([5, seed]), true_classes, 20, unique, 50) for seed in range(20)]
    draws += [[t.numpy() for t in sampler(true_classes, 1, 20, unique, 50, seed=seed)] for seed in range(20)]
    tries_seen = set()
    for sampled, true_expected, sampled_expected in draws:
        assert sampled.shape == (20,) and true_expected.shape == (2, 1) and sampled_expected.shape == (20,)
        assert ((0 <= sampled) & (sampled < 50)).all()
        if unique:
            assert len(set(sampled.tolist())) == 20
        classes = np.concatenate([sampled, true_classes.ravel()]).astype(np.float64)
        counts = np.concatenate([sampled_expected, true_expected.ravel()]).astype(np.float64)
        if kind == LOG_UNIFORM_CANDIDATES:
            probability = np.log((classes + 2) / (classes + 1)) / np.log(51)
        else:
            probability = np.full(classes.shape, 1 / 50)
        if np.allclose(counts, probability * 20, rtol=1e-5):
            tries_seen.add(20)
            continue
        assert unique
        tries = int(np.round(np.median(np.log1p(-counts) / np.log1p(-probability))))
        assert tries > 20
        assert np.allclose(counts, -np.expm1(tries * np.log1p(-probability)), rtol=1e-5, atol=1e-6)
        tries_seen.add(tries)
    assert len(tries_seen) > 1 if unique else tries_seen == {20}


def test_log_uniform_candidates_follow_their_distribution() -> None:
    no_classes = np.zeros((1, 1), np.int64)
    first = [
        sample_candidates(LOG_UNIFORM_CANDIDATES, np.array([i, 1]), no_classes, 1, False, 50)[0][0]
        for i in range(4000)
    ]
    frequencies = np.bincount(first, minlength=50) / len(first)
    probability = np.log((np.arange(50) + 2) / (np.arange(50) + 1)) / np.log(51)
    assert np.abs(frequencies - probability).max() < 0.03
    # Another seed, another draw; the same seed, the same one.
    draw, again, other = (
        sample_candidates(LOG_UNIFORM_CANDIDATES, np.array(seed), no_classes, 10, True, 50)[0]
        for seed in ([1, 2], [1, 2], [1, 3])
    )
    assert (draw == again).all() and not (draw == other).all()
