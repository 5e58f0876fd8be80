"""Dateline's settings: every ``DATELINE_*`` name, its default, and one reader.

Defaults live here so that ``pelicanconf.py`` only states what a site changes.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # Entry kinds editors may type, mapped to the label readers see.
    "DATELINE_KINDS": {
        "update": "Update",
        "correction": "Correction",
        "clarification": "Clarification",
        "note": "Note",
        "editors-note": "Editor’s note",
    },
    # Kinds that schema.org calls corrections (JSON-LD ``correction``).
    "DATELINE_CORRECTION_KINDS": ["correction"],
    # strftime formats for times shown to readers, in the site's TIMEZONE.
    "DATELINE_DATE_FORMAT": "%-d %b %Y",
    "DATELINE_DATETIME_FORMAT": "%-d %b %Y, %H:%M %Z",
    # Allow entries dated in the future; they stay out of every output until due.
    "DATELINE_ALLOW_SCHEDULED": False,
    # Site-wide log of entries, and its Atom feed.
    "DATELINE_UPDATES_URL": "updates/",
    "DATELINE_UPDATES_SAVE_AS": "updates/index.html",
    # Entries per updates page, newest first; older ones on further pages
    # (Pelican's PAGINATION_PATTERNS: updates/index2.html…). 0: one page.
    "DATELINE_UPDATES_PER_PAGE": 100,
    "DATELINE_FEED_PATH": "feeds/updates.atom.xml",
    "DATELINE_FEED_MAX_ITEMS": 100,
    # Sitemap with each article's updated time as lastmod ("" turns it off).
    "DATELINE_SITEMAP_PATH": "sitemap.xml",
    # Authority in feed entry ids (tag URIs, RFC 4151). Set it once and never
    # change it: ids then survive a move of SITEURL. Default: SITEURL's host.
    "DATELINE_ID_AUTHORITY": "",
    # Versions from git: a history page per explainer, a page per older version.
    "DATELINE_HISTORY": True,
    "DATELINE_HISTORY_URL": "{slug}/history/",
    "DATELINE_HISTORY_SAVE_AS": "{slug}/history/index.html",
    "DATELINE_VERSION_URL": "{slug}/history/{version}/",
    "DATELINE_VERSION_SAVE_AS": "{slug}/history/{version}/index.html",
    # Keep each committed version's entries, HTML and diff in CACHE_PATH, by
    # git blob id (they never change), so a build renders only new versions.
    "DATELINE_HISTORY_CACHE": True,
    # With Pelican's content cache on, hard-link each page whose inputs did not
    # change from the last build instead of rendering it again (reuse.py).
    "DATELINE_REUSE_OUTPUT": True,
    # Refuse the build when a committed entry was changed or removed silently
    # (off: a warning). On in publishconf.py, off in pelicanconf.py.
    "DATELINE_STRICT_HISTORY": True,
    # A version changing this many words without adding an entry is flagged.
    "DATELINE_SILENT_EDIT_WORDS": 20,
    # Longest first-sentence summary shown in history lists, in characters.
    "DATELINE_SUMMARY_LENGTH": 160,
    # Write Status: draft articles and pages (Pelican's drafts/ folder). Off, a
    # draft is in no file of the build; pelicanconf.py turns it on to preview.
    "DATELINE_WRITE_DRAFTS": False,
    # Refuse the build when an article has changes not committed to git, so
    # every published text is a version on the record (on in publishconf.py).
    "DATELINE_REQUIRE_COMMITTED": False,
    # Content-Security-Policy of every page, as a <meta> tag ("" leaves it out).
    # No script runs (JSON-LD is data, not script) and nothing is fetched from
    # another site; add a host here to embed its images, say.
    "DATELINE_CSP": (
        "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'none'"
    ),
}


def setting(settings: dict[str, Any], name: str) -> Any:
    """Return the site's value for ``name``, or Dateline's default."""
    return settings.get(name, DEFAULTS[name])


def site_origin(settings: dict[str, Any]) -> str:
    """The absolute address of the site, for feeds, sitemaps and structured data.

    SITEURL when it is absolute; else FEED_DOMAIN (in development the local
    server); else "" and links stay site-relative.
    """
    for name in ("SITEURL", "FEED_DOMAIN"):
        value = settings.get(name) or ""
        if value.startswith(("http://", "https://")):
            return value.rstrip("/")
    return ""


def apply_defaults(settings: dict[str, Any]) -> None:
    """Fill in every missing ``DATELINE_*`` setting (so templates can read them)."""
    for name, value in DEFAULTS.items():
        settings.setdefault(name, value)
