"""Deploy to GitHub Pages: ghp-import commits the site to a branch, then pushes it.

ghp-import writes the branch with ``git fast-import``: the working tree,
the index and the checked-out branch are never touched. The branch gets one
commit per publish, whose tree is exactly the new build (stale files gone),
and a ``.nojekyll`` so GitHub serves every file as built.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

from ..errors import ToolError


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)


def deploy_github_pages(
    site: Path,
    repo: Path,
    remote: str,
    branch: str,
    push: bool,
    cname: str | None,
    message: str,
) -> str:
    """Commit ``site`` to ``branch`` of the repository at ``repo``; push it if asked."""
    try:
        from ghp_import import GhpError, ghp_import
    except ImportError:
        raise ToolError("ghp-import is not installed; run make build (requirements.txt)") from None
    if _git(repo, "rev-parse", "--git-dir").returncode != 0:
        raise ToolError(f"{repo} is not a git repository; GitHub Pages deploys from one")
    for variable, key in (
        ("GIT_COMMITTER_NAME", "user.name"),
        ("GIT_COMMITTER_EMAIL", "user.email"),
    ):
        if not os.environ.get(variable) and not _git(repo, "config", key).stdout.strip():
            raise ToolError(f'git has no {key}; set it: git config {key} "…"')
    if push:
        fetched = _git(
            repo, "fetch", remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"
        )
        missing = "couldn't find remote ref" in fetched.stderr
        if fetched.returncode != 0 and not missing:
            raise ToolError(f"git fetch {remote} {branch} failed: {fetched.stderr.strip()}")
    before = _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}").stdout.strip()
    try:
        with contextlib.chdir(repo):
            ghp_import(
                str(site), mesg=message, remote=remote, branch=branch, push=push,
                nojekyll=True, cname=cname or None,
            )  # fmt: skip
    except GhpError as error:
        raise ToolError(f"ghp-import: {error.message}") from None
    except subprocess.CalledProcessError as error:
        raise ToolError(f"git push {remote} {branch} failed (status {error.returncode})") from None
    after = _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}").stdout.strip()
    if not after or after == before:
        raise ToolError(f"ghp-import did not commit to {branch}; nothing was published")
    where = f"pushed to {remote}" if push else "not pushed (DATELINE_DEPLOY_GITHUB_PUSH = False)"
    return f"GitHub Pages: {branch} is now {after[:7]}, {where}"
