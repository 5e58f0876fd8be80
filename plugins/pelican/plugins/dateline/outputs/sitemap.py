"""``sitemap.xml``: each story with its updated time as ``lastmod``, and its
translations as ``xhtml:link`` alternates (hreflang), as search engines read them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape, quoteattr


def sitemap(contents: Iterable[Any], site_url: str) -> str:
    """One ``<url>`` per story and translation; ``lastmod`` where a time is known."""
    rows = []
    for content in contents:
        record = getattr(content, "dateline", None)
        lastmod = f"<lastmod>{record.modified.isoformat()}</lastmod>" if record is not None else ""
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
        loc = escape(f"{site_url}/{content.url}")
        rows.append(f"<url><loc>{loc}</loc>{lastmod}{alternates}</url>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(rows) + "\n</urlset>\n"
    )
