"""Checkpoint conversion on a checkpoint the legacy save_restore.py program writes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrate import rewrite_source
from migrate.checkpoint_convert import checkpoint_keys, convert_checkpoint
from migrate.cli import main

LEGACY = Path(__file__).parent.parent / "legacy_examples" / "save_restore.py"


@pytest.mark.parametrize(
    ("source", "keys"),
    [
        ('ck = tf.train.Checkpoint(**{"a/w": w, "b": b})\n', ["a/w", "b"]),
        ("ck = tf.train.Checkpoint(model=m)\n", ["model"]),
        ("ck = other(x=1)\n", []),
    ],
    ids=["dict-keys", "keywords", "not-a-checkpoint"],
)
def test_checkpoint_keys(source: str, keys: list[str]) -> None:
    assert checkpoint_keys(source) == keys


def _legacy_checkpoint(tmp: Path) -> Path:
    """Run the legacy program under TF1 semantics, saving into `tmp`; returns the prefix."""
    runner = textwrap.dedent(
        f"""
        import sys, tempfile
        import tensorflow.compat.v1 as v1
        v1.disable_v2_behavior()
        sys.modules["tensorflow"] = v1
        tempfile.mkdtemp = lambda *a, **k: {str(tmp)!r}
        exec(compile(open({str(LEGACY)!r}).read(), "save_restore.py", "exec"), {{"__name__": "__main__"}})
        """
    )
    subprocess.run([sys.executable, "-c", runner], check=True, capture_output=True, timeout=300)
    return tmp / "linear.ckpt"


@pytest.mark.tensorflow
def test_convert_legacy_checkpoint_restores_in_migrated_program(tmp_path: Path) -> None:
    import tensorflow as tf

    old = _legacy_checkpoint(tmp_path)
    migrated = tmp_path / "migrated.py"
    migrated.write_text(rewrite_source(LEGACY.read_text()).code)
    result = convert_checkpoint(str(old), str(tmp_path / "converted"), migrated)
    assert result.matched == ("linear/W", "linear/b")
    assert result.missing == ()
    # The trained weights, read the way the migrated program reads them.
    W = tf.Variable(tf.zeros([3, 1]), name="linear/W")
    b = tf.Variable(tf.zeros([1]), name="linear/b")
    tf.train.Checkpoint(**{"linear/W": W, "linear/b": b}).read(result.path).assert_existing_objects_matched()
    reader = tf.train.load_checkpoint(str(old))
    assert (W.numpy() == reader.get_tensor("linear/W")).all()
    assert (b.numpy() == reader.get_tensor("linear/b")).all()
    assert abs(W.numpy().ravel()[0] - 1.5) < 0.5, "the legacy program trained toward 1.5"

    missing_program = tmp_path / "more.py"
    missing_program.write_text('ck = tf.train.Checkpoint(**{"linear/W": W, "other/v": v})\n')
    status = main(["checkpoint", "convert", str(old), str(tmp_path / "partial"), "--program", str(missing_program)])
    assert status == 1
