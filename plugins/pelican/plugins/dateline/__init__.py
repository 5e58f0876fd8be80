"""Dateline: dated, typed entries for updatable explainers, as a Pelican plugin.

``PLUGINS = ["dateline"]`` (installed with pip, nothing else to set). The
pipeline, one package a step:

* ``entries`` — find ``:::`` blocks in the source, with their lines, render
  them in place and keep them in Pelican's cached reader metadata;
* ``model`` — check them against ``Date:`` and the clock: each story's
  ``Record`` (``content.dateline``);
* ``history`` — every published version from git, and the append-only rule;
* ``outputs`` — the updates log, feeds, sitemap, JSON-LD, history pages and
  Dateline's parts on story pages of any theme;
* ``incremental`` — unchanged pages linked from the last build.

``settings`` holds every ``DATELINE_*`` setting; ``problems`` and
``refusal`` make every refusal a list of ``file:line: message`` lines.
"""

from __future__ import annotations

import os
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader
from pelican import signals
from pelican.readers import MarkdownReader, RstReader
from pelican.utils import clean_output_dir

from . import refusal
from .entries.markdown_ext import EXTENSION
from .entries.reader import DatelineMarkdownReader, finish_content
from .entries.rst import DatelineRstReader
from .guard import output_problems
from .incremental.writer import save_record
from .outputs.filters import FILTERS
from .outputs.generator import DatelineGenerator
from .outputs.inject import TEMPLATES
from .outputs.writer import DatelineWriter
from .problems import BuildRefused, Problem
from .settings import apply_defaults, settings_problems

__all__ = ["BuildRefused", "register"]

HIDDEN = ".*"
_DRAFTS_SAVE_AS = (
    "DRAFT_SAVE_AS",
    "DRAFT_LANG_SAVE_AS",
    "DRAFT_PAGE_SAVE_AS",
    "DRAFT_PAGE_LANG_SAVE_AS",
)


def configure(pelican: Any) -> None:
    """``initialized``: check the settings and the output folder; wire everything up.

    A wrong ``DATELINE_*`` value, or an output folder a build must not
    replace, refuses the build here, before anything is read or written.
    ``DELETE_OUTPUT_DIRECTORY`` is postponed until the content has been read
    and checked (``delete_output``), so a refused build leaves the last good
    site in place.
    """
    refusal.report_refusals()
    problems = output_problems(pelican.output_path, pelican.settings)
    prepare(pelican.settings, problems)
    if getattr(pelican, "delete_outputdir", False):
        pelican.delete_outputdir = False
        pelican.dateline_delete_output = True


def prepare(settings: dict[str, Any], problems: list[Problem] | None = None) -> None:
    """Check ``settings`` and complete them as a build uses them: defaults, the
    Markdown extension, Jinja filters, pagination, drafts. Raises BuildRefused.

    The editor tools read a file with the settings prepared the same way.
    """
    problems = [*(problems or []), *settings_problems(settings)]
    if problems:
        raise BuildRefused(problems)
    apply_defaults(settings)
    markdown = dict(settings["MARKDOWN"])
    configs = dict(markdown.get("extension_configs", {}))
    configs[EXTENSION] = {
        "kinds": settings["DATELINE_KINDS"],
        "timezone": settings.get("TIMEZONE") or "UTC",
        "date_format": settings["DATELINE_DATE_FORMAT"],
        "datetime_format": settings["DATELINE_DATETIME_FORMAT"],
        "summary_length": settings["DATELINE_SUMMARY_LENGTH"],
        "align_classes": bool(settings["DATELINE_CSP"]),
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
    # Hidden files and folders (an editor's lock file .#story.md, .draft.md) are
    # not content. Pelican matches IGNORE_FILES against bare names, where its
    # own default "**/.*" never matches: ".*" does what that default means.
    if HIDDEN not in settings["IGNORE_FILES"]:
        settings["IGNORE_FILES"] = [*settings["IGNORE_FILES"], HIDDEN]


_RUNNING: list[Any] = []  # the Pelican object of the run under way


def delete_output(generators: Any) -> None:
    """``all_generators_finalized``: Pelican's DELETE_OUTPUT_DIRECTORY, now the build is good."""
    pelican = _RUNNING.pop() if _RUNNING else None
    if pelican is None or not getattr(pelican, "dateline_delete_output", False):
        return
    output, content = (os.path.realpath(p) for p in (pelican.output_path, pelican.path))
    if os.path.commonpath([output]) != os.path.commonpath([output, content]):
        clean_output_dir(pelican.output_path, pelican.output_retention)


def use_reader(readers: Any) -> None:
    """``readers_init``: Markdown and reST, read with their entries."""
    for extension in MarkdownReader.file_extensions:
        readers.reader_classes[extension] = DatelineMarkdownReader
    for extension in RstReader.file_extensions:
        readers.reader_classes[extension] = DatelineRstReader


def add_templates(generator: Any) -> None:
    """``generator_init``: Dateline's templates, after the theme's (``dateline/…``)."""
    generator.env.loader = ChoiceLoader([generator.env.loader, FileSystemLoader(TEMPLATES)])


def add_generator(pelican: Any) -> type[DatelineGenerator]:
    """``get_generators``, at the start of every run (``--autoreload`` runs many)."""
    refusal.listen_while_reading(pelican.settings)
    _RUNNING[:] = [pelican]
    return DatelineGenerator


def writer_class(pelican: Any) -> type[DatelineWriter]:
    return DatelineWriter


def register() -> None:
    signals.initialized.connect(configure)
    signals.readers_init.connect(use_reader)
    signals.generator_init.connect(add_templates)
    signals.content_object_init.connect(finish_content)  # after typogrify
    signals.get_generators.connect(add_generator)
    signals.get_writer.connect(writer_class)
    signals.all_generators_finalized.connect(delete_output)
    signals.finalized.connect(save_record)
