"""Jinja filters the theme uses for times and titles.

They are module-level functions reading the site's zone and formats from the
template context: Pelican's generator cache pickles the settings they live in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import pass_context

from ..addresses import on_origin
from ..settings import setting, site_origin
from ..text import plain, title_markup


def _local(context: Mapping[str, Any], moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(context.get("TIMEZONE") or "UTC"))


@pass_context
def isotime(context: Mapping[str, Any], moment: datetime) -> str:
    """ISO 8601 in the site's zone, with its explicit offset."""
    return _local(context, moment).isoformat()


@pass_context
def readable_date(context: Mapping[str, Any], moment: datetime) -> str:
    return _local(context, moment).strftime(setting(context, "DATELINE_DATE_FORMAT"))


@pass_context
def readable_datetime(context: Mapping[str, Any], moment: datetime) -> str:
    return _local(context, moment).strftime(setting(context, "DATELINE_DATETIME_FORMAT"))


@pass_context
def words(context: Mapping[str, Any], text: str, lang: str | None = None) -> str:
    """``text`` (the English words of a template) in ``lang``, from DATELINE_LABELS;
    as it is where that language has none. ``lang`` defaults to the site's."""
    language = lang or context.get("DEFAULT_LANG") or "en"
    return setting(context, "DATELINE_LABELS").get(language, {}).get(text, text)


def address(content: Any) -> str:
    """``content``'s absolute address, from its settings: with ``RELATIVE_URLS`` the
    template's ``SITEURL`` is relative, and an ``hreflang`` link must not be."""
    return f"{site_origin(content.settings)}/{content.url}"


def on_site(path: str, content: Any) -> str:
    """``path`` (an address, or a path from the site's root) made absolute."""
    return on_origin(path.strip(), site_origin(content.settings))


FILTERS: dict[str, Callable[..., str]] = {
    "words": words,
    "address": address,
    "on_site": on_site,
    "plain": plain,
    "title_markup": title_markup,  # a title as typed (an older version's) -> as Pelican keeps it
    "isotime": isotime,
    "readable_date": readable_date,
    "readable_datetime": readable_datetime,
}
