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

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import pickle
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pelican
from jinja2 import meta, nodes
from markupsafe import Markup
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper
from pelican.writers import Writer

logger = logging.getLogger(__name__)

_PLUGIN = Path(__file__).resolve().parent
# Settings that say where things go, not what they are.
_WHERE = {
    "OUTPUT_PATH",
    "DATELINE_PREVIOUS_OUTPUT",
    "CACHE_PATH",
    "CACHE_CONTENT",
    "LOAD_CONTENT_CACHE",
    "CONTENT_CACHING_LAYER",
    "CHECK_MODIFIED_METHOD",
    "GZIP_CACHE",
}
# Keyword arguments of write_file that say how a page is written.
_HOW = {"relative_urls", "template_name", "override_output", "url", "paginated"}
# Context names derived from the page's own file name (relative URLs).
_PER_PAGE = {"localsiteurl", "output_file", "SITEURL"}
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_ACTIVE: list[ReusingWriter] = []  # the writer of the build under way


class Unstable(Exception):
    """A value whose state cannot be described exactly: render, do not reuse."""


def writer_class(pelican_object: Any) -> type[Writer]:
    """``get_writer`` receiver."""
    return ReusingWriter


def save_record(pelican_object: Any) -> None:
    """``finalized`` receiver: keep what this build wrote for the next one."""
    while _ACTIVE:
        _ACTIVE.pop().save()


