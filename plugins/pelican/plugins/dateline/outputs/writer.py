"""The writer of a Dateline build: Pelican's, with three additions.

Story pages get the Dateline parts their theme lacks (``inject``); with
the content cache on, a page whose inputs did not change is linked from the
last build instead of being rendered again (``incremental``); Pelican's own
feeds get stable ids and absolute links (``pelican_feeds``).
"""

from __future__ import annotations

from typing import Any

from ..incremental.writer import ReusingWriter
from .inject import InjectingTemplate
from .pelican_feeds import StableFeeds


class DatelineWriter(StableFeeds, ReusingWriter):
    def write_file(
        self, name: Any, template: Any, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        if self.settings.get("DATELINE_INJECT", True):
            template = InjectingTemplate(template)
        return super().write_file(name, template, context, *args, **kwargs)
