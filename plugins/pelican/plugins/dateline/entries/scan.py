"""Find entry blocks in an article's source lines, with their line numbers.

This is the first step of the pipeline (scan → model → render → write). It
runs on the raw source, metadata header included, so every problem it
reports carries the line number an editor sees in their editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import tzinfo

from ..problems import Problem
from .syntax import FENCE, Header, HeaderError, parse_header, quote

# Python-Markdown's fenced_code: an opening fence at column 0 with an optional
# language, {attributes} or hl_lines, closed by the very same fence. Entries
# must not be found inside such a block.
_CODE_FENCE = re.compile(
    r"(?P<fence>`{3,}|~{3,})[ ]*"
    r"(?:\{[^\n]*\}|\.?[\w#.+-]*[ ]*(?:hl_lines=(?P<q>\"|')[^\n]*?(?P=q)[ ]*)?)"
)
# A ::: line inside a list item or a block quote: not top level, so refused
# rather than silently rendered as text.
_NOT_TOP_LEVEL = re.compile(r"^ {0,3}(?:>[ ]?|(?:[-*+]|\d+[.)])[ ]+)+:::|^ {1,3}:::")


# ``Amends: correction-2018-10-30`` or ``Retracts: [our note](#note-2018-10-31)``,
# the first line of an entry that changes or withdraws an earlier one.
_DECLARATION = re.compile(
    r"^(?P<verb>Amends|Retracts):.*?(?P<anchor>\b[a-z][a-z0-9-]*-\d{4}-\d{2}-\d{2}(?:-\d+)?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Block:
    """One well-formed entry: its header and the 0-based lines it spans."""

    header: Header
    start: int  # the opening ``::: kind when`` line
    end: int  # the closing ``:::`` line

    def text(self, lines: list[str]) -> str:
        """Its title and body with white space folded: what may never change silently."""
        body = [line for line in lines[self.start + 1 : self.end] if line.strip()]
        return " ".join(" ".join([self.header.title or "", *body]).split())

    def declares(self, lines: list[str]) -> tuple[str, str] | None:
        """("amends" | "retracts", anchor) when its first line says so."""
        body = [line for line in lines[self.start + 1 : self.end] if line.strip()]
        return declaration(body[0]) if body else None


def declaration(first_line: str) -> tuple[str, str] | None:
    """("amends" | "retracts", anchor) when an entry's first line says so."""
    match = _DECLARATION.match(first_line.strip())
    return (match["verb"].lower(), match["anchor"]) if match else None


def scan(
    lines: list[str], kinds: dict[str, str], zone: tzinfo
) -> tuple[list[Block], list[Problem]]:
    """Return the entry blocks in ``lines`` and every problem found on the way.

    Scanning goes on after a problem, so one build reports all of them.
    """
    blocks: list[Block] = []
    problems: list[Problem] = []
    opened: tuple[int, Header | None] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if FENCE not in line and not line.startswith(("`", "~")):  # most lines: plain text
            index += 1
            continue
        fence = _CODE_FENCE.fullmatch(line)
        if fence:
            index = _end_of_code(lines, index, fence["fence"]) + 1
            continue
        if line.startswith(FENCE):
            rest = line[len(FENCE) :]
            if rest.strip():
                if opened is not None:
                    problems.append(
                        Problem(
                            "",
                            index + 1,
                            f"a new entry starts before the entry opened at line "
                            f"{opened[0] + 1} is closed; entries do not nest, so "
                            "close it first with a line holding only :::",
                        )
                    )
                try:
                    opened = (index, parse_header(rest, kinds, zone))
                except HeaderError as error:
                    problems.append(Problem("", index + 1, str(error)))
                    opened = (index, None)
            elif opened is None:
                problems.append(
                    Problem(
                        "",
                        index + 1,
                        "closing ::: without an open entry; remove it, or open the "
                        'entry above with a header such as ::: update 2018-10-30 "Title"',
                    )
                )
            else:
                start, header = opened
                opened = None
                if not any(body.strip() for body in lines[start + 1 : index]):
                    problems.append(
                        Problem(
                            "",
                            start + 1,
                            "entry has no text; write what changed between its "
                            "header and the closing :::",
                        )
                    )
                elif header is not None:
                    blocks.append(Block(header, start, index))
        elif _NOT_TOP_LEVEL.match(line):
            problems.append(
                Problem(
                    "",
                    index + 1,
                    "entries must start at the beginning of a line, outside lists "
                    "and block quotes; move the ::: block out of it",
                )
            )
        index += 1
    if opened is not None:
        problems.append(
            Problem(
                "",
                opened[0] + 1,
                "entry is never closed; end it with a line holding only :::",
            )
        )
    problems.extend(_repeated_titles(blocks))
    return blocks, problems


