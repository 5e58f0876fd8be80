"""The Content-Type of each file of a built site, the same on every machine.

Python's ``mimetypes`` reads the system's tables, which differ between
machines (``.xml`` is ``text/xml`` on some); a deploy must not. Feeds are
told apart from other XML by their root element.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".link": "application/link-format",  # Memento TimeMaps (RFC 6690)
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/vnd.microsoft.icon",
    ".pdf": "application/pdf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}
_XML_SNIFF = 2048


def content_type(path: Path) -> str:
    """What a browser or feed reader should be told ``path`` is."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return _xml_type(path)
    if suffix in TYPES:
        return TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name, strict=True)
    return guessed or "application/octet-stream"


def _xml_type(path: Path) -> str:
    with path.open("rb") as file:
        start = file.read(_XML_SNIFF)
    if b"<feed" in start and b"http://www.w3.org/2005/Atom" in start:
        return "application/atom+xml"
    if b"<rss" in start:
        return "application/rss+xml"
    return "application/xml"
