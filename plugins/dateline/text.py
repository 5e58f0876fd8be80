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
# A sentence ends at . ! ? (or an ellipsis), optionally followed by closing
# quotes, then a space; but not after a lone capital ("U.S. Senate").
_SENTENCE = re.compile(r"^(.+?(?<!\b[A-Z])[.!?…]['\"’”)]*)(?=\s)")


def plain(markup: str) -> str:
    """Strip tags, unescape entities and fold white space."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", markup))).strip()


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
