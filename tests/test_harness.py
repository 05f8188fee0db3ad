"""The equivalence harness end to end: real TF1 and TF 2 programs in child processes.

Legacy runs are shared between cases through module-scoped fixtures: each child costs seconds.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from migrate.cli import main
from migrate.harness import HarnessOptions, api
from migrate.harness.report import EquivalenceReport
from migrate.harness.runner import SideRun

CASES = Path(__file__).parent / "harness_cases"
OPTIONS = HarnessOptions(timeout=120)

pytestmark = [pytest.mark.tensorflow, pytest.mark.slow]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("harness")


@pytest.fixture(scope="module")
def linear_legacy(workdir: Path) -> SideRun:
    return api.run_legacy(CASES / "linear_legacy.py", workdir / "linear", OPTIONS)


@pytest.fixture(scope="module")
def adam_legacy(workdir: Path) -> SideRun:
    return api.run_legacy(CASES / "adam_legacy.py", workdir / "adam", OPTIONS)


def _report(legacy: SideRun, migrated: str, workdir: Path, options: HarnessOptions = OPTIONS) -> EquivalenceReport:
    run = api.run_migrated(CASES / migrated, workdir / migrated, options, legacy)
    return api.evaluate(run_legacy_or(legacy), run, options, api.legacy_run_sites(Path(legacy.program)))


def run_legacy_or(legacy: SideRun) -> SideRun:
    assert legacy.ok, legacy.stderr[-2000:]
    return legacy


@pytest.fixture(scope="module")
def linear_reports(linear_legacy: SideRun, workdir: Path) -> dict[str, EquivalenceReport]:
    names = ("linear_migrated.py", "linear_wrong_lr_migrated.py", "linear_no_bias_migrated.py", "crash_migrated.py")
    return {name: _report(linear_legacy, name, workdir) for name in names}


@pytest.fixture(scope="module")
def adam_reports(adam_legacy: SideRun, workdir: Path) -> dict[str, EquivalenceReport]:
    names = ("adam_migrated.py", "adam_default_epsilon_migrated.py", "adam_swapped_fetch_migrated.py")
    return {name: _report(adam_legacy, name, workdir) for name in names}


def _failing(report: EquivalenceReport) -> set[str]:
    return {o.name for o in report.failures}


@pytest.mark.parametrize(
    "case", ["linear_migrated.py", "adam_migrated.py"], ids=["sgd-linear-regression", "adam-two-fetches"]
)
def test_faithful_migration_has_parity(
    case: str, linear_reports: dict[str, EquivalenceReport], adam_reports: dict[str, EquivalenceReport]
) -> None:
    report = {**linear_reports, **adam_reports}[case]
    assert report.passed, report.format_table()
    kinds = {o.kind for o in report.observables}
    assert {"fetch", "stdout", "variable"} <= kinds
    fetches = [o for o in report.observables if o.kind == "fetch"]
    assert fetches and all(o.compared >= 60 for o in fetches)
    assert {(v.migrated, v.how) for v in report.variables if v.kind == "model"} >= {("W", "name"), ("b", "name")}


def test_variables_start_from_legacy_values_and_train(linear_legacy: SideRun) -> None:
    from migrate.harness import records

    legacy = records.load(linear_legacy.results)
    weight = legacy.variable("W:0")
    assert weight is not None and weight.initial is not None and weight.final is not None
    assert not np.allclose(weight.initial, weight.final)  # training happened between the two reads
    # Converged toward y = 3x + 2.
    assert abs(float(weight.final.ravel()[0]) - 3.0) < 0.5


def test_changed_learning_rate_is_caught(linear_reports: dict[str, EquivalenceReport]) -> None:
    report = linear_reports["linear_wrong_lr_migrated.py"]
    assert not report.passed
    failing = _failing(report)
    assert {"variable W:0", "variable b:0", "printed numbers"} <= failing
    fetch = next(o for o in report.failures if o.kind == "fetch")
    # The loss of the first step is computed before any update: the runs part at the second.
    assert fetch.first_divergence == 1


def test_missing_bias_is_caught(linear_reports: dict[str, EquivalenceReport]) -> None:
    report = linear_reports["linear_no_bias_migrated.py"]
    assert not report.passed
    bias = report.observable("variable b:0")[0]
    assert not bias.passed and "no matching variable" in bias.detail
    fetch = next(o for o in report.failures if o.kind == "fetch")
    # b starts at zero, so the first loss agrees; the first update of b makes them part.
    assert fetch.first_divergence == 1


def test_swapped_fetch_is_caught(adam_reports: dict[str, EquivalenceReport]) -> None:
    report = adam_reports["adam_swapped_fetch_migrated.py"]
    assert not report.passed
    fetches = [o for o in report.observables if o.kind == "fetch"]
    assert len(fetches) == 2 and not any(o.passed for o in fetches)
    assert all(o.first_divergence == 0 for o in fetches)
    # The fetch is wrong but the training is right: the variables agree.
    assert all(o.passed for o in report.observables if o.kind == "variable")


def test_wrong_optimizer_default_is_caught(adam_reports: dict[str, EquivalenceReport]) -> None:
    report = adam_reports["adam_default_epsilon_migrated.py"]
    assert not report.passed
    weight = report.observable("variable W:0")[0]
    assert not weight.passed and weight.max_rel is not None and weight.max_rel > 0.1


def test_tolerances_are_settable(adam_legacy: SideRun, adam_reports: dict[str, EquivalenceReport]) -> None:
    faithful = adam_reports["adam_migrated.py"]
    strict = HarnessOptions(timeout=120).with_tolerance("float32", rtol=1e-9, atol=1e-12)
    loose = HarnessOptions(timeout=120).with_tolerance("float32", rtol=2.0, atol=1.0)
    sites = api.legacy_run_sites(CASES / "adam_legacy.py")
    assert not api.evaluate(adam_legacy, faithful.migrated, strict, sites).passed
    wrong = adam_reports["adam_default_epsilon_migrated.py"]
    assert api.evaluate(adam_legacy, wrong.migrated, loose, sites).passed


def test_crashing_program_is_reported(linear_reports: dict[str, EquivalenceReport]) -> None:
    report = linear_reports["crash_migrated.py"]
    assert report.migrated.status == "crashed"
    assert "fails on purpose" in report.migrated.error
    assert "migrated program" in _failing(report)
    assert not report.passed


def test_hanging_program_is_stopped_at_the_timeout(linear_legacy: SideRun, workdir: Path) -> None:
    options = HarnessOptions(timeout=12)
    start = time.perf_counter()
    run = api.run_migrated(CASES / "hang_migrated.py", workdir / "hang", options, linear_legacy)
    elapsed = time.perf_counter() - start
    assert run.status == "timeout"
    assert elapsed < 12 + 5
    assert not api.evaluate(linear_legacy, run, options).passed


def test_out_of_memory_is_reported(linear_legacy: SideRun, workdir: Path) -> None:
    options = HarnessOptions(timeout=60, memory_mb=3072)
    run = api.run_migrated(CASES / "oom_migrated.py", workdir / "oom", options, linear_legacy)
    assert run.status == "out_of_memory", run.stderr[-2000:]


def test_diff_command_with_steps_on_mnist_stand_in(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    status = main(
        ["diff", str(CASES / "mnist_legacy.py"), str(CASES / "mnist_migrated.py"), "--steps", "40", "--json", str(out)]
    )
    table = capsys.readouterr().out
    assert status == 0, table
    assert "stopped after call 40" in table
    payload = json.loads(out.read_text())
    assert payload["passed"] is True
    assert set(payload) >= {"legacy", "migrated", "observables", "pairing", "variables", "options", "step_rate"}
    assert payload["legacy"]["status"] == payload["migrated"]["status"] == "stopped"
    assert payload["legacy"]["wall_time"] > 0 and payload["migrated"]["wall_time"] > 0
    observable = payload["observables"][0]
    assert set(observable) == {
        "kind", "name", "passed", "max_abs_error", "max_rel_error", "first_divergence", "compared", "detail",
    }
    assert {o["name"] for o in payload["observables"]} >= {"variable W:0", "variable b:0"}


def test_verify_command_over_two_trees(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, output = tmp_path / "src", tmp_path / "out"
    for directory, name in ((source, "linear_legacy.py"), (output, "linear_wrong_lr_migrated.py")):
        (directory / "pkg").mkdir(parents=True)
        (directory / "pkg" / "model.py").write_text((CASES / name).read_text())
    (source / "notes.py").write_text("print('hello')\n")
    status = main(["verify", str(source), str(output), "--steps", "30", "--failures-only"])
    captured = capsys.readouterr()
    assert status == 1
    assert "DIFFERS  pkg/model.py" in captured.out
    assert "variable W:0" in captured.out and "notes.py" not in captured.out
    assert "0 of 1 program pairs" in captured.err
