"""`invoke livereload`: serves, rebuilds on content changes (cached) and settings changes (not)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import article
from task_project import assert_clean_failure, copy_project, free_port, run_task

STORY = article(
    title="Harbour story",
    date="2018-10-24 09:00",
    body="Text.\n\n::: update 2018-10-30\nThe first update.\n:::\n",
)
PAGE = Path("output") / "harbour-story" / "index.html"


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def builds(base: str) -> int:
    """How many builds the server says have finished (0 while it is not up)."""
    answer = fetch(f"{base}/__dateline/build")
    return json.loads(answer)["build"] if answer else 0


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[Path, int, subprocess.Popen[str]]]:
    project = copy_project(tmp_path / "project")
    (project / "content" / "story.md").write_text(STORY, encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", "--port", str(port)],
        cwd=project,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield project, port, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_livereload_rebuilds_on_content_and_settings_changes(running) -> None:
    project, port, process = running
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: builds(base) == 1, 30, "the first build")
    served = fetch(f"{base}/harbour-story/")
    assert served is not None and "/__dateline/build" in served  # reload script, served only
    assert "/__dateline/build" not in (project / PAGE).read_text(encoding="utf-8")

    # A content edit: taken into the last build in place, the new entry appears.
    story = project / "content" / "story.md"
    story.write_text(STORY + "\n::: correction 2018-10-31\nA new correction.\n:::\n", "utf-8")
    wait_for(lambda: "correction-2018-10-31" in (project / PAGE).read_text("utf-8"), 20, "rebuild")
    assert (project / "cache").is_dir()

    # A settings edit: the label comes from the Markdown step, which the content
    # cache would replay; the rebuild must ignore the cache to show it.
    settings = project / "pelicanconf.py"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + '\nDATELINE_KINDS = {"update": "Latest", "correction": "Fix", "clarification": '
        '"Clarification", "note": "Note", "editors-note": "Editor\'s note"}\n',
        encoding="utf-8",
    )
    wait_for(
        lambda: 'revision__kind">Latest<' in (project / PAGE).read_text("utf-8"), 20, "settings"
    )
    # Pages learn of each finished build (they reload when the count changes).
    wait_for(lambda: builds(base) >= 3, 10, "the build count")

    process.terminate()  # what `kill` or a service manager sends
    output, _ = process.communicate(timeout=10)
    assert process.returncode == 0, output
    assert "Traceback" not in output
    assert "built in" in output and "(cache ignored)" in output
    assert "updated in" in output and "(only the pages that show it)" in output
    assert "changed: content/story.md" in output and "changed: pelicanconf.py" in output


def test_livereload_has_help_and_refuses_a_busy_port(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    helped = run_task(project, "--help", "livereload")
    assert helped.returncode == 0 and "--port" in helped.stdout
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        done = run_task(project, "livereload", "--port", str(busy.getsockname()[1]), timeout=30)
    assert_clean_failure(done)
    assert "cannot serve on 127.0.0.1:" in done.stderr and "try --port" in done.stderr
