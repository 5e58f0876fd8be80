"""Progress for long tasks: a live bar on a terminal, one line per step elsewhere.

Pelican already logs through rich; the tools use rich's bar in a terminal
and stay quiet in logs and CI, where a redrawn bar is only noise.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import TypeVar

from rich.console import Console
from rich.progress import track as rich_track

T = TypeVar("T")
_console = Console(stderr=True)


def step(message: str) -> None:
    """Say what the task is doing now (stderr, so stdout stays for results)."""
    print(f"→ {message}", file=sys.stderr, flush=True)


def track(items: Sequence[T], description: str) -> Iterator[T]:
    """Iterate ``items``, showing a bar on a terminal and a count otherwise."""
    if not items:
        return iter(())
    step(f"{description}: {len(items)} file(s)")
    if _console.is_terminal:
        return iter(rich_track(items, description=description, console=_console, transient=True))
    return iter(items)
