"""All of Pelican's content model: translations, pages, ``Modified:``, summaries and drafts.

Real Pelican builds (the Dateline theme, and notmyidea for the foreign-theme
cases), a real git repository for the histories, the sitemap checked with
lxml and the feeds with feedparser.
"""

from __future__ import annotations

import json
import logging

import feedparser
import pytest
from conftest import Site, article
from dateline_editor.build import BuildFailed
from dateline_editor.check.run import CheckRun, run_check
from dateline_editor.project import Project
from lxml import etree

FRENCH = {
    "fr": {
        "Published": "Publié",
        "Updated": "Mis à jour",
        "entry": "note",
        "entries": "notes",
        "Revision history": "Historique des modifications",
        "Originally published": "Première publication",
        "View every change": "Voir chaque modification",
        "All updates and corrections": "Toutes les mises à jour et rectifications",
        "Updates and corrections": "Mises à jour et rectifications",
        "correction": "Rectificatif",
        "update": "Mise à jour",
    }
}
EN = article(
    title="Ferry fares",
    date="2018-10-24 09:00",
    slug="ferry-fares",
    body="""
    Fares rise in November.

    ::: correction 2018-10-30 14:05 "Fare corrected"
    The fare is $4.50.
    :::
    """,
)
FR = article(
    title="Tarifs du traversier",
    date="2018-10-24 10:00",
    slug="ferry-fares",
    lang="fr",
    body="""
    Les tarifs augmentent en novembre.

    ::: correction 2018-10-30 15:00 "Tarif rectifié"
    Le tarif est de 4,50 $.
    :::

    ::: update 2018-11-02
    Le premier départ est confirmé.
    :::
    """,
)


@pytest.fixture
def bilingual(site: Site) -> Site:
    site.write("fares.md", EN)
    site.write("fares-fr.md", FR)
    site.commit("publish both", "2018-11-02T12:00:00-04:00")
    site.build(DATELINE_LABELS=FRENCH, ARTICLE_LANG_URL="{slug}-{lang}/",
               ARTICLE_LANG_SAVE_AS="{slug}-{lang}/index.html")  # fmt: skip
    return site


def test_every_translations_entries_are_in_the_updates_log_and_feed(bilingual: Site) -> None:
    log = bilingual.html("updates/index.html")
    items = log.select("ol.revision-log li")
    assert [(li.get("lang"), li.select_one("a")["href"].rsplit("/", 2)[-2:]) for li in items] == [
        ("fr", ["ferry-fares-fr", "#update-2018-11-02"]),
        ("fr", ["ferry-fares-fr", "#correction-2018-10-30"]),
        (None, ["ferry-fares", "#correction-2018-10-30"]),
    ]
    assert {a["hreflang"] for a in log.select("ol.revision-log a")} == {"en", "fr"}
    feed = feedparser.parse((bilingual.output / "feeds" / "updates.atom.xml").read_bytes())
    assert [entry.title_detail.language for entry in feed.entries] == ["fr", "fr", "en"]
    assert len({entry.id for entry in feed.entries}) == 3


def test_a_site_with_translations_has_a_log_per_language(bilingual: Site) -> None:
    french = bilingual.html("fr/updates/index.html")
    assert french.html["lang"] == "fr"
    assert french.h1.get_text() == "Mises à jour et rectifications"
    assert [a["href"].rsplit("#")[1] for a in french.select("ol.revision-log a")] == [
        "update-2018-11-02",
        "correction-2018-10-30",
    ]
    assert not (bilingual.output / "en" / "updates").exists()  # the default language's is updates/


def test_each_translation_has_its_own_history_words_language_and_anchors(bilingual: Site) -> None:
    page = bilingual.html("ferry-fares-fr/index.html")
    assert page.select_one(".dateline").get_text().startswith("Publié")
    assert "Mis à jour" in page.select_one(".dateline").get_text()
    assert page.select_one("#revision-history h2").get_text() == "Historique des modifications"
    labels = [k.get_text() for k in page.select("aside.revision .revision__kind")]
    assert labels == ["Rectificatif", "Mise à jour"]
    assert [a["id"] for a in page.select("aside.revision")] == [
        "correction-2018-10-30",
        "update-2018-11-02",
    ]  # anchors stay KIND-YYYY-MM-DD in every language
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["inLanguage"] == "fr"
    link = page.select_one(".history-link a")
    assert link.get_text() == "Voir chaque modification"
    assert link["href"] == "https://news.example/ferry-fares-fr/history/"
    history = bilingual.html("ferry-fares-fr/history/index.html")
    assert "Tarifs du traversier" in history.h1.get_text()
    english = bilingual.html("ferry-fares/index.html")
    assert (
        english.select_one(".history-link a")["href"] == "https://news.example/ferry-fares/history/"
    )
    alternates = {
        link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"][hreflang]')
    }
    assert alternates == {
        "en": "https://news.example/ferry-fares/",
        "fr": "https://news.example/ferry-fares-fr/",
    }


