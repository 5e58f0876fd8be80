"""The entry header an editor types: ``::: KIND WHEN ["Optional title"]``.

Parsing is strict on purpose. ``WHEN`` is ISO 8601 only, because
``10.11.2018`` means two different days in two countries, and a wrong date in
a public correction log is worse than a refused build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from ..text import without_bidi_controls

FENCE = ":::"

# ASCII digits only: ``\d`` would also take Arabic-Indic or full-width digits.
_WHEN = re.compile(
    r"""
    (?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})
    (?:[ T](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})
       (?:[ ]?(?P<offset>Z|[+-][0-9]{2}:[0-9]{2}))?
    )?
    (?=[ ]|$)
    """,
    re.VERBOSE,
)
_TITLE = re.compile(r'"(?P<title>[^"]*)"')
_DATE_LIKE = re.compile(r"[0-9]")
# Real-world UTC offsets run from -12:00 to +14:00.
_EARLIEST_OFFSET, _LATEST_OFFSET = timedelta(hours=-12), timedelta(hours=14)
# A day from which any offset and any zone still give a representable instant.
_FIRST_DAY, _LAST_DAY = date(1, 1, 2), date(9999, 12, 30)
# How much of an editor's text a message quotes.
_QUOTE_LIMIT = 40


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
    # Any run of white space (tabs included) separates the parts like one space,
    # so a header means the same whether an editor's tool wrote tabs or spaces.
    kind, _, after_kind = " ".join(rest.split()).partition(" ")
    kind = kind.lower()
    if kind not in kinds:
        raise HeaderError(f"unknown entry kind {quote(kind)}; use one of: {', '.join(kinds)}")
    if not after_kind or after_kind.startswith('"'):
        raise HeaderError(f"entry '{kind}' has no date; write it as ::: {kind} YYYY-MM-DD")
    match = _WHEN.match(after_kind)
    if match is None:
        token = after_kind.split(" ", 1)[0]
        raise HeaderError(
            f"{quote(token)} is not a date Dateline accepts; write YYYY-MM-DD, "
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
    if not _FIRST_DAY <= day <= _LAST_DAY:
        raise HeaderError(f"{match['date']} is out of range; check the year")
    at = time()
    if match["hour"] is not None:
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour > 23 or minute > 59:
            raise HeaderError(f"{match['hour']}:{match['minute']} is not a real time")
        at = time(hour, minute)
    offset = match["offset"]
    if offset is not None:
        return datetime.combine(day, at, tzinfo=_parse_offset(offset))
    when = datetime.combine(day, at, tzinfo=zone)
    if match["hour"] is not None:
        _check_local_time(when, f"{match['date']} {match['hour']}:{match['minute']}")
    return when


def _check_local_time(when: datetime, written: str) -> None:
    """Refuse a wall-clock time the site's zone skipped or went through twice.

    Python would silently pick one reading; a dated public record must not.
    (A date-only entry is the start of its day and never ambiguous.)
    """
    zone = when.tzinfo
    name = getattr(zone, "key", str(zone))
    if when.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != when.replace(tzinfo=None):
        raise HeaderError(
            f"{written} never happened in {name} (the clocks skipped it); "
            "write the time with its UTC offset, such as +01:00"
        )
    first, second = when.utcoffset(), when.replace(fold=1).utcoffset()
    if first != second:
        stamp = written.replace(" ", "T")
        raise HeaderError(
            f"{written} happened twice in {name} (the clocks went back); add the UTC "
            f"offset to say which: {stamp}{_offset_text(first)} (the first) or "
            f"{stamp}{_offset_text(second)} (the second)"
        )


def _offset_text(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def quote(text: str) -> str:
    """``text`` in quotes for a message, shortened: a header can be megabytes long."""
    if len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 1] + "…"
    return f"'{text}'"


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
            f"unexpected {quote(text)} after the date{hint}; "
            'put a title in double quotes: "Like this"'
        )
    title = " ".join(without_bidi_controls(match["title"]).split())
    if not title:
        raise HeaderError('entry title is empty; remove the "" or write a title')
    return title
