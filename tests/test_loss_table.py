"""TFM113's table against the installed TensorFlow: TF1 signatures as written, TF 2 targets that
exist and that the table-driven rules leave alone, and the losses computing TF1's numbers."""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pytest

from migrate import rewrite_source
from migrate.transforms import loss_table

pytestmark = pytest.mark.tensorflow


@pytest.mark.parametrize("target", sorted(loss_table.all_targets()))
def test_target_exists_in_tf2(target: str) -> None:
    obj: object = importlib.import_module("tensorflow")
    for part in target.split("."):
        obj = getattr(obj, part)
    assert obj is not None


@pytest.mark.parametrize("target", sorted(loss_table.all_targets()))
def test_target_is_a_fixed_point_of_the_table_rules(target: str) -> None:
    source = f"import tensorflow as tf\n\ny = tf.{target}\n"
    result = rewrite_source(source, select=["TFM101", "TFM102"])
    assert result.error is None and result.code == source


def test_reductions_are_tf1s() -> None:
    reduction = importlib.import_module("tensorflow").compat.v1.losses.Reduction
    members = {name: getattr(reduction, name) for name in dir(reduction) if name.isupper()}
    assert members == dict(loss_table.REDUCTION_VALUES)


@pytest.mark.parametrize(
    ("reduction", "converted"),
    [
        ("tf.losses.Reduction.NONE", "loss = tf.math.squared_difference("),
        ("tf.compat.v1.losses.Reduction.SUM", "loss = tf.reduce_sum(tf.math.squared_difference("),
        ("tf.losses.Reduction.SUM_OVER_NONZERO_WEIGHTS", "loss = tf.reduce_mean(tf.math.squared_difference("),
        ("reduction", None),
    ],
    ids=["none", "sum-through-compat-v1", "mean-by-nonzero-weights", "unknown"],
)
def test_reductions_read_by_name(reduction: str, converted: str | None) -> None:
    source = (
        "import tensorflow as tf\n\ntf.enable_eager_execution()\n"
        f"loss = tf.losses.mean_squared_error(labels, predictions, reduction={reduction})\n"
    )
    result = rewrite_source(source, select=["TFM113"])
    if converted is None:
        assert [f.code for f in result.findings] == ["TFM114"]
    else:
        assert converted in result.code and not result.findings, result.code


@pytest.mark.parametrize("name", sorted(loss_table.PURE_FUNCTIONS))
def test_pure_functions_are_tf1_functions(name: str) -> None:
    obj: object = importlib.import_module("tensorflow").compat.v1
    for part in name.split(".")[1:]:
        obj = getattr(obj, part)
    assert callable(obj)


@pytest.mark.parametrize("name", sorted(loss_table.LOSSES))
def test_parameters_are_tf1s(name: str) -> None:
    tf = importlib.import_module("tensorflow")
    function = getattr(tf.compat.v1.losses, name.rsplit(".", 1)[1])
    loss = loss_table.LOSSES[name]
    assert tuple(inspect.signature(function).parameters) == loss.params
    assert {loss.labels, loss.predictions} <= set(loss.params)
    defaults = {p.name: p.default for p in inspect.signature(function).parameters.values()}
    for param, value in loss_table.DEFAULTS.items():
        if param in defaults:
            assert defaults[param] == value


# Each case: the lines before the call and its arguments. Sparse labels convert when their rank
# is visible (a placeholder declared one dimension wide), and so does the Huber loss (an operand
# of rank 1 or more); log_loss reads probabilities.
_CLASSES = "classes = tf.placeholder(tf.int32, [None])\n"
_RANK_2 = "labels = tf.placeholder(tf.float32, [None, 4])\n"
_CASES = {
    "absolute_difference": ("", "labels, predictions"),
    "hinge_loss": ("", "labels, predictions"),
    "hinge_loss-binary-labels": ("", "binary, predictions"),
    "huber_loss": (_RANK_2, "labels, predictions"),
    "huber_loss-delta": (_RANK_2, "labels, predictions, delta=0.3"),
    "huber_loss-keywords-reversed": (_RANK_2, "predictions=predictions, labels=labels, delta=2.5"),
    "log_loss": ("", "labels, probabilities"),
    "log_loss-epsilon": ("", "binary, probabilities, epsilon=1e-3"),
    "log_loss-of-a-sigmoid": ("", "labels, tf.sigmoid(predictions * 2.0)"),
    "mean_squared_error": ("", "labels, predictions"),
    "mean_squared_error-summed": ("", "labels, predictions, reduction='weighted_sum'"),
    "sigmoid_cross_entropy-not-reduced": ("", "labels, predictions, reduction='none'"),
    "huber_loss-weighted-mean": (_RANK_2, "labels, predictions, reduction='weighted_mean'"),
    "absolute_difference-over-batch-size": ("", "labels, predictions, reduction='weighted_sum_over_batch_size'"),
    "sigmoid_cross_entropy": ("", "labels, predictions"),
    "softmax_cross_entropy": ("", "labels, predictions"),
    "sparse_softmax_cross_entropy": (_CLASSES, "classes, predictions"),
}


