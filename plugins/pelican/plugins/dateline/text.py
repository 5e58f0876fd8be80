"""Plain text from rendered HTML: for titles in feeds, JSON-LD and history lists.

Typogrify and Markdown leave markup (``<span class="caps">``, ``&#8217;``) in
strings that readers must see as text, and a history list needs one sentence,
not a whole entry body.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]*>")
# Footnote references (``<sup id="fnref:1">``) are links, not words of the text.
_FOOTNOTE_REF = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.DOTALL)
_BLOCK_END = re.compile(
    r"</(?:p|li|blockquote|h[1-6]|pre|div|td|th|dd|dt)\s*>|<br\s*/?>", re.IGNORECASE
)
_SPACE = re.compile(r"\s+")
# Explicit bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069):
# invisible, and able to reorder the text after them on the same line ("Trojan
# Source"). Titles, names and summaries are text, so they go; the marks U+200E,
# U+200F and U+061C stay: they reorder nothing.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# A sentence ends at . ! ? (or an ellipsis), optionally followed by closing
# quotes, then a space; but not after a lone capital ("U.S. Senate").
_SENTENCE = re.compile(r"^(.+?(?<!\b[A-Z])[.!?…]['\"’”)]*)(?=\s)")


def source_lines(text: str) -> list[str]:
    """A Markdown file's lines as Markdown (and every problem line) counts them.

    Only ``\n``, ``\r\n`` and ``\r`` end a line: ``str.splitlines`` also
    breaks at U+2028, U+0085 and form feeds, which would move every line number
    after one, and could even hide a header field from one reader but not another.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def plain(markup: str) -> str:
    """Strip tags, unescape entities, drop bidi controls and fold white space."""
    return _SPACE.sub(" ", without_bidi_controls(html.unescape(_TAG.sub("", markup)))).strip()


def without_bidi_controls(text: str) -> str:
    return _BIDI_CONTROLS.sub("", text)


def title_markup(typed: str) -> str:
    """A title as typed, as the HTML Pelican keeps for it (typogrify works on HTML).

    Titles are text: escaped here, so "Why <script> tags matter" or "Fish
    &amp; chips" come back from ``plain`` exactly as typed, whatever markup
    typogrify added in between.
    """
    return html.escape(without_bidi_controls(typed), quote=False)


def text_blocks(markup: str) -> list[str]:
    """The plain text of each block (paragraph, list item, heading…), in order."""
    chunks = _BLOCK_END.split(_FOOTNOTE_REF.sub("", markup))
    return [block for block in map(plain, chunks) if block]


def first_sentence(markup: str, limit: int) -> str:
    """The first sentence of the first block of ``markup``, at most ``limit`` chars."""
    first = next(iter(text_blocks(markup)), "")
    match = _SENTENCE.match(first)
    sentence = match.group(1) if match else first
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
