"""``invoke livereload``: build, serve, and rebuild whenever a source changes.

Rebuilds go through ``build_site``, so they are all or nothing: a refused
edit prints its problems and the browser keeps the last good site. Pelican's
content cache makes a content edit fast; it is keyed on content files only,
so a change to the settings or the theme rebuilds with the cache ignored
(and refreshes it). Plugin code is loaded once: restart after changing it.
"""

from __future__ import annotations

import contextlib
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pelican.plugins.dateline.incremental.live import LiveSite
from watchfiles import DefaultFilter, watch

from ..build import BuildFailed, build_site
from ..errors import ToolError
from ..project import Project, working_directory
from .devserver import BuildCounter, make_server

Say = Callable[[str], None]


@dataclass(frozen=True)
class Change:
    """One changed file, and whether it invalidates Pelican's content cache."""

    path: Path
    ignore_cache: bool


class _Hidden(DefaultFilter):
    """Hidden files are not edits: editors' swap files, our own ``.x.md.dateline-tmp``."""

    def __call__(self, change: object, path: str) -> bool:
        return not Path(path).name.startswith(".") and super().__call__(change, path)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class LiveReload:
    """The watch-rebuild-serve loop for one project."""

    def __init__(self, project: Project, output: Path, say: Say = _say) -> None:
        self.project = project
        self.output = output
        self.say = say
        self.counter = BuildCounter()
        self.live: LiveSite | None = None  # the last build, kept to take an edit in place
        self.changes: queue.Queue[Change] = queue.Queue()
        self.stop = threading.Event()
        root = project.root
        self.settings_files = {project.settings_file, root / "pelicanconf.py"}
        self.theme = Path(project.settings.get("THEME", root / "theme")).resolve()

    def build(self, ignore_cache: bool) -> bool:
        """One all-or-nothing build with the content cache; True if it succeeded."""
        for settings in self.settings_files:
            sys.modules.pop(settings.stem, None)  # publishconf imports pelicanconf afresh
        overrides = {
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": not ignore_cache,
            "CACHE_PATH": str(self.project.root / "cache"),
            "DATELINE_TRACK_READS": True,  # so that the next edit re-renders only its pages
        }
        started = time.monotonic()
        self.live = None
        try:
            with working_directory(self.project.root), LiveSite.kept(self.output) as kept:
                build_site(self.project.settings_file, self.output, overrides)
        except BuildFailed as failed:
            for problem in failed.problems:
                self.say(str(problem))
            self.say("build refused: the last good site is still being served")
            return False
        self.live = kept[0] if kept else None
        self.counter.bump()
        cache = "cache ignored" if ignore_cache else "cache used"
        self.say(f"built in {time.monotonic() - started:.2f} s ({cache})")
        return True

    def update(self, batch: list[Change]) -> bool:
        """One edited story taken into the last build in place; False: it needs a build."""
        paths = {change.path for change in batch}
        if self.live is None or len(paths) != 1 or any(c.ignore_cache for c in batch):
            return False
        started = time.monotonic()
        try:
            with working_directory(self.project.root):
                done = self.live.edit(next(iter(paths)), shown=self.counter.bump)
        except Exception as error:  # the model is no longer a build's: build afresh
            self.say(f"(could not take the edit in place: {type(error).__name__}: {error})")
            done = False
        if not done:
            if self.live.why:
                self.say(f"building the whole site: {self.live.why}")
            self.live = None
            return False
        self.counter.bump()
        self.say(f"updated in {time.monotonic() - started:.2f} s (only the pages that show it)")
        return True

    def _watch(self, paths: list[Path], recursive: bool, keep: Callable[[Path], bool]) -> None:
        for batch in watch(
            *paths,
            watch_filter=_Hidden(),
            debounce=200,
            step=50,
            stop_event=self.stop,
            recursive=recursive,
            raise_interrupt=False,
        ):
            for _, name in batch:
                path = Path(name)
                if keep(path):
                    self.changes.put(Change(path, self._invalidates_cache(path)))

    def _invalidates_cache(self, path: Path) -> bool:
        return path in self.settings_files or self.theme in path.parents

    def _watchers(self) -> list[threading.Thread]:
        content = self.project.content
        folders = [folder for folder in (content, self.theme) if folder.is_dir()]
        wanted = {path.name for path in self.settings_files}
        return [
            threading.Thread(
                target=self._watch, args=(folders, True, lambda path: True), daemon=True
            ),
            threading.Thread(
                target=self._watch,
                args=([self.project.root], False, lambda path: path.name in wanted),
                daemon=True,
            ),
        ]

    def _next_batch(self) -> list[Change]:
        try:
            first = self.changes.get(timeout=0.5)
        except queue.Empty:
            return []
        batch = [first]
        with contextlib.suppress(queue.Empty):
            while True:
                batch.append(self.changes.get(timeout=0.1))
        return batch

    def run(self, host: str, port: int) -> None:
        """Build, serve on ``host:port`` and rebuild on change until interrupted."""
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl-C
        try:
            server = make_server(str(self.output), host, port, self.counter)
        except OSError as error:
            raise ToolError(
                f"cannot serve on {host}:{port}: {error.strerror}; try --port"
            ) from None
        for watcher in self._watchers():  # before the first build: no edit is missed
            watcher.start()
        self.build(ignore_cache=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.say(
            f"Serving {self.project.display(self.output)}/ at http://{host}:{port}/ and "
            "rebuilding on every change to content, theme or settings (Ctrl-C stops)"
        )
        try:
            while not self.stop.is_set():
                batch = self._next_batch()
                if batch:
                    names = sorted({self.project.display(change.path) for change in batch})
                    self.say(f"changed: {', '.join(names)}")
                    if not self.update(batch):
                        self.build(ignore_cache=any(change.ignore_cache for change in batch))
        finally:
            self.stop.set()
            server.shutdown()
            server.server_close()
