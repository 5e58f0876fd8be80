"""Dateline's parts on the story pages of a theme that knows nothing of Dateline.

Such a theme prints ``{{ article.content }}``: readers would get the entries
in place, but no dateline, no revision history and no JSON-LD. The writer
renders each story page as the theme says, then adds each part the page
lacks, rendered from the same partials a theme can include itself
(``templates/dateline/parts/``), in Dateline's own Jinja environment (so
they are escaped whatever the site's ``autoescape``):

* ``head.html`` (JSON-LD, ``hreflang`` links and ``og:image`` unless the
  theme has its own, the links to the story's record, stylesheet) before
  ``</head>``; on a history or version page (``dateline_page``), only this
  part, with that page's links to the record;
* ``dateline.html`` just before the story's content, ``revision_history.html``
  just after it; where the theme changed the content on the way (so it
  cannot be found in the page), both go at the end of ``<article>``,
  ``<main>`` or ``<body>``.

A part is lacking when no tag of the page outside the story's content
carries its hook (``data-dateline="…"``), so a theme that includes a partial
never shows it twice, and a story that merely mentions a hook (in its text,
or in raw HTML) cannot hide its own dateline. A page without ``</head>``
gets the head part before ``<body>`` (or after ``<html>``, or first). Only
pages of content with entries, and Dateline's own record pages, get parts:
elsewhere the page is exactly the theme's. ``DATELINE_INJECT = False`` turns it all off.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, Template

from .filters import FILTERS

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_PARTS = {  # hook -> partial
    "head": "dateline/parts/head.html",
    "dateline": "dateline/parts/dateline.html",
    "revision-history": "dateline/parts/revision_history.html",
}
# Pages of a story's record: only the head part (links to the rest of the record).
RECORD_PAGES = ("history", "version")
# Where the dateline and revision history go when the content is not found.
_STORY_ENDS = tuple(re.compile(rf"</{tag}\s*>", re.I) for tag in ("article", "main", "body"))
_HEAD_END = re.compile(r"</head\s*>", re.I)
_HREFLANG = re.compile(r"<link\s[^>]*\bhreflang\s*=", re.I)
_OG_IMAGE = re.compile(r"""<meta\s[^>]*\bproperty\s*=\s*["']?og:image\b""", re.I)
_BODY = re.compile(r"<body[\s>]", re.I)
_HTML = re.compile(r"<html(?:\s[^>]*)?>", re.I)


@cache
def environment() -> Environment:
    """Dateline's own templates, always escaped, with its filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


class InjectingTemplate:
    """A theme template whose story pages get the parts they lack.

    Everything but ``render`` is the theme's template (the incremental writer
    reads its name and environment).
    """

    def __init__(self, template: Template) -> None:
        self._template = template

    def __getattr__(self, name: str) -> Any:
        return getattr(self._template, name)

    def render(self, context: dict[str, Any]) -> str:
        page = self._template.render(context)
        story = story_of(context)
        return page if story is None else with_parts(page, story, context)


def story_of(context: dict[str, Any]) -> Any:
    """The article or page whose own page this is, if it has entries, or whose
    history or older version this page shows."""
    for name in ("article", "page"):
        story = context.get(name)
        dateline = getattr(story, "dateline", None)
        if dateline is None:
            continue
        if context.get("dateline_page") in RECORD_PAGES or (
            dateline.entries and getattr(story, "save_as", None) == context.get("output_file")
        ):
            return story
    return None


def with_parts(page: str, story: Any, context: dict[str, Any]) -> str:
    """``page`` with each of Dateline's parts it lacks (a history or version
    page: the head part only)."""
    record_page = context.get("dateline_page") in RECORD_PAGES
    content = "" if record_page else story.content or ""
    theirs = page.replace(content, "") if content else page
    hooks = ("head",) if record_page else tuple(_PARTS)
    missing = [hook for hook in hooks if not _has_hook(theirs, hook)]
    if not missing:
        return page
    context = {
        **context,
        # What the theme does itself: link translations, name an image.
        "dateline_theme_hreflang": _HREFLANG.search(theirs) is not None,
        "dateline_theme_og_image": _OG_IMAGE.search(theirs) is not None,
    }
    parts = {hook: environment().get_template(_PARTS[hook]).render(context) for hook in missing}
    head = parts.pop("head", "")
    if head.strip():
        page = _in_head(page, head)
    before, after = parts.get("dateline", ""), parts.get("revision-history", "")
    found = page.find(content) if content else -1
    if found >= 0:
        end = found + len(content)
        return page[:found] + before + "\n" + page[found:end] + "\n" + after + page[end:]
    if not (before or after):
        return page
    for end_tag in _STORY_ENDS:
        match = end_tag.search(page)
        if match is not None:
            return page[: match.start()] + before + "\n" + after + "\n" + page[match.start() :]
    return page + before + after


def _has_hook(page: str, hook: str) -> bool:
    """Whether a tag of ``page`` carries ``hook`` (the head part: or its stylesheet)."""
    names = "head|stylesheet" if hook == "head" else re.escape(hook)
    pattern = rf"""<[a-zA-Z][^<>]*\sdata-dateline\s*=\s*(["']?)(?:{names})\1[\s/>]"""
    return re.search(pattern, page) is not None


def _in_head(page: str, markup: str) -> str:
    """``markup`` before ``</head>``; failing that before ``<body>``, after ``<html>``, or first."""
    for anchor, after in ((_HEAD_END, False), (_BODY, False), (_HTML, True)):
        match = anchor.search(page)
        if match is not None:
            at = match.end() if after else match.start()
            return page[:at] + markup + "\n" + page[at:]
    return markup + "\n" + page
