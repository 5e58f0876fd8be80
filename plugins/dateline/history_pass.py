"""The history step: one git pass, then each published article's versions.

Runs inside the generator's model step, after entries are checked, so that
append-only problems are reported together with every other problem.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markdown import Markdown

from .gitlog import HistoryUnavailable, RepoHistory, read_blobs, read_history
from .history import build_history, record_problems, silent_edits

logger = logging.getLogger(__name__)


def attach_histories(
    articles: Iterable[Any],
    settings: dict[str, Any],
    zone: ZoneInfo,
    source_name: Callable[[Any], str],
) -> list[tuple[str, int, str]]:
    """Give each article ``dateline.history``; return the problems that refuse the build.

    With ``DATELINE_STRICT_HISTORY`` off, append-only problems are warnings.
    """
    articles = [a for a in articles if getattr(a, "dateline", None) is not None]
    repo = _repository(Path(settings["PATH"]))
    if repo is None or not articles:
        return []
    committed = {id(a): repo.versions(Path(a.source_path)) for a in articles}
    texts = read_blobs(repo.root, (v.blob for versions in committed.values() for v in versions))
    render = _Renderer(settings)
    strict = settings["DATELINE_STRICT_HISTORY"]
    problems: list[tuple[str, int, str]] = []
    for article in articles:
        path = Path(article.source_path)
        history = build_history(
            committed[id(article)],
            texts,
            path.read_text("utf-8-sig") if repo.is_unsaved(path) else None,
            article.dateline.published,
            settings["DATELINE_KINDS"],
            zone,
            render,
            incomplete=repo.shallow,
        )
        if history is None:
            continue
        _set_urls(history, article, settings)
        article.dateline = replace(article.dateline, history=history)
        if repo.shallow:
            continue
        source = source_name(article)
        for problem in record_problems(history):
            if strict:
                problems.append((source, problem.line, problem.message))
            else:
                logger.warning("%s:%s: %s", source, problem.line, problem.message)
        for warning in silent_edits(history, settings["DATELINE_SILENT_EDIT_WORDS"]):
            logger.warning("%s: %s", source, warning)
    render.save()
    return problems


def _repository(content: Path) -> RepoHistory | None:
    try:
        repo = read_history(content)
    except HistoryUnavailable as why:
        logger.warning("Dateline history: %s; history pages are left out.", why)
        return None
    if repo.shallow:
        logger.warning(
            "Dateline history: this is a shallow clone, so earlier versions are missing; "
            "history pages are marked incomplete and the append-only check is skipped."
        )
    return repo


class _Renderer:
    """Markdown to HTML with the site's own extensions, once per distinct text.

    A committed version never changes, so with Pelican's content cache on,
    its rendering is kept in ``CACHE_PATH`` between builds, keyed by the
    text's hash and the Markdown settings.
    """

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.fingerprint = repr(sorted(settings["MARKDOWN"].items(), key=str))
        self.path = (
            Path(settings["CACHE_PATH"]) / "dateline-versions.pickle"
            if settings.get("CACHE_CONTENT")
            else None
        )
        self.kept: dict[str, tuple[str, str | None]] = {}
        self.used: dict[str, tuple[str, str | None]] = {}
        if self.path and settings.get("LOAD_CONTENT_CACHE") and self.path.exists():
            with self.path.open("rb") as stream:
                fingerprint, kept = pickle.load(stream)
            if fingerprint == self.fingerprint:
                self.kept = kept

    def __call__(self, source: str) -> tuple[str, str | None]:
        key = hashlib.sha1(source.encode()).hexdigest()
        if key not in self.used:
            self.used[key] = self.kept.get(key) or self._render(source)
        return self.used[key]

    def _render(self, source: str) -> tuple[str, str | None]:
        md = Markdown(**self.settings["MARKDOWN"])
        html = md.convert(source)
        titles = getattr(md, "Meta", {}).get("title") or [None]
        return html, titles[0]

    def save(self) -> None:
        """Keep what this build used (and nothing older) for the next build."""
        if self.path is None or self.used.keys() == self.kept.keys():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        with partial.open("wb") as stream:
            pickle.dump((self.fingerprint, self.used), stream)
        partial.replace(self.path)


def _set_urls(history: Any, article: Any, settings: dict[str, Any]) -> None:
    fields = article.url_format
    history.url = settings["DATELINE_HISTORY_URL"].format(**fields)
    history.save_as = settings["DATELINE_HISTORY_SAVE_AS"].format(**fields)
    for version in history.versions:
        version.url = settings["DATELINE_VERSION_URL"].format(**fields, version=version.short)
        version.save_as = settings["DATELINE_VERSION_SAVE_AS"].format(
            **fields, version=version.short
        )
