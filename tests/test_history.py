"""Git-backed history: versions, diffs, entry links, append-only record, silent edits.

Every test makes a real repository with the git CLI, with fixed commit dates.
"""

from __future__ import annotations

import filecmp
import logging
import os
import pickle
import shutil
import sqlite3
import subprocess
import threading
import zlib
from pathlib import Path

import pytest
from conftest import Site, article
from dateline_editor.build import BuildFailed
from pelican import Pelican
from pelican.plugins.dateline.history import gitlog, prefetch, store
from pelican.plugins.dateline.outputs import generator
from pelican.readers import Readers
from pelican.settings import read_settings

INTRO = (
    "The council will raise water rates by 4 percent next year. The average household "
    "will pay $12.60 more a quarter, the finance office said on Tuesday."
)
VOTE = (
    "Councillors voted 5 to 2 for the increase after a long debate about the cost of "
    "replacing lead pipes in the old town. Residents will recieve a letter in December."
)
CORRECTION = """
::: correction 2018-10-30 14:05 "Quarterly figure corrected"
An earlier version said households would pay $12.60 more a quarter. The figure is $15.10.
:::
"""
REWRITE = (
    "The finance office now says the increase may be phased in over two years, with half "
    "of it arriving in January and the rest the following January, and that households "
    "on the lowest incomes could apply for a discount of up to a third of their bill."
)


def rates(*paragraphs: str, title: str = "How the water-rate rise works") -> str:
    return article(title=title, date="2018-10-24 09:00", body="\n\n".join(paragraphs))


def history_of(site: Site, slug: str):
    return site.html(f"{slug}/history/index.html")


@pytest.fixture
def newsroom(site: Site) -> dict[str, str]:
    """An explainer drafted, published, corrected, typo-fixed, renamed and rewritten."""
    shas = {}
    site.write("rates.md", rates("Draft text to be replaced.", VOTE))
    shas["draft"] = site.commit("draft", "2018-10-24T08:00:00-04:00")
    site.write("rates.md", rates(INTRO, VOTE))
    shas["published"] = site.commit("ready", "2018-10-24T08:30:00-04:00")
    site.write("rates.md", rates(INTRO.replace("$12.60", "$15.10"), VOTE, CORRECTION))
    shas["corrected"] = site.commit("correction", "2018-10-30T14:10:00-04:00")
    site.write(
        "rates.md",
        rates(INTRO.replace("$12.60", "$15.10"), VOTE.replace("recieve", "receive"), CORRECTION),
    )
    shas["typo"] = site.commit("typo", "2018-10-31T10:00:00-04:00")
    site.git("mv", "content/rates.md", "content/water-rates.md")
    shas["renamed"] = site.commit("rename", "2018-11-01T10:00:00-04:00")
    site.write(
        "water-rates.md",
        rates(INTRO.replace("$12.60", "$15.10"), REWRITE, CORRECTION),
    )
    shas["rewritten"] = site.commit("rewrite", "2018-11-02T10:00:00-04:00")
    return shas


def test_history_page_lists_published_versions_newest_first(
    site: Site, newsroom: dict[str, str]
) -> None:
    site.build()
    page = history_of(site, "how-the-water-rate-rise-works")
    keys = [item["id"] for item in page.select("li.version")]
    # The draft is not a version; the rename alone changed nothing readers see.
    assert keys == [
        f"version-{newsroom[name]}" for name in ("rewritten", "typo", "corrected", "published")
    ]
    first = page.select_one(f"#version-{newsroom['published']} time")
    assert first["datetime"] == "2018-10-24T09:00:00-04:00"  # published at Date:, not drafted
    corrected = page.select_one(f"#version-{newsroom['corrected']} time")
    assert corrected["datetime"] == "2018-10-30T14:10:00-04:00"


