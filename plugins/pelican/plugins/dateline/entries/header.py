"""The metadata header of a Markdown article (``Title: …`` lines), read cheaply.

Python-Markdown's ``meta`` rules: ``Key: value`` lines from the first line to
the first blank one, with indented continuation lines. Used where every
version of every file must be looked at (the history: a version's Status:,
Date: and slug) or a tool must look at every file (slugs already taken), and
a full read would be slow.
"""

from __future__ import annotations

import re

_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_MORE = re.compile(r"^(?:[ ]{4}|\t)(?P<value>.*)$")


def read_header(text: str) -> tuple[dict[str, str], int]:
    """The header's fields (keys lower case) and the index of the line after it."""
    lines = text.lstrip("\ufeff").splitlines()
    fields: dict[str, str] = {}
    key = None
    for index, line in enumerate(lines):
        if not line.strip():
            return fields, index
        meta = _META.match(line)
        more = _MORE.match(line)
        if meta:
            key = meta["key"].lower()
            fields.setdefault(key, meta["value"].strip())
        elif more and key is not None:
            fields[key] = f"{fields[key]} {more['value'].strip()}".strip()
        else:
            return (fields, index) if fields else ({}, 0)
    return fields, len(lines)
