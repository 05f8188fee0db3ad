"""The directory a harness child runs in: the files the program would see, writes kept apart.

A program run by hand reads files by relative path from its working directory, and often from
its own directory (`np.loadtxt("data.csv")`, `open(os.path.join(os.path.dirname(__file__), ...))`).
Each side gets a *view*: a fresh directory that merges several source directories (the layers,
first one wins on a name clash) and becomes the child's working directory. The program file is
placed in the view and run from there, so `__file__`-relative paths land in the view too.

Directories are recreated as real directories; files are copied when small and linked when large,
so that reading costs nothing and new files (checkpoints, summaries, outputs) are created in the
view, never in the user's tree. A program that writes to a linked file through Python is given a
private copy first (`write_guard`, installed in the child). Directories past the entry budget,
and dot-directories (`.git`, virtual environments), are linked whole; both are read-only in
practice.
"""

from __future__ import annotations

import os
import shutil
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# A directory the harness made (results, views) carries this file; views never mirror it.
HARNESS_MARKER = ".tf-migrate-harness"
# Files up to this size are copied into the view, larger ones (and all once the copies reach
# the budget) are linked.
COPY_LIMIT_BYTES = 256 * 1024
COPY_BUDGET_BYTES = 64 * 1024 * 1024
# Entries mirrored one by one; past this, remaining directories are linked whole.
ENTRY_BUDGET = 20_000


@dataclass
class View:
    """A prepared working directory and where the program sits in it."""

    root: Path
    program: Path
    layers: tuple[Path, ...]
    notes: list[str] = field(default_factory=list)


def mark_harness_directory(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / HARNESS_MARKER).touch()


def view_layers(program: Path, cwd: Path | None, invoked_from: Path, *, fallback: Iterable[Path] = ()) -> list[Path]:
    """Source directories of a view, highest precedence first.

    The program's own directory comes first, so that its modules and `__file__`-relative files
    are its own; then the working directory (`--cwd DIR`, else the directory the harness was
    called from). `fallback` directories come last (the migrated side also sees the legacy
    program's directory, so a migration kept apart from its data still finds it).
    """
    ordered = [program.resolve().parent, (cwd if cwd is not None else invoked_from).resolve()]
    ordered.extend(path.resolve() for path in fallback)
    unique: list[Path] = []
    for layer in ordered:
        if layer.is_dir() and layer not in unique:
            unique.append(layer)
    return unique


def build_view(destination: Path, program: Path, layers: Sequence[Path], *, budget: int = ENTRY_BUDGET) -> View:
    """Create `destination` (which must not exist yet) merging `layers`; place `program` in it."""
    destination.mkdir(parents=True)
    (destination / HARNESS_MARKER).touch()
    view = View(destination, destination / program.name, tuple(layers))
    # The program itself always wins its own name, whatever the layers hold.
    shutil.copy2(program, view.program)
    mirror = _Mirror(destination, budget, reserved=view.program)
    for layer in layers:
        mirror.merge(layer, destination)
    if mirror.linked_whole:
        view.notes.append(
            f"{mirror.linked_whole} directories were linked whole (past {budget} entries): "
            "what TensorFlow itself writes into them is not kept apart"
        )
    return view


class _Mirror:
    def __init__(self, root: Path, budget: int, reserved: Path) -> None:
        self.root = root.resolve()
        self.budget = budget
        self.reserved = reserved
        self.entries = 0
        self.copied_bytes = 0
        self.linked_whole = 0

    def merge(self, source: Path, target: Path) -> None:
        """Breadth first, so that the top of every layer is mirrored before the budget runs out."""
        queue: deque[tuple[Path, Path]] = deque([(source, target)])
        while queue:
            directory, into = queue.popleft()
            try:
                children = sorted(os.scandir(directory), key=lambda entry: entry.name)
            except OSError:
                continue
            for entry in children:
                queue.extend(self._place(Path(entry.path), into / entry.name))

    def _place(self, source: Path, target: Path) -> list[tuple[Path, Path]]:
        if target == self.reserved or source.name == HARNESS_MARKER or _is_harness_directory(source):
            return []
        if source.resolve() == self.root or self.root.is_relative_to(source.resolve()):
            return []  # the view itself, or a directory holding it
        if target.exists() or target.is_symlink():
            # An earlier layer has this name: a directory on both sides merges, else the earlier wins.
            if target.is_dir() and not target.is_symlink() and source.is_dir():
                return [(source, target)]
            return []
        self.entries += 1
        if source.is_dir():
            hidden = source.name.startswith(".")
            if self.entries > self.budget or hidden:
                self.linked_whole += not hidden
                target.symlink_to(source.resolve(), target_is_directory=True)
                return []
            target.mkdir()
            return [(source, target)]
        if not source.exists():
            return []  # a dangling link
        try:
            size = source.stat().st_size
            within_budget = self.copied_bytes + size <= COPY_BUDGET_BYTES and self.entries <= self.budget
            if size <= COPY_LIMIT_BYTES and within_budget:
                shutil.copy2(source, target)
                self.copied_bytes += size
            else:
                target.symlink_to(source.resolve())
        except OSError:
            target.unlink(missing_ok=True)
            target.symlink_to(source.resolve())
        return []


def _is_harness_directory(path: Path) -> bool:
    return path.is_dir() and (path / HARNESS_MARKER).exists()
