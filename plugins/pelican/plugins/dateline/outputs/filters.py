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

from ..settings import setting
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


FILTERS: dict[str, Callable[..., str]] = {
    "plain": plain,
    "title_markup": title_markup,  # a title as typed (an older version's) -> as Pelican keeps it
    "isotime": isotime,
    "readable_date": readable_date,
    "readable_datetime": readable_datetime,
}
