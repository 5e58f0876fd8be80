"""Word-level differences between two versions of an explainer's text.

Readers see ``<ins>``/``<del>`` with a hidden "Added:"/"Removed:" cue for
screen readers (the stylesheet underlines and strikes through, so nothing
depends on colour), and long unchanged stretches collapsed to a few words of
context on each side.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape

_PARAGRAPH = "\n"  # token between blocks of text
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class TextDiff:
    """The rendered difference and how many words changed."""

    html: str
    changed_words: int


def _tokens(blocks: Sequence[str]) -> list[str]:
    tokens: list[str] = []
    for block in blocks:
        if tokens:
            tokens.append(_PARAGRAPH)
        tokens.extend(block.split())
    return tokens


def _words(blocks: Sequence[str]) -> list[str]:
    return _WORD.findall(" ".join(blocks))


def _changed(a: list[str], b: list[str]) -> int:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return sum(
        max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"
    )


def diff_text(old: Sequence[str], new: Sequence[str], context: int = 12) -> TextDiff:
    """Compare two texts given as lists of blocks (paragraphs, list items…).

    Blocks are matched first and words only inside the blocks that changed:
    appending an entry to a long explainer costs one cheap block comparison,
    not a word-by-word search of the whole text.

    ``changed_words`` counts only letters and digits, so "isn't" → "isn’t" or
    "--" → "—" is no change, while a new figure or name is.
    """
    groups = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    if all(op == "equal" for op, *_ in groups):
        return TextDiff('<p class="diff-none">No visible text changed.</p>', 0)
    segments: list[tuple[str, list[str]]] = []
    changed = 0
    for index, (op, i1, i2, j1, j2) in enumerate(groups):
        lead = [_PARAGRAPH] if index else []
        a, b = lead + _tokens(old[i1:i2]), lead + _tokens(new[j1:j2])
        if op == "equal":
            segments.extend(_collapse(a, context, index == 0, index == len(groups) - 1))
        elif op == "replace":
            segments.extend(_word_segments(a, b))
            changed += _changed(_words(old[i1:i2]), _words(new[j1:j2]))
        elif op == "delete":
            segments.append(("del", a))
            changed += len(_words(old[i1:i2]))
        else:
            segments.append(("ins", b))
            changed += len(_words(new[j1:j2]))
    return TextDiff(_render(segments), changed)


def _word_segments(a: list[str], b: list[str]) -> list[tuple[str, list[str]]]:
    """Word-level changes between two runs of blocks."""
    segments: list[tuple[str, list[str]]] = []
    opcodes = _merge_small_matches(SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            segments.append(("equal", a[i1:i2]))
        if op in ("delete", "replace"):
            segments.append(("del", a[i1:i2]))
        if op in ("insert", "replace"):
            segments.append(("ins", b[j1:j2]))
    return segments


def _merge_small_matches(
    opcodes: list[tuple[str, int, int, int, int]], smallest: int = 3
) -> list[tuple[str, int, int, int, int]]:
    """Fold a short match between two changes into one change.

    A rewritten sentence shares "the", "a", "of" with the old one; showing
    those as kept splits the change into confetti a reader cannot follow.
    """
    merged: list[tuple[str, int, int, int, int]] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        inner = 0 < index < len(opcodes) - 1
        if op == "equal" and inner and i2 - i1 < smallest:
            op = "replace"
        if merged and op != "equal" and merged[-1][0] != "equal":
            _, start_a, _, start_b, _ = merged.pop()
            op, i1, j1 = "replace", start_a, start_b
        merged.append((op, i1, i2, j1, j2))
    return merged


def _collapse(
    tokens: list[str], context: int, at_start: bool, at_end: bool
) -> list[tuple[str, list[str]]]:
    """Keep ``context`` words next to each change; count the rest."""
    head = [] if at_start else _until_paragraph(tokens[:context])
    tail = [] if at_end else _until_paragraph(tokens[-context:][::-1])[::-1]
    hidden = len(tokens) - len(head) - len(tail)
    if hidden <= context:  # not worth hiding
        return [("equal", tokens)]
    skipped = [
        token for token in tokens[len(head) : len(tokens) - len(tail)] if token != _PARAGRAPH
    ]
    return [("equal", head), ("skip", [str(len(skipped))]), ("equal", tail)]


def _until_paragraph(tokens: list[str]) -> list[str]:
    """Context stays inside the paragraph that changed."""
    return tokens[: tokens.index(_PARAGRAPH)] if _PARAGRAPH in tokens else tokens


def _render(segments: list[tuple[str, list[str]]]) -> str:
    """Paragraphs of text; a change spanning paragraphs is split at each break."""
    paragraphs: list[list[str]] = [[]]
    for kind, tokens in segments:
        if kind == "skip":
            words = int(tokens[0])
            paragraphs.append(
                [f'<span class="diff-skip">[… {words} unchanged word{"s" * (words != 1)} …]</span>']
            )
            paragraphs.append([])
            continue
        run: list[str] = []
        for token in [*tokens, None]:
            if token is None or token == _PARAGRAPH:
                if run:
                    paragraphs[-1].append(_wrap(kind, " ".join(run)))
                    run = []
                if token == _PARAGRAPH:
                    paragraphs.append([])
            else:
                run.append(escape(token, quote=False))
    rendered = (" ".join(parts) for parts in paragraphs if parts)
    return "\n".join(f"<p>{paragraph}</p>" for paragraph in rendered)


def _wrap(kind: str, text: str) -> str:
    if kind == "ins":
        return f'<ins><span class="visually-hidden">Added: </span>{text}</ins>'
    if kind == "del":
        return f'<del><span class="visually-hidden">Removed: </span>{text}</del>'
    return text
