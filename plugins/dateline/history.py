"""An explainer's published versions, and the rules that keep its record honest.

Built from the repository history (``gitlog``) once per build. Each version
knows which entries it added and how its text differs from the one before.
Two checks read the same versions:

* append-only: an entry that was committed once must stay, word for word
  (white space aside), unless a later entry says ``Amends: ANCHOR`` or
  ``Retracts: ANCHOR`` in its first line — so the change itself is on the
  record, in the revision history, never silent;
* silent edits: a version that changed many words without adding an entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cached_property

from .diff import TextDiff, diff_text
from .gitlog import FileVersion
from .model import anchor_for
from .scan import Problem, scan
from .text import text_blocks

# ``Amends: correction-2018-10-30`` or ``Retracts: [our note](#note-2018-10-31)``
_DECLARATION = re.compile(
    r"^(?P<verb>Amends|Retracts):.*?(?P<anchor>\b[a-z][a-z-]*-\d{4}-\d{2}-\d{2}(?:-\d+)?)\b",
    re.IGNORECASE,
)

Renderer = Callable[[str], tuple[str, str | None]]  # source -> (html, title)


@dataclass(frozen=True)
class EntryRecord:
    """An entry as it stood in one version of the source file."""

    anchor: str
    line: int
    text: str  # title and body, white space folded: what must not change
    declares: tuple[str, str] | None  # ("amends" | "retracts", anchor)


def entries_in(source: str, kinds: dict[str, str], zone: tzinfo) -> dict[str, EntryRecord]:
    """The well-formed entries of one version of a file, by anchor."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks, _ = scan(lines, kinds, zone)
    taken: dict[str, int] = {}
    records: dict[str, EntryRecord] = {}
    for block in blocks:
        header = block.header
        anchor = anchor_for(header.kind, header.date_text, taken)
        body = [line for line in lines[block.start + 1 : block.end] if line.strip()]
        match = _DECLARATION.match(body[0].strip()) if body else None
        records[anchor] = EntryRecord(
            anchor=anchor,
            line=block.start + 1,
            text=" ".join(" ".join([header.title or "", *body]).split()),
            declares=(match["verb"].lower(), match["anchor"]) if match else None,
        )
    return records


@dataclass
class Version:
    """One published state of an explainer (or its uncommitted edits)."""

    key: str  # its anchor on the history page: version-1a2b3c4 / version-unsaved
    sha: str | None  # None: uncommitted edits in the working tree
    time: datetime | None  # commit time in the site's zone; None when unsaved
    source: str
    entries: dict[str, EntryRecord]
    render: Renderer = field(repr=False)
    first: bool = False
    added: list[str] = field(default_factory=list)
    previous: Version | None = field(default=None, repr=False)
    url: str = ""
    save_as: str = ""

    @property
    def short(self) -> str:
        return self.sha[:7] if self.sha else "unsaved"

    @property
    def unsaved(self) -> bool:
        return self.sha is None

    @cached_property
    def rendered(self) -> tuple[str, str | None]:
        return self.render(self.source)

    @property
    def html(self) -> str:
        return self.rendered[0]

    @property
    def title(self) -> str | None:
        return self.rendered[1]

    @cached_property
    def diff(self) -> TextDiff | None:
        """The change from the version before; None for the first."""
        if self.previous is None:
            return None
        return diff_text(text_blocks(self.previous.html), text_blocks(self.html))


@dataclass
class ArticleHistory:
    """Every published version of one explainer, newest first."""

    versions: list[Version]
    incomplete: bool  # a shallow clone: earlier versions are not in this copy
    url: str = ""
    save_as: str = ""

    def version_for(self, anchor: str) -> Version | None:
        """The version that added the entry ``anchor``."""
        return next((v for v in reversed(self.versions) if anchor in v.added), None)


def build_history(
    committed: list[FileVersion],
    texts: dict[str, str],
    unsaved_source: str | None,
    published: datetime,
    kinds: dict[str, str],
    zone: tzinfo,
    render: Renderer,
    incomplete: bool,
) -> ArticleHistory | None:
    """Versions from the commits of one file (oldest first) and its unsaved text.

    Commits before ``published`` were drafts: the last of them is the first
    published version.
    """
    drafts = [v for v in committed if v.commit.time < published]
    states = [drafts[-1]] if drafts else []
    states.extend(v for v in committed if v.commit.time >= published)
    # A shallow clone lacks old blobs; a rename alone changes nothing readers see.
    states = [v for v in states if v.blob in texts]
    states = [v for i, v in enumerate(states) if i == 0 or v.blob != states[i - 1].blob]
    if states and unsaved_source == texts[states[-1].blob]:
        unsaved_source = None
    versions = [
        Version(
            key=f"version-{state.commit.short}",
            sha=state.commit.sha,
            time=max(state.commit.time, published).astimezone(zone),
            source=texts[state.blob],
            entries=entries_in(texts[state.blob], kinds, zone),
            render=render,
        )
        for state in states
    ]
    if unsaved_source is not None:
        versions.append(
            Version(
                key="version-unsaved",
                sha=None,
                time=None,
                source=unsaved_source,
                entries=entries_in(unsaved_source, kinds, zone),
                render=render,
            )
        )
    if not versions:
        return None
    versions[0].first = True
    previous: Version | None = None
    for version in versions:
        known = previous.entries if previous else {}
        version.added = [anchor for anchor in version.entries if anchor not in known]
        version.previous = previous
        previous = version
    return ArticleHistory(versions=versions[::-1], incomplete=incomplete)


def record_problems(history: ArticleHistory) -> list[Problem]:
    """Entries once committed that the current text changed or dropped silently."""
    current = history.versions[0]
    declared = {
        record.declares[1]: record.declares[0]
        for record in current.entries.values()
        if record.declares
    }
    first_seen: dict[str, tuple[Version, EntryRecord]] = {}
    last_seen: dict[str, EntryRecord] = {}
    for version in reversed(history.versions):
        if version.unsaved:
            continue
        for anchor, record in version.entries.items():
            first_seen.setdefault(anchor, (version, record))
            last_seen[anchor] = record
    problems = []
    for anchor, (version, record) in first_seen.items():
        now = current.entries.get(anchor)
        where = f"was published in {version.short} on {version.time:%Y-%m-%d}"
        if now is None and declared.get(anchor) != "retracts":
            problems.append(
                Problem(
                    last_seen[anchor].line,
                    f"entry {anchor} {where} and has since been removed; restore it and "
                    f"append a new entry instead (to withdraw it, append an entry whose "
                    f"first line is 'Retracts: {anchor}')",
                )
            )
        elif now is not None and now.text != record.text and anchor not in declared:
            problems.append(
                Problem(
                    now.line,
                    f"entry {anchor} {where} and has since been changed; keep it and "
                    f"append a new entry instead (to amend it, append an entry whose "
                    f"first line is 'Amends: {anchor}')",
                )
            )
    return problems


def silent_edits(history: ArticleHistory, threshold: int) -> list[str]:
    """Versions that changed ``threshold`` words or more and added no entry."""
    found = []
    for version in history.versions:
        diff = version.diff
        if diff is None or version.added or diff.changed_words < threshold:
            continue
        which = (
            "uncommitted changes"
            if version.unsaved
            else f"commit {version.short} ({version.time:%Y-%m-%d})"
        )
        found.append(
            f"{which} changed {diff.changed_words} words without adding an entry; "
            "add one that tells readers what changed"
        )
    return found
