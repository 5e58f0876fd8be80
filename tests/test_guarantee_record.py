"""The public record cannot be rewritten, and nothing unpublished is published.

Each test makes a real git repository with the git CLI and builds with strict
history, as ``publishconf.py`` does: a correction removed by a back-dated
commit, by a merge that takes the other side, by a heavy rename or a
``git rm`` and re-add, hidden from git by its index flags, an ignore rule or a
link, or "licensed" by a scheduled ``Amends:``, is refused; a clean merge
that keeps both branches' entries is not. Versions that were drafts, hidden
or not yet due never appear.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import Site, article
from dateline_editor.build import BuildFailed
from task_project import assert_clean_failure, copy_project, git, run_task, tree

STRICT = {"DATELINE_STRICT_HISTORY": True, "DATELINE_REQUIRE_COMMITTED": True}
TEXT = "The council will raise water rates by 4 percent next year."
CORRECTION = '::: correction 2018-10-30 14:05 "Rate corrected"\nThe rate is 4 percent, not 5.\n:::'
NOTE = "::: note 2018-11-01\nThe mayor responded.\n:::"
UPDATE = "::: update 2018-11-02\nThe vote is on Tuesday.\n:::"


def story(*entries: str, date: str = "2018-10-24 09:00", **metadata: str) -> str:
    return article(title="Water rates", date=date, body="\n\n".join([TEXT, *entries]), **metadata)


def refused(site: Site) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        site.build(**STRICT)
    return failure.value.lines


def assert_removed(lines: list[str], anchor: str = "correction-2018-10-30") -> None:
    assert any(
        f"entry {anchor} was published in" in line and "removed" in line for line in lines
    ), lines


@pytest.fixture
def corrected(site: Site) -> Site:
    site.write("rates.md", story())
    site.commit("publish", "2018-10-24T09:00:00-04:00")
    site.write("rates.md", story(CORRECTION))
    site.commit("correct", "2018-10-30T14:10:00-04:00")
    return site


def test_a_back_dated_commit_cannot_remove_a_correction(corrected: Site) -> None:
    corrected.write("rates.md", story())
    corrected.commit("quietly drop it", "2018-10-01T09:00:00-04:00")  # before Date:
    assert_removed(refused(corrected))


def test_a_merge_that_takes_the_other_side_cannot_remove_a_correction(corrected: Site) -> None:
    site = corrected
    site.git("checkout", "-q", "-b", "side", "HEAD~1")  # from before the correction
    site.write("rates.md", story(NOTE))
    site.commit("side note", "2018-11-01T10:00:00-04:00")
    site.git("checkout", "-q", "main")
    site.git("merge", "-q", "-s", "ours", "--no-commit", "side", when="2018-11-01T11:00:00-04:00")
    site.write("rates.md", story(NOTE))  # resolved by taking the side branch's file
    site.commit("merge", "2018-11-01T11:00:00-04:00")
    assert_removed(refused(site))


def test_a_clean_merge_keeping_both_branches_entries_is_accepted(corrected: Site) -> None:
    site = corrected
    site.git("checkout", "-q", "-b", "side", "HEAD~1")
    site.write("rates.md", story(NOTE))
    site.commit("side note", "2018-11-01T10:00:00-04:00")
    site.git("checkout", "-q", "main")
    site.git("merge", "-q", "-s", "ours", "--no-commit", "side", when="2018-11-01T11:00:00-04:00")
    site.write("rates.md", story(CORRECTION, NOTE))  # both, word for word
    site.commit("merge", "2018-11-01T11:00:00-04:00")
    site.build(**STRICT)
    history = site.html("water-rates/history/index.html")
    added = {a["href"].rsplit("#", 1)[1] for a in history.select(".version__added a")}
    assert added == {"correction-2018-10-30", "note-2018-11-01"}


def test_a_heavy_rename_cannot_remove_a_correction(corrected: Site) -> None:
    site = corrected
    (site.root / "content" / "2018").mkdir()
    site.git("mv", "content/rates.md", "content/2018/water.md")
    rewritten = article(
        title="Water rates",
        date="2018-10-24 09:00",
        body="An entirely new text, far below the similarity git needs to see a rename. " * 8,
    )
    site.write("2018/water.md", rewritten)
    site.commit("rewrite and move", "2018-11-03T10:00:00-04:00")
    assert_removed(refused(site))


def test_git_rm_and_a_later_re_add_cannot_remove_a_correction(corrected: Site) -> None:
    site = corrected
    site.write("about.md", article(title="About us", body="Who we are."))
    site.git("rm", "-q", "content/rates.md")
    site.commit("remove", "2018-11-03T10:00:00-04:00")
    site.write("rates-again.md", story())
    site.commit("add it back, without the correction", "2018-11-04T10:00:00-04:00")
    assert_removed(refused(site))


UNCOMMITTED = "has changes that are not committed; commit them first"


@pytest.mark.parametrize("flag", ["--skip-worktree", "--assume-unchanged"])
def test_what_git_status_hides_is_still_uncommitted(corrected: Site, flag: str) -> None:
    corrected.git("update-index", flag, "content/rates.md")
    corrected.write("rates.md", story())  # the correction gone, git status says nothing
    assert corrected.git("status", "--porcelain", "--", "content") == ""
    lines = refused(corrected)
    assert any(UNCOMMITTED in line for line in lines), lines


def test_a_content_file_linked_out_of_the_repository_is_uncommitted(
    corrected: Site, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text(story(), encoding="utf-8")
    target = corrected.root / "content" / "rates.md"
    target.unlink()
    target.symlink_to(outside)
    corrected.commit("link it", "2018-11-03T10:00:00-04:00")
    outside.write_text(story(), encoding="utf-8")  # what Pelican reads: no correction
    lines = refused(corrected)
    assert any(UNCOMMITTED in line for line in lines), lines


def test_an_ignored_content_file_is_uncommitted(corrected: Site) -> None:
    (corrected.root / ".gitignore").write_text("content/secret.md\n", encoding="utf-8")
    corrected.write("secret.md", article(title="Never committed", body="Hidden from git."))
    assert "secret" not in corrected.git("status", "--porcelain", "--untracked-files=all")
    lines = refused(corrected)
    assert any(line.startswith("content/secret.md:1: " + UNCOMMITTED) for line in lines), lines


def test_a_scheduled_amendment_licenses_nothing_before_its_time(corrected: Site) -> None:
    amended = CORRECTION.replace("not 5", "not 6")
    amendment = "::: clarification 2099-01-01\nAmends: correction-2018-10-30\n\nReworded.\n:::"
    corrected.write("rates.md", story(amended, amendment))
    corrected.commit("reword, 'licensed' by a future entry", "2018-11-03T10:00:00-04:00")
    with pytest.raises(BuildFailed) as failure:
        corrected.build(**STRICT, DATELINE_ALLOW_SCHEDULED=True)
    assert any("has since been changed" in line for line in failure.value.lines)


def test_an_entry_cannot_amend_itself(corrected: Site) -> None:
    self_amended = CORRECTION.replace(
        "The rate is 4 percent, not 5.", "Amends: correction-2018-10-30\n\nThe rate is 6 percent."
    )
    corrected.write("rates.md", story(self_amended))
    corrected.commit("reword, 'licensed' by itself", "2018-11-03T10:00:00-04:00")
    assert any("correction-2018-10-30" in line and "has since been changed" in line
               for line in refused(corrected))  # fmt: skip


def test_dropping_a_kind_from_the_settings_does_not_hide_a_removal(corrected: Site) -> None:
    """Old versions are read with every kind, not only the kinds of today's settings."""
    corrected.write("rates.md", story())
    corrected.commit("drop the correction", "2018-11-03T10:00:00-04:00")
    with pytest.raises(BuildFailed) as failure:
        corrected.build(**STRICT, DATELINE_KINDS={"update": "Update", "note": "Note"})
    assert_removed(failure.value.lines)


