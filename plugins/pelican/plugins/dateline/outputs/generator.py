"""The model and write steps: run once, after Pelican has read every file.

``generate_context`` checks every article and page against the build time,
attaches its model (``content.dateline``), reads the history from git, and
refuses the build if anything is wrong: every problem of every file in one
``BuildRefused``, before anything is written. ``generate_output`` writes
the updates pages, the updates feed, the history and version pages, the
sitemap and the stylesheet, each with the theme's template where it has one
and Dateline's own otherwise.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pelican.contents import Page
from pelican.generators import Generator, PelicanTemplateNotFound
from pelican.utils import sanitised_join, slugify

from .. import refusal
from ..addresses import story_fields
from ..entries.reader import ENTRIES, PROBLEMS, REMOVALS
from ..entries.redaction import KIND as REDACTION
from ..entries.redaction import takes_out, without_fields
from ..guard import leaves_output
from ..history.attach import HistoryPass, attach_histories
from ..history.holdback import hold_back_in_history, without_future_entries
from ..history.prefetch import start_prefetch
from ..model import Entry, build_record, check_entries
from ..problems import BuildRefused, Problem, display_path, site_root
from ..settings import site_origin
from .feeds import story_feed, updates_feed
from .headers import headers_file
from .inject import TEMPLATES
from .jsonld import json_ld
from .record import RECORD_PATH, record_text
from .record_json import history_json, updates_json
from .sitemap import robots, sitemap
from .timemap import timemap
from .updates import LogItem, by_language, updates_log

logger = logging.getLogger(__name__)
_CONTENT_LISTS = ("articles", "drafts", "hidden_articles", "pages", "hidden_pages", "draft_pages")
_CHECKED = ("articles", "pages", "hidden_articles", "hidden_pages")  # history is checked
STYLESHEET = TEMPLATES.parent / "static" / "dateline.css"
_WORDS = re.compile(r"[a-z0-9]+")  # of an address, as slugs split it
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # the updates feed's time on a site with no story


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
        problems = refusal.reading_problems()
        for content, listed in self._all_content():
            problems.extend(self._attach_model(content, zone, now, listed))
        stories = list(self._published())
        if self.settings["DATELINE_HISTORY"]:
            # Hidden stories are checked too (they are public to whoever has the
            # address), and every file written must be committed where asked.
            checked = [*stories, *self._published("hidden_articles", "hidden_pages")]
            written = (
                [*checked, *self._published("drafts", "draft_pages")]
                if self.settings["DATELINE_WRITE_DRAFTS"]
                else checked
            )
            self.history = attach_histories(
                checked, self._once(written), self.settings, zone, now, self.prefetch
            )
            problems.extend(self.history.problems)
            problems.extend(self._check_histories(checked, written, now))
        for content, _ in self._all_content():
            problems.extend(self._redaction_problems(content, now))
        if problems:
            self.history.close()
            raise BuildRefused(problems)
        listed = stories if self.settings["DATELINE_UPDATES_PAGES"] else self._published("articles")
        drafts = [*self._published("drafts", "draft_pages")]
        if drafts and not self.settings["DATELINE_WRITE_DRAFTS"]:
            logger.warning(
                "Dateline: %d draft(s) not written (Pelican writes them to drafts/); set "
                "DATELINE_WRITE_DRAFTS = True to preview them",
                len(drafts),
            )
        self.log = updates_log(listed)
        self.context["updates_log"] = self.log
        self.next_due = self._next_due(now)

    def _next_due(self, now: datetime) -> datetime | None:
        """When this model stops being what a build would make: the first scheduled
        entry's time, or the first story dated in the future."""
        due = [
            entry.instant
            for content, _ in self._all_content()
            for entry in content.metadata.get(ENTRIES, [])
            if entry.instant > now.astimezone(UTC)
        ]
        due += [
            content.date
            for content, _ in self._all_content()
            if isinstance(getattr(content, "date", None), datetime)
            and content.date.tzinfo is not None
            and content.date > now
        ]
        return min(due, default=None)

    def remodel(self, content: Any) -> list[Problem]:
        """After an edit of ``content``'s file, read again in place: its model, its
        history (from the same git pass) and the updates log, as a build would make
        them. Problems mean the model is no longer a build's: build afresh."""
        zone = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        now = datetime.now(zone)
        self.history.reopen()  # every history page is written again, or kept
        if self.next_due is not None and self.next_due <= now:
            return [Problem("", 0, "a scheduled entry or story is due: build afresh")]
        lists = {name: {id(story) for story in self._published(name)} for name in _CONTENT_LISTS}
        listed = id(content) in lists["articles"] or id(content) in lists["pages"]
        problems = self._attach_model(content, zone, now, listed)
        if not any(id(content) in lists[name] for name in _CHECKED):
            return [Problem("", 0, "a draft was edited: build afresh")]
        if self.settings["DATELINE_HISTORY"] and content.dateline is not None:
            problems.extend(self.history.again(content))
            problems.extend(self._check_histories([content], [content], now))
        problems.extend(self._redaction_problems(content, now))
        stories = self._published() if self.settings["DATELINE_UPDATES_PAGES"] else None
        self.log[:] = updates_log(list(stories or self._published("articles")))
        return problems

    def generate_output(self, writer: Any) -> None:
        settings, origin = self.settings, site_origin(self.settings)
        logs: list[tuple[str | None, list[LogItem]]] = [(None, self.log)]
        if settings["DATELINE_UPDATES_LANG_SAVE_AS"]:
            logs += by_language(self.log, settings["DEFAULT_LANG"]).items()
        for lang, log in logs:
            self._write_log(writer, lang, log)
        self._write_feeds(writer)
        if settings["DATELINE_UPDATES_JSON_PATH"]:
            self._write(
                writer,
                settings["DATELINE_UPDATES_JSON_PATH"],
                lambda: updates_json(self.log, settings, origin),
                lambda: self.log,
            )
        try:
            self._write_histories(writer)
        finally:
            self.history.close()
        sitemap_path = settings["DATELINE_SITEMAP_PATH"]
        if sitemap_path:
            pages = [*self._log_pages(logs), *self._history_pages()]
            self._write(writer, sitemap_path, lambda: sitemap(self._published(), origin, pages))
            robots_path = settings["DATELINE_ROBOTS_PATH"]
            if robots_path and not self._site_has(robots_path):
                self._write(writer, robots_path, lambda: robots(f"{origin}/{sitemap_path}"), tuple)
        headers_path = settings["DATELINE_HEADERS_PATH"]
        if headers_path and self._site_has(headers_path):
            logger.warning(
                "Dateline: the site has its own %s, so Memento headers are not written; "
                'set DATELINE_HEADERS_PATH = "" or add them to yours (docs/record-formats.md)',
                headers_path,
            )
        elif headers_path:
            self._write(writer, headers_path, lambda: headers_file(self._published(), origin))
        self._write(writer, RECORD_PATH, lambda: record_text(self._published()))
        stylesheet_as = self.settings["DATELINE_STYLESHEET_SAVE_AS"]
        if stylesheet_as:
            with (
                self._open(writer, stylesheet_as) as out,
                STYLESHEET.open(encoding="utf-8") as source,
            ):
                shutil.copyfileobj(source, out)

    def _write_feeds(self, writer: Any) -> None:
        """The site's feed of entries, and each story's own."""
        settings = self.settings
        if settings["DATELINE_FEED_PATH"]:
            stories = [story.dateline.modified for story in self._published() if story.dateline]
            updated = max(stories, default=_EPOCH)
            feed = functools.partial(updates_feed, self.log, settings, updated)
            self._write(
                writer, settings["DATELINE_FEED_PATH"], _text_of(feed), lambda: (self.log, updated)
            )
        for story in self._published():
            if story.dateline is not None and story.dateline.feed_path:
                feed = functools.partial(story_feed, story, settings)
                inputs = functools.partial(tuple, (story,))
                self._write(writer, story.dateline.feed_path, _text_of(feed), inputs)

    def _log_pages(self, logs: list[tuple[str | None, list[LogItem]]]) -> Iterator[tuple[str, Any]]:
        """The first page of each updates log, changed when its newest entry was added."""
        for lang, log in logs:
            save_as, url = self._log_address(lang)
            if save_as:
                yield url, log[0].entry.when if log else None

    def _history_pages(self) -> Iterator[tuple[str, Any]]:
        """Each history page (indexable; older versions are not), changed with its newest
        committed version."""
        for story in self._published():
            history = story.dateline.history if story.dateline else None
            if history is not None and history.save_as and history.published:
                yield history.url, history.published[0].time

    def _site_has(self, path: str) -> bool:
        """Whether the site writes ``path`` itself: a static file or a template page."""
        static = {item.save_as for item in self.context.get("staticfiles", [])}
        return path in static or path in self.settings.get("TEMPLATE_PAGES", {}).values()

    def _log_address(self, lang: str | None) -> tuple[str, str]:
        """(save_as, url) of the updates log: the site's (``lang`` None) or one language's."""
        settings = self.settings
        save_as, url = (
            (settings["DATELINE_UPDATES_LANG_SAVE_AS"], settings["DATELINE_UPDATES_LANG_URL"])
            if lang
            else (settings["DATELINE_UPDATES_SAVE_AS"], settings["DATELINE_UPDATES_URL"])
        )
        return save_as.format(lang=lang), url.format(lang=lang)

    def _write_log(self, writer: Any, lang: str | None, log: list[LogItem]) -> None:
        """The updates pages: the site's (``lang`` None) or one language's."""
        save_as, url = self._log_address(lang)
        if not save_as:
            return
        writer.write_file(
            save_as,
            self._template("updates"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            paginated={"updates_log": log},
            template_name="updates",
            url=url,
            updates_log=log,
            updates_lang=lang,
            page_name="updates",
        )

    def _template(self, name: str) -> Any:
        """The theme's template ``name``, else Dateline's own."""
        try:
            return self.get_template(name)
        except PelicanTemplateNotFound:
            return self.get_template(f"dateline/{name}")

    def _write_histories(self, writer: Any) -> None:
        """Each article's history page, and a page (noindex) for each older version."""
        if not self.history.store:
            return
        history_template = self._template("history")
        version_template = self._template("version")
        relative = self.settings["RELATIVE_URLS"]
        origin = site_origin(self.settings)
        for article in self._published():
            history = article.dateline.history if article.dateline else None
            if history is None:
                continue
            pages = [(history, history_template, {"dateline_page": "history"})]
            pages += [
                (version, version_template, {"dateline_page": "version", "version": version})
                for version in history.versions[1:]
                if version.save_as
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
            story = functools.partial(tuple, (article,))
            if history.json_path:
                json_text = functools.partial(history_json, article, origin)
                self._write(writer, history.json_path, json_text, story)
            if history.timemap_path:
                links = functools.partial(timemap, article, origin)
                self._write(writer, history.timemap_path, links, story)

    @staticmethod
    def _once(contents: list[Any]) -> list[Any]:
        """Every content object once (a translation may be listed twice)."""
        return list({id(content): content for content in contents}.values())

    def _published(self, *lists: str) -> Iterator[Any]:
        """Every published story (article, page) and its translations, each once
        (a translation may be listed twice)."""
        seen: set[int] = set()
        for name in lists or ("articles", "pages"):
            for content in self.context.get(name, []):
                for story in (content, *getattr(content, "translations", [])):
                    if id(story) not in seen:
                        seen.add(id(story))
                        yield story

    def _all_content(self) -> Iterator[tuple[Any, bool]]:
        """Every content object, and whether it is listed (an article or page, not a
        draft or hidden one): only those get a feed of their own."""
        for name in _CONTENT_LISTS:
            listed = name in ("articles", "pages")
            for content in self.context.get(name, []):
                yield content, listed
                for translation in getattr(content, "translations", []):
                    yield translation, listed

    def _attach_model(
        self, content: Any, zone: ZoneInfo, now: datetime, listed: bool
    ) -> list[Problem]:
        problems: list[Problem] = list(content.metadata.get(PROBLEMS, []))
        entries: list[Entry] = content.metadata.get(ENTRIES, [])
        published = getattr(content, "date", None)
        if published is None:
            content.dateline = None
            problems.extend(
                Problem(
                    self._source(content),
                    entry.line,
                    f"entry {entry.anchor} is on a story with no Date:, so nothing says when "
                    "it was first published; add a Date: line to its header",
                )
                for entry in entries
            )
            return problems
        visible, late = check_entries(
            entries, published, now, self.settings["DATELINE_ALLOW_SCHEDULED"]
        )
        problems.extend(problem.at(self._source(content)) for problem in late)
        if len(visible) < len(entries):
            content._content, _ = without_future_entries(content._content, now)
        record = build_record(
            visible,
            published,
            _declared_modified(content, zone),
            (self.settings["DATELINE_DATE_FORMAT"], self.settings["DATELINE_DATETIME_FORMAT"]),
            zone,
        )
        kind = "WebPage" if isinstance(content, Page) else "NewsArticle"
        pattern = self.settings["DATELINE_STORY_FEED_PATH"]
        feed_path = pattern.format(**story_fields(content)) if listed and pattern else ""
        if feed_path and leaves_output(feed_path):
            problems.append(
                Problem(
                    self._source(content),
                    1,
                    f"its feed would be written outside the output folder ({feed_path}); its "
                    "Slug: (or DATELINE_STORY_FEED_PATH) must not hold '..' or a leading '/'",
                )
            )
            feed_path = ""
        content.dateline = replace(
            record, json_ld=json_ld(content, record, self.settings, kind), feed_path=feed_path
        )
        if visible:
            # What themes and Pelican's feeds show as "updated"; without
            # entries, Pelican's own ``Modified:`` (or nothing) stays.
            content.modified = record.updated
            content.locale_modified = record.updated.strftime(content.date_format)
        return problems

    def _check_histories(
        self, stories: list[Any], written: list[Any], now: datetime
    ) -> list[Problem]:
        """Keep scheduled entries out of every version; refuse uncommitted text if asked."""
        if self.settings["DATELINE_ALLOW_SCHEDULED"]:
            for story in stories:
                history = story.dateline.history if story.dateline else None
                if history is not None:
                    hold_back_in_history(history, now)
        if not self.settings["DATELINE_REQUIRE_COMMITTED"]:
            return []
        return [
            Problem(
                self._source(content),
                1,
                "has changes that are not committed; commit them first, so that "
                "every text readers see is a version on the record",
            )
            for content in written
            if content.source_path in self.history.unsaved
        ]

    def _redaction_problems(self, content: Any, now: datetime) -> list[Problem]:
        """A redaction takes words out at once, so it cannot wait for its date; and it
        must take out words that were there: in this text or an earlier version."""
        removals, unmatched = content.metadata.get(REMOVALS, ((), ()))
        if not removals:
            return []
        problems = [
            Problem(
                self._source(content),
                entry.line,
                f"redaction {entry.anchor} is dated in the future; a redaction takes the words "
                "out at the next build, so date it today",
            )
            for entry in content.metadata.get(ENTRIES, [])
            if entry.kind == REDACTION and entry.instant > now.astimezone(UTC)
        ]
        history = content.dateline.history if content.dateline else None
        store = self.history.store
        texts = (
            [
                without_fields(store.text(version.blob))
                for version in history.versions
                if not version.unsaved
            ]
            if history is not None and store is not None and unmatched
            else []
        )
        problems += [
            Problem(
                self._source(content),
                removal.line,
                f"the words of a Removed: line of {removal.anchor} are nowhere in this story "
                "or in any earlier version of it; copy them exactly as they were published",
            )
            for removal, phrase in unmatched
            if not any(takes_out(text, phrase) for text in texts)
        ]
        return problems + self._in_addresses(content, removals)

    def _in_addresses(self, content: Any, removals: list[Any]) -> list[Problem]:
        """Words a redaction takes out must not stand where no marker can: the story's
        address (its Slug:, its file's name or folder) or its category (a folder)."""
        subs = self.settings.get("SLUG_REGEX_SUBSTITUTIONS", ())
        category = getattr(content, "category", None)
        places = [content.url, str(getattr(category, "name", "")), content.relative_source_path]
        slugs = "".join(f"-{'-'.join(_WORDS.findall(place.lower()))}-" for place in places)
        return [
            Problem(
                self._source(content),
                removal.line,
                f"the words of a Removed: line of {removal.anchor} are in this story's address "
                "or its category (its Slug:, or its file's name or folder): give it a Slug: "
                "without them, or move the file, before the words can leave the record",
            )
            for removal in removals
            for phrase in removal.phrases
            if (
                slugify(phrase, regex_subs=subs)
                and f"-{slugify(phrase, regex_subs=subs)}-" in slugs
            )
            or any(takes_out(place, phrase) for place in places)
        ]

    def _source(self, content: Any) -> str:
        return display_path(content.source_path, site_root(self.settings))

    def _write(
        self,
        writer: Any,
        relative: str,
        text: Callable[[], str | Iterable[str]],
        inputs: Callable[[], Any] | None = None,
    ) -> None:
        """Write ``text()`` (a string, or its pieces) at ``relative``; with ``inputs``, a
        writer that reuses the last build's file while they are unchanged need not make
        the text at all."""

        def write() -> None:
            made = text()
            with self._open(writer, relative) as out:
                if isinstance(made, str):
                    out.write(made)
                else:
                    out.writelines(made)

        if inputs is not None and hasattr(writer, "write_own"):
            writer.write_own(relative, inputs, write)
        else:
            write()

    def _open(self, writer: Any, relative: str) -> Any:
        """A file of ours in the output folder, opened by Pelican's writer.

        ``relative`` cannot leave the folder, and the writer refuses to
        overwrite a file another generator or plugin wrote in this build.
        """
        path = sanitised_join(self.output_path, relative)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return writer._open_w(path, "utf-8")


def _declared_modified(content: Any, zone: ZoneInfo) -> datetime | None:
    declared = content.metadata.get("modified")
    if not isinstance(declared, datetime):
        return None
    return declared if declared.tzinfo else declared.replace(tzinfo=zone)


def _text_of(feed: Callable[[], Any]) -> Callable[[], str]:
    """A feedgenerator feed's text, as its ``write`` would put it in a file."""

    def text() -> str:
        out = io.StringIO()
        feed().write(out, "utf-8")
        return out.getvalue()

    return text
