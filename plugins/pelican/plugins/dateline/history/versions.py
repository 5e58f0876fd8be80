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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Protocol

from ..entries.header import read_header
from ..entries.scan import scan
from ..model import anchor_for
from ..problems import Problem
from ..text import text_blocks
from .diff import TextDiff, diff_text
from .gitlog import FileVersion


@dataclass(frozen=True, slots=True)
class EntrySnapshot:
    """An entry as it stood in one version of the source file."""

    anchor: str
    line: int
    when: datetime  # its time: a declaration counts only once it is due
    text: str  # title and body, white space folded: what must not change
    declares: tuple[str, str] | None  # ("amends" | "retracts", anchor)


# The header fields the history reads: whether a version was public, and
# which story it is (a story is its slug and language, whatever its path).
HEADER_FIELDS = ("title", "slug", "lang", "status", "date")


@dataclass(frozen=True, slots=True)
class TextFacts:
    """What one committed text says that the history needs: header and entries."""

    header: tuple[tuple[str, str], ...]  # (field, value as written), HEADER_FIELDS only
    entries: dict[str, EntrySnapshot]

    def field(self, name: str) -> str | None:
        return next((value for key, value in self.header if key == name), None)


def facts_of(source: str, kinds: dict[str, str], zone: tzinfo) -> TextFacts:
    """The header fields and well-formed entries (by anchor) of one version of a file."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fields, _ = read_header(source)
    header = tuple((name, fields[name]) for name in HEADER_FIELDS if name in fields)
    blocks, _ = scan(lines, kinds, zone)
    taken: dict[str, int] = {}
    snapshots: dict[str, EntrySnapshot] = {}
    for block in blocks:
        found = block.header
        anchor = anchor_for(found.kind, found.date_text, taken)
        snapshots[anchor] = EntrySnapshot(
            anchor=anchor,
            line=block.start + 1,
            when=found.when,
            text=block.text(lines),
            declares=block.declares(lines),
        )
    return TextFacts(header, snapshots)


class VersionStore(Protocol):
    """Where versions get their rendering and their differences, each once.

    ``store.HistoryStore`` keeps both, by git blob id, across builds: a committed
    version never changes, so neither does its HTML.
    """

    def rendered(self, blob: str) -> tuple[str, str | None]: ...  # (html, title)

    def diff(self, old: str, new: str) -> TextDiff: ...


@dataclass(frozen=True, slots=True)
class Unsaved:
    """Uncommitted edits of one file: its text and the blob id git would give it."""

    blob: str
    entries: dict[str, EntrySnapshot]


@dataclass(slots=True)
class Version:
    """One published state of an explainer (or its uncommitted edits).

    Only what the checks need is computed when the history is built; the
    HTML and the diff are asked of the store when a page shows them, so a
    build that reuses a page from the last build never renders its versions.
    """

    key: str  # its anchor on the history page: version-1a2b3c4 / version-unsaved
    sha: str | None  # None: uncommitted edits in the working tree
    time: datetime | None  # commit time in the site's zone; None when unsaved
    blob: str  # git blob id of its text: what its HTML and diff depend on
    entries: dict[str, EntrySnapshot]
    store: VersionStore = field(repr=False)
    first: bool = False
    added: list[str] = field(default_factory=list)
    previous: Version | None = field(default=None, repr=False)
    url: str = ""
    save_as: str = ""
    # Set when this build shows something else than the blob's rendering
    # (``holdback`` cuts entries not due yet): then nothing is taken from,
    # or kept in, the store for it.
    replaced: tuple[str, str | None] | None = field(default=None, repr=False)

    @property
    def short(self) -> str:
        return self.sha[:7] if self.sha else "unsaved"

    @property
    def unsaved(self) -> bool:
        return self.sha is None

    @property
    def rendered(self) -> tuple[str, str | None]:
        """(html, title): the blob's rendering, unless this build replaced it."""
        return self.replaced or self.store.rendered(self.blob)

    @rendered.setter
    def rendered(self, value: tuple[str, str | None]) -> None:
        self.replaced = value

    @property
    def html(self) -> str:
        return self.rendered[0]

    @property
    def title(self) -> str | None:
        return self.rendered[1]

    @property
    def diff(self) -> TextDiff | None:
        """The change from the version before; None for the first."""
        previous = self.previous
        if previous is None:
            return None
        if self.replaced is None and previous.replaced is None:
            return self.store.diff(previous.blob, self.blob)
        return diff_text(text_blocks(previous.html), text_blocks(self.html))


