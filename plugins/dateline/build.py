"""All-or-nothing builds: Pelican writes into a fresh folder beside ``output/``,
which replaces ``output/`` only when the build succeeded.

A refused, failed or killed build therefore leaves the last good site exactly
as it was, and a static host syncing ``output/`` never sees half a site:

* the finished folder and ``output/`` trade places in one step (Linux
  ``renameat2(RENAME_EXCHANGE)``), so ``output/`` always exists, whole;
  elsewhere two renames leave it missing for an instant;
* a build holds a lock on its staging folder (``.output-building-*``), so
  the next successful build can tell a killed build's leftovers, which it
  removes, from another build still running;
* every problem Pelican logs while reading is turned into a
  ``file:line: message`` line and reported with Dateline's own problems.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.log import init as init_logging
from pelican.settings import read_settings

from .generator import BuildRefused
from .reader import SourceError, metadata_line

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100
_PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+): ")
_TOO_DEEP = (
    "the Markdown is nested too deeply to render "
    "(lists or block quotes inside each other hundreds of levels deep)"
)


class BuildFailed(Exception):
    """The build did not produce a site; ``lines`` say why, one problem a line."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class _PelicanProblems(logging.Handler):
    """Pelican logs a file it cannot read and goes on; Dateline refuses instead.

    Each ERROR record becomes a ``file:line: message`` line when it names a
    source file (one line per file: Pelican often logs a second, consequent
    error), else ``error: message``.
    """

    def __init__(self, project: str, content: str) -> None:
        super().__init__(logging.ERROR)
        self.project = project
        self.content = content
        self.lines: list[str] = []
        self.files: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        where, line, message = self._describe(record, sys.exc_info()[1])
        if where is None:
            self.lines.append(f"error: {message}")
        elif where not in self.files:
            self.files.add(where)
            self.lines.append(f"{where}:{line}: {message}")

    def _describe(
        self, record: logging.LogRecord, error: BaseException | None
    ) -> tuple[str | None, int, str]:
        args = record.args if isinstance(record.args, tuple) else ()
        template = str(record.msg)
        if isinstance(error, SourceError):
            return self._display(error.path), error.line, error.message
        if template == "Could not process %s" and args:
            where = self._display(os.path.join(self.content, str(args[0])))
            if isinstance(error, RecursionError):
                return where, 1, _TOO_DEEP
            why = f"{type(error).__name__}: {error}" if error else "see the log above"
            return where, 1, f"Pelican cannot read this file: {why}"
        source = next((arg for arg in args if getattr(arg, "source_path", None)), None)
        if source is None:
            return None, 0, record.getMessage().replace("\n", " ")
        where = self._display(source.source_path)
        if template == "Skipping %s: could not find information about '%s'":
            return where, 1, f"the file has no {str(args[1]).title()}: line; add one"
        if template.startswith("Unknown status '%s'"):
            line = metadata_line(Path(source.source_path).read_text("utf-8", "replace"), "status")
            return where, line, f"unknown Status: '{args[0]}'; use one of: {', '.join(args[2])}"
        return where, 1, record.getMessage().replace("\n", " ").replace(str(source), "the file")

    def _display(self, path: str) -> str:
        return os.path.relpath(os.path.abspath(path), self.project)


def build_site(
    settings_file: str | Path,
    output: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    quiet: bool = False,
) -> Path:
    """Build with ``settings_file`` into ``output`` (default: its OUTPUT_PATH).

    Returns the output folder; raises BuildFailed and leaves ``output``
    untouched when the input is refused or anything else goes wrong.
    """
    init_logging(level=logging.ERROR if quiet else logging.WARNING)
    settings = read_settings(str(settings_file), override=dict(overrides or {}))
    final = Path(output or settings["OUTPUT_PATH"]).resolve()
    final.parent.mkdir(parents=True, exist_ok=True)
    content = os.path.abspath(settings["PATH"])
    problems = _PelicanProblems(os.path.dirname(content), content)
    root = logging.getLogger()
    printers = list(root.handlers)
    for printer in printers:  # every error is reported as one of the problem lines
        printer.addFilter(_below_error)
    root.addHandler(problems)
    try:
        with _staging(final) as staging:
            settings["OUTPUT_PATH"] = str(staging)
            settings["DATELINE_PREVIOUS_OUTPUT"] = str(final)  # pages to reuse (reuse.py)
            try:
                Pelican(settings).run()
            except BuildRefused as refused:
                raise BuildFailed(_in_order([*problems.lines, *refused.problems])) from None
            if problems.lines:
                raise BuildFailed(_in_order(problems.lines))
            _swap(staging, final)
    except BuildFailed:
        raise
    except Exception as error:  # a theme or settings bug: say what, not where
        raise BuildFailed([f"error: {type(error).__name__}: {error}"]) from error
    finally:
        root.removeHandler(problems)
        for printer in printers:
            printer.removeFilter(_below_error)
    _remove_stale_staging(final)
    return final


def _below_error(record: logging.LogRecord) -> bool:
    return record.levelno < logging.ERROR


def _in_order(lines: list[str]) -> list[str]:
    """File problems by file and line (as numbers), then problems of no file."""

    def key(line: str) -> tuple[int, str, int]:
        match = _PROBLEM.match(line)
        return (0, match["file"], int(match["line"])) if match else (1, line, 0)

    return sorted(lines, key=key)


@contextlib.contextmanager
def _staging(final: Path) -> Iterator[Path]:
    """A fresh, locked folder beside ``final``; removed afterwards unless swapped in."""
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}-building-", dir=final.parent))
    lock = os.open(staging, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):  # a file system without locks: never stale
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield staging
    finally:
        os.close(lock)
        shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, final: Path) -> None:
    """Put ``staging`` in place of ``final``; the previous site ends up at ``staging``."""
    staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    if not final.exists():
        os.rename(staging, final)
    elif not _exchange(staging, final):
        retired = staging.with_name(f"{staging.name}-old")
        os.rename(final, retired)
        os.rename(staging, final)
        os.rename(retired, staging)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux (or a libc without it)
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    done = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # old kernel, or file system
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _remove_stale_staging(final: Path) -> None:
    """Remove staging folders of builds that died (no process holds their lock)."""
    for folder in final.parent.glob(f".{final.name}-building-*"):
        try:
            lock = os.open(folder, os.O_RDONLY)
        except OSError:  # gone meanwhile, or not a folder
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a build still running (or no locks here: leave it)
            continue
        finally:
            os.close(lock)
        shutil.rmtree(folder, ignore_errors=True)
