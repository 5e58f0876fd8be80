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
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..problems import Problem, display_path, site_root
from .gitlog import HistoryUnavailable, RepoHistory
from .prefetch import Prefetch
from .store import HistoryStore, read_repository
from .versions import (
    ArticleHistory,
    Unsaved,
    append_only_problems,
    build_history,
    entries_in,
    silent_edits,
)

logger = logging.getLogger(__name__)


class HistoryPass:
    """The result of the pass: problems, and the store the pages will read."""

    def __init__(self, problems: list[Problem], store: HistoryStore | None) -> None:
        self.problems = problems
        self.store = store

    def close(self) -> None:
        """Keep what this build made for the next one; stop git. Safe to call twice."""
        if self.store is not None:
            self.store.close()
            self.store = None


def attach_histories(
    articles: Iterable[Any],
    settings: dict[str, Any],
    zone: ZoneInfo,
    prefetch: Prefetch | None = None,
) -> HistoryPass:
    """Give each article ``dateline.history``; return the problems that refuse the build.

    With ``DATELINE_STRICT_HISTORY`` off, append-only problems are warnings.
    Close the result once the pages are written.
    """
    articles = [a for a in articles if getattr(a, "dateline", None) is not None]
    if prefetch is not None:
        read = prefetch.repository
    else:
        read = functools.partial(read_repository, settings=settings)
    repo = _repository(read, Path(settings["PATH"])) if articles else None
    if prefetch is not None:
        prefetch.close()
    if repo is None:
        return HistoryPass([], None)
    store = HistoryStore(repo.root, settings)
    try:
        problems = _attach(articles, repo, store, settings, zone)
    except BaseException:
        store.close()
        raise
    return HistoryPass(problems, store)


def _attach(
    articles: list[Any],
    repo: RepoHistory,
    store: HistoryStore,
    settings: dict[str, Any],
    zone: ZoneInfo,
) -> list[Problem]:
    kinds = settings["DATELINE_KINDS"]
    committed = {id(a): repo.versions(Path(a.source_path)) for a in articles}
    # Texts not known yet are read in one stream; entries are then loaded one
    # article at a time, so the whole site's are never in memory at once.
    store.learn((v.blob for versions in committed.values() for v in versions), kinds, zone)
    store.keep_only(v.blob for versions in repo.files.values() for v in versions)
    problems: list[Problem] = []
    root = site_root(settings)
    for article in articles:
        path = Path(article.source_path)
        unsaved = None
        if repo.is_unsaved(path):
            data = path.read_bytes()
            text = data.decode("utf-8-sig")
            unsaved = Unsaved(store.add_text(data, text), entries_in(text, kinds, zone))
        versions = committed[id(article)]
        history = build_history(
            versions,
            store.entries((v.blob for v in versions), kinds, zone),
            unsaved,
            article.dateline.published,
            zone,
            store,
            incomplete=repo.shallow,
        )
        if history is None:
            continue
        _set_urls(history, article, settings)
        article.dateline = replace(article.dateline, history=history)
        if not repo.shallow:
            problems.extend(_check(history, display_path(article.source_path, root), settings))
        for version in history.versions:  # checked: pages need only what each added
            version.entries = {}
    return problems


def _check(history: ArticleHistory, source: str, settings: dict[str, Any]) -> list[Problem]:
    problems = []
    for problem in append_only_problems(history):
        if settings["DATELINE_STRICT_HISTORY"]:
            problems.append(problem.at(source))
        else:
            logger.warning("%s", problem.at(source))
    for warning in silent_edits(history, settings["DATELINE_SILENT_EDIT_WORDS"]):
        logger.warning("%s: %s", source, warning)
    return problems


def _repository(read: Callable[[Path], RepoHistory], content: Path) -> RepoHistory | None:
    try:
        repo = read(content)
    except HistoryUnavailable as why:
        logger.warning("Dateline history: %s; history pages are left out.", why)
        return None
    if repo.shallow:
        logger.warning(
            "Dateline history: this is a shallow clone, so earlier versions are missing; "
            "history pages are marked incomplete and the append-only check is skipped."
        )
    return repo


def _set_urls(history: ArticleHistory, article: Any, settings: dict[str, Any]) -> None:
    fields = article.url_format
    history.url = settings["DATELINE_HISTORY_URL"].format(**fields)
    history.save_as = settings["DATELINE_HISTORY_SAVE_AS"].format(**fields)
    for version in history.versions:
        version.url = settings["DATELINE_VERSION_URL"].format(**fields, version=version.short)
        version.save_as = settings["DATELINE_VERSION_SAVE_AS"].format(
            **fields, version=version.short
        )
