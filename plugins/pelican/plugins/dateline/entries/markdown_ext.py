"""Python-Markdown extension for ``:::`` entry blocks.

Three processors, in the house style of ``admonition`` and ``footnotes``:

* a preprocessor scans the raw lines (before ``meta`` and ``fenced_code``
  touch them, so line numbers are the source file's) and swaps each entry's
  fences for placeholder lines;
* a block processor turns each placeholder pair into the entry's body, which
  Markdown parses like any other;
* a postprocessor lifts each rendered body out of the final HTML, so feeds
  and history lists get exactly what readers see, wraps it in an undressed
  ``<aside>``, and dresses that with its attributes and label (``dress``).

After ``convert()``, ``md.dateline`` holds the entries and the problems,
the way ``md.Meta`` holds metadata.

With ``dress_late``, dressing is left to the caller: Pelican's reader keeps
the labels, which are not prose, out of the HTML typogrify goes through (its
cost grows with every tag and run of text), and the plugin dresses the
entries once typogrify is done.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.util import ETX, STX, AtomicString

from ..model import Entry, anchor_for, format_time
from ..problems import Problem
from ..settings import DEFAULTS
from ..text import without_bidi_controls
from .entry import EntryMaker
from .redaction import KIND as REDACTION
from .redaction import Removal, is_field_line, read_fields, redact, takes_out, without_removed
from .scan import Block, scan
from .syntax import FENCE

EXTENSION = __name__  # how MARKDOWN["extensions"] names it

# Whitespace normalisation (priority 30) strips STX/ETX from the source, so
# these placeholders can never come from an editor's text.
_OPEN = STX + "dateline-open:{}" + ETX
_CLOSE = STX + "dateline-close:{}" + ETX
_BODY_START = STX + "dateline-body:{}" + ETX
_BODY_END = STX + "dateline-end:{}" + ETX
_OPEN_RE = re.compile(f"{STX}dateline-open:(\\d+){ETX}")
_BODY_RE = re.compile(
    f'<div class="revision__body">{STX}dateline-body:(\\d+){ETX}'
    f"(.*?)</div>\\s*{STX}dateline-end:\\1{ETX}",
    re.DOTALL,
)

# An entry before ``dress``: ``<aside STX line ETX>body</aside STX>``, where
# ``line`` is its header's. STX never comes from an editor's text, so these
# tags cannot be typed; and typogrify, which costs by tag and by run of text,
# passes over them as cheaply as over the paragraphs they replace.
_UNDRESSED_OPEN = "<aside" + STX + "{}" + ETX + ">"
_UNDRESSED_CLOSE = "</aside" + STX + ">"
_UNDRESSED_RE = re.compile(f"<aside{STX}([0-9]+){ETX}>|</aside{STX}>")
_UNDRESSED_ENTRY = re.compile(f"<aside{STX}[0-9]+{ETX}>.*?</aside{STX}>\n?", re.DOTALL)


# After each dressed entry: where it ends, whatever raw HTML its body holds
# (a stray ``</aside>`` must not end it early for ``holdback``).
ENTRY_END = "<!--/revision-->"

_PLACEHOLDER = re.compile(f"{STX}dateline-[a-z]+:[0-9]+{ETX}")
_RAW_FENCE = re.compile(r"^(?:<p>)?:::", re.MULTILINE)
# Where a ':::' line is meant to show as it is (code), or does not show (a comment).
_SHOWN_AS_IS = re.compile(r"<(pre|code)[\s>].*?</\1>|<!--.*?-->", re.DOTALL | re.IGNORECASE)

_ALIGN_STYLE = re.compile(r' style="text-align: (left|right|center);"')


@dataclass
class EntryScan:
    """The result of one conversion: well-formed entries and problems."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)  # redactions (``redaction``)
    unmatched: list[tuple[Removal, str]] = field(default_factory=list)  # not in this text


