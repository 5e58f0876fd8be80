"""Entries in reStructuredText: a directive per kind, the same grammar and outputs.

    .. correction:: 2025-05-12 14:05 "Rate corrected"

       An earlier version gave the wrong figure.

Each directive reads its header with ``syntax.parse_header``, renders its
indented body as reST, and leaves the same undressed ``<aside>`` the Markdown
extension leaves, so every later step (dressing, the model, the outputs) is
the same. Problems carry the reST file's lines, as docutils counts them; a
``:::`` line (the Markdown syntax) is refused pointing at the directive, and
a file docutils cannot read is refused at the line it names.

A kind docutils also has as a directive (``note``) is an entry only when a
date follows it: ``.. note:: Mind the gap`` stays docutils' admonition.
"""

from __future__ import annotations

import html
import re
from importlib import import_module
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList
from docutils.utils import SystemMessage
from pelican.readers import RstReader

from ..problems import Problem, SourceError, display_path, site_root
from ..text import without_bidi_controls
from .entry import EntryMaker
from .markdown_ext import dress, undressed, undressed_entries
from .reader import ENTRIES, PROBLEMS, read_source
from .redaction import KIND as REDACTION
from .scan import DOCUTILS_NAMES, declaration
from .syntax import FENCE, HeaderError, parse_header, quote

_MESSAGE_LINE = re.compile(r":(\d+): \((?:ERROR|SEVERE|WARNING)/\d\) ")
_TOP_LEVEL = (nodes.document, nodes.section)


class _Entries:
    """What the directives of one document found: entries to finish, problems."""

    def __init__(self, maker: EntryMaker, kinds: dict[str, str], zone: ZoneInfo) -> None:
        self.maker = maker
        self.kinds = kinds
        self.zone = zone
        self.problems: list[Problem] = []
        self.titles: dict[str, int] = {}


