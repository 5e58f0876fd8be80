"""``invoke new``: start an explainer with a complete header and today's Date:.

Editors should not hand-type a timestamp or guess a slug: the date is this
minute in the site's TIMEZONE, and the slug is the one Pelican would make,
checked against every slug already on the site so two stories never share a URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pelican.plugins.dateline.entries.header import read_header

from .atomic import create_new
from .errors import ToolError
from .project import Project


@dataclass(frozen=True)
class NewArticle:
    """What an editor asked for; empty strings mean "not given"."""

    title: str
    category: str = ""
    tags: str = ""
    slug: str = ""
    summary: str = ""
    authors: str = ""


def create_article(project: Project, request: NewArticle, now: datetime | None = None) -> Path:
    """Write ``content/SLUG.md`` and return its path; refuse to overwrite anything."""
    title = _one_line("title", request.title)
    if not title:
        raise ToolError('the title is empty; write it in quotes: invoke new "What the vote means"')
    slug = _slug(project, title, _one_line("--slug", request.slug))
    path = project.content / f"{slug}.md"
    if path.exists():
        raise ToolError(f"{project.display(path)}: already exists; choose another --slug")
    taken = _slug_owner(project, slug)
    if taken is not None:
        raise ToolError(
            f"{project.display(taken)}: already uses the slug '{slug}'; choose another --slug"
        )
    when = (now or project.now()).astimezone(project.zone)
    fields = {
        "Title": title,
        "Date": when.strftime("%Y-%m-%d %H:%M"),
        "Category": _one_line("--category", request.category)
        or project.settings.get("DEFAULT_CATEGORY", "misc"),
        "Tags": ", ".join(
            tag.strip() for tag in _one_line("--tags", request.tags).split(",") if tag.strip()
        ),
        "Slug": slug,
        "Authors": _one_line("--authors", request.authors) or project.settings.get("AUTHOR", ""),
        "Summary": _one_line("--summary", request.summary),
    }
    header = "".join(f"{key}: {value}\n" for key, value in fields.items() if value)
    create_new(path, (header + "\n").encode("utf-8"))
    return path


def _one_line(name: str, value: str | None) -> str:
    value = (value or "").strip()
    if "\n" in value or "\r" in value:
        raise ToolError(f"{name} must fit on one line")
    return value


def _slug(project: Project, title: str, wanted: str) -> str:
    if not wanted:
        slug = project.slugify(title)
        if not slug:
            raise ToolError(f"cannot make a slug from the title {title!r}; give one with --slug")
        return slug
    if project.slugify(wanted) != wanted or "/" in wanted:
        raise ToolError(
            f"--slug {wanted!r} is not a slug; use lower-case words joined by hyphens, "
            f"e.g. --slug {project.slugify(wanted) or 'harbour-vote'}"
        )
    return wanted


def _slug_owner(project: Project, slug: str) -> Path | None:
    """The content file whose article already has ``slug``, if any."""
    basename = project.settings.get("SLUGIFY_SOURCE") == "basename"
    for path in project.content_files():
        fields = _header_of(path)
        source = path.stem if basename else fields.get("title", "")
        existing = fields.get("slug") or (project.slugify(source) if source else "")
        if existing == slug:
            return path
    return None


def _header_of(path: Path) -> dict[str, str]:
    """The header fields of ``path``; empty if it cannot be read as UTF-8."""
    try:
        return read_header(path.read_text(encoding="utf-8-sig"))[0]
    except (OSError, UnicodeDecodeError):
        return {}
