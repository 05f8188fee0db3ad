"""migrate.analysis.syntax.runs_at_most_once: which module functions run at most once, through
the module, the script block and the functions calling them."""

from __future__ import annotations

import libcst as cst
import pytest

from migrate.analysis.syntax import runs_at_most_once

CASES = [
    pytest.param("def f():\n    pass\nf()\n", True, id="called-at-module-level"),
    pytest.param("def f():\n    pass\nfor i in range(2):\n    f()\n", False, id="called-in-a-loop"),
    pytest.param(
        "def f():\n    pass\ndef main(_):\n    f()\nif __name__ == '__main__':\n    tf.app.run(main=main)\n",
        True, id="called-from-main-run-by-the-app",
    ),
    pytest.param(
        "def f():\n    pass\ndef main():\n    f()\ndef outer():\n    main()\nouter()\n", True, id="through-two-callers"
    ),
    pytest.param("def f():\n    pass\ndef main():\n    f()\nmain()\nmain()\n", False, id="caller-called-twice"),
    pytest.param(
        "def f():\n    pass\ndef main():\n    for i in range(2):\n        f()\nmain()\n",
        False,
        id="caller-calls-it-in-a-loop",
    ),
    pytest.param("def f():\n    pass\n@once\ndef main():\n    f()\nmain()\n", False, id="decorated-caller"),
    pytest.param("def f():\n    g()\ndef g():\n    f()\nf()\n", False, id="recursion"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_runs_at_most_once(source: str, expected: bool) -> None:
    assert runs_at_most_once(cst.parse_module(source).body, "f") is expected
