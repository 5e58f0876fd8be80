"""Redaction: the one audited way to take words off the public record.

A redaction is an entry of kind ``redaction``, dated like any other, whose
body names the words to take out and why::

    ::: redaction 2025-06-02 "A name removed"
    Reason: privacy
    Removed: "Jane Doe"
    The name of a witness, removed at her request.
    :::

``Reason:`` (legal, privacy or safety) and each ``Removed: "…"`` line are
read by the build and never rendered: readers see a sentence saying what
kind of material was removed, when and why, then the public note. Wherever
the words stood, in the current text and in every earlier version (body,
entries, ``Title:``, ``Summary:``), readers see a marker in their place,
``[Removed on 2 Jun 2025: privacy]``. The words are cut from the source
lines, before Markdown, typogrify or a theme can change how they are spelt.

For the append-only rule, texts are compared with every removed phrase
taken out: leaving the words in the source or deleting them is no change;
any other edit still is. The words never touch the source's structure: entry
fences (but a title's words), anchors, header field names, and the values of
the fields that say where and when a story is published.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

KIND = "redaction"
REASONS = ("legal", "privacy", "safety")
_REASON_LINE = re.compile(r"^Reason:[ \t]*(?P<reason>\S*)[ \t]*$", re.IGNORECASE)
_REMOVED_LINE = re.compile(r'^Removed:[ \t]*"(?P<phrase>.*)"[ \t]*$', re.IGNORECASE)


@dataclass(frozen=True)  # no __slots__: Pelican's content cache holds pickles of it
class Removal:
    """What one redaction entry takes out (never rendered, never written to output)."""

    anchor: str
    line: int  # the entry's header line
    reason: str
    phrases: tuple[str, ...]
    marker: str  # what readers see where the words stood

    @property
    def sentence(self) -> str:
        """The entry's visible first line."""
        return f"Material was removed from this story for {self.reason} reasons."


def is_field_line(line: str) -> bool:
    """A line of a redaction entry that the build reads and never renders."""
    stripped = line.strip()
    return bool(_REASON_LINE.match(stripped) or _REMOVED_LINE.match(stripped))


def without_fields(text: str) -> str:
    """``text`` without the lines that name removed words: where a phrase must be
    found for a redaction to take out anything."""
    return "\n".join(line for line in text.split("\n") if not is_field_line(line))


def read_fields(body: Sequence[str]) -> tuple[str | None, list[str], list[tuple[int, str]]]:
    """(reason, phrases, problems as (index in ``body``, message)) of a redaction's body."""
    reason: str | None = None
    phrases: list[str] = []
    problems: list[tuple[int, str]] = []
    for index, line in enumerate(body):
        stripped = line.strip()
        if found := _REASON_LINE.match(stripped):
            reason = found["reason"].lower()
            if reason not in REASONS:
                problems.append(
                    (
                        index,
                        f"'{found['reason']}' is not a reason; write Reason: one of "
                        + ", ".join(REASONS),
                    )
                )
        elif found := _REMOVED_LINE.match(stripped):
            phrase = " ".join(found["phrase"].split())
            if len(phrase) < 2:
                problems.append((index, 'Removed: needs the exact words, in quotes: Removed: "…"'))
            else:
                phrases.append(phrase)
        elif stripped.lower().startswith(("removed:", "reason:")):
            problems.append((index, 'write Removed: "the exact words", in double quotes'))
    if reason is None:
        problems.append((0, "a redaction needs a Reason: line (legal, privacy or safety)"))
    if not phrases:
        problems.append((0, 'a redaction needs at least one Removed: "the exact words" line'))
    return reason, phrases, problems


# Every spelling of a character that HTML or typography may give it.
_APOSTROPHE = r"(?:['‘’]|&#0*39;|&#x0*27;|&apos;|&[lr]squo;|&#0*821[67];|&#x0*201[89];)"
_QUOTE = r'(?:["“”]|&quot;|&#0*34;|&#x0*22;|&[lr]dquo;|&#0*822[01];|&#x0*201[cd];)'
_SPACE = r"(?:\s|&nbsp;|&#0*160;|&#x0*a0;)+"
_SAME = {"'": _APOSTROPHE, "‘": _APOSTROPHE, "’": _APOSTROPHE}
_SAME |= {'"': _QUOTE, "“": _QUOTE, "”": _QUOTE}

