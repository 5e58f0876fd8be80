"""Every ``DATELINE_*`` setting: its default, the check of its value, its doc.

One registry, read three ways: ``apply_settings`` fills in defaults and
refuses a wrong value naming the setting and what it accepts (before
anything is read or written); the build reads values with ``settings[NAME]``;
``docs/settings.md`` lists exactly these names and defaults (a test says so).
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .problems import Problem

# A check returns None for a good value, else what the setting accepts.
Check = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    check: Check
    doc: str
    group: str


# Fields every article and page offers to ``*_URL``/``*_SAVE_AS`` patterns,
# as in Pelican's ARTICLE_URL ({date:%Y} formats the date).
# {base}: the story's own address without its file name (``pelican/page.html``
# -> ``pelican/page/``, ``story/`` -> ``story/``), so history pages sit beside
# each story, translations and pages included.
CONTENT_FIELDS = frozenset({"base", "slug", "lang", "date", "author", "category", "path"})


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "True or False"


def _count(minimum: int) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
            return None
        return f"a whole number, {minimum} or more"

    return check


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "text in quotes"


def _optional_text(value: Any) -> str | None:
    return None if value is None or isinstance(value, str) else "text in quotes, or None"


def _one_of(*choices: Any) -> Check:
    def check(value: Any) -> str | None:
        shown = ", ".join(repr(choice) for choice in choices)
        return None if value in choices else f"one of {shown}"

    return check


def _kinds(value: Any) -> str | None:
    accepted = (
        'a dict of kind -> label, e.g. {"update": "Update"}; kinds are lower-case '
        "letters, digits and hyphens, starting with a letter"
    )
    if not isinstance(value, Mapping) or not value:
        return accepted
    for kind, label in value.items():
        if not (isinstance(kind, str) and is_kind(kind)) or not (
            isinstance(label, str) and label.strip()
        ):
            return accepted
    return None


_KIND = re.compile(r"[a-z][a-z0-9-]*")


def is_kind(text: str) -> bool:
    """A kind is an identifier: safe in a class name, an attribute and an anchor."""
    return _KIND.fullmatch(text) is not None


def _labels(value: Any) -> str | None:
    accepted = 'a dict of language -> {words: translation}, e.g. {"fr": {"Updated": "Mis à jour"}}'
    if not isinstance(value, Mapping):
        return accepted
    for lang, table in value.items():
        if not isinstance(lang, str) or not isinstance(table, Mapping):
            return accepted
        if not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in table.items()
        ):
            return accepted
    return None


def _kind_list(value: Any) -> str | None:
    if isinstance(value, (list, tuple)) and all(isinstance(kind, str) for kind in value):
        return None
    return 'a list of kinds, e.g. ["correction"]'


def _strftime(value: Any) -> str | None:
    return (
        None if isinstance(value, str) and value.strip() else 'a strftime format, e.g. "%-d %b %Y"'
    )


def path_pattern(fields: frozenset[str], may_be_empty: bool = True) -> Check:
    """A path inside the output folder: relative, no ``..``, known ``{fields}`` only."""

    def check(value: Any) -> str | None:
        known = ", ".join("{" + field + "}" for field in sorted(fields)) or "no {fields}"
        accepted = (
            "a relative path inside the output folder (no '..', not absolute)"
            + (f" using {known}" if fields else "")
            + (', or "" to leave it out' if may_be_empty else "")
        )
        if not isinstance(value, str):
            return accepted
        if not value:
            return None if may_be_empty else accepted
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError:
            return accepted
        if any(name.split(".")[0].split("[")[0] not in fields for name in names):
            return accepted
        literal = value.replace("{", "").replace("}", "")
        if (
            value.startswith(("/", "\\"))
            or os.path.isabs(literal)
            or ".." in posixpath.normpath(literal).split("/")
            or ".." in literal.replace("\\", "/").split("/")
        ):
            return accepted
        return None

    return check


def _feed_path(value: Any) -> str | None:
    return path_pattern(frozenset())(value)


_TAG_DATE = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


def _tag_date(value: Any) -> str | None:
    """RFC 4151's date: YYYY, YYYY-MM or YYYY-MM-DD."""
    ok = isinstance(value, str) and _TAG_DATE.fullmatch(value) is not None
    return None if ok else 'a date as "YYYY-MM-DD" (or "YYYY-MM", "YYYY")'


def _web_address(value: Any) -> str | None:
    ok = value is None or (isinstance(value, str) and value.startswith(("http://", "https://")))
    return None if ok else 'an address starting "https://" (or "http://"), or None'


_NO_FIELDS = frozenset[str]()
_LANG_FIELDS = frozenset({"lang"})
_HISTORY_FIELDS = CONTENT_FIELDS
_VERSION_FIELDS = CONTENT_FIELDS | {"version"}

