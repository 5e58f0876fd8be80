"""Nothing is destroyed that is not Dateline's own: no output folder over the project,
its content, theme, cache or .git, in any entry point; no replacing a folder no
Dateline build wrote; no rsync --delete into a home, a root or the project; a
failed deploy says what is in place and leaves no holding folders behind.

Real builds (``invoke``, ``dateline``, ``pelican`` in subprocesses) on a copy of
the project, with its git repository; real rsync into real folders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dateline_editor.errors import ToolError
from dateline_editor.publish.rsync import check_rsync, deploy_rsync
from task_project import assert_clean_failure, copy_project, run_task, tree

DATELINE = str(Path(sys.executable).with_name("dateline"))
PELICAN = str(Path(sys.executable).with_name("pelican"))
needs_rsync = pytest.mark.skipif(
    shutil.which("rsync") is None and not os.environ.get("CI"),
    reason="rsync is not installed (.ci/run installs it)",
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "project", sample_content=True)
    (root / "theme" / "templates" / "mine.html").write_text("mine", encoding="utf-8")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "Start"]):
        subprocess.run(
            ["git", *args],
            cwd=root,
            check=True,
            capture_output=True,
            env={**os.environ, "GIT_AUTHOR_NAME": "D", "GIT_AUTHOR_EMAIL": "d@x.example",
                 "GIT_COMMITTER_NAME": "D", "GIT_COMMITTER_EMAIL": "d@x.example"},
        )  # fmt: skip
    return root


def everything(root: Path) -> dict[str, bytes]:
    """Every file of the project but what builds make (output, cache, staging folders)."""
    return {
        path: data
        for path, data in tree(root).items()
        if not path.startswith(("output/", "cache/", ".output-")) and "__pycache__" not in path
    }


DANGEROUS_OUTPUTS = [
    ".",
    "content",
    "theme",
    "cache",
    "..",
    ".git",
    "content/sub",
    "theme/templates",
]


@pytest.mark.parametrize("output", DANGEROUS_OUTPUTS)
@pytest.mark.parametrize("entry_point", ["invoke", "dateline", "pelican"])
def test_no_entry_point_builds_over_the_project(project: Path, entry_point, output) -> None:
    (project / "cache").mkdir(exist_ok=True)
    (project / "content" / "sub").mkdir()
    before = everything(project.parent)
    if entry_point == "invoke":
        done = run_task(project, "build", "--output", output)
    else:
        command = {
            "dateline": [DATELINE, "build", "-o", output],
            "pelican": [PELICAN, "content", "-s", "publishconf.py", "-o", output],  # deletes first
        }[entry_point]
        done = subprocess.run(
            command, cwd=project, capture_output=True, text=True, timeout=120,
            stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(project)},
        )  # fmt: skip
    assert_clean_failure(done)
    (line,) = done.stderr.splitlines()
    assert line.startswith("the output folder ") and "choose a folder of its own" in line, line
    assert everything(project.parent) == before


def test_a_folder_no_dateline_build_wrote_is_not_replaced(project: Path, tmp_path: Path) -> None:
    mine = tmp_path / "photos"
    mine.mkdir()
    (mine / "holiday.jpg").write_bytes(b"\xff\xd8 not a site")
    done = run_task(project, "build", "--output", str(mine))
    assert_clean_failure(done)
    assert "holds files but no record of a Dateline build" in done.stderr
    assert tree(mine) == {"holiday.jpg": b"\xff\xd8 not a site"}
    assert run_task(project, "build", "--output", str(tmp_path / "site")).returncode == 0
    assert run_task(project, "build", "--output", str(tmp_path / "site")).returncode == 0


def test_output_retention_is_kept_across_builds(project: Path) -> None:
    with (project / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write('OUTPUT_RETENTION = ["CNAME", ".well-known"]\n')
    assert run_task(project, "build").returncode == 0
    (project / "output" / "CNAME").write_text("news.example\n", encoding="utf-8")
    (project / "output" / ".well-known").mkdir()
    (project / "output" / ".well-known" / "security.txt").write_text("Contact: x\n", "utf-8")
    (project / "output" / "stray.html").write_text("gone next build", encoding="utf-8")
    assert run_task(project, "build").returncode == 0
    assert (project / "output" / "CNAME").read_text(encoding="utf-8") == "news.example\n"
    assert (project / "output" / ".well-known" / "security.txt").is_file()
    assert not (project / "output" / "stray.html").exists()


def run(project: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=project, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(project)},
    )  # fmt: skip


@pytest.mark.parametrize("entry_point", ["dateline", "pelican"])
def test_an_output_folder_holding_settings_is_refused(project: Path, entry_point) -> None:
    """``pelican -s conf/publishconf.py -o conf`` would empty the settings' folder."""
    (project / "conf").mkdir()
    (project / "conf" / "publishconf.py").write_text(
        (project / "publishconf.py").read_text("utf-8")
        + 'PATH, THEME, CACHE_PATH = "../content", "../theme", "../cache"\n',  # from conf/
        encoding="utf-8",
    )
    before = everything(project.parent)
    command = {
        "dateline": [DATELINE, "-s", "conf/publishconf.py", "build", "-o", "conf"],
        "pelican": [PELICAN, "content", "-s", "conf/publishconf.py", "-o", "conf"],
    }[entry_point]
    done = run(project, *command)
    assert_clean_failure(done)
    (line,) = done.stderr.splitlines()
    assert line.startswith("the output folder ") and "conf" in line, line
    assert "holds a site's settings (publishconf.py)" in line or "settings' folder" in line, line
    assert everything(project.parent) == before


