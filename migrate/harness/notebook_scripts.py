"""A notebook as the harness runs it: its code cells, in order, as one script.

Each program of a pair runs as a script in a child process. A notebook's Python code cells are
joined in order (migrate.notebook_cells.code_cells); an IPython line (a magic, a shell escape, `?`
help) becomes `pass` at its indentation, and a cell magic's first line (`%%time`) goes. What
Jupyter displays of a cell's last expression is not printed: both programs lose it alike.
"""

from __future__ import annotations

from pathlib import Path

from migrate.notebook_cells import code_cells, is_ipython_line

NOTEBOOK_SUFFIX = ".ipynb"


def notebook_script(text: str) -> str | None:
    """The script of a notebook's JSON text; None when the text is no notebook."""
    cells = code_cells(text)
    if cells is None:
        return None
    parts = []
    for source in cells:
        lines = source.splitlines()
        if lines and lines[0].startswith("%%"):
            lines = lines[1:]
        kept = []
        continued = False  # a magic or shell line goes on over lines ending in a backslash
        for line in lines:
            if continued or is_ipython_line(line):
                if not continued:
                    kept.append(f"{line[: len(line) - len(line.lstrip())]}pass")
                continued = line.rstrip().endswith("\\")
                continue
            kept.append(line)
        parts.append("\n".join(kept) + "\n")
    return "\n".join(parts)


def script_for(program: Path, directory: Path) -> Path:
    """The file to run for `program`: itself, or for a notebook its script, written into
    `directory` under the notebook's name."""
    if program.suffix != NOTEBOOK_SUFFIX:
        return program
    script = notebook_script(program.read_text(encoding="utf-8"))
    if script is None:
        raise ValueError(f"{program}: not a notebook (no JSON with a list of cells)")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{program.stem}.py"
    path.write_text(script, encoding="utf-8")
    return path
