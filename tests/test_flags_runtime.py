"""Programs with TF1 flags behave on the command line as they did: the legacy program run on
TF 2.21's `tf.compat.v1` (which keeps TF1's flags wrapper and `tf.app.run`) and its rewrite get
the same arguments and must print the same and end the same way."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from migrate import rewrite_source

MODULE_LEVEL_READ = """\
import tensorflow.compat.v1 as tf

flags = tf.app.flags
flags.DEFINE_integer("batch_size", 32, "examples per step")
FLAGS = flags.FLAGS
steps_per_epoch = 1000 // FLAGS.batch_size


def main(argv):
    print("steps", steps_per_epoch, "argv", argv[1:])


if __name__ == "__main__":
    tf.app.run(main)
"""

READS_IN_MAIN = """\
import tensorflow.compat.v1 as tf

tf.app.flags.DEFINE_string(flag_name="name", default_value="world", docstring="who")
FLAGS = tf.app.flags.FLAGS


def main(argv):
    print("hello", FLAGS.name, argv[1:])


if __name__ == "__main__":
    tf.app.run()
"""

NO_APP_RUN = """\
import tensorflow.compat.v1 as tf

tf.flags.DEFINE_boolean("verbose", False, "print more")
FLAGS = tf.flags.FLAGS


def main():
    print("verbose" if FLAGS.verbose else "quiet")


if __name__ == "__main__":
    main()
"""

# (legacy program, its arguments, whether TF1 ran it to the end)
CASES = [
    pytest.param(MODULE_LEVEL_READ, ["--batch_size=10"], True, id="module-level-read"),
    # TF1's implicit parse at the first read was strict: an unknown flag stopped the program.
    pytest.param(MODULE_LEVEL_READ, ["--batch_size=10", "--unknown=1"], False, id="module-level-read-unknown-flag"),
    pytest.param(READS_IN_MAIN, ["--name=tf", "--unknown=1", "rest"], True, id="app-run-passes-unknown-flags"),
    pytest.param(READS_IN_MAIN, [], True, id="app-run-finds-main"),
    pytest.param(NO_APP_RUN, ["--verbose"], True, id="main-guard"),
]


def _run(program: Path, argv: list[str]) -> tuple[int, str]:
    completed = subprocess.run(
        [sys.executable, str(program), *argv], capture_output=True, text=True, timeout=120, check=False
    )
    return completed.returncode, completed.stdout


@pytest.mark.tensorflow
@pytest.mark.slow
@pytest.mark.parametrize(("legacy", "argv", "finishes"), CASES)
def test_command_line_behaves_as_in_tf1(legacy: str, argv: list[str], finishes: bool, tmp_path: Path) -> None:
    migrated = rewrite_source(legacy).code
    assert "compat" not in migrated and "absl" in migrated
    (tmp_path / "legacy.py").write_text(legacy)
    (tmp_path / "migrated.py").write_text(migrated)
    with ThreadPoolExecutor(2) as pool:
        legacy_run, migrated_run = pool.map(lambda name: _run(tmp_path / name, argv), ["legacy.py", "migrated.py"])
    assert migrated_run == legacy_run
    status, printed = legacy_run
    assert (status == 0) is finishes
    assert bool(printed) is finishes