class EntryPreprocessor(Preprocessor):
    """Scan the source; replace each entry's fences with placeholder blocks."""

    def __init__(self, md: Markdown, extension: DatelineExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        blocks, problems = scan(lines, self.extension.kinds, self.extension.zone)
        removals = self._removals(lines, blocks, problems)
        if removals:  # the words go before anything reads the lines, headers included
            lines = self._redacted(lines, blocks, removals)
            blocks, _ = scan(lines, self.extension.kinds, self.extension.zone)
        phrases = [phrase for removal in removals for phrase in removal.phrases]
        self.extension.blocks = blocks
        self.extension.first_fence = next(
            (number for number, line in enumerate(lines, 1) if line.startswith(FENCE)), 1
        )
        self.extension.texts = [
            (without_removed(block.text(lines), phrases), block.declares(lines)) for block in blocks
        ]
        self.md.dateline.problems = problems
        output: list[str] = []
        done = 0
        for number, block in enumerate(blocks):
            output += lines[done : block.start]
            output += ("", _OPEN.format(number), "")
            output += lines[block.start + 1 : block.end]
            output += ("", _CLOSE.format(number), "")
            done = block.end + 1
        return output + lines[done:] if blocks else lines

    def _removals(
        self, lines: list[str], blocks: list[Block], problems: list[Problem]
    ) -> list[Removal]:
        """What the document's redactions take out; their problems join ``problems``."""
        removals = []
        taken: dict[str, int] = {}
        for block in blocks:
            anchor = anchor_for(block.header.kind, block.header.date_text, taken)
            if block.header.kind != REDACTION:
                continue
            body = lines[block.start + 1 : block.end]
            reason, phrases, wrong = read_fields(body)
            problems.extend(Problem("", block.start + 2 + index, why) for index, why in wrong)
            if wrong or reason is None:
                continue
            day = format_time(block.header.when, False, self.extension.formats)
            removals.append(
                Removal(
                    anchor, block.start + 1, reason, tuple(phrases), f"[Removed on {day}: {reason}]"
                )
            )
        return removals

    def _redacted(
        self, lines: list[str], blocks: list[Block], removals: list[Removal]
    ) -> list[str]:
        """``lines`` with each removed phrase replaced by its marker, and each
        redaction's own fields read out: ``Reason:`` becomes its sentence,
        ``Removed:`` nothing. A phrase found nowhere here is noted: the
        history may hold it (``unmatched``)."""
        fields = {}
        by_line = {removal.line: removal for removal in removals}
        for block in blocks:
            removal = by_line.get(block.start + 1)
            for index in range(block.start + 1, block.end):
                if removal is not None and is_field_line(lines[index]):
                    reason = lines[index].strip().lower().startswith("reason:")
                    fields[index] = removal.sentence if reason else ""
        text = "\n".join("" if index in fields else line for index, line in enumerate(lines))
        found = redact(text, removals)
        self.md.dateline.removals = removals
        self.md.dateline.unmatched = [
            (removal, phrase)
            for removal in removals
            for phrase in removal.phrases
            if not takes_out(text, phrase)
        ]
        redacted = found.split("\n")
        for index, value in fields.items():
            redacted[index] = value
        return redacted


class EntryBlockProcessor(BlockProcessor):
    """Render one entry: an ``<aside>`` with its label and its parsed body."""

    def __init__(self, parser: Any, extension: DatelineExtension) -> None:
        super().__init__(parser)
        self.extension = extension

    def test(self, parent: etree.Element, block: str) -> bool:
        return STX in block and _OPEN_RE.fullmatch(block.strip()) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        match = _OPEN_RE.fullmatch(blocks.pop(0).strip())
        assert match is not None  # test() said so
        number = int(match[1])
        closing = _CLOSE.format(number)
        body_blocks: list[str] = []
        while blocks and blocks[0].strip() != closing:
            body_blocks.append(blocks.pop(0))
        if blocks:
            blocks.pop(0)
        self.extension.start_entry(number)
        # The body only: the postprocessor wraps it in its <aside>, ``dress``
        # gives that its attributes and label.
        body = etree.SubElement(parent, "div", {"class": "revision__body"})
        self.parser.parseBlocks(body, body_blocks)
        # Markers around the body, where no other processor rewrites them
        # (codehilite, for one, clears the tail of the blocks it replaces).
        body.text = AtomicString(_BODY_START.format(number))
        body.tail = AtomicString(_BODY_END.format(number))


def dress(markup: str, entries: Iterable[Entry]) -> str:
    """Give each undressed entry of ``markup`` its attributes and visible label.

    The label (kind, time, title) is shown as typed and as in every list of
    entries: it is not prose, and typogrify does not go over it.
    """
    by_line = {entry.line: entry for entry in entries}

    def tag(match: re.Match[str]) -> str:
        if match[1] is None:
            return "\n</div>\n</aside>" + ENTRY_END
        entry = by_line[int(match[1])]
        title = f' <span class="revision__title">{_text(entry.title)}</span>' if entry.title else ""
        kind, anchor = html.escape(entry.kind), html.escape(entry.anchor)  # settings check them too
        return (  # tabindex: a link to the entry moves focus to it
            f'<aside class="revision revision--{kind}" data-revision-date="{entry.iso}" '
            f'data-revision-kind="{kind}" id="{anchor}" tabindex="-1">\n'
            f'<p class="revision__label"><strong class="revision__kind">{_text(entry.label)}'
            f'</strong> <time datetime="{entry.iso}">{_text(entry.display)}</time>{title}</p>\n'
            '<div class="revision__body">'
        )

    return _UNDRESSED_RE.sub(tag, markup)


def undressed(line: int) -> tuple[str, str]:
    """The opening and closing tags of an undressed entry whose header is at ``line``."""
    return _UNDRESSED_OPEN.format(line), _UNDRESSED_CLOSE


def undressed_entries(markup: str) -> list[tuple[int, str]]:
    """Each undressed entry of ``markup``: (its header's line, its body's HTML)."""
    found = []
    for match in _UNDRESSED_ENTRY.finditer(markup):
        opening = _UNDRESSED_RE.match(match[0])
        assert opening is not None and opening[1] is not None
        body = match[0][opening.end() :].rsplit(_UNDRESSED_CLOSE, 1)[0]
        found.append((int(opening[1]), body.strip()))
    return found


def without_entries(markup: str) -> str:
    """``markup`` (undressed, as the reader left it) with every entry taken out."""
    return _UNDRESSED_ENTRY.sub("", markup)


def _text(value: str) -> str:
    """``value`` as HTML text: never Markdown, never markup.

    Characters beyond ASCII become character references, as typogrify writes
    them: one ``’`` in a label would otherwise make Python store the whole
    page's HTML at two bytes a character (measured: +7 MiB at 1,000 pages).
    """
    return html.escape(value, quote=False).encode("ascii", "xmlcharrefreplace").decode("ascii")


class EntryBodyPostprocessor(Postprocessor):
    """Take each entry's final body HTML; finish the entries with it."""

    def __init__(self, md: Markdown, extension: DatelineExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        if self.extension.blocks and STX not in text:
            # Not the document: a fragment other extensions run the postprocessors
            # on (toc's table of contents), which holds no entry to finish.
            return text

        def lift(match: re.Match[str]) -> str:
            body = match[2].strip()
            entry = self.extension.finish_entry(int(match[1]), body)
            return _UNDRESSED_OPEN.format(entry.line) + body + _UNDRESSED_CLOSE + "\n"

        text = _BODY_RE.sub(lift, text)
        text = self._unread(text)
        if self.extension.getConfig("dress_late"):
            return text
        return dress(text, self.md.dateline.entries)

    def _unread(self, text: str) -> str:
        """Entries Markdown did not read as such are problems, never raw text.

        An entry inside an HTML block or comment, or in what Markdown takes for
        code where the scanner did not, is left as placeholders in the HTML;
        a ``:::`` line in what the scanner took for code may show as text.
        """
        finished = {entry.line for entry in self.md.dateline.entries}
        for block in self.extension.blocks:
            if block.start + 1 not in finished:
                self.md.dateline.problems.append(
                    Problem(
                        "",
                        block.start + 1,
                        "this entry is not read as one: it stands inside an HTML block, an "
                        "HTML comment or a code block; close that before the entry",
                    )
                )
        quiet = not self.extension.blocks and not self.md.dateline.problems  # else said
        if quiet and _RAW_FENCE.search(_SHOWN_AS_IS.sub("", text)):
            self.md.dateline.problems.append(
                Problem(
                    "",
                    self.extension.first_fence,
                    "a ':::' line would show as text: Markdown does not read it as an entry "
                    "here (is a code fence left open, or the entry inside HTML?)",
                )
            )
        return _PLACEHOLDER.sub("", text)


class AlignClassPostprocessor(Postprocessor):
    """Table cells aligned by class, not ``style``, where a CSP forbids inline styles.

    The tables extension writes ``style="text-align: left;"``; the Dateline
    theme styles ``.align-left``, ``.align-right`` and ``.align-center`` the
    same way. On only with ``DATELINE_CSP``: Pelican's output is otherwise kept.
    """

    def run(self, text: str) -> str:
        return _ALIGN_STYLE.sub(r' class="align-\1"', text)


class DatelineExtension(Extension):
    """Dated, typed entries (``::: correction 2018-10-30 "Title"``)."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "kinds": [DEFAULTS["DATELINE_KINDS"], "Kinds editors may use, with labels"],
            "timezone": ["UTC", "Zone for entries written without an offset"],
            "date_format": [DEFAULTS["DATELINE_DATE_FORMAT"], "strftime, date only"],
            "datetime_format": [
                DEFAULTS["DATELINE_DATETIME_FORMAT"],
                "strftime, date and time",
            ],
            "summary_length": [
                DEFAULTS["DATELINE_SUMMARY_LENGTH"],
                "Longest first-sentence summary",
            ],
            "dress_late": [False, "Leave the entries' labels for the caller's dress()"],
            "align_classes": [False, "Align table cells by class, not inline style (for a CSP)"],
        }
        super().__init__(**kwargs)
        self.kinds: dict[str, str] = {  # labels are text: no bidi controls (see text.py)
            kind.lower(): without_bidi_controls(label)
            for kind, label in self.getConfig("kinds").items()
        }
        self.zone = ZoneInfo(self.getConfig("timezone"))
        self.formats = (self.getConfig("date_format"), self.getConfig("datetime_format"))
        self.blocks: list[Block] = []
        self.texts: list[tuple[str, tuple[str, str] | None]] = []
        self.first_fence = 1  # the first ``:::`` line, where a raw one is reported

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        self.reset()
        md.preprocessors.register(EntryPreprocessor(md, self), "dateline", 29)
        md.parser.blockprocessors.register(EntryBlockProcessor(md.parser, self), "dateline", 106)
        md.postprocessors.register(EntryBodyPostprocessor(md, self), "dateline", 1)
        if self.getConfig("align_classes"):
            md.postprocessors.register(AlignClassPostprocessor(md), "dateline-align", 2)

    def reset(self) -> None:
        self.md.dateline = EntryScan()
        self.blocks = []
        self.texts = []
        self.maker = EntryMaker(
            self.kinds, self.zone, self.formats, self.getConfig("summary_length")
        )

    def start_entry(self, number: int) -> None:
        """The entry of block ``number``, its body still to come."""
        block = self.blocks[number]
        text, declares = self.texts[number]
        self.maker.start(block.header, block.start + 1, text, declares)

    def finish_entry(self, number: int, body_html: str) -> Entry:
        entry = self.maker.finish(self.blocks[number].start + 1, body_html)
        self.md.dateline.entries.append(entry)
        return entry


def makeExtension(**kwargs: Any) -> DatelineExtension:
    return DatelineExtension(**kwargs)
