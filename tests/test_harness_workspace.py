"""The pieces of the harness that need no TensorFlow: the working-directory view, copy on write,
run-site mapping, the replay of random seeds, and the totals of `verify`."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrate.commands.verify import MISSING, totals, tree_status
from migrate.harness import Outcome
from migrate.harness import workspace as ws
from migrate.harness.random_ops import EAGER, FUNCTION, GRAPH, INITIALIZER, Site
from migrate.harness.random_streams import LegacyStreams, MigratedStreams, stateless_seed
from migrate.harness.records import Draw, RandomLog
from migrate.harness.site_map import SiteMap


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """A program directory and a working directory, with a name in both."""
    program_dir, cwd = tmp_path / "project" / "scripts", tmp_path / "project"
    (program_dir / "data").mkdir(parents=True)
    (program_dir / "train.py").write_text("print('hi')\n")
    (program_dir / "helpers.py").write_text("VALUE = 1\n")
    (program_dir / "data" / "small.csv").write_text("1,2\n")
    (program_dir / "data" / "large.bin").write_bytes(b"x" * (ws.COPY_LIMIT_BYTES + 1))
    (program_dir / "shared.txt").write_text("from the program's directory\n")
    (cwd / "shared.txt").write_text("from the working directory\n")
    (cwd / "data").mkdir()
    (cwd / "data" / "extra.csv").write_text("3,4\n")
    (cwd / ".git").mkdir()
    (cwd / ".git" / "HEAD").write_text("ref\n")
    return program_dir, cwd


def test_view_layers_order(tree: tuple[Path, Path], tmp_path: Path) -> None:
    program_dir, cwd = tree
    program = program_dir / "train.py"
    assert ws.view_layers(program, None, cwd) == [program_dir.resolve(), cwd.resolve()]
    assert ws.view_layers(program, tmp_path, cwd) == [program_dir.resolve(), tmp_path.resolve()]
    with_fallback = ws.view_layers(program, None, program_dir, fallback=[tmp_path])
    assert with_fallback == [program_dir.resolve(), tmp_path.resolve()]


def test_view_merges_layers_copies_small_files_and_links_large_ones(tree: tuple[Path, Path], tmp_path: Path) -> None:
    program_dir, cwd = tree
    program = program_dir / "train.py"
    view = ws.build_view(tmp_path / "view", program, ws.view_layers(program, None, cwd))
    root = view.root
    assert view.program == root / "train.py" and not view.program.is_symlink()
    assert (root / "shared.txt").read_text() == "from the program's directory\n"  # first layer wins
    assert (root / "data" / "small.csv").is_file() and not (root / "data" / "small.csv").is_symlink()
    assert (root / "data" / "large.bin").is_symlink()
    assert (root / "data" / "extra.csv").read_text() == "3,4\n"  # directories of both layers merge
    assert (root / "helpers.py").is_file()
    assert (root / ".git").is_symlink()  # hidden directories are linked whole
    assert not view.notes


def test_view_skips_harness_directories_and_itself(tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text("pass\n")
    ws.mark_harness_directory(tmp_path / "legacy")
    (tmp_path / "legacy" / "result.json").write_text("{}")
    view = ws.build_view(tmp_path / "legacy-cwd", program, [tmp_path])
    assert sorted(p.name for p in view.root.iterdir()) == [ws.HARNESS_MARKER, "prog.py"]


def test_view_links_whole_directories_past_the_budget(tmp_path: Path) -> None:
    program = tmp_path / "src" / "prog.py"
    (tmp_path / "src" / "many" / "zdeep").mkdir(parents=True)
    program.write_text("pass\n")
    for index in range(5):
        (tmp_path / "src" / "many" / f"f{index}.txt").write_text("x")
    view = ws.build_view(tmp_path / "view", program, [tmp_path / "src"], budget=3)
    assert (view.root / "many").is_dir()
    assert (view.root / "many" / "zdeep").is_symlink()  # met after the budget ran out
    assert view.notes and "linked whole" in view.notes[0]


def test_write_guard_keeps_writes_in_the_view(tmp_path: Path) -> None:
    user = tmp_path / "user"
    (user / "logs").mkdir(parents=True)
    (user / "big.bin").write_bytes(b"original")
    (user / "logs" / "old.txt").write_text("old\n")
    view = tmp_path / "view"
    view.mkdir()
    (view / "big.bin").symlink_to(user / "big.bin")
    (view / "logs").symlink_to(user / "logs", target_is_directory=True)
    script = textwrap.dedent(
        f"""
        import os, shutil, sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
        from migrate.harness import write_guard
        write_guard.install(Path({str(view)!r}))
        os.chdir({str(view)!r})
        with open("big.bin", "ab") as handle:
            handle.write(b"+appended")
        Path("logs/new.txt").write_text("new")
        os.remove("logs/old.txt")
        os.makedirs("logs/run1/events")
        try:
            open("big.bin", "x")
        except FileExistsError:
            print("exclusive creation still fails")
        print(open("big.bin", "rb").read().decode())
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["exclusive creation still fails", "original+appended"]
    assert (user / "big.bin").read_bytes() == b"original"
    assert sorted(p.name for p in (user / "logs").iterdir()) == ["old.txt"]
    assert not (view / "logs").is_symlink() and (view / "logs" / "new.txt").read_text() == "new"
    assert not (view / "logs" / "old.txt").exists() and (view / "logs" / "run1" / "events").is_dir()


