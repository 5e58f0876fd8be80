"""Pelican's own sample site (reST articles, pages, ``:lang:`` translations, drafts,
``:modified:``), built by the real ``pelican`` command with its own settings and
Pelican's default theme: first as it is, then with entries in a reST article, a
translation, a Markdown article and a page, in a real git repository.

The sample site is not in Pelican's wheel; it is taken from Pelican's source
distribution of the installed version, downloaded from PyPI once per virtual
environment. Offline, these tests skip saying so (CI requires them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import feedparser
import pelican
import pytest
from conftest import Site
from lxml import etree
from test_inert import ours, same_ignoring_white_space

PELICAN = str(Path(sys.executable).with_name("pelican"))
VERSION = pelican.__version__
DOWNLOADS = Path(sys.prefix) / "dateline-test-downloads"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
ADDED = """
PATH = "content"
PLUGINS = {plugins!r}
DATELINE_ID_AUTHORITY = "blog.notmyidea.org"
DATELINE_WRITE_DRAFTS = {drafts!r}
DATELINE_PELICAN_FEEDS = {feeds!r}
DATELINE_LABELS = {{"fr": {{"Published": "Publié", "correction": "Rectificatif",
                            "Revision history": "Historique des modifications"}}}}
"""


@pytest.fixture(scope="module")
def samples() -> Path:
    """``samples/`` of Pelican's source distribution (content and settings)."""
    folder = DOWNLOADS / f"pelican-{VERSION}" / "samples"
    if folder.is_dir():
        return folder
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--no-binary", ":all:", "-d", str(DOWNLOADS), f"pelican=={VERSION}"],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    archive = DOWNLOADS / f"pelican-{VERSION}.tar.gz"
    if done.returncode != 0 or not archive.is_file():
        why = (
            "Pelican's sample site comes from its sdist on PyPI, not reachable here: "
            + done.stderr.strip()[-300:]
        )
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    with tarfile.open(archive) as sdist:
        members = [
            m for m in sdist.getmembers() if m.name.startswith(f"pelican-{VERSION}/samples/")
        ]
        sdist.extractall(DOWNLOADS, members=members, filter="data")
    return folder


def sample_site(
    samples: Path, root: Path, plugins: list[str], drafts: bool = False, feeds: bool = True
) -> Site:
    """The sample site with ``plugins``; ``feeds=False`` keeps Pelican's feeds as it writes them."""
    root.mkdir(parents=True)
    shutil.copytree(samples / "content", root / "content")
    settings = (samples / "pelican.conf.py").read_text("utf-8")
    settings += ADDED.format(plugins=plugins, drafts=drafts, feeds=feeds)
    (root / "pelicanconf.py").write_text(settings, encoding="utf-8")
    return Site(root)


def pelican_build(site: Site) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PELICAN, "-s", "pelicanconf.py", "-o", "output"],
        cwd=site.root, capture_output=True, text=True, timeout=300,
        stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONHASHSEED": "0"},
    )  # fmt: skip


def files(output: Path) -> dict[str, bytes]:
    return {
        p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()
    }


def append(site: Site, name: str, text: str) -> None:
    path = site.root / "content" / name
    path.write_text(path.read_text("utf-8").rstrip("\n") + "\n\n" + text, encoding="utf-8")


def test_the_sample_site_without_entries_builds_as_plain_pelican_does(samples, tmp_path) -> None:
    plain = sample_site(samples, tmp_path / "plain", [])
    with_dateline = sample_site(
        samples, tmp_path / "dateline", ["dateline"], drafts=True, feeds=False
    )
    for site in (plain, with_dateline):
        done = pelican_build(site)
        assert done.returncode == 0, done.stdout + done.stderr
    before, after = files(plain.output), files(with_dateline.output)
    assert any(path.startswith("drafts/") for path in before)
    assert [p for p in before if not same_ignoring_white_space(before[p], after.get(p, b""))] == []
    assert {path for path in set(after) - set(before) if not ours(path)} == set()


@pytest.fixture
def corrected(samples, tmp_path) -> Site:
    """The sample site committed, then entries added to four of its stories, committed."""
    site = sample_site(samples, tmp_path / "site", ["dateline"])
    site.commit("Pelican's sample site", "2013-11-18T10:00:00+01:00")
    append(
        site,
        "super_article.rst",
        '.. correction:: 2013-11-20 10:00 "Title corrected"\n\n   The title said super.\n',
    )
    append(site, "another_super_article.rst", ".. update:: 2013-11-21\n\n   Why not, indeed.\n")
    append(
        site,
        "another_super_article-fr.rst",
        '.. correction:: 2013-11-22 "Contenu rectifié"\n\n   Le contenu est en français.\n',
    )
    append(site, "cat1/markdown-article.md", "::: note 2013-11-23\nA note in Markdown.\n:::\n")
    page = site.root / "content" / "pages" / "test_page.rst"
    page.write_text(
        page.read_text("utf-8").replace(":category: test", ":category: test\n:date: 2013-11-01"),
        encoding="utf-8",
    )
    append(site, "pages/test_page.rst", ".. update:: 2013-11-24\n\n   The cat is real.\n")
    site.commit("Entries", "2013-11-25T10:00:00+01:00")
    done = pelican_build(site)
    assert done.returncode == 0, done.stdout + done.stderr
    return site


