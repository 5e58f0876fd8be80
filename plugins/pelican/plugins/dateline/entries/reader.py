"""Pelican's Markdown reader, keeping what the entry extension found.

The entries and problems go into the reader's metadata, which Pelican's
content cache stores with the HTML: a cached article still knows its entries
and a cached broken file is still refused.

A file the reader cannot read raises ``SourceError`` with the line at fault
(the first byte that is not UTF-8, the ``Date:`` line Pelican cannot parse):
the build refuses it as ``file:line: message`` instead of Pelican's
"Could not process" (``refusal``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import (
    slugify,
    strip_toc_elements_from_html,
    truncate_html_paragraphs,
    truncate_html_words,
)

from ..problems import Problem, SourceError, display_path, site_root
from ..text import source_lines, title_markup, without_bidi_controls
from .markdown_ext import EXTENSION, EntryScan, dress, without_entries
from .redaction import takes_out

ENTRIES = "dateline_entries"
PROBLEMS = "dateline_problems"
REMOVALS = "dateline_removals"  # (removals, unmatched): what redactions take out; never rendered


class DatelineMarkdownReader(MarkdownReader):
    """A MarkdownReader whose metadata also holds the article's entries.

    Its HTML leaves the entries' labels to ``finish_content``, after Pelican's
    typogrify: they are not prose, and typogrify's cost grows with every tag.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        markdown = dict(self.settings["MARKDOWN"])
        configs = dict(markdown.get("extension_configs", {}))
        configs[EXTENSION] = {**configs.get(EXTENSION, {}), "dress_late": True}
        self._markdown = {**markdown, "extension_configs": configs}

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        # Pelican's read(), but the scan is taken before _parse_metadata:
        # converting a Summary: field resets the Markdown instance.
        # Every problem of the file is found before it is refused: a bad byte
        # does not hide a bad date three lines down.
        self._source_path = source_path
        self._display = display_path(source_path, site_root(self.settings))
        text, unreadable = read_source(self._display, Path(source_path).read_bytes())
        self._md = Markdown(**self._markdown)
        content = self._md.convert(text)
        found: EntryScan = getattr(self._md, "dateline", EntryScan())
        meta = getattr(self._md, "Meta", None)
        self._reading, self._unreadable = text, unreadable
        if meta is not None:
            unreadable.extend(self._given_twice(text, meta))
        try:
            metadata = self._parse_metadata(meta) if meta is not None else {}
        finally:
            self._reading = None
        typed_title = (meta or {}).get("title", [""])[0]
        if meta is not None and "title" in meta and not _visible(typed_title):
            unreadable.append(
                Problem(
                    self._display,
                    metadata_line(text, "title"),
                    "the title is empty (or only spaces); write the headline after Title:",
                )
            )
        problems = [problem.at(self._display) for problem in found.problems]
        problems += self._title_problems(text, metadata, found)
        if unreadable:
            raise SourceError([*unreadable, *problems])
        if any(char in typed_title for char in "&<>") and "slug" not in metadata:
            metadata.update(self._slug_as_before(typed_title))
        metadata[ENTRIES] = found.entries
        metadata[PROBLEMS] = problems
        if found.removals:
            metadata[REMOVALS] = (found.removals, found.unmatched)
        return content, metadata

    def _title_problems(
        self, text: str, metadata: dict[str, Any], found: EntryScan
    ) -> list[Problem]:
        """A redaction in the title keeps the story's address only with a Slug: of its own:
        Pelican makes the address from the title, which the cut words would change."""
        title_lines = metadata_lines(text, "title")
        typed = source_lines(text)[title_lines[0] - 1] if title_lines else ""
        if "slug" in metadata:
            return []  # and the generator checks that the Slug: does not hold the words
        return [
            Problem(
                self._display,
                removal.line,
                "the title holds words this redaction removes, and Pelican makes the "
                "story's address from its title; add a Slug: line to the header with "
                "its address, without those words (the address must not change)",
            )
            for removal in found.removals
            if any(takes_out(typed, phrase) for phrase in removal.phrases)
        ]

    def _given_twice(self, text: str, meta: dict[str, list[str]]) -> list[Problem]:
        """A field Pelican reads once, given on two lines: which one counts is a guess.

        Each is refused at its second line; the first is kept in ``meta`` so
        that the rest of the file is still read (and its problems found).
        """
        problems = []
        for name in sorted(ONCE.intersection(meta)):
            lines = metadata_lines(text, name)  # not meta's values: a long one has several
            if len(lines) > 1:
                first, second = lines[:2]
                problems.append(
                    Problem(
                        self._display,
                        second,
                        f"{name.title()}: is given twice (lines {first} and {second}); keep one",
                    )
                )
                meta[name] = meta[name][:1]
        return problems

    def process_metadata(self, name: str, value: Any) -> Any:
        """Pelican's processing, with titles as text and errors at their line."""
        if isinstance(value, str):
            value = title_markup(value) if name == "title" else without_bidi_controls(value)
        text = getattr(self, "_reading", None)
        if text is None:  # Pelican's defaults and file-name metadata, before read()
            return super().process_metadata(name, value)
        try:
            return super().process_metadata(name, value)
        except Exception as error:  # dateutil, a METADATA_PROCESSORS plugin…
            line = metadata_line(text, name)
            self._unreadable.append(
                Problem(self._display, line, f"cannot read {name.title()}: {error}")
            )
            return value

    def _slug_as_before(self, typed_title: str) -> dict[str, str]:
        """The slug Pelican makes from the title as typed, not as escaped.

        Escaping keeps "<script>" or "&amp;" visible as typed, and would put
        them in the slug too; an article's address must not change with that.
        """
        if self.settings["SLUGIFY_SOURCE"] != "title":
            return {}
        return {
            "slug": slugify(
                typed_title,
                regex_subs=self.settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
                preserve_case=self.settings.get("SLUGIFY_PRESERVE_CASE", False),
                use_unicode=self.settings.get("SLUGIFY_USE_UNICODE", False),
            )
        }


