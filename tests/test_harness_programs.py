"""The harness on programs as people write them: files beside the script, random ops, `--steps`
over real loops, and an outcome (with its exit status) for every way a pair can end."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from migrate.cli import main
from migrate.harness import HarnessOptions, Outcome, api
from migrate.harness.report import EquivalenceReport
from migrate.support import text_of

CASES = Path(__file__).parent / "harness_cases"
FILES = CASES / "files"
OPTIONS = HarnessOptions(timeout=120)

pytestmark = [pytest.mark.tensorflow, pytest.mark.slow]


def _tree(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _compare(legacy: Path, migrated: Path, tmp_path: Path, options: HarnessOptions = OPTIONS) -> EquivalenceReport:
    return api.compare(legacy, migrated, options=options, workdir=tmp_path / "work")


def _diff(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(["diff", *argv])
    return status, capsys.readouterr().out


def test_program_reads_files_beside_it_and_writes_apart(tmp_path: Path) -> None:
    before = _tree(FILES)
    # The migration sits without the data file: it finds it in the legacy program's directory.
    report = _compare(FILES / "legacy" / "train.py", FILES / "migrated" / "train.py", tmp_path)
    assert report.outcome is Outcome.PARITY, report.format_table()
    assert report.legacy.status == report.migrated.status == "finished"
    # Both wrote outputs/, appended to data.csv and rewrote scale.txt, each in its own view.
    for run in (report.legacy, report.migrated):
        assert run.workdir is not None
        assert (run.workdir / "outputs" / "loss.txt").is_file()
        assert (run.workdir / "data.csv").read_text().endswith("# seen\n")
        assert (run.workdir / "scale.txt").read_text() == "changed\n"
    assert _tree(FILES) == before


def test_legacy_program_that_fails_on_its_own_is_not_a_mismatch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy, migrated = FILES / "legacy" / "settings_reader.py", FILES / "migrated" / "settings_reader.py"
    report = _compare(legacy, migrated, tmp_path)
    assert report.outcome is Outcome.LEGACY_FAILS
    assert "FileNotFoundError" in report.legacy.error and "settings.txt" in report.legacy.error
    assert report.migrated.status == "not_run"
    status, table = _diff(capsys, str(legacy), str(migrated))
    assert status == 3
    assert "LEGACY DOES NOT RUN" in table and "nothing compared" in table


def test_cwd_option_gives_both_programs_that_working_directory(capsys: pytest.CaptureFixture[str]) -> None:
    legacy, migrated = FILES / "legacy" / "settings_reader.py", FILES / "migrated" / "settings_reader.py"
    status, table = _diff(capsys, str(legacy), str(migrated), "--cwd", str(FILES / "elsewhere"))
    assert status == 0, table
    assert "result: PARITY" in table


def test_dropout_and_shuffle_draw_the_same_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    status, table = _diff(
        capsys, str(CASES / "dropout_legacy.py"), str(CASES / "dropout_migrated.py"), "--json", str(out)
    )
    assert status == 0, table
    payload = json.loads(out.read_text())
    assert payload["outcome"] == "parity" and payload["exit_status"] == 0
    # Two random initial weights, 30 shuffles and 30 dropout masks of the training steps, one
    # mask of the final evaluation: every migrated draw took its legacy counterpart's numbers.
    assert payload["random"] == {"aligned": True, "draws": 63, "replayed": 63, "reasons": []}
    fetched = [o for o in payload["observables"] if o["kind"] == "fetch"]
    assert {o["name"] for o in fetched} >= {"line 24 ~ compute_order #0", "line 25 ~ train_step #0"}
    assert all(o["max_abs_error"] == 0 for o in fetched)


def test_wrong_dropout_rate_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    status, table = _diff(capsys, str(CASES / "dropout_legacy.py"), str(CASES / "dropout_wrong_rate_migrated.py"))
    assert status == 1, table
    assert "result: DIFFERENT" in table
    # The shuffles do not depend on the rate: they still agree.
    assert "line 24 ~ compute_order #0  0            0            pass" in table


def test_nce_negative_classes_are_drawn_alike(tmp_path: Path) -> None:
    report = _compare(CASES / "nce_legacy.py", CASES / "nce_migrated.py", tmp_path)
    assert report.outcome is Outcome.PARITY, report.format_table()
    # Two random initial weights and the negative classes of each of the 12 steps: all aligned.
    assert report.random.replayed == report.random.draws == 14
    fetches = [o for o in report.observables if o.kind == "fetch"]
    assert fetches and all(o.max_abs == 0 for o in fetches)


def test_nce_loss_computed_otherwise_on_the_same_negatives_is_caught(tmp_path: Path) -> None:
    report = _compare(CASES / "nce_legacy.py", CASES / "nce_accidental_hits_migrated.py", tmp_path)
    assert report.outcome is Outcome.DIFFERENT, report.format_table()
    assert report.random.replayed == 14
    assert {"printed numbers", "variable nce_weights:0"} <= {o.name for o in report.failures}


def test_dataset_shuffles_are_pinned_to_one_order_on_both_sides(tmp_path: Path) -> None:
    # Unpinned, the TF1 iterator started at each epoch and the TF 2 one would each draw orders
    # of their own; pinned, a faithful migration agrees to the last bit.
    report = _compare(CASES / "shuffle_legacy.py", CASES / "shuffle_migrated.py", tmp_path)
    assert report.outcome is Outcome.PARITY, report.format_table()
    fetches = [o for o in report.observables if o.kind == "fetch"]
    assert fetches and all(o.max_abs == 0 for o in fetches)


def test_dropped_dataset_shuffle_is_caught(tmp_path: Path) -> None:
    report = _compare(CASES / "shuffle_legacy.py", CASES / "shuffle_dropped_migrated.py", tmp_path)
    assert report.outcome is Outcome.DIFFERENT, report.format_table()
    assert {"printed numbers", "variable w:0"} <= {o.name for o in report.failures}


def test_keras_dropout_layer_draws_what_tf_layers_dropout_drew(tmp_path: Path) -> None:
    report = _compare(CASES / "layers_dropout_legacy.py", CASES / "layers_dropout_migrated.py", tmp_path)
    assert report.outcome is Outcome.PARITY, report.format_table()
    assert report.random.replayed == 25  # one mask per training step; evaluation draws none


def test_without_alignment_dropout_programs_are_not_proven(tmp_path: Path) -> None:
    options = HarnessOptions(timeout=120, align_random=False)
    report = _compare(CASES / "dropout_legacy.py", CASES / "dropout_migrated.py", tmp_path, options)
    assert report.outcome is Outcome.RANDOM_NOT_ALIGNED
    assert any("RandomUniform" in reason and "alignment is off" in reason for reason in report.random.reasons)


def test_unaligned_random_op_has_its_own_status(capsys: pytest.CaptureFixture[str]) -> None:
    status, table = _diff(capsys, str(CASES / "gamma_legacy.py"), str(CASES / "gamma_migrated.py"))
    assert status == 4, table
    assert "RANDOM DRAWS NOT ALIGNED" in table and "RandomGamma" in table


def test_nothing_to_compare_has_its_own_status(capsys: pytest.CaptureFixture[str]) -> None:
    status, table = _diff(capsys, str(CASES / "nothing_legacy.py"), str(CASES / "nothing_migrated.py"))
    assert status == 5, table
    assert "NOTHING COMPARED" in table


def test_migrated_program_that_fails_is_a_mismatch(capsys: pytest.CaptureFixture[str]) -> None:
    status, table = _diff(capsys, str(CASES / "linear_legacy.py"), str(CASES / "crash_migrated.py"))
    assert status == 1
    assert "MIGRATED FAILS" in table and "fails on purpose" in table


@pytest.mark.parametrize(("steps", "last_line"), [(7, 22), (23, 26)], ids=["inside-epochs", "in-the-while-loop"])
def test_steps_cut_epoch_batch_and_while_loops_alike(tmp_path: Path, steps: int, last_line: int) -> None:
    # Five batches (computed from the data) per epoch, four epochs, then a while loop: two legacy
    # lines that one generated function replaced, counted together.
    options = HarnessOptions(timeout=120, steps=steps)
    report = _compare(CASES / "loops_legacy.py", CASES / "loops_migrated.py", tmp_path, options)
    assert report.outcome is Outcome.PARITY, report.format_table()
    assert report.legacy.status == report.migrated.status == "stopped"
    assert f"legacy stopped after call {steps} of line {last_line} (train_step)" in " ".join(report.notes)
    assert f"migrated stopped after call {steps} of train_step" in " ".join(report.notes)


def test_steps_count_the_tf_function_methods_of_the_projects_modules(tmp_path: Path) -> None:
    # The converted class keeps its train step in model.py; `--steps` stops the migrated script
    # at the same call as the legacy one, and the evaluation runs are compared.
    root = Path(__file__).parent.parent
    project = Path("shared_weights_project") / "train.py"
    options = HarnessOptions(timeout=120, steps=4)
    report = _compare(root / "legacy_examples" / project, root / "migrated_examples" / project, tmp_path, options)
    assert report.outcome is Outcome.PARITY, report.format_table()
    assert report.legacy.status == report.migrated.status == "stopped"
    assert "migrated stopped after call 4 of train_step" in " ".join(report.notes)


def test_verify_totals_each_outcome(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, output = tmp_path / "src", tmp_path / "out"
    pairs = {
        "dropout.py": ("dropout_legacy.py", "dropout_migrated.py"),
        "wrong.py": ("dropout_legacy.py", "dropout_wrong_rate_migrated.py"),
        "nothing.py": ("nothing_legacy.py", "nothing_migrated.py"),
    }
    for directory in (source, output):
        directory.mkdir()
    for name, (legacy, migrated) in pairs.items():
        (source / name).write_text((CASES / legacy).read_text())
        (output / name).write_text((CASES / migrated).read_text())
    (source / "crashes.py").write_text((FILES / "legacy" / "settings_reader.py").read_text())
    (output / "crashes.py").write_text((FILES / "migrated" / "settings_reader.py").read_text())
    status = main(["verify", str(source), str(output), "--failures-only"])
    captured = capsys.readouterr()
    assert status == 1  # one pair differs: the tree does not have parity
    assert "LEGACY FAILS  crashes.py" in captured.out and "DIFFERS  wrong.py" in captured.out
    assert (
        "4 program pairs: 1 parity, 1 legacy does not run, 1 nothing compared, 1 different" in captured.err
    ), captured.err


def _notebook(script: Path, destination: Path) -> Path:
    """`script` as a notebook: a markdown cell, a magic, and its lines split over two code cells."""
    lines = script.read_text().splitlines(keepends=True)
    half = len(lines) // 2
    while lines[half].startswith((" ", "\t")):  # not inside a block
        half += 1
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# A model\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["%matplotlib inline\n", *lines[:half]]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": lines[half:]},
    ]
    destination.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}))
    return destination


@pytest.mark.parametrize(
    ("migrated", "outcome"),
    [("linear_migrated.py", Outcome.PARITY), ("linear_wrong_lr_migrated.py", Outcome.DIFFERENT)],
    ids=["same-numbers", "another-learning-rate"],
)
def test_notebooks_run_as_the_script_of_their_cells(tmp_path: Path, migrated: str, outcome: Outcome) -> None:
    legacy = _notebook(CASES / "linear_legacy.py", tmp_path / "legacy.ipynb")
    rewritten = _notebook(CASES / migrated, tmp_path / "migrated.ipynb")
    report = _compare(legacy, rewritten, tmp_path)
    assert report.outcome is outcome, report.format_table()
    assert report.legacy.status == "finished"


def test_variables_made_after_a_kept_graph_reset_are_matched(tmp_path: Path) -> None:
    report = _compare(CASES / "reset_legacy.py", CASES / "reset_migrated.py", tmp_path)
    assert report.outcome is Outcome.PARITY, report.format_table()
    assert {(v.migrated, v.legacy, v.how) for v in report.variables if v.kind == "model"} == {("w", "w:0", "name")}


@pytest.mark.parametrize("side", ["legacy", "migrated"])
def test_sessions_run_their_ops_in_the_callers_thread(tmp_path: Path, side: str) -> None:
    # On a thread pool, a run fetching a summary of a variable with the op training it read the
    # variable before or after the update, from one process to the next.
    legacy = api.run_legacy(CASES / "session_threads_legacy.py", tmp_path / "legacy", OPTIONS)
    migrated = CASES / "session_threads_migrated.py"
    run = legacy if side == "legacy" else api.run_migrated(migrated, tmp_path / "migrated", OPTIONS, legacy)
    assert run.ok, run.stderr[-2000:]
    threads = [line.split()[-1] for line in run.stdout.splitlines() if line.startswith("inter-op threads")]
    assert threads == ["-1", "-1", "2"]


def test_legacy_contrib_rnn_cells_come_from_the_v1_rnn_cell_module(tmp_path: Path) -> None:
    run = api.run_legacy(CASES / "contrib_rnn_legacy.py", tmp_path, OPTIONS)
    assert run.ok, run.error
    assert "BasicRNNCell (2, 5)" in run.stdout


def test_kept_tf1_optimizer_of_a_keras_model_runs_on_legacy_keras(tmp_path: Path) -> None:
    # Keras 3 takes no TF1 optimizer: an output that keeps one for `compile` (TFM407) runs with
    # tf_keras, as the legacy program does, and computes its numbers.
    case = Path(__file__).parent / "fixtures" / "TFM406" / "compile_unpacked_arguments_kept"
    report = _compare(case.with_name(case.name + ".in.py"), case.with_name(case.name + ".out.py"), tmp_path)
    assert report.outcome is Outcome.PARITY, report.format_table()


def _parity_and_caught(tmp_path: Path, case: str, change: str, changed: str) -> None:
    """The fixture `case`'s pair has parity, and its output with `change` replaced by `changed`
    (what a rewrite that missed the point would write) is caught as DIFFERENT."""
    fixture = Path(__file__).parent / "fixtures" / case
    legacy, migrated = fixture.with_name(fixture.name + ".in.py"), fixture.with_name(fixture.name + ".out.py")
    report = _compare(legacy, migrated, tmp_path / "migrated")
    assert report.outcome is Outcome.PARITY, report.format_table()
    source = migrated.read_text(encoding="utf-8")
    assert change in source
    altered = tmp_path / "altered.py"
    altered.write_text(source.replace(change, changed), encoding="utf-8")
    report = _compare(legacy, altered, tmp_path / "altered")
    assert report.outcome is Outcome.DIFFERENT, report.format_table()


@pytest.mark.parametrize(
    "case",
    [
        "TFM201/embedding_rmsprop",
        "TFM201/embedding_momentum",
        "TFM201/embedding_adam_applied_gradients",
        "TFM406/compile_embedding_rmsprop",
        "TFM406/compile_embedding_momentum",
        "TFM406/compile_embedding_adam",
    ],
)
def test_optimizer_subclass_updates_looked_up_rows_as_tf1(tmp_path: Path, case: str) -> None:
    # TF1's RMSProp and Momentum update only the rows of a table a batch looked up, and its Adam
    # squares the sum of a row's gradients. The subclass the optimizer becomes does the same, in
    # a session program and in a Keras model alike; without its update_step, Keras' own updates
    # every row, or squares each gradient, and the weights come out different.
    _parity_and_caught(tmp_path, case, "def update_step(", "def unused_step(")


def test_assignment_from_a_read_the_other_assign_waits_for_reads_the_old_value(tmp_path: Path) -> None:
    # `labels.assign(nearest)` and `centroids.assign(means)` in one run: `nearest` reads the
    # centroids, and `means` needs `nearest`, so TF1 gives `labels` the groups of the old
    # centroids. The converted function does the same; one that read the centroids again
    # after assigning them would give the groups of the new ones.
    distances = "tf.reduce_sum(tf.square(tf.expand_dims(points, 1) - tf.expand_dims(centroids, 0)), axis=2)"
    read_again = f"labels.assign(tf.argmin({distances}, 1))"
    _parity_and_caught(tmp_path, "TFM201/assignments_tied_by_their_reads", "labels.assign(nearest)", read_again)


@pytest.mark.parametrize(
    ("case", "restore"),
    [
        ("checkpoint_save_and_load", "tf.train.Checkpoint(model).read("),
        ("subclassed_model", "tf.train.Checkpoint(self).read("),
    ],
)
def test_keras_checkpoint_restores_weights_and_optimizer_state_as_tf1(tmp_path: Path, case: str, restore: str) -> None:
    # TF1's Keras saved a model's weights and its optimizer's state to a checkpoint path, and
    # restored both, into a trained model or one not yet built. tf.train.Checkpoint of the
    # Keras 3 model does the same; without the restore, the training that follows it differs.
    _parity_and_caught(tmp_path, f"TFM506/{case}", restore, "(lambda path: None)(")


def test_keras_1x_decay_becomes_the_schedule_that_computes_its_rate(tmp_path: Path) -> None:
    # TF 1.x's Keras optimizers took lr= and decayed it by step (decay=); Keras 3 takes neither.
    # The schedule they become trains as they did; the bare learning rate does not.
    schedule = "tf.keras.optimizers.schedules.InverseTimeDecay(0.05, decay_steps=1, decay_rate=0.01)"
    _parity_and_caught(tmp_path, "TFM408/keras_1x_arguments", schedule, "0.05")


@pytest.mark.parametrize(
    ("case", "module", "change", "changed"),
    [
        ("legacy_sequence_loss", "sequence_losses", "sequence_losses.sequence_loss_by_example(",
         "sequence_losses.sequence_loss("),
        ("dense_sequence_loss", "sequence_losses", "dense_sequence_loss(logits, targets, weights)",
         "dense_sequence_loss(logits, targets, weights, average_across_batch=False)"),
        ("hparams_from_strings", "hyperparameters", "hidden=[3]", "hidden=[2]"),
    ],
)
def test_contrib_members_become_the_modules_written_beside(
    tmp_path: Path, case: str, module: str, change: str, changed: str
) -> None:
    # The legacy side's tf.contrib members are the same modules (whose own tests pin them to
    # TF1's behaviour); the pair proves the rest of the conversion around them, and an output
    # that used them otherwise is caught.
    fixture = Path(__file__).parent / "fixtures" / "TFM150" / case
    beside = tmp_path / "migrated"
    beside.mkdir()
    (beside / f"{module}.py").write_text(text_of(f"{module}.py"), encoding="utf-8")
    source = fixture.with_name(case + ".out.py").read_text(encoding="utf-8")
    assert change in source
    altered = source.replace(change, changed)
    for name, text, outcome in (("same", source, Outcome.PARITY), ("altered", altered, Outcome.DIFFERENT)):
        migrated = beside / f"{name}.py"
        migrated.write_text(text, encoding="utf-8")
        report = _compare(fixture.with_name(case + ".in.py"), migrated, tmp_path / name)
        assert report.outcome is outcome, report.format_table()


def test_static_shapes_come_from_the_structure_a_function_returns(tmp_path: Path) -> None:
    # A shape read outside the runs comes from the function of a run that fetches the tensor
    # among others, at its place in what that function returns; the other place is caught. The
    # shapes written out as text show `?` on the legacy side and `None` on the migrated one.
    _parity_and_caught(
        tmp_path,
        "TFM201/static_shapes_in_structures",
        "structured_outputs[1].shape.ndims",
        "structured_outputs[0].shape.ndims",
    )


def test_static_shapes_that_size_variables_are_traced_where_they_are_read(tmp_path: Path) -> None:
    # `dim = reshape.get_shape()[1].value` sizes the next layer's weights: a function returning
    # the tensor is traced there for its shape (a wrong size would not take the legacy initial
    # values); a changed layer is caught.
    _parity_and_caught(
        tmp_path,
        "TFM201/static_shapes_size_variables",
        "tf.reshape(pool, [-1, 2 * 2 * 3])",
        "tf.reshape(pool[:, ::-1], [-1, 2 * 2 * 3])",
    )


def test_static_shape_of_a_tensor_no_run_fetches(tmp_path: Path) -> None:
    # No run returns `hidden`: a function returning it alone gives its shape.
    _parity_and_caught(
        tmp_path,
        "TFM201/static_shape_of_unfetched_tensor",
        "print(compute_hidden.get_concrete_function().structured_outputs.shape.as_list())",
        "print(compute_hidden.get_concrete_function().structured_outputs.shape.rank)",
    )


def test_static_shapes_of_iterator_elements_come_from_the_element_spec(tmp_path: Path) -> None:
    # A function taking a dataset element has no input signature: it is traced for the
    # dataset's element spec (TF1's output_shapes) and the placeholders' declared shapes.
    _parity_and_caught(
        tmp_path,
        "TFM201/static_shape_of_iterator_elements",
        "tf.float32)).structured_outputs.shape.as_list())",
        "tf.float32)).structured_outputs.shape.rank)",
    )


def test_loops_over_written_out_lists_of_graph_values_move_into_the_function(tmp_path: Path) -> None:
    # `for w in [W1, W2_again]:` builds graph from each element, whatever graph value it is; the
    # loop moves into the training function whole, and a changed term is caught.
    _parity_and_caught(
        tmp_path,
        "TFM201/loop_over_listed_graph_values",
        "0.001 * tf.reduce_mean(tf.abs(activity))",
        "0.002 * tf.reduce_mean(tf.abs(activity))",
    )


def test_step_functions_given_the_session_close_over_it(tmp_path: Path) -> None:
    # `def train(sess, X, Y)` called as `train(sess, ...)`: the parameter goes and the helper's
    # runs become calls of the generated functions; a run fed otherwise is caught.
    _parity_and_caught(
        tmp_path,
        "TFM201/step_functions_given_the_session",
        "value = train_step(X, Y).numpy()",
        "value = train_step(X, Y * 0.5).numpy()",
    )


def test_training_ops_fetched_first_give_none_in_their_places(tmp_path: Path) -> None:
    # `res = sess.run([train_op, loss, acc])`: TF1 gave None for the op; the function returns
    # the values, and the list is built around them. A value in the op's place is caught.
    _parity_and_caught(
        tmp_path,
        "TFM201/training_ops_first_in_used_structures",
        "res = [None, *(value.numpy()",
        "res = [0.0, *(value.numpy()",
    )


def test_variables_bound_again_under_the_same_names_keep_their_layers(tmp_path: Path) -> None:
    # `W` and `b` are bound again for the output layer after the hidden layer read them: the
    # later bindings are renamed (`W_2`, `b_2`). The hidden layer reading the output layer's
    # bias (which broadcasts) is caught.
    _parity_and_caught(
        tmp_path,
        "TFM201/variables_bound_again_layer_after_layer",
        "tf.matmul(x, W) + b)",
        "tf.matmul(x, W) + b_2)",
    )


def test_python_value_bound_again_after_the_graph_read_it(tmp_path: Path) -> None:
    # `scale = 3.0` after `y = x * scale`: the later binding is renamed `scale_2`, so the
    # function multiplies by 2.0 as TF1's graph did, and the print reads 3.0. Printing the
    # first binding is caught.
    _parity_and_caught(tmp_path, "TFM201/python_value_bound_again", "print(scale_2)", "print(scale)")


def test_helpers_of_the_module_moved_into_the_function_calling_them(tmp_path: Path) -> None:
    # fully_connected_feed.py's layout: the placeholder helper and the feed helper are moved
    # into run_training() and converted with it. A feed helper that fed the labels of the first
    # batch at every step is caught.
    _parity_and_caught(
        tmp_path,
        "TFM201/helpers_of_the_module_called_from_a_function",
        '"labels_placeholder": labels[start:start + BATCH_SIZE]',
        '"labels_placeholder": labels[:BATCH_SIZE]',
    )


def test_helpers_of_the_module_moved_into_the_main_block_calling_them(tmp_path: Path) -> None:
    # The feed helper reads the placeholders as globals of the module; moved into the main
    # block, it is keyed by their names. Testing with the training keep_prob is caught.
    _parity_and_caught(
        tmp_path,
        "TFM201/helpers_of_the_module_called_from_the_main_block",
        "k = 1.0",
        "k = 0.5",
    )


def test_variable_factory_called_in_a_name_scope_keeps_the_tf1_name(tmp_path: Path) -> None:
    # The factory's call is made under the absolute scope `tf.name_scope("layer/")`, so its
    # variable is "layer/Variable" as in TF1: the harness pairs it by name, not by order.
    case = Path(__file__).parent / "fixtures" / "TFM201" / "factory_in_name_scope"
    migrated = case.with_name(case.name + ".out.py")
    assert 'with tf.name_scope("layer/"):' in migrated.read_text(encoding="utf-8")
    report = _compare(case.with_name(case.name + ".in.py"), migrated, tmp_path)
    assert report.outcome is Outcome.PARITY, report.format_table()
    assert "matched layer/Variable by name" in report.format_table()


def test_name_bound_again_in_each_name_scope_keeps_each_variable(tmp_path: Path) -> None:
    # mnist.py's `weights` and `biases`, bound again in each name scope, become attributes of
    # their own; every variable keeps its TF1 name and is paired by it.
    case = Path(__file__).parent / "fixtures" / "TFM331" / "name_bound_again_in_each_name_scope"
    migrated = case.with_name(case.name + ".out.py")
    report = _compare(case.with_name(case.name + ".in.py"), migrated, tmp_path)
    assert report.outcome is Outcome.PARITY, report.format_table()
    table = report.format_table()
    for name in ("hidden1/weights", "hidden1/biases", "softmax_linear/weights", "softmax_linear/biases"):
        assert f"matched {name} by name" in table


def test_step_function_given_graph_values_reads_them_itself(tmp_path: Path) -> None:
    # `evaluate(sess, accuracy, x, y, xs, ys)`: every call gives the same tensor and
    # placeholders, so the function reads them itself and keeps only the data it is given.
    # Evaluating on the training data at every call is caught.
    _parity_and_caught(
        tmp_path,
        "TFM201/step_function_given_graph_values",
        "return compute_accuracy(xs, ys).numpy()",
        "return compute_accuracy(train_x, train_y).numpy()",
    )


def test_session_helper_of_the_module_moved_after_the_graph_it_runs(tmp_path: Path) -> None:
    # fully_connected_feed.py's `do_eval(sess, eval_correct, images_placeholder, ...)`, moved into
    # `run_training` before the loop calling it. Counting only the last batch is caught.
    _parity_and_caught(
        tmp_path,
        "TFM201/session_helper_of_the_module_called_from_a_function",
        "true_count += compute_eval_correct(",
        "true_count = compute_eval_correct(",
    )


def test_layer_function_called_in_a_graph_block_of_a_function(tmp_path: Path) -> None:
    # mnist.py's `inference` made one instance in `run_training()`'s graph block, with the
    # variables' TF1 names; the evaluation helper moved in. Evaluating the training set twice
    # is caught.
    _parity_and_caught(
        tmp_path,
        "TFM331/layer_function_called_in_a_graph_block_of_a_function",
        "do_eval(test_set)",
        "do_eval(train_set)",
    )


@pytest.mark.parametrize(
    ("case", "change", "changed"),
    [
        (
            "TFM113/student_of_a_teacher",
            "labels=tf.stop_gradient(tf.nn.softmax(teacher_logits))",
            "labels=tf.nn.softmax(teacher_logits)",
        ),
        ("TFM113/integer_counts_regressed", "tf.reduce_mean(tf.abs", "tf.reduce_sum(tf.abs"),
        ("TFM113/q_values_fitted_with_huber", "delta=0.5", "delta=1.0"),
        ("TFM113/probabilities_scored_by_log_and_hinge_losses", "(1 - (2 * y - 1) * logits)", "(1 - y * logits)"),
    ],
    ids=["no-gradient-into-soft-labels", "mean-of-the-elements", "huber-delta", "hinge-labels-of-minus-one-and-one"],
)
def test_tf1_losses_become_the_operations_computing_them(tmp_path: Path, case: str, change: str, changed: str) -> None:
    # TF1's softmax_cross_entropy trains nothing through its labels: without the stop_gradient
    # the student's loss trains the teacher too. Its losses average over every element. The Huber
    # loss keeps its delta, and the hinge loss reads 0/1 labels as -1/1.
    _parity_and_caught(tmp_path, case, change, changed)