def _repeated_titles(blocks: list[Block]) -> list[Problem]:
    """A title used twice (in any case) reads as one entry twice in every list."""
    first: dict[str, int] = {}
    problems = []
    for block in blocks:
        title = block.header.title
        if title is None:
            continue
        line = first.setdefault(title.casefold(), block.start + 1)
        if line != block.start + 1:
            problems.append(
                Problem(
                    "",
                    block.start + 1,
                    f"entry title {quote(title)} is already used by the entry at line "
                    f"{line}; give each entry its own title, or leave the title out",
                )
            )
    return problems


def _end_of_code(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing the code block opened at ``start``.

    An unclosed fence is not code for Python-Markdown either, so the opening
    line then counts as ordinary text.
    """
    for index in range(start + 1, len(lines)):
        if lines[index].rstrip(" ") == fence:
            return index
    return start


# reStructuredText: ``.. KIND:: WHEN "Title"`` at the start of a line, its body
# the indented lines below it.
_RST_DIRECTIVE = re.compile(r"^\.\. (?P<kind>[A-Za-z][A-Za-z0-9-]*)::(?:[ \t]+(?P<rest>.*))?$")
_ISO_START = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def rst_entry(line: str, kinds: dict[str, str]) -> tuple[str, str] | None:
    """(kind, rest of the line) when ``line`` opens an entry directive.

    A kind that docutils also knows as a directive (``note``) is an entry only
    when a date follows: ``.. note:: Mind the gap`` stays docutils' admonition.
    """
    match = _RST_DIRECTIVE.match(line.rstrip())
    if match is None or match["kind"].lower() not in kinds:
        return None
    rest = (match["rest"] or "").strip()
    if match["kind"].lower() in DOCUTILS_NAMES and not _ISO_START.match(rest):
        return None
    return match["kind"].lower(), rest


# docutils' own directives (and their English names) an entry kind may share.
DOCUTILS_NAMES = frozenset(
    {"note", "tip", "hint", "important", "warning", "caution", "danger", "error", "attention",
     "admonition", "topic", "sidebar", "image", "figure", "include", "raw", "class", "role",
     "contents", "sectnum", "header", "footer", "container", "compound", "epigraph",
     "highlights", "pull-quote", "table", "csv-table", "list-table", "math", "code", "meta",
     "replace", "unicode", "date", "title", "rubric", "line-block", "parsed-literal"}
)  # fmt: skip


def scan_rst(lines: list[str], kinds: dict[str, str], zone: tzinfo) -> list[Block]:
    """The well-formed entry directives of a reST text (what the history needs)."""
    blocks = []
    index = 0
    while index < len(lines):
        found = rst_entry(lines[index], kinds)
        if found is None:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t"):
            end += 1
        while end > index + 1 and not lines[end - 1].strip():  # blank lines after it
            end -= 1
        try:
            header = parse_header(f"{found[0]} {found[1]}", kinds, zone)
        except HeaderError:
            index = end
            continue
        blocks.append(Block(header, index, end))  # ``end``: the line after its body
        index = end
    return blocks