def test_diff_shows_words_added_and_removed(site: Site, newsroom: dict[str, str]) -> None:
    site.build()
    version = history_of(site, "how-the-water-rate-rise-works").select_one(
        f"#version-{newsroom['corrected']}"
    )
    deleted = [d.get_text(" ", strip=True) for d in version.select(".diff del")]
    inserted = [i.get_text(" ", strip=True) for i in version.select(".diff ins")]
    assert any("$12.60" in text and text.startswith("Removed:") for text in deleted)
    assert any("$15.10" in text and text.startswith("Added:") for text in inserted)
    assert version.select_one(".diff-skip") is not None  # the unchanged vote paragraph
    added = version.select(".version__added a")
    assert [a["href"].rsplit("#", 1)[1] for a in added] == ["correction-2018-10-30"]


def test_each_entry_links_to_the_version_that_added_it(
    site: Site, newsroom: dict[str, str]
) -> None:
    site.build()
    page = site.html("how-the-water-rate-rise-works/index.html")
    item = page.select_one('#revision-history li[data-revision-kind="correction"]')
    link = item.select_one("a.revision-history__version")
    assert link["href"].endswith(f"history/#version-{newsroom['corrected']}")
    every = page.select_one("#revision-history .history-link a")
    assert every.get_text() == "View every change"


def test_older_versions_have_noindex_pages(site: Site, newsroom: dict[str, str]) -> None:
    site.build()
    base = site.output / "how-the-water-rate-rise-works" / "history"
    for name in ("published", "corrected", "typo"):
        page = site.html(f"how-the-water-rate-rise-works/history/{newsroom[name]}/index.html")
        assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert not (base / newsroom["rewritten"]).exists()  # the current one is the article
    old = site.html(f"how-the-water-rate-rise-works/history/{newsroom['published']}/index.html")
    assert "$12.60" in old.get_text()
    assert "$15.10" not in old.get_text()


