"""The quick differential-fuzzing run: generated TF1 programs through rewrite and parity.

`benchmarks/fuzz.py --n 1000` is the long run; this one checks 30 fixed seeds so CI catches a
regression in the rewriter, the harness or the generator itself.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzzing.check import (
    CONVERTED,
    CONVERTED_ROUNDING,
    DECLINED,
    DEFAULT_OPTIONS,
    FAILURES,
    INVALID,
    MISMATCH,
    parity_outcome,
    static_check,
)
from fuzzing.check_project import check_project, split_changes_output
from fuzzing.generator import REAL_CODE_SHAPES, Options, generate
from fuzzing.keras_programs import generate_keras
from fuzzing.optimizer_rounding import with_tf1_optimizers
from fuzzing.runner import run_seeds, tally
from fuzzing.shrink import shrink
from fuzzing.split import MODULE, SCRIPT, split

from migrate import rewrite_source
from migrate.analysis.optimizers import OPTIMIZERS as OPTIMIZER_MAPPINGS

QUICK_SEEDS = range(30)
# Split into projects: two-file and one-file model classes, step functions, constructor arguments.
SPLIT_SEEDS = (5000, 5002, 5004, 5005, 5011, 5014, 5016, 5021)


def test_same_seed_same_program() -> None:
    assert generate(7) == generate(7)
    assert generate(7) != generate(8)
    assert generate(7, Options(variable_family=False)) != generate(7)


@pytest.mark.parametrize("seed", range(60), ids=lambda s: f"seed{s}")
def test_generated_program_is_valid_tf1_source(seed: int) -> None:
    source = generate(seed)
    compile(source, f"seed{seed}.py", "exec")
    assert source.startswith("import numpy as np\nimport tensorflow as tf\n")
    assert "tf.Session()" in source or "tf.InteractiveSession()" in source
    assert "print(" in source


def test_programs_include_scopes_and_layers() -> None:
    sources = "".join(generate(seed) for seed in range(40))
    for construct in ("tf.get_variable(", "tf.variable_scope(", "reuse=", "tf.layers.dense("):
        assert construct in sources


# The shapes real TF1 scripts are written in (issue 13), as the generator spells them.
SHAPE_PATTERNS = {
    "evaluation ops built in the session block": r"\n    correct_prediction\w* = tf\.equal\(",
    "evaluated with .eval": r"\.eval\(",
    "graph built by a function called once": r"\ndef (build_model|inference|forward)\w*\(\w+\):",
    "graph and session in main()": r'\nif __name__ == "__main__":\n    main\(\)\n',
    "static shape printed": r"print\(\w+\.get_shape\(\)\)",
    "static shape as a list": r"\.shape\.as_list\(\)",
    "variable sized by a static shape": r"n_in\w* = int\(\w+\.shape\[1\]\)",
    "placeholder in an expression": r"tf\.placeholder\(tf\.float32, shape=\[[^\]]*\]\) / 2\.0",
    "placeholder made by a helper": r"\n    return tf\.placeholder\(",
    "dataset of numpy arrays": r"tf\.data\.Dataset\.from_tensor_slices\(\(.*\)\)\.(batch|repeat)\(",
    "one-shot iterator": r"\.make_one_shot_iterator\(\)",
    "initializable iterator started in the session": r"sess\.run\(iterator\w*\.initializer\)",
    "dropout": r"tf\.nn\.dropout\(",
    "keep probability below 1 in training": r"keep_prob\w*: 0\.\d",
    "keep probability 1.0 elsewhere": r"keep_prob\w*: 1\.0",
    "noise in the graph": r"\+ tf\.random_normal\(tf\.shape\(",
    "layer function with a scope named by a parameter": r"\n    with tf\.variable_scope\(name\):\n",
    "layer function reusing its scope's variables": r"\n    with tf\.variable_scope\(name, reuse=tf\.AUTO_REUSE\):\n",
    "layer applied again in the scope of an earlier call": r"_twin\w* = fc_layer\w*\(tf\.nn\.relu\(",
    "layer function called by a helper run twice": r"\n\w+ = (apply_fc\w*)\(\w+\) \+ \1\(tf\.nn\.relu\(",
    "static dimension read with .value": r"n_in = x\.(get_shape\(\)\[1\]|shape\[-1\])\.value",
    "penalty summed up from 0": r"\npenalty\w* = 0\nfor weights in \[",
    "penalties appended to a list": r"\n    penalties\w*\.append\(",
    "float64 array fed to a float32 placeholder": r"_data = rng\.rand\([\d, ]+\)\n",
    "dict entry run in a loop": r"\w+\[key\]\.eval\(|sess\.run\(\w+\[key\]",
    "expression run whole": r'\(\w+\["max"\] - \w+\["mean"\]\)|sess\.run\(tf\.reduce_min\(|tf\.reduce_min\(\w+\)\.eval',
    "weights bound again to the same name": r"\nw = tf\.Variable\(init_value.*\n(.*\n)+w = tf\.Variable\(init_value",
    "input width read again into the same name": r"\nn_in = int\(h\.shape\[1\]\)|\nn_in = h\.get_shape\(\)",
    "variable factory computing its initial value into a local": r"\n    initial = tf\.truncated_normal\(shape, "
    r"stddev=st_dev\)\n    return tf\.Variable\(initial\)\n",
    "layer scopes in the function building the graph": r"\ndef (build_model|inference|forward)\w*\(\w+\):\n"
    r"(    .*\n)*?    with tf\.name_scope\(\"layer",
    "keep probability made in that function and returned": r"\n    return \w+, keep_prob\w*\n",
    "feed helper reading the placeholders as globals": r"\ndef fill_feed_dict\w*\(\):\n    return \{",
    "unnamed variable under a module-level name scope": r"\nwith tf\.name_scope\(\"layer\w*\"\):\n"
    r"(    .*\n)*?    \w+ = tf\.Variable\((?![^\n]*name=)",
    "feed helper given the placeholders": r"\ndef fill_feed_dict\w*\(\w+_pl.*\):\n    feed_dict\w* = \{\w+_pl\w*: ",
    "list of tensors a helper gives, fetched whole": r"\n    return values\n(.*\n)*?\w+_values = sess\.run\(listed\w*",
    "value made before the graph bound again on a setting": r"\nif rescale\w*:\n    scale\w* = scale\w* \* ",
    "rows of a trained table looked up by fed ids": r"\nlooked_up\w* = (tf\.nn\.embedding_lookup|tf\.gather)\("
    r"(embeddings|table|embedding_matrix)\w*, ids\w*\)\n",
    "loss written with a TF1 loss function": r"\n\w+ = tf\.losses\.\w+\(",
    "variables saved, trained on and restored": r"\n\s*saver\w*\.save\(sess, checkpoint_path\w*\)\n(.*\n)*?"
    r"\s*saver\w*\.restore\(sess, checkpoint_path\w*\)\n",
}
WITHOUT_REAL_CODE_SHAPES = replace(Options(), **dict.fromkeys(REAL_CODE_SHAPES, False))


def test_programs_include_the_real_code_shapes() -> None:
    sources = "".join(generate(seed) for seed in range(80))
    missing = [shape for shape, pattern in SHAPE_PATTERNS.items() if not re.search(pattern, sources)]
    assert not missing


def test_real_code_shapes_can_be_left_out() -> None:
    sources = "".join(generate(seed, WITHOUT_REAL_CODE_SHAPES) for seed in range(40))
    present = [shape for shape, pattern in SHAPE_PATTERNS.items() if re.search(pattern, sources)]
    assert present == ["evaluated with .eval"]  # the fetch sites use it too


@pytest.mark.parametrize("seed", range(40), ids=lambda s: f"seed{s}")
def test_dataset_programs_feed_no_batch_placeholder(seed: int) -> None:
    source = generate(seed)
    if "from_tensor_slices(" not in source:
        return
    # The batches come from the iterator: only scalars (scales, keep probabilities) are fed.
    assert not re.search(r"placeholder\([^)]*shape=\[[^\]]", source)
    assert not re.search(r"(new_input|make_placeholder)\w*\(\[", source)


def test_shrink_keeps_the_failure_and_drops_the_rest() -> None:
    source = generate(3)
    assert ".minimize(" in source

    def still_fails(candidate: str) -> bool:
        return ".minimize(" in candidate

    smaller = shrink(source, still_fails)
    compile(smaller, "smaller.py", "exec")
    assert ".minimize(" in smaller
    kept = [line for line in smaller.splitlines() if line.strip() and not line.startswith("import ")]
    assert len(kept) == 1 and ".minimize(" in kept[0], smaller


@pytest.mark.parametrize("seed", QUICK_SEEDS, ids=lambda s: f"seed{s}")
def test_rewrite_parses_and_is_idempotent(seed: int) -> None:
    failure, result = static_check(generate(seed))
    assert failure is None, f"{failure.kind}: {failure.detail}\n{failure.output}"
    assert result.changed


@pytest.mark.tensorflow
@pytest.mark.slow
def test_quick_run_converts_with_parity_or_declines_with_a_reason() -> None:
    cases = run_seeds(QUICK_SEEDS, jobs=2)
    counts = tally(cases)
    bad = [c for c in cases if c.outcome.kind in FAILURES or c.outcome.kind == INVALID]
    described = "\n".join(f"seed {c.seed}: {c.outcome.kind}: {c.outcome.detail}" for c in bad)
    assert not bad, f"{dict(counts)}\n{described}"
    assert all(c.outcome.kind in (CONVERTED, CONVERTED_ROUNDING, DECLINED) for c in cases)
    assert all(c.outcome.reasons for c in cases if c.outcome.kind == DECLINED)
    # Both ends are exercised: some programs convert and pass parity, some are declined.
    assert any(c.outcome.kind == CONVERTED for c in cases), dict(counts)


# Session programs training a table they look rows up in with RMSProp and with Momentum, whose
# optimizers become the subclasses that update those rows as TF1's.
ROW_SUBCLASS_SEEDS = {31009: "RMSpropAsInTF1(", 31082: "SGDAsInTF1("}


@pytest.mark.tensorflow
@pytest.mark.slow
def test_looked_up_tables_train_through_the_optimizer_subclasses_with_parity() -> None:
    cases = run_seeds(ROW_SUBCLASS_SEEDS, jobs=2)
    described = "\n".join(f"seed {c.seed}: {c.outcome.kind}: {c.outcome.detail}" for c in cases)
    assert [c.outcome.kind for c in cases] == [CONVERTED] * len(cases), described
    assert [name in c.outcome.output for c, name in zip(cases, ROW_SUBCLASS_SEEDS.values())] == [True] * len(cases)


# Keras programs (fuzzing.keras_programs): RMSProp with momentum and plain, Adam at a high rate
# on dense layers; gradient descent, RMSProp, Adam, Momentum and Adagrad over an Embedding; TF 1.x
# Keras' AMSGrad Adam given lr= and decay=, saved to a checkpoint and restored into a twin.
KERAS_SEEDS = (7, 11, 41, 22, 2, 10, 12, 5, 37)


def test_keras_programs_cover_each_optimizer_both_ways_and_embeddings() -> None:
    sources = [generate_keras(seed) for seed in range(40)]
    assert generate_keras(3) == sources[3]
    for name in OPTIMIZER_MAPPINGS:
        assert any(f"{name}(" in source for source in sources), name
    assert any("optimizer = tf.train." in source for source in sources)
    assert any("compile(optimizer=tf.train." in source for source in sources)
    assert any("Embedding(" in source for source in sources)
    assert any("Embedding(" not in source for source in sources)
    saving = [source for source in sources if "model.save_weights(checkpoint)" in source]
    assert any("def make_model():" in source for source in saving)  # restored into a twin not yet built
    assert any("def make_model():" not in source for source in saving)  # restored into the trained model
    assert any("save_weights" not in source for source in sources)
    assert any("tf.keras.optimizers." in source and "(lr=" in source and "decay=0.01" in source for source in sources)


@pytest.mark.parametrize("seed", range(20), ids=lambda s: f"seed{s}")
def test_keras_program_rewrite_parses_and_is_idempotent(seed: int) -> None:
    failure, result = static_check(generate_keras(seed))
    assert failure is None, f"{failure.kind}: {failure.detail}\n{failure.output}"
    assert result.changed


@pytest.mark.tensorflow
@pytest.mark.slow
def test_keras_programs_convert_with_parity() -> None:
    cases = run_seeds(KERAS_SEEDS, jobs=2, keras=True)
    described = "\n".join(f"seed {c.seed}: {c.outcome.kind}: {c.outcome.detail}" for c in cases)
    assert [c.outcome.kind for c in cases] == [CONVERTED] * len(KERAS_SEEDS), described
    assert "RMSpropStartingAtOne(" in cases[0].outcome.output
    # Over an Embedding, each optimizer but gradient descent updates the looked-up rows as TF1.
    subclasses = ["RMSpropAsInTF1(", "AdamAsInTF1(", "SGDAsInTF1(", "AdagradAsInTF1("]
    assert [name in case.outcome.output for case, name in zip(cases[4:], subclasses)] == [True] * 4
    assert "InverseTimeDecay(" in cases[-1].outcome.output and "tf.train.Checkpoint(" in cases[-1].outcome.output


@pytest.mark.parametrize(
    ("keras", "tf1"),
    [
        pytest.param(
            "tf.keras.optimizers.Adam(learning_rate=0.1, beta_1=0.5, epsilon=1e-08)",
            "_tf1_optimizer(tf.compat.v1.train.AdamOptimizer)(learning_rate=0.1, beta1=0.5, epsilon=1e-08)",
            id="adam",
        ),
        pytest.param(
            "tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)",
            "_tf1_optimizer(tf.compat.v1.train.MomentumOptimizer)(learning_rate=0.1, momentum=0.9, use_nesterov=True)",
            id="momentum",
        ),
    ],
)
def test_counterfactual_puts_back_the_tf1_optimizer_with_the_same_arguments(keras: str, tf1: str) -> None:
    counterfactual = with_tf1_optimizers(f"import tensorflow as tf\nopt = {keras}\n")
    assert counterfactual is not None
    assert counterfactual.endswith(f"\nopt = {tf1}\n")
    assert "def _tf1_optimizer(base):" in counterfactual


@pytest.mark.parametrize(
    "keras",
    [
        pytest.param("tf.keras.optimizers.SGD(learning_rate=0.1)", id="plain-sgd"),
        pytest.param("tf.keras.optimizers.RMSprop(learning_rate=0.1, rho=0.9)", id="rmsprop-no-caveat"),
    ],
)
def test_counterfactual_leaves_optimizers_without_a_rounding_caveat(keras: str) -> None:
    assert with_tf1_optimizers(f"import tensorflow as tf\nopt = {keras}\n") is None


@pytest.mark.tensorflow
@pytest.mark.slow
def test_optimizer_rounding_does_not_hide_a_wrong_learning_rate(tmp_path: Path) -> None:
    source = (Path(__file__).parent / "regressions" / "adam_early_steps_rounding.py").read_text(encoding="utf-8")
    result = rewrite_source(source)
    assert "learning_rate=0.1," in result.code
    wrong = replace(result, code=result.code.replace("learning_rate=0.1,", "learning_rate=0.11,"))
    outcome = parity_outcome(source, wrong, (), False, DEFAULT_OPTIONS, tmp_path)
    assert outcome.kind == MISMATCH, outcome.detail


@pytest.mark.parametrize("seed", range(5000, 5040), ids=lambda s: f"seed{s}")
def test_split_program_is_a_model_class_and_a_script(seed: int) -> None:
    project = split(seed)
    assert split(seed) == project
    for name, text in project.files.items():
        compile(text, name, "exec")
    script = project.files[SCRIPT]
    assert "model = Model(" in script
    assert "tf.Session()" in script or "tf.InteractiveSession()" in script
    assert "tf.placeholder(" not in script.partition("\ntf.set_random_seed(")[2]
    if project.one_file:
        assert "\nclass Model(object):\n" in script
    else:
        assert "\nfrom model import Model\n" in script
        module = project.files[MODULE]
        assert module.startswith("import ") and "\nclass Model(object):\n" in module
        assert "Session" not in module and "rng" not in module


def test_splits_cover_the_project_shapes() -> None:
    projects = [split(seed) for seed in range(5000, 5040)]
    scripts = [p.files[SCRIPT] for p in projects]
    assert any(p.one_file for p in projects) and not all(p.one_file for p in projects)
    assert any("def train_step(" in s for s in scripts)
    assert any("    feed_dict = {" in s and "sess.run(" in s for s in scripts)
    classes = "".join(p.files.get(MODULE, "") + p.files[SCRIPT] for p in projects)
    assert "def __init__(self, learning_rate" in classes and "n_features" in classes


def test_split_projects_rewrite_cleanly_and_some_convert(tmp_path: Path) -> None:
    outcomes = {
        seed: check_project(split(seed).files, workdir=tmp_path / str(seed), parity=False) for seed in SPLIT_SEEDS
    }
    for seed, outcome in outcomes.items():
        assert outcome.kind in (CONVERTED, DECLINED), f"seed {seed}: {outcome.kind}: {outcome.detail}\n{outcome.output}"
        assert outcome.kind == CONVERTED or outcome.reasons, f"seed {seed}: declined without a reason"
    kinds = {outcome.kind for outcome in outcomes.values()}
    assert kinds == {CONVERTED, DECLINED}, outcomes


@pytest.mark.tensorflow
@pytest.mark.slow
def test_split_project_prints_what_its_program_printed(tmp_path: Path) -> None:
    for seed in (5004, 5014):  # one file with step functions; two files, step functions, arguments
        assert split_changes_output(split(seed), tmp_path / str(seed)) is None


@pytest.mark.tensorflow
@pytest.mark.slow
def test_split_project_converts_with_parity(tmp_path: Path) -> None:
    # A model module whose class takes constructor arguments, and its script.
    project = split(5001)
    assert not project.one_file and "def __init__(self, " in project.files[MODULE]
    outcome = check_project(project.files, workdir=tmp_path)
    assert outcome.kind == CONVERTED, f"{outcome.kind}: {outcome.detail}\n{outcome.output}"