def test_every_story_and_translation_is_in_the_updates_log_and_feed(corrected: Site) -> None:
    log = corrected.html("updates/index.html")
    items = log.select("ol.revision-log li")
    links = [li.select_one("a") for li in items]
    anchors = [(a["hreflang"], a["href"].rsplit("/", 1)[-1]) for a in links]
    assert anchors == [
        ("en", "this-is-a-test-page.html#update-2013-11-24"),
        ("en", "a-markdown-powered-article.html#note-2013-11-23"),
        ("fr", "oh-yeah-fr.html#correction-2013-11-22"),
        ("en", "oh-yeah.html#update-2013-11-21"),
        ("en", "this-is-a-super-article.html#correction-2013-11-20"),
    ]
    french = corrected.html("fr/updates/index.html")
    assert [a["href"].rsplit("/", 1)[-1] for a in french.select("ol.revision-log a")] == [
        "oh-yeah-fr.html#correction-2013-11-22"
    ]
    feed = feedparser.parse((corrected.output / "feeds" / "updates.atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title_detail.language for entry in feed.entries] == ["en", "en", "fr", "en", "en"]


def test_the_sitemap_pairs_each_translation_with_its_alternates(corrected: Site) -> None:
    tree = etree.parse(str(corrected.output / "sitemap.xml"))
    urls = {
        url.findtext("s:loc", namespaces=SITEMAP): {
            (link.get("hreflang"), link.get("href")) for link in url.findall("x:link", SITEMAP)
        }
        for url in tree.getroot().findall("s:url", SITEMAP)
    }
    pair = {("en", "http://blog.notmyidea.org/oh-yeah.html"),
            ("fr", "http://blog.notmyidea.org/oh-yeah-fr.html")}  # fmt: skip
    assert urls["http://blog.notmyidea.org/oh-yeah.html"] == pair
    assert urls["http://blog.notmyidea.org/oh-yeah-fr.html"] == pair
    assert urls["http://blog.notmyidea.org/pages/this-is-a-test-page.html"] == set()


def test_a_translation_has_its_own_page_parts_words_and_history(corrected: Site) -> None:
    page = corrected.html("oh-yeah-fr.html")
    assert page.select_one('[data-dateline="dateline"]').get_text().startswith("Publié")
    assert page.select_one("#revision-history h2").get_text() == "Historique des modifications"
    assert [a["id"] for a in page.select("aside.revision")] == ["correction-2013-11-22"]
    assert "Rectificatif" in page.select_one("aside.revision").get_text()
    # notmyidea links the translations itself (relative, as RELATIVE_URLS asks): not twice
    links = [link["hreflang"] for link in page.select('head link[rel="alternate"][hreflang]')]
    assert links == ["en"]  # the theme's: the other language
    history = corrected.html("oh-yeah-fr/history/index.html")
    assert "Trop bien" in history.get_text()
    assert len(history.select("li.version")) == 2
    assert (corrected.output / "oh-yeah" / "history" / "index.html").is_file()


def test_a_rest_article_keeps_its_modified_and_a_page_is_a_story(corrected: Site) -> None:
    article = corrected.html("this-is-a-super-article.html")
    assert [a["id"] for a in article.select("aside.revision")] == ["correction-2013-11-20"]
    assert article.select_one("time.dt-updated")["datetime"].startswith("2013-11-20T10:00:00")
    assert "<dl" not in str(article.select_one("aside.revision"))
    page = corrected.html("pages/this-is-a-test-page.html")
    assert [a["id"] for a in page.select("aside.revision")] == ["update-2013-11-24"]
    assert json.loads(page.select_one('script[type="application/ld+json"]').string)["@type"] == (
        "WebPage"
    )
    history = corrected.output / "pages" / "this-is-a-test-page" / "history" / "index.html"
    assert history.is_file()
    quiet = corrected.html("unbelievable.html")  # no entries: the theme's page, untouched
    assert quiet.select("[data-dateline]") == []


def test_an_entry_on_the_sample_page_without_a_date_is_refused(samples, tmp_path) -> None:
    """(The sample's DEFAULT_DATE dates every page; without it, the page has no date.)"""
    site = sample_site(samples, tmp_path / "site", ["dateline"])
    with (site.root / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write("DEFAULT_DATE = None\n")
    append(site, "pages/test_page.rst", ".. update:: 2013-11-24\n\n   Soon.\n")
    done = pelican_build(site)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("content/pages/test_page.rst:"), (
        done.stderr
    )
    assert "is on a story with no Date:" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not site.output.exists()
