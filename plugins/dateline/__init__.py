"""Dateline: dated, typed entries for updatable explainers, as a Pelican plugin.

The pipeline, one module a step:

* ``scan`` / ``syntax`` — find ``:::`` blocks in the source, with line numbers;
* ``markdown_ext`` / ``reader`` — render them in place and keep them, as
  ``Entry`` objects (``model``), in the cached reader metadata;
* ``generator`` — check them against ``Date:`` and the clock, attach each
  article's ``Revisions`` model, refuse the build on any problem;
* ``jsonld``, ``log``, ``feed``, ``sitemap`` — what readers and machines get.
"""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.readers import MarkdownReader

from . import reuse
from .filters import FILTERS
from .generator import BuildRefused, DatelineGenerator
from .markdown_ext import EXTENSION
from .reader import DatelineMarkdownReader, dress_content
from .settings import apply_defaults

__all__ = ["BuildRefused", "register"]

_DRAFTS_SAVE_AS = (
    "DRAFT_SAVE_AS",
    "DRAFT_LANG_SAVE_AS",
    "DRAFT_PAGE_SAVE_AS",
    "DRAFT_PAGE_LANG_SAVE_AS",
)


def configure(pelican: Any) -> None:
    """Fill in DATELINE_* defaults; add the Markdown extension and Jinja filters."""
    settings = pelican.settings
    apply_defaults(settings)
    markdown = dict(settings["MARKDOWN"])
    configs = dict(markdown.get("extension_configs", {}))
    configs[EXTENSION] = {
        "kinds": settings["DATELINE_KINDS"],
        "timezone": settings.get("TIMEZONE") or "UTC",
        "date_format": settings["DATELINE_DATE_FORMAT"],
        "datetime_format": settings["DATELINE_DATETIME_FORMAT"],
        "summary_length": settings["DATELINE_SUMMARY_LENGTH"],
    }
    markdown["extension_configs"] = configs
    markdown["extensions"] = [*markdown.get("extensions", []), EXTENSION]
    settings["MARKDOWN"] = markdown
    settings["JINJA_FILTERS"] = {**FILTERS, **settings.get("JINJA_FILTERS", {})}
    if settings["DATELINE_UPDATES_PER_PAGE"]:  # paginated by Pelican, like the index
        per_page = settings["DATELINE_UPDATES_PER_PAGE"]
        settings["PAGINATED_TEMPLATES"] = {**settings["PAGINATED_TEMPLATES"], "updates": per_page}
    if not settings["DATELINE_WRITE_DRAFTS"]:
        for name in _DRAFTS_SAVE_AS:  # Pelican writes nothing whose save_as is ""
            settings[name] = ""


def use_reader(readers: Any) -> None:
    for extension in MarkdownReader.file_extensions:
        readers.reader_classes[extension] = DatelineMarkdownReader


def add_generator(pelican: Any) -> type[DatelineGenerator]:
    return DatelineGenerator


def register() -> None:
    signals.initialized.connect(configure)
    signals.readers_init.connect(use_reader)
    signals.content_object_init.connect(dress_content)  # after typogrify
    signals.get_generators.connect(add_generator)
    signals.get_writer.connect(reuse.writer_class)  # unchanged pages come from the last build
    signals.finalized.connect(reuse.save_record)