def finish_content(content: Any) -> None:
    """``content_object_init`` receiver, once typogrify is done: each entry's label,
    in the story's language, and a summary that is the story's, not an entry's.

    Pelican's summary (without ``Summary:``) is the start of the content; a
    story that opens with an entry would be summed up by its label line.
    """
    entries = content.metadata.get(ENTRIES)
    if not entries:
        return
    labels = content.settings.get("DATELINE_LABELS", {}).get(content.lang, {})
    if labels:
        entries = [replace(entry, label=labels.get(entry.kind, entry.label)) for entry in entries]
        content.metadata[ENTRIES] = entries
    if "summary" not in content.metadata:
        content._summary = _story_summary(content._content, content.settings)
    content._content = dress(content._content, entries)


def _story_summary(markup: str, settings: dict[str, Any]) -> str:
    """Pelican's summary of ``markup`` once its entries are taken out."""
    text = without_entries(markup)
    paragraphs = settings.get("SUMMARY_MAX_PARAGRAPHS")
    if paragraphs is not None:
        text = truncate_html_paragraphs(text, paragraphs)
    if settings.get("SUMMARY_MAX_LENGTH") is not None:
        text = truncate_html_words(
            text, settings["SUMMARY_MAX_LENGTH"], settings["SUMMARY_END_SUFFIX"]
        )
    return strip_toc_elements_from_html(text)


def read_source(path: str, data: bytes) -> tuple[str, list[Problem]]:
    """``data`` as UTF-8 text (a BOM dropped), and a problem for each byte that is
    not UTF-8 and each control character, at its line and column.

    ``path`` is the file as problems name it. The text has U+FFFD in their
    places, so the rest of the file can still be read for its problems.
    """
    problems: list[Problem] = []
    pieces: list[str] = []
    start = 0
    runs: list[tuple[int, int, bytes]] = []  # (line, column, bytes) of each run of bad bytes
    while True:
        try:
            pieces.append(data[start:].decode("utf-8"))
            break
        except UnicodeDecodeError as error:
            bad, end = start + error.start, start + max(error.end, error.start + 1)
            pieces.append(data[start:bad].decode("utf-8"))
            if runs and bad == start and pieces[-1] == "":  # right after the last bad byte
                line, column, run = runs.pop()
                runs.append((line, column, run + data[bad:end]))
            else:
                before = source_lines("".join(pieces).removeprefix("\ufeff"))
                runs.append((len(before), len(before[-1]) + 1, data[bad:end]))
            pieces.append("\ufffd")
            start = end
    for line, column, run in runs:
        shown = " ".join(f"0x{byte:02x}" for byte in run)
        problems.append(
            Problem(
                path,
                line,
                f"byte{'s' * (len(run) > 1)} {shown} at column {column} "
                f"{'are' if len(run) > 1 else 'is'} not UTF-8; "
                "save the file as UTF-8 (Dateline reads no other encoding)",
            )
        )
    text = "".join(pieces).removeprefix("\ufeff")
    for control in _CONTROL.finditer(text):
        before = source_lines(text[: control.start()])
        problems.append(
            Problem(
                path,
                len(before),
                f"control character U+{ord(control[0]):04X} at column {len(before[-1]) + 1} "
                "cannot be published (feeds and XML refuse it); delete it",
            )
        )
    return _CONTROL.sub("\ufffd", text), sorted(problems, key=lambda problem: problem.line)


def decode_source(path: str, data: bytes) -> str:
    """``data`` as UTF-8 text, or SourceError with every bad byte and control character."""
    text, problems = read_source(path, data)
    if problems:
        raise SourceError(problems)
    return text


def _visible(text: str) -> bool:
    """Not only white space, no-break spaces and zero-width characters."""
    return bool(text.translate(_INVISIBLE).strip())


# C0 controls other than tab and line breaks, and the two non-characters XML
# 1.0 forbids: invisible in an editor, fatal to every feed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Characters that show nothing: a title of them only is empty.
# Header fields Pelican reads as one value (a second line would make a list).
ONCE = frozenset(
    {"title", "date", "modified", "slug", "lang", "status", "summary", "category", "author",
     "authors", "tags", "translation", "save_as", "url", "template"}
)  # fmt: skip
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00a0\u202f\u2007"))


def metadata_line(text: str, name: str) -> int:
    """The line of the ``Name:`` header field, else 1."""
    return next(iter(metadata_lines(text, name)), 1)


def metadata_lines(text: str, name: str) -> list[int]:
    """Every line of the header that gives ``Name:``."""
    field = re.compile(rf"^[ ]{{0,3}}{re.escape(name)}[ ]*:", re.IGNORECASE)
    found = []
    for number, line in enumerate(source_lines(text), 1):
        if not line.strip():
            break
        if field.match(line):
            found.append(number)
    return found
