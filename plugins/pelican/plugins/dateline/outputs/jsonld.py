"""schema.org ``NewsArticle`` (or ``WebPage``) for one story, as a string safe inside <script>.

Search engines read ``dateModified`` and ``correction`` from here; archivers
read it to tell a corrected story from an untouched one.
"""

from __future__ import annotations

import json
from typing import Any

from ..addresses import on_origin
from ..model import Record
from ..settings import site_origin
from ..text import plain

# Characters that could end the <script> element or open a comment in it.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def json_ld(
    article: Any, record: Record, settings: dict[str, Any], kind: str = "NewsArticle"
) -> str:
    """The JSON-LD of ``article``; every string is plain text, never markup.

    ``settings`` are the build's: an article from Pelican's cache carries the
    settings of the build that cached it.
    """
    site_url = site_origin(settings)
    url = f"{site_url}/{article.url}"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": kind,
        "headline": plain(article.title),
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": article.lang,
        "datePublished": record.published.isoformat(),
        "dateModified": record.modified.isoformat(),
        "author": [_person(author, site_url) for author in getattr(article, "authors", [])],
        "publisher": _publisher(settings, site_url),
    }
    image = getattr(article, "image", None)
    if isinstance(image, str) and image.strip():
        data["image"] = [on_origin(image.strip(), site_url)]
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": plain(entry.body_html),
            "datePublished": entry.iso,
            "url": f"{url}#{entry.anchor}",
        }
        for entry in reversed(record.entries)
        if entry.kind in settings["DATELINE_CORRECTION_KINDS"]
    ]
    if corrections:
        data["correction"] = corrections
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE)


def _person(author: Any, site_url: str) -> dict[str, str]:
    """An author (names are text, never markup), with their page where the site has one."""
    person = {"@type": "Person", "name": author.name}
    if getattr(author, "save_as", "") and site_url:
        person["url"] = f"{site_url}/{author.url}"
    return person


def _publisher(settings: dict[str, Any], site_url: str) -> dict[str, Any]:
    publisher: dict[str, Any] = {
        "@type": "Organization",
        "name": plain(settings.get("SITENAME", "")),
    }
    if site_url:
        publisher["url"] = f"{site_url}/"
    logo = settings["DATELINE_PUBLISHER_LOGO"]
    if logo:
        publisher["logo"] = {"@type": "ImageObject", "url": on_origin(logo, site_url)}
    return publisher
