"""The Atom feed of entries: one ``<entry>`` per update, correction, note…

Ids are tag URIs (RFC 4151) built from a fixed authority, the entry's day and
the article URL with the entry's anchor: never from the build time, so feed
readers do not announce the same correction twice.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import nh3
from feedgenerator import Atom1Feed

from ..settings import site_origin
from ..text import plain
from .updates import LogItem


def safe_html(markup: str) -> str:
    """An entry's HTML as feed readers may show it: no script, no event handler, no
    ``javascript:``/``data:`` link (Ammonia's allowlist). Pages carry the editor's
    HTML as typed, under their Content-Security-Policy; feed readers apply none."""
    return nh3.clean(markup, link_rel=None)


def id_authority(settings: dict[str, Any]) -> str:
    """``DATELINE_ID_AUTHORITY``, else SITEURL's host, else a reserved name."""
    configured = settings.get("DATELINE_ID_AUTHORITY")
    return configured or urlsplit(settings.get("SITEURL", "")).hostname or "dateline.invalid"


def entry_id(authority: str, item: LogItem) -> str:
    return f"tag:{authority},{item.entry.day.isoformat()}:/{item.url}#{item.entry.anchor}"


class _EntryFeed(Atom1Feed):
    """Atom, each entry marked with its story's language (``xml:lang``)."""

    def item_attributes(self, item: dict[str, Any]) -> dict[str, str]:
        return {**super().item_attributes(item), "xml:lang": item["lang"]}


def updates_feed(items: Sequence[LogItem], settings: dict[str, Any]) -> Atom1Feed:
    """Build the feed; ``items`` come newest first."""
    site_url = site_origin(settings)
    authority = id_authority(settings)
    feed = _EntryFeed(
        title=f"{plain(settings.get('SITENAME', ''))}: updates and corrections",
        link=f"{site_url}/{settings['DATELINE_UPDATES_URL']}",
        feed_url=f"{site_url}/{settings['DATELINE_FEED_PATH']}",
        description="Every update, correction, clarification and note, newest first.",
        language=settings.get("DEFAULT_LANG"),
        feed_guid=f"tag:{authority},2000-01-01:/{settings['DATELINE_FEED_PATH']}",
    )
    for item in items[: settings["DATELINE_FEED_MAX_ITEMS"]]:
        entry, article = item.entry, item.article
        feed.add_item(
            title=f"{entry.label}: {plain(article.title)}",
            link=f"{site_url}/{item.url}#{entry.anchor}",
            unique_id=entry_id(authority, item),
            description=html.escape(entry.summary),  # text, in an Atom type="html" summary
            content=safe_html(article._update_content(entry.body_html, site_url)),
            author_name=", ".join(author.name for author in getattr(article, "authors", [])),
            pubdate=entry.when,
            updateddate=entry.when,
            categories=[entry.label],
            lang=item.lang,
        )
    return feed
