"""Which stories each page read while it rendered: what a one-file edit re-renders.

A page's key (``state``) says what a template *could* read, which for a
listing is every article; a live session wants what it *did* read. Jinja
reads every attribute and item through its environment's ``getattr`` and
``getitem`` (filters such as ``sort`` and ``groupby`` too), so a watched
environment notes each content object read during a render. A filter, test
or global function the site adds is Python, reading what it is given: the
content objects among its arguments (in lists, tuples or dicts too) count as
read. Values of registered types (Dateline's log lines) note a marker: a page
that read any of them depends on the whole log.

What a page reads is recorded by source path, so it stays true across builds
for a page whose key is unchanged (its inputs are, so its reads are).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import defaults
from pelican.contents import Content

Reads = frozenset[str]
_JINJA_OWN = {*defaults.DEFAULT_FILTERS.values(), *defaults.DEFAULT_TESTS.values()}


class ReadNotes:
    """Notes the sources the page being rendered reads (one page at a time)."""

    def __init__(self) -> None:
        self.current: set[str] | None = None
        self.markers: dict[type, str] = {}  # a type whose values stand for a site-wide list

    @contextlib.contextmanager
    def page(self) -> Iterator[set[str]]:
        """Note what is read inside the block."""
        outer, self.current = self.current, set()
        try:
            yield self.current
        finally:
            self.current = outer

    def note(self, value: Any) -> None:
        current = self.current
        if current is None:
            return
        if isinstance(value, Content):
            current.add(value.source_path)
            return
        marker = self.markers.get(type(value))
        if marker is not None:
            current.add(marker)

    def note_all(self, value: Any, depth: int = 2) -> None:
        """``value`` and what it holds (lists, tuples, dicts), as a Python function reads."""
        if self.current is None:
            return
        self.note(value)
        if depth and isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                self.note_all(item, depth - 1)
        elif depth and isinstance(value, dict):
            for item in value.values():
                self.note_all(item, depth - 1)

    def watch(self, environment: Any) -> None:
        """Note the reads of every template of ``environment`` (once per environment)."""
        if getattr(environment, "_dateline_watched", False):  # not its id: ids are reused
            return
        environment._dateline_watched = True
        get_attribute, get_item = environment.getattr, environment.getitem
        note = self.note

        def getattr_(obj: Any, attribute: str) -> Any:
            note(obj)
            return get_attribute(obj, attribute)

        def getitem(obj: Any, argument: Any) -> Any:
            note(obj)
            return get_item(obj, argument)

        environment.getattr, environment.getitem = getattr_, getitem
        for table in (environment.filters, environment.tests, environment.globals):
            for name, function in list(table.items()):
                if _site_function(function):
                    table[name] = self._noting(function)

    def _noting(self, function: Callable[..., Any]) -> Callable[..., Any]:
        note_all = self.note_all

        def noting(*args: Any, **kwargs: Any) -> Any:
            for value in (*args, *kwargs.values()):
                note_all(value)
            return function(*args, **kwargs)

        # Jinja passes the context or environment first where the function asks.
        for attribute in ("jinja_pass_arg", "__name__", "__doc__"):
            if hasattr(function, attribute):
                setattr(noting, attribute, getattr(function, attribute))
        return noting


def _site_function(value: Any) -> bool:
    """A function the site or a plugin added (not Jinja's own, nor a class)."""
    if not callable(value) or isinstance(value, type) or value in _JINJA_OWN:
        return False
    return not (getattr(value, "__module__", None) or "").startswith("jinja2")


NOTES = ReadNotes()  # one per process: a build renders one page at a time
