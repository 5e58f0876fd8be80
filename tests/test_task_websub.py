"""`invoke publish` tells the WebSub hub (DATELINE_WEBSUB_HUB) of the feeds it changed.

The hub is real: a small http.server, its own process on 127.0.0.1, that
writes each POST it gets as a JSON line and answers with the statuses the
test gives it (202, 500, or one then the other). The site goes out with
rsync into a folder, or to GitHub Pages via a bare repository, as in
test_task_publish.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import article
from task_project import assert_clean_failure, copy_project, free_port, run_task, tree
from test_task_publish import GIT_ENV, configure, git, needs_rsync

pytestmark = needs_rsync

SITEURL = "https://harbourvale.example"  # publishconf.py's
UPDATES_FEED = f"{SITEURL}/feeds/updates.atom.xml"
ATOM = "{http://www.w3.org/2005/Atom}"

HUB = """
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

port, log, answers = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def next_status():
    # The first status in the answers file, used up unless it is the last one.
    with open(answers, encoding="utf-8") as file:
        statuses = file.read().split()
    if len(statuses) > 1:
        with open(answers, "w", encoding="utf-8") as file:
            file.write(" ".join(statuses[1:]))
    return int(statuses[0])


class Hub(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        headers = {name.lower(): value for name, value in self.headers.items()}
        post = {"path": self.path, "headers": headers, "body": body.decode("utf-8")}
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps(post) + "\\n")
        self.send_response(next_status())
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", port), Hub).serve_forever()
"""


@dataclass
class Hub:
    url: str
    log: Path
    answers: Path

    def answer(self, *statuses: int) -> None:
        """Answer the next POSTs with ``statuses`` in turn, and every later one with the last."""
        partial = self.answers.with_suffix(".partial")
        partial.write_text(" ".join(map(str, statuses)), encoding="utf-8")
        partial.replace(self.answers)  # the hub never reads half of it

    def posts(self) -> list[dict]:
        """Every POST the hub got so far, oldest first."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text("utf-8").splitlines()]

    def told(self) -> list[str]:
        """The hub.url of each POST, after checking it is a WebSub publish ping."""
        urls = []
        for post in self.posts():
            assert post["path"] == "/hub"
            assert post["headers"]["content-type"] == "application/x-www-form-urlencoded"
            form = urllib.parse.parse_qs(post["body"], strict_parsing=True)
            assert set(form) == {"hub.mode", "hub.url"} and form["hub.mode"] == ["publish"], form
            (url,) = form["hub.url"]
            urls.append(url)
        return urls