class ReusingWriter(Writer):
    """Pelican's Writer, linking unchanged pages from the last build."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        settings = self.settings
        self.enabled = bool(
            settings.get("CACHE_CONTENT") and settings.get("DATELINE_REUSE_OUTPUT", True)
        )
        self.previous = Path(settings.get("DATELINE_PREVIOUS_OUTPUT") or output_path).resolve()
        self.in_place = self.previous == Path(output_path).resolve()
        name = hashlib.sha256(str(self.previous).encode()).hexdigest()[:16]
        self.record_path = Path(settings.get("CACHE_PATH", "cache")) / f"dateline-pages-{name}"
        self.old: dict[str, tuple[str, list[tuple[str, int, int, int]]]] = {}
        self.new: dict[str, tuple[str, list[tuple[str, int, int, int]]]] = {}
        self.linked: set[str] = set()
        self.reused = self.rendered = 0
        self._site: str | Unstable | None = None
        self._names: dict[str, tuple[frozenset[str], frozenset[str]] | None] = {}
        self._parsed: dict[str, _Parsed] = {}
        self._folders: set[str] = set()
        self._memo: dict[int, tuple[Any, Any]] = {}
        self._keys_memo: dict[int, tuple[Any, Any]] = {}
        self._fields: dict[type, list[str]] = {}
        self._opened: list[str] | None = None
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
        key = self._key(
            path, lambda: ("feed", self._state(list(elements[:limit])), self._state((args, kwargs)))
        )
        return self._write(
            path,
            key,
            lambda: super(ReusingWriter, self).write_feed(elements, context, path, *args, **kwargs),
        )

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        if filename in self.linked:  # never write through a link into the last build
            os.unlink(filename)
            self.linked.discard(filename)
        if self._opened is not None:
            self._opened.append(filename)
        return super()._open_w(filename, encoding, override=override)

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
        self._opened = []
        try:
            result = render()
            opened = self._opened
        finally:
            self._opened = None
        self.rendered += 1
        if key is not None and name not in self.new:
            files = [self._stamp(path) for path in opened if path != os.devnull]
            self.new[name] = (key, files)
        else:  # written twice in one build: never reuse it
            self.new.pop(name, None)
        return result

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
        values = []
        for used_name in sorted(names - _PER_PAGE):
            if used_name in kwargs:
                continue
            value = context.get(used_name, _MISSING)
            if used_name in keys_only and isinstance(value, (list, tuple)):
                values.append((used_name, self._keys_state(value)))
            else:
                values.append((used_name, self._state(value)))
        return (
            template.name,
            self._state(args),
            self._state(arguments),
            self._state(paginated),
            values,
        )

    def _keys_state(self, pairs: list[Any] | tuple[Any, ...]) -> Any:
        memo = self._keys_memo.get(id(pairs))
        if memo is not None and memo[0] is pairs:
            return memo[1]
        state = self._keys_state_of(pairs)
        self._keys_memo[id(pairs)] = (pairs, state)
        return state

    def _keys_state_of(self, pairs: list[Any] | tuple[Any, ...]) -> Any:
        state = []
        for pair in pairs:
            if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
                return self._state(list(pairs))
            state.append(self._state(pair[0]))
        return ("keys", state)

    def _template_names(self, template: Any) -> tuple[frozenset[str], frozenset[str]] | None:
        """Names the template family reads from the context, and lists read as keys only."""
        if template.name not in self._names:
            self._names[template.name] = _family_names(
                template.environment, template.name, self._parsed
            )
        return self._names[template.name]

    def _site_key(self) -> str:
        if self._site is None:
            try:
                self._site = self._describe_site()
            except Unstable as why:
                self._site = why
        if isinstance(self._site, Unstable):
            raise self._site
        return self._site

    def _describe_site(self) -> str:
        settings = self.settings
        digest = hashlib.sha256()
        for key in sorted(settings):
            if key not in _WHERE:
                digest.update(f"{key}={_stable(settings[key])}\n".encode())
        for package in (pelican, jinja2):
            digest.update(f"{package.__name__} {getattr(package, '__version__', '')}\n".encode())
        digest.update(sys.version.encode())
        for source in sorted(_PLUGIN.rglob("*.py")):
            digest.update(source.read_bytes())
        theme = Path(settings.get("THEME", ""))
        folders = [theme / "templates", *map(Path, settings.get("THEME_TEMPLATES_OVERRIDES", []))]
        for folder in folders:
            for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
                if path.is_file():
                    digest.update(str(path.relative_to(folder)).encode() + b"\0")
                    digest.update(path.read_bytes())
        return digest.hexdigest()

    def _state(self, value: Any) -> Any:
        """Everything a template can read from ``value``, as plain data.

        Content objects and long lists are described once per build and
        stand in the key as a digest; anything else is described in place.
        """
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, str):
            return str(value) if isinstance(value, Markup) else value
        if isinstance(value, (dt.datetime, dt.date, dt.time)):
            return (type(value).__name__, value.isoformat(), _zone(value))
        if isinstance(value, URLWrapper):
            return (type(value).__name__, value.name, value.slug, value.url, value.save_as)
        memo = self._memo.get(id(value))
        if memo is not None and memo[0] is value:
            return memo[1]
        shared = isinstance(value, Content) or (
            isinstance(value, (list, tuple, dict)) and len(value) > 8
        )
        if isinstance(value, Content):
            state = self._content_state(value)
        elif isinstance(value, (list, tuple)):
            state = (type(value).__name__, [self._state(item) for item in value])
        elif isinstance(value, (set, frozenset)):
            state = ("set", sorted(repr(self._state(item)) for item in value))
        elif isinstance(value, dict):
            state = ("dict", sorted((repr(k), self._state(v)) for k, v in value.items()))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            state = self._dataclass_state(value)
        elif value is _MISSING:
            state = "<missing>"
        else:
            state = ("object", _stable(value))
        if shared:
            state = hashlib.sha256(pickle.dumps(state, protocol=4)).digest()
        self._memo[id(value)] = (value, state)  # each object is described once a build
        return state

    def _content_state(self, content: Content) -> Any:
        """An article or page: its text, metadata and whatever was attached to it."""
        fields = []
        for key, value in sorted(vars(content).items()):
            if key in ("_context", "settings"):
                continue  # the site: in the site key
            if key == "translations":
                value = [(t.source_path, t.url, getattr(t, "lang", None)) for t in value]
            elif isinstance(value, Content):  # neighbours, parents: their address only
                value = (value.source_path, value.url)
            fields.append((key, self._state(value)))
        return (type(content).__name__, content.url, content.save_as, fields)

    def _dataclass_state(self, value: Any) -> Any:
        kind = type(value)
        names = self._fields.get(kind)
        if names is None:
            names = [field.name for field in dataclasses.fields(value)]
            if "blob" in names:  # a version: what its blob determines is not repeated
                names = [n for n in names if n not in ("store", "entries")]
            self._fields[kind] = names
        state = []
        for name in names:
            item = getattr(value, name)
            if name == "previous":  # a version's predecessor: by blob
                item = getattr(item, "blob", None)
            state.append(self._state(item))
        return (kind.__qualname__, state)


_MISSING = object()


def _zone(value: Any) -> str | None:
    zone = getattr(value, "tzinfo", None)
    return None if zone is None else str(zone)


def _stable(value: Any) -> str:
    """A description of a setting that is the same in every process."""
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                f"{_stable(k)}: {_stable(v)}"
                for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))
            )
            + "}"
        )
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_stable(item) for item in value]
        if isinstance(value, (set, frozenset)):
            items.sort()
        return f"{type(value).__name__}[{', '.join(items)}]"
    if callable(value) and hasattr(value, "__code__"):
        code = value.__code__
        body = hashlib.sha256(code.co_code + repr(code.co_consts).encode()).hexdigest()[:16]
        return f"{value.__module__}.{value.__qualname__}#{body}"
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, re.Pattern):
        return f"re({value.pattern!r}, {value.flags})"
    text = repr(value)
    if _ADDRESS.search(text):
        if callable(value):
            return f"{type(value).__module__}.{type(value).__qualname__}()"
        raise Unstable(f"no stable description of {text}")
    return text


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            record = pickle.load(stream)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


class _Parsed:
    """One template's syntax tree, as much of it as the key needs."""

    def __init__(self, environment: jinja2.Environment, name: str) -> None:
        source, _, _ = environment.loader.get_source(environment, name)
        tree = environment.parse(source)
        self.referenced = list(meta.find_referenced_templates(tree))
        self.loads: list[tuple[nodes.Name, nodes.Node]] = []  # (name read, its parent)
        self.stored: set[str] = set()
        stack: list[nodes.Node] = [tree]
        while stack:
            node = stack.pop()
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Name):
                    if child.ctx == "load":
                        self.loads.append((child, node))
                    else:
                        self.stored.add(child.name)
                stack.append(child)


