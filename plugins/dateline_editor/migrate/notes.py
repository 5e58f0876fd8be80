"""``invoke migrate``: turn legacy free-text notes into structured entries.

An archive says "Update (Nov. 2, 2018): …", "*Updated 11/02/2018 at 3:15
p.m.*", "**Correction (Oct. 30):** …", "[Updated …]", "Editor's note: …",
or, in whole sentences, "This article was amended on 7 March 2019 to clarify
…" and "An earlier version of this article …". Each such paragraph — it
starts with the label or the sentence and runs to the next blank line — is
proposed as a ``::: KIND WHEN`` entry in the same place. Nothing is guessed:
a date that reads two ways waits for ``--date-order``; a note without a date
(or with a time but no day), or whose words do not say what kind of change
it was, is reported for a person; and so is every paragraph that looks like
a note but is in no form read here.
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
from .dates import DateProblem, Stamp, read_stamp, read_time

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
# Notes written as sentences: "This article was amended on 7 March 2019 to …".
_STORY = r"(?:article|story|post|piece|report|explainer|item|page)"
_AMENDED = re.compile(
    rf"this\s+{_STORY}\s+(?:was|has\s+been|had\s+been)\s+"
    r"(?P<verb>amended|corrected|clarified|updated|changed|edited|revised)\b"
    # then a date, a reason or the end: "This story was updated weekly" is prose
    r"(?=[ \t]*(?:on\b|at\b|to\b|because\b|since\b|after\b|for\b|with\b|\d|[.,;:*_]|$))"
    r"(?:[ \t]+(?:on|at)\b)?[ \t]*",
    re.I,
)
_EARLIER = re.compile(
    rf"(?:an?\s+)?(?:earlier|previous|prior)\s+version\s+of\s+this\s+{_STORY}\b", re.I
)
# The words that say what kind of change a sentence note was.
_SAYS = {
    "clarification": re.compile(r"\bclarif", re.I),
    "correction": re.compile(
        r"\b(?:correct(?!ly\b)|errors?\b|erroneous|misstat|misspel|misidentif|misquot|misnam"
        r"|incorrect|wrong|mistaken|inaccura)"
        rf"|{_EARLIER.pattern}",
        re.I,
    ),
    "update": re.compile(
        r"\b(?:updat|to\s+add\b|to\s+include\b|to\s+reflect\b|new\s+information)", re.I
    ),
}
_VERB_KIND = {"corrected": "correction", "clarified": "clarification", "updated": "update"}
# A paragraph that opens like a note ("Update (", "**Correction**:") though no form reads it.
_LOOKS_LIKE = re.compile(
    r"^\[?[*_]{0,3}(?P<label>editor(?:['’‘`]?s|s['’‘`])?\s+note|note|update[ds]?|correct(?:ion|ed)"
    r"|clarif(?:ication|ied))[*_]{0,3}[ \t]*(?:[:(\[—–]|-\s)",
    re.I,
)
_LINK = re.compile(r"^\[[^\]]*\]\(")
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
        found = _notes_in_paragraph(lines, index, end, order, published)
        notes.extend(found or _looks_like_a_note(lines, index, end))
        index = end
    return notes


def _looks_like_a_note(lines: list[str], start: int, end: int) -> list[Note]:
    """A paragraph that opens like a note but that no form here reads: reported, never
    left alone without a word."""
    text = lines[start]
    found = _LOOKS_LIKE.match(text)
    if found is None or _LINK.match(text):
        return []
    label = found["label"]
    problem = (
        f"this paragraph looks like a note ({text.strip()[:40]}…) but is in no form migrate "
        f"reads; convert it by hand: ::: KIND YYYY-MM-DD, the text, then a line holding only :::"
    )
    body = tuple(_tidy("\n".join(lines[start:end])))
    return [Note(start, end, label, kind_of(label), None, body, problem)]


def _notes_in_paragraph(
    lines: list[str], start: int, end: int, order: str | None, published: date | None
) -> list[Note]:
    """The notes in one paragraph: one per line that opens a dated note, else at most one."""
    sentence = _parse_sentence(lines[start:end], start, order, published)
    if sentence is not None:
        return [sentence]
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


def _parse_sentence(
    block: list[str], start: int, order: str | None, published: date | None
) -> Note | None:
    """A note written as a sentence: "This article was amended on 7 March 2019 to
    clarify …", "An earlier version of this story misstated …". The sentence is the
    entry's text, as the newsroom wrote it; its words say the kind, or it is reported."""
    text = "\n".join(block)
    opener = _EMPHASIS.match(text)
    emphasis = opener[0] if opener else ""
    position = len(emphasis)
    amended = _AMENDED.match(text, position)
    earlier = None if amended else _EARLIER.match(text, position)
    if amended is None and earlier is None:
        return None
    body_text = text[position:]
    if emphasis and body_text.rstrip().endswith(emphasis):
        body_text = body_text.rstrip()[: -len(emphasis)]
    body = tuple(_tidy(body_text))
    label = (amended or earlier)[0].strip()
    stamp: Stamp | None = None
    problem: str | None = None
    if amended is not None:
        try:
            found = read_stamp(text[amended.end() :], order, published)
        except DateProblem as error:
            found, problem = None, str(error)
        stamp = found[0] if found else None
    said = {kind for kind, words in _SAYS.items() if words.search(body_text)}
    verb = amended["verb"].lower() if amended else ""
    kind = _VERB_KIND.get(verb) or (said.pop() if len(said) == 1 else None)
    if problem is None and kind is None:
        kinds = " and ".join(sorted(said)) if said else "no kind"
        problem = (
            f"'{label}' does not say what kind of change it was (its words say {kinds}); "
            "convert it by hand as ::: correction, ::: clarification or ::: update"
        )
    elif problem is None and stamp is None:
        problem = (
            f"'{label}' has no date; Dateline will not guess one. Date it by hand: "
            f"::: {kind} YYYY-MM-DD, the text, then a line holding only :::"
        )
    return Note(start, start + len(block), label, kind or "correction", stamp, body, problem)


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
    if found is None and problem is None:
        clock = read_time(text[lead.end() :])
        if clock is not None:
            problem = (
                f"{label['label']} gives a time ({clock}) but no day; Dateline will not guess "
                f"one. Date it by hand: ::: {kind} YYYY-MM-DDTHH:MM±HH:MM, the text, then a "
                "line holding only :::"
            )
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
    line_ends = "\n" in tail[0] or tail.end() == len(text)  # "Correction: March 7, 2019⏎…"
    if stamp is not None and lead["colon"] and separator not in (":", *_DASHES) and not line_ends:
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
    if bracket and tail["close"] != "]":  # else "[Updated 3/6/2019] The mayor …"
        stripped = body_text.rstrip()
        if not stripped.endswith("]") and problem is None:
            return None  # "[Update](link)" and the like
        body_text = stripped[:-1]
    if stamp is not None and separator == "," and body_text[:1].islower():
        # "[Updated March 6, 2019, with comment from …]": the words read as a whole
        body_text = _unwrapped(text, emphasis if not closed else "", bracket)
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


def _unwrapped(text: str, emphasis: str, bracket: bool) -> str:
    """The note's whole text, without the brackets or emphasis around it."""
    inner = text.strip()
    if bracket and inner.startswith("[") and inner.endswith("]"):
        inner = inner[1:-1]
    if emphasis and inner.startswith(emphasis) and inner.endswith(emphasis):
        inner = inner[len(emphasis) : -len(emphasis)]
    return inner


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
