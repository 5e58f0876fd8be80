"""A problem: one reason to refuse a build, from the reader to every tool.

Every step that finds something wrong (the entry scanner, the model, the
history, the settings check, Pelican's own reading errors) makes a
``Problem``; the build refuses with all of them at once, and every tool
prints them with the same ``str()``: ``content/a.md:12: what to do``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

_CONTROL = re.compile("[\x00-\x1f\x7f]")


@dataclass(frozen=True, order=True)
class Problem:
    """Where (a file relative to the site's root, a 1-based line) and what to do.

    ``file`` is "" for a problem of no file (a setting, the theme); ``line``
    is 0 where no line applies. Frozen and plain, so Pelican's content cache
    can keep a file's problems with its text.
    """

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        if not self.file:
            return self.message
        # A line break in a file's name must not split the problem's line.
        file = _CONTROL.sub(lambda char: repr(char[0])[1:-1], self.file)
        return f"{file}:{self.line}: {self.message}" if self.line else f"{file}: {self.message}"

    def at(self, file: str) -> Problem:
        """The same problem, placed in ``file``."""
        return replace(self, file=file)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """Problems of files by file and line, then those of no file; each once."""
    return sorted(set(problems), key=lambda problem: (not problem.file, problem))


class BuildRefused(Exception):
    """Input Dateline will not publish. ``str()`` is the problems, one a line."""

    exitcode = 1

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = in_order(problems)
        super().__init__("\n".join(map(str, self.problems)))


class SourceError(Exception):
    """A source file that cannot be read at all, and every line at fault."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = in_order(problems)
        super().__init__("\n".join(map(str, self.problems)))


def site_root(settings: Mapping[str, Any]) -> str:
    """The folder holding the content folder: problems name files relative to it."""
    return os.path.dirname(os.path.abspath(settings["PATH"]))


def display_path(path: str, root: str) -> str:
    """``path`` relative to ``root`` when inside it (else absolute), with ``/``."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root)
    return absolute if relative.startswith("..") else Path(relative).as_posix()