def test_every_loss_has_a_computed_case() -> None:
    assert {name.rsplit(".", 1)[1] for name in loss_table.LOSSES} == {case.split("-")[0] for case in _CASES}


@pytest.mark.parametrize("case", sorted(_CASES))
def test_converted_call_computes_tf1s_loss_and_gradient(case: str) -> None:
    # The rewrite of `loss = <TF1 loss>(...)` in an eager program, run on the same tensors as
    # TF1's own function: the loss and its gradient agree.
    tf = importlib.import_module("tensorflow")
    function = case.split("-")[0]
    setup, arguments = _CASES[case]
    source = f"import tensorflow as tf\n\ntf.enable_eager_execution()\n{setup}"
    source += f"loss = tf.losses.{function}({arguments})\n"
    result = rewrite_source(source, select=["TFM113"])
    assert result.error is None and "losses." not in result.code.replace("keras.losses.", ""), result.code
    expression = result.code.splitlines()[-1].split(" = ", 1)[1]
    random = np.random.default_rng(0)
    predictions = tf.Variable(random.normal(size=(6, 4)).astype(np.float32))
    values = {
        "labels": tf.constant(random.uniform(size=(6, 4)).astype(np.float32)),
        "binary": tf.constant(random.integers(0, 2, size=(6, 4)).astype(np.float32)),
        "classes": tf.constant(random.integers(0, 4, size=6).astype(np.int32)),
    }
    tf1 = getattr(tf.compat.v1.losses, function)
    with tf.GradientTape(persistent=True) as tape:
        values["predictions"] = predictions
        values["probabilities"] = tf.sigmoid(predictions)
        expected = eval(f"tf1({arguments})", {"tf1": tf1, "tf": tf, **values})
        actual = eval(expression, {"tf": tf, **values})
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual.numpy(), expected.numpy(), rtol=1e-6)
    np.testing.assert_allclose(
        tape.gradient(actual, predictions).numpy(), tape.gradient(expected, predictions).numpy(), rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        ("tf.losses.log_loss(labels, tf.random_uniform([4]))", "reads twice"),
        ("tf.losses.log_loss(labels, probabilities, epsilon=small())", "reads twice"),
        ("tf.losses.huber_loss(labels, predictions)", "rank 1 or more"),
        ("tf.losses.hinge_loss(labels, logits, scope=name)", "scope= given"),
        ("tf.losses.huber_loss(rows, predictions, weights=mask)", "weights= given"),
    ],
    ids=["log-loss-of-a-random-draw", "log-loss-computed-epsilon", "huber-of-unseen-rank", "scope-not-a-string",
         "weights"],
)
def test_calls_the_forms_cannot_take_are_left_with_why(call: str, reason: str) -> None:
    rows = "rows = tf.placeholder(tf.float32, [None])\n"
    source = f"import tensorflow as tf\n\n{rows}loss = {call}\nsess = tf.Session()\n"
    result = rewrite_source(source, select=["TFM113"])
    assert f"loss = {call}\n" in result.code
    assert [f.code for f in result.findings] == ["TFM114"] and reason in result.findings[0].message


@pytest.mark.parametrize(
    ("labels", "converted"),
    [
        ("tf.placeholder(tf.int64, [None])", True),
        ("tf.placeholder(tf.int32, shape=(batch,))", True),
        ("tf.argmax(tf.placeholder(tf.float32, [None, 10]), 1)", True),
        ("tf.argmax(tf.placeholder(tf.float32, [None, 10]), axis=1)", True),
        ("tf.placeholder(tf.int64, [None, 1])", False),  # TF1 squeezes it; TF 2 would raise
        ("tf.placeholder(tf.int64)", False),
        ("tf.argmax(scores, 1)", False),
        ("iterator.get_next()", False),
    ],
    ids=["rank-1", "rank-1-tuple", "argmax-of-rank-2", "argmax-axis-keyword", "rank-2", "unknown-shape",
         "argmax-of-unknown", "not-a-placeholder"],
)
def test_sparse_labels_convert_when_their_rank_is_seen_to_be_1(labels: str, converted: bool) -> None:
    body = f"labels = {labels}\nloss = tf.losses.sparse_softmax_cross_entropy(labels, logits)\nsess = tf.Session()\n"
    for source in (f"import tensorflow as tf\n\n{body}", "import tensorflow as tf\n\n\ndef main():\n" + "".join(
        f"    {line}\n" for line in body.splitlines()
    )):
        result = rewrite_source(source, select=["TFM113"])
        assert ("sparse_softmax_cross_entropy_with_logits(labels=labels" in result.code) is converted, result.code
        assert [f.code for f in result.findings] == ([] if converted else ["TFM114"])


