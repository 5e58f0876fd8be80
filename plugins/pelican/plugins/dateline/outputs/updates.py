"""The site-wide log: every visible entry of every published article."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..model import Entry


@dataclass(frozen=True, slots=True)
class LogItem:
    """One line of the updates page and one item of the updates feed."""

    article: Any
    entry: Entry
    url: str  # the article's, read once: Pelican formats ``article.url`` anew each time


def updates_log(articles: Iterable[Any]) -> list[LogItem]:
    """All entries of ``articles``, newest first (by instant, not by text)."""
    items = []
    for article in articles:
        if article.dateline is not None and article.dateline.entries:
            url = article.url
            items += (LogItem(article, entry, url) for entry in article.dateline.entries)
    items.sort(key=lambda item: (item.entry.instant, item.url, item.entry.anchor), reverse=True)
    return items
