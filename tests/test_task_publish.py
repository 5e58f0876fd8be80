"""`invoke publish`: build with publishconf.py, refuse on check problems, deploy it whole.

Each target is exercised for real: rsync into a folder, ghp-import into a
local bare repository read back with git, and S3 over HTTP against moto's
standalone server, started here as its own process on 127.0.0.1.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import article
from task_project import assert_clean_failure, copy_project, free_port, run_task, tree

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Desk",
    "GIT_AUTHOR_EMAIL": "desk@news.example",
    "GIT_COMMITTER_NAME": "Desk",
    "GIT_COMMITTER_EMAIL": "desk@news.example",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
EXPECTED_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "water-rate-increase/index.html": "text/html; charset=utf-8",
    "theme/css/dateline.css": "text/css",
    "feeds/all.atom.xml": "application/atom+xml",
    "feeds/updates.atom.xml": "application/atom+xml",
    "theme/favicon.svg": "image/svg+xml",
    "sitemap.xml": "application/xml",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project with the sample content, as a newsroom would publish it."""
    return copy_project(tmp_path / "project", sample_content=True, committed=True)


def configure(project: Path, **settings: object) -> None:
    """Append DATELINE_DEPLOY_* settings to publishconf.py, as an editor would."""
    with (project / "publishconf.py").open("a", encoding="utf-8") as conf:
        for name, value in settings.items():
            conf.write(f"DATELINE_DEPLOY_{name} = {value!r}\n")


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV},
        capture_output=True, check=True,
    )  # fmt: skip
    return done.stdout.decode("utf-8", errors="replace")


# The README's promise: on a machine without rsync these skip; CI installs it.
needs_rsync = pytest.mark.skipif(
    shutil.which("rsync") is None and not os.environ.get("CI"),
    reason="rsync is not installed (.ci/run installs it)",
)


@needs_rsync
def test_publish_with_rsync_to_a_folder_from_publishconf(project: Path, tmp_path: Path) -> None:
    www = tmp_path / "www"
    (www / "old-story").mkdir(parents=True)
    (www / "old-story" / "index.html").write_text("stale", encoding="utf-8")
    configure(project, TARGET="rsync", RSYNC_DEST=f"{www}/")
    done = run_task(project, "publish")
    assert done.returncode == 0, done.stderr
    assert f"rsync: {www}/ now holds the new build" in done.stdout
    deployed = tree(www)
    assert deployed == tree(project / "output")  # the finished build, whole; stale gone
    assert 'href="https://harbourvale.example/' in deployed["index.html"].decode()  # publishconf


