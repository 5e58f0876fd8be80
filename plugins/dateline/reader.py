"""Pelican's Markdown reader, keeping what the entry extension found.

The entries and problems go into the reader's metadata, which Pelican's
content cache stores with the HTML: a cached article still knows its entries
and a cached broken file is still refused.
"""

from __future__ import annotations

from typing import Any

from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

from .markdown_ext import EntryScan

ENTRIES = "dateline_entries"
PROBLEMS = "dateline_problems"


class DatelineMarkdownReader(MarkdownReader):
    """A MarkdownReader whose metadata also holds the article's entries."""

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        # Pelican's read(), but the scan is taken before _parse_metadata:
        # converting a Summary: field resets the Markdown instance.
        self._source_path = source_path
        self._md = Markdown(**self.settings["MARKDOWN"])
        with pelican_open(source_path) as text:
            content = self._md.convert(text)
        found: EntryScan = getattr(self._md, "dateline", EntryScan())
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        metadata[ENTRIES] = found.entries
        metadata[PROBLEMS] = found.problems
        return content, metadata
