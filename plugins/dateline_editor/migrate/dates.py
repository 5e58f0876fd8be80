"""Dates and times as newsrooms used to type them, read without guessing.

``Nov. 2, 2018``, ``2 November 2018``, ``10.30.2018``, ``30/10/2018``,
``3/4``, ``3:15 p.m. ET``: each is read only when it means one day and one
minute. ``10.11.2018`` is 11 October in one country and 10 November in
another, so it is never guessed: the caller must say ``mdy`` or ``dmy``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# US zone abbreviations name a zone, not an offset: newsrooms wrote "EST" all
# summer. The offset is the zone's on that day.
ZONES = {
    "ET": "America/New_York", "EST": "America/New_York", "EDT": "America/New_York",
    "CT": "America/Chicago", "CST": "America/Chicago", "CDT": "America/Chicago",
    "MT": "America/Denver", "MST": "America/Denver", "MDT": "America/Denver",
    "PT": "America/Los_Angeles", "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "AKT": "America/Anchorage", "AKST": "America/Anchorage", "AKDT": "America/Anchorage",
    "HST": "Pacific/Honolulu", "GMT": "UTC", "UTC": "UTC", "BST": "Europe/London",
    "CET": "Europe/Paris", "CEST": "Europe/Paris",
}  # fmt: skip

_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = (
    r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?,?\s+)?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?P<year>\d{4})(?!\d)"
_END = r"(?![\w/.-]\d)"
# After a year-less numeric date (``3/4``), only punctuation, a time or the end.
_SHORT_END = re.compile(r"\s*(?:[:)\]\u2013\u2014,*_.-]|at\b|@|\d|$)", re.I)
_DATES = [
    ("iso", re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)" + _END)),
    (
        "numeric",
        re.compile(
            r"(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?:(?P=sep)(?P<year>\d{4}|\d{2}))?(?!\d)"
            + _END
        ),
    ),
    (
        "month-first",
        re.compile(_WEEKDAY + _MONTH + r"\s*" + _DAY + r"(?:,?\s+" + _YEAR + ")?", re.I),
    ),
    (
        "day-first",
        re.compile(_WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+" + _YEAR + ")?", re.I),
    ),
]
_TIME = re.compile(
    r"\s*,?\s*(?:at\s+|@\s*)?"
    r"(?:(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<ampm>[ap])\.?\s?m\b\.?"
    r"|(?P<hour24>\d{1,2}):(?P<minute24>\d{2})(?!\d)(?:\s*(?:h|hrs?)\b\.?)?"
    r"|(?P<noon>noon|midday|midnight)\b)"
    r"(?:\s*(?P<zone>(?-i:ET|EST|EDT|CT|CST|CDT|MT|MST|MDT|PT|PST|PDT|AKT|AKST|AKDT|HST|GMT|UTC|BST|CET|CEST))\b)?",
    re.I,
)


class DateProblem(ValueError):
    """A date or time that cannot be read without guessing; the message says why."""


@dataclass(frozen=True)
class Stamp:
    """A date, maybe a time and a zone, as found in a legacy note."""

    text: str  # as written, for messages
    day: date
    at: time | None
    zone: tzinfo | None  # from an abbreviation such as ET; None means the site's zone

    def when(self, site_zone: tzinfo) -> datetime | None:
        """The moment in time, if a time was given."""
        if self.at is None:
            return None
        return datetime.combine(self.day, self.at, tzinfo=self.zone or site_zone)

    def header(self, site_zone: tzinfo) -> str:
        """How the entry header writes it: a date, or a minute with an explicit offset."""
        moment = self.when(site_zone)
        if moment is None:
            return self.day.isoformat()
        # In the note's own zone: "Nov. 2, 11 p.m. PT" stays on 2 November (anchors).
        return moment.isoformat(timespec="minutes")


def read_stamp(text: str, order: str | None, published: date | None) -> tuple[Stamp, int] | None:
    """The date (and time) at the start of ``text`` and where it ends; None if no date.

    ``order`` ("mdy"/"dmy") settles numeric dates that read both ways; a
    date without a year takes the year of ``published`` (the next one if
    that would put it before publication). Raises DateProblem for a date
    that exists in the text but cannot be read safely.
    """
    for style, pattern in _DATES:
        match = pattern.match(text)
        if match is None:
            continue
        written = match[0]
        if style == "numeric" and match["year"] is None and not _SHORT_END.match(text, match.end()):
            return None
        day = _day(style, match, order, published, written)
        end = match.end()
        at, zone, end = _time(text, end, written)
        return Stamp(text[:end].strip(), day, at, zone), end
    return None


def read_time(text: str) -> str | None:
    """A time of day at the start of ``text`` (``4:15 p.m. ET``), as written; None if none."""
    match = _TIME.match(text)
    return (
        match[0].strip(" ,")
        if match and (match["ampm"] or match["noon"] or match["hour24"])
        else None
    )


def _day(
    style: str, match: re.Match[str], order: str | None, published: date | None, written: str
) -> date:
    if style == "iso":
        return _real(int(match["year"]), int(match["month"]), int(match["day"]), written)
    if style == "numeric":
        month, day = _month_day(int(match["a"]), int(match["b"]), order, match["year"], written)
    else:
        month, day = MONTHS[match["month"][:3].lower()], int(match["day"])
    return _with_year(match["year"], month, day, published, written)


def _month_day(
    a: int, b: int, order: str | None, year: str | None, written: str
) -> tuple[int, int]:
    """(month, day) of ``a/b``: both readings when both are possible, then ``order`` decides."""
    readings = []
    if a <= 12 and b <= 31:
        readings.append((a, b))  # month first
    if b <= 12 and a <= 31:
        readings.append((b, a))  # day first
    readings = list(dict.fromkeys(readings))
    if not readings:
        raise DateProblem(f"'{written}' is not a date")
    if len(readings) == 2:
        if order is None:
            first, second = (_describe(m, d, year) for m, d in readings)
            raise DateProblem(
                f"'{written}' could be {first} or {second}; rerun with "
                "--date-order mdy (month first) or --date-order dmy (day first)"
            )
        return readings[0] if order == "mdy" else readings[1]
    return readings[0]


def _describe(month: int, day: int, year: str | None) -> str:
    label = date(2000, month, 1).strftime("%B")
    return f"{day} {label}" + (f" {_full_year(year)}" if year else "")


def _full_year(year: str) -> int:
    return int(year) + 2000 if len(year) == 2 else int(year)


def _with_year(
    year: str | None, month: int, day: int, published: date | None, written: str
) -> date:
    if year is not None:
        return _real(_full_year(year), month, day, written)
    if published is None:
        raise DateProblem(f"'{written}' has no year, and the article has no Date: to take it from")
    found = _maybe(published.year, month, day)
    if found is None or found < published:
        found = _maybe(published.year + 1, month, day)
    if found is None:
        raise DateProblem(
            f"'{written}' is not a real date in {published.year} or {published.year + 1}"
        )
    return found


def _maybe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _real(year: int, month: int, day: int, written: str) -> date:
    found = _maybe(year, month, day)
    if found is None:
        raise DateProblem(f"'{written}' is not a real date")
    return found


def _time(text: str, end: int, written: str) -> tuple[time | None, tzinfo | None, int]:
    match = _TIME.match(text, end)
    if match is None:
        return None, None, end
    zone = ZoneInfo(ZONES[match["zone"]]) if match["zone"] else None
    if match["noon"]:
        hour = 0 if match["noon"].lower() == "midnight" else 12
        return time(hour, 0), zone, match.end()
    if match["ampm"]:
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise DateProblem(f"'{match[0].strip()}' is not a real time")
        hour = hour % 12 + (12 if match["ampm"].lower() == "p" else 0)
        return time(hour, minute), zone, match.end()
    hour, minute = int(match["hour24"]), int(match["minute24"])
    if hour > 23 or minute > 59:
        raise DateProblem(f"'{match[0].strip()}' is not a real time")
    if 1 <= hour <= 11 and len(match["hour24"]) == 1:
        raise DateProblem(
            f"'{match[0].strip()}' after '{written}' could be morning or afternoon; "
            f"write {hour:02d}:{minute:02d} or {hour + 12}:{minute:02d} in the note, "
            "or add a.m./p.m."
        )
    return time(hour, minute), zone, match.end()