def test_silent_rewrite_is_flagged_but_a_typo_fix_is_not(
    site: Site, newsroom: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        site.build(quiet=False)
    silent = [r.getMessage() for r in caplog.records if "without adding an entry" in r.message]
    assert len(silent) == 1, silent
    assert silent[0].startswith("content/water-rates.md: commit " + newsroom["rewritten"])


def test_uncommitted_edits_are_the_current_unsaved_version(
    site: Site, newsroom: dict[str, str]
) -> None:
    text = (site.root / "content" / "water-rates.md").read_text()
    site.write("water-rates.md", text.replace("two years", "three years"))
    site.build()
    page = history_of(site, "how-the-water-rate-rise-works")
    newest = page.select_one("li.version")
    assert newest["id"] == "version-unsaved"
    assert "not yet committed" in newest.select_one("h2").get_text()
    assert newest.select_one(".diff ins").get_text(" ", strip=True) == "Added: three"


# --- the append-only record --------------------------------------------------


def published_with_correction(site: Site) -> None:
    site.write("rates.md", rates(INTRO, VOTE, CORRECTION))
    site.commit("published with a correction", "2018-10-30T15:00:00-04:00")


def test_editing_a_published_entry_is_refused(site: Site) -> None:
    published_with_correction(site)
    site.write("rates.md", rates(INTRO, VOTE, CORRECTION.replace("$15.10", "$15.20")))
    with pytest.raises(BuildFailed) as refused:
        site.build()
    sha = site.git("rev-parse", "--short=7", "HEAD")
    line = rates(INTRO, VOTE, CORRECTION).splitlines().index(CORRECTION.strip().splitlines()[0])
    assert refused.value.lines == [
        f"content/rates.md:{line + 1}: entry correction-2018-10-30 was published in {sha} on "
        "2018-10-30 and has since been changed; keep it and append a new entry instead "
        "(to amend it, append an entry whose first line is 'Amends: correction-2018-10-30')"
    ]


def test_removing_a_published_entry_is_refused_even_once_committed(site: Site) -> None:
    published_with_correction(site)
    site.write("rates.md", rates(INTRO, VOTE))
    site.commit("quietly drop the correction", "2018-10-31T09:00:00-04:00")
    with pytest.raises(BuildFailed) as refused:
        site.build()
    assert "entry correction-2018-10-30 was published in" in refused.value.lines[0]
    assert "has since been removed" in refused.value.lines[0]


def test_white_space_changes_to_an_entry_are_accepted(site: Site) -> None:
    published_with_correction(site)
    site.write("rates.md", rates(INTRO, VOTE, CORRECTION.replace(". The", ".\n  The")))
    site.build()


def test_a_visible_retraction_allows_removal_and_shows_in_history(site: Site) -> None:
    published_with_correction(site)
    retraction = (
        '::: editors-note 2018-10-31 09:00 "Correction withdrawn"\n'
        "Retracts: correction-2018-10-30\n\n"
        "Our correction of 30 October was itself wrong: the original figure was right.\n"
        ":::\n"
    )
    site.write("rates.md", rates(INTRO, VOTE, retraction))
    site.commit("retract", "2018-10-31T09:05:00-04:00")
    site.build()
    page = site.html("how-the-water-rate-rise-works/index.html")
    kinds = [
        li["data-revision-kind"] for li in page.select("#revision-history li[data-revision-kind]")
    ]
    assert kinds == ["editors-note"]
    latest = history_of(site, "how-the-water-rate-rise-works").select_one("li.version")
    assert "Correction withdrawn" in latest.select_one(".version__added").get_text()
    assert "$15.10" in " ".join(d.get_text() for d in latest.select(".diff del"))


def test_an_amendment_allows_changing_the_entry(site: Site) -> None:
    published_with_correction(site)
    amended = CORRECTION.replace("$15.10", "$15.20")
    amendment = (
        "::: clarification 2018-10-31\nAmends: [our correction](#correction-2018-10-30)\n\n"
        "The corrected figure was itself mistyped; it is $15.20.\n:::\n"
    )
    site.write("rates.md", rates(INTRO, VOTE, amended, amendment))
    site.build()


def test_strict_history_off_warns_instead(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    published_with_correction(site)
    site.write("rates.md", rates(INTRO, VOTE))
    with caplog.at_level(logging.WARNING):
        site.build(quiet=False, DATELINE_STRICT_HISTORY=False)
    assert any("has since been removed" in r.getMessage() for r in caplog.records)


def test_edits_before_publication_are_drafting(site: Site) -> None:
    site.write(
        "rates.md", rates(INTRO, VOTE, CORRECTION).replace("2018-10-24 09:00", "2018-11-05 09:00")
    )
    site.commit("draft with a note", "2018-11-01T09:00:00-04:00")
    # Dropping it before Date: is fine: nothing was public yet. The entry is now
    # dated before publication, so the draft is rewritten without it.
    site.write("rates.md", rates(INTRO, VOTE).replace("2018-10-24 09:00", "2018-11-05 09:00"))
    site.commit("final draft", "2018-11-02T09:00:00-04:00")
    site.build()
    page = history_of(site, "how-the-water-rate-rise-works")
    assert len(page.select("li.version")) == 1


# --- degrading honestly -------------------------------------------------------


def test_no_repository_builds_without_history(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    site.write("rates.md", rates(INTRO, VOTE, CORRECTION))
    with caplog.at_level(logging.WARNING):
        site.build(quiet=False)
    assert not (site.output / "how-the-water-rate-rise-works" / "history").exists()
    notes = [
        r.getMessage() for r in caplog.records if r.getMessage().startswith("Dateline history")
    ]
    assert len(notes) == 1 and "not in a git repository" in notes[0]
    page = site.html("how-the-water-rate-rise-works/index.html")
    links = [a["href"] for a in page.select(".history-link a")]
    assert links == ["https://news.example/how-the-water-rate-rise-works/updates.atom.xml"]
    assert not page.select('link[rel~="version-history"], link[rel~="timemap"]')


def test_without_git_installed(
    site: Site, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    published_with_correction(site)
    monkeypatch.setenv("PATH", "/nonexistent")
    with caplog.at_level(logging.WARNING):
        site.build(quiet=False)
    assert any("git is not installed" in r.getMessage() for r in caplog.records)
    assert not (site.output / "how-the-water-rate-rise-works" / "history").exists()


def test_shallow_clone_marks_history_incomplete(
    site: Site, newsroom: dict[str, str], tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{site.root}", str(clone)], check=True
    )
    (clone / "pelicanconf.py").write_text((site.root / "pelicanconf.py").read_text())
    shallow = Site(clone)
    with pytest.raises(BuildFailed) as refused:  # strict: the record cannot be checked
        shallow.build()
    assert refused.value.lines == [
        "the public record cannot be checked: this is a shallow clone, which lacks earlier "
        "versions; these settings need the content in a git repository with its whole history "
        "(clone it whole, or git fetch --unshallow)"
    ]
    with caplog.at_level(logging.WARNING):
        shallow.build(quiet=False, DATELINE_STRICT_HISTORY=False)
    assert any("shallow clone" in r.getMessage() for r in caplog.records)
    page = shallow.html("how-the-water-rate-rise-works/history/index.html")
    assert "shallow copy" in page.select_one(".notice").get_text()
    assert len(page.select("li.version")) == 1
    assert not [r for r in caplog.records if "without adding an entry" in r.getMessage()]


def test_history_needs_one_git_log_not_one_per_file(
    site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    for number in range(5):
        site.write(f"story-{number}.md", rates(INTRO, VOTE, title=f"Story {number}"))
    site.commit("five stories", "2018-10-24T08:00:00-04:00")
    # A git on PATH that notes each run: git is run by the build and by the
    # second process that reads the repository while Pelican reads the content.
    shim, log = tmp_path / "bin", tmp_path / "git-runs"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\necho "$3" >> {log}\nexec {shutil.which("git")} "$@"\n')
    (shim / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")

    def runs() -> list[str]:
        verbs = log.read_text().split() if log.exists() else []
        log.unlink(missing_ok=True)
        return verbs

    site.build()
    verbs = runs()
    assert sorted(set(verbs)) == ["cat-file", "log", "ls-tree", "rev-parse"]
    assert len(verbs) <= 5  # one log, one tree: never one process per file
    # HEAD has not moved and every version is known: no log, no tree, no text read again.
    site.build()
    assert sorted(runs()) == ["rev-parse"]
    site.write("story-0.md", rates(INTRO, VOTE, CORRECTION, title="Story 0"))
    site.commit("correction", "2018-10-30T14:10:00-04:00")
    runs()  # the test's own git runs
    site.build()  # a new commit: the log again, and the one new text
    verbs = runs()
    assert sorted(set(verbs)) == ["cat-file", "log", "ls-tree", "rev-parse"]
    assert len(verbs) <= 5
    page = site.html("story-0/history/index.html")
    assert len(page.select("li.version")) == 2


def _cache_rows(cache: Path) -> dict[str, dict[str, object]]:
    """Every render and diff the history cache in ``cache`` holds, unpickled."""
    db = sqlite3.connect(cache / "dateline-history.sqlite")
    try:
        return {
            table: {
                key: pickle.loads(zlib.decompress(value))
                for key, value in db.execute(f"SELECT key, value FROM {table}")
            }
            for table in ("renders", "diffs")
        }
    finally:
        db.close()


def _same_tree(one: Path, other: Path) -> list[str]:
    """The files that differ between two folders (or are in one only)."""
    found = []
    for here, _, names in os.walk(one):
        for name in names:
            path = Path(here, name)
            twin = other / path.relative_to(one)
            if not twin.exists() or not filecmp.cmp(path, twin, shallow=False):
                found.append(str(path.relative_to(one)))
    count = sum(len(names) for _, _, names in os.walk(other))
    return found if count == sum(len(n) for _, _, n in os.walk(one)) else [*found, "(count)"]


def test_the_second_process_renders_every_version_ahead_as_the_build_would(
    site: Site, newsroom: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    site.write("bridge.md", article(title="The bridge closure", body=INTRO))
    site.commit("bridge", "2018-11-03T10:00:00-04:00")
    site.write("bridge.md", article(title="The bridge closure", body=INTRO + CORRECTION))
    site.commit("bridge corrected", "2018-11-04T10:00:00-04:00")
    site.write("ferry.md", article(title="The ferry timetable", body=VOTE))
    site.commit("ferry", "2018-11-05T10:00:00-04:00")  # one version: no page renders it
    # The second process alone, as a new clone's first build starts it: it ends
    # once it has rendered what the cache lacked.
    ahead = tmp_path / "cache-ahead"
    settings = Pelican(read_settings(str(site.root / "pelicanconf.py"))).settings
    Readers(settings)  # as the generator's own start does: Markdown's settings completed
    worker = prefetch.Prefetch({**settings, "CACHE_PATH": str(ahead)})
    assert worker.repository(site.root / "content").files
    assert worker.process.wait() == 0
    worker.close()
    # The build alone, with no second process: what the pages need, made here.
    monkeypatch.setattr(generator, "start_prefetch", lambda settings: None)
    alone = tmp_path / "cache-alone"
    site.build(CACHE_PATH=str(alone))
    needed, made = _cache_rows(alone), _cache_rows(ahead)
    assert len(needed["renders"]) == 6 and len(needed["diffs"]) == 4  # 4 + 2 versions, 1 draft
    for table, rows in needed.items():
        assert {key: made[table].get(key) for key in rows} == rows, table
    ferry = site.git("rev-parse", "HEAD:content/ferry.md").strip()
    assert ferry not in made["renders"]  # its one version: the story's own page, Pelican's
    # A build that finds them made renders none, and writes the same site.
    first = tmp_path / "first-output"
    shutil.copytree(site.output, first)
    shutil.rmtree(site.output)
    monkeypatch.setattr(store.HistoryStore, "_render", None)  # a call would fail
    site.build(CACHE_PATH=str(ahead))
    assert _same_tree(first, site.output) == []


def test_a_blob_stream_left_early_stops_git_and_reads_on_right(site: Site) -> None:
    # More names than a pipe holds, and more text: git blocks on answers nobody
    # reads, and the thread that feeds it the names blocks on git.
    for number in range(2000):
        site.write(f"notes/{number}.md", f"Note {number}: " + "words " * 20)
    site.commit("two thousand notes", "2018-10-24T08:00:00-04:00")
    listing = site.git("ls-tree", "-r", "HEAD", "content/notes")
    blobs = [line.split()[2] for line in listing.splitlines()]
    reader = gitlog.BlobReader(site.root)
    outcome: list[object] = []

    def leave_early() -> None:
        try:
            for _, data in reader.stream(blobs):
                assert data is not None
                raise RuntimeError("the caller fails on the first text")
        except RuntimeError as error:
            outcome.append(error)
        outcome.append(reader.get(blobs[-1]))

    worker = threading.Thread(target=leave_early, daemon=True)
    worker.start()
    worker.join(timeout=300)  # a safety net only: it returns at once, or hangs for good
    assert not worker.is_alive(), "the stream hung"
    # The next read is the blob asked for, not an answer left over from the stream.
    expected = subprocess.run(
        ["git", "cat-file", "blob", blobs[-1]], cwd=site.root, capture_output=True, check=True
    ).stdout
    assert isinstance(outcome[0], RuntimeError) and outcome[1] == expected
    reader.close()


def test_version_pages_can_be_left_out(site: Site, newsroom: dict[str, str]) -> None:
    site.build(DATELINE_VERSION_SAVE_AS="")
    base = site.output / "how-the-water-rate-rise-works" / "history"
    assert sorted(p.name for p in base.iterdir()) == ["index.html", "index.json", "timemap.link"]
    assert "Read this version" not in (base / "index.html").read_text()
    assert "memento" not in (base / "timemap.link").read_text()
    page = site.html("how-the-water-rate-rise-works/index.html")
    assert not page.select('link[rel~="predecessor-version"]')