# fmt: off
REGISTRY: tuple[Setting, ...] = (
    # --- entries -------------------------------------------------------------
    Setting("DATELINE_KINDS", {
        "update": "Update",
        "correction": "Correction",
        "clarification": "Clarification",
        "note": "Note",
        "editors-note": "Editor’s note",
        "redaction": "Removal",
    }, _kinds, "the kinds editors may type, each with the label readers see; `redaction` "
       "takes words off the record (docs/writing.md)", "entries"),
    Setting("DATELINE_LABELS", {}, _labels,
            'the words readers see, per language: {"fr": {"Published": "Publié", '
            '"correction": "Correction", …}}; keys are the English words of the '
            "templates and the entry kinds (docs/themes.md lists them); missing ones "
            "stay as they are", "entries"),
    Setting("DATELINE_CORRECTION_KINDS", ["correction"], _kind_list,
            "kinds listed as schema.org `correction` in the JSON-LD", "entries"),
    Setting("DATELINE_DATE_FORMAT", "%-d %b %Y", _strftime,
            "how a date is shown to readers (strftime)", "entries"),
    Setting("DATELINE_DATETIME_FORMAT", "%-d %b %Y, %H:%M %Z", _strftime,
            "how a date with a time is shown to readers (strftime)", "entries"),
    Setting("DATELINE_ALLOW_SCHEDULED", False, _boolean,
            "accept entries dated in the future; each stays out of every output until "
            "the first build after its time", "entries"),
    Setting("DATELINE_SUMMARY_LENGTH", 160, _count(20),
            "longest first-sentence summary of an untitled entry in lists, in characters",
            "entries"),
    Setting("DATELINE_WRITE_DRAFTS", False, _boolean,
            "write `Status: draft` articles and pages (Pelican's `drafts/`) to preview them; "
            "off, a draft is in no file of the build (Pelican writes them: see "
            "docs/pelican.md)", "entries"),
    # --- pages and feeds Dateline adds ---------------------------------------
    Setting("DATELINE_UPDATES_URL", "updates/", path_pattern(_NO_FIELDS),
            "address of the site-wide log of entries", "outputs"),
    Setting("DATELINE_UPDATES_SAVE_AS", "updates/index.html", path_pattern(_NO_FIELDS),
            'where that log is written ("" leaves it out)', "outputs"),
    Setting("DATELINE_UPDATES_LANG_URL", "{lang}/updates/", path_pattern(_LANG_FIELDS),
            "address of the updates log of one language, on a site with translations",
            "outputs"),
    Setting("DATELINE_UPDATES_LANG_SAVE_AS", "{lang}/updates/index.html",
            path_pattern(_LANG_FIELDS),
            'where each language\'s updates log is written ("" leaves them out)', "outputs"),
    Setting("DATELINE_UPDATES_PAGES", True, _boolean,
            "list the entries of pages (not only of articles) in the updates log and feed",
            "outputs"),
    Setting("DATELINE_UPDATES_PER_PAGE", 100, _count(0),
            "entries per updates page, newest first; further pages follow Pelican's "
            "PAGINATION_PATTERNS (`updates/index2.html`…); 0: every entry on one page",
            "outputs"),
    Setting("DATELINE_FEED_PATH", "feeds/updates.atom.xml", _feed_path,
            'the Atom feed of entries ("" leaves it out)', "outputs"),
    Setting("DATELINE_FEED_MAX_ITEMS", 100, _count(1),
            "newest entries in that feed", "outputs"),
    Setting("DATELINE_SITEMAP_PATH", "sitemap.xml", _feed_path,
            'a sitemap whose `lastmod` is each page\'s updated time ("" leaves it out)',
            "outputs"),
    Setting("DATELINE_STORY_FEED_PATH", "{base}updates.atom.xml", path_pattern(CONTENT_FIELDS),
            "the Atom feed of one story's entries, beside it (fields as in "
            'DATELINE_HISTORY_URL; "" leaves them out)', "outputs"),
    Setting("DATELINE_UPDATES_JSON_PATH", "updates/index.json", _feed_path,
            'the updates log as JSON (docs/record-formats.md; "" leaves it out)', "outputs"),
    Setting("DATELINE_ID_AUTHORITY", "", _text,
            "the fixed part of feed entry ids (`tag:AUTHORITY,DATE:/URL#ANCHOR`, RFC 4151); "
            'set it once and never change it; "" uses the host of SITEURL', "outputs"),
    Setting("DATELINE_ID_DATE", "2000-01-01", _tag_date,
            "the date in each feed's own id (`tag:AUTHORITY,DATE:/FEED`): a day the newsroom "
            "held the authority (RFC 4151); set it once and never change it", "outputs"),
    Setting("DATELINE_PELICAN_FEEDS", True, _boolean,
            "give Pelican's own feeds an id each, entry ids from DATELINE_ID_AUTHORITY, "
            "absolute links and `xml:lang` (docs/pelican.md)", "outputs"),
    Setting("DATELINE_WEBSUB_HUB", None, _web_address,
            'a WebSub hub, e.g. "https://pubsubhubbub.appspot.com/": entry feeds name it '
            "(`rel=\"hub\"`) and `publish` tells it which feeds changed", "outputs"),
    Setting("DATELINE_PUBLISHER_LOGO", "", _text,
            "the newsroom's logo for JSON-LD `publisher.logo`: an address, or a path from "
            'the site\'s root ("" leaves it out)', "outputs"),
    Setting("DATELINE_ROBOTS_PATH", "robots.txt", _feed_path,
            "a robots.txt naming the sitemap, written only when the site has no robots.txt "
            'of its own ("" leaves it out)', "outputs"),
    Setting("DATELINE_INJECT", True, _boolean,
            "add the dateline, revision history, JSON-LD and stylesheet to article and page "
            "pages of a theme that does not include Dateline's parts itself", "outputs"),
    Setting("DATELINE_STYLESHEET_SAVE_AS", "dateline/dateline.css", path_pattern(_NO_FIELDS),
            "where the stylesheet for Dateline's parts is written, for themes that do not "
            'style them ("" leaves it out, and no page links it)', "outputs"),
    # --- history from git ----------------------------------------------------
    Setting("DATELINE_HISTORY", True, _boolean,
            "read versions from git when the content is in a repository", "history"),
    Setting("DATELINE_HISTORY_URL", "{base}history/", path_pattern(_HISTORY_FIELDS, False),
            "address of each story's history page (`{base}`: the story's address without "
            "its file name; or fields as in ARTICLE_URL)", "history"),
    Setting("DATELINE_HISTORY_SAVE_AS", "{base}history/index.html",
            path_pattern(_HISTORY_FIELDS),
            'where each history page is written ("" leaves them out)', "history"),
    Setting("DATELINE_VERSION_URL", "{base}history/{version}/",
            path_pattern(_VERSION_FIELDS, False),
            "address of a page for each older version (`{version}`: its short commit id)",
            "history"),
    Setting("DATELINE_VERSION_SAVE_AS", "{base}history/{version}/index.html",
            path_pattern(_VERSION_FIELDS),
            'where each older version is written ("" leaves them out)', "history"),
    Setting("DATELINE_HISTORY_JSON_PATH", "{base}history/index.json",
            path_pattern(_HISTORY_FIELDS),
            'each story\'s versions as JSON (docs/record-formats.md; "" leaves them out)',
            "history"),
    Setting("DATELINE_TIMEMAP_PATH", "{base}history/timemap.link", path_pattern(_HISTORY_FIELDS),
            "each story's Memento TimeMap (RFC 7089, `application/link-format`; "
            '"" leaves them out)', "history"),
    Setting("DATELINE_HEADERS_PATH", "", _feed_path,
            "a headers file for hosts that read one (`_headers` on Netlify and Cloudflare "
            "Pages): `Memento-Datetime` and `Link` for each version page, the TimeMap's "
            'type ("" writes none; docs/record-formats.md)', "history"),
    Setting("DATELINE_HISTORY_CACHE", True, _boolean,
            "keep each committed version's entries, HTML and diff in CACHE_PATH, by git blob "
            "id, so a build renders only versions it has not seen", "history"),
    Setting("DATELINE_STRICT_HISTORY", True, _boolean,
            "refuse the build when a committed entry was changed or removed without "
            "`Amends:`/`Retracts:` (off: a warning)", "history"),
    Setting("DATELINE_SILENT_EDIT_WORDS", 20, _count(1),
            "words a version may change without adding an entry before it is flagged",
            "history"),
    Setting("DATELINE_REQUIRE_COMMITTED", False, _boolean,
            "refuse the build when an article in a git repository has uncommitted changes",
            "history"),
    # --- incremental builds --------------------------------------------------
    Setting("DATELINE_REUSE_OUTPUT", True, _boolean,
            "with Pelican's content cache on, hard-link each page whose inputs did not change "
            "from the last build instead of rendering it again", "incremental"),
    Setting("DATELINE_REUSE_FROM", None, _optional_text,
            "the folder whose pages an incremental build may reuse (None: OUTPUT_PATH); "
            "`dateline build` sets it, as it builds into a fresh folder", "incremental"),
    Setting("DATELINE_TRACK_READS", False, _boolean,
            "note which stories each page reads as it renders, so that a live session "
            "re-renders only those pages after an edit; `dateline livereload` sets it",
            "incremental"),
    # --- the Dateline theme --------------------------------------------------
    Setting("DATELINE_SITE_DESCRIPTION", "", _text,
            "the meta description of pages that are not stories (read by the Dateline theme)",
            "theme"),
    Setting("DATELINE_CSP", "", _text,
            "a Content-Security-Policy for the Dateline theme's `<meta>` tag; when set, "
            "aligned table cells get classes instead of the inline styles it would block",
            "theme"),
    # --- publishing (read by `dateline publish` / `invoke publish`) ----------
    Setting("DATELINE_DEPLOY_TARGET", None, _one_of(None, "rsync", "github-pages", "s3"),
            '"rsync", "github-pages" or "s3"; None: publish asks for --target', "deploy"),
    Setting("DATELINE_DEPLOY_RSYNC_DEST", None, _optional_text,
            '"user@host:/var/www/site/" (over SSH) or a local folder', "deploy"),
    Setting("DATELINE_DEPLOY_RSYNC_SSH", None, _optional_text,
            'the remote shell, e.g. "ssh -p 2222 -i ~/.ssh/deploy"', "deploy"),
    Setting("DATELINE_DEPLOY_GITHUB_REMOTE", "origin", _text,
            "git remote GitHub Pages is pushed to", "deploy"),
    Setting("DATELINE_DEPLOY_GITHUB_BRANCH", "gh-pages", _text,
            "branch that holds the site", "deploy"),
    Setting("DATELINE_DEPLOY_GITHUB_PUSH", True, _boolean,
            "push after committing (False: commit locally only)", "deploy"),
    Setting("DATELINE_DEPLOY_GITHUB_CNAME", None, _optional_text,
            "custom domain, written to the branch as CNAME", "deploy"),
    Setting("DATELINE_DEPLOY_S3_BUCKET", None, _optional_text, "S3 bucket name", "deploy"),
    Setting("DATELINE_DEPLOY_S3_PREFIX", "", _text,
            'key prefix, e.g. "news" ("": the bucket\'s root)', "deploy"),
    Setting("DATELINE_DEPLOY_S3_ENDPOINT_URL", None, _optional_text,
            "any S3-compatible service: MinIO, R2, Spaces… (None: AWS)", "deploy"),
    Setting("DATELINE_DEPLOY_S3_REGION", None, _optional_text, "S3 region", "deploy"),
)
# fmt: on

