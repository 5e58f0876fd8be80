"""Incremental builds write exactly what a full build writes, byte for byte.

The editor's loop (``invoke build`` / ``livereload``) builds with Pelican's
content cache, and ``reuse.py`` hard-links every page whose inputs did not
change from the last build. Each step below is built both ways — cached and
incremental into ``output/``, and from nothing (no cache, no earlier output)
into a folder of its own — and the two trees must be identical, file for
file and byte for byte. Nothing in the output depends on the build's time.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2
import pytest
from conftest import ROOT, Site, article
from dateline_editor.build import build_site
from pelican.plugins.dateline.incremental.state import State
from pelican.plugins.dateline.incremental.writer import ReusingWriter

STORIES = {
    "harbour.md": article(
        title="How the harbour vote works",
        date="2018-10-20 09:00",
        body="""
        The council votes on the harbour plan on Tuesday. See also
        [the ferry explainer]({filename}ferry.md).

        ::: update 2018-10-22 10:00 "Vote moved"
        The vote moved to Wednesday.
        :::
        """,
        category="Local government",
        tags="harbour, council",
    ),
    "ferry.md": article(
        title="What the ferry timetable change means",
        date="2018-10-21 09:00",
        body="The ferry leaves at 7:10 from next month.",
        category="Transport",
        tags="ferry",
    ),
    "rates.md": article(
        title="Why water rates rise",
        date="2018-10-19 09:00",
        body="""
        Rates rise 4 percent.

        ::: correction 2018-10-23
        The rise is 4.5 percent, not 4 percent.
        :::
        """,
        category="Local government",
        tags="council, water",
    ),
}


def cached(site: Site) -> dict:
    return {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": str(site.root / "cache"),
        "CONTENT_CACHING_LAYER": "generator",
    }


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes, and every folder (None): a folder left over is a difference."""
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else None
        for path in sorted(folder.rglob("*"))
    }


def full_build(site: Site, name: str) -> dict[str, bytes]:
    """The same site built from nothing: no content cache, no history cache, no output."""
    output = site.root / name
    build_site(
        site.root / "pelicanconf.py",
        output,
        {
            **site.overrides,
            "CACHE_PATH": str(site.root / f"{name}-cache"),
            "DATELINE_HISTORY_CACHE": False,
        },
        quiet=True,
    )
    return tree(output)


def assert_same(incremental: dict[str, bytes | None], full: dict[str, bytes | None]) -> None:
    assert sorted(incremental) == sorted(full)
    different = [name for name in full if incremental[name] != full[name]]
    assert different == []


def touch_later(path: Path) -> None:
    stamp = path.stat().st_mtime + 10
    os.utime(path, (stamp, stamp))


def inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("in_git", [True, False], ids=["git", "no-git"])
def test_incremental_builds_equal_full_builds(site: Site, in_git: bool) -> None:
    for name, text in STORIES.items():
        site.write(name, text)
    if in_git:
        site.commit("publish", "2018-10-23T12:00:00-04:00")
    site.build(**cached(site))
    assert_same(tree(site.output), full_build(site, "full-0"))

    # The editor's most common action: append one entry to one story.
    harbour = site.root / "content" / "harbour.md"
    before = inodes(site.output)
    harbour.write_text(
        harbour.read_text() + "\n::: note 2018-10-24 11:00\nThe agenda is online.\n:::\n"
    )
    touch_later(harbour)
    site.build(**cached(site))
    assert_same(tree(site.output), full_build(site, "full-1"))
    after = inodes(site.output)
    reused = [name for name in after if before.get(name) == after[name]]
    assert "what-the-ferry-timetable-change-means/index.html" in reused  # linked, not rendered
    assert "how-the-harbour-vote-works/index.html" not in reused  # what changed is new
    assert "index.html" not in reused  # it lists the story's updated time

    if in_git:  # commit it: the unsaved version becomes a version on the record
        site.commit("note", "2018-10-24T11:05:00-04:00")
        site.build(**cached(site))
        assert_same(tree(site.output), full_build(site, "full-2"))

    # A new story in a new category changes the navigation of every page.
    site.write(
        "budget.md",
        article(title="The budget in five charts", date="2018-10-25 09:00", category="Budget"),
    )
    if in_git:
        site.commit("budget", "2018-10-25T09:00:00-04:00")
    site.build(**cached(site))
    assert_same(tree(site.output), full_build(site, "full-3"))
    assert (
        b"Budget" in (site.output / "what-the-ferry-timetable-change-means/index.html").read_bytes()
    )

    if not in_git:  # a story taken down: its folder goes, from the spare's folders too
        (site.root / "content" / "budget.md").unlink()
        site.build(**cached(site))
        assert_same(tree(site.output), full_build(site, "full-3b"))
        assert not (site.output / "the-budget-in-five-charts").exists()
        site.write(
            "budget.md",
            article(title="The budget in five charts", date="2018-10-25 09:00", category="Budget"),
        )
        site.build(**cached(site))

    # A settings change: Pelican's cache must be ignored (it is keyed on content
    # files only; livereload does so), and no page of the last build is reused.
    site.overrides["SITENAME"] = "Renamed Explainer"
    site.build(**{**cached(site), "LOAD_CONTENT_CACHE": False})
    full = full_build(site, "full-4")
    assert_same(tree(site.output), full)
    before = inodes(site.output)
    site.build(**cached(site))  # nothing changed: every page is the last build's
    assert_same(tree(site.output), full)
    assert (
        inodes(site.output)["what-the-ferry-timetable-change-means/index.html"]
        == before["what-the-ferry-timetable-change-means/index.html"]
    )


