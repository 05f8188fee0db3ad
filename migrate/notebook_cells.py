"""Reading a notebook's code cells: which cells hold Python, and which lines are IPython's.

Both the rewriter (migrate.notebooks) and the harness, which runs a notebook as the script of
its cells (migrate.harness.notebook_scripts), read cells this way.
"""

from __future__ import annotations

import json
import re

# Cell magics whose body is Python run by IPython; other cell magics (%%bash, %%html,
# %%writefile, ...) hold something else, and such cells are left alone.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "tensorflow_version"})

IPYTHON_LINE = re.compile(
    r"""^\s*(?:
        [%!]                                 # %magic, !shell
      | [A-Za-z_][\w.,\s]*=\s*[%!]           # x = !ls, x = %time f()
      | \?                                   # ?name
      | [\w.]+\?{1,2}\s*$                    # name? / name??
    )""",
    re.VERBOSE,
)
CELL_MAGIC = re.compile(r"^%%(\w+)")


def code_cells(text: str) -> list[str] | None:
    """The Python code cells of a notebook's JSON text, in order (a cell of another language's
    cell magic, `%%bash`, left out; IPython lines kept); None when the text is no notebook."""
    try:
        notebook = json.loads(text)
    except ValueError:
        return None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return None
    found = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = source_text(cell.get("source", ""))
        magic = CELL_MAGIC.match(source or "")
        if source is not None and not (magic and magic.group(1) not in PYTHON_CELL_MAGICS):
            found.append(source)
    return found


def is_ipython_line(line: str) -> bool:
    """A line magic, shell escape or `?` help: IPython syntax, not Python."""
    return bool(IPYTHON_LINE.match(line))


def source_text(source: object) -> str | None:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return None
