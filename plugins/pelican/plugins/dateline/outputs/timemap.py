"""Memento TimeMaps (RFC 7089): each story's older versions, for web archives.

A static site cannot negotiate in time (no TimeGate), but it can say what
it keeps: the TimeMap lists the story (``original``), itself, and each older
version's page as a ``memento`` with its ``datetime``, oldest first, in
``application/link-format`` (RFC 6690). The current text is the original
itself, never a memento; an uncommitted text is on no list.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

LINK_FORMAT = "application/link-format"


def http_date(moment: datetime) -> str:
    """RFC 7231's IMF-fixdate, as Memento's ``datetime`` takes it."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def timemap(story: Any, origin: str) -> str:
    """The TimeMap of ``story``, whose record has a history."""
    history = story.dateline.history
    mementos = history.mementos
    own = f'<{origin}/{history.timemap_path}>;rel="self";type="{LINK_FORMAT}"'
    if mementos:
        own += f';from="{http_date(mementos[0].time)}";until="{http_date(mementos[-1].time)}"'
    links = [f'<{origin}/{story.url}>;rel="original"', own]
    if history.save_as:
        links.append(f'<{origin}/{history.url}>;rel="version-history"')
    for index, version in enumerate(mementos):
        first = ["first"] if index == 0 else []
        last = ["last"] if index == len(mementos) - 1 else []
        rel = " ".join([*first, *last, "memento"])
        links.append(f'<{origin}/{version.url}>;rel="{rel}";datetime="{http_date(version.time)}"')
    return ",\n".join(links) + "\n"
