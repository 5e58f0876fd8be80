"""``invoke migrate``: turn legacy free-text notes into structured entries.

An archive says "Update (Nov. 2, 2018): …", "*Updated 11/02/2018 at 3:15
p.m.*", "**Correction (Oct. 30):** …" or "Editor's note: …". Each such
paragraph — it starts with the label and runs to the next blank line — is
proposed as a ``::: KIND WHEN`` entry in the same place. Nothing is guessed:
a date that reads two ways waits for ``--date-order``, and a note without a
date is reported for a person to date.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from pelican.plugins.dateline.entries.header import read_header
from pelican.plugins.dateline.entries.reader import decode_source
from pelican.plugins.dateline.entries.syntax import FENCE
from pelican.plugins.dateline.problems import Problem, SourceError

from ..article import read_article
from ..atomic import one_at_a_time, replace_file
from ..errors import ToolError
from ..project import Project
from .dates import DateProblem, Stamp, read_stamp

_LABEL = re.compile(
    r"""(?P<label>
        editor(?:['’‘`]?s|s['’‘`])?\s+note
      | ed(?:itor)?\.?(?:['’‘`]s)?\s+note
      | note
      | update[ds]?
      | correct(?:ion|ed)
      | clarif(?:ication|ied)
    )(?![\w'’])""",
    re.I | re.X,
)
_EMPHASIS = re.compile(r"\*{1,3}|_{1,3}")
# A cheap first look: could any line start with a label at all?
_MAYBE_NOTES = re.compile(r"^\[?[*_]{0,3}(?:ed|note|update|correct|clarif)", re.I | re.M)
_DASHES = ("-", "–", "—")
# A hyphen separates only with a space after it: "Update-to-date" is a word.
_SEP = r"(?:[:.,–—]|-(?=\s))"
_LEAD = re.compile(
    r"[ \t]*(?:(?P<paren>[(\[])|(?P<comma>[,–—]|-(?=\s))[ \t]*|(?P<colon>:)[ \t]*(?=\S))?"
    r"[ \t]*(?:(?:on|as\s+of|at)\s+)?",
    re.I,
)
_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NOT_A_PARAGRAPH = re.compile(r"^(?: {4}|\t| {0,3}(?:[>#|<]|[-+*][ \t]|\d+[.)][ \t]))")


def kind_of(label: str) -> str:
    """The Dateline kind a legacy label names."""
    word = label.lower()
    if word.startswith("ed"):
        return "editors-note"
    return {"no": "note", "up": "update", "co": "correction", "cl": "clarification"}[word[:2]]


@dataclass(frozen=True)
class Note:
    """A legacy note found in a file: where, what kind, when, and its text."""

    start: int  # 0-based first line
    end: int  # 0-based line after the last
    label: str
    kind: str
    stamp: Stamp | None
    body: tuple[str, ...]
    problem: str | None = None  # why it cannot become an entry yet


@dataclass
class FileMigration:
    """The notes of one file and the text with those that could be converted."""

    path: Path
    raw: bytes
    original: str
    migrated: str
    converted: list[Note] = field(default_factory=list)
    reported: list[Note] = field(default_factory=list)


def find_notes(lines: list[str], order: str | None, published: date | None) -> list[Note]:
    """Every legacy note in the body of ``lines`` (header, code and entries skipped)."""
    notes: list[Note] = []
    _, index = read_header("\n".join(lines))
    fence: str | None = None
    in_entry = False
    while index < len(lines):
        line = lines[index]
        code = _CODE_FENCE.match(line)
        if fence is not None:
            if code and line.strip().startswith(fence):
                fence = None
            index += 1
            continue
        if code:
            fence = code[1]
            index += 1
            continue
        if line.startswith(FENCE):
            in_entry = bool(line[len(FENCE) :].strip())
            index += 1
            continue
        if in_entry or not line.strip() or _NOT_A_PARAGRAPH.match(line):
            index += 1
            continue
        end = index
        while (
            end < len(lines)
            and lines[end].strip()
            and not lines[end].startswith(FENCE)
            and not _CODE_FENCE.match(lines[end])
        ):
            end += 1
        notes.extend(_notes_in_paragraph(lines, index, end, order, published))
        index = end
    return notes


def _notes_in_paragraph(
    lines: list[str], start: int, end: int, order: str | None, published: date | None
) -> list[Note]:
    """The notes in one paragraph: one per line that opens a dated note, else at most one."""
    first = _parse(lines[start:end], start, order, published)
    if first is None:
        return []
    cuts = [start]
    for index in range(start + 1, end):
        if _parse([lines[index]], index, order, published) is not None:
            cuts.append(index)
    cuts.append(end)
    notes = []
    for begin, stop in itertools.pairwise(cuts):
        note = _parse(lines[begin:stop], begin, order, published)
        if note is not None:
            notes.append(note)
    return notes


def _after(emphasis: str) -> re.Pattern[str]:
    """What may follow the label and date: ``)``, a separator, the closing emphasis."""
    closing = f"(?P<emph>{re.escape(emphasis)})?" if emphasis else "(?P<emph>(?!))?"
    return re.compile(
        rf"[ \t]*(?P<close>[)\]])?[ \t]*(?P<sep1>{_SEP})?[ \t]*{closing}[ \t]*(?P<sep2>{_SEP})?\s*"
    )


def _parse(block: list[str], start: int, order: str | None, published: date | None) -> Note | None:
    """Read one paragraph as a note; None when it is ordinary text."""
    text = "\n".join(block)
    bracket = text.startswith("[")
    position = int(bracket)
    opener = _EMPHASIS.match(text, position)
    emphasis = opener[0] if opener else ""
    position += len(emphasis)
    label = _LABEL.match(text, position)
    if label is None:
        return None
    kind = kind_of(label["label"])
    position = label.end()
    closed_early = bool(emphasis) and text.startswith(emphasis, position)
    if closed_early:  # "**UPDATE** — Oct. 31: …"
        position += len(emphasis)
        emphasis = ""
    stamp: Stamp | None = None
    problem: str | None = None
    lead = _LEAD.match(text, position)
    assert lead is not None  # every part is optional
    try:
        found = read_stamp(text[lead.end() :], order, published)
    except DateProblem as error:
        found, problem = None, str(error)
        position = lead.end()
    if found is not None:
        stamp, position = found[0], lead.end() + found[1]
    elif lead["paren"] and problem is None:
        closing = text.find(")" if lead["paren"] == "(" else "]", lead.end())
        if closing < 0 or "\n" in text[lead.end() : closing]:
            return None  # "Update (": not a label
        position = closing
    tail = _after(emphasis).match(text, position)
    assert tail is not None  # every part is optional
    separator = tail["sep1"] or tail["sep2"] or ""
    closed = bool(tail["emph"])
    if stamp is not None and lead["colon"] and separator not in (":", *_DASHES):
        # "Correction: May 5 people …": the text, not a date
        stamp, tail = None, _after(emphasis).match(text, lead.start())
        assert tail is not None
        separator, closed = tail["sep1"] or tail["sep2"] or "", bool(tail["emph"])
    if lead["paren"] and not tail["close"]:
        return None
    signalled = separator in (":", *_DASHES) or closed or closed_early
    if stamp is None and problem is None and not signalled:
        return None  # "Updated figures show …": ordinary prose
    body_text = text[tail.end() :]
    if emphasis and not closed:
        stripped = body_text.rstrip()
        if stripped.endswith(emphasis):
            body_text = stripped[: -len(emphasis)]
        else:
            body_text = emphasis + body_text
    if bracket:
        stripped = body_text.rstrip()
        if not stripped.endswith("]"):
            return None  # "[Update](link)" and the like
        body_text = stripped[:-1]
    body = tuple(_tidy(body_text))
    if problem is None and stamp is None:
        problem = (
            f"{label['label']} has no date; Dateline will not guess one. Date it by hand: "
            f"::: {kind} YYYY-MM-DD, the text, then a line holding only :::"
        )
    elif problem is None and not body:
        problem = f"{label['label']} has no text; an entry must say what changed"
    elif problem is None and any(line.startswith(FENCE) for line in body):
        problem = "the note has a line starting with ':::'; reword it by hand"
    return Note(start, start + len(block), label["label"], kind, stamp, body, problem)


def _tidy(text: str) -> list[str]:
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if lines:
        lines[0] = lines[0].lstrip()
        lines[-1] = lines[-1].rstrip()
    return lines


def migrate_file(
    project: Project, path: Path, order: str | None, now: datetime | None = None
) -> FileMigration:
    """Find the notes of ``path`` and the text with every convertible one converted."""
    now = now or datetime.now(project.zone)
    raw = path.read_bytes()
    try:
        original = decode_source(project.display(path), raw)
    except SourceError as error:
        raise ToolError("migrate refused: fix this file first", error.problems) from None
    if not _MAYBE_NOTES.search(original):  # most files of an archive: skip the full read
        return FileMigration(path, raw, original, original)
    reading = read_article(project, path, original, now)
    published = reading.published.astimezone(project.zone) if reading.published else None
    lines = original.splitlines()
    notes = find_notes(lines, order, published.date() if published else None)
    result = FileMigration(path, raw, original, original)
    if not notes:
        return result
    if published is None:
        result.reported = [
            _with_problem(note, "the article has no Date:; add one") for note in notes
        ]
        return result
    candidates: list[Note] = []
    for note in notes:
        problem = (
            note.problem
            or _kind_problem(project, note)
            or _time_problem(project, note, published, now)
        )
        if problem:
            result.reported.append(_with_problem(note, problem))
        else:
            candidates.append(note)
    while candidates:
        migrated, spans = _apply(project, lines, candidates, original)
        after = read_article(project, path, migrated, now)
        refused = _refused(after.problems, spans)
        if not refused:
            result.migrated, result.converted = migrated, candidates
            break
        for note, message in refused.items():
            candidates.remove(note)
            result.reported.append(_with_problem(note, f"the entry would be refused: {message}"))
    result.reported.sort(key=lambda note: note.start)
    return result


def _kind_problem(project: Project, note: Note) -> str | None:
    if note.kind in project.kinds:
        return None
    return f"the kind '{note.kind}' is not in DATELINE_KINDS; add it or convert this note by hand"


def _time_problem(project: Project, note: Note, published: datetime, now: datetime) -> str | None:
    stamp = note.stamp
    assert stamp is not None
    moment = stamp.when(project.zone)
    if moment is None:
        early = stamp.day < published.date()
        late = datetime.combine(stamp.day, datetime.min.time(), project.zone) > now
    else:
        early = moment.astimezone(UTC) < published.astimezone(UTC)
        late = moment.astimezone(UTC) > now.astimezone(UTC)
    if early:
        return (
            f"'{stamp.text}' reads as {stamp.header(project.zone)}, before the article's "
            f"Date: ({published.isoformat(timespec='minutes')}); check the note's date"
        )
    if late:
        return f"'{stamp.text}' reads as {stamp.header(project.zone)}, which is in the future"
    return None


def _with_problem(note: Note, problem: str) -> Note:
    return Note(note.start, note.end, note.label, note.kind, note.stamp, note.body, problem)


def _apply(
    project: Project, lines: list[str], notes: list[Note], original: str
) -> tuple[str, dict[Note, tuple[int, int]]]:
    """The text with ``notes`` replaced by entries, and each entry's 1-based line span."""
    newline = "\r\n" if "\r\n" in original else "\n"
    output: list[str] = []
    spans: dict[Note, tuple[int, int]] = {}
    by_start = {note.start: note for note in notes}
    index = 0
    while index < len(lines):
        note = by_start.get(index)
        if note is None:
            output.append(lines[index])
            index += 1
            continue
        assert note.stamp is not None
        first = len(output) + 1
        output.append(f"{FENCE} {note.kind} {note.stamp.header(project.zone)}")
        output.extend(note.body)
        output.append(FENCE)
        spans[note] = (first, len(output))
        index = note.end
    ending = newline if original.endswith(("\n", "\r")) else ""
    return newline.join(output) + ending, spans


def _refused(problems: list[Problem], spans: dict[Note, tuple[int, int]]) -> dict[Note, str]:
    refused: dict[Note, str] = {}
    for problem in problems:
        for note, (first, last) in spans.items():
            if first <= problem.line <= last:
                refused.setdefault(note, problem.message)
    return refused


def diff(project: Project, migration: FileMigration) -> str:
    """A unified diff from the original to the migrated text."""
    name = project.display(migration.path)
    return "".join(
        difflib.unified_diff(
            migration.original.splitlines(keepends=True),
            migration.migrated.splitlines(keepends=True),
            f"a/{name}",
            f"b/{name}",
        )
    )


def write(migration: FileMigration) -> None:
    """Replace the file with its migrated text, atomically; only if it is unchanged."""
    bom = b"\xef\xbb\xbf" if migration.raw.startswith(b"\xef\xbb\xbf") else b""
    with one_at_a_time(migration.path):
        replace_file(migration.path, bom + migration.migrated.encode("utf-8"), migration.raw)