@pytest.fixture
def start_hub(tmp_path: Path) -> Iterator[Callable[..., Hub]]:
    """Start a hub answering ``statuses`` (as ``Hub.answer``); every hub is stopped afterwards."""
    servers: list[subprocess.Popen[bytes]] = []
    script = tmp_path / "hub.py"
    script.write_text(HUB, encoding="utf-8")

    def start(*statuses: int) -> Hub:
        port = free_port()
        log = tmp_path / f"hub-{port}.jsonl"
        answers = tmp_path / f"hub-{port}.answers"
        Hub("", log, answers).answer(*(statuses or (202,)))
        server = subprocess.Popen(
            [sys.executable, str(script), str(port), str(log), str(answers)],
            stdin=subprocess.DEVNULL,
        )
        servers.append(server)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the test hub did not start") from None
                time.sleep(0.05)
        return Hub(f"http://127.0.0.1:{port}/hub", log, answers)

    try:
        yield start
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project with the sample content, as a newsroom would publish it."""
    return copy_project(tmp_path / "project", sample_content=True, committed=True)


def name_hub(project: Path, url: str) -> None:
    """Set DATELINE_WEBSUB_HUB in publishconf.py, as an editor would."""
    with (project / "publishconf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"DATELINE_WEBSUB_HUB = {url!r}\n")


def rsync_with_hub(project: Path, www: Path, hub: Hub) -> None:
    """Publish with rsync into ``www``, naming ``hub``."""
    configure(project, TARGET="rsync", RSYNC_DEST=f"{www}/")
    name_hub(project, hub.url)


def feeds_naming(site: Path, hub: str) -> dict[str, str]:
    """Each Atom feed file in ``site`` that names ``hub``, with its rel=self address."""
    found = {}
    for path in sorted(site.rglob("*.xml")):
        root = ET.parse(path).getroot()
        links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
        if root.tag == f"{ATOM}feed" and links.get("hub") == hub:
            found[path.relative_to(site).as_posix()] = links["self"]
    return found


def assert_feeds_name(project: Path, hub: Hub) -> None:
    """The feeds' rel=hub link is the plugin's part: without it no hub is told."""
    assert "feeds/updates.atom.xml" in feeds_naming(project / "output", hub.url), (
        'feeds/updates.atom.xml has no <link rel="hub"> naming DATELINE_WEBSUB_HUB'
    )


def add_update(project: Path) -> None:
    """Append an update to a story and commit it, as the desk does."""
    story = project / "content" / "water-rate-increase.md"
    with story.open("a", encoding="utf-8") as text:
        text.write(
            '\n::: update 2025-06-03 09:30 "Bills go out"\n'
            "The first bills at the new rates were posted on Tuesday.\n:::\n"
        )
    git("commit", "-qam", "An update", cwd=project)


def test_publish_tells_the_hub_of_the_updates_feed(
    project: Path, tmp_path: Path, start_hub: Callable[..., Hub]
) -> None:
    hub = start_hub(202)
    www = tmp_path / "www"
    rsync_with_hub(project, www, hub)
    done = run_task(project, "publish")
    assert done.returncode == 0, done.stderr
    assert_feeds_name(project, hub)
    told = hub.told()
    assert UPDATES_FEED in told
    # The first publish: every feed naming the hub, once each, by its own rel=self.
    assert sorted(told) == sorted(feeds_naming(project / "output", hub.url).values())
    assert f"→ told the hub at {hub.url} that {UPDATES_FEED} changed" in done.stderr
    assert tree(www) == tree(project / "output")


def test_a_publish_tells_the_hub_only_of_the_feeds_it_changed(
    project: Path, tmp_path: Path, start_hub: Callable[..., Hub]
) -> None:
    hub = start_hub(202)
    rsync_with_hub(project, tmp_path / "www", hub)
    assert run_task(project, "publish").returncode == 0
    assert_feeds_name(project, hub)
    first = len(hub.told())
    assert first

    again = run_task(project, "publish")
    assert again.returncode == 0, again.stderr
    assert len(hub.told()) == first  # nothing changed: nothing told
    assert f"no feed that names the hub at {hub.url} changed" in again.stderr

    before = tree(project / "output")
    add_update(project)
    done = run_task(project, "publish")
    assert done.returncode == 0, done.stderr
    after = tree(project / "output")
    changed = {
        url
        for path, url in feeds_naming(project / "output", hub.url).items()
        if before.get(path) != after[path]
    }
    told = hub.told()[first:]
    assert UPDATES_FEED in told
    assert sorted(told) == sorted(changed)  # and not the feeds the update left alone


def test_no_hub_is_told_when_publish_is_refused_or_the_deploy_fails(
    project: Path, tmp_path: Path, start_hub: Callable[..., Hub]
) -> None:
    hub = start_hub(202)
    name_hub(project, hub.url)
    # As in test_guarantee_destruction: a remote shell whose rsync may not write files
    # over 512 bytes, so the deploy itself fails, part way.
    shell = tmp_path / "small-files-ssh"
    shell.write_text('#!/bin/sh\nshift\nulimit -f 1\nexec "$@"\n', encoding="utf-8")
    shell.chmod(0o755)
    (tmp_path / "live").mkdir()
    dest = f"localhost:{tmp_path / 'live'}/"
    configure(project, RSYNC_SSH=str(shell))
    failed = run_task(project, "publish", "--target", "rsync", "--dest", dest)
    assert_clean_failure(failed)
    assert f"rsync to {dest} failed with status" in failed.stderr

    (project / "content" / "broken.md").write_text(
        article(title="Broken", summary="B.", body="See [the plan](../no-such-plan/)."),
        encoding="utf-8",
    )
    git("add", "-A", cwd=project)
    git("commit", "-qm", "A broken link", cwd=project)
    www = tmp_path / "www"
    refused = run_task(project, "publish", "--target", "rsync", "--dest", f"{www}/")
    assert_clean_failure(refused)
    assert "publish refused: 1 problem(s); nothing was deployed" in refused.stderr
    assert not www.exists()
    assert hub.posts() == []
    assert "told the hub" not in failed.stderr + refused.stderr


def test_a_failing_hub_leaves_the_deploy_in_place_and_says_how_to_tell_it(
    project: Path, tmp_path: Path, start_hub: Callable[..., Hub]
) -> None:
    hub = start_hub(500)
    www = tmp_path / "www"
    rsync_with_hub(project, www, hub)
    done = run_task(project, "publish")
    assert done.returncode == 0, done.stderr  # the site is live: publish did its job
    assert f"rsync: {www}/ now holds the new build" in done.stdout
    assert tree(www) == tree(project / "output")
    assert_feeds_name(project, hub)
    feeds = feeds_naming(project / "output", hub.url)
    assert len(hub.posts()) == 1  # a failing hub is not asked again for each feed
    assert (
        f"deployed; the hub at {hub.url} was not told of {len(feeds)} feed(s): "
        "it answered 500 Internal Server Error; the next publish tells it again, "
        "or tell it now with:"
    ) in done.stderr
    assert (
        f"  curl --fail --data hub.mode=publish --data-urlencode hub.url={UPDATES_FEED} {hub.url}"
    ) in done.stderr.splitlines()
    assert "told the hub at" not in done.stderr
    assert "Traceback" not in done.stderr

    # A hub that is not there at all is said the same way (every feed now names it).
    gone = f"http://127.0.0.1:{free_port()}/hub"
    name_hub(project, gone)
    again = run_task(project, "publish")
    assert again.returncode == 0, again.stderr
    assert f"deployed; the hub at {gone} was not told of " in again.stderr
    assert "it could not be reached (" in again.stderr and "refused" in again.stderr


def told_by_hand(stderr: str, hub: Hub) -> list[str]:
    """The feeds of the ``curl`` lines a failed telling printed, in order."""
    prefix = "  curl --fail --data hub.mode=publish --data-urlencode hub.url="
    return [
        line[len(prefix) : -len(f" {hub.url}")]
        for line in stderr.splitlines()
        if line.startswith(prefix)
    ]


def test_a_preview_in_the_output_folder_does_not_hide_the_feeds_from_the_hub(
    project: Path, tmp_path: Path, start_hub: Callable[..., Hub]
) -> None:
    hub = start_hub(202)
    rsync_with_hub(project, tmp_path / "www", hub)
    previewed = run_task(project, "preview")  # publishconf.py, into output/
    assert previewed.returncode == 0, previewed.stderr
    feeds = feeds_naming(project / "output", hub.url)
    preview = {path: (project / "output" / path).read_bytes() for path in feeds}
    assert hub.posts() == []

    done = run_task(project, "publish")
    assert done.returncode == 0, done.stderr
    # The very bytes the preview left in output/: the hub has never been told of them.
    assert {path: (project / "output" / path).read_bytes() for path in feeds} == preview
    assert UPDATES_FEED in hub.told()
    assert sorted(hub.told()) == sorted(feeds.values())


def test_a_publish_after_a_failing_hub_tells_it_of_the_same_feeds(
    project: Path, tmp_path: Path, start_hub: Callable[..., Hub]
) -> None:
    hub = start_hub(500)
    rsync_with_hub(project, tmp_path / "www", hub)
    failed = run_task(project, "publish")
    assert failed.returncode == 0, failed.stderr
    assert "the next publish tells it again" in failed.stderr
    untold = told_by_hand(failed.stderr, hub)
    assert sorted(untold) == sorted(feeds_naming(project / "output", hub.url).values())
    assert len(hub.posts()) == 1

    hub.answer(202)  # the same hub, at the same address, works again
    done = run_task(project, "publish")  # nothing changed in the site since
    assert done.returncode == 0, done.stderr
    assert hub.told()[1:] == untold
    assert "was not told" not in done.stderr

    again = run_task(project, "publish")
    assert again.returncode == 0, again.stderr
    assert len(hub.told()) == 1 + len(untold)  # told once is enough
    assert f"no feed that names the hub at {hub.url} changed" in again.stderr
    (record,) = (project / ".dateline" / "websub").glob("*.json")
    kept = json.loads(record.read_text("utf-8"))
    assert kept["hub"] == hub.url and sorted(kept["feeds"]) == sorted(untold)


def test_a_hub_failing_part_way_is_told_only_of_the_feeds_it_did_not_accept(
    project: Path, tmp_path: Path, start_hub: Callable[..., Hub]
) -> None:
    hub = start_hub(202, 500)  # accepts the first ping, fails the second
    rsync_with_hub(project, tmp_path / "www", hub)
    failed = run_task(project, "publish")
    assert failed.returncode == 0, failed.stderr
    feeds = sorted(feeds_naming(project / "output", hub.url).values())
    assert len(feeds) > 1
    (accepted, refused) = hub.told()
    assert f"→ told the hub at {hub.url} that {accepted} changed" in failed.stderr
    untold = told_by_hand(failed.stderr, hub)
    assert untold[0] == refused and sorted([accepted, *untold]) == feeds

    hub.answer(202)
    done = run_task(project, "publish")
    assert done.returncode == 0, done.stderr
    assert hub.told()[2:] == untold  # not the one the hub accepted


def test_a_deploy_that_is_not_live_tells_the_hub_nothing_until_it_is(
    project: Path, tmp_path: Path, start_hub: Callable[..., Hub]
) -> None:
    hub = start_hub(202)
    remote = tmp_path / "pages.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=project)
    name_hub(project, hub.url)
    github = ("publish", "--target", "github-pages")

    local = run_task(project, *github, "--no-push", env=GIT_ENV)
    assert local.returncode == 0, local.stderr
    assert "not pushed" in local.stdout
    assert hub.posts() == []
    assert (
        f"→ the hub at {hub.url} is not told: GitHub Pages branch gh-pages was not pushed "
        "(DATELINE_DEPLOY_GITHUB_PUSH = False), so its feeds are not live; "
        "the next publish that pushes tells it"
    ) in local.stderr.splitlines()

    done = run_task(project, *github, env=GIT_ENV)  # the same build, now live
    assert done.returncode == 0, done.stderr
    assert "pushed to origin" in done.stdout
    assert UPDATES_FEED in hub.told()
    assert sorted(hub.told()) == sorted(feeds_naming(project / "output", hub.url).values())
