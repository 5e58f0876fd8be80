"""``sitemap.xml`` whose ``lastmod`` is each article's updated time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape


def sitemap(contents: Iterable[Any], site_url: str) -> str:
    """One ``<url>`` per article or page; ``lastmod`` where a time is known."""
    rows = []
    for content in contents:
        record = getattr(content, "dateline", None)
        lastmod = f"<lastmod>{record.modified.isoformat()}</lastmod>" if record is not None else ""
        rows.append(f"<url><loc>{escape(f'{site_url}/{content.url}')}</loc>{lastmod}</url>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(rows)
        + "\n</urlset>\n"
    )
