"""From an entry's header and body to an ``Entry``: one way, for Markdown and reST.

The header is read, and the anchor given, when the entry is met in the
source; the body's HTML is known once the document is rendered, and the
summary (the title, else the body's first sentence) with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from ..model import Entry, anchor_for, format_time
from ..text import first_sentence
from .syntax import Header


@dataclass
class EntryMaker:
    """Makes the entries of one document, in document order."""

    kinds: dict[str, str]  # kind -> label
    zone: tzinfo
    formats: tuple[str, str]  # (date, date and time)
    summary_length: int
    anchors: dict[str, int] = field(default_factory=dict)
    started: dict[int, dict[str, Any]] = field(default_factory=dict)  # by line

    def start(self, header: Header, line: int, text: str, declares: tuple[str, str] | None) -> None:
        """The entry whose header is at ``line`` (1-based); ``text`` is its folded text."""
        when = header.when.astimezone(self.zone)
        self.started[line] = {
            "kind": header.kind,
            "label": self.kinds[header.kind],
            "anchor": anchor_for(header.kind, header.date_text, self.anchors),
            "when": when,
            "has_time": header.has_time,
            "title": header.title,
            "display": format_time(when, header.has_time, self.formats),
            "line": line,
            "digest": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "declares": declares,
        }

    def finish(self, line: int, body_html: str) -> Entry:
        fields = self.started.pop(line)
        summary = fields["title"] or first_sentence(body_html, self.summary_length)
        return Entry(body_html=body_html, summary=summary, **fields)
