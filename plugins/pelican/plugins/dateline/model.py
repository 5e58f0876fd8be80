"""The per-article model: entries, the updated time, and what makes them valid.

Entries are made while reading and stored in the article's reader metadata,
so they survive Pelican's content cache. Everything that depends on the
moment of the build (is an entry due yet?) or on other metadata (``Date:``)
is decided here, at every build, and never cached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING

from .problems import Problem

_FOOTNOTE_REF = 'class="footnote-ref"'  # Python-Markdown's footnotes extension

if TYPE_CHECKING:  # the history step imports this module
    from .history.versions import ArticleHistory


@dataclass(frozen=True)  # no __slots__: Pelican's content cache holds pickles of it
class Entry:
    """One dated, typed entry of an article, as readers will see it."""

    kind: str
    label: str
    anchor: str
    when: datetime  # aware, in the site's zone
    has_time: bool
    title: str | None
    display: str  # ``when`` formatted for readers
    body_html: str
    summary: str  # the title, else the body's first sentence, as plain text
    line: int  # 1-based line of the header in the source file
    digest: str  # sha256 of its title and source text, white space folded (the record)
    declares: tuple[str, str] | None  # ("amends" | "retracts", anchor) of an earlier entry

    @property
    def iso(self) -> str:
        """The ``datetime`` attribute value: ISO 8601 with the site's offset."""
        return self.when.isoformat()

    @property
    def day(self) -> date:
        return self.when.date()

    @property
    def instant(self) -> datetime:
        """``when`` in UTC. Sort and compare by this: Python compares two times
        in the same zone by wall clock, which is wrong across a DST fold."""
        return self.when.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Record:
    """What Dateline knows of one story (``content.dateline``): when it was
    published and updated, its entries, and its history where it is in git."""

    published: datetime
    published_display: str
    entries: list[Entry]  # newest first
    updated: datetime | None
    updated_display: str | None
    json_ld: str = ""  # schema.org NewsArticle or WebPage, filled in by the model step
    feed_path: str = ""  # its own feed of entries (DATELINE_STORY_FEED_PATH); "" for none
    history: ArticleHistory | None = None  # when the content is in git

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def modified(self) -> datetime:
        """The time feeds and sitemaps call modified: updated, else published."""
        return self.updated or self.published


def anchor_for(kind: str, date_text: str, taken: dict[str, int]) -> str:
    """``KIND-YYYY-MM-DD``, then ``-2``, ``-3``… in document order.

    ``taken`` counts anchors already given in this article, so appending an
    entry never renames an earlier one.
    """
    base = f"{kind}-{date_text}"
    taken[base] = taken.get(base, 0) + 1
    return base if taken[base] == 1 else f"{base}-{taken[base]}"


def check_entries(
    entries: Iterable[Entry],
    published: datetime | None,
    now: datetime,
    allow_scheduled: bool,
) -> tuple[list[Entry], list[Problem]]:
    """Split entries into those readers may see now, and problems.

    An entry before ``Date:`` is refused: a date-only entry compares by day,
    so ``::: update 2018-10-30`` is fine on an article published that
    afternoon. A future entry is refused unless scheduling is allowed; then
    it is simply held back until its time.
    """
    visible: list[Entry] = []
    problems: list[Problem] = []
    for entry in entries:
        if published is not None and _is_before(entry, published):
            problems.append(
                Problem(
                    "",
                    entry.line,
                    f"entry {entry.anchor} is dated {entry.display}, before the "
                    f"article's Date: ({published.isoformat()}); fix the date of "
                    "the entry or of the article",
                )
            )
        elif entry.instant > now.astimezone(UTC):
            if not allow_scheduled:
                problems.append(
                    Problem(
                        "",
                        entry.line,
                        f"entry {entry.anchor} is dated in the future "
                        f"({entry.display}); fix the date, or set "
                        "DATELINE_ALLOW_SCHEDULED = True to hold it back until then",
                    )
                )
            elif _FOOTNOTE_REF in entry.body_html:
                # Footnotes are printed at the end of the article, outside the
                # entry: held back, its note would still be public.
                problems.append(
                    Problem(
                        "",
                        entry.line,
                        f"entry {entry.anchor} is scheduled ({entry.display}) and has a "
                        "footnote, which would be public before the entry; put the note "
                        "in the entry's text",
                    )
                )
        else:
            visible.append(entry)
    return visible, problems


def _is_before(entry: Entry, published: datetime) -> bool:
    if entry.has_time:
        return entry.instant < published.astimezone(UTC)
    return entry.day < published.astimezone(entry.when.tzinfo).date()


def build_record(
    entries: list[Entry],
    published: datetime,
    declared_modified: datetime | None,
    formats: tuple[str, str],
    zone: tzinfo,
) -> Record:
    """The model of one article from its visible entries.

    The updated time keeps Pelican's meaning of ``Modified:`` and adds the
    entries: the later of ``Modified:`` and the latest entry. An article with
    neither has none (and no "Updated" anywhere).
    """
    ordered = sorted(entries, key=lambda entry: entry.instant, reverse=True)
    published = published.astimezone(zone)
    candidates = [(entry.when, entry.has_time) for entry in ordered[:1]]
    if declared_modified is not None:
        candidates.append((declared_modified.astimezone(zone), _has_time(declared_modified)))
    updated = updated_display = None
    if candidates:
        updated, has_time = max(candidates, key=lambda candidate: candidate[0].astimezone(UTC))
        if updated.astimezone(UTC) < published.astimezone(UTC):
            updated, has_time = published, _has_time(published)
        updated_display = format_time(updated, has_time, formats)
    return Record(
        published=published,
        published_display=format_time(published, _has_time(published), formats),
        entries=ordered,
        updated=updated,
        updated_display=updated_display,
    )


def format_time(moment: datetime, has_time: bool, formats: tuple[str, str]) -> str:
    """``moment`` as readers see it: ``formats`` is (date format, date-time format)."""
    return moment.strftime(formats[1] if has_time else formats[0])


def _has_time(moment: datetime) -> bool:
    return (moment.hour, moment.minute) != (0, 0)
