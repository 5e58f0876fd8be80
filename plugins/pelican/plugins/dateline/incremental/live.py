"""A finished build kept in memory, so that an edit of one story re-renders only
what read that story.

The editor's loop is: append an entry to one explainer, save, look. A build,
even one reusing every unchanged page, reads the whole site again, keys every
page and links every file: work that grows with the site. A live session
(``dateline livereload``) instead keeps the last build's model — Pelican's
generators, their context, Dateline's model and history, the writer's record
of what each page read (``DATELINE_TRACK_READS``) — and on an edit of one
content file:

1. reads that file again, with Pelican's readers and signals;
2. goes on only if what places the story in the site is unchanged (every
   header field: title, dates, address, category, tags, authors, language,
   status; its links to static files), so every list and page address the
   build made still holds;
3. puts the new reading into the story's object in place, so every list and
   page that holds it sees it, and makes its Dateline model, its history
   (from the same reading of git) and the updates log again;
4. runs each generator's output step with the writer in edit mode: a call
   whose files read neither the story nor the updates log is not rendered,
   and each file that is rendered replaces the served one whole.

Anything it cannot vouch for — another file changed too, a new or deleted
file, settings, theme, another plugin, a new commit, a scheduled entry come
due, a problem in the file — answers False: the caller builds as usual
(all or nothing), which also reports the problems. ``tests/test_live.py``
checks that the site after an edit is byte for byte a fresh build's.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Article, Content
from pelican.generators import ArticlesGenerator, PagesGenerator, StaticGenerator
from pelican.utils import memoized

from ..entries.reader import ENTRIES, PROBLEMS, REMOVALS
from ..history.gitlog import head_commit
from ..outputs.filters import FILTERS
from ..outputs.updates import LOG_READ
from .state import State
from .writer import ReusingWriter

logger = logging.getLogger(__name__)
# Fields of a reading that an edit may change without moving the story.
_MAY_CHANGE = {ENTRIES, PROBLEMS, REMOVALS, "summary"}  # summary: made from the text
_SET_BY_THE_BUILD = {"translations"}  # attributes Pelican gives after reading
_PLUGINS = {"dateline", "pelican.plugins.dateline"}
_ORDER = ("ARTICLE_ORDER_BY", "PAGE_ORDER_BY")
_JINJA = ("JINJA_FILTERS", "JINJA_GLOBALS", "JINJA_TESTS")


class LiveSite:
    """The model of the last build, and the one-file edit it can take in place."""

    def __init__(self, generators: list[Any], writer: ReusingWriter, output: Path) -> None:
        self.generators = generators
        self.writer = writer
        self.settings = writer.settings
        self.context = generators[0].context
        self.head = head_commit(Path(self.settings["PATH"]))
        self.why = _cannot(self.settings)  # why an edit is not taken in place
        self.usable = writer.tracking and not self.why
        writer.old, writer.state = {}, State()  # the last build's keys: not needed now
        # What the build wrote into a staging folder is now served from ``output``.
        self.settings["OUTPUT_PATH"] = self.writer.output_path = str(output)
        for generator in generators:
            generator.output_path = str(output)

    @classmethod
    @contextlib.contextmanager
    def kept(cls, output: Path) -> Iterator[list[LiveSite]]:
        """Around a build: the model it made (one LiveSite, if it succeeded)."""
        made: list[LiveSite] = []
        seen: dict[str, Any] = {}

        def generators(found: list[Any]) -> None:
            seen["generators"] = list(found)

        def finished(pelican: Any) -> None:
            writer = ReusingWriter.latest
            if "generators" in seen and writer is not None and writer.enabled:
                made.append(cls(seen["generators"], writer, output))

        signals.all_generators_finalized.connect(generators)
        signals.finalized.connect(finished)
        try:
            yield made
        finally:
            signals.all_generators_finalized.disconnect(generators)
            signals.finalized.disconnect(finished)

    def edit(self, path: Path, shown: Callable[[], None] = lambda: None) -> bool:
        """Take the edit of ``path`` (nothing else changed) in place; False: build afresh
        (``why`` says why). ``shown`` is called once the story's own page is written,
        before the listings, feeds and log pages that also show it."""
        if not self.usable:
            return self._no(self.why or "the last edit could not be taken in place")
        self.usable = False  # until this edit is done: a failure leaves the model mixed
        story = self._story(path)
        if story is None:
            return self._no("not a story the last build read")
        if head_commit(Path(self.settings["PATH"])) != self.head:
            return self._no("a new commit")
        reading = self._read(story)
        if reading is None:
            return self._no("reading it went wrong")
        moved = _moved(story, reading)
        if moved:
            return self._no(moved)
        _take(story, reading)
        dateline = next(g for g in self.generators if hasattr(g, "remodel"))
        problems = dateline.remodel(story)
        if problems:
            return self._no(problems[0].message)
        self.writer.edit(frozenset({story.source_path, LOG_READ}))
        complete = False
        try:
            self._own_page(story)
            shown()
            for generator in self.generators:
                if hasattr(generator, "generate_output") and not isinstance(
                    generator, StaticGenerator
                ):
                    generator.generate_output(self.writer)
            complete = True
        finally:
            self.writer.end_edit(complete)
        self.usable = True
        return True

    def _own_page(self, story: Any) -> None:
        """The story's page, as its generator writes it, first: it is what the editor
        looks at. (The writer then passes over the generator's own call for it.)"""
        if isinstance(story, Article):
            generator: Any = next(g for g in self.generators if isinstance(g, ArticlesGenerator))
            own = {"article": story, "category": getattr(story, "category", None), "blog": True}
        else:
            generator = next(g for g in self.generators if isinstance(g, PagesGenerator))
            own = {"page": story}
        self.writer.write_file(
            story.save_as,
            generator.get_template(story.template),
            generator.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            override_output=hasattr(story, "override_save_as"),
            url=story.url,
            **own,
        )

    def _no(self, why: str) -> bool:
        self.why = why
        return False

    def _story(self, path: Path) -> Any:
        """The story read from ``path``, if the last build read it (and it is a story)."""
        if self.settings.get("OUTPUT_SOURCES"):
            return None  # Pelican would copy every source again
        found = self.context.get("generated_content", {})
        try:
            relative = path.resolve().relative_to(Path(self.settings["PATH"]).resolve())
        except ValueError:
            return None
        story = found.get(relative.as_posix())
        return story if isinstance(story, Content) and story.source_path else None

    def _read(self, story: Any) -> Any:
        """The file read again as the build read it; None if reading it went wrong."""
        article = isinstance(story, Article)
        kind = ArticlesGenerator if article else PagesGenerator
        generator = next((g for g in self.generators if isinstance(g, kind)), None)
        if generator is None:
            return None
        prefix = "article" if article else "page"
        errors = _Errors()
        logging.getLogger().addHandler(errors)
        try:
            reading = generator.readers.read_file(
                base_path=generator.path,
                path=story.get_relative_source_path(),
                content_class=type(story),
                context=generator.context,
                preread_signal=getattr(signals, f"{prefix}_generator_preread"),
                preread_sender=generator,
                context_signal=getattr(signals, f"{prefix}_generator_context"),
                context_sender=generator,
            )
        except Exception as error:  # the build will say what, and where
            logger.debug("Dateline: the edit needs a build: %s", error)
            return None
        finally:
            logging.getLogger().removeHandler(errors)
        if errors.seen or not isinstance(reading, type(story)) or not reading.is_valid():
            return None
        if reading.metadata.get(PROBLEMS):
            return None
        return reading


def _moved(story: Any, reading: Any) -> str:
    """What moves the new reading from where the old one sat ("" if nothing): its
    header fields (but the entries), address, status, links to static files."""
    old = {k: v for k, v in story.metadata.items() if k not in _MAY_CHANGE}
    new = {k: v for k, v in reading.metadata.items() if k not in _MAY_CHANGE}
    same = ("save_as", "url", "status", "lang", "template", "slug", "date")
    if old != new or any(getattr(story, n, None) != getattr(reading, n, None) for n in same):
        return "its header fields changed"
    if story.metadata.get(REMOVALS, ((), ()))[0] != reading.metadata.get(REMOVALS, ((), ()))[0]:
        return "a redaction takes words out of every version"
    if story.get_static_links() != reading.get_static_links():
        return "its links to static files changed"
    return ""


def _take(story: Any, reading: Any) -> None:
    """``reading``'s state into ``story``, the object every list holds."""
    new = vars(reading)
    for name in set(vars(story)) - set(new) - _SET_BY_THE_BUILD:
        delattr(story, name)
    vars(story).update({k: v for k, v in new.items() if k not in _SET_BY_THE_BUILD})
    for kind in type(story).__mro__:  # Pelican memoizes get_content and get_summary
        for value in vars(kind).values():
            if isinstance(value, memoized):
                for key in [key for key in value.cache if key and key[0] is story]:
                    del value.cache[key]
    story.refresh_metadata_intersite_links()


def _cannot(settings: dict[str, Any]) -> str:
    """Why no edit of this site can be taken in place ("" if one can)."""
    others = set(settings.get("PLUGINS") or []) - _PLUGINS
    if others:
        return f"other plugins are loaded ({', '.join(sorted(map(str, others)))})"
    for name in _ORDER:  # an entry changes a story's ``modified``, never its header
        order = settings[name]
        if not isinstance(order, str) or "modified" in order:
            return f"{name} does not sort by header fields"
    for name in _JINJA:  # such a function reads the context, not only what it is given
        reads = [key for key, f in (settings.get(name) or {}).items() if _reads_context(f)]
        if reads:
            return f"{name} {', '.join(sorted(reads))} reads the whole template context"
    return ""


def _reads_context(function: Any) -> bool:
    return hasattr(function, "jinja_pass_arg") and function not in FILTERS.values()


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True
