"""``invoke entry``: append one well-formed, dated entry to an article.

An entry is a public record, so the tool is strict: it checks the article
first, stamps the entry with the current minute and its explicit UTC offset
(no editor types ``-05:00`` by hand), refuses what the header grammar cannot
express, and only writes a file whose new entry reads back exactly as asked.
The write is append-only and atomic: the old bytes stay as they were, and
no build ever sees half an entry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from pelican.plugins.dateline.entries.reader import decode_source
from pelican.plugins.dateline.entries.scan import scan, scan_rst
from pelican.plugins.dateline.entries.syntax import FENCE, Header, HeaderError, parse_header
from pelican.plugins.dateline.problems import Problem, SourceError
from pelican.plugins.dateline.text import source_lines

from ..article import ArticleReading, read_article
from ..atomic import one_at_a_time, replace_file
from ..errors import ToolError
from ..project import Project


@dataclass(frozen=True)
class EntryRequest:
    """What the editor asked for."""

    kind: str
    text: str
    title: str | None = None
    at: str | None = None  # a WHEN as the header grammar writes it; None = now


@dataclass(frozen=True)
class Appended:
    """The entry as written, for the confirmation message."""

    path: Path
    line: int
    header: str
    anchor: str
    display: str
    label: str


def append_entry(
    project: Project, path: Path, request: EntryRequest, now: datetime | None = None
) -> Appended:
    """Append the entry to ``path``; raise ToolError (and write nothing) on any problem."""
    now = (now or project.now()).astimezone(project.zone)
    where = project.display(path)
    if not path.is_file():
        raise ToolError(f"{where}: no such article")
    kind = request.kind.strip().lower()
    if kind not in project.kinds:
        raise ToolError(f"unknown entry kind '{kind}'; use one of: {', '.join(project.kinds)}")
    title = _title(request.title)
    body = _body(request.text)
    with one_at_a_time(path):  # another entry on this story waits, then reads ours
        return _append(project, path, kind, title, body, request.at, now)


def _append(
    project: Project,
    path: Path,
    kind: str,
    title: str | None,
    body: list[str],
    at: str | None,
    now: datetime,
) -> Appended:
    where = project.display(path)
    raw = path.read_bytes()
    before = _check_article(project, path, raw, now)
    header = _header(project, kind, at, now)
    _check_time(project, header, before, at is not None, now)

    when = header.when
    written = when.isoformat(timespec="minutes") if header.has_time else header.date_text
    words = f"{kind} {written}" + (f' "{title}"' if title else "")
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    lead = _separator(text)
    rst = path.suffix == ".rst"
    if rst:  # a directive, its text indented below it: no closing line
        opening = f".. {kind}:: {words.split(' ', 1)[1]}"
        entry_lines = [opening, "", *(f"   {line}" if line.strip() else "" for line in body)]
    else:
        opening = f"{FENCE} {words}"
        entry_lines = [opening, *body, FENCE]
    addition = (lead + "\n".join(entry_lines) + "\n").replace("\n", newline)
    new_text = text + addition
    header_line = len(source_lines(text + lead))

    after = _round_trip(project, path, new_text, header_line, len(entry_lines), now)
    entry = next(entry for entry in after.entries if entry.line == header_line)
    if (entry.kind, entry.instant, entry.has_time, entry.title) != (
        kind,
        when.astimezone(UTC),
        header.has_time,
        title,
    ):
        raise ToolError(
            f"{where}: the new entry would not read back as written; nothing was written"
        )
    replace_file(path, raw + addition.encode("utf-8"), expected=raw)
    return Appended(path, header_line, opening, entry.anchor, entry.display, entry.label)


def _title(title: str | None) -> str | None:
    if title is None:
        return None
    if '"' in title:
        raise ToolError(
            'the title cannot contain a double quote ("): the header ends its title '
            "there; use single quotes or typographic quotes (“…”) instead"
        )
    if "\n" in title or "\r" in title:
        raise ToolError("the title must fit on one line")
    title = " ".join(title.split())
    if not title:
        raise ToolError("the title is empty; leave out --title or write one")
    return title


def _body(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise ToolError("the entry has no text; write what changed")
    for number, line in enumerate(lines, 1):
        if line.startswith(FENCE):
            raise ToolError(
                f"line {number} of the entry text starts with ':::', which Dateline "
                "reads as the end of an entry; reword it, or indent it by four spaces "
                "to show it as code"
            )
    return lines


def _check_article(project: Project, path: Path, raw: bytes, now: datetime) -> ArticleReading:
    """The article as it is; refuse to add to one the build would refuse."""
    try:
        text = decode_source(project.display(path), raw)
    except SourceError as error:
        raise ToolError(
            "fix it before adding an entry (nothing was written)", error.problems
        ) from None
    reading = read_article(project, path, text, now)
    if reading.problems:
        raise ToolError(
            f"{project.display(path)} has problems the build refuses; "
            "fix them before adding an entry (nothing was written)",
            reading.problems,
        )
    if reading.published is None:  # a draft or hidden article without Date:
        raise ToolError(
            "nothing was written",
            [Problem(project.display(path), 1, "the article has no Date: line; add one")],
        )
    return reading


def _header(project: Project, kind: str, at: str | None, now: datetime) -> Header:
    if at is None:
        return parse_header(
            f"{kind} {now.isoformat(timespec='minutes')}", project.kinds, now.tzinfo
        )
    at = " ".join(at.split())
    try:
        header = parse_header(f"{kind} {at}", project.kinds, project.zone)
    except HeaderError as error:
        raise ToolError(f"--at {at!r}: {error}") from None
    if header.title is not None or not at:
        raise ToolError(
            f"--at {at!r} is not a date; write YYYY-MM-DD, optionally with HH:MM "
            "and an offset, e.g. --at '2025-05-12 14:05' or --at 2025-05-12T14:05-04:00"
        )
    return header


def _check_time(
    project: Project, header: Header, article: ArticleReading, back_dated: bool, now: datetime
) -> None:
    published = article.published
    assert published is not None  # _check_article said so
    written = header.when.isoformat(timespec="minutes") if header.has_time else header.date_text
    stamp = f"--at {written}" if back_dated else f"now ({written})"
    if header.has_time:
        early = header.when.astimezone(UTC) < published.astimezone(UTC)
    else:
        early = header.when.date() < published.astimezone(project.zone).date()
    if early:
        raise ToolError(
            f"{stamp} is before the article's Date: "
            f"({published.astimezone(project.zone).strftime('%Y-%m-%d %H:%M')}); "
            "an entry cannot predate the story"
        )
    if header.when.astimezone(UTC) > now.astimezone(UTC) and not project.setting(
        "DATELINE_ALLOW_SCHEDULED"
    ):
        raise ToolError(
            f"{stamp} is in the future; back-date with --at, never post-date "
            "(or set DATELINE_ALLOW_SCHEDULED = True)"
        )


def _separator(text: str) -> str:
    """What goes between the old text and the entry: a blank line, no more."""
    if not text:
        return ""
    if not text.endswith(("\n", "\r")):
        return "\n\n"
    lines = text.splitlines()
    return "" if not lines[-1].strip() else "\n"


def _round_trip(
    project: Project, path: Path, new_text: str, header_line: int, span: int, now: datetime
) -> ArticleReading:
    """Read the would-be file back; refuse unless the new entry is exactly what we wrote."""
    where = project.display(path)
    reading = read_article(project, path, new_text, now)
    if reading.problems:
        raise ToolError(
            "the new entry would make the article fail to build; nothing was written",
            [
                replace(problem, message=_in_entry(problem.line, header_line) + problem.message)
                for problem in reading.problems
            ],
        )
    lines = source_lines(new_text)
    if path.suffix == ".rst":  # a directive's block ends on the line after its body
        blocks = scan_rst(lines, project.kinds, project.zone)
        spans = {(block.start, block.end - 1) for block in blocks}
    else:
        blocks, _ = scan(lines, project.kinds, project.zone)
        spans = {(block.start, block.end) for block in blocks}
    if (header_line - 1, header_line - 2 + span) not in spans or not any(
        entry.line == header_line for entry in reading.entries
    ):
        raise ToolError(
            f"{where}: the new entry would not read back as written; nothing was written"
        )
    return reading


def _in_entry(line: int, header_line: int) -> str:
    return f"(line {line - header_line} of the entry text) " if line > header_line else ""
