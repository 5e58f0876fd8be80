"""Where a build may write, and so delete: never over what is not its own.

``invoke build --output .`` once deleted a whole project, ``.git`` and all,
and ``--output content`` every article: a build replaces (or, with Pelican's
``DELETE_OUTPUT_DIRECTORY``, empties) its output folder, so that folder must
be one of its own. Refused, in every entry point (``pelican``, ``dateline
build``, ``invoke build``), before anything is read or written: an output
folder that is, or holds, the site's folder, the folder the command runs in,
the settings' folder, the home folder or the root; or that is, holds or lies
inside the content (``PATH``), the theme, the cache (``CACHE_PATH``) or the
repository's ``.git``; or a folder holding a site's settings file
(``pelicanconf.py``, ``publishconf.py``: ``pelican -o`` knows no settings'
folder). Paths are compared resolved, so ``.``, ``..``, ``~`` and symbolic
links are what they point at.

An output folder holding a symbolic link that leads out of it is refused
too: Pelican writes through links, so a build would overwrite whatever the
link points at (``output/images -> ../content/images``).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .problems import Problem


def output_problems(
    output: str | Path, settings: Mapping[str, Any], extra: Mapping[str, Path] | None = None
) -> list[Problem]:
    """Why ``output`` may not be this build's output folder (empty: it may).

    ``extra`` names more folders to keep whole (``dateline build`` adds the
    settings file's folder).
    """
    target = Path(os.path.realpath(os.path.expanduser(str(output))))
    content = Path(os.path.realpath(settings["PATH"]))
    whole = {  # may not be, or lie inside, the output
        **{name: Path(os.path.realpath(path)) for name, path in (extra or {}).items()},
        "the site's folder": content.parent,
        "the current folder": Path(os.path.realpath(os.getcwd())),
        "the home folder": Path(os.path.realpath(os.path.expanduser("~"))),
    }
    apart = {  # may not be, lie inside, or hold the output
        "the content folder (PATH)": content,
        "the theme (THEME)": Path(os.path.realpath(settings.get("THEME") or content)),
        "the cache (CACHE_PATH)": Path(os.path.realpath(settings.get("CACHE_PATH") or content)),
    }
    for top in {content, content.parent}:
        git = top / ".git"
        if git.exists():
            apart["the git repository (.git)"] = Path(os.path.realpath(git))
    for name, folder in whole.items():
        if target == folder or folder.is_relative_to(target):
            return [_refused(output, target, f"{'is' if target == folder else 'holds'} {name}")]
    for name, folder in apart.items():
        if target == folder or folder.is_relative_to(target):
            return [_refused(output, target, f"{'is' if target == folder else 'holds'} {name}")]
        if target.is_relative_to(folder):
            return [_refused(output, target, f"lies inside {name}")]
    for name in SETTINGS_FILES:
        if (target / name).is_file():
            return [_refused(output, target, f"holds a site's settings ({name})")]
    return _links_out(output, target)


SETTINGS_FILES = ("pelicanconf.py", "publishconf.py")


def _links_out(given: str | Path, target: Path) -> list[Problem]:
    """Each symbolic link in ``target`` that leads outside it."""
    problems = []
    folders = [str(target)] if target.is_dir() else []  # strings: a site has 70,000
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if not entry.is_symlink():
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    continue
                leads = Path(os.path.realpath(entry.path))
                if leads == target or not leads.is_relative_to(target):
                    shown = Path(given, Path(entry.path).relative_to(target))
                    problems.append(_link_out(shown, leads))
    return sorted(problems, key=str)


def _link_out(shown: Path, leads: Path) -> Problem:
    return Problem(
        "",
        0,
        f"{shown} in the output folder is a symbolic link to {leads}: a build writes "
        "through links, so it would overwrite what the link points at; remove the link "
        "(Pelican copies static files into the output itself)",
    )


def _refused(given: str | Path, target: Path, why: str) -> Problem:
    named = str(given) if str(given) == str(target) else f"{given} ({target})"
    return Problem(
        "",
        0,
        f"the output folder {named} {why}: a build replaces its output folder, "
        "so it would delete or overwrite it; choose a folder of its own, such as output/",
    )


def leaves_output(relative: str) -> bool:
    """A ``save_as`` that would be written outside the output folder (``..``, ``/``)."""
    normal = posixpath.normpath(relative.replace("\\", "/"))
    return normal.startswith(("/", "../")) or normal == ".." or os.path.isabs(relative)
