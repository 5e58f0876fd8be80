"""The plain ``pelican`` command (what Pelican's quickstart Makefile and tasks.py run).

A refused build prints exactly its ``file:line: message`` lines, exits 1 and
leaves the previous output as it was, even with ``DELETE_OUTPUT_DIRECTORY``;
a wrong ``DATELINE_*`` setting names itself and what it accepts;
``--autoreload --listen`` keeps serving the last good site and recovers. Every
test runs the real ``pelican`` program of this environment in a subprocess.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import Site, article
from task_project import free_port, tree

PELICAN = str(Path(sys.executable).with_name("pelican"))
SETTINGS = """
SITENAME = "Test"
SITEURL = ""
PATH = "content"
THEME = "notmyidea"
TIMEZONE = "America/New_York"
PLUGINS = ["dateline"]
"""
GOOD = article(title="Good story", body="Text.\n\n::: update 2018-10-30\nAll fine.\n:::\n")
BAD = article(
    title="Bad story",
    body="Text.\n\n::: update 30/10/2018\nNot a date.\n:::\n\n"
    "::: rumour 2018-10-30\nNo kind.\n:::\n",
)
BAD_LINES = [
    "content/bad.md:6: '30/10/2018' is not a date Dateline accepts; write YYYY-MM-DD, "
    "optionally followed by HH:MM and an offset such as +01:00 or Z",
    "content/bad.md:10: unknown entry kind 'rumour'; use one of: update, correction, "
    "clarification, note, editors-note, redaction",
]


@pytest.fixture
def quick(site: Site) -> Site:
    (site.root / "pelicanconf.py").write_text(SETTINGS, encoding="utf-8")
    (site.root / "publishconf.py").write_text(
        "from pelicanconf import *\nDELETE_OUTPUT_DIRECTORY = True\n", encoding="utf-8"
    )
    site.write("good.md", GOOD)
    return site


def pelican(site: Site, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PELICAN, "content", *args],
        cwd=site.root,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(site.root)},
    )


def assert_refused_with(done: subprocess.CompletedProcess[str], lines: list[str]) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.splitlines() == lines
    for noise in ("Traceback", "BuildRefused", "CRITICAL", "Could not process"):
        assert noise not in done.stdout + done.stderr


@pytest.mark.parametrize("settings", ["pelicanconf.py", "publishconf.py"])
def test_a_refused_build_prints_its_lines_and_leaves_the_output(quick: Site, settings) -> None:
    assert pelican(quick, "-s", settings).returncode == 0
    before = tree(quick.output)
    assert "good-story.html" in before
    quick.write("bad.md", BAD)
    assert_refused_with(pelican(quick, "-s", settings), BAD_LINES)
    assert tree(quick.output) == before


def test_a_file_pelican_cannot_read_refuses_the_build_at_its_line(quick: Site) -> None:
    quick.write_bytes("latin.md", b"Title: Caf\xe9\nDate: 2018-10-24\n\nText.\n")
    done = pelican(quick, "-s", "pelicanconf.py")
    assert_refused_with(
        done,
        [
            "content/latin.md:1: byte 0xe9 at column 11 is not UTF-8; save the file as UTF-8 "
            "(Dateline reads no other encoding)"
        ],
    )


WRONG_SETTINGS = [
    ("DATELINE_UPDATES_PER_PAGE = -1", "DATELINE_UPDATES_PER_PAGE = -1", "a whole number, 0"),
    ("DATELINE_FEED_PATH = '../feed.xml'", "DATELINE_FEED_PATH = '../feed.xml'", "no '..'"),
    ("DATELINE_SITEMAP_PATH = '/etc/x.xml'", "DATELINE_SITEMAP_PATH", "not absolute"),
    ("DATELINE_HISTORY_URL = '{slug}/{nope}/'", "DATELINE_HISTORY_URL", "{slug}"),
    ("DATELINE_KINDS = {'bad kind': 'X'}", "DATELINE_KINDS", "lower-case letters"),
    ("DATELINE_ALLOW_SCHEDULED = 'yes'", "DATELINE_ALLOW_SCHEDULED = 'yes'", "True or False"),
    ("DATELINE_UPDATE_URL = 'news/'", "DATELINE_UPDATE_URL is not a Dateline setting", "did you"),
]


@pytest.mark.parametrize(("line", "named", "accepts"), WRONG_SETTINGS)
def test_a_wrong_setting_is_refused_naming_it(quick: Site, line, named, accepts) -> None:
    with (quick.root / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write(line + "\n")
    done = pelican(quick, "-s", "pelicanconf.py")
    assert done.returncode == 1, done.stdout + done.stderr
    (message,) = done.stderr.splitlines()
    assert message.startswith(named) and accepts in message, message
    assert "Traceback" not in done.stdout + done.stderr
    assert not quick.output.exists()


# --- pelican --autoreload --listen -------------------------------------------------


class Server:
    """``pelican --autoreload --listen`` in its own process group, its stderr collected."""

    def __init__(self, site: Site) -> None:
        self.port = free_port()
        command = [PELICAN, "content", "-s", "pelicanconf.py", "--autoreload", "--listen"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            cwd=site.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        self.stderr: list[str] = []
        self.said = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self.said:
                self.stderr.append(line.rstrip("\n"))
                self.said.notify_all()

    def page(self, path: str) -> str | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}") as reply:
                return reply.read().decode("utf-8")
        except OSError:
            return None

    def wait_for(
        self, condition: Callable[[], bool], what: str, action: Callable[[], None] | None = None
    ) -> None:
        """Until ``condition`` holds; fail if pelican exits first, or after two minutes.

        ``action`` is the edit being waited on. Pelican starts watching the files
        only once a build is done, so an edit saved meanwhile goes unseen: the
        edit is saved again until pelican has seen it (saving it twice is harmless).
        """
        deadline = time.monotonic() + 120
        with self.said:
            while not condition():
                assert self.process.poll() is None, f"pelican exited before {what}: {self.stderr}"
                assert time.monotonic() < deadline, f"no {what}: {self.stderr}"
                if action is not None:
                    action()
                self.said.wait(0.5)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


@pytest.fixture
def server(quick: Site) -> Iterator[Server]:
    running = Server(quick)
    try:
        yield running
    finally:
        running.stop()


def test_autoreload_keeps_the_last_good_site_and_recovers(quick: Site, server: Server) -> None:
    server.wait_for(lambda: "All fine." in (server.page("good-story.html") or ""), "first build")
    server.wait_for(
        lambda: all(line in server.stderr for line in BAD_LINES),
        "refusal",
        action=lambda: quick.write("bad.md", BAD),
    )
    assert not any("Traceback" in line or "BuildRefused" in line for line in server.stderr)
    assert "All fine." in (server.page("good-story.html") or "")
    assert server.page("bad-story.html") is None
    fixed = GOOD.replace("Good story", "Fixed story").replace("All fine", "Now fixed")
    server.wait_for(
        lambda: "Now fixed." in (server.page("fixed-story.html") or ""),
        "recovery",
        action=lambda: quick.write("bad.md", fixed),
    )
    assert "All fine." in (server.page("good-story.html") or "")