def test_publish_to_github_pages_via_a_bare_repository(project: Path, tmp_path: Path) -> None:
    remote = tmp_path / "pages.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=project)

    local = run_task(project, "publish", "--target", "github-pages", "--no-push", env=GIT_ENV)
    assert local.returncode == 0, local.stderr
    assert "not pushed" in local.stdout
    assert git("--git-dir", str(remote), "branch", "--list", cwd=tmp_path) == ""
    assert git("log", "--format=%s", "gh-pages", cwd=project).strip()

    done = run_task(project, "publish", "--target", "github-pages", env=GIT_ENV)
    assert done.returncode == 0, done.stderr
    assert "GitHub Pages: gh-pages is now" in done.stdout and "pushed to origin" in done.stdout
    assert git("status", "--porcelain", "--untracked-files=no", cwd=project) == ""  # tree untouched

    archive = subprocess.run(
        ["git", "--git-dir", str(remote), "archive", "--format=tar", "gh-pages"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    unpacked = tmp_path / "pages"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(unpacked, filter="data")
    published = tree(unpacked)
    assert published.pop(".nojekyll") == b""
    assert published == tree(project / "output")

    # Each publish is one more commit on top of the remote branch: a plain push, no force.
    again = run_task(project, "publish", "--target", "github-pages", env=GIT_ENV)
    assert again.returncode == 0, again.stderr
    log = git("--git-dir", str(remote), "log", "--format=%s", "gh-pages", cwd=tmp_path)
    assert log.splitlines() == ["Publish The Harbour Vale Explainer"] * 3


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3-compatible server, its own process on 127.0.0.1, stopped afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(endpoint, timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the moto S3 server did not start") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_publish_to_s3_uploads_changes_deletes_stale_and_sets_types(
    project: Path, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.client("s3", endpoint_url=s3_endpoint)
    bucket = f"site-{os.getpid()}-{time.monotonic_ns()}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="news/old-story/index.html", Body=b"stale")
    s3.put_object(Bucket=bucket, Key="elsewhere.txt", Body=b"not ours")
    options = [
        "--target",
        "s3",
        "--bucket",
        bucket,
        "--prefix",
        "news",
        "--endpoint-url",
        s3_endpoint,
    ]

    done = run_task(project, "publish", *options, env=S3_ENV)
    assert done.returncode == 0, done.stderr
    built = tree(project / "output")
    assert f"S3: {len(built)} uploaded, 0 unchanged, 1 deleted" in done.stdout

    objects = {
        item["Key"]: item
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for item in page.get("Contents", [])
    }
    assert set(objects) == {f"news/{name}" for name in built} | {"elsewhere.txt"}
    for name, data in built.items():
        stored = s3.get_object(Bucket=bucket, Key=f"news/{name}")
        assert stored["Body"].read() == data, name
        if name in EXPECTED_TYPES:
            assert stored["ContentType"] == EXPECTED_TYPES[name], name

    # Change one article: only the pages that show it are sent again.
    story = project / "content" / "water-rate-increase.md"
    story.write_text(story.read_text(encoding="utf-8").replace("14,000", "14,500"), "utf-8")
    git("commit", "-qam", "Fix a figure", cwd=project)
    again = run_task(project, "publish", *options, env=S3_ENV)
    assert again.returncode == 0, again.stderr
    rebuilt = tree(project / "output")  # with the new commit's version page
    changed = {name for name, data in rebuilt.items() if built.get(name) != data}
    assert "water-rate-increase/index.html" in changed
    assert f"S3: {len(changed)} uploaded, {len(rebuilt) - len(changed)} unchanged, 0 deleted" in (
        again.stdout
    )


@needs_rsync
def test_publish_refuses_when_check_fails_and_deploys_nothing(
    project: Path, tmp_path: Path
) -> None:
    (project / "content" / "broken.md").write_text(
        article(title="Broken", summary="B.", body="See [the plan](../no-such-plan/)."),
        encoding="utf-8",
    )
    git("add", "-A", cwd=project)
    git("commit", "-qm", "A broken link", cwd=project)
    run_task(project, "build")
    before = tree(project / "output")
    www = tmp_path / "www"
    done = run_task(project, "publish", "--target", "rsync", "--dest", f"{www}/")
    assert_clean_failure(done)
    assert "content/broken.md:5: broken link '../no-such-plan/'" in done.stderr
    assert "publish refused: 1 problem(s); nothing was deployed" in done.stderr
    assert not www.exists()
    assert tree(project / "output") == before
    assert not [p for p in project.iterdir() if p.name.startswith(".output")]  # nothing left over


def test_publish_has_help(project: Path) -> None:
    done = run_task(project, "--help", "publish")
    assert done.returncode == 0
    for option in ("--target", "--dest", "--bucket", "--endpoint-url", "--branch", "--no-push"):
        assert option in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no deploy target: set DATELINE_DEPLOY_TARGET"),
        (["--target", "ftp"], "unknown deploy target 'ftp'"),
        (["--target", "s3"], "needs DATELINE_DEPLOY_S3_BUCKET"),
        (["--target", "rsync", "--dest", "/"], "refusing to rsync --delete into '/'"),
        (["--target", "rsync", "--dest", "host:~"], "refusing to rsync --delete into 'host:~'"),
    ],
)
def test_publish_says_what_is_missing(project: Path, args: list[str], message: str) -> None:
    done = run_task(project, "publish", *args)
    assert_clean_failure(done)
    assert message in done.stderr
