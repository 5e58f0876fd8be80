"""schema.org ``NewsArticle`` for one article, as a string safe inside <script>.

Search engines read ``dateModified`` and ``correction`` from here; archivers
read it to tell a corrected story from an untouched one.
"""

from __future__ import annotations

import json
from typing import Any

from .model import Revisions
from .settings import site_origin
from .text import plain

# Characters that could end the <script> element or open a comment in it.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def news_article(article: Any, revisions: Revisions, settings: dict[str, Any]) -> str:
    """The JSON-LD of ``article``; every string is plain text, never markup.

    ``settings`` are the build's: an article from Pelican's cache carries the
    settings of the build that cached it.
    """
    site_url = site_origin(settings)
    url = f"{site_url}/{article.url}"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": plain(article.title),
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": revisions.published.isoformat(),
        "dateModified": revisions.modified.isoformat(),
        "author": [
            {"@type": "Person", "name": author.name}  # names are text, never markup
            for author in getattr(article, "authors", [])
        ],
        "publisher": {
            "@type": "Organization",
            "name": plain(settings.get("SITENAME", "")),
        },
    }
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": plain(entry.body_html),
            "datePublished": entry.iso,
            "url": f"{url}#{entry.anchor}",
        }
        for entry in reversed(revisions.entries)
        if entry.kind in settings["DATELINE_CORRECTION_KINDS"]
    ]
    if corrections:
        data["correction"] = corrections
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE)
