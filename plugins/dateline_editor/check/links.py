"""Broken internal links and ``#anchor`` targets in a built site.

Readers follow links in the HTML, so the check reads the built HTML: every
link to another page of the site must name a file that exists, and every
``#fragment`` an element id on that page. Links to other hosts are not
fetched. Parsing uses the standard library's HTMLParser: no tree is built,
so a 1,000-article site is read in seconds.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# Attributes that point at something a browser loads or follows.
_LINK_ATTRIBUTES = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "source": "src",
    "iframe": "src",
    "audio": "src",
    "video": "src",
}
_SKIPPED_SCHEMES = {"mailto", "tel", "data", "javascript", "sms", "ftp", "irc", "geo"}
_BASE = "http://site.invalid"


@dataclass(frozen=True)
class Link:
    """One link as written in one built page."""

    page: str  # the page's path inside the site, e.g. "harbour-vote/index.html"
    line: int  # its line in that page
    url: str  # the href/src as written


@dataclass(frozen=True)
class BrokenLink:
    """A link whose target page or anchor does not exist."""

    link: Link
    reason: str


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"] or "")
        wanted = _LINK_ATTRIBUTES.get(tag)
        if wanted and values.get(wanted) is not None:
            self.links.append((self.getpos()[0], (values[wanted] or "").strip()))

    handle_startendtag = handle_starttag


class Site:
    """A built site folder, parsed page by page on demand."""

    def __init__(self, root: Path, siteurl: str = "") -> None:
        self.root = root
        split = urlsplit(siteurl)
        self.host = split.netloc.lower()
        self.prefix = split.path.rstrip("/")
        self._pages: dict[str, _PageParser] = {}

    def pages(self) -> list[str]:
        return sorted(path.relative_to(self.root).as_posix() for path in self.root.rglob("*.html"))

    def parsed(self, page: str) -> _PageParser:
        if page not in self._pages:
            parser = _PageParser()
            parser.feed((self.root / page).read_text(encoding="utf-8", errors="replace"))
            parser.close()
            self._pages[page] = parser
        return self._pages[page]

    def links(self, page: str) -> Iterator[Link]:
        for line, url in self.parsed(page).links:
            yield Link(page, line, url)

    def broken(self) -> Iterator[BrokenLink]:
        """Every broken internal link of every page, in page order."""
        for page in self.pages():
            for link in self.links(page):
                reason = self.why_broken(link)
                if reason:
                    yield BrokenLink(link, reason)

    def why_broken(self, link: Link) -> str | None:
        """None if ``link`` works, else what is missing."""
        target = self._target(link)
        if target is None:
            return None
        path, fragment = target
        file = self.root / path
        if file.is_dir():
            file = file / "index.html"
            path = posixpath.join(path, "index.html")
        if not file.is_file():
            return f"no page or file at /{path}"
        page = file.relative_to(self.root).as_posix()
        if (
            fragment
            and fragment != "top"
            and file.suffix in (".html", ".htm")
            and fragment not in self.parsed(page).ids
        ):
            return f"no element with id '{fragment}' on /{path}"
        return None

    def _target(self, link: Link) -> tuple[str, str] | None:
        """(path in the site, fragment) of an internal link; None for others."""
        if not link.url or link.url == "#":
            return None
        split = urlsplit(link.url)
        if split.scheme and split.scheme not in ("http", "https"):
            return None
        if split.netloc:
            if not self.host or split.netloc.lower() != self.host:
                return None  # another site: not ours to check
            absolute = self._below_prefix(split.path or "/")
            if absolute is None:
                return None
        elif split.path.startswith("/"):
            absolute = self._below_prefix(split.path) or split.path
        elif not split.path:
            absolute = "/" + link.page  # "#anchor" on the same page
        else:
            absolute = urlsplit(urljoin(f"{_BASE}/{link.page}", split.path)).path
        path = posixpath.normpath(unquote(absolute)).lstrip("/")
        if path in ("", "."):
            path = "index.html"
        elif absolute.endswith("/"):
            path = posixpath.join(path, "index.html")
        return path, unquote(split.fragment)

    def _below_prefix(self, path: str) -> str | None:
        """``path`` without SITEURL's own path (``/news`` in ``https://x.org/news``)."""
        if not self.prefix:
            return path
        if path == self.prefix or path.startswith(self.prefix + "/"):
            return path[len(self.prefix) :] or "/"
        return None
