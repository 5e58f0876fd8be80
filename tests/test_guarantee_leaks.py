"""Nothing that is not meant to be public reaches any file of a published build.

Markers are planted in drafts (articles and pages), a hidden article,
scheduled entries (one near the top, where summaries come from; one with
HTML boxes, one of them a stray close; one rescheduled after it was
committed) and uncommitted text; then every file of the build is searched
for them, whatever its type.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import Site, article
from dateline_editor.build import BuildFailed
from task_project import copy_project, run_task, tree

OPEN = article(
    title="Open story",
    date="2018-10-24 09:00",
    body="""
    ::: note 2099-03-01 "SCHEDTITLE"
    SCHEDMARK near the top, where a summary would start.
    :::

    OPENMARK is what readers may see.

    ::: update 2018-10-30
    A published update, OPENENTRY.
    :::

    ::: correction 2099-01-01 09:00
    SCHEDMARK in a scheduled correction.

    <aside>A box typed in HTML.</aside>

    SCHEDMARK after the box.

    </aside>

    SCHEDMARK after a stray close of a box.
    :::
    """,
)
RESCHEDULED = OPEN.replace("::: correction 2099-01-01 09:00", "::: correction 2099-02-01 09:00")
DRAFT = article(
    title="DRAFTMARK story",
    date="2018-10-25 09:00",
    status="draft",
    body="DRAFTMARK text.\n\n::: update 2018-10-30\nDRAFTMARK entry.\n:::\n",
)
DRAFT_PAGE = "Title: DRAFTPAGEMARK\nStatus: draft\n\nDRAFTPAGEMARK text.\n"
HIDDEN = article(
    title="Hidden story",
    date="2018-10-25 09:00",
    status="hidden",
    body="HIDDENMARK text.\n\n::: correction 2018-10-30\nHIDDENMARK entry.\n:::\n",
)
SECRETS = ("DRAFTMARK", "DRAFTPAGEMARK", "SCHEDMARK", "SCHEDTITLE", "2099", "hidden-story")


def everything(output: Path) -> dict[str, str]:
    """Every file of the build as text, whatever its type."""
    return {
        path.relative_to(output).as_posix(): path.read_bytes().decode("utf-8", "replace")
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }


def published_site(site: Site) -> dict[str, str]:
    site.write("open.md", RESCHEDULED)
    site.commit("scheduled for February", "2018-10-26T10:00:00-04:00")
    site.write("open.md", OPEN)  # rescheduled: the February entry is only in that commit
    site.write("draft.md", DRAFT)
    site.write("pages/draft-page.md", DRAFT_PAGE)
    site.write("hidden.md", HIDDEN)
    site.commit("rescheduled", "2018-10-31T10:00:00-04:00")
    cached = {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": str(site.root / "cache"),
    }
    chosen = {"DATELINE_ALLOW_SCHEDULED": True, "DATELINE_STRICT_HISTORY": False, **cached}
    site.build(DATELINE_WRITE_DRAFTS=True, **chosen)  # an editor's preview first, then:
    site.build(**chosen)
    return everything(site.output)


def test_no_secret_is_in_any_file_of_the_build(site: Site) -> None:
    files = published_site(site)
    assert "open-story/history/index.html" in files  # versions from git were written
    assert len([name for name in files if name.startswith("open-story/history/")]) >= 2
    leaks = sorted(
        (name, secret)
        for name, text in files.items()
        for secret in SECRETS
        if secret in text and name != "hidden-story/index.html"
    )
    assert leaks == []
    assert not any("draft" in name for name in files)


def test_hidden_text_is_only_on_its_own_unindexed_page(site: Site) -> None:
    files = published_site(site)
    holding = sorted(name for name, text in files.items() if "HIDDENMARK" in text)
    assert holding == ["hidden-story/index.html"]
    assert '<meta name="robots" content="noindex">' in files["hidden-story/index.html"]


def test_the_scan_sees_what_is_published(site: Site) -> None:
    """The control: published words are found in the page, the log, the feeds, the JSON-LD."""
    files = published_site(site)
    for name in ("open-story/index.html", "feeds/all.atom.xml"):
        assert "OPENMARK" in files[name], name
    for name in ("updates/index.html", "feeds/updates.atom.xml", "open-story/history/index.html"):
        assert "OPENENTRY" in files[name], name
    assert "2018-10-30" in files["sitemap.xml"]


# --- uncommitted text -----------------------------------------------------------------


def test_uncommitted_changes_refuse_a_build_that_requires_commits(site: Site) -> None:
    story = article(title="Open story", body="Text.\n\n::: update 2018-10-30\nOK.\n:::\n")
    site.write("open.md", story)
    site.commit("published", "2018-10-26T10:00:00-04:00")
    site.build(DATELINE_REQUIRE_COMMITTED=True)
    before = tree(site.output)
    site.write("open.md", story + "\nUNSAVEDMARK edit.\n")
    site.write("new.md", article(title="Untracked story", body="UNSAVEDMARK new."))
    with pytest.raises(BuildFailed) as refused:
        site.build(DATELINE_REQUIRE_COMMITTED=True)
    why = (
        "has changes that are not committed; commit them first, so that every text readers "
        "see is a version on the record"
    )
    assert refused.value.lines == [f"content/new.md:1: {why}", f"content/open.md:1: {why}"]
    assert tree(site.output) == before
    site.build()  # writing: the unsaved version is shown, and marked as such
    assert "not yet committed" in (site.output / "open-story/history/index.html").read_text()


def test_publishconf_writes_no_draft_and_no_uncommitted_text(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", sample_content=True)
    (project / "content" / "draft.md").write_text(DRAFT, encoding="utf-8")
    git = ["git", "-c", "user.name=Desk", "-c", "user.email=desk@news.example"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "x"]):
        subprocess.run([*git, *command], cwd=project, check=True, capture_output=True)
    preview = run_task(project, "preview")
    assert preview.returncode == 0, preview.stderr
    assert not [text for text in everything(project / "output").values() if "DRAFTMARK" in text]
    assert run_task(project, "build").returncode == 0  # pelicanconf.py: a local preview
    assert "DRAFTMARK" in (project / "output" / "drafts" / "draftmark-story.html").read_text()

    story = project / "content" / "water-rate-increase.md"
    story.write_text(story.read_text("utf-8") + "\nUNSAVEDMARK\n", encoding="utf-8")
    refused = run_task(project, "preview")
    assert refused.returncode == 1
    assert [line for line in refused.stderr.splitlines() if line.startswith("content/")] == [
        "content/water-rate-increase.md:1: has changes that are not committed; commit them "
        "first, so that every text readers see is a version on the record"
    ]


def test_a_scheduled_entry_with_a_footnote_is_refused(site: Site) -> None:
    """Footnotes print at the end of the article, outside the entry held back."""
    body = "Text.\n\n::: update 2099-01-01\nSCHEDMARK[^1]\n\n[^1]: SCHEDMARK note.\n:::\n"
    site.write("note.md", article(title="Footnote story", body=body))
    with pytest.raises(BuildFailed) as refused:
        site.build(DATELINE_ALLOW_SCHEDULED=True)
    assert refused.value.lines == [
        "content/note.md:6: entry update-2099-01-01 is scheduled (1 Jan 2099) and has a "
        "footnote, which would be public before the entry; put the note in the entry's text"
    ]
