"""Inside a child: writes through the view's links get a private copy first (copy on write).

The view (`workspace`) links large files and some directories to the user's tree. Before a
program writes to such a file, creates or deletes something inside such a directory, through
Python's own file functions (`open`, `os.open`, `os.mkdir`/`makedirs`, `os.remove`, `os.rename`,
`shutil.rmtree`, and everything built on them: numpy, pickle, pathlib), the guard replaces the
link by a copy (a file) or by a real directory of links (a directory), so the change stays in the
view. Paths outside the view are not touched. TensorFlow's own file system (checkpoints,
summaries) is not guarded: it writes new files, which are created in the view.
"""

from __future__ import annotations

import builtins
import functools
import io
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


class WriteGuard:
    """Copy on write for the links of one view directory."""

    def __init__(self, root: Path) -> None:
        self.root = os.path.abspath(root)
        self._lock = threading.RLock()
        self._mkdir = os.mkdir
        self._unlink = os.unlink
        self.copied: list[str] = []

    def _inside(self, path: Any) -> str | None:
        try:
            text = os.fspath(path)
        except TypeError:
            return None  # a file descriptor or an object open() accepts otherwise
        if isinstance(text, bytes):
            text = os.fsdecode(text)
        absolute: str = os.path.abspath(text)
        if absolute != self.root and not absolute.startswith(self.root + os.sep):
            return None
        return absolute

    def own_parents(self, path: Any) -> str | None:
        """Make every directory above `path` inside the view a real directory; the absolute path."""
        absolute = self._inside(path)
        if absolute is None:
            return None
        with self._lock:
            relative = os.path.relpath(os.path.dirname(absolute), self.root)
            current = self.root
            for part in [] if relative == "." else relative.split(os.sep):
                current = os.path.join(current, part)
                if os.path.islink(current) and os.path.isdir(current):
                    self._own_directory(current)
        return absolute

    def own_file(self, path: Any, *, keep_content: bool) -> None:
        """Before writing `path`: its directories are the view's, and a linked file becomes a copy."""
        absolute = self.own_parents(path)
        if absolute is None or not os.path.islink(absolute):
            return
        with self._lock:
            if not os.path.islink(absolute):
                return
            target = os.path.realpath(absolute)
            self._unlink(absolute)
            if keep_content and os.path.isfile(target):
                shutil.copyfile(target, absolute)
            self.copied.append(absolute)

    def remove_link(self, link: str) -> None:
        self._unlink(link)

    def _own_directory(self, link: str) -> None:
        target = os.path.realpath(link)
        self._unlink(link)
        self._mkdir(link)
        for entry in os.scandir(target):
            os.symlink(os.path.join(target, entry.name), os.path.join(link, entry.name))
        self.copied.append(link)


def _open_mode_writes(mode: str) -> bool:
    return any(flag in mode for flag in "wa+")


def install(root: Path) -> WriteGuard:
    """Wrap the file functions of this process; returns the guard (what it copied is in `copied`)."""
    guard = WriteGuard(root)
    raw_open = builtins.open

    @functools.wraps(raw_open)
    def guarded_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if isinstance(mode, str) and "x" in mode:
            guard.own_parents(file)  # exclusive creation must still fail on an existing file
        elif isinstance(mode, str) and _open_mode_writes(mode):
            guard.own_file(file, keep_content="w" not in mode)
        return raw_open(file, mode, *args, **kwargs)

    builtins.open = guarded_open
    io.open = guarded_open

    raw_os_open = os.open

    @functools.wraps(raw_os_open)
    def guarded_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> Any:
        if flags & _WRITE_FLAGS and kwargs.get("dir_fd") is None:
            guard.own_file(path, keep_content=not flags & os.O_TRUNC)
        return raw_os_open(path, flags, *args, **kwargs)

    os.open = guarded_os_open

    def parents_first(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(path: Any, *args: Any, **kwargs: Any) -> Any:
            if kwargs.get("dir_fd") is None:
                guard.own_parents(path)
            return function(path, *args, **kwargs)

        return wrapper

    for name in ("mkdir", "rmdir", "remove", "unlink"):
        setattr(os, name, parents_first(getattr(os, name)))

    def both_ends(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(source: Any, destination: Any, *args: Any, **kwargs: Any) -> Any:
            guard.own_parents(source)
            guard.own_parents(destination)
            return function(source, destination, *args, **kwargs)

        return wrapper

    os.rename = both_ends(os.rename)
    os.replace = both_ends(os.replace)
    raw_rmtree = shutil.rmtree

    @functools.wraps(raw_rmtree)
    def guarded_rmtree(path: Any, *args: Any, **kwargs: Any) -> Any:
        absolute = guard.own_parents(path)
        if absolute is not None and os.path.islink(absolute):
            # The tree is the user's: removing it from the view removes the link only.
            guard.remove_link(absolute)
            return None
        return raw_rmtree(path, *args, **kwargs)

    shutil.rmtree = guarded_rmtree  # type: ignore[assignment]
    return guard
