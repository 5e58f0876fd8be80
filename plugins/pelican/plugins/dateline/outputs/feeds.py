"""The Atom feeds of entries: the site's (every update, correction, note…) and
each story's own ("follow this story").

Ids are tag URIs (RFC 4151) built from a fixed authority and never from the
build time or the site's address: an entry's id is its day and its story's
address with its anchor, the same in every feed that carries it, so feed
readers do not announce the same correction twice; a feed's id is its path
and ``DATELINE_ID_DATE``. With ``DATELINE_WEBSUB_HUB`` each feed names its hub.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import nh3
from feedgenerator import Atom1Feed

from ..settings import site_origin
from ..text import plain
from .updates import LogItem, story_log


def safe_html(markup: str) -> str:
    """An entry's HTML as feed readers may show it: no script, no event handler, no
    ``javascript:``/``data:`` link (Ammonia's allowlist). Pages carry the editor's
    HTML as typed, under their Content-Security-Policy; feed readers apply none."""
    return nh3.clean(markup, link_rel=None)


def id_authority(settings: dict[str, Any]) -> str:
    """``DATELINE_ID_AUTHORITY``, else SITEURL's host, else a reserved name."""
    configured = settings.get("DATELINE_ID_AUTHORITY")
    return configured or urlsplit(settings.get("SITEURL", "")).hostname or "dateline.invalid"


def feed_id(settings: dict[str, Any], path: str) -> str:
    """The id of the feed at ``path`` (from the site's root)."""
    return f"tag:{id_authority(settings)},{settings['DATELINE_ID_DATE']}:/{path}"


def entry_id(authority: str, item: LogItem) -> str:
    return f"tag:{authority},{item.entry.day.isoformat()}:/{item.url}#{item.entry.anchor}"


def words(settings: dict[str, Any], text: str, lang: str | None) -> str:
    """``text`` in ``lang``, from DATELINE_LABELS (as the templates' ``words``)."""
    return settings["DATELINE_LABELS"].get(lang or "", {}).get(text, text)


class EntryFeed(Atom1Feed):
    """Atom, each entry marked with its language (``xml:lang``), the WebSub hub
    named (``hub``), and, when it has no entry, the ``updated`` time it is given:
    feedgenerator would print the time of the build."""

    def item_attributes(self, item: dict[str, Any]) -> dict[str, str]:
        attributes = super().item_attributes(item)
        if item.get("lang"):
            attributes["xml:lang"] = item["lang"]
        return attributes

    def add_root_elements(self, handler: Any) -> None:
        super().add_root_elements(handler)
        if self.feed.get("hub"):
            handler.addQuickElement("link", "", {"rel": "hub", "href": self.feed["hub"]})

    def latest_post_date(self) -> datetime:
        if self.items or self.feed.get("updated") is None:
            return super().latest_post_date()
        return self.feed["updated"]


def updates_feed(
    items: Sequence[LogItem], settings: dict[str, Any], updated: datetime
) -> EntryFeed:
    """The site's feed of entries; ``items`` come newest first; ``updated`` is
    the feed's time when it has none."""
    site_url = site_origin(settings)
    path = settings["DATELINE_FEED_PATH"]
    lang = settings.get("DEFAULT_LANG")
    feed = EntryFeed(
        title=f"{plain(settings.get('SITENAME', ''))}: "
        + words(settings, "updates and corrections", lang),
        link=f"{site_url}/{settings['DATELINE_UPDATES_URL']}",
        feed_url=f"{site_url}/{path}",
        description="Every update, correction, clarification and note, newest first.",
        language=lang,
        feed_guid=feed_id(settings, path),
        hub=settings["DATELINE_WEBSUB_HUB"],
        updated=updated,
    )
    _add_entries(feed, items[: settings["DATELINE_FEED_MAX_ITEMS"]], settings)
    return feed


def story_feed(story: Any, settings: dict[str, Any]) -> EntryFeed:
    """One story's feed: every entry it has, newest first (a new story's has none
    yet, and is where a reader subscribes to be told of the first)."""
    site_url = site_origin(settings)
    record = story.dateline
    feed = EntryFeed(
        title=f"{plain(story.title)}: " + words(settings, "updates and corrections", story.lang),
        link=f"{site_url}/{story.url}",
        feed_url=f"{site_url}/{record.feed_path}",
        description=f"Every update, correction, clarification and note of “{plain(story.title)}”.",
        language=story.lang,
        feed_guid=feed_id(settings, record.feed_path),
        hub=settings["DATELINE_WEBSUB_HUB"],
        updated=record.modified,
    )
    _add_entries(feed, story_log(story), settings)
    return feed


def _add_entries(feed: EntryFeed, items: Sequence[LogItem], settings: dict[str, Any]) -> None:
    site_url = site_origin(settings)
    authority = id_authority(settings)
    for item in items:
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
