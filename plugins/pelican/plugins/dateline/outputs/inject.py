"""Dateline's parts on the story pages of a theme that knows nothing of Dateline.

Such a theme prints ``{{ article.content }}``: readers would get the entries
in place, but no dateline, no revision history and no JSON-LD. The writer
renders each story page as the theme says, then adds each part the page
lacks, rendered from the same partials a theme can include itself
(``templates/dateline/parts/``), in Dateline's own Jinja environment (so
they are escaped whatever the site's ``autoescape``):

* ``head.html`` (JSON-LD, stylesheet) before ``</head>``;
* ``dateline.html`` just before the story's content, ``revision_history.html``
  just after it; where the theme changed the content on the way (so it
  cannot be found in the page), both go at the end of ``<article>``,
  ``<main>`` or ``<body>``.

A part is lacking when its hook (``data-dateline="…"``) is not in the page,
so a theme that includes a partial never shows it twice. Only pages of
content with entries get parts: elsewhere the page is exactly the theme's.
``DATELINE_INJECT = False`` turns it all off.
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
# Where the dateline and revision history go when the content is not found.
_STORY_ENDS = tuple(re.compile(rf"</{tag}\s*>", re.I) for tag in ("article", "main", "body"))
_HEAD_END = re.compile(r"</head\s*>", re.I)


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
    """The article or page whose own page this is, if it has entries."""
    for name in ("article", "page"):
        story = context.get(name)
        dateline = getattr(story, "dateline", None)
        if (
            dateline is not None
            and dateline.entries
            and getattr(story, "save_as", None) == context.get("output_file")
        ):
            return story
    return None


def with_parts(page: str, story: Any, context: dict[str, Any]) -> str:
    """``page`` with each of Dateline's parts it lacks."""
    missing = [hook for hook in _PARTS if f'data-dateline="{hook}"' not in page]
    if not missing:
        return page
    parts = {hook: environment().get_template(_PARTS[hook]).render(context) for hook in missing}
    if "head" in parts:
        page = _insert_before(page, _HEAD_END, parts.pop("head"))
    before, after = parts.get("dateline", ""), parts.get("revision-history", "")
    content = story.content
    found = page.find(content) if content else -1
    if found >= 0:
        end = found + len(content)
        return page[:found] + before + "\n" + page[found:end] + "\n" + after + page[end:]
    if not (before or after):
        return page
    for end_tag in _STORY_ENDS:
        if end_tag.search(page):
            return _insert_before(page, end_tag, before + "\n" + after)
    return page + before + after


def _insert_before(page: str, tag: re.Pattern[str], markup: str) -> str:
    """``markup`` before the first match of ``tag`` (``page`` as it was if none)."""
    match = tag.search(page)
    if match is None:
        return page
    return page[: match.start()] + markup + "\n" + page[match.start() :]