SETTINGS: dict[str, Setting] = {setting.name: setting for setting in REGISTRY}
DEFAULTS: dict[str, Any] = {setting.name: setting.default for setting in REGISTRY}


# Settings that are gone, and why (a site upgrading gets the reason, not a guess).
RETIRED = {
    "DATELINE_RECORD_SAVE_AS": "the record of published entries is always "
    "dateline/record.json, so that no settings file can publish around it; remove the line",
}


def setting(settings: Mapping[str, Any], name: str) -> Any:
    """The site's value for ``name``, or Dateline's default."""
    return settings.get(name, DEFAULTS[name])


def settings_problems(settings: Mapping[str, Any]) -> list[Problem]:
    """One problem per wrong or unknown ``DATELINE_*`` value (and a wrong TIMEZONE,
    which every time Dateline shows depends on)."""
    problems = []
    zone = settings.get("TIMEZONE")
    if zone is not None and not _is_zone(zone):
        problems.append(
            Problem(
                "",
                0,
                f"TIMEZONE = {zone!r} is refused; it accepts a time zone name such as "
                "'America/New_York', 'Europe/London' or 'UTC'",
            )
        )
    for name in sorted(key for key in settings if key.startswith("DATELINE_")):
        known = SETTINGS.get(name)
        if name in RETIRED:
            problems.append(
                Problem("", 0, f"{name} is no longer a Dateline setting: {RETIRED[name]}")
            )
            continue
        if known is None:
            close = difflib.get_close_matches(name, SETTINGS, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            problems.append(Problem("", 0, f"{name} is not a Dateline setting{hint}"))
            continue
        accepted = known.check(settings[name])
        if accepted is not None:
            problems.append(
                Problem("", 0, f"{name} = {settings[name]!r} is refused; it accepts {accepted}")
            )
    return problems


def _is_zone(name: Any) -> bool:
    if not isinstance(name, str) or not name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def apply_defaults(settings: dict[str, Any]) -> None:
    """Fill in every missing ``DATELINE_*`` setting (so templates can read them)."""
    for name, value in DEFAULTS.items():
        settings.setdefault(name, value)


def site_origin(settings: Mapping[str, Any]) -> str:
    """The absolute address of the site, for feeds, sitemaps and structured data.

    SITEURL when it is absolute; else FEED_DOMAIN (in development the local
    server); else "" and links stay site-relative.
    """
    for name in ("SITEURL", "FEED_DOMAIN"):
        value = settings.get(name) or ""
        if value.startswith(("http://", "https://")):
            return value.rstrip("/")
    return ""