def test_site_map_reads_a_line_as_its_record_or_a_receiver_above() -> None:
    sites = SiteMap({10: "train_step", 14: None, 20: "compute_loss"})
    assert sites.function("line 10") == sites.function("line 12") == "train_step"  # `sess` two lines above
    assert sites.function("line 14") is None and sites.function("line 9") is None
    # An initializer run the rewriter removed, far below a recorded site, belongs to no function.
    assert sites.function("line 13") is None and sites.function("line 35") is None
    assert SiteMap.from_json(sites.to_json()).function("line 21") == "compute_loss"


def _legacy_log() -> RandomLog:
    """An initializer run, then two runs of line 30 (train_step) drawing a dropout mask and a
    normal noise each, then a run of line 40 (predict) drawing nothing."""
    streams = LegacyStreams(seed=0)
    kernel = Site(0, "uniform", "float32", GRAPH)
    noise = Site(1, "normal", "float32", GRAPH)
    mask = Site(2, "uniform", "float32", GRAPH)
    streams.begin_run("line 20")
    assert streams.seed(kernel, (4, 3)) == stateless_seed(0, 0, 0)
    streams.end_run(False)
    for _ in range(2):
        streams.begin_run("line 30")
        streams.seed(mask, (8, 3))
        streams.seed(noise, (8, 1))
        streams.end_run(True)
    streams.begin_run("line 40")
    streams.end_run(True)
    return streams.log


def test_legacy_streams_seed_by_creation_order_and_count() -> None:
    log = _legacy_log()
    assert log.runs == [("line 20", False), ("line 30", True), ("line 30", True), ("line 40", True)]
    assert [(d.run, d.op, d.count) for d in log.draws] == [(0, 0, 0), (1, 2, 0), (1, 1, 0), (2, 2, 1), (2, 1, 1)]
    assert RandomLog.from_json(log.to_json()) == log


def test_legacy_run_that_fails_is_left_out_of_the_log() -> None:
    """A run that raises (the dataset at its end) pairs with no migrated call: its draws are
    dropped and the ops' counts go on, so the next run draws new numbers."""
    streams = LegacyStreams(seed=0)
    mask = Site(0, "uniform", "float32", GRAPH)
    for failed in (False, True, False):
        streams.begin_run("line 30")
        streams.seed(mask, (8, 3))
        streams.end_run(not failed, failed)
    log = streams.log
    assert log.runs == [("line 30", True), ("line 30", True)]
    assert [(d.run, d.op, d.count) for d in log.draws] == [(0, 0, 0), (1, 0, 2)]


