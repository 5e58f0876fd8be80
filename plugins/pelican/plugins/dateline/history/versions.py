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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from itertools import pairwise
from typing import Protocol

from ..entries.header import read_header, read_rst_header
from ..entries.redaction import KIND as REDACTION
from ..entries.redaction import Removal, read_fields, without_removed
from ..entries.scan import scan, scan_rst
from ..model import anchor_for
from ..problems import Problem
from ..settings import is_kind
from ..text import source_lines, text_blocks
from .diff import TextDiff, diff_text
from .gitlog import FileVersion


@dataclass(frozen=True, slots=True)
class EntrySnapshot:
    """An entry as it stood in one version of the source file."""

    anchor: str
    kind: str
    title: str | None
    line: int
    when: datetime  # its time: a declaration counts only once it is due
    text: str  # title and body, white space folded: what must not change
    declares: tuple[str, str] | None  # ("amends" | "retracts", anchor)
    removes: tuple[str, ...] = ()  # a redaction's phrases


_KIND_USED = re.compile(r"^(?::::[ \t]+|\.\. )([a-z][a-z0-9-]*)", re.MULTILINE | re.IGNORECASE)

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


def facts_of(source: str, path: str, kinds: dict[str, str], zone: tzinfo) -> TextFacts:
    """The header fields and well-formed entries (by anchor) of one version of a file
    (``path`` says its syntax: reST for ``.rst``, else Markdown)."""
    lines = source_lines(source)
    # Every kind the text uses, configured or not: taking a kind out of
    # DATELINE_KINDS must not hide the entries published under it.
    used = {kind.lower() for kind in _KIND_USED.findall(source)}
    kinds = {**kinds, **{kind: kind for kind in used if is_kind(kind) and kind not in kinds}}
    if path.endswith(".rst"):
        fields = read_rst_header(source)
        blocks = scan_rst(lines, kinds, zone)
    else:
        fields = read_header(source)[0]
        blocks = scan(lines, kinds, zone)[0]
    header = tuple((name, fields[name]) for name in HEADER_FIELDS if name in fields)
    taken: dict[str, int] = {}
    snapshots: dict[str, EntrySnapshot] = {}
    for block in blocks:
        found = block.header
        anchor = anchor_for(found.kind, found.date_text, taken)
        snapshots[anchor] = EntrySnapshot(
            anchor=anchor,
            kind=found.kind,
            title=found.title,
            line=block.start + 1,
            when=found.when,
            text=block.text(lines),
            declares=block.declares(lines),
            removes=(
                tuple(read_fields(lines[block.start + 1 : block.end])[1])
                if found.kind == REDACTION
                else ()
            ),
        )
    return TextFacts(header, snapshots)


class VersionStore(Protocol):
    """Where versions get their rendering and their differences, each once.

    ``store.HistoryStore`` keeps both, by git blob id, across builds: a committed
    version never changes, so neither does its HTML.
    """

    def rendered(
        self, blob: str, removals: tuple[Removal, ...] = ()
    ) -> tuple[str, str | None]: ...  # (html, title)

    def diff(self, old: str, new: str, removals: tuple[Removal, ...] = ()) -> TextDiff: ...


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
    # What the story's redactions take out of every version's text.
    removals: tuple[Removal, ...] = field(default=(), repr=False)

    @property
    def short(self) -> str:
        return self.sha[:7] if self.sha else "unsaved"

    @property
    def unsaved(self) -> bool:
        return self.sha is None

    @property
    def rendered(self) -> tuple[str, str | None]:
        """(html, title): the blob's rendering, unless this build replaced it."""
        return self.replaced or self.store.rendered(self.blob, self.removals)

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
            return self.store.diff(previous.blob, self.blob, self.removals)
        return diff_text(text_blocks(previous.html), text_blocks(self.html))


@dataclass(slots=True)
class ArticleHistory:
    """Every published version of one explainer, newest first."""

    versions: list[Version]
    incomplete: bool  # a shallow clone: earlier versions are not in this copy
    url: str = ""
    save_as: str = ""
    json_path: str = ""  # DATELINE_HISTORY_JSON_PATH; "" when left out
    timemap_path: str = ""  # DATELINE_TIMEMAP_PATH; "" when left out

    @property
    def published(self) -> list[Version]:
        """The committed versions, newest first: what machine-readable records list."""
        return [version for version in self.versions if not version.unsaved]

    @property
    def mementos(self) -> list[Version]:
        """The older versions with a page of their own, oldest first (Memento's
        order); only the newest version can be uncommitted, and it has none."""
        return [version for version in self.versions[:0:-1] if version.save_as]

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

    An entry was published when a version holding it was still current at its
    time (a scheduled entry edited before it is due was never public). Only a
    declaration that is due, and not the entry's own, counts: a scheduled
    ``Amends:`` licenses nothing before its time, and no entry amends itself.
    """
    current = history.versions[0]
    # Words a redaction takes out are no change; nothing else is.
    removed = [phrase for snapshot in current.entries.values() for phrase in snapshot.removes]
    declared = {
        snapshot.declares[1]: snapshot.declares[0]
        for snapshot in current.entries.values()
        if snapshot.declares and snapshot.when <= now and snapshot.declares[1] != snapshot.anchor
    }
    committed = [version for version in reversed(history.versions) if not version.unsaved]
    ends = _ends(committed, now)
    first_seen: dict[str, tuple[Version, EntrySnapshot]] = {}
    last_seen: dict[str, EntrySnapshot] = {}
    for version, end in zip(committed, ends, strict=True):
        for anchor, snapshot in version.entries.items():
            last_seen[anchor] = snapshot
            if snapshot.when <= end:
                first_seen.setdefault(anchor, (version, snapshot))
    problems = []
    for anchor, (version, snapshot) in first_seen.items():
        kept = current.entries.get(anchor)
        where = f"was published in {version.short} on {version.time:%Y-%m-%d}"
        if kept is None and declared.get(anchor) != "retracts":
            problems.append(
                Problem(
                    "",
                    last_seen[anchor].line,
                    f"entry {anchor} {where} and has since been removed; restore it and "
                    f"append a new entry instead (to withdraw it, append an entry whose "
                    f"first line is 'Retracts: {anchor}')",
                )
            )
        elif (
            kept is not None
            and without_removed(kept.text, removed) != without_removed(snapshot.text, removed)
            and anchor not in declared
        ):
            problems.append(
                Problem(
                    "",
                    kept.line,
                    f"entry {anchor} {where} and has since been changed; keep it and "
                    f"append a new entry instead (to amend it, append an entry whose "
                    f"first line is 'Amends: {anchor}')",
                )
            )
    return problems


def _ends(committed: list[Version], now: datetime) -> list[datetime]:
    """Until when each version was current: the next one's time, never earlier than
    any before it (a back-dated commit does not shorten what was public)."""
    ends: list[datetime] = []
    latest = None
    for version, later in pairwise(committed):
        latest = max(filter(None, (latest, version.time, later.time)))
        ends.append(latest)
    return [*ends, now] if committed else []


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
