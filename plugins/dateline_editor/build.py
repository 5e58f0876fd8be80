"""All-or-nothing builds: Pelican writes into a fresh folder beside ``output/``,
which replaces ``output/`` only when the build succeeded.

What ``dateline build`` and ``invoke build`` run (``pelican`` itself writes
in place). A refused, failed or killed build therefore leaves the last good
site exactly as it was, and a static host syncing ``output/`` never sees
half a site:

* the finished folder and ``output/`` trade places in one step (Linux
  ``renameat2(RENAME_EXCHANGE)``), so ``output/`` always exists, whole;
  elsewhere two renames leave it missing for an instant;
* a build holds a lock on its staging folder (``.output-building-*``), so
  the next successful build can tell a killed build's leftovers, which it
  removes, from another build still running;
* the site a build replaces is kept as the next build's *spare*
  (``spare.py``): its folders, emptied of files, are the next staging
  folder's, as making and removing a folder per page costs more than the
  rest of a one-entry rebuild;
* every error Pelican logs during the whole run is a problem, as the plugin
  makes those it logs while reading; a site whose content has entries but
  where the plugin did not load is refused, never published as raw ``:::``.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.log import init as init_logging
from pelican.plugins.dateline.guard import output_problems
from pelican.plugins.dateline.outputs.record import RECORD_PATH
from pelican.plugins.dateline.problems import BuildRefused, Problem, in_order
from pelican.plugins.dateline.refusal import ReadingErrors
from pelican.settings import read_settings

from .spare import keep, prune, spare_path, take

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100
PLUGIN = "pelican.plugins.dateline"


class BuildFailed(Exception):
    """The build did not produce a site; ``problems`` say why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = in_order(problems)
        super().__init__("\n".join(self.lines))

    @property
    def lines(self) -> list[str]:
        """The problems as they are printed, one a line."""
        return [str(problem) for problem in self.problems]


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
    settings_folder = {"the settings' folder": Path(settings_file).resolve().parent}
    refused = output_problems(output or final, settings, settings_folder)
    refused = refused or _not_ours(final)
    if refused:
        raise BuildFailed(refused)
    final.parent.mkdir(parents=True, exist_ok=True)
    content = os.path.abspath(settings["PATH"])
    errors = ReadingErrors(os.path.dirname(content), content).listen()
    try:
        try:
            _build(settings, final, errors, spare_path(settings) if final.is_dir() else None)
        except _FolderInTheWay:  # a folder of the last site where this one has a file
            errors.problems.clear()
            settings = read_settings(str(settings_file), override=dict(overrides or {}))
            _build(settings, final, errors, None)
    except BuildFailed:
        raise
    except Exception as error:  # a theme or settings bug: say what, not where
        raise BuildFailed([Problem("", 0, f"error: {type(error).__name__}: {error}")]) from error
    finally:
        errors.stop()
    _remove_stale_staging(final)
    return final


class _FolderInTheWay(Exception):
    """A file is to be written where the spare (``spare.py``) has a folder."""


def _build(
    settings: dict[str, Any], final: Path, errors: ReadingErrors, spare: Path | None
) -> None:
    """Run Pelican into a staging folder (the spare's folders, if there is one) and
    put it in place of ``final``; keep the site it replaces as the next spare."""
    with _staging(final, spare) as (staging, recycled):
        settings["OUTPUT_PATH"] = str(staging)
        settings["DATELINE_REUSE_FROM"] = str(final)  # pages to reuse (incremental)
        try:
            pelican = Pelican(settings)
            _check_plugin_loaded(pelican)
            pelican.run()
        except BuildRefused as refused:
            raise BuildFailed([*errors.problems, *refused.problems]) from None
        except IsADirectoryError as error:
            if recycled:  # perhaps one of its folders: the build is made again without
                raise _FolderInTheWay from error
            raise
        if errors.problems:
            raise BuildFailed(errors.problems)
        prune(recycled)
        _keep_retained(final, staging, settings["OUTPUT_RETENTION"])
        replaced = _swap(staging, final)
        if replaced and spare is not None:
            keep(staging, spare)


def _check_plugin_loaded(pelican: Pelican) -> None:
    """Refuse a site whose content has entries but where Dateline is not loaded.

    (Pelican's own "Cannot load plugin" error, if any, is a problem too.)
    """
    loaded = pelican.settings.get("PLUGINS") or []
    if PLUGIN in loaded or "dateline" in loaded:
        return
    entries = _first_entry(Path(pelican.settings["PATH"]))
    if entries is None:
        return
    raise BuildRefused(
        [
            Problem(
                entries[0],
                entries[1],
                "this entry would be published as raw ':::' text: the dateline plugin is not "
                'loaded; add "dateline" to PLUGINS (and pip install dateline)',
            )
        ]
    )


def _first_entry(content: Path) -> tuple[str, int] | None:
    """The first ``:::`` line under ``content``, as (file, line)."""
    root = content.parent
    for path in sorted(content.rglob("*")):
        if path.suffix.lower() not in (".md", ".markdown", ".mkd", ".mdown", ".rst"):
            continue
        with contextlib.suppress(OSError, UnicodeDecodeError):
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if line.startswith(":::"):
                    return path.relative_to(root).as_posix(), number
    return None


def _not_ours(final: Path) -> list[Problem]:
    """A folder with files in it but no record of a Dateline build is not ours to replace."""
    if not final.is_dir() or not any(final.iterdir()) or (final / RECORD_PATH).is_file():
        return []
    return [
        Problem(
            "",
            0,
            f"the output folder {final} holds files but no record of a Dateline build "
            f"({RECORD_PATH}), so a build will not replace it; move it away (or empty it) "
            "and build again, or choose another folder",
        )
    ]


def _keep_retained(final: Path, staging: Path, retention: list[str]) -> None:
    """Pelican's OUTPUT_RETENTION: those files of the last output move into the new one."""
    for name in retention:
        kept, new = final / name, staging / name
        if os.path.lexists(kept) and not os.path.lexists(new):
            os.rename(kept, new)


@contextlib.contextmanager
def _staging(final: Path, spare: Path | None) -> Iterator[tuple[Path, list[str]]]:
    """A locked folder beside ``final``, with the folders of ``spare`` if it can take
    them (and those folders); removed afterwards unless swapped in."""
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}-building-", dir=final.parent))
    lock = os.open(staging, os.O_RDONLY)
    recycled: list[str] = []
    try:
        with contextlib.suppress(OSError):  # a file system without locks: never stale
            fcntl.flock(lock, fcntl.LOCK_EX)
        taken = take(spare, staging) if spare is not None else None
        if taken is not None:
            os.close(lock)  # the empty folder it replaced
            lock, recycled = taken
        yield staging, recycled
    finally:
        os.close(lock)
        shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, final: Path) -> bool:
    """Put ``staging`` in place of ``final``; the previous site, if there was one (True),
    ends up at ``staging``."""
    staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    if not final.exists():
        os.rename(staging, final)
        return False
    if not _exchange(staging, final):
        retired = staging.with_name(f"{staging.name}-old")
        os.rename(final, retired)
        os.rename(staging, final)
        os.rename(retired, staging)
    return True


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
