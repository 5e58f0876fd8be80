"""How a refused build is told, whatever started it.

Pelican logs a file it cannot read and goes on ("Could not process …",
exit 0), and ``pelican`` prints an exception it did not expect as
``CRITICAL BuildRefused: …`` with a traceback. Dateline instead refuses with
``file:line: message`` lines and nothing else, under ``pelican``, ``pelican
--autoreload``, ``invoke build`` and ``dateline build`` alike:

* ``ReadingErrors`` turns each ERROR record logged while the content is read
  into a ``Problem`` (and keeps it from being printed twice); the model
  step refuses the build with them and its own;
* ``report_refusals`` filters Pelican's own logger: where ``pelican`` would
  log a ``BuildRefused`` with its traceback, the problem lines are printed
  instead, and ``--autoreload`` goes on waiting for the fix.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from .entries.reader import metadata_line
from .problems import BuildRefused, Problem, SourceError, display_path

_TOO_DEEP = (
    "the Markdown is nested too deeply to render "
    "(lists or block quotes inside each other hundreds of levels deep)"
)


class ReadingErrors(logging.Handler):
    """Pelican's ERROR records as problems, one per file (a second is consequent).

    While it listens, Pelican's own handlers print nothing at ERROR or above:
    each such record is printed once, as a problem line, when the build is
    refused.
    """

    def __init__(self, root: str, content: str) -> None:
        super().__init__(logging.ERROR)
        self.root = root
        self.content = content
        self.problems: list[Problem] = []
        self._files: set[str] = set()
        self._printers: list[logging.Handler] = []

    def listen(self) -> ReadingErrors:
        logger = logging.getLogger()
        self._printers = [handler for handler in logger.handlers if handler is not self]
        for printer in self._printers:
            printer.addFilter(self._below_error)
        logger.addHandler(self)
        return self

    def stop(self) -> list[Problem]:
        """Stop listening; the problems found meanwhile."""
        logging.getLogger().removeHandler(self)
        for printer in self._printers:
            printer.removeFilter(self._below_error)
        self._printers = []
        return self.problems

    @staticmethod
    def _below_error(record: logging.LogRecord) -> bool:
        return record.levelno < logging.ERROR

    def emit(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        found = error.problems if isinstance(error, SourceError) else [self._problem(record, error)]
        files = {problem.file for problem in found}
        if files & self._files:
            return
        self._files.update(file for file in files if file)
        self.problems.extend(found)

    def _problem(self, record: logging.LogRecord, error: BaseException | None) -> Problem:
        args = record.args if isinstance(record.args, tuple) else ()
        template = str(record.msg)
        if template == "Could not process %s" and args:
            where = self.display(os.path.join(self.content, str(args[0])))
            if isinstance(error, RecursionError):
                return Problem(where, 1, _TOO_DEEP)
            why = f"{type(error).__name__}: {error}" if error else "see the log above"
            return Problem(where, 1, f"Pelican cannot read this file: {why}")
        source = next((arg for arg in args if getattr(arg, "source_path", None)), None)
        if source is None:
            return Problem("", 0, record.getMessage().replace("\n", " "))
        where = self.display(source.source_path)
        if template == "Skipping %s: could not find information about '%s'":
            return Problem(where, 1, f"the file has no {str(args[1]).title()}: line; add one")
        if "would be written outside output path" in template:
            text = Path(source.source_path).read_text("utf-8", "replace")
            field = "save_as" if "save_as" in getattr(source, "metadata", {}) else "slug"
            return Problem(
                where,
                metadata_line(text, field),
                f"this would be written outside the output folder ({args[1]}); "
                f"give it a {field.title()}: without '..' or a leading '/'",
            )
        if template.startswith("Unknown status '%s'"):
            text = Path(source.source_path).read_text("utf-8", "replace")
            return Problem(
                where,
                metadata_line(text, "status"),
                f"unknown Status: '{args[0]}'; use one of: {', '.join(args[2])}",
            )
        message = record.getMessage().replace("\n", " ").replace(str(source), "the file")
        return Problem(where, 1, message)

    def display(self, path: str) -> str:
        return display_path(path, self.root)


def print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    sys.stderr.flush()


class _ReportRefusals(logging.Filter):
    """Drop Pelican's record of a refusal; print the problems instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        refused = next((arg for arg in args if isinstance(arg, BuildRefused)), None)
        if refused is None:
            return True
        print_problems(refused.problems)
        if record.levelno < logging.CRITICAL:  # --autoreload: the loop goes on
            print(
                "build refused: the site in the output folder was left as it was; "
                "waiting for changes",
                file=sys.stderr,
            )
        return False


_REPORT = _ReportRefusals()


def report_refusals() -> None:
    """Install the filter on Pelican's logger (once per process)."""
    logging.getLogger("pelican").addFilter(_REPORT)


_READING: list[ReadingErrors] = []


def listen_while_reading(settings: dict) -> None:
    """From the start of a run (``get_generators``) until the model step."""
    reading_problems()  # a run that failed before its model step left one
    content = os.path.abspath(settings["PATH"])
    _READING.append(ReadingErrors(os.path.dirname(content), content).listen())


def reading_problems() -> list[Problem]:
    """Stop listening; what Pelican logged as errors while reading, as problems."""
    problems: list[Problem] = []
    while _READING:
        problems.extend(_READING.pop().stop())
    return problems
