"""The one exception the tools raise for problems an editor can fix."""

from __future__ import annotations


class ToolError(Exception):
    """A refusal: ``lines`` (``file:line: message`` where there is a place) and a summary.

    ``tasks.py`` prints the lines to stderr and exits with ``code``; nothing
    here ever prints a traceback for a problem in the input.
    """

    def __init__(self, summary: str, lines: list[str] | None = None, code: int = 1) -> None:
        super().__init__(summary)
        self.summary = summary
        self.lines = list(lines or [])
        self.code = code
