"""A headers file (``_headers``: Netlify, Cloudflare Pages) carrying Memento's headers.

Where the host reads one, each older version's page is served with
``Memento-Datetime`` and a ``Link`` to its original and TimeMap (RFC 7089
§2.1), each story with a ``Link`` to its TimeMap, and each TimeMap as
``application/link-format``. Hosts that take no such file (GitHub Pages, S3)
still have the same links in every page's ``<head>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from .timemap import LINK_FORMAT, http_date


def headers_file(stories: Iterable[Any], origin: str) -> str:
    """The rules for every story with a history; paths under SITEURL's own path."""
    prefix = urlsplit(origin).path.rstrip("/")
    rules: list[str] = []
    for story in stories:
        history = story.dateline.history if story.dateline else None
        if history is None:
            continue
        links = [f'<{origin}/{story.url}>; rel="original"']
        if history.timemap_path:
            timemap = f'<{origin}/{history.timemap_path}>; rel="timemap"; type="{LINK_FORMAT}"'
            links.append(timemap)
            rules += [f"{prefix}/{story.url}", f"  Link: {timemap}"]
            rules += [f"{prefix}/{history.timemap_path}", f"  Content-Type: {LINK_FORMAT}"]
        for version in history.mementos:
            rules += [
                f"{prefix}/{version.url}",
                f"  Memento-Datetime: {http_date(version.time)}",
                f"  Link: {', '.join(links)}",
            ]
    return "\n".join(rules) + "\n" if rules else ""
