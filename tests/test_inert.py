"""Inert where unused: content with no entries builds, with Dateline loaded, to the
same files as plain Pelican; Dateline only adds files of its own.

Built with the real ``pelican`` program, with and without the plugin, on the
test content that ships inside the ``pelican`` package and on ours, with
Pelican's built-in themes. Pelican's own output depends on set order, so both
builds run with one ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import feedparser
import pelican
import pytest
from conftest import ROOT

PELICAN = str(Path(sys.executable).with_name("pelican"))
PELICAN_TESTS = Path(pelican.__file__).parent / "tests"
# The files of Pelican's test content that plain Pelican itself cannot build
# (no title, no date, an unknown status, a template no built-in theme has):
# they exist to test its errors, and Dateline refuses what Pelican only logs.
UNBUILDABLE = [
    ".*",
    "empty*.md",
    "*_md_w_filename_meta*",
    "article_with_attributes_containing_double_quotes.html",
    "article_with_comments.html",
    "article_with_null_attributes.html",
    "*_with_template*",
    "bad_page.rst",
]
# Pelican's test content repeats titles (so slugs): each file gets its own page.
SETTINGS = f"""
PATH = {{path!r}}
THEME = {{theme!r}}
PLUGINS = {{plugins!r}}
TIMEZONE = "UTC"
SITEURL = "https://example.org"
DEFAULT_DATE = (2012, 3, 4)
IGNORE_FILES = {UNBUILDABLE!r}
ARTICLE_URL = ARTICLE_SAVE_AS = ARTICLE_LANG_URL = ARTICLE_LANG_SAVE_AS = "{{{{path}}}}.html"
DRAFT_URL = DRAFT_SAVE_AS = DRAFT_LANG_URL = DRAFT_LANG_SAVE_AS = "drafts/{{{{path}}}}.html"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{{{{slug}}}}.atom.xml"
"""
# Dateline's own files: the updates log, its feed and JSON, the sitemap and
# robots.txt, the stylesheet, the record; and each story's feed beside it.
OURS = {
    "updates/index.html",
    "updates/index.json",
    "feeds/updates.atom.xml",
    "sitemap.xml",
    "robots.txt",
    "dateline/dateline.css",
    "dateline/record.json",
}
STORY_FEED = "updates.atom.xml"


def ours(path: str) -> bool:
    return path in OURS or path.endswith(f"/{STORY_FEED}")


CONTENT = {
    "pelican-articles": (PELICAN_TESTS / "content", ""),
    "pelican-pages": (PELICAN_TESTS / "TestPages", 'PAGE_PATHS = ["."]\nARTICLE_PATHS = []\n'),
    "ours": (None, 'PAGE_PATHS = ["pages"]\n'),
}


def build(tmp: Path, name: str, theme: str, plugins: list[str], extra: str) -> dict[str, bytes]:
    shipped, more = CONTENT[name]
    path = tmp / name  # a copy, in no git repository (the venv may sit in one)
    if shipped is not None and not path.exists():
        shutil.copytree(shipped, path)
    elif not path.exists():  # ours: a sample story with no entries, and a page
        (path / "pages").mkdir(parents=True)
        sample = ROOT / "content" / "council-minutes-plain-text.md"
        (path / sample.name).write_bytes(sample.read_bytes())
        (path / "pages" / "about.md").write_text(
            "Title: About us\n\nWe explain Harbour Vale & its council.\n", encoding="utf-8"
        )
    folder = tmp / f"{theme}-{'dateline' if plugins else 'pelican'}-{len(extra)}"
    folder.mkdir()
    settings = folder / "settings.py"
    text = SETTINGS.format(path=str(path), theme=theme, plugins=plugins) + more + extra
    settings.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [PELICAN, "-s", str(settings), "-o", str(folder / "output")],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    output = folder / "output"
    return {
        p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()
    }


# Pelican stamps a feed with no entries with the time of the build.
BUILD_TIME = re.compile(rb"<updated>[0-9T:.+-]+\.[0-9]+[0-9:+-]*</updated>")


def same_ignoring_white_space(one: bytes, two: bytes) -> bool:
    if one == two:
        return True
    one, two = (BUILD_TIME.sub(b"<updated/>", b"".join(text.split())) for text in (one, two))
    return one == two


# Pelican's feeds, as plain Pelican writes them (docs/pelican.md: Dateline fixes them).
AS_PELICAN = "DATELINE_WRITE_DRAFTS = True\nDATELINE_PELICAN_FEEDS = False\n"


@pytest.mark.parametrize("name", list(CONTENT))
@pytest.mark.parametrize("theme", ["notmyidea", "simple"])
def test_content_without_entries_builds_as_plain_pelican_does(tmp_path, name, theme) -> None:
    plain = build(tmp_path, name, theme, [], "")
    with_dateline = build(tmp_path, name, theme, ["dateline"], AS_PELICAN)
    assert plain, "Pelican wrote nothing"
    different = [
        path
        for path in plain
        if not same_ignoring_white_space(plain[path], with_dateline.get(path, b""))
    ]
    assert different == []
    added = set(with_dateline) - set(plain)
    assert {path for path in added if not ours(path)} == set()


def test_pelican_feeds_differ_only_in_their_own_ids_and_languages(tmp_path) -> None:
    """With DATELINE_PELICAN_FEEDS (the default): the same entries, the same entry ids
    (on a site at its domain's root), each feed an id of its own."""
    plain = build(tmp_path, "pelican-articles", "notmyidea", [], "")
    fixed = build(tmp_path, "pelican-articles", "notmyidea", ["dateline"], "")
    feeds = sorted(path for path in plain if path.startswith("feeds/"))
    atom = [path for path in feeds if path.endswith(".atom.xml")]
    assert len(atom) > 2
    ids = set()
    for path in feeds:
        before, after = feedparser.parse(plain[path]), feedparser.parse(fixed[path])
        assert [entry_facts(entry) for entry in after.entries] == [
            entry_facts(entry) for entry in before.entries
        ], path
        if path in atom:
            assert before.feed.id == "https://example.org/"
            ids.add(after.feed.id)
            assert {entry.title_detail.language for entry in after.entries} <= {"en", "fr"}
    assert len(ids) == len(atom)


def entry_facts(entry: Any) -> tuple[Any, ...]:
    content = entry.get("content", [{}])[0].get("value")
    return (entry.id, entry.link, entry.title, entry.get("published"), entry.updated, content)


def test_by_default_drafts_are_not_written_and_only_feeds_differ(tmp_path) -> None:
    plain = build(tmp_path, "pelican-articles", "notmyidea", [], "")
    with_dateline = build(tmp_path, "pelican-articles", "notmyidea", ["dateline"], "")
    drafts = {path for path in plain if path.startswith("drafts/")}
    assert drafts  # Pelican's test content has a draft
    assert set(plain) - set(with_dateline) == drafts
    for path in set(plain) - drafts:
        if not path.startswith("feeds/"):  # fixed, as the test above shows
            assert same_ignoring_white_space(plain[path], with_dateline[path]), path