@pytest.mark.parametrize("entry_point", ["invoke", "dateline", "pelican"])
def test_a_link_out_of_the_output_folder_is_refused(project: Path, tmp_path, entry_point) -> None:
    """Pelican writes through links: ``output/updates -> elsewhere`` would overwrite it."""
    assert run_task(project, "build").returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_text("not the site's", encoding="utf-8")
    shutil.rmtree(project / "output" / "updates")
    (project / "output" / "updates").symlink_to(elsewhere, target_is_directory=True)
    (project / "output" / "inside").symlink_to("feeds", target_is_directory=True)  # harmless
    before = everything(project.parent), tree(elsewhere)
    if entry_point == "invoke":
        done = run_task(project, "build")
    elif entry_point == "dateline":
        done = run(project, DATELINE, "build")
    else:
        done = run(project, PELICAN, "content", "-s", "publishconf.py")
    assert_clean_failure(done)
    (line,) = done.stderr.splitlines()
    assert line.endswith("remove the link (Pelican copies static files into the output itself)")
    assert f"output/updates in the output folder is a symbolic link to {elsewhere}:" in line
    assert (everything(project.parent), tree(elsewhere)) == before


# --- rsync --------------------------------------------------------------------------


def test_rsync_destinations_that_delete_would_wreck_are_refused(project: Path, tmp_path) -> None:
    home = os.path.expanduser("~")
    refused = [
        "~", "~/", home, "/", "/.", "//", "/..", "..", ".", "content", str(project),
        str(project / "output"), str(project.parent), "host:", "host:~", "host:~/", "host:.",
        "host:./", "host:..", "user@host:/", "host:/.", "host://", "host:/home/desk",
        "host:/root/", "host:/home", "host::", "rsync://host/",
    ]  # fmt: skip
    os.chdir(project)
    for dest in refused:
        with pytest.raises(ToolError) as error:
            check_rsync(dest, project)
        assert error.value.summary.startswith(f"refusing to rsync --delete into {dest!r}"), dest
    for dest in ("host:/var/www/site/", "host:www/site", str(tmp_path / "www"), "host::site"):
        if shutil.which("rsync"):
            check_rsync(dest, project)


@needs_rsync
def test_a_failed_rsync_says_what_is_in_place_and_leaves_no_holding_folders(
    project: Path, tmp_path: Path
) -> None:
    """Over a remote shell whose receiving rsync may not write files over 512 bytes:
    it fails on the big page, after the small ones went into .~tmp~ to wait."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text("new front page", encoding="utf-8")
    (site / "a" / "index.html").write_text("new a", encoding="utf-8")
    (site / "big.html").write_text("word " * 400, encoding="utf-8")
    www = tmp_path / "www"
    www.mkdir()
    (www / "index.html").write_text("old front page", encoding="utf-8")
    (www / "stale.html").write_text("stale", encoding="utf-8")
    shell = tmp_path / "small-files-ssh"
    shell.write_text('#!/bin/sh\nshift\nulimit -f 1\nexec "$@"\n', encoding="utf-8")
    shell.chmod(0o755)
    with pytest.raises(ToolError) as error:
        deploy_rsync(site, f"localhost:{www}/", project, ssh=str(shell))
    message = error.value.summary
    assert message.startswith(f"rsync to localhost:{www}/ failed with status ")
    assert "0 of the 3 files of the new build are in place" in message, message
    assert "3 are not (the previous version, or none, is still served)" in message
    assert "1 stale files were not deleted" in message
    assert tree(www) == {"index.html": b"old front page", "stale.html": b"stale"}
