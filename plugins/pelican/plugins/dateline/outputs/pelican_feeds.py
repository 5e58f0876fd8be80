"""Pelican's own feeds (``all.atom.xml``, category, tag, translation feeds), fixed.

Plain Pelican gives every feed the same ``<id>`` (the site's root), makes
entry ids from the full link (so they change with ``SITEURL``), writes
relative links when ``SITEURL`` is relative (the development build), and
marks no language. With ``DATELINE_PELICAN_FEEDS`` each feed gets its own
id, each entry an id from ``DATELINE_ID_AUTHORITY`` and its address from the
site's root, links are absolute wherever the site has an origin
(``site_origin``), and Atom entries carry ``xml:lang``.

Entry ids keep Pelican's form (``tag:HOST,DAY:/PATH/``): on a site served
from its domain's root whose authority is its host, they are exactly the
ids its feeds had before, so no feed reader sees old stories as new.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from feedgenerator import Rss201rev2Feed
from markupsafe import Markup
from pelican.utils import set_date_tzinfo
from pelican.writers import Writer

from ..settings import site_origin
from .feeds import EntryFeed, feed_id, id_authority


def pelican_entry_id(authority: str, url: str, date: Any) -> str:
    """feedgenerator's ``get_tag_uri`` of the story's address, on ``authority``: its
    path, and a ``#fragment`` as ``/fragment``, as Pelican's ids have them."""
    parts = urlsplit(f"/{url}")
    fragment = f"/{parts.fragment}" if parts.fragment else ""
    return f"tag:{authority},{date:%Y-%m-%d}:{parts.path}{fragment}"


class StableFeeds(Writer):
    """Pelican's writer, with its feeds fixed (see the module docstring)."""

    _feed_path = ""

    def write_feed(
        self, elements: Any, context: Any, path: Any = None, url: Any = None, *args: Any, **kw: Any
    ) -> Any:
        self._feed_path = url or path or ""
        return super().write_feed(elements, context, path, url, *args, **kw)

    def _fixing(self) -> bool:
        return bool(self.settings.get("DATELINE_PELICAN_FEEDS"))

    def _create_new_feed(self, feed_type: str, feed_title: str | None, context: Any) -> Any:
        if not self._fixing():
            return super()._create_new_feed(feed_type, feed_title, context)
        title = context["SITENAME"] + (f" - {feed_title}" if feed_title else "")
        origin = site_origin(self.settings) or self.site_url
        feed_class = Rss201rev2Feed if feed_type == "rss" else EntryFeed
        return feed_class(
            title=Markup(title).striptags(),
            link=f"{origin}/",
            feed_url=self.feed_url,
            description=context.get("SITESUBTITLE", ""),
            subtitle=context.get("SITESUBTITLE", None),
            language=self.settings.get("DEFAULT_LANG"),
            feed_guid=feed_id(self.settings, self._feed_path),
        )

    def _add_item_to_the_feed(self, feed: Any, item: Any) -> None:
        if not self._fixing():
            super()._add_item_to_the_feed(feed, item)
            return
        origin = site_origin(self.settings) or self.site_url
        link = f"{origin}/{item.url}"
        if self.settings["FEED_APPEND_REF"]:
            link += "?ref=feed"
        content = item.get_content(origin)
        if isinstance(feed, Rss201rev2Feed):
            summary_only = self.settings.get("RSS_FEED_SUMMARY_ONLY")
            description, content = (item.summary if summary_only else content), None
        else:
            # As Pelican: no summary that only repeats the content.
            description = None if item.summary == item.get_content(self.site_url) else item.summary
        categories = [item.category] if hasattr(item, "category") else []
        categories += getattr(item, "tags", [])
        zone = self.settings.get("TIMEZONE", None)
        feed.add_item(
            title=Markup(item.title).striptags(),
            link=link,
            unique_id=pelican_entry_id(id_authority(self.settings), item.url, item.date),
            description=description,
            content=content,
            categories=categories or None,
            author_name=getattr(item, "author", ""),
            pubdate=set_date_tzinfo(item.date, zone),
            updateddate=set_date_tzinfo(item.modified, zone) if hasattr(item, "modified") else None,
            lang=getattr(item, "lang", None),
        )
