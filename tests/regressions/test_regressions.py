"""Shrunk programs that the differential fuzzer found failing, kept as regression tests.

Each program goes through `fuzzing.check.check`: rewrite, parse, idempotency, then the harness.
Each case pins its outcome: converted with parity (or with only TFM403's documented optimizer
rounding), or declined with exactly the reason codes listed, its output still running and printing
the same numbers. A change of outcome, even from declined to converted, is reviewed by updating
the pin. A comment on each case says what went wrong before its fix.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from fuzzing.check import CONVERTED, CONVERTED_ROUNDING, DECLINED, check

CASES = [
    # TFM201 built RMSProp's slots at module level, before the Keras layer had its variables.
    pytest.param("rmsprop_dense_layer.py", CONVERTED, (), id="rmsprop-dense-layer"),
    # TFM201 split `cost = ...; cost = cost + ...` into helpers without passing `cost` on.
    pytest.param("rebound_loss_in_shared_helper.py", CONVERTED, (), id="rebound-loss-in-shared-helper"),
    # TFM201 traced get_or_create_global_step into a tf.function, which fails eagerly.
    pytest.param("global_step_fetched_alone.py", CONVERTED, (), id="global-step-fetched-alone"),
    # Fuzz seeds 7002, 7014, 7019 (--variable-family): TFM301 turned a random get_variable
    # initializer into an unseeded Keras 3 initializer, and the file then stays in graph mode
    # (TFM218), where the harness cannot inject initial values: the declined program drew other
    # (and on every run different) numbers than TF1's seeded initializer. TFM301 now writes the
    # `tf.random` op TF1's initializer calls, which follows the graph seed. (The program declines
    # for its dict of a value and then a training op, TFM218.)
    pytest.param(
        "declined_get_variable_random_initializer.py",
        DECLINED,
        ("TFM218",),
        id="declined-get-variable-random-initializer",
    ),
    # Fuzz seeds 7002, 7015 (--variable-family): TFM311 made a Keras 3 Dense in a file that stays
    # in graph mode, where it draws unseeded weights. Such a file now keeps tf.compat.v1.layers
    # (which need tf-keras, as the legacy program does) and reproduces TF1's numbers. TFM218 is why
    # the eager attempt declines (a training op fetched after a value in a dict whose values are
    # used; fetched first, it would convert), kept with the graph-mode rewrite.
    pytest.param("declined_layers_dense.py", DECLINED, ("TFM216", "TFM218"), id="declined-layers-dense"),
    # Fuzz seed 20159: three Adam steps at learning rate 0.1 leave the kernel 7e-7 apart, past the
    # default tolerance: Keras' pow(beta2, step) and TF1's running product differ in the last bit,
    # and 1 - beta2 ** step is small early on. The program with TF1's optimizer matches exactly,
    # so the fuzzer counts it as converted with the documented rounding (TFM403).
    pytest.param("adam_early_steps_rounding.py", CONVERTED_ROUNDING, (), id="adam-early-steps-rounding"),
    # Fuzz seed 20365: the same rounding with a Keras Dense layer's variables, which the TF1
    # optimizer of the counterfactual only takes as the tf.Variables under them.
    pytest.param("adam_rounding_keras_layer.py", CONVERTED_ROUNDING, (), id="adam-rounding-keras-layer"),
    # Keras fuzz seed 49 (--keras): nine Adam steps of a compiled model left its predictions
    # 1.5e-6 apart. The rounding caveat came under TFM406, not TFM403, so the checker did not try
    # the TF1 optimizer, with which the program matches.
    pytest.param("keras_adam_rounding.py", CONVERTED_ROUNDING, (), id="keras-adam-rounding"),
    # Fuzz seeds 7028, 7030, 7044 (--variable-family): TFM302 declined two unnamed tf.Variables
    # beside a get_variable, and the kept graph code then held an unseeded Keras initializer.
    # TFM301 now numbers them as TF1 does, so the program converts and matches.
    pytest.param(
        "declined_glorot_initializer_renamed.py", CONVERTED, (), id="declined-glorot-initializer-renamed"
    ),
    # Fuzz seed 51194: TFM331 made the factory's one instance name its variable "layer/Variable",
    # and the sessions rule named the plain variable after it in the same name scope
    # "layer/Variable" too, where TF1 numbered it "layer/Variable_1": the two variables' names
    # swapped their values. TFM331 now leaves such a factory to the sessions rule, which numbers
    # the two as TF1 did.
    pytest.param("factory_and_variable_in_one_name_scope.py", CONVERTED, (), id="factory-and-variable-in-a-name-scope"),
    # Found beside seed 51194: TFM301 answered `tf.trainable_variables()` with the variables it
    # tracks, and it tracks none made inside a `with tf.name_scope(...)` block (nor by a function
    # or class of the module): the list came out empty, and the declined output raised "No
    # variables provided". Such a read is now left, with TFM304.
    pytest.param(
        "variable_list_after_a_name_scope.py", DECLINED, ("TFM215", "TFM304"), id="variable-list-after-a-name-scope"
    ),
    # Fuzz seed 53043 (checkpoints): TFM501 knew the classes of the module, not those of `main`,
    # where TFM331 had written the layer function it defines as a class: the Checkpoint held the
    # global step alone, and the restore left the layer's weights as the last step trained them.
    pytest.param("layer_function_defined_in_main_saved.py", CONVERTED, (), id="layer-function-defined-in-main-saved"),
    # Found beside seed 53043: TFM501 left out of the Checkpoint a variable that a function of
    # the module made (a factory, `v = make()`). A factory's variable is now saved under the name
    # TF1 gave it, and a call of any other function making variables keeps the Saver (TFM502).
    pytest.param("factory_variable_saved.py", CONVERTED, (), id="factory-variable-saved"),
    # Fuzz seeds 53300, 53347 (checkpoints): the layer rule moves a layer `main` builds to module
    # level, to be made once, and TFM501 read a function's Saver as saving the function's own
    # variables: the layer was left out. A function's Saver now holds the layers the module made
    # before calling it, and any other variable the module made keeps the Saver.
    pytest.param("layer_moved_out_of_main_saved.py", CONVERTED, (), id="layer-moved-out-of-main-saved"),
]


@pytest.mark.tensorflow
@pytest.mark.slow
@pytest.mark.parametrize(("program", "expected", "reasons"), CASES)
def test_regression_keeps_its_outcome(program: str, expected: str, reasons: tuple[str, ...]) -> None:
    outcome = check((HERE / program).read_text(encoding="utf-8"))
    assert (outcome.kind, outcome.reasons) == (expected, reasons), f"{outcome.detail}\n{outcome.output}"
