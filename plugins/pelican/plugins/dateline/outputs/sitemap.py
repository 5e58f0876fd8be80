"""``sitemap.xml``: each story with its updated time as ``lastmod``, and its
translations as ``xhtml:link`` alternates (hreflang), as search engines read
them; then Dateline's own indexable pages (the updates logs, the history
pages) with the time they last changed. Older versions' pages are
``noindex`` and never listed. ``robots.txt`` names the sitemap."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr


def sitemap(
    contents: Iterable[Any], site_url: str, pages: Iterable[tuple[str, datetime | None]] = ()
) -> str:
    """One ``<url>`` per story and translation, and per ``(address, lastmod)`` of
    ``pages``; ``lastmod`` where a time is known."""
    rows = []
    for content in contents:
        record = getattr(content, "dateline", None)
        group = [content, *getattr(content, "translations", [])]
        alternates = (
            "".join(
                f'<xhtml:link rel="alternate" hreflang={quoteattr(member.lang)} '
                f"href={quoteattr(f'{site_url}/{member.url}')}/>"
                for member in sorted(group, key=lambda member: member.lang)
            )
            if len(group) > 1
            else ""
        )
        rows.append(
            _row(f"{site_url}/{content.url}", record.modified if record else None, alternates)
        )
    rows += (_row(f"{site_url}/{url}", lastmod) for url, lastmod in pages)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(rows) + "\n</urlset>\n"
    )


def _row(address: str, lastmod: datetime | None, more: str = "") -> str:
    when = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod is not None else ""
    return f"<url><loc>{escape(address)}</loc>{when}{more}</url>"


def robots(sitemap_address: str) -> str:
    """A robots.txt that lets every crawler in and names the sitemap (sitemaps.org)."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_address}\n"