@pytest.mark.parametrize(
    ("extra", "casts"),
    [("", 0), ("z = tf.constant(1.0, tf.float64)\n", 2), ("z = np.zeros(3, dtype='float64')\n", 2),
     ("half = 0.5\n", 2), ('"""Half of the data."""\n', 0)],
    ids=["float32-only", "tf-float64", "numpy-float64-string", "a-name-half", "a-docstring-word"],
)
def test_operands_seen_float32_go_without_casts_unless_another_float_dtype_is_named(extra: str, casts: int) -> None:
    # TF1 casts mean_squared_error's operands to float32: a cast is left out only where the
    # operand is seen to be float32 already, in a module that names no other float dtype.
    source = (
        f"import tensorflow as tf\n\n{extra}x = tf.placeholder(tf.float32, [None, 2])\n"
        "y = tf.placeholder(tf.float32, [None, 2])\nloss = tf.losses.mean_squared_error(y, x)\nsess = tf.Session()\n"
    )
    result = rewrite_source(source, select=["TFM113"])
    assert "tf.math.squared_difference(" in result.code
    assert result.code.count("tf.cast(") == casts, result.code


_AGAIN = "labels = tf.placeholder(tf.int64, [None])\n{block}\n    labels = tf.placeholder(tf.int64)\n    {{loss}}\n"


@pytest.mark.parametrize(
    ("source", "converted"),
    [
        ("labels = tf.placeholder(tf.int64, [None])\nwith tf.name_scope('loss'):\n    {loss}\n", True),
        ("with tf.Graph().as_default():\n    labels = tf.placeholder(tf.int64, [None])\n    {loss}\n", True),
        ("if __name__ == '__main__':\n    labels = tf.placeholder(tf.int64, [None])\n    {loss}\n", True),
        ("labels = tf.placeholder(tf.int64, [None])\nif __name__ == '__main__':\n    {loss}\n", True),
        ("labels = tf.placeholder(tf.int64, [None])\nfor step in range(2):\n    {loss}\n", True),
        (_AGAIN.format(block="for step in range(2):"), False),
        (_AGAIN.format(block="with tf.name_scope('loss'):"), False),
        ("labels = tf.placeholder(tf.int64, [None])\nwith tf.name_scope('loss') as scope:\n    {loss}\n", True),
        ("labels = tf.placeholder(tf.int64, [None])\nwith open_labels() as labels:\n    {loss}\n", False),
        ("labels = tf.placeholder(tf.int64, [None])\nif train:\n    {loss}\n", True),
        (_AGAIN.format(block="if train:"), False),
    ],
    ids=["with-block-reads-the-module", "with-block-binds", "main-guard-binds", "main-guard-reads-the-module",
         "loop-reads-the-module", "bound-again-in-the-loop", "bound-again-in-the-block", "scope-bound-by-with",
         "bound-by-with", "branch-reads-the-module",
         "bound-again-in-the-branch"],
)
def test_blocks_run_once_read_their_own_bindings_then_the_enclosing_ones(source: str, converted: bool) -> None:
    loss = "loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)"
    full = "import tensorflow as tf\n\n" + source.format(loss=loss) + "sess = tf.Session()\n"
    result = rewrite_source(full, select=["TFM113"])
    assert ("sparse_softmax_cross_entropy_with_logits(labels=labels" in result.code) is converted, result.code


def test_an_unreduced_log_loss_keeps_its_place_in_an_expression() -> None:
    source = "import tensorflow as tf\n\ntf.enable_eager_execution()\ny = tf.constant([1.0])\np = tf.constant([0.5])\n"
    source += "loss = 2 * tf.losses.log_loss(y, p, reduction='none')\n"
    result = rewrite_source(source, select=["TFM113"])
    assert result.code.endswith("loss = 2 * (-y * tf.math.log(p + 1e-07) - (1 - y) * tf.math.log(1 - p + 1e-07))\n")
