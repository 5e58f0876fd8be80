"""The model and write steps: run once, after Pelican has read every file.

``generate_context`` checks every article and page against the build time,
attaches its model (``content.dateline``), and refuses the build if any file
has a problem: all problems of all files in one message, before anything is
written. ``generate_output`` writes the updates pages, the updates feed and
the sitemap.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pelican.generators import Generator

from .feed import updates_feed
from .history_pass import HistoryPass, attach_histories, start_prefetch
from .holdback import hold_back_in_history, without_future_entries
from .jsonld import news_article
from .log import LogItem, revision_log
from .model import Entry, build_revisions, check_entries
from .reader import ENTRIES, PROBLEMS
from .scan import Problem
from .settings import site_origin
from .sitemap import sitemap

_CONTENT_LISTS = ("articles", "drafts", "hidden_articles", "pages", "hidden_pages", "draft_pages")


class BuildRefused(Exception):
    """Input Dateline will not publish; the message is one ``file:line: why`` per line."""

    exitcode = 1

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class DatelineGenerator(Generator):
    """Check and model every content object; write the site-wide outputs."""

    log: list[LogItem]
    history: HistoryPass = HistoryPass([], None)  # closed once the history pages are written

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Generators are made before any reads: git is read on another core meanwhile.
        history = self.settings["DATELINE_HISTORY"]
        self.prefetch = start_prefetch(self.settings) if history else None

    def generate_context(self) -> None:
        zone = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        now = datetime.now(zone)
        problems: list[tuple[str, int, str]] = []
        for content in self._all_content():
            source = self._source(content)
            for problem in self._attach_model(content, zone, now):
                problems.append((source, problem.line, problem.message))
        articles = self.context.get("articles", [])
        if self.settings["DATELINE_HISTORY"]:
            published = [t for a in articles for t in (a, *getattr(a, "translations", []))]
            self.history = attach_histories(
                published, self.settings, zone, self._source, self.prefetch
            )
            problems.extend(self.history.problems)
            problems.extend(self._check_histories(published, now))
        if problems:
            self.history.close()
            raise BuildRefused([f"{path}:{line}: {why}" for path, line, why in sorted(problems)])
        self.log = revision_log(articles)
        self.context["revision_log"] = self.log

    def generate_output(self, writer: Any) -> None:
        updates_as = self.settings["DATELINE_UPDATES_SAVE_AS"]
        if updates_as:
            writer.write_file(
                updates_as,
                self.get_template("updates"),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                paginated={"revision_log": self.log},
                template_name="updates",
                url=self.settings["DATELINE_UPDATES_URL"],
                revision_log=self.log,
                page_name="updates",
            )
        feed_path = self.settings["DATELINE_FEED_PATH"]
        if feed_path:
            with self._open(feed_path) as out:
                updates_feed(self.log, self.settings).write(out, "utf-8")
        try:
            self._write_histories(writer)
        finally:
            self.history.close()
        sitemap_path = self.settings["DATELINE_SITEMAP_PATH"]
        if sitemap_path:
            contents = [*self.context.get("articles", []), *self.context.get("pages", [])]
            with self._open(sitemap_path) as out:
                out.write(sitemap(contents, site_origin(self.settings)))

    def _write_histories(self, writer: Any) -> None:
        """Each article's history page, and a page (noindex) for each older version."""
        history_template = self.get_template("history")
        version_template = self.get_template("version")
        relative = self.settings["RELATIVE_URLS"]
        for article in self.context.get("articles", []):
            history = article.dateline.history if article.dateline else None
            if history is None:
                continue
            pages = [(history, history_template, {"page_name": "history"})]
            pages += [
                (version, version_template, {"page_name": "version", "version": version})
                for version in history.versions[1:]
            ]
            for page, template, extra in pages:
                writer.write_file(
                    page.save_as,
                    template,
                    self.context,
                    relative_urls=relative,
                    url=page.url,
                    article=article,
                    history=history,
                    **extra,
                )

    def _all_content(self) -> Iterator[Any]:
        for name in _CONTENT_LISTS:
            for content in self.context.get(name, []):
                yield content
                yield from getattr(content, "translations", [])

    def _attach_model(self, content: Any, zone: ZoneInfo, now: datetime) -> list[Problem]:
        problems: list[Problem] = list(content.metadata.get(PROBLEMS, []))
        entries: list[Entry] = content.metadata.get(ENTRIES, [])
        published = getattr(content, "date", None)
        if published is None:
            content.dateline = None
            return problems
        visible, late = check_entries(
            entries, published, now, self.settings["DATELINE_ALLOW_SCHEDULED"]
        )
        problems.extend(late)
        if len(visible) < len(entries):
            content._content, _ = without_future_entries(content._content, now)
        revisions = build_revisions(
            visible,
            published,
            _declared_modified(content, zone),
            (self.settings["DATELINE_DATE_FORMAT"], self.settings["DATELINE_DATETIME_FORMAT"]),
            zone,
        )
        content.dateline = replace(
            revisions, json_ld=news_article(content, revisions, self.settings)
        )
        # Pelican's article feeds take <updated> from ``modified``.
        content.modified = revisions.modified
        return problems

    def _check_histories(self, articles: list[Any], now: datetime) -> list[tuple[str, int, str]]:
        """Keep scheduled entries out of every version; refuse uncommitted text if asked."""
        problems = []
        for article in articles:
            history = article.dateline.history if article.dateline else None
            if history is None:
                continue
            if self.settings["DATELINE_ALLOW_SCHEDULED"]:
                hold_back_in_history(history, now)
            if self.settings["DATELINE_REQUIRE_COMMITTED"] and history.versions[0].unsaved:
                problems.append(
                    (
                        self._source(article),
                        1,
                        "has changes that are not committed; commit them first, so that "
                        "every text readers see is a version on the record",
                    )
                )
        return problems

    def _source(self, content: Any) -> str:
        project = os.path.dirname(os.path.abspath(self.settings["PATH"]))
        return os.path.relpath(content.source_path, project)

    def _open(self, relative: str) -> Any:
        path = os.path.join(self.output_path, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return open(path, "w", encoding="utf-8")


def _declared_modified(content: Any, zone: ZoneInfo) -> datetime | None:
    declared = content.metadata.get("modified")
    if not isinstance(declared, datetime):
        return None
    return declared if declared.tzinfo else declared.replace(tzinfo=zone)
