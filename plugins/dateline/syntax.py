"""The entry header an editor types: ``::: KIND WHEN ["Optional title"]``.

Parsing is strict on purpose. ``WHEN`` is ISO 8601 only, because
``10.11.2018`` means two different days in two countries, and a wrong date in
a public correction log is worse than a refused build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

FENCE = ":::"

_WHEN = re.compile(
    r"""
    (?P<date>\d{4}-\d{2}-\d{2})
    (?:[ T](?P<hour>\d{2}):(?P<minute>\d{2})
       (?:[ ]?(?P<offset>Z|[+-]\d{2}:\d{2}))?
    )?
    (?=\s|$)
    """,
    re.VERBOSE,
)
_TITLE = re.compile(r'"(?P<title>[^"]*)"\s*$')
_DATE_LIKE = re.compile(r"\d")
# Real-world UTC offsets run from -12:00 to +14:00.
_EARLIEST_OFFSET, _LATEST_OFFSET = timedelta(hours=-12), timedelta(hours=14)


class HeaderError(ValueError):
    """An entry header that cannot be read; the message says how to fix it."""


@dataclass(frozen=True)
class Header:
    """What an entry's opening line says."""

    kind: str
    date_text: str  # the YYYY-MM-DD as written: entry anchors are built from it
    when: datetime  # aware; in the written offset, else in the site's zone
    has_time: bool
    title: str | None


def parse_header(rest: str, kinds: dict[str, str], zone: tzinfo) -> Header:
    """Read the text after ``:::`` on an opening line.

    ``kinds`` maps the allowed kinds to labels; ``zone`` applies when the entry
    gives no offset. Raises HeaderError with an editor-facing message.
    """
    kind, _, after_kind = rest.strip().partition(" ")
    kind = kind.lower()
    if kind not in kinds:
        raise HeaderError(f"unknown entry kind '{kind}'; use one of: {', '.join(kinds)}")
    after_kind = after_kind.strip()
    if not after_kind or after_kind.startswith('"'):
        raise HeaderError(f"entry '{kind}' has no date; write it as ::: {kind} YYYY-MM-DD")
    match = _WHEN.match(after_kind)
    if match is None:
        token = after_kind.split(" ", 1)[0]
        raise HeaderError(
            f"'{token}' is not a date Dateline accepts; write YYYY-MM-DD, "
            "optionally followed by HH:MM and an offset such as +01:00 or Z"
        )
    when = _build_when(match, zone)
    title = _parse_title(after_kind[match.end() :].strip())
    return Header(
        kind=kind,
        date_text=match["date"],
        when=when,
        has_time=match["hour"] is not None,
        title=title,
    )


def _build_when(match: re.Match[str], zone: tzinfo) -> datetime:
    try:
        day = date.fromisoformat(match["date"])
    except ValueError:
        raise HeaderError(f"{match['date']} is not a real date") from None
    at = time()
    if match["hour"] is not None:
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour > 23 or minute > 59:
            raise HeaderError(f"{match['hour']}:{match['minute']} is not a real time")
        at = time(hour, minute)
    offset = match["offset"]
    if offset is None:
        return datetime.combine(day, at, tzinfo=zone)
    return datetime.combine(day, at, tzinfo=_parse_offset(offset))


def _parse_offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    hours, minutes = int(text[1:3]), int(text[4:6])
    delta = timedelta(hours=hours, minutes=minutes) * (-1 if text[0] == "-" else 1)
    if minutes > 59 or not _EARLIEST_OFFSET <= delta <= _LATEST_OFFSET:
        raise HeaderError(f"offset {text} is out of range; UTC offsets run from -12:00 to +14:00")
    return timezone(delta)


def _parse_title(text: str) -> str | None:
    if not text:
        return None
    match = _TITLE.fullmatch(text)
    if match is None:
        if text.count('"') == 1:
            raise HeaderError('entry title is not closed; end it with a double quote (")')
        hint = " (a time is written HH:MM)" if _DATE_LIKE.match(text) else ""
        raise HeaderError(
            f"unexpected '{text}' after the date{hint}; put a title in double quotes: \"Like this\""
        )
    title = " ".join(match["title"].split())
    if not title:
        raise HeaderError('entry title is empty; remove the "" or write a title')
    return title
