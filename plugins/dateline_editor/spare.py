"""The replaced site's folders, kept for the next build: making and removing a
folder costs far more than linking a file into it.

An all-or-nothing build writes the whole site into a fresh folder and, once
that folder has taken ``output/``'s place, is left holding the site it
replaced. A site of 10,000 explainers has some 72,000 folders (one for each
version page), and making them in the new folder and removing them from the
old one took a third of a one-entry rebuild. So the replaced site is not
removed: it is kept in ``CACHE_PATH`` as the *spare*, and the next build
starts from it instead of an empty folder.

Only folders cross from one build to the next, never a file: every file of
the spare is removed before the build writes anything (its files are links
to the served site's, and a write through one would change the site being
served). The folders the build leaves empty are removed before the new site
takes ``output/``'s place, so it holds exactly what a build into an empty
folder writes. A spare is taken under the staging folder's lock, so two
builds never share one; where it cannot be (another file system, another
build holding it), the build starts from an empty folder, as before.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Any

SPARE = "dateline-spare-folders"


def spare_path(settings: dict[str, Any]) -> Path:
    """Where the replaced site waits for the next build: one per cache."""
    return Path(settings.get("CACHE_PATH") or "cache").resolve() / SPARE


def take(spare: Path, staging: Path) -> tuple[int, list[str]] | None:
    """Put the spare in place of the empty folder ``staging``, locked; emptied of files.

    Returns the lock (an open descriptor of the spare, now ``staging``) and
    its folders, parents first; None (``staging`` untouched) if there is no
    spare to take.
    """
    try:
        lock = os.open(spare, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # not while another build has it
        os.rename(spare, staging)  # replaces the empty folder; the lock goes with the spare
    except OSError:
        os.close(lock)
        return None
    return lock, _remove_files(staging)


def _remove_files(top: Path) -> list[str]:
    """Remove every file and link under ``top`` (never following one); its folders."""
    folders = [str(top)]
    for folder in folders:  # grows as it goes: parents before children
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                else:
                    os.unlink(entry.path)
    return folders[1:]


def prune(folders: list[str]) -> None:
    """Remove those of ``folders`` (a spare's, parents first) the build left empty."""
    for folder in reversed(folders):
        try:
            os.rmdir(folder)
        except OSError:  # holds what the build wrote (or is gone)
            continue


def keep(replaced: Path, spare: Path) -> bool:
    """Keep the site a build replaced as the next build's spare; False if it cannot be."""
    try:
        spare.parent.mkdir(parents=True, exist_ok=True)
        os.rename(replaced, spare)  # fails while a spare is there already
    except OSError:
        return False
    return True
