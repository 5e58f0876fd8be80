"""The writer of a Dateline build: Pelican's, with three additions.

Story pages get the Dateline parts their theme lacks (``inject``); with
the content cache on, a page whose inputs did not change is linked from the
last build instead of being rendered again (``incremental``); Pelican's own
feeds get stable ids and absolute links (``pelican_feeds``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..incremental.reads import NOTES
from ..incremental.writer import ReusingWriter
from .inject import InjectingTemplate, environment
from .pelican_feeds import StableFeeds
from .updates import LOG_READ, LogItem

NOTES.markers[LogItem] = LOG_READ


class DatelineWriter(StableFeeds, ReusingWriter):
    # A page that reads the updates log at all depends on every line of it.
    also_read: ClassVar[dict[str, str]] = {"updates_log": LOG_READ}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.tracking:
            NOTES.watch(environment())  # the parts added to a theme's story pages

    def write_file(
        self, name: Any, template: Any, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        if self.settings.get("DATELINE_INJECT", True):
            template = InjectingTemplate(template)
        return super().write_file(name, template, context, *args, **kwargs)
