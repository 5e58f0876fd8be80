"""``invoke check``: every problem the site has, as ``file:line: message``.

Problems come from *sources*, each a function of a ``CheckRun``:

* ``build`` — the real build (``build_site`` into a temporary folder), so
  every refusal rule, and the history's append-only rule, is checked by the
  code that enforces it;
* ``links`` — broken internal links and ``#anchor`` targets in the built HTML.

More rules join with ``register_source(name, function)``; ``publish`` runs
the same list, so a new source guards deployment too.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.plugins.dateline.problems import Problem

from ..build import BuildFailed, build_site
from ..project import Project, working_directory
from .links import BrokenLink, Link, Site

# The public record is checked as publish will check it, even where the
# development settings only warn about a changed or removed entry.
_STRICT = {"DATELINE_STRICT_HISTORY": True}


@dataclass
class CheckRun:
    """One check: builds the site once, on demand, and shares the result with every source."""

    project: Project
    build_into: Path | None = None  # default: a temporary folder, removed afterwards
    build_problems: list[Problem] = field(default_factory=list)
    sources_of_pages: dict[str, Path] = field(default_factory=dict)  # built page -> source
    _site: Path | None = None
    _built: bool = False
    _scratch: Path | None = None

    def site(self) -> Path | None:
        """The built site, or None when the build refused (see ``build_problems``)."""
        if not self._built:
            self._built = True
            self._site = self._build()
        return self._site

    def _build(self) -> Path | None:
        target = self.build_into
        if target is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="dateline-check-"))
            target = self._scratch / "output"
        collector = _WrittenPages(target.resolve())
        signals.content_written.connect(collector.written)
        try:
            with working_directory(self.project.root), contextlib.redirect_stdout(sys.stderr):
                built = build_site(self.project.settings_file, target, _STRICT, quiet=True)
        except BuildFailed as failed:
            self.build_problems = failed.problems
            return None
        finally:
            signals.content_written.disconnect(collector.written)
        self.sources_of_pages = collector.sources
        return built

    def close(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> CheckRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _WrittenPages:
    """Which source file each written page comes from (Pelican's content_written).

    ``build_site`` writes into a staging folder beside ``output`` and renames
    it, so a page's place in the site is its path below that staging folder.
    """

    def __init__(self, output: Path) -> None:
        self.output = output
        self.sources: dict[str, Path] = {}

    def written(self, path: str, context: dict[str, Any] | None = None, **_: Any) -> None:
        content = (context or {}).get("article") or (context or {}).get("page")
        source = getattr(content, "source_path", None)
        if not source:
            return
        try:
            relative = Path(path).resolve().relative_to(self.output.parent)
        except ValueError:
            return
        self.sources[Path(*relative.parts[1:]).as_posix()] = Path(source)


Source = Callable[[CheckRun], Iterable[Problem]]


def build_source(run: CheckRun) -> Iterator[Problem]:
    """Every refusal of the real build."""
    run.site()
    yield from run.build_problems


def links_source(run: CheckRun) -> Iterator[Problem]:
    """Broken internal links and anchors, placed at the source line that wrote them.

    A link in an article's text also appears in the lists that quote it
    (index, category pages), where a relative link may break: one problem
    per written link, naming the pages where it is broken.
    """
    built = run.site()
    if built is None:
        print("links were not checked: the build was refused", file=sys.stderr)
        return
    site = Site(built, run.project.settings.get("SITEURL", ""))
    finder = _SourceFinder(run)
    groups: dict[tuple[str, int, str], list[BrokenLink]] = {}
    for broken in site.broken():
        file, line = finder.place(broken.link)
        groups.setdefault((file, line, broken.link.url), []).append(broken)
    for (file, line, url), found in groups.items():
        found.sort(key=lambda broken: (finder.source_of(broken.link) != file, broken.link.page))
        pages = [f"/{broken.link.page}" for broken in found]
        where = (
            pages[0]
            if len(pages) == 1
            else f"{len(pages)} pages ({', '.join(pages[:3])}" + (", …)" if len(pages) > 3 else ")")
        )
        theme = " (in no content file: look in the theme)" if file.startswith("output/") else ""
        yield Problem(file, line, f"broken link '{url}' on {where}: {found[0].reason}{theme}")


SOURCES: dict[str, Source] = {"build": build_source, "links": links_source}


def register_source(name: str, source: Source) -> None:
    """Add a source of problems to ``check`` and to ``publish``'s gate."""
    SOURCES[name] = source


def run_check(run: CheckRun, paths: Iterable[str | Path] = ()) -> list[Problem]:
    """All problems from all sources, sorted; with ``paths``, only those files'.

    Problems tied to no file (a theme or settings error) are always kept: they
    break every page.
    """
    wanted = (
        {run.project.display(path) for path in run.project.content_files(paths)} if paths else None
    )  # first: a mistyped path is refused before the build
    problems: set[Problem] = set()
    for source in SOURCES.values():
        problems.update(source(run))
    return sorted(
        problem
        for problem in problems
        if wanted is None or not problem.file or problem.file in wanted
    )


class _SourceFinder:
    """Where a link of a built page was written: its article's source, another, or the theme."""

    def __init__(self, run: CheckRun) -> None:
        self.run = run
        self.sources = sorted(set(run.sources_of_pages.values()))
        self._lines: dict[Path, list[str]] = {}

    def source_of(self, link: Link) -> str:
        own = self.run.sources_of_pages.get(link.page)
        return self.run.project.display(own) if own else ""

    def place(self, link: Link) -> tuple[str, int]:
        own = self.run.sources_of_pages.get(link.page)
        for source in ([own] if own else []) + [s for s in self.sources if s != own]:
            line = self._line_of(source, link.url)
            if line:
                return self.run.project.display(source), line
        return f"output/{link.page}", link.line

    def _line_of(self, source: Path, url: str) -> int | None:
        """The first line of ``source`` that writes ``url`` (or its #fragment)."""
        if source not in self._lines:
            try:
                self._lines[source] = source.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[source] = []
        lines = self._lines[source]
        fragment = url.partition("#")[2]
        # The URL as written, else its anchor ({filename}other.md#x becomes ../other/#x).
        for needle in filter(None, (url, f"#{fragment})" if fragment else "")):
            for number, line in enumerate(lines, 1):
                if needle in line:
                    return number
        return None
