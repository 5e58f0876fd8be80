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


def copy_project(root: Path, sample_content: bool = False) -> Path:
    """tasks.py, both settings files, plugins and theme; the sample content if asked."""
    root.mkdir(parents=True)
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, root / name)
    for name in ("plugins", "theme"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    if sample_content:
        shutil.copytree(ROOT / "content", root / "content")
    else:
        (root / "content").mkdir()
    return root


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