def test_migrated_streams_replay_by_function_call_kind_and_rank() -> None:
    sites = SiteMap({20: None, 30: "train_step", 40: "predict"})
    streams = MigratedStreams(0, _legacy_log(), sites)
    # The kernel, built eagerly, takes the initializer run's draw of the same kind and shape.
    assert streams.seed(Site(0, "uniform", "float32", EAGER), (4, 3)) == stateless_seed(0, 0, 0)
    # Traced in another order than the legacy graph was built: matched by kind, then rank.
    noise = Site(1, "normal", "float32", FUNCTION, graph=1, rank=0)
    mask = Site(2, "uniform", "float32", FUNCTION, graph=1, rank=0)
    for call in range(2):
        streams.begin_call("train_step", call)
        assert streams.seed(noise, (8, 1)) == stateless_seed(0, 1, call)
        assert streams.seed(mask, (8, 3)) == stateless_seed(0, 2, call)
        streams.end_call()
    assert streams.log.replayed == 5 and streams.log.unaligned_count == 0
    # A retrace (new graph, same ranks) keeps replaying; a third call has no legacy run.
    streams.begin_call("train_step", 2)
    streams.seed(Site(3, "uniform", "float32", FUNCTION, graph=2, rank=0), (8, 3))
    streams.end_call()
    assert streams.log.unaligned_count == 1 and "call 3 of train_step has no legacy run" in streams.log.unaligned[0]


def test_migrated_streams_report_what_they_cannot_align() -> None:
    streams = MigratedStreams(0, _legacy_log(), SiteMap({20: None, 30: "train_step", 40: "predict"}))
    streams.begin_call("train_step", 0)
    streams.seed(Site(0, "uniform", "float32", FUNCTION, graph=1, rank=0), (9, 3))  # another shape
    streams.seed(Site(1, "uniform", "float32", FUNCTION, graph=1, rank=1), (8, 3))  # one uniform op too many
    streams.end_call()
    streams.begin_call("predict", 0)
    streams.seed(Site(2, "normal", "float32", FUNCTION, graph=3, rank=0), (2,))  # predict drew nothing
    streams.end_call()
    streams.seed(Site(3, "normal", "float32", FUNCTION, graph=4, rank=0), (2,))  # outside any recorded call
    streams.seed(Site(4, "truncated_normal", "float32", INITIALIZER), (5,))
    log = streams.log
    assert log.replayed == 0 and log.unaligned_count == 4 and log.eager_unaligned_count == 1
    assert "the legacy op drew shape [8, 3]" in log.unaligned[0]
    assert "the legacy run drew 1 such ops" in log.unaligned[1]
    assert "the legacy run drew 0 such ops" in log.unaligned[2]
    assert "does not record" in log.unaligned[3]


def test_migrated_streams_pair_functions_by_order_without_records() -> None:
    streams = MigratedStreams(0, _legacy_log(), None)
    streams.begin_call("step", 1)
    assert streams.seed(Site(0, "uniform", "float32", FUNCTION, graph=1, rank=0), (8, 3)) == stateless_seed(0, 2, 1)
    streams.end_call()


def test_graph_sites_keep_the_legacy_rule() -> None:
    streams = MigratedStreams(3, RandomLog(), None)
    site = Site(5, "uniform", "float32", GRAPH)
    assert [streams.seed(site, (2,)) for _ in range(2)] == [stateless_seed(3, 5, 0), stateless_seed(3, 5, 1)]


def test_legacy_draws_shape_and_seed_round_trip_in_json() -> None:
    draw = Draw(1, 2, 3, "shuffle", "float32", (10,))
    assert Draw.from_json(draw.to_json()) == draw


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [
        ([Outcome.PARITY, Outcome.PARITY], 0),
        ([Outcome.PARITY, Outcome.LEGACY_FAILS], 3),
        ([Outcome.LEGACY_FAILS, Outcome.NOTHING_COMPARED], 5),
        ([Outcome.NOTHING_COMPARED, Outcome.RANDOM_NOT_ALIGNED], 4),
        ([Outcome.RANDOM_NOT_ALIGNED, Outcome.MIGRATED_FAILS], 1),
        ([Outcome.PARITY, MISSING], 1),
        ([], 1),
    ],
)
def test_tree_status_is_the_most_serious_outcome(outcomes: list[Outcome | str], status: int) -> None:
    assert tree_status(outcomes) == status


def test_totals_name_each_kind() -> None:
    outcomes: list[Outcome | str] = [Outcome.PARITY, Outcome.PARITY, Outcome.MIGRATED_FAILS, MISSING]
    assert totals(outcomes) == "4 program pairs: 2 parity, 1 migrated fails, 1 missing"
