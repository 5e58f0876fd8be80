"""The record of published entries: a file in every build, checked by every publish.

Git is the newsroom's record until someone rewrites it (``--amend``, a rebase,
a force-push, a fresh clone without the old history). So the public record
travels with the site: each build writes, for every story, each entry readers
can see (anchor, kind, time, and a digest of its source text) and what it
amends or retracts. ``dateline publish`` compares the new build's record with
the one at the target and refuses when a published entry vanished or changed
without an entry that says so. The file is also how ``dateline build`` knows
a folder is a site it built, and so its to replace.

Its place is fixed (``RECORD_PATH``), not a setting: a site whose settings
moved the record would be published unchecked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

FORMAT = "dateline-record/1"
RECORD_PATH = "dateline/record.json"  # in the output folder


def record_document(stories: Iterable[Any]) -> dict[str, Any]:
    """The record of ``stories`` (published articles, pages and translations)."""
    found: dict[str, Any] = {}
    for story in stories:
        dateline = getattr(story, "dateline", None)
        if dateline is None or not dateline.entries:
            continue
        found[story.url] = {
            "entries": [
                {
                    "anchor": entry.anchor,
                    "kind": entry.kind,
                    "time": entry.iso,
                    "digest": entry.digest,
                    "declares": list(entry.declares) if entry.declares else None,
                }
                for entry in reversed(dateline.entries)  # oldest first, as written
            ]
        }
    return {"format": FORMAT, "stories": dict(sorted(found.items()))}


def record_text(stories: Iterable[Any]) -> Iterator[str]:
    """The record as JSON, in pieces for the file to take one by one (not one string)."""
    encoder = json.JSONEncoder(indent=1, sort_keys=True, ensure_ascii=False)
    yield from encoder.iterencode(record_document(stories))
    yield "\n"
