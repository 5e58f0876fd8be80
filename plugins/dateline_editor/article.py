"""Read one article with the real Dateline reader, and check it like a build.

Tools that change a file (``entry``, ``migrate``) check the article before
and after, without building the whole site: the same Markdown extension, the
same scanner and the same ``check_entries`` rules as ``generator.py``, run on
one file. What passes here is what the build accepts for that file.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pelican.plugins.dateline import prepare
from pelican.plugins.dateline.entries.reader import ENTRIES, PROBLEMS, DatelineMarkdownReader
from pelican.plugins.dateline.entries.rst import DatelineRstReader
from pelican.plugins.dateline.model import Entry, check_entries
from pelican.plugins.dateline.problems import Problem, SourceError

from .project import Project


@dataclass
class ArticleReading:
    """What the build would see in one Markdown file."""

    path: Path
    published: datetime | None  # ``Date:``, aware, in the site's zone when naive
    entries: list[Entry]  # in document order
    problems: list[Problem]  # everything the build would refuse, by line


def reader_settings(project: Project) -> dict[str, Any]:
    """The project's settings as the plugin configures them for a build."""
    settings = dict(project.settings)
    prepare(settings)
    return settings


def read_article(
    project: Project,
    path: Path,
    text: str | None = None,
    now: datetime | None = None,
) -> ArticleReading:
    """Read ``path`` (or ``text`` as if it were that file) and check its entries.

    ``now`` is the build time the checks assume (default: now).
    """
    if text is None:
        content_meta = _read(project, path)
    else:
        with tempfile.TemporaryDirectory(prefix="dateline-check-") as folder:
            candidate = Path(folder) / path.name
            candidate.write_text(text, encoding="utf-8")
            content_meta = _read(project, candidate)
    where = project.display(path)
    if isinstance(content_meta, list):  # the file cannot be read: every reason
        return ArticleReading(path, None, [], [problem.at(where) for problem in content_meta])
    metadata = content_meta
    entries: list[Entry] = list(metadata.get(ENTRIES, []))
    problems = [problem.at(where) for problem in metadata.get(PROBLEMS, [])]
    published = metadata.get("date")
    if isinstance(published, datetime) and published.tzinfo is None:
        published = published.replace(tzinfo=project.zone)
    if not isinstance(published, datetime):
        published = None
        if metadata.get("status") not in ("draft", "hidden"):
            problems.append(Problem(where, 1, "the article has no Date: line; add one"))
    else:
        _, late = check_entries(
            entries,
            published,
            (now or datetime.now(project.zone)),
            bool(project.setting("DATELINE_ALLOW_SCHEDULED")),
        )
        problems.extend(problem.at(where) for problem in late)
    problems.sort(key=lambda problem: problem.line)
    return ArticleReading(path, published, entries, problems)


def _read(project: Project, path: Path) -> dict[str, Any] | list[Problem]:
    reader_class = DatelineRstReader if path.suffix == ".rst" else DatelineMarkdownReader
    reader = reader_class(reader_settings(project))
    try:
        _, metadata = reader.read(str(path))
    except SourceError as error:  # a byte that is not UTF-8, a bad Date: … at their lines
        return error.problems
    except Exception as error:  # what Pelican would log and skip
        return [Problem("", 1, f"Pelican cannot read this file: {error}")]
    return metadata
