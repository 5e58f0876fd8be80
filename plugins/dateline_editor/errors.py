"""The one exception the tools raise for problems an editor can fix."""

from __future__ import annotations

from collections.abc import Iterable

from pelican.plugins.dateline.problems import Problem, in_order


class ToolError(Exception):
    """A refusal: a summary, and the ``problems`` behind it (if any).

    The task wrappers (``cli``, ``tasks.py``) print each problem as the build
    does (``file:line: message``), then the summary, and exit with ``code``;
    nothing here ever prints a traceback for a problem in the input.
    """

    def __init__(self, summary: str, problems: Iterable[Problem] = (), code: int = 1) -> None:
        super().__init__(summary)
        self.summary = summary
        self.problems = in_order(problems)
        self.code = code

    @property
    def lines(self) -> list[str]:
        """The problems as they are printed, one a line."""
        return [str(problem) for problem in self.problems]
