"""A notebook as the harness runs it: the script of its code cells."""

from __future__ import annotations

import json

import pytest

from migrate.harness.notebook_scripts import notebook_script


def _notebook(*cells: tuple[str, str]) -> str:
    return json.dumps({"cells": [{"cell_type": kind, "source": source} for kind, source in cells]})


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ((("code", "x = 1\n"), ("markdown", "# x\n"), ("code", "print(x)")), "x = 1\n\nprint(x)\n"),
        ((("code", "%matplotlib inline\nimport numpy as np\n"),), "pass\nimport numpy as np\n"),
        (
            (("code", "for i in range(2):\n    !echo \\\n      hi\n    y = i\n"),),
            "for i in range(2):\n    pass\n    y = i\n",
        ),
        ((("code", "%%time\nz = 2\n"),), "z = 2\n"),
        ((("code", "%%bash\nls\n"), ("code", "w = 3\n")), "w = 3\n"),
        ((("code", "np.zeros?\nv = 4\n"),), "pass\nv = 4\n"),
    ],
    ids=["cells-in-order", "line-magic", "continued-shell-line", "python-cell-magic", "bash-cell-left-out", "help"],
)
def test_notebook_script(cells: tuple[tuple[str, str], ...], expected: str) -> None:
    assert notebook_script(_notebook(*cells)) == expected


def test_not_a_notebook() -> None:
    assert notebook_script("print(1)\n") is None
    assert notebook_script(json.dumps({"cells": "none"})) is None
