"""`invoke new`: a new explainer with a complete header and Date: now, never overwriting."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateline_editor.build import build_site
from pelican.plugins.dateline.entries.header import read_header
from task_project import assert_clean_failure, copy_project, run_task

ZONE = ZoneInfo("America/New_York")  # pelicanconf.py's TIMEZONE


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def test_new_writes_a_complete_header_dated_now_and_builds(project: Path) -> None:
    before = datetime.now(ZONE).replace(second=0, microsecond=0)
    done = run_task(
        project,
        "new",
        "What the harbour vote means",
        "--category", "Local government",
        "--tags", "harbour,  vote ,council",
        "--summary", "The council votes on the harbour plan.",
    )  # fmt: skip
    after = datetime.now(ZONE)
    assert done.returncode == 0, done.stderr
    path = project / "content" / "what-the-harbour-vote-means.md"
    assert done.stdout.strip() == "created content/what-the-harbour-vote-means.md"
    fields, end = read_header(path.read_text(encoding="utf-8"))
    assert fields == {
        "title": "What the harbour vote means",
        "date": fields["date"],
        "category": "Local government",
        "tags": "harbour, vote, council",
        "slug": "what-the-harbour-vote-means",
        "authors": "Dateline Sample Newsroom",
        "summary": "The council votes on the harbour plan.",
    }
    stamped = datetime.strptime(fields["date"], "%Y-%m-%d %H:%M").replace(tzinfo=ZONE)
    assert before <= stamped <= after  # this minute, in the site's zone
    assert path.read_text(encoding="utf-8").splitlines()[end] == ""

    # An editor can append an entry to it and build it at once.
    entry = run_task(project, "entry", str(path), "--kind", "update", "--text", "The vote is set.")
    assert entry.returncode == 0, entry.stderr
    build_site(project / "pelicanconf.py", project / "output", quiet=True)
    page = project / "output" / "what-the-harbour-vote-means" / "index.html"
    assert 'data-revision-kind="update"' in page.read_text(encoding="utf-8")


def test_new_never_overwrites_a_file_or_reuses_a_slug(project: Path) -> None:
    existing = project / "content" / "harbour.md"
    existing.write_text(
        "Title: Harbour story\nDate: 2025-01-02 09:00\nSlug: harbour-vote\n\nText.\n"
    )
    assert run_task(project, "new", "Harbour vote").returncode != 0  # slug owned by harbour.md
    first = run_task(project, "new", "Ferry times")
    assert first.returncode == 0, first.stderr
    ferry = project / "content" / "ferry-times.md"
    written = ferry.read_bytes()

    again = run_task(project, "new", "Ferry times", "--summary", "Different")
    assert_clean_failure(again)
    assert "content/ferry-times.md: already exists" in again.stderr
    assert ferry.read_bytes() == written

    taken = run_task(project, "new", "Harbour vote")
    assert_clean_failure(taken)
    assert "content/harbour.md: already uses the slug 'harbour-vote'" in taken.stderr
    assert sorted(p.name for p in (project / "content").iterdir()) == [
        "ferry-times.md",
        "harbour.md",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "  "], "the title is empty"),
        (["new", "A story", "--slug", "Not A Slug"], "is not a slug"),
    ],
)
def test_new_refuses_what_it_cannot_write(project: Path, args: list[str], message: str) -> None:
    done = run_task(project, *args)
    assert_clean_failure(done)
    assert message in done.stderr
    assert list((project / "content").iterdir()) == []


def test_new_has_help(project: Path) -> None:
    done = run_task(project, "--help", "new")
    assert done.returncode == 0
    for option in ("--category", "--tags", "--slug", "--summary"):
        assert option in done.stdout
