"""Builds and publishes are all or nothing, even under SIGKILL.

Real ``invoke build`` / ``invoke publish`` processes are killed with SIGKILL
at random points of a build (a seeded RNG over how many files its staging
folder holds: the kill waits for that condition, not for a number of
seconds), and at every file-system step of putting a finished build in place. Each time,
``output/`` (or the rsync destination) must be byte for byte the previous
site or the complete new one, never a mixture and never missing; leftover
staging folders sit beside ``output/``, never in it, and the next successful
build removes them.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import article
from dateline_editor.spare import SPARE
from task_project import copy_project, git, run_task, tree

SEED = 20181030
KILLS = 8
ARTICLES = 100
PARAGRAPH = "The harbour board voted on the dredging plan after a long debate about costs. " * 12


def write_site(content: Path, version: int) -> None:
    """``ARTICLES`` explainers; version 2 adds an entry to each and one more article."""
    for number in range(ARTICLES + version - 1):
        extra = (
            f"::: note 2018-11-05\nVersion {version} note {number}.\n:::\n" if version > 1 else ""
        )
        body = (
            f"{PARAGRAPH}\n\n{PARAGRAPH}\n\n::: update 2018-10-30\nUpdate {number}.\n:::\n\n"
            f'::: correction 2018-11-02 "Fixed {number}"\nCorrected {number}.\n:::\n\n{extra}'
        )
        source = article(
            title=f"Story number {number}",
            date="2018-10-24 09:00",
            body=body,
            category=f"Section {number % 5}",
            tags=f"tag{number % 7}, harbour",
        )
        (content / f"story-{number}.md").write_text(source, encoding="utf-8")


def start(project: Path, *args: str) -> subprocess.Popen[bytes]:
    """``python -m invoke ARGS`` in its own process group (so a kill takes its children)."""
    return subprocess.Popen(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def staged_files(project: Path, prefix: str, before: set[str]) -> int | None:
    """Files in a new folder named ``prefix*`` (not in ``before``); None while there is none."""
    for path in project.iterdir():
        if path.name.startswith(prefix) and path.name not in before:
            return sum(len(files) for _, _, files in os.walk(path))
    return None


def kill_when_staged(project: Path, task: str, files: int) -> bool:
    """Start ``invoke TASK`` and SIGKILL it once its staging folder holds ``files`` files.

    The kill waits for that condition, never for a number of seconds. True if
    the task was still running when killed (it may have finished first).
    """
    prefix = {"build": ".output-building-", "publish": ".output-publish-"}[task]
    before = {path.name for path in project.iterdir()}
    process = start(project, task)
    deadline = time.monotonic() + 300  # a safety net only
    while process.poll() is None and time.monotonic() < deadline:
        staged = staged_files(project, prefix, before)
        if staged is not None and staged >= files:
            os.killpg(process.pid, signal.SIGKILL)
            return process.wait() == -signal.SIGKILL
        time.sleep(0.002)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail(f"invoke {task}: its staging folder never held {files} files")
    return False


def which(site: dict[str, bytes], old: dict[str, bytes], new: dict[str, bytes]) -> str:
    """ "old" or "new" when ``site`` is byte for byte one of them, else "a mixture"."""
    return "old" if site == old else "new" if site == new else "a mixture"


def leftovers(project: Path) -> list[str]:
    return sorted(path.name for path in project.iterdir() if path.name.startswith(".output-"))


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """A project built at version 1, its content now at version 2, and both sites."""
    project = copy_project(tmp_path_factory.mktemp("kill") / "project")
    write_site(project / "content", 1)
    first = run_task(project, "build", timeout=300)
    assert first.returncode == 0, first.stderr
    old = tree(project / "output")
    write_site(project / "content", 2)
    second = run_task(project, "build", "--output", "new-site", timeout=300)
    assert second.returncode == 0, second.stderr
    new = tree(project / "new-site")
    shutil.rmtree(project / "new-site")
    assert old != new
    return project, old, new


def test_killed_builds_leave_the_previous_site_whole(sites) -> None:
    project, old, new = sites
    rng = random.Random(SEED)
    killed = 0
    for _ in range(KILLS):
        files = rng.randint(0, len(new) - 1)
        killed += kill_when_staged(project, "build", files)
        found = which(tree(project / "output"), old, new)
        assert found != "a mixture", f"output/ is a mixture after a kill at {files} staged files"
        assert not [name for name in os.listdir(project / "output") if name.startswith(".")]
    assert killed >= KILLS // 2, f"only {killed} of {KILLS} builds were still running"
    done = run_task(project, "build", timeout=300)
    assert done.returncode == 0, done.stderr
    assert which(tree(project / "output"), old, new) == "new"
    assert leftovers(project) == []  # the successful build removed the killed builds' folders


# --- a SIGKILL at each step of the swap -------------------------------------------------

STOP_AT_STEP = textwrap.dedent(
    """
    import os, runpy, signal, sys

    STEPS = {"os.rename", "os.replace", "os.chmod", "shutil.rmtree"}
    output = os.path.abspath("output")
    wanted, how = int(sys.argv[1]), getattr(signal, sys.argv[2])
    seen, staging = 0, None

    def stop_at_step(event, args):
        global seen, staging
        if event == "os.mkdir" and staging is None and ".output-building-" in str(args[0]):
            staging = str(args[0])  # this build's own folder (not a dead build's)
        mine = staging is not None and (staging in str(args) or output in str(args))
        if (event in STEPS and mine) or (
            event == "ctypes.dlsym" and args[1] in ("renameat2", "renamex_np")
        ):
            seen += 1
            if seen == wanted:
                os.kill(os.getpid(), how)

    sys.addaudithook(stop_at_step)
    sys.argv = ["invoke", "build"]
    runpy.run_module("invoke", run_name="__main__", alter_sys=True)
    """
)


@pytest.fixture
def stepped(tmp_path: Path) -> tuple[Path, Path, dict, dict]:
    """The sample project built, one entry added, and the site that addition makes."""
    project = copy_project(tmp_path / "project", sample_content=True)
    script = tmp_path / "stop_at_step.py"
    script.write_text(STOP_AT_STEP, encoding="utf-8")
    for _ in range(2):  # the second keeps the first's site as the spare the next ones take
        assert run_task(project, "build").returncode == 0
    assert (project / "cache" / SPARE).is_dir()
    old = tree(project / "output")
    with (project / "content" / "water-rate-increase.md").open("a", encoding="utf-8") as story:
        story.write("\n::: note 2025-06-01\nA note added after the first build.\n:::\n")
    assert run_task(project, "build", "--output", "new-site").returncode == 0
    new = tree(project / "new-site")
    shutil.rmtree(project / "new-site")
    return project, script, old, new


def at_step(project: Path, script: Path, step: int, how: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(script), str(step), how],
        cwd=project,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def test_a_kill_at_any_step_of_the_swap_never_loses_output(stepped) -> None:
    """Before each rename, exchange and removal that puts the new site in place."""
    project, script, old, new = stepped
    step = 0
    while True:
        step += 1
        run = at_step(project, script, step, "SIGKILL")
        _, stderr = run.communicate(timeout=120)
        found = which(tree(project / "output"), old, new)
        assert found != "a mixture", f"output/ is missing or mixed after a kill at step {step}"
        if run.returncode == 0:
            break
        assert run.returncode == -signal.SIGKILL, stderr.decode()
    assert step > 5  # taking the spare, the swap, keeping the spare: each step survived
    assert which(tree(project / "output"), old, new) == "new"
    assert leftovers(project) == []


def test_the_next_build_keeps_the_folder_of_a_build_still_running(stepped) -> None:
    """Stale means unlocked: a concurrent build's folder is not swept away."""
    project, script, _, new = stepped
    paused = at_step(project, script, 1, "SIGSTOP")  # holding its lock, about to swap
    os.waitpid(paused.pid, os.WUNTRACED)
    try:
        running = leftovers(project)
        assert len(running) == 1
        shutil.copytree(project / "theme", project / ".output-building-dead")  # nobody's lock
        done = run_task(project, "build")
        assert done.returncode == 0, done.stderr
        assert leftovers(project) == running  # the paused build's folder stays, the dead one goes
    finally:
        os.kill(paused.pid, signal.SIGCONT)
        paused.communicate(timeout=120)
    assert paused.returncode == 0
    assert which(tree(project / "output"), {}, new) == "new"
    assert leftovers(project) == []


# --- publish sends only a finished, checked build -----------------------------------------


@pytest.mark.skipif(
    shutil.which("rsync") is None, reason="rsync is not installed (.ci/run installs it)"
)
def test_a_killed_publish_never_uploads_part_of_a_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", sample_content=True, committed=True)
    www = tmp_path / "www"
    with (project / "publishconf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"DATELINE_DEPLOY_TARGET = 'rsync'\nDATELINE_DEPLOY_RSYNC_DEST = '{www}/'\n")
    first = run_task(project, "publish")
    assert first.returncode == 0, first.stderr
    deployed = tree(www)
    story = project / "content" / "water-rate-increase.md"
    story.write_text(story.read_text("utf-8") + "\nA paragraph added later.\n", encoding="utf-8")
    git(project, "commit", "-qam", "A paragraph added later")

    rng = random.Random(SEED)
    for _ in range(4):
        files = rng.randint(0, len(deployed) - 1)  # killed while it builds, before it deploys
        assert kill_when_staged(project, "publish", files), "publish finished before the kill"
        assert which(tree(www), deployed, {}) == "old"  # nothing of it reached the server
    done = run_task(project, "publish")
    assert done.returncode == 0, done.stderr
    assert tree(www) == tree(project / "output") != deployed
