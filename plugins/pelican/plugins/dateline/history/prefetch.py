"""The repository read in a second process, on another core, while Pelican reads.

Pelican runs on one core. Generators are made before any file is read, so
the plugin's generator starts this process at once: it runs ``git log`` and
``git status`` and, with the cache on, stores the entries of every committed
text the cache does not know yet. The history step takes the result; if
anything went wrong there, it reads the repository itself.

Then, with the cache on, the process goes on rendering the versions and
diffs the cache lacks (a new clone's first build), at a lower priority,
until the history pages are written: those pages find them made, and what
they need first they make themselves. Nothing it does is needed: stopped
at any point, the build makes the rest.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import weakref
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .gitlog import HistoryUnavailable, RepoHistory
from .store import HistoryStore, caching, is_markdown, read_repository

logger = logging.getLogger(__name__)

_PLUGIN = Path(__file__).resolve().parent.parent
_PACKAGES = (_PLUGIN.parent.parent, _PLUGIN.parent, _PLUGIN)  # pelican, .plugins, .dateline


class Prefetch:
    """The repository read in a second process while Pelican reads the content.

    Pelican runs on one core; this uses another. The process runs ``git log``
    and ``git status`` and, with the cache on, stores the entries of every
    committed text the cache does not know yet. When the history step comes,
    it takes the result; if anything went wrong there, the step reads the
    repository itself, as it would without a second process. The process
    then renders versions into the cache until ``close``.
    """

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.folder = Path(tempfile.mkdtemp(prefix="dateline-history-"))
        job = {
            "content": str(Path(settings["PATH"]).resolve()),
            "result": str(self.folder / "repository.pickle"),
            "settings": {
                key: settings.get(key)
                for key in ("CACHE_PATH", "MARKDOWN", "DATELINE_KINDS", "TIMEZONE")
            }
            | {"DATELINE_HISTORY_CACHE": caching(settings)},
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER, *map(str, _PACKAGES)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,  # one line: the repository's result is ready
            stderr=subprocess.DEVNULL,
        )
        # Stopped and cleaned up even if the build fails before the history step.
        self.close = weakref.finalize(self, _stop, self.process, self.folder)
        assert self.process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self.process.stdin.write(pickle.dumps(job))
            self.process.stdin.close()

    def repository(self, content: Path) -> RepoHistory:
        """The prefetched history; raises HistoryUnavailable as ``read_history`` would."""
        assert self.process.stdout is not None
        if self.process.stdout.readline() == _READY:
            with contextlib.suppress(OSError, pickle.PickleError, EOFError):
                outcome, value = pickle.loads((self.folder / "repository.pickle").read_bytes())
                if outcome == "unavailable":
                    raise HistoryUnavailable(value)
                return value
        return read_repository(content, self.settings)  # the second process failed


def _stop(process: subprocess.Popen[bytes], folder: Path) -> None:
    if process.poll() is None:
        process.kill()  # rendering ahead: SQLite rolls back what it was writing
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
    shutil.rmtree(folder, ignore_errors=True)


_READY = b"ready\n"


# The second process imports this module without Pelican (whose package the
# plugin lives in) and without the plugin's __init__: it starts in a tenth
# of the time. Nothing the history step imports needs either.
_WORKER = (
    "import sys, types\n"
    "for name, path in zip(('pelican', 'pelican.plugins', 'pelican.plugins.dateline'),"
    " sys.argv[1:]):\n"
    "    module = types.ModuleType(name); module.__path__ = [path]; sys.modules[name] = module\n"
    "from pelican.plugins.dateline.history.prefetch import _prefetch\n"
    "_prefetch()"
)


def start_prefetch(settings: dict[str, Any]) -> Prefetch | None:
    """Start reading the repository now, if there may be one to read."""
    if shutil.which("git") is None:
        return None  # the history step says why, in the build log
    try:
        return Prefetch(settings)
    except OSError as error:
        logger.debug("Dateline history: no second process (%s)", error)
        return None


def _prefetch() -> None:
    """The second process: ``git log``/``status``, entries into the cache, say so;
    then render versions into the cache until stopped."""
    job = pickle.loads(sys.stdin.buffer.read())
    settings = job["settings"]
    store = None
    try:
        repo = read_repository(Path(job["content"]), settings)
    except HistoryUnavailable as why:
        outcome: tuple[str, Any] = ("unavailable", str(why))
    else:
        outcome = ("ok", repo)
        if settings["DATELINE_HISTORY_CACHE"]:
            store = HistoryStore(repo.root, settings)
            zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
            kinds = settings["DATELINE_KINDS"]
            lineages = [*repo.files.values(), *repo.ended]
            versions = ((v.blob, v.path) for vs in lineages for v in vs if _is_content(v.path))
            store.learn(versions, kinds, zone)
            store.save()
    partial = Path(job["result"]).with_suffix(".partial")
    partial.write_bytes(pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL))
    partial.replace(job["result"])
    with open(os.devnull, "wb") as devnull:
        sys.stdout.buffer.write(_READY)
        sys.stdout.flush()
        os.dup2(devnull.fileno(), sys.stdout.fileno())  # nothing else goes to the build
    if store is not None:
        if hasattr(os, "nice"):
            os.nice(10)  # the build's own process comes first on a busy machine
        with contextlib.suppress(Exception):  # ahead of need only: the build makes the rest
            store.warm(repo.files.values())
        store.close()


def _is_content(path: str) -> bool:
    return is_markdown(path) or path.lower().endswith(".rst")