@pytest.mark.parametrize("status", ["hidden", "published"])
def test_every_page_written_must_be_committed_hidden_or_undated(corrected: Site, status) -> None:
    corrected.write("pages/terms.md", f"Title: Terms\nStatus: {status}\n\nUncommitted terms.\n")
    lines = refused(corrected)
    assert any(line.startswith("content/pages/terms.md:1: " + UNCOMMITTED) for line in lines)


def test_the_record_has_no_setting_to_move_it(site: Site) -> None:
    site.write("rates.md", story(CORRECTION))
    with pytest.raises(BuildFailed) as failure:
        site.build(DATELINE_RECORD_SAVE_AS="elsewhere.json")
    (line,) = failure.value.lines
    assert line.startswith("DATELINE_RECORD_SAVE_AS is no longer a Dateline setting: the record")


def test_no_git_refuses_where_every_text_must_be_committed(site: Site, monkeypatch) -> None:
    site.write("rates.md", story(CORRECTION))
    lines = refused(site)
    assert lines == [
        f"the public record cannot be checked: {site.root / 'content'} is not in a git "
        "repository with commits; these settings need the content in a git repository with "
        "its whole history (clone it whole, or git fetch --unshallow)"
    ]
    monkeypatch.setenv("PATH", os.devnull)
    assert any("git is not installed" in line for line in refused(site))


