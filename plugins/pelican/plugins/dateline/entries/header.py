"""The metadata header of a Markdown article (``Title: …`` lines), read cheaply.

Python-Markdown's ``meta`` rules: ``Key: value`` lines from the first line to
the first blank one, with indented continuation lines. Used where every
version of every file must be looked at (the history: a version's Status:,
Date: and slug) or a tool must look at every file (slugs already taken), and
a full read would be slow.
"""

from __future__ import annotations

import re

from ..text import source_lines

_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_MORE = re.compile(r"^(?:[ ]{4}|\t)(?P<value>.*)$")


def read_header(text: str) -> tuple[dict[str, str], int]:
    """The header's fields (keys lower case) and the index of the line after it."""
    lines = source_lines(text.lstrip("\ufeff"))
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
    return fields, len(lines)  # every line a header line


# reST: the document's title (a line under- or over-and-underlined with
# punctuation), then its docinfo, ``:name: value`` lines.
_RST_FIELD = re.compile(r"^:(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_RST_RULE = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")


def read_rst_header(text: str) -> dict[str, str]:
    """A reST document's title and docinfo fields (keys lower case), read cheaply."""
    lines = text.lstrip("\ufeff").splitlines()
    fields: dict[str, str] = {}
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index + 1 < len(lines) and _RST_RULE.match(lines[index]):  # overline
        index += 1
    if index + 1 < len(lines) and _RST_RULE.match(lines[index + 1]):
        fields["title"] = lines[index].strip()
        index += 2
    while index < len(lines) and not lines[index].strip():
        index += 1
    while index < len(lines):
        field = _RST_FIELD.match(lines[index])
        if field is None:
            break
        fields.setdefault(field["key"].lower(), field["value"].strip())
        index += 1
    return fields