def test_a_file_where_the_last_site_had_a_folder_is_written(site: Site) -> None:
    """The spare's folders (``spare.py``) never stand in a page's way: a page written
    as a file where the last site had a folder is built as from nothing."""
    for name, text in STORIES.items():
        site.write(name, text)
    site.build(**cached(site))
    site.build(**cached(site))  # the site it replaced is now the spare
    assert (site.output / "category").is_dir()
    site.overrides |= {
        "CATEGORY_URL": "sections/{slug}.html",
        "CATEGORY_SAVE_AS": "sections/{slug}.html",
        "CATEGORIES_SAVE_AS": "category",
    }
    site.build(**{**cached(site), "LOAD_CONTENT_CACHE": False})
    assert (site.output / "category").is_file()
    assert_same(tree(site.output), full_build(site, "full"))


def test_full_builds_do_not_depend_on_the_time_of_the_build(site: Site) -> None:
    for name, text in STORIES.items():
        site.write(name, text)
    site.commit("publish", "2018-10-23T12:00:00-04:00")
    first = full_build(site, "first")
    touch_later(site.root / "content" / "ferry.md")
    assert full_build(site, "second") == first


def test_a_page_changed_in_output_is_not_reused(site: Site) -> None:
    for name, text in STORIES.items():
        site.write(name, text)
    site.build(**cached(site))
    page = site.output / "why-water-rates-rise" / "index.html"
    page.unlink()
    page.write_text("edited by hand")  # another file now: it is written afresh
    site.build(**cached(site))
    assert_same(tree(site.output), full_build(site, "full"))


def test_the_page_fingerprint_covers_the_plugins_code_templates_and_stylesheet(
    tmp_path, monkeypatch
) -> None:
    """Every file of the plugin shapes output, and nothing else of the repository does:
    editing the editor tools or the audits re-renders no page."""
    from pelican.plugins.dateline.incremental import fingerprint

    copy = tmp_path / "dateline"
    shutil.copytree(fingerprint._PLUGIN, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "_PLUGIN", copy)
    settings = {"THEME": str(ROOT / "theme"), "THEME_TEMPLATES_OVERRIDES": []}
    before = fingerprint.site_fingerprint(settings)
    for changed in ("templates/dateline/parts/dateline.html", "static/dateline.css", "model.py"):
        with (copy / changed).open("a", encoding="utf-8") as file:
            file.write("\n")
        after = fingerprint.site_fingerprint(settings)
        assert after != before, changed
        before = after
    plugin_files = {path.name for path in copy.rglob("*") if path.is_file()}
    assert not plugin_files & {"audit.py", "cli.py", "commands.py", "livereload.py"}


def test_a_value_described_and_dropped_never_lends_its_key_to_the_next():
    """Descriptions are remembered by object id; CPython gives a freed list's id to
    the next list made, so a value described must stay alive for the whole build."""
    state = State()
    keys = [state.of([[f"page {number}"]]) for number in range(200)]  # each dropped at once
    assert len(set(keys)) == 200
    assert state.of([["page 7"]]) == keys[7]  # the same value, described afresh


def test_the_pages_of_one_loop_share_a_description_only_while_the_context_holds(tmp_path):
    """One loop's pages pass one context, so its values are described once; a value
    replaced between two pages (or one passed as an argument) must change the key."""
    environment = jinja2.Environment(
        loader=jinja2.DictLoader(
            {"page.html": "{{ SITENAME }} {% for item in menu %}{{ item }}{% endfor %}"}
        )
    )
    template = environment.get_template("page.html")
    writer = ReusingWriter(str(tmp_path / "out"), {"CACHE_PATH": str(tmp_path / "cache")})
    context = {"SITENAME": "The Gazette", "menu": ["News", "Explainers"]}

    def inputs(context: dict, **kwargs: object) -> object:
        return writer._page_inputs("page.html", template, context, (), kwargs)

    first = inputs(context)
    assert inputs(dict(context)) == first  # the same values: the same description
    context["menu"] = ["News", "Explainers", "Corrections"]  # a new list in its place
    replaced = inputs(context)
    assert replaced != first
    writer.state = State()  # a live session's new model, same objects: described afresh
    context["menu"].append("Archive")
    appended = inputs(context)
    assert appended != replaced
    assert inputs(context, menu=["News"]) not in (first, replaced, appended)
