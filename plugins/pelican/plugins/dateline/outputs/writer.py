"""The writer of a Dateline build: Pelican's, with two additions.

Story pages get the Dateline parts their theme lacks (``inject``), and, with
the content cache on, a page whose inputs did not change is linked from the
last build instead of being rendered again (``incremental``).
"""

from __future__ import annotations

from typing import Any

from ..incremental.writer import ReusingWriter
from .inject import InjectingTemplate


class DatelineWriter(ReusingWriter):
    def write_file(
        self, name: Any, template: Any, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        if self.settings.get("DATELINE_INJECT", True):
            template = InjectingTemplate(template)
        return super().write_file(name, template, context, *args, **kwargs)