# --- nothing unpublished becomes a version ---------------------------------------


@pytest.mark.parametrize("status", ["draft", "hidden"])
def test_a_version_that_was_a_draft_or_hidden_is_never_published(site: Site, status: str) -> None:
    site.write("rates.md", story(status=status).replace(TEXT, "SECRET DRAFT WORDING."))
    site.commit(status, "2018-10-25T09:00:00-04:00")
    site.write("rates.md", story())
    site.commit("publish", "2018-10-26T09:00:00-04:00")
    site.write("rates.md", story(CORRECTION))
    site.commit("correct", "2018-10-30T14:10:00-04:00")
    site.build(**STRICT)
    history = site.html("water-rates/history/index.html")
    assert len(history.select("li.version")) == 2
    assert "First published version" in history.select("li.version")[-1].get_text()
    for path in site.output.rglob("*"):
        if path.is_file():
            assert b"SECRET DRAFT" not in path.read_bytes(), path


def test_a_version_whose_date_was_still_to_come_is_the_draft_of_the_first(site: Site) -> None:
    site.write("rates.md", story(date="2018-10-28 09:00").replace(TEXT, "EARLY WORDING."))
    site.commit("scheduled", "2018-10-25T09:00:00-04:00")
    site.write("rates.md", story(date="2018-10-28 09:00"))
    site.commit("final wording, still before Date:", "2018-10-26T09:00:00-04:00")
    site.write("rates.md", story(CORRECTION, date="2018-10-28 09:00"))
    site.commit("correct", "2018-10-30T14:10:00-04:00")
    site.build(**STRICT)
    history = site.html("water-rates/history/index.html")
    times = [time["datetime"] for time in history.select("li.version .version__meta time")]
    assert times == ["2018-10-30T14:10:00-04:00", "2018-10-28T09:00:00-04:00"]
    assert not any(b"EARLY WORDING" in p.read_bytes() for p in site.output.rglob("*.html"))


# --- the record travels with every deploy -----------------------------------------

needs_rsync = pytest.mark.skipif(
    shutil.which("rsync") is None and not os.environ.get("CI"),
    reason="rsync is not installed (.ci/run installs it)",
)


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path]:
    """The sample site in a repository of its own, published once with rsync."""
    project = copy_project(tmp_path / "project", sample_content=True, committed=True)
    www = tmp_path / "www"
    done = run_task(project, "publish", "--target", "rsync", "--dest", f"{www}/")
    assert done.returncode == 0, done.stderr
    assert (www / "dateline" / "record.json").is_file()
    return project, www


def without_the_correction(project: Path) -> None:
    story = project / "content" / "water-rate-increase.md"
    text = story.read_text("utf-8")
    start = text.index("::: correction 2025-05-12")
    end = text.index(":::", start + 3) + 3
    story.write_text(text[:start] + text[end:], "utf-8")


