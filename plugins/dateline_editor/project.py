"""The project a task works on: its settings, time zone and content files.

Settings are read with Pelican's own ``read_settings`` from the project root,
because ``publishconf.py`` imports ``pelicanconf`` from the working directory;
every tool therefore sees exactly the settings a build sees.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pelican.plugins.dateline.settings import DEFAULTS, settings_problems
from pelican.readers import MarkdownReader, RstReader
from pelican.settings import read_settings
from pelican.utils import slugify

from .errors import ToolError

MARKDOWN_SUFFIXES = tuple(f".{ext}" for ext in MarkdownReader.file_extensions)
CONTENT_SUFFIXES = (*MARKDOWN_SUFFIXES, *(f".{ext}" for ext in RstReader.file_extensions))


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    """Run Pelican code from the project root, as ``make`` and ``invoke`` do."""
    with contextlib.chdir(path):
        yield


@dataclass
class Project:
    """One Dateline site: the root folder and the settings of one settings file."""

    root: Path
    settings_file: Path
    settings: dict[str, Any]

    @classmethod
    def load(cls, root: str | Path, settings_name: str | Path = "pelicanconf.py") -> Project:
        """Read ``settings_name`` (relative to ``root``) the way a build does.

        A wrong ``DATELINE_*`` value is refused here, as the build refuses it.
        """
        root = Path(root).resolve()
        settings_file = (root / settings_name).resolve()
        if not settings_file.is_file():
            raise ToolError(
                f"{_display(settings_file, root)}: no such settings file; run this in the "
                "site's folder (where pelicanconf.py is) or give -s SETTINGS"
            )
        try:
            with working_directory(root):
                settings = read_settings(str(settings_file))
        except Exception as error:  # a typo in pelicanconf.py: say where, not a traceback
            raise ToolError(
                f"{_display(settings_file, root)}: cannot read settings: "
                f"{type(error).__name__}: {error}"
            ) from None
        problems = settings_problems(settings)
        if problems:
            raise ToolError(f"{_display(settings_file, root)}: wrong settings", problems)
        return cls(root, settings_file, settings)

    @property
    def zone(self) -> ZoneInfo:
        """The site's TIMEZONE: every time an editor gets is written in it."""
        name = self.settings.get("TIMEZONE") or "UTC"
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ToolError(f"TIMEZONE {name!r} is not a time zone name") from None

    @property
    def content(self) -> Path:
        return Path(self.settings["PATH"])

    @property
    def kinds(self) -> dict[str, str]:
        """Entry kinds (lower case) and their labels, as the build knows them."""
        kinds = self.settings.get("DATELINE_KINDS", DEFAULTS["DATELINE_KINDS"])
        return {kind.lower(): label for kind, label in kinds.items()}

    def setting(self, name: str) -> Any:
        """A ``DATELINE_*`` setting with Dateline's default."""
        return self.settings.get(name, DEFAULTS.get(name))

    def now(self) -> datetime:
        """This minute in the site's zone (entries are written to the minute)."""
        return datetime.now(self.zone).replace(second=0, microsecond=0)

    def display(self, path: str | Path) -> str:
        """``path`` as the build prints it: relative to the root when inside it."""
        return _display(Path(path), self.root)

    def slugify(self, text: str) -> str:
        """Pelican's slug for ``text`` under this site's slug settings."""
        return slugify(
            text,
            regex_subs=self.settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
            preserve_case=self.settings.get("SLUGIFY_PRESERVE_CASE", False),
            use_unicode=self.settings.get("SLUGIFY_USE_UNICODE", False),
        )

    def content_files(
        self, paths: Iterable[str | Path] = (), suffixes: tuple[str, ...] = CONTENT_SUFFIXES
    ) -> list[Path]:
        """The content files (Markdown and reST, or ``suffixes``) named by ``paths``
        (files or folders), default all content.

        Hidden files are skipped, as Pelican's IGNORE_FILES does.
        """
        chosen = [Path(path) for path in paths] or [self.content]
        found: list[Path] = []
        for path in chosen:
            path = path if path.is_absolute() else self.root / path
            if path.is_dir():
                found.extend(
                    file
                    for file in sorted(path.rglob("*"))
                    if file.is_file()
                    and file.suffix in suffixes
                    and not any(part.startswith(".") for part in file.relative_to(path).parts)
                )
            elif path.is_file():
                found.append(path)
            else:
                raise ToolError(f"{self.display(path)}: no such file or folder")
        return list(dict.fromkeys(file.resolve() for file in found))


def _display(path: Path, root: Path) -> str:
    path = path.resolve() if path.exists() else Path(os.path.abspath(path))
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
