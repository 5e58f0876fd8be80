"""The entry header grammar: ``::: KIND WHEN ["Optional title"]`` (SPEC §1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pelican.plugins.dateline.entries.syntax import HeaderError, parse_header
from pelican.plugins.dateline.settings import DEFAULTS

KINDS = DEFAULTS["DATELINE_KINDS"]
NEW_YORK = ZoneInfo("America/New_York")


def parse(rest: str):
    return parse_header(rest, KINDS, NEW_YORK)


# --- accepted headers --------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("update", "update"),
        ("correction", "correction"),
        ("clarification", "clarification"),
        ("note", "note"),
        ("editors-note", "editors-note"),
        ("CORRECTION", "correction"),
        ("Update", "update"),
        ("Editors-Note", "editors-note"),
    ],
)
def test_every_kind_case_insensitively(written: str, kind: str) -> None:
    header = parse(f" {written} 2018-10-30")
    assert header.kind == kind
    assert header.date_text == "2018-10-30"


@pytest.mark.parametrize(
    ("when", "expected", "offset_hours"),
    [
        # Date only: the start of that day in the site's zone (EDT, then EST).
        ("2018-10-30", datetime(2018, 10, 30, 0, 0), -4),
        ("2018-12-03", datetime(2018, 12, 3, 0, 0), -5),
        # A time without an offset is in the site's zone.
        ("2018-10-30 14:05", datetime(2018, 10, 30, 14, 5), -4),
        ("2018-10-30T14:05", datetime(2018, 10, 30, 14, 5), -4),
        ("2018-12-03T09:30", datetime(2018, 12, 3, 9, 30), -5),
        # Written offsets are kept, with or without a space before them.
        ("2018-10-30T14:05+01:00", datetime(2018, 10, 30, 14, 5), 1),
        ("2018-10-30 14:05 +01:00", datetime(2018, 10, 30, 14, 5), 1),
        ("2018-10-30 14:05-05:00", datetime(2018, 10, 30, 14, 5), -5),
        ("2018-10-30T14:05 -05:00", datetime(2018, 10, 30, 14, 5), -5),
        ("2018-10-30T14:05Z", datetime(2018, 10, 30, 14, 5), 0),
        ("2018-10-30 14:05 Z", datetime(2018, 10, 30, 14, 5), 0),
        # The extremes of real-world offsets.
        ("2018-10-30T14:05+14:00", datetime(2018, 10, 30, 14, 5), 14),
        ("2018-10-30T14:05-12:00", datetime(2018, 10, 30, 14, 5), -12),
        ("2018-10-30 00:00", datetime(2018, 10, 30, 0, 0), -4),
        ("2018-10-30 23:59", datetime(2018, 10, 30, 23, 59), -4),
    ],
)
def test_when_is_an_aware_datetime(when: str, expected: datetime, offset_hours: int) -> None:
    header = parse(f"note {when}")
    assert header.when.tzinfo is not None
    assert header.when.replace(tzinfo=None) == expected
    assert header.when.utcoffset() == timedelta(hours=offset_hours)
    assert header.date_text == when[:10]
    assert header.has_time == (len(when) > 10)
    assert header.title is None


def test_date_only_in_the_site_zone_is_local_midnight() -> None:
    header = parse("note 2018-10-30")
    assert header.when == datetime(2018, 10, 30, 4, 0, tzinfo=UTC)
    assert header.when.isoformat() == "2018-10-30T00:00:00-04:00"
    assert header.has_time is False


def test_z_is_utc() -> None:
    header = parse("note 2018-10-30T14:05Z")
    assert header.when == datetime(2018, 10, 30, 14, 5, tzinfo=UTC)
    assert header.when.utcoffset() == timedelta(0)


def test_offset_gives_the_same_instant() -> None:
    header = parse("note 2018-10-30 14:05 +01:00")
    assert header.when == datetime(2018, 10, 30, 13, 5, tzinfo=UTC)
    assert header.when.isoformat() == "2018-10-30T14:05:00+01:00"


def test_the_site_zone_applies_only_without_an_offset() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    assert parse_header("note 2018-10-30 09:00", KINDS, tokyo).when.utcoffset() == timedelta(
        hours=9
    )
    assert parse_header("note 2018-10-30 09:00Z", KINDS, tokyo).when.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("rest", "title"),
    [
        ('note 2018-10-30 "Amazon spokesperson responds"', "Amazon spokesperson responds"),
        ('note 2018-10-30T14:05+01:00 "With a time"', "With a time"),
        ('note 2018-10-30 14:05 Z "After Z"', "After Z"),
        ('note 2018-10-30 "Zürich: l’été à Besançon — 東京"', "Zürich: l’été à Besançon — 東京"),
        ('note 2018-10-30 "Ferry ⛴ back, €2 fare"', "Ferry ⛴ back, €2 fare"),
        ('note 2018-10-30 "  Spaces   folded  "', "Spaces folded"),
        ('note 2018-10-30 "It\'s 10.30.2018 — fine"', "It's 10.30.2018 — fine"),
        ('note 2018-10-30 "Title"   ', "Title"),
        ('note   2018-10-30   "Extra spaces between parts"', "Extra spaces between parts"),
    ],
)
def test_title(rest: str, title: str) -> None:
    header = parse(rest)
    assert header.title == title
    assert header.kind == "note"
    assert header.date_text == "2018-10-30"


def test_no_title_is_none() -> None:
    assert parse("update 2018-10-30   ").title is None


# --- refused headers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("rest", "fragments"),
    [
        # Unknown kind: named, with the allowed kinds listed.
        ("rumor 2018-10-30", ["unknown entry kind 'rumor'", "update", "editors-note"]),
        ("editor's-note 2018-10-30", ["unknown entry kind 'editor's-note'"]),
        ("2018-10-30", ["unknown entry kind '2018-10-30'"]),
        # Missing date.
        ("note", ["entry 'note' has no date", "::: note YYYY-MM-DD"]),
        ("note   ", ["entry 'note' has no date"]),
        ('note "A title but no date"', ["entry 'note' has no date"]),
        # Not ISO 8601.
        ("note 10.30.2018", ["'10.30.2018' is not a date", "YYYY-MM-DD"]),
        ("note 30/10/2018", ["'30/10/2018' is not a date", "YYYY-MM-DD"]),
        ("note Oct 30", ["'Oct' is not a date", "YYYY-MM-DD"]),
        ("note 2018-10", ["'2018-10' is not a date"]),
        ("note 2018-1-30", ["'2018-1-30' is not a date"]),
        ("note 20181030", ["'20181030' is not a date"]),
        ("note 2018-10-30T14", ["'2018-10-30T14' is not a date"]),
        ("note 2018-10-30T2:05", ["'2018-10-30T2:05' is not a date"]),
        # Seconds are not part of the grammar.
        ("note 2018-10-30T14:05:30", ["'2018-10-30T14:05:30' is not a date"]),
        # Impossible dates and times.
        ("note 2018-02-30", ["2018-02-30 is not a real date"]),
        ("note 2018-13-01", ["2018-13-01 is not a real date"]),
        ("note 2018-00-10", ["2018-00-10 is not a real date"]),
        ("note 2019-02-29", ["2019-02-29 is not a real date"]),
        ("note 2018-10-30 25:00", ["25:00 is not a real time"]),
        ("note 2018-10-30T24:00", ["24:00 is not a real time"]),
        ("note 2018-10-30 12:60", ["12:60 is not a real time"]),
        # Offsets out of the real-world range (-12:00 to +14:00).
        ("note 2018-10-30T14:05+25:00", ["offset +25:00 is out of range"]),
        ("note 2018-10-30T14:05+14:30", ["offset +14:30 is out of range"]),
        ("note 2018-10-30T14:05+01:60", ["offset +01:60 is out of range"]),
        ("note 2018-10-30T14:05-13:00", ["offset -13:00 is out of range"]),
    ],
)
def test_refused(rest: str, fragments: list[str]) -> None:
    with pytest.raises(HeaderError) as raised:
        parse(rest)
    for fragment in fragments:
        assert fragment in str(raised.value)


@pytest.mark.parametrize(
    ("rest", "fragments"),
    [
        ('note 2018-10-30 "Unclosed title', ["title is not closed", 'double quote (")']),
        ('note 2018-10-30 Unopened title"', ["title is not closed"]),
        ('note 2018-10-30 ""', ["title is empty"]),
        ('note 2018-10-30 "   "', ["title is empty"]),
        # Junk after the date.
        ("note 2018-10-30 junk", ["unexpected 'junk' after the date", '"Like this"']),
        ("note 2018-10-30 Amazon responds", ["unexpected 'Amazon responds' after the date"]),
        ('note 2018-10-30 "Title" junk', ["unexpected '\"Title\" junk' after the date"]),
        # A time with seconds after a space, or an offset without a time.
        ("note 2018-10-30 14:05:30", ["unexpected '14:05:30'", "(a time is written HH:MM)"]),
        ("note 2018-10-30 14.05", ["unexpected '14.05'", "(a time is written HH:MM)"]),
        ("note 2018-10-30 +01:00", ["unexpected '+01:00' after the date"]),
    ],
)
def test_refused_after_the_date(rest: str, fragments: list[str]) -> None:
    with pytest.raises(HeaderError) as raised:
        parse(rest)
    for fragment in fragments:
        assert fragment in str(raised.value)


def test_header_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown entry kind"):
        parse("retraction 2018-10-30")


def test_configured_kinds_are_the_only_kinds() -> None:
    kinds = {"update": "Update", "retraction": "Retraction"}
    assert parse_header("RETRACTION 2018-10-30", kinds, NEW_YORK).kind == "retraction"
    with pytest.raises(HeaderError, match="use one of: update, retraction"):
        parse_header("note 2018-10-30", kinds, NEW_YORK)