def test_the_sitemap_lists_translations_with_their_alternates(bilingual: Site) -> None:
    tree = etree.parse(str(bilingual.output / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {
        url.findtext("s:loc", namespaces=ns): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
        }
        for url in tree.findall("s:url", ns)
    }
    pair = {"en": "https://news.example/ferry-fares/", "fr": "https://news.example/ferry-fares-fr/"}
    assert urls["https://news.example/ferry-fares/"] == pair
    assert urls["https://news.example/ferry-fares-fr/"] == pair


def test_check_finds_no_broken_link_on_a_bilingual_site(bilingual: Site) -> None:
    (bilingual.root / "pelicanconf.py").open("a", encoding="utf-8").write(
        f"DATELINE_LABELS = {FRENCH!r}\nARTICLE_LANG_URL = '{{slug}}-{{lang}}/'\n"
        "ARTICLE_LANG_SAVE_AS = '{slug}-{lang}/index.html'\n"
    )
    with CheckRun(Project.load(bilingual.root)) as run:
        assert run_check(run) == []


# --- Modified: keeps Pelican's meaning -----------------------------------------------


def test_modified_without_entries_is_the_updated_time_everywhere(site: Site) -> None:
    site.write(
        "old.md", article(title="Old story", date="2018-10-24 09:00", modified="2019-03-04 12:00")
    )
    site.build()
    feed = feedparser.parse((site.output / "feeds" / "all.atom.xml").read_bytes())
    assert feed.entries[0].updated == "2019-03-04T12:00:00-05:00"
    tree = etree.parse(str(site.output / "sitemap.xml"))
    lastmod = tree.findtext(".//{http://www.sitemaps.org/schemas/sitemap/0.9}lastmod")
    assert lastmod == "2019-03-04T12:00:00-05:00"
    page = site.html("old-story/index.html")
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["dateModified"] == "2019-03-04T12:00:00-05:00"


# --- pages -----------------------------------------------------------------------------

PAGE = article(
    title="About our corrections",
    date="2018-10-20 09:00",
    body="How we correct stories.\n\n::: update 2018-11-01\nWe now date every change.\n:::\n",
)


def test_a_page_with_entries_is_a_story_like_an_article(site: Site) -> None:
    site.write("pages/about.md", PAGE)
    site.commit("the page", "2018-11-01T12:00:00-04:00")
    site.build(PAGE_URL="pages/{slug}/", PAGE_SAVE_AS="pages/{slug}/index.html")
    page = site.html("pages/about-our-corrections/index.html")
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "WebPage" and data["dateModified"] == "2018-11-01T00:00:00-04:00"
    assert (site.output / "pages" / "about-our-corrections" / "history" / "index.html").is_file()
    log = site.html("updates/index.html")
    assert [a["href"] for a in log.select("ol.revision-log a")] == [
        "https://news.example/pages/about-our-corrections/#update-2018-11-01"
    ]


def test_pages_can_be_left_out_of_the_log(site: Site) -> None:
    site.write("pages/about.md", PAGE)
    site.build(DATELINE_UPDATES_PAGES=False)
    assert site.html("updates/index.html").select("ol.revision-log") == []


def test_an_entry_on_a_story_without_a_date_is_refused_at_its_line(site: Site) -> None:
    site.write("pages/about.md", "Title: About us\n\nText.\n\n::: update 2031-01-01\nSoon.\n:::\n")
    with pytest.raises(BuildFailed) as refused:
        site.build(DATELINE_ALLOW_SCHEDULED=True)
    assert refused.value.lines == [
        "content/pages/about.md:5: entry update-2031-01-01 is on a story with no Date:, so "
        "nothing says when it was first published; add a Date: line to its header"
    ]


def test_a_page_entry_is_checked_against_the_clock(site: Site) -> None:
    site.write("pages/about.md", PAGE.replace("2018-11-01", "2099-11-01"))
    with pytest.raises(BuildFailed) as refused:
        site.build()
    assert "is dated in the future" in refused.value.lines[0]


# --- summaries and drafts ----------------------------------------------------------------

OPENING_NOTE = article(
    title="A story that opens with a note",
    body="""
    ::: editors-note 2018-10-25 "Retitled"
    This story was retitled.
    :::

    The harbour authority wants to dredge the north channel before winter.
    """,
)


@pytest.mark.parametrize("theme", ["dateline", "notmyidea"])
def test_a_summary_never_starts_with_an_entrys_label(site: Site, theme: str) -> None:
    if theme != "dateline":
        (site.root / "pelicanconf.py").open("a").write(
            "THEME = 'notmyidea'\nJINJA_ENVIRONMENT = {}\nDIRECT_TEMPLATES = ['index']\n"
        )
    site.write("note.md", OPENING_NOTE)
    site.build()
    page = site.html("a-story-that-opens-with-a-note/index.html")
    description = page.select_one('meta[name="description"]')["content"]
    assert description.startswith("The harbour authority"), description
    if theme == "dateline":
        card = site.html("index.html").select_one(".story-card__summary").get_text(" ").strip()
        assert card.startswith("The harbour authority"), card


def test_drafts_left_out_are_said_once_in_the_build_log(site: Site, caplog) -> None:
    site.write("draft.md", article(title="Draft one", status="draft"))
    site.write("draft2.md", article(title="Draft two", status="draft"))
    with caplog.at_level(logging.WARNING):
        site.build(quiet=False)
    said = [r.getMessage() for r in caplog.records if "DATELINE_WRITE_DRAFTS" in r.getMessage()]
    assert said == [
        "Dateline: 2 draft(s) not written (Pelican writes them to drafts/); set "
        "DATELINE_WRITE_DRAFTS = True to preview them"
    ]
    assert not (site.output / "drafts").exists()
