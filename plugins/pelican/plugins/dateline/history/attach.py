"""The history step: one git pass, then each published article's versions.

Runs inside the generator's model step, after entries are checked, so that
append-only problems are reported together with every other problem.

It stays cheap on a site of thousands of explainers: the repository is read
once (``gitlog``, in a second process meanwhile: ``prefetch``), every
committed text's entries come from the ``store`` (a line scan, once per blob
ever), and nothing is rendered here: a version's HTML and diff are made only
when a page shows it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pelican.utils import get_date, slugify

from ..addresses import story_fields
from ..entries.reader import REMOVALS
from ..guard import leaves_output
from ..problems import Problem, display_path, site_root
from .gitlog import FileVersion, HistoryUnavailable, RepoHistory, blob_id, worktree_blobs
from .prefetch import Prefetch
from .store import HistoryStore, read_repository
from .versions import (
    ArticleHistory,
    TextFacts,
    Unsaved,
    append_only_problems,
    build_history,
    facts_of,
    silent_edits,
)

logger = logging.getLogger(__name__)


class HistoryPass:
    """The result of the pass: problems, and the store the pages will read."""

    def __init__(
        self,
        problems: list[Problem],
        store: HistoryStore | None,
        unsaved: frozenset[str] = frozenset(),
        story: Callable[[Any, dict[str, bytes]], list[Problem]] | None = None,
        prefetch: Prefetch | None = None,
    ) -> None:
        self.problems = problems
        self.store = store
        self.unsaved = unsaved  # source paths whose text is not HEAD's
        self._story = story
        self._kept: HistoryStore | None = store
        self._repo: RepoHistory | None = None
        self._prefetch = prefetch  # rendering versions ahead of the pages until closed

    def reopen(self) -> None:
        """The store again, for pages written after ``close`` (a live session's edit)."""
        if self.store is None and self._kept is not None:
            self.store = self._kept
            self.store.reopen()

    def again(self, article: Any) -> list[Problem]:
        """One story's history once more, after an edit of its file (and nothing else:
        the same commits), from this pass's reading of git."""
        if self._story is None:
            return []  # no history was read: none for this story either
        self.reopen()
        edited = [article.source_path]
        unsaved = _unsaved([article], self._repo) if self._repo is not None else {}
        self.unsaved = (self.unsaved - set(edited)) | frozenset(unsaved)
        return self._story(article, unsaved)

    def close(self) -> None:
        """Keep what this build made for the next one; stop git. Safe to call twice."""
        if self._prefetch is not None:
            self._prefetch.close()
        if self.store is not None:
            self.store.close()
            self.store = None


def attach_histories(
    articles: Iterable[Any],
    written: Iterable[Any],
    settings: dict[str, Any],
    zone: ZoneInfo,
    now: datetime,
    prefetch: Prefetch | None = None,
) -> HistoryPass:
    """Give each article ``dateline.history``; return the problems that refuse the build.

    With ``DATELINE_STRICT_HISTORY`` off, append-only problems are warnings
    (``_repository`` says when a history that cannot be read refuses the
    build). Close the result once the pages are written.
    """
    articles = [a for a in articles if getattr(a, "dateline", None) is not None]
    written = list(written)
    if prefetch is not None:
        read = prefetch.repository
    else:
        read = functools.partial(read_repository, settings=settings)
    store = None
    try:
        repo, problems = (
            _repository(read, Path(settings["PATH"]), settings) if written else (None, [])
        )
        if repo is None:
            if prefetch is not None:
                prefetch.close()  # nothing to render ahead
            return HistoryPass(problems, None)
        unsaved = _unsaved(written, repo)
        store = HistoryStore(repo.root, settings)
        story = _stories(repo, store, settings, zone, now)
        for article in articles:
            problems += story(article, unsaved)
    except BaseException:
        if prefetch is not None:
            prefetch.close()
        if store is not None:
            store.close()
        raise
    done = HistoryPass(problems, store, frozenset(unsaved), story, prefetch)
    done._repo = repo
    return done


def _stories(
    repo: RepoHistory,
    store: HistoryStore,
    settings: dict[str, Any],
    zone: ZoneInfo,
    now: datetime,
) -> Callable[[Any, dict[str, bytes]], list[Problem]]:
    """What attaches one article's history (given the texts that are not HEAD's)."""
    kinds = settings["DATELINE_KINDS"]
    lineages = [*repo.files.values(), *repo.ended]
    # Texts not known yet are read in one stream; entries are then loaded one
    # article at a time, so the whole site's are never in memory at once.
    store.learn(((v.blob, v.path) for lineage in lineages for v in lineage), kinds, zone)
    store.keep_only(v.blob for lineage in lineages for v in lineage)
    cut = _by_story(repo.ended, store, settings, kinds, zone)
    root = site_root(settings)

    def story(article: Any, unsaved: dict[str, bytes]) -> list[Problem]:
        # Its story: the file's own lineage, and whatever a deletion cut off
        # under the same slug and language (git rm and a later add, or a
        # rename git could not see through heavy edits).
        found = {(v.commit.sha, v.blob): v for v in repo.versions(Path(article.source_path))}
        for version in cut.get((article.slug, article.lang), []):
            found.setdefault((version.commit.sha, version.blob), version)
        versions = sorted(found.values(), key=lambda version: version.commit.order)
        edited = None
        if article.source_path in unsaved:
            data = unsaved[article.source_path]
            text = data.decode("utf-8-sig")
            said = facts_of(text, article.source_path, kinds, zone)
            edited = Unsaved(store.add_text(data, text, article.source_path), said.entries)
        published = article.dateline.published
        history = build_history(
            versions,
            store.facts(((v.blob, v.path) for v in versions), kinds, zone),
            edited,
            functools.partial(_public_from, published=published, zone=zone),
            now,
            zone,
            store,
            incomplete=repo.shallow,
        )
        if history is None:
            return []
        source = display_path(article.source_path, root)
        outside = _set_urls(history, article, settings)
        if outside:
            return [
                Problem(
                    source,
                    1,
                    f"its history would be written outside the output folder ({outside}); "
                    "its Slug: (or DATELINE_HISTORY_SAVE_AS) must not hold '..' or a leading '/'",
                )
            ]
        article.dateline = replace(article.dateline, history=history)
        removals = tuple(article.metadata.get(REMOVALS, ((), ()))[0])
        for version in history.versions:  # before any is rendered or compared
            version.removals = removals
        problems = [] if repo.shallow else _check(history, source, settings, now)
        for version in history.versions:  # checked: pages need only what each added
            version.entries = {anchor: version.entries[anchor] for anchor in version.added}
        return problems

    return story


def _unsaved(articles: list[Any], repo: RepoHistory) -> dict[str, bytes]:
    """The articles whose bytes, as Pelican read them, are not HEAD's blob, with those bytes.

    Not ``git status``: a file marked ``--skip-worktree`` or ignored, or a
    link out of the repository, is what Pelican reads all the same. Bytes
    that differ only by git's filters (line endings) are asked of git itself.
    """
    differing: dict[str, bytes] = {}
    for article in articles:
        data = Path(article.source_path).read_bytes()
        if blob_id(data) != repo.head_blob(Path(article.source_path)):
            differing[article.source_path] = data
    asked = [Path(path) for path in differing if repo.head_blob(Path(path)) is not None]
    for path, blob in worktree_blobs(repo.root, asked).items():
        if blob == repo.head_blob(path) and not path.is_symlink():
            del differing[str(path)]
    return differing


def _by_story(
    ended: list[list[FileVersion]],
    store: HistoryStore,
    settings: dict[str, Any],
    kinds: dict[str, str],
    zone: ZoneInfo,
) -> dict[tuple[str, str], list[FileVersion]]:
    """The versions of deleted files, by the story (slug, language) each text is."""
    versions = [version for lineage in ended for version in lineage]
    said = store.facts(((v.blob, v.path) for v in versions), kinds, zone)
    found: dict[tuple[str, str], list[FileVersion]] = {}
    for version in versions:
        facts = said.get(version.blob)
        if facts is not None:
            found.setdefault(_story_key(facts, version.path, settings), []).append(version)
    return found


def _story_key(facts: TextFacts, path: str, settings: dict[str, Any]) -> tuple[str, str]:
    """The slug and language Pelican gives a text (its ``Slug:``, else from its title)."""
    slug = facts.field("slug")
    if not slug:
        source = facts.field("title") if settings["SLUGIFY_SOURCE"] == "title" else None
        slug = slugify(
            source or Path(path).stem,
            regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
            preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
            use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
        )
    return slug, facts.field("lang") or settings["DEFAULT_LANG"]


def _public_from(facts: TextFacts, published: datetime, zone: ZoneInfo) -> datetime | None:
    """When a text says it is public (its Date:), or None if never (draft, hidden)."""
    if (facts.field("status") or "published").lower() in ("draft", "hidden"):
        return None
    written = facts.field("date")
    try:
        when = _read_date(written) if written else published
    except (ValueError, OverflowError):
        when = published  # a Date: this version could not be read: the story's own
    return when if when.tzinfo else when.replace(tzinfo=zone)


@functools.lru_cache(maxsize=4096)
def _read_date(written: str) -> datetime:
    """Pelican's reading of a ``Date:``; most versions of a story repeat the same one."""
    return get_date(written)


def _check(
    history: ArticleHistory, source: str, settings: dict[str, Any], now: datetime
) -> list[Problem]:
    problems = []
    for problem in append_only_problems(history, now):
        if settings["DATELINE_STRICT_HISTORY"]:
            problems.append(problem.at(source))
        else:
            logger.warning("%s", problem.at(source))
    for warning in silent_edits(history, settings["DATELINE_SILENT_EDIT_WORDS"]):
        logger.warning("%s: %s", source, warning)
    return problems


def _repository(
    read: Callable[[Path], RepoHistory], content: Path, settings: dict[str, Any]
) -> tuple[RepoHistory | None, list[Problem]]:
    """The repository, or why there is none.

    Where every published text must be a committed version
    (``DATELINE_REQUIRE_COMMITTED``), no repository (or no git) refuses the
    build; where the record is checked strictly (``DATELINE_STRICT_HISTORY``),
    so does a shallow clone, which lacks the versions to check against.
    Otherwise each is a warning.
    """
    try:
        repo = read(content)
    except HistoryUnavailable as why:
        if settings["DATELINE_REQUIRE_COMMITTED"]:
            return None, [_unchecked(f"{why}")]
        logger.warning("Dateline history: %s; history pages are left out.", why)
        return None, []
    if repo.shallow:
        if settings["DATELINE_STRICT_HISTORY"]:
            return None, [_unchecked("this is a shallow clone, which lacks earlier versions")]
        logger.warning(
            "Dateline history: this is a shallow clone, so earlier versions are missing; "
            "history pages are marked incomplete and the append-only check is skipped."
        )
    return repo, []


def _unchecked(why: str) -> Problem:
    return Problem(
        "",
        0,
        f"the public record cannot be checked: {why}; these settings need the content in "
        "a git repository with its whole history (clone it whole, or git fetch --unshallow)",
    )


def _set_urls(history: ArticleHistory, article: Any, settings: dict[str, Any]) -> str | None:
    """The addresses of the history and version pages; the first that would be
    written outside the output folder, if any."""
    fields = story_fields(article)
    history.url = settings["DATELINE_HISTORY_URL"].format(**fields)
    history.save_as = settings["DATELINE_HISTORY_SAVE_AS"].format(**fields)
    history.json_path = settings["DATELINE_HISTORY_JSON_PATH"].format(**fields)
    history.timemap_path = settings["DATELINE_TIMEMAP_PATH"].format(**fields)
    for version in history.versions:
        version.url = settings["DATELINE_VERSION_URL"].format(**fields, version=version.short)
        version.save_as = settings["DATELINE_VERSION_SAVE_AS"].format(
            **fields, version=version.short
        )
    pages = [
        history.save_as,
        history.json_path,
        history.timemap_path,
        *(version.save_as for version in history.versions),
    ]
    return next((page for page in pages if page and leaves_output(page)), None)
