"""Deploy with rsync, over SSH or to a local folder.

``--delay-updates`` puts every changed file in place at the end of the
transfer and ``--delete-after`` removes stale files only then, so a visitor
sees the old site or the new one, not a mixture that lasts the whole upload.

``--delete`` makes the destination exactly the site: pointed at the wrong
folder, it deletes everything else there. So the destination is refused,
once normalised (``~``, ``.``, ``..``, ``//`` and links resolved), when it is
the root, a home folder, the project, a folder inside it or one of its
parents; remotely, when it is the root or a home folder (``host:``,
``host:~``, ``host:.``, ``host:/home/NAME``).

When rsync fails, the ``.~tmp~`` folders it keeps updates in are removed
(a web server would serve them), and a dry run says how much of the new
build is in place: the failure says what was and was not published.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

from ..errors import ToolError

# host:path (a colon before any slash), host::module and rsync:// are remote.
_REMOTE = re.compile(r"^(?P<host>(?:[^/:@]+@)?(?:\[[^\]]+\]|[^/:]+)):(?P<path>.*)$", re.DOTALL)
_REMOTE_HOMES = re.compile(r"^/(?:root|home/[^/]+|Users/[^/]+|home|Users)?$")
_OPTIONS = [
    "--recursive",
    "--links",
    "--perms",
    "--times",
    "--compress",
    "--checksum",
    "--human-readable",
]


def check_rsync(dest: str, project: Path) -> None:
    """Refuse before building: a destination ``--delete`` would wreck, or no rsync."""
    why = _dangerous(dest, project)
    if why:
        raise ToolError(
            f"refusing to rsync --delete into {dest!r}: {why}; name the site's own folder, "
            "e.g. user@host:/var/www/harbourvale/"
        )
    if shutil.which("rsync") is None:
        raise ToolError("rsync is not installed; install it (e.g. apt-get install rsync)")


def _dangerous(dest: str, project: Path) -> str | None:
    text = dest.strip()
    if not text:
        return "it is empty"
    if text.startswith("rsync://") or "::" in text.split("/", 1)[0]:
        module = (
            text.split("::", 1)[1] if "::" in text else text[len("rsync://") :].partition("/")[2]
        )
        return "it names no module" if not module.strip("/") else None
    remote = _REMOTE.match(text)
    if remote and not text.startswith(("/", ".", "~")):
        path = remote["path"]
        if path in ("", "~", ".") or path.startswith(("~", "..")):
            return "on the remote host that is the home folder (or outside it)"
        normal = posixpath.normpath("/" + path.lstrip("/"))  # POSIX keeps a leading "//"
        if path.startswith("/") and _REMOTE_HOMES.match(normal):
            return "on the remote host that is the root or a home folder"
        if not path.startswith("/") and normal in ("/", "/."):
            return "on the remote host that is the home folder"
        return None
    target = Path(os.path.realpath(os.path.expanduser(text)))
    home = Path(os.path.realpath(os.path.expanduser("~")))
    project = Path(os.path.realpath(project))
    if target == Path(target.anchor):
        return "that is the root of the file system"
    if target == home or home.is_relative_to(target):
        return "that is (or holds) the home folder"
    if project.is_relative_to(target):
        return "that is (or holds) the project"
    if target.is_relative_to(project):
        return "that is inside the project"
    return None


def deploy_rsync(site: Path, dest: str, project: Path, ssh: str | None = None) -> str:
    """Mirror ``site`` to ``dest`` (``host:path`` or a folder); return a summary."""
    check_rsync(dest, project)
    shell = ["--rsh", ssh] if ssh else []
    done = _rsync(
        [*_OPTIONS, "--delete-after", "--delay-updates", "--stats", *shell, f"{site}/", dest]
    )
    if done.returncode != 0:
        raise ToolError(
            f"rsync to {dest} failed with status {done.returncode} (see its message above); "
            + _after_failure(site, dest, shell)
        )
    return f"rsync: {dest} now holds the new build"


def _rsync(arguments: list[str], capture: bool = False) -> subprocess.CompletedProcess[str]:
    rsync = shutil.which("rsync")
    assert rsync is not None  # check_rsync said so
    return subprocess.run(
        [rsync, *arguments],
        check=False,
        stdin=subprocess.DEVNULL,
        capture_output=capture,
        text=True,
    )


def _after_failure(site: Path, dest: str, shell: list[str]) -> str:
    """Remove rsync's holding folders; say what of the new build is in place."""
    # Only .~tmp~ folders may be deleted ("risk"), everything else is protected,
    # and nothing is sent (--existing with --ignore-existing).
    cleanup = [
        "--recursive",
        "--existing",
        "--ignore-existing",
        "--delete-after",
        "--filter=R .~tmp~/***",
        "--filter=P *",
        *shell,
        f"{site}/",
        dest,
    ]
    _rsync(cleanup, capture=True)
    # What a new run would still send or delete; holding folders left count apart.
    dry_run = ["--dry-run", "--itemize-changes", "--delete-after", "--filter=R .~tmp~/***"]
    check = _rsync([*_OPTIONS, *dry_run, *shell, f"{site}/", dest], capture=True)
    if check.returncode != 0:
        return f"{dest} could not be reached to see what is in place"
    lines = check.stdout.splitlines()
    held = [line for line in lines if ".~tmp~" in line]
    left = f"; rsync's holding folders (.~tmp~) remain in {dest}: remove them" if held else ""
    lines = [line for line in lines if ".~tmp~" not in line]
    missing = sum(1 for line in lines if line.startswith((">f", "<f", "cL")))
    stale = sum(1 for line in lines if line.startswith("*deleting"))
    total = sum(1 for path in site.rglob("*") if path.is_file() or path.is_symlink())
    if missing == 0 and not stale:
        return f"yet every file of the new build is in place at {dest}{left}"
    return (
        f"{total - missing} of the {total} files of the new build are in place at {dest}; "
        f"{missing} are not (the previous version, or none, is still served) and "
        f"{stale} stale files were not deleted: publish again once the problem is fixed"
        f"{left}"
    )