def _family_names(
    environment: jinja2.Environment, name: str, parsed: dict[str, _Parsed]
) -> tuple[frozenset[str], frozenset[str]] | None:
    """Names read by ``name`` and every template it extends, includes or imports.

    A superset: a name the template sets itself is listed too, and simply
    not found in the context. Also the names of lists only ever read as
    ``for key, _ in NAME`` with the second item unused. None when a
    template is named at run time.
    """
    family: list[_Parsed] = []
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current not in parsed:
            parsed[current] = _Parsed(environment, current)
        family.append(parsed[current])
        for referenced in parsed[current].referenced:
            if referenced is None:
                return None
            todo.append(referenced)
    loads = [load for template in family for load in template.loads]
    read = {use.name for use, _ in loads}
    keys_only = set(read)
    for use, parent in loads:
        if use.name in keys_only and not _reads_keys_only(use, parent, read):
            keys_only.discard(use.name)
    return frozenset(read), frozenset(keys_only)


def _reads_keys_only(use: nodes.Name, parent: nodes.Node, loaded: set[str]) -> bool:
    """``for key, unused in NAME``, ``NAME is defined``, ``if NAME``, ``NAME|length``."""
    if isinstance(parent, nodes.For) and parent.iter is use:
        target = parent.target
        return (
            isinstance(target, nodes.Tuple)
            and len(target.items) == 2
            and all(isinstance(item, nodes.Name) for item in target.items)
            and target.items[1].name not in loaded
        )
    if isinstance(parent, nodes.Test):
        return parent.name in ("defined", "undefined", "none")
    if isinstance(parent, nodes.Filter):
        return parent.name in ("length", "count")
    if isinstance(parent, (nodes.If, nodes.CondExpr)):
        return parent.test is use
    return isinstance(parent, (nodes.And, nodes.Or, nodes.Not))
