"""The record as JSON, for diff trackers and archives: each story's versions, and
the site's updates log. ``docs/schemas/`` holds their JSON Schemas.

Only what readers can see is in them: committed versions (never the working
tree's text), entries that are due (a scheduled entry is held back exactly
as on the pages), and published stories (drafts are never listed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from ..entries.redaction import redact
from ..history.versions import ArticleHistory, Version
from ..model import Entry
from ..text import plain
from .feeds import entry_id, id_authority
from .updates import LogItem

HISTORY_FORMAT = "dateline-history/1"
UPDATES_FORMAT = "dateline-updates/1"


def history_json(story: Any, origin: str) -> str:
    """The versions of ``story``, newest first."""
    record = story.dateline
    history: ArticleHistory = record.history
    shown = {entry.anchor: entry for entry in record.entries}
    story_url = f"{origin}/{story.url}"
    versions = []
    for version in history.published:
        current = version is history.versions[0]
        page = story_url if current else (f"{origin}/{version.url}" if version.save_as else None)
        diff = version.diff
        versions.append(
            {
                "id": version.sha,
                "short": version.short,
                "datetime": version.time.isoformat(),
                "url": page,
                "current": current,
                "entries": [_added(anchor, version, shown, story_url) for anchor in version.added],
                "words_changed": diff.changed_words if diff is not None else None,
            }
        )
    document = {
        "format": HISTORY_FORMAT,
        "url": story_url,
        "title": plain(story.title),
        "lang": story.lang,
        "history": f"{origin}/{history.url}" if history.save_as else None,
        "timemap": f"{origin}/{history.timemap_path}" if history.timemap_path else None,
        "feed": f"{origin}/{record.feed_path}" if record.feed_path else None,
        "incomplete": history.incomplete,
        "versions": versions,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _added(anchor: str, version: Version, shown: dict[str, Entry], story_url: str) -> dict:
    """An entry a version added: as the story shows it now, else as that version had it
    (an entry withdrawn since, by ``Retracts:``)."""
    entry = shown.get(anchor)
    if entry is not None:
        return {
            "anchor": anchor,
            "kind": entry.kind,
            "time": entry.iso,
            "title": entry.title,
            "url": f"{story_url}#{anchor}",
        }
    snapshot = version.entries[anchor]  # as committed: the story's redactions still apply
    return {
        "anchor": anchor,
        "kind": snapshot.kind,
        "time": snapshot.when.isoformat(),
        "title": redact(snapshot.title, version.removals) if snapshot.title else None,
        "url": None,
    }


def updates_json(items: Sequence[LogItem], settings: dict[str, Any], origin: str) -> Iterator[str]:
    """Every entry of the updates log, newest first, with the feed's ids, in pieces.

    One piece an entry, each made as it is written, laid out as ``json.dumps``
    (indent 1) lays out the whole document: the log of 10,000 stories as one
    string held 160 MiB, and as a list of dicts 26 MiB.
    """
    authority = id_authority(settings)
    feed = settings["DATELINE_FEED_PATH"]
    encoder = json.JSONEncoder(ensure_ascii=False, indent=1)
    head = {
        "format": UPDATES_FORMAT,
        "url": f"{origin}/{settings['DATELINE_UPDATES_URL']}",
        "feed": f"{origin}/{feed}" if feed else None,
    }
    yield encoder.encode(head)[: -len("\n}")] + ',\n "entries": ['
    written = 0
    for item in items:
        entry = {
            "id": entry_id(authority, item),
            "anchor": item.entry.anchor,
            "kind": item.entry.kind,
            "label": item.entry.label,
            "time": item.entry.iso,
            "title": item.entry.title,
            "summary": item.entry.summary,
            "url": f"{origin}/{item.url}#{item.entry.anchor}",
            "story": {
                "url": f"{origin}/{item.url}",
                "title": plain(item.article.title),
                "lang": item.lang,
            },
        }
        # A newline in a value is written \n: every newline here is the layout's.
        yield (",\n  " if written else "\n  ") + encoder.encode(entry).replace("\n", "\n  ")
        written += 1
    yield ("\n ]" if written else "]") + "\n}\n"