@dataclass(slots=True)
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
    facts: Mapping[str, TextFacts],
    unsaved: Unsaved | None,
    public_from: Callable[[TextFacts], datetime | None],
    now: datetime,
    zone: tzinfo,
    store: VersionStore,
    incomplete: bool,
) -> ArticleHistory | None:
    """The published versions among one story's commits (topological order), and its
    unsaved edits.

    ``facts`` holds what each committed text this copy of the repository has
    says (a shallow clone lacks old ones), by blob id; ``public_from`` is
    when a text says it is public (its ``Date:``), or None when it never is
    (``Status: draft`` or ``hidden``): such a version is never published.
    Until one is committed on or after its own ``Date:``, versions are drafts
    of the first one: the last of them went public at its ``Date:``. From
    then on every version counts, whatever its commit's date says.
    """
    states: list[tuple[FileVersion, datetime]] = []
    draft: tuple[FileVersion, datetime] | None = None
    for state in committed:
        said = facts.get(state.blob)  # None: not in this (shallow) copy
        public = public_from(said) if said is not None else None
        if public is None:
            continue
        if not states and public > state.commit.time:
            draft = (state, public)  # committed before its Date: not public yet
            continue
        if not states and draft is not None and draft[1] <= state.commit.time:
            states.append(draft)
        states.append((state, max(state.commit.time, public)))
    if not states and draft is not None and draft[1] <= now:
        states.append(draft)
    # A rename alone changes nothing readers see.
    states = [s for i, s in enumerate(states) if i == 0 or s[0].blob != states[i - 1][0].blob]
    if states and unsaved is not None and unsaved.blob == states[-1][0].blob:
        unsaved = None
    versions = [
        Version(
            key=f"version-{state.commit.short}",
            sha=state.commit.sha,
            time=public.astimezone(zone),
            blob=state.blob,
            entries=facts[state.blob].entries,
            store=store,
        )
        for state, public in states
    ]
    if unsaved is not None:
        versions.append(
            Version(
                key="version-unsaved",
                sha=None,
                time=None,
                blob=unsaved.blob,
                entries=unsaved.entries,
                store=store,
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


def append_only_problems(history: ArticleHistory, now: datetime) -> list[Problem]:
    """Entries once published that the current text changed or dropped silently.

    Only a declaration that is due counts: a scheduled ``Amends:`` licenses
    nothing before its time.
    """
    current = history.versions[0]
    declared = {
        snapshot.declares[1]: snapshot.declares[0]
        for snapshot in current.entries.values()
        if snapshot.declares and snapshot.when <= now
    }
    first_seen: dict[str, tuple[Version, EntrySnapshot]] = {}
    last_seen: dict[str, EntrySnapshot] = {}
    for version in reversed(history.versions):
        if version.unsaved:
            continue
        for anchor, snapshot in version.entries.items():
            first_seen.setdefault(anchor, (version, snapshot))
            last_seen[anchor] = snapshot
    problems = []
    for anchor, (version, snapshot) in first_seen.items():
        now = current.entries.get(anchor)
        where = f"was published in {version.short} on {version.time:%Y-%m-%d}"
        if now is None and declared.get(anchor) != "retracts":
            problems.append(
                Problem(
                    "",
                    last_seen[anchor].line,
                    f"entry {anchor} {where} and has since been removed; restore it and "
                    f"append a new entry instead (to withdraw it, append an entry whose "
                    f"first line is 'Retracts: {anchor}')",
                )
            )
        elif now is not None and now.text != snapshot.text and anchor not in declared:
            problems.append(
                Problem(
                    "",
                    now.line,
                    f"entry {anchor} {where} and has since been changed; keep it and "
                    f"append a new entry instead (to amend it, append an entry whose "
                    f"first line is 'Amends: {anchor}')",
                )
            )
    return problems


def silent_edits(history: ArticleHistory, threshold: int) -> list[str]:
    """Versions that changed ``threshold`` words or more and added no entry.

    A version that added an entry is never flagged, so its diff (two
    renderings and a comparison) is not even computed.
    """
    found = []
    for version in history.versions:
        if version.added or version.previous is None:
            continue
        diff = version.diff
        if diff is None or diff.changed_words < threshold:
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
