"""Incremental output: a page whose inputs did not change is taken from the last build.

An editor appends one entry to one explainer; Pelican's content cache spares
reading the other files, but Pelican still renders and writes every page of
the site, and Dateline a history page per explainer and a page per older
version. This writer renders a page only when something it shows may have
changed, and otherwise hard-links the file the last build wrote.

Each ``write_file``/``write_feed`` call gets a key: a hash of

* the site: every setting (but where the output goes), the plugin's code,
  Pelican's and Jinja's versions, every template of the theme, and every
  content object's address (``{filename}`` links resolve to them);
* the call: the file name, its template, and the complete state of every
  value the template family can reach — its keyword arguments and each
  context name the templates mention (found by parsing them). A content
  object's state is its text, its metadata and everything a plugin attached
  to it (Dateline's model, its history down to each version's blob id).

A page is reused when its key equals the last build's and the file the last
build wrote is still there untouched (same inode, size and modification
time); otherwise it is rendered as usual. Anything that cannot be described
exactly (an object with no stable state, a template naming templates at run
time) is simply rendered. Output is byte for byte what a full build writes;
``tests/test_incremental.py`` checks it.

One allowance keeps one article's change from touching every page: a
template that loops ``{% for cat, cat_articles in categories %}`` and never
reads ``cat_articles`` (a navigation bar) depends only on the list of
categories, not on every article in them. The same holds for ``tags``,
``authors`` and any other such list of pairs.

Active when Pelican's content cache is (``CACHE_CONTENT``) and
``DATELINE_REUSE_OUTPUT`` is on; the last build is ignored when the cache
is (``LOAD_CONTENT_CACHE = False``). The record of what was written lives
in ``CACHE_PATH``, one file per output folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import operator
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from pelican.contents import Content
from pelican.paginator import Paginator
from pelican.writers import Writer

from .fingerprint import site_fingerprint
from .reads import NOTES, Reads
from .state import MISSING, State, Unstable
from .templates import Parsed, family_names

logger = logging.getLogger(__name__)

# Keyword arguments of write_file that say how a page is written.
_HOW = {"relative_urls", "template_name", "override_output", "url", "paginated"}
# Context names derived from the page's own file name (relative URLs).
_PER_PAGE = {"localsiteurl", "output_file", "SITEURL"}
_GIVEN = object()  # a name the call passes as a keyword argument
_ACTIVE: list[ReusingWriter] = []  # the writer of the build under way
# A record: each call's key, the files it wrote (relative path, inode, size,
# mtime) and, with DATELINE_TRACK_READS, the sources each of its files read.
Record = tuple[str | None, list[tuple[str, int, int, int]], dict[str, Reads] | None]


def save_record(pelican_object: Any) -> None:
    """``finalized`` receiver: keep what this build wrote for the next one."""
    while _ACTIVE:
        _ACTIVE.pop().save()


class ReusingWriter(Writer):
    """Pelican's Writer, linking unchanged pages from the last build."""

    also_read: ClassVar[dict[str, str]] = {}  # a context name a page may read whole: its marker
    latest: ReusingWriter | None = None  # the last one made (a live session keeps it)

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        settings = self.settings
        self.enabled = bool(
            settings.get("CACHE_CONTENT") and settings.get("DATELINE_REUSE_OUTPUT", True)
        )
        self.previous = Path(settings.get("DATELINE_REUSE_FROM") or output_path).resolve()
        self.in_place = self.previous == Path(output_path).resolve()
        name = hashlib.sha256(str(self.previous).encode()).hexdigest()[:16]
        self.record_path = Path(settings.get("CACHE_PATH", "cache")) / f"dateline-pages-{name}"
        self.old: dict[str, Record] = {}
        self.new: dict[str, Record] = {}
        self.tracking = self.enabled and bool(settings.get("DATELINE_TRACK_READS"))
        self.edited: frozenset[str] | None = None  # an edit's changed sources (``edit``)
        self._called: set[str] = set()  # in an edit: every call made
        self._done: set[str] = set()  # in an edit: the calls rendered (each once)
        self._reads: dict[str, Reads] = {}
        self.linked: set[str] = set()
        self.reused = self.rendered = 0
        self._site: str | Unstable | None = None
        self._names: dict[str, tuple[frozenset[str], frozenset[str]] | None] = {}
        self._ordered: dict[str, list[str]] = {}  # by template: the context names it reads
        # by template: the last page's context values, described by which State
        self._described: dict[str, tuple[State, list[Any], list[tuple[str, Any]]]] = {}
        self._parsed: dict[str, Parsed] = {}
        self._folders: set[str] = set()
        self.state = State()
        self._opened: list[str] | None = None
        ReusingWriter.latest = self
        if self.enabled:
            _ACTIVE.clear()
            _ACTIVE.append(self)
            if settings.get("LOAD_CONTENT_CACHE"):
                self.old = _load(self.record_path)

    # --- Pelican's two ways of writing ------------------------------------------

    def write_file(
        self, name: Any, template: Any, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        if not self.enabled or not name:
            return super().write_file(name, template, context, *args, **kwargs)
        if self.edited is not None:
            return self._edit_file(name, template, context, args, kwargs)
        template = self._noted(template, kwargs)
        key = self._key(
            name,
            lambda: self._page_inputs(name, template, context, args, kwargs),
        )
        return self._write(
            name,
            key,
            lambda: super(ReusingWriter, self).write_file(name, template, context, *args, **kwargs),
        )

    def write_feed(
        self, elements: Any, context: dict[str, Any], path: Any = None, *args: Any, **kwargs: Any
    ) -> Any:
        if not self.enabled or not path:
            return super().write_feed(elements, context, path, *args, **kwargs)
        limit = self.settings.get("FEED_MAX_ITEMS")

        def render() -> Any:
            self._reads[path] = frozenset(
                item.source_path for item in elements[:limit] if isinstance(item, Content)
            )
            return super(ReusingWriter, self).write_feed(elements, context, path, *args, **kwargs)

        if self.edited is not None:
            return self._edit_whole(path, render)
        key = self._key(
            path,
            lambda: ("feed", self.state.of(list(elements[:limit])), self.state.of((args, kwargs))),
        )
        return self._write(path, key, render)

    def write_own(self, path: str, inputs: Callable[[], Any], write: Callable[[], None]) -> None:
        """A file a generator writes itself (through ``_open_w``): reused while the
        values ``inputs`` returns (content objects, settings aside) are unchanged."""
        if not self.enabled:
            write()
            return

        def render() -> None:
            with NOTES.page() as read:
                NOTES.note_all(inputs(), depth=3)
            self._reads[path] = frozenset(read)
            write()

        if self.edited is not None:
            self._edit_whole(path, render)
            return
        key = self._key(path, lambda: ("own", self.state.of(inputs())))
        self._write(path, key, render)

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        if filename in self.linked:  # never write through a link into the last build
            os.unlink(filename)
            self.linked.discard(filename)
        if self._opened is not None:
            self._opened.append(filename)
        if self.edited is None:
            return super()._open_w(filename, encoding, override=override)
        # An edit writes into the served site: each file whole, or not at all. (The
        # full build before it checked that no two calls write one file.)
        if filename in self._overridden_files and not override:
            return open(os.devnull, "w", encoding=encoding)
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _Replacing(filename, encoding)

    # --- an edit: only what read the changed sources ------------------------------

    def edit(self, changed: frozenset[str]) -> None:
        """Until ``end_edit()``: write only the files that read ``changed`` (source
        paths, or markers), in place; everything else stays as the last build wrote it."""
        self.edited = changed
        self._written_files = set()
        self._called = set()
        self._done = set()

    def end_edit(self, complete: bool = True) -> None:
        """Back to building; after a ``complete`` edit, the files of calls it no longer
        made (a version page the edit took away) are removed, as a build leaves them out."""
        self.edited = None
        if not complete:
            return
        for name in set(self.new) - self._called:
            for relative, *_ in self.new.pop(name)[1]:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(self.output_path, relative))
                _remove_empty_folders(self.output_path, relative)

    def _edit_whole(self, name: str, render: Callable[[], Any]) -> Any:
        """A call that writes one file: again only if it read a changed source."""
        self._called.add(name)
        old = self.new.get(name)
        reads = old[2] if old is not None else None
        if name in self._done or (
            reads is not None and not any(read & self.edited for read in reads.values())
        ):
            return None
        return self._edited(name, render)

    def _edit_file(
        self,
        name: str,
        template: Any,
        context: dict[str, Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        """``write_file`` in an edit: of a paginated call, only the pages that read a
        changed source."""
        self._called.add(name)
        if name in self._done:  # the story's own page, written first (``LiveSite``)
            return None
        old = self.new.get(name)
        reads = old[2] if old is not None else None
        wanted = None
        if reads is not None:
            wanted = {page for page, read in reads.items() if read & self.edited}
            if not wanted:
                return None
        template = self._noted(template, kwargs)
        pages = _paginated_pages(self.settings, name, args, kwargs)
        if wanted is None or pages is None:
            render = lambda: Writer.write_file(self, name, template, context, *args, **kwargs)  # noqa: E731
            return self._edited(name, render)

        def render_wanted() -> None:
            for save_as, page_kwargs in pages:
                if save_as in wanted:
                    Writer.write_file(self, save_as, template, context, **page_kwargs)

        return self._edited(name, render_wanted)

    def _edited(self, name: str, render: Callable[[], Any]) -> Any:
        self._done.add(name)
        old = self.new.get(name)
        self._reads = dict(old[2]) if old is not None and old[2] is not None else {}
        files = {relative: stamp for relative, *stamp in (old[1] if old is not None else [])}
        self._opened = []
        try:
            result = render()
            opened = self._opened
        finally:
            self._opened = None
        for path in opened:
            if path != os.devnull:
                files.setdefault(os.path.relpath(path, self.output_path), [0, 0, 0])
        # No key: whatever builds next renders it again.
        self.new[name] = (None, [(r, *stamp) for r, stamp in files.items()], dict(self._reads))
        return result

    # --- reuse or render --------------------------------------------------------

    def _key(self, name: str, inputs: Callable[[], Any]) -> str | None:
        try:
            state = pickle.dumps((self._site_key(), name, inputs()), protocol=4)
        except Unstable as why:
            logger.debug("Dateline: %s is rendered afresh: %s", name, why)
            return None
        return hashlib.sha256(state).hexdigest()

    def _write(self, name: str, key: str | None, render: Callable[[], Any]) -> Any:
        old = self.old.get(name)
        if key is not None and old is not None and old[0] == key and self._reuse(old[1]):
            self.new[name] = old
            self.reused += 1
            return None
        self._opened, self._reads = [], {}
        try:
            result = render()
            opened = self._opened
        finally:
            self._opened = None
        self.rendered += 1
        if key is not None and name not in self.new:
            files = [self._stamp(path) for path in opened if path != os.devnull]
            self.new[name] = (key, files, dict(self._reads) if self.tracking else None)
        else:  # written twice in one build: never reuse it
            self.new.pop(name, None)
        return result

    def _noted(self, template: Any, kwargs: dict[str, Any]) -> Any:
        """``template``, noting what each page it renders reads (with tracking on)."""
        if not self.tracking:
            return template
        NOTES.watch(template.environment)
        own = {value.source_path for value in kwargs.values() if isinstance(value, Content)}
        used = self._template_names(template)
        names = used[0] if used is not None else self.also_read
        own.update(marker for name, marker in self.also_read.items() if name in names)
        return _NotedTemplate(template, frozenset(own), self)

    def _reuse(self, files: list[tuple[str, int, int, int]]) -> bool:
        """Link each file of the last build into this one; False if any is not as written."""
        sources = []
        for relative, inode, size, mtime in files:
            source = self.previous / relative
            try:
                found = source.stat()
            except OSError:
                return False
            if (found.st_ino, found.st_size, found.st_mtime_ns) != (inode, size, mtime):
                return False
            sources.append((relative, source))
        for relative, source in sources:
            target = os.path.join(self.output_path, relative)
            if self.in_place:
                self._written_files.add(target)
                continue
            if os.path.lexists(target):  # written earlier in this build: keep that
                return False
            folder = os.path.dirname(target)
            if folder not in self._folders:
                os.makedirs(folder, exist_ok=True)
                self._folders.add(folder)
            try:
                os.link(source, target)
            except OSError:
                return False
            self.linked.add(target)
            self._written_files.add(target)
        return True

    def _stamp(self, path: str) -> tuple[str, int, int, int]:
        found = os.stat(path)
        relative = os.path.relpath(path, self.output_path)
        return relative, found.st_ino, found.st_size, found.st_mtime_ns

    def save(self) -> None:
        logger.debug("Dateline: %d pages reused, %d rendered", self.reused, self.rendered)
        try:
            self.record_path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.record_path.with_suffix(".partial")
            with partial.open("wb") as stream:
                pickle.dump(self.new, stream, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(self.record_path)
        except OSError as error:
            logger.debug("Dateline: record of written pages not saved: %s", error)

    # --- what a page depends on ------------------------------------------------

    def _page_inputs(
        self,
        name: str,
        template: Any,
        context: dict[str, Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        used = self._template_names(template)
        if used is None:
            raise Unstable(f"template {template.name} names templates at run time")
        names, keys_only = used
        # Keyword arguments: those the templates read, what Pelican paginates
        # (``articles_page``… come from it) and how the page is written.
        # Others (``all_articles`` on every tag page) cannot reach the page.
        paginated = kwargs.get("paginated")
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in ("articles", "dates")}
        if kwargs.get("template_name") not in self.settings.get("PAGINATED_TEMPLATES", {}):
            paginated = {}
        arguments = {
            key: value
            for key, value in kwargs.items()
            if key in names or key in _HOW or key in paginated
        }
        return (
            template.name,
            self.state.of(args),
            self.state.of(arguments),
            self.state.of(paginated),
            self._context_values(template.name, names, keys_only, context, kwargs),
        )

    def _context_values(
        self,
        template_name: str,
        names: frozenset[str],
        keys_only: frozenset[str],
        context: dict[str, Any],
        kwargs: dict[str, Any],
    ) -> list[tuple[str, Any]]:
        """The context values the template family reads (but those passed as keyword
        arguments), described. The pages of one loop pass one context: its values are
        described for the first page and reused while each is the very same object
        (held here, so no other object can take its id meanwhile), as the State
        that described them is."""
        ordered = self._ordered.get(template_name)
        if ordered is None:
            ordered = self._ordered[template_name] = sorted(names - _PER_PAGE)
        current = [_GIVEN if n in kwargs else context.get(n, MISSING) for n in ordered]
        last = self._described.get(template_name)
        if last is not None and last[0] is self.state and all(map(operator.is_, last[1], current)):
            return last[2]
        values = []
        for used_name, value in zip(ordered, current, strict=True):
            if value is _GIVEN:
                continue
            if used_name in keys_only and isinstance(value, (list, tuple)):
                values.append((used_name, self.state.keys_of(value)))
            else:
                values.append((used_name, self.state.of(value)))
        self._described[template_name] = (self.state, current, values)
        return values

    def _template_names(self, template: Any) -> tuple[frozenset[str], frozenset[str]] | None:
        """Names the template family reads from the context, and lists read as keys only."""
        if template.name not in self._names:
            self._names[template.name] = family_names(
                template.environment, template.name, self._parsed
            )
        return self._names[template.name]

    def _site_key(self) -> str:
        if self._site is None:
            try:
                self._site = site_fingerprint(self.settings)
            except Unstable as why:
                self._site = why
        if isinstance(self._site, Unstable):
            raise self._site
        return self._site


class _NotedTemplate:
    """A template whose every page's reads go to the writer's call under way, by file."""

    def __init__(self, template: Any, own: Reads, writer: ReusingWriter) -> None:
        self._template, self._own, self._writer = template, own, writer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._template, name)

    def render(self, context: dict[str, Any]) -> str:
        with NOTES.page() as read:
            page = self._template.render(context)
        self._writer._reads[context["output_file"]] = frozenset(read) | self._own
        return page


class _Replacing:
    """A file written beside ``path`` that takes its place when closed without error."""

    def __init__(self, path: str, encoding: str) -> None:
        self.path = path
        self.partial = f"{path}.dateline-partial"
        self.stream = open(self.partial, "w", encoding=encoding)  # noqa: SIM115

    def __enter__(self) -> Any:
        return self.stream

    def __exit__(self, kind: Any, *rest: Any) -> None:
        self.stream.close()
        if kind is None:
            os.replace(self.partial, self.path)
        else:
            os.unlink(self.partial)

    def write(self, text: str) -> int:
        return self.stream.write(text)

    def close(self) -> None:
        self.__exit__(None)


def _paginated_pages(
    settings: dict[str, Any], name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]] | None:
    """Each page of a paginated ``write_file`` call, with the arguments Pelican's writer
    renders it with (as one unpaginated call); None if the call is not paginated."""
    if args:
        return None
    kwargs = dict(kwargs)
    paginated = kwargs.pop("paginated", None)
    template_name = kwargs.get("template_name")
    url = kwargs.pop("url", None)
    if paginated is None:
        paginated = {key: value for key, value in kwargs.items() if key in {"articles", "dates"}}
    templates = settings["PAGINATED_TEMPLATES"]
    if not paginated or template_name not in templates:
        return None
    per_page = templates[template_name] or settings["DEFAULT_PAGINATION"]
    paginators = {
        key: Paginator(name, url, value, settings, per_page) for key, value in paginated.items()
    }
    pages = []
    first = next(iter(paginators.values()))
    for number in range(first.num_pages):
        page_kwargs = dict(kwargs, paginated={})
        for key, paginator in paginators.items():
            page = paginator.page(number + 1)
            page_kwargs[f"{key}_paginator"] = paginator
            page_kwargs[f"{key}_page"] = page
            page_kwargs[f"{key}_previous_page"] = paginator.page(number) if number > 0 else None
            page_kwargs[f"{key}_next_page"] = (
                paginator.page(number + 2) if number + 1 < paginator.num_pages else None
            )
        pages.append((first.page(number + 1).save_as, page_kwargs))
    return pages


def _remove_empty_folders(output: str, relative: str) -> None:
    """The folders of ``relative`` (a file removed from the site) it left empty, as a
    build that never wrote it has none (a version page's own folder)."""
    folder = os.path.dirname(relative)
    while folder:
        try:
            os.rmdir(os.path.join(output, folder))
        except OSError:  # holds other files (or is gone)
            return
        folder = os.path.dirname(folder)


def _load(path: Path) -> dict[str, Record]:
    try:
        with path.open("rb") as stream:
            record = pickle.load(stream)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
        return {}
    if not isinstance(record, dict):
        return {}
    return {
        name: entry if len(entry) == 3 else (*entry, None)
        for name, entry in record.items()
        if isinstance(entry, tuple) and len(entry) in (2, 3)
    }
