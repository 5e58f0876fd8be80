"""Entries dated after the build stay out of everything readers get.

With ``DATELINE_ALLOW_SCHEDULED`` an entry can be written, and committed,
before its time. The article's HTML still holds it (that HTML is cached, and
the entry must appear once it is due), and so does every version of the
article that git returns. Both are cut here, at every build, by the
``data-revision-date`` each entry carries: the article page, and each version
page and diff of its history.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ..entries.markdown_ext import ENTRY_END

_ENTRY = re.compile(r'<aside\b[^>]*\bdata-revision-date="([^"]+)"[^>]*>')
_ID = re.compile(r'\bid="([^"]*)"')


def without_future_entries(html: str, now: datetime) -> tuple[str, set[str]]:
    """``html`` without the entries dated after ``now``, and their anchors."""
    kept: list[str] = []
    held: set[str] = set()
    position = 0
    while (entry := _ENTRY.search(html, position)) is not None:
        if not _after(entry[1], now):
            kept.append(html[position : entry.end()])
            position = entry.end()
            continue
        kept.append(html[position : entry.start()])
        anchor = _ID.search(entry[0])
        held.add(anchor[1] if anchor else "")
        position = _end_of_element(html, entry.start())
        if html.startswith("\n", position):
            position += 1
    kept.append(html[position:])
    return "".join(kept), held


def _after(iso: str, now: datetime) -> bool:
    try:
        return datetime.fromisoformat(iso) > now
    except ValueError:  # raw HTML typed in a body, not an entry of ours
        return False


def _end_of_element(html: str, start: int) -> int:
    """Where the entry opened at ``start`` ends: its end mark, not the first
    ``</aside>`` (its body's raw HTML may hold one). No mark: to the end."""
    end = html.find(ENTRY_END, start)
    return len(html) if end < 0 else end + len(ENTRY_END)


def hold_back_in_history(history: Any, now: datetime) -> None:
    """Cut future entries from each version of an ``ArticleHistory``.

    A version renders lazily: the cut text replaces its rendering, and its
    diff (computed when a page asks for it) is then made from the cut texts;
    a held-back entry is not listed as added either.
    """
    for version in history.versions:
        html, title = version.rendered
        text, held = without_future_entries(html, now)
        if held:
            version.rendered = (text, title)
            version.added = [anchor for anchor in version.added if anchor not in held]
