"""The updates log: every visible entry of every published story, newest first.

The site-wide log lists every language; a site with translations also gets
a log per language other than its default (``DATELINE_UPDATES_LANG_*``,
as Pelican's ``*_LANG_SAVE_AS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..model import Entry

LOG_READ = "<updates log>"  # what a page that read any line of the log depends on


@dataclass(frozen=True, slots=True)
class LogItem:
    """One line of the updates page and one item of the updates feed."""

    article: Any  # the story: an article or a page, or a translation of one
    entry: Entry
    url: str  # the story's, read once: Pelican formats ``article.url`` anew each time
    lang: str  # the story's language, for hreflang and the per-language logs


def story_log(story: Any) -> list[LogItem]:
    """One story's entries, newest first."""
    record = story.dateline
    if record is None or not record.entries:
        return []
    url, lang = story.url, story.lang
    return [LogItem(story, entry, url, lang) for entry in record.entries]


def updates_log(stories: Iterable[Any]) -> list[LogItem]:
    """All entries of ``stories``, newest first (by instant, not by text)."""
    items = [item for story in stories for item in story_log(story)]
    items.sort(key=lambda item: (item.entry.instant, item.url, item.entry.anchor), reverse=True)
    return items


def by_language(items: list[LogItem], default: str) -> dict[str, list[LogItem]]:
    """The log of each language but the default, when the site has more than one."""
    found: dict[str, list[LogItem]] = {}
    for item in items:
        if item.lang != default:
            found.setdefault(item.lang, []).append(item)
    return dict(sorted(found.items()))
