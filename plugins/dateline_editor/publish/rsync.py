"""Deploy with rsync, over SSH or to a local folder.

``--delay-updates`` puts every changed file in place at the end of the
transfer and ``--delete-after`` removes stale files only then, so a visitor
sees the old site or the new one, not a mixture that lasts the whole upload.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..errors import ToolError


def check_rsync(dest: str) -> None:
    """Refuse before building: no rsync, or a destination ``--delete`` would wreck."""
    if shutil.which("rsync") is None:
        raise ToolError("rsync is not installed; install it (e.g. apt-get install rsync)")
    if dest.strip() in ("", "/", "~", "~/", ".", "./") or dest.rstrip("/").endswith(":"):
        raise ToolError(f"refusing to rsync --delete into {dest!r}; name the site's own folder")


def deploy_rsync(site: Path, dest: str, ssh: str | None = None) -> str:
    """Mirror ``site`` to ``dest`` (``host:path`` or a folder); return a summary."""
    check_rsync(dest)
    rsync = shutil.which("rsync")
    assert rsync is not None  # check_rsync said so
    command = [
        rsync,
        "--recursive",
        "--links",
        "--perms",
        "--times",
        "--compress",
        "--checksum",
        "--delete-after",
        "--delay-updates",
        "--human-readable",
        "--stats",
    ]
    if ssh:
        command += ["--rsh", ssh]
    command += [f"{site}/", dest]
    done = subprocess.run(command, check=False, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise ToolError(
            f"rsync to {dest} failed with status {done.returncode}; see its message above"
        )
    return f"rsync: {dest} now holds the new build"
