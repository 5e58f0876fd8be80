"""Where a story's own files go: its history, versions, feed, TimeMap, JSON.

Each is a ``DATELINE_*`` pattern formatted with the story's fields, as
Pelican formats ``ARTICLE_URL``, plus ``{base}``: the story's address
without its file name, so a story's files sit beside it, translations and
pages included.
"""

from __future__ import annotations

from typing import Any


def base_of(url: str) -> str:
    """A story's address without its file name: ``a/b.html`` and ``a/b/`` are ``a/b/``."""
    folder, _, name = url.rpartition("/")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if name in ("", "index.html", "index.htm"):
        return f"{folder}/" if folder else ""
    return f"{folder}/{stem}/" if folder else f"{stem}/"


def story_fields(story: Any) -> dict[str, Any]:
    """The fields a story's patterns may use."""
    return {**story.url_format, "base": base_of(story.url)}


def on_origin(path: str, origin: str) -> str:
    """``path`` (an address, or a path from the site's root, as ``Image:`` takes) on
    the site's ``origin``: og:image and JSON-LD must be absolute."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{origin}/{path.lstrip('/')}"