# What the words never touch: the source's structure. Header fields that say
# when, where and whether a story is published (their values), the name of
# every header field, entry fences (but a title's words), and anchors.
_FIELD = re.compile(r"^([A-Za-z][\w-]*)[ \t]*:", re.MULTILINE)
_STRUCTURE_FIELDS = {"date", "modified", "slug", "lang", "status", "template", "save_as", "url"}
_FENCE = re.compile(r'^:::[^\n"]*(?:"|$)|"[ \t]*$', re.MULTILINE)
_ANCHOR = re.compile(r"\b[a-z][a-z0-9-]*-\d{4}-\d{2}-\d{2}(?:-\d+)?\b")


def pattern(phrase: str) -> re.Pattern[str]:
    """``phrase`` as a whole word or words: in any case, with straight, curly or
    HTML-escaped quotes, across any space, ``&nbsp;`` or line break between its
    words. Taking out more spellings is safe; fewer is not."""
    return re.compile(_expression(phrase), re.IGNORECASE)


def _expression(phrase: str) -> str:
    phrase = unicodedata.normalize("NFC", phrase)
    words = ("".join(_SAME.get(char, re.escape(char)) for char in word) for word in phrase.split())
    start = r"(?<!\w)" if phrase[:1].isalnum() else ""
    end = r"(?!\w)" if phrase[-1:].isalnum() else ""
    return start + _SPACE.join(words) + end


def redact(text: str, removals: Iterable[Removal]) -> str:
    """``text`` with each removed phrase replaced by its marker, the longest phrase
    first (so a shorter one cannot leave part of a longer one), never in the
    source's structure; the line breaks a match spanned are kept, so every later
    line keeps its number."""
    pairs = sorted(
        ((phrase, removal.marker) for removal in removals for phrase in removal.phrases),
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    if not pairs:
        return text
    text = unicodedata.normalize("NFC", text)
    spans = _structure(text)
    combined = re.compile(
        "|".join(f"(?P<p{index}>{_expression(phrase)})" for index, (phrase, _) in enumerate(pairs)),
        re.IGNORECASE,
    )

    def replace(match: re.Match[str]) -> str:
        if _inside(spans, match.start(), match.end()):
            return match[0]
        marker = pairs[int(match.lastgroup[1:])][1]
        return marker + "\n" * match[0].count("\n")

    return combined.sub(replace, text)


def takes_out(text: str, phrase: str) -> bool:
    """Whether ``phrase`` stands anywhere in ``text`` that a redaction cuts."""
    return redact(text, [Removal("", 0, "", (phrase,), "\0")]) != unicodedata.normalize("NFC", text)


def _structure(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` no phrase may touch: disjoint, in order."""
    spans = [match.span() for match in _ANCHOR.finditer(text)]
    spans += [match.span() for match in _FENCE.finditer(text)]
    header_end = text.find("\n\n")
    for match in _FIELD.finditer(text, 0, header_end if header_end >= 0 else len(text)):
        line_end = text.find("\n", match.start())
        whole = match.group(1).lower() in _STRUCTURE_FIELDS
        spans.append((match.start(), line_end if whole and line_end >= 0 else match.end()))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start:end`` overlaps one of the disjoint, ordered ``spans``."""
    at = bisect.bisect_left(spans, (end, end)) - 1
    return at >= 0 and spans[at][1] > start


def without_removed(text: str, phrases: Iterable[str]) -> str:
    """``text`` with every removed phrase taken out, white space folded: what the
    append-only rule compares (the words may stay in the source, or go; a
    marker typed in their place is a change like any other)."""
    text = unicodedata.normalize("NFC", text)
    for phrase in sorted(phrases, key=len, reverse=True):
        text = pattern(phrase).sub("", text)
    return " ".join(text.split())


def key_of(removals: Sequence[Removal]) -> str:
    """What renderings made with ``removals`` are cached under, beside the blob id."""
    parts = [f"{removal.marker}\0{phrase}" for removal in removals for phrase in removal.phrases]
    return hashlib.sha256("\0\0".join(sorted(parts)).encode("utf-8")).hexdigest()[:16]
