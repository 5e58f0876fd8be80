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
# Dateline's own files: the updates log and its feed, the sitemap, the stylesheet.
OURS = {
    "updates/index.html",
    "feeds/updates.atom.xml",
    "sitemap.xml",
    "dateline/dateline.css",
    "dateline/record.json",
}

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


@pytest.mark.parametrize("name", list(CONTENT))
@pytest.mark.parametrize("theme", ["notmyidea", "simple"])
def test_content_without_entries_builds_as_plain_pelican_does(tmp_path, name, theme) -> None:
    drafts = "DATELINE_WRITE_DRAFTS = True\n"
    plain = build(tmp_path, name, theme, [], "")
    with_dateline = build(tmp_path, name, theme, ["dateline"], drafts)
    assert plain, "Pelican wrote nothing"
    different = [
        path
        for path in plain
        if not same_ignoring_white_space(plain[path], with_dateline.get(path, b""))
    ]
    assert different == []
    assert set(with_dateline) - set(plain) <= OURS


def test_the_one_difference_by_default_is_that_drafts_are_not_written(tmp_path) -> None:
    plain = build(tmp_path, "pelican-articles", "notmyidea", [], "")
    with_dateline = build(tmp_path, "pelican-articles", "notmyidea", ["dateline"], "")
    drafts = {path for path in plain if path.startswith("drafts/")}
    assert drafts  # Pelican's test content has a draft
    assert set(plain) - set(with_dateline) == drafts
    for path in set(plain) - drafts:
        assert same_ignoring_white_space(plain[path], with_dateline[path]), path
