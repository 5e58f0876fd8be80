"""Helpers for the task tests: a copy of the project, and tasks run as an editor runs them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PROJECT_FILES = ("tasks.py", "pelicanconf.py", "publishconf.py")


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Desk",
    "GIT_AUTHOR_EMAIL": "desk@news.example",
    "GIT_COMMITTER_NAME": "Desk",
    "GIT_COMMITTER_EMAIL": "desk@news.example",
    "GIT_AUTHOR_DATE": "2025-12-01T09:00:00-05:00",
    "GIT_COMMITTER_DATE": "2025-12-01T09:00:00-05:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def copy_project(root: Path, sample_content: bool = False, committed: bool = False) -> Path:
    """tasks.py, both settings files, plugins and theme; the sample content if asked.

    ``committed``: in a git repository of its own, everything committed, as
    ``publishconf.py`` (every published text a committed version) wants it.
    """
    root.mkdir(parents=True)
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, root / name)
    for name in ("plugins", "theme"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    if sample_content:
        shutil.copytree(ROOT / "content", root / "content")
    else:
        (root / "content").mkdir()
    if committed:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "The site")
    return root


def git(project: Path, *args: str) -> str:
    """git in ``project``, with a fixed author and date."""
    done = subprocess.run(
        ["git", *args], cwd=project, check=True, capture_output=True, env={**os.environ, **GIT_ENV}
    )
    return done.stdout.decode("utf-8", "replace")


def run_task(
    project: Path,
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``python -m invoke ARGS`` in ``project``, with no terminal, as a script or CI would."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def assert_clean_failure(done: subprocess.CompletedProcess[str]) -> None:
    """A refusal: non-zero exit, something said on stderr, and no traceback anywhere."""
    assert done.returncode != 0, done.stdout + done.stderr
    assert done.stderr.strip()
    assert "Traceback" not in done.stdout + done.stderr, done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
