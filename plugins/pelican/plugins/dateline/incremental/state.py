"""What a template can read from a value, described as plain data for a page's key.

Each compound value (a content object, a list, a dict, a version…) is
described once per build and stands in a key, and in the description of
whatever holds it, as a digest: a build keeps 32 bytes for each, not its
whole description, and no description is pickled twice. A value with no
stable description (an object whose ``repr`` holds its address) raises
``Unstable``: its page is simply rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import pickle
import re
from typing import Any

from markupsafe import Markup
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class Unstable(Exception):
    """A value whose state cannot be described exactly: render, do not reuse."""


class State:
    """Describes values for one build; each object is described once."""

    def __init__(self) -> None:
        self._memo: dict[int, Any] = {}  # by id: each value's description
        self._keys_memo: dict[int, Any] = {}
        # Every value described, kept alive so that no other object takes its
        # id during the build (a list: 8 bytes a value, not a tuple's 72).
        self._held: list[Any] = []
        self._fields: dict[type, list[str]] = {}

    def keys_of(self, pairs: list[Any] | tuple[Any, ...]) -> Any:
        state = self._keys_memo.get(id(pairs))
        if state is None:
            state = self._keys_memo[id(pairs)] = self._keys_state_of(pairs)
            self._held.append(pairs)
        return state

    def _keys_state_of(self, pairs: list[Any] | tuple[Any, ...]) -> Any:
        state = []
        for pair in pairs:
            if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
                return self.of(list(pairs))
            state.append(self.of(pair[0]))
        return ("keys", state)

    def of(self, value: Any) -> Any:
        """Everything a template can read from ``value``, as plain data.

        A compound value is described once per build, as a digest.
        """
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, str):
            return str(value) if isinstance(value, Markup) else value
        if isinstance(value, (dt.datetime, dt.date, dt.time)):
            return (type(value).__name__, value.isoformat(), _zone(value))
        if isinstance(value, URLWrapper):
            return (type(value).__name__, value.name, value.slug, value.url, value.save_as)
        state = self._memo.get(id(value))
        if state is not None:
            return state
        if isinstance(value, Content):
            state = self._content_state(value)
        elif isinstance(value, (list, tuple)):
            state = (type(value).__name__, [self.of(item) for item in value])
        elif isinstance(value, (set, frozenset)):
            state = ("set", sorted(repr(self.of(item)) for item in value))
        elif isinstance(value, dict):
            state = ("dict", sorted((repr(k), self.of(v)) for k, v in value.items()))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            state = self._dataclass_state(value)
        elif value is MISSING:
            state = "<missing>"
        else:
            state = ("object", stable(value))
        state = hashlib.sha256(pickle.dumps(state, protocol=4)).digest()
        self._memo[id(value)] = state  # each object is described once a build
        self._held.append(value)
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
            fields.append((key, self.of(value)))
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
            state.append(self.of(item))
        return (kind.__qualname__, state)


MISSING = object()  # a name the context does not have


def _zone(value: Any) -> str | None:
    zone = getattr(value, "tzinfo", None)
    return None if zone is None else str(zone)


def stable(value: Any) -> str:
    """A description of a setting that is the same in every process."""
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                f"{stable(k)}: {stable(v)}"
                for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))
            )
            + "}"
        )
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [stable(item) for item in value]
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