class EntryDirective(Directive):
    """``.. KIND:: WHEN "Title"`` and an indented body (``kind`` is set per subclass)."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    kind = ""
    fallback: type[Directive] | None = None  # docutils' directive of the same name

    def run(self) -> list[nodes.Node]:
        found: _Entries | None = getattr(self.state.document.settings, "dateline_entries", None)
        argument = self.arguments[0] if self.arguments else ""
        if found is None or (self.fallback is not None and not argument[:1].isdigit()):
            return self._as_docutils(argument)
        where = self.lineno
        if self.kind == REDACTION:  # its words must go before docutils reads the text
            found.problems.append(
                Problem(
                    "",
                    where,
                    "redactions are read in Markdown stories only, for now; convert this story "
                    "to Markdown (or take the words out by hand, with a note entry)",
                )
            )
            return []
        try:
            header = parse_header(f"{self.kind} {argument}", found.kinds, found.zone)
        except HeaderError as error:
            found.problems.append(Problem("", where, str(error)))
            return []
        if not isinstance(self.state.parent, _TOP_LEVEL):
            found.problems.append(
                Problem(
                    "",
                    where,
                    "entries must stand at the top level of the document, outside lists, "
                    "block quotes and other directives; move it out",
                )
            )
            return []
        body = [line for line in self.content if line.strip()]
        if not body:
            found.problems.append(
                Problem("", where, "entry has no text; write what changed, indented below it")
            )
            return []
        if header.title is not None:
            first = found.titles.setdefault(header.title.casefold(), where)
            if first != where:
                found.problems.append(
                    Problem(
                        "",
                        where,
                        f"entry title {quote(header.title)} is already used by the entry at "
                        f"line {first}; give each entry its own title, or leave the title out",
                    )
                )
        text = " ".join(" ".join([header.title or "", *body]).split())
        declares = declaration(body[0])
        found.maker.start(header, where, text, declares)
        container = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, container)
        opening, closing = undressed(where)
        return [
            nodes.raw("", opening, format="html"),
            *container.children,
            nodes.raw("", closing, format="html"),
        ]

    def _as_docutils(self, argument: str) -> list[nodes.Node]:
        if self.fallback is None:
            raise self.error(f"{self.kind}: Dateline's entries are read by Dateline's reader")
        content = StringList([argument, *self.content]) if argument else self.content
        original = self.fallback(
            self.name, [], self.options, content, self.lineno, self.content_offset,
            self.block_text, self.state, self.state_machine,
        )  # fmt: skip
        return original.run()


def register_directives(kinds: dict[str, str]) -> None:
    """A directive for each kind (docutils keeps them process-wide)."""
    for kind in kinds:
        existing = directives._directives.get(kind)
        if existing is not None and getattr(existing, "kind", None) == kind:
            continue  # registered by an earlier build
        fallback = None
        if kind in DOCUTILS_NAMES and kind in directives._directive_registry:
            module, name = directives._directive_registry[kind]
            fallback = getattr(import_module(f"docutils.parsers.rst.directives.{module}"), name)
        directives.register_directive(
            kind,
            type(f"{kind.title()}Entry", (EntryDirective,), {"kind": kind, "fallback": fallback}),
        )


class DatelineRstReader(RstReader):
    """Pelican's reST reader, whose metadata also holds the document's entries."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = self.settings
        self.kinds = {
            kind: without_bidi_controls(label) for kind, label in settings["DATELINE_KINDS"].items()
        }
        self.zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
        self.formats = (settings["DATELINE_DATE_FORMAT"], settings["DATELINE_DATETIME_FORMAT"])
        register_directives(self.kinds)

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        display = display_path(source_path, site_root(self.settings))
        text, unreadable = read_source(display, Path(source_path).read_bytes())
        fenced = [
            (n, line) for n, line in enumerate(text.splitlines(), 1) if line.startswith(FENCE)
        ]
        opened = [(n, line) for n, line in fenced if line[len(FENCE) :].strip()]
        fences = [
            Problem(
                display,
                number,
                "in reStructuredText an entry is a directive: write .. KIND:: YYYY-MM-DD "
                '"Title", its text indented below it, and no closing line',
            )
            for number, _ in (opened or fenced[:1])
        ]
        if unreadable or fences:
            raise SourceError([*unreadable, *fences])
        found = _Entries(
            EntryMaker(
                self.kinds, self.zone, self.formats, self.settings["DATELINE_SUMMARY_LENGTH"]
            ),
            self.kinds,
            self.zone,
        )
        self._found = found
        try:
            content, metadata = super().read(source_path)
        except SystemMessage as message:  # docutils stops at the first error
            raise SourceError([_docutils_problem(display, str(message))]) from None
        finally:
            self._found = None
        entries = [found.maker.finish(line, body) for line, body in undressed_entries(content)]
        metadata[ENTRIES] = entries
        metadata[PROBLEMS] = [problem.at(display) for problem in found.problems]
        return content, metadata

    def _get_publisher(self, source_path: str) -> Any:
        # Pelican's publisher; the directives find the document's collector in
        # docutils' settings, which take any name.
        original = self.settings.get("DOCUTILS_SETTINGS")
        self.settings["DOCUTILS_SETTINGS"] = {**(original or {}), "dateline_entries": self._found}
        try:
            return super()._get_publisher(source_path)
        finally:
            self.settings["DOCUTILS_SETTINGS"] = original


def _docutils_problem(display: str, message: str) -> Problem:
    line = _MESSAGE_LINE.search(message)
    text = _MESSAGE_LINE.split(message, maxsplit=1)[-1].strip().splitlines()[0]
    return Problem(
        display,
        int(line[1]) if line else 1,
        f"reStructuredText cannot read this: {text}",
    )


def render_rst(source: str, settings: dict[str, Any]) -> tuple[str, str | None]:
    """(html, title) of one version of a reST story, its entries dressed, as the
    history shows it; a version docutils cannot read shows as its source text."""
    import docutils.core

    kinds = {
        kind: without_bidi_controls(label) for kind, label in settings["DATELINE_KINDS"].items()
    }
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    formats = (settings["DATELINE_DATE_FORMAT"], settings["DATELINE_DATETIME_FORMAT"])
    found = _Entries(
        EntryMaker(kinds, zone, formats, settings["DATELINE_SUMMARY_LENGTH"]), kinds, zone
    )
    register_directives(kinds)
    overrides = {
        **(settings.get("DOCUTILS_SETTINGS") or {}),
        "initial_header_level": "2",
        "report_level": 5,
        "halt_level": 5,
        "warning_stream": False,
        "dateline_entries": found,
    }
    try:
        parts = docutils.core.publish_parts(
            source, writer=RstReader.writer_class(), settings_overrides=overrides
        )
    except Exception:  # an old version may not parse: show what it said
        return f"<pre>{html.escape(source)}</pre>", None
    body = parts["body"]
    entries = [found.maker.finish(line, text) for line, text in undressed_entries(body)]
    return dress(body, entries), html.unescape(parts.get("title") or "") or None