@needs_rsync
@pytest.mark.parametrize("rewrite", ["amend", "fresh history"])
def test_rewritten_git_history_cannot_unpublish_a_correction(published, rewrite) -> None:
    project, www = published
    before = tree(www)
    without_the_correction(project)
    if rewrite == "amend":
        git(project, "commit", "-qa", "--amend", "--no-edit")  # git no longer has it
    else:
        shutil.rmtree(project / ".git")  # a fresh clone of a history without it
        git(project, "init", "-q", "-b", "main")
        git(project, "add", "-A")
        git(project, "commit", "-qm", "Sample site")
    assert run_task(project, "build").returncode == 0  # git alone sees nothing wrong
    done = run_task(project, "publish", "--target", "rsync", "--dest", f"{www}/")
    assert_clean_failure(done)
    assert (
        "content/water-rate-increase.md: entry correction-2025-05-12 of /water-rate-increase/ "
        f"was published (rsync to {www}/ has it) and is not in this build"
    ) in done.stderr
    assert "publish refused: 1 published entry would change or vanish" in done.stderr
    assert tree(www) == before


@needs_rsync
def test_the_last_publish_is_kept_when_the_target_loses_its_record(published) -> None:
    project, www = published
    (www / "dateline" / "record.json").unlink()
    without_the_correction(project)
    git(project, "commit", "-qa", "--amend", "--no-edit")
    done = run_task(project, "publish", "--target", "rsync", "--dest", f"{www}/")
    assert_clean_failure(done)
    assert (
        ".dateline/published/rsync-to-" in done.stderr
        and "(the last publish) has it" in done.stderr
    )


@needs_rsync
def test_a_retraction_on_the_record_lets_the_entry_go(published) -> None:
    project, www = published
    without_the_correction(project)
    story = project / "content" / "water-rate-increase.md"
    story.write_text(
        story.read_text("utf-8")
        + "\n::: editors-note 2025-12-01 08:00\nRetracts: correction-2025-05-12\n\n"
        "The correction of 12 May was itself wrong.\n:::\n",
        "utf-8",
    )
    git(project, "commit", "-qa", "-m", "Retract the correction")
    done = run_task(project, "publish", "--target", "rsync", "--dest", f"{www}/")
    assert done.returncode == 0, done.stderr


@needs_rsync
def test_a_published_entry_cannot_amend_itself_at_publish(published) -> None:
    project, www = published
    story = project / "content" / "water-rate-increase.md"
    text = story.read_text("utf-8")
    start = text.index("::: correction 2025-05-12")
    body = text.index("\n", start) + 1
    story.write_text(text[:body] + "Amends: correction-2025-05-12\n\nReworded.\n" + text[body:])
    git(project, "commit", "-qa", "--amend", "--no-edit")  # git no longer has the old text
    done = run_task(project, "publish", "--target", "rsync", "--dest", f"{www}/")
    assert_clean_failure(done)
    assert "entry correction-2025-05-12 of /water-rate-increase/ was published" in done.stderr
    assert "its text has changed since" in done.stderr


@needs_rsync
def test_the_copy_of_the_last_publish_is_per_target_and_not_a_setting(published, tmp_path) -> None:
    project, www = published
    kept = sorted((project / ".dateline" / "published").iterdir())
    assert [path.name.startswith("rsync-to-") for path in kept] == [True]
    (www / "dateline" / "record.json").unlink()
    without_the_correction(project)
    git(project, "commit", "-qa", "--amend", "--no-edit")
    with (project / "publishconf.py").open("a", encoding="utf-8") as settings:
        settings.write(f"CACHE_PATH = {str(tmp_path / 'other-cache')!r}\n")  # no way around it
    done = run_task(project, "publish", "--target", "rsync", "--dest", f"{www}/")
    assert_clean_failure(done)
    assert "(the last publish) has it" in done.stderr
    other = tmp_path / "other-www"  # another target: its first publish
    done = run_task(project, "publish", "--target", "rsync", "--dest", f"{other}/")
    assert done.returncode == 0, done.stderr
    assert len(list((project / ".dateline" / "published").iterdir())) == 2
