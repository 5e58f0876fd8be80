"""One instant, one day, everywhere: entries in other offsets and across DST changes.

Entries are written in New York's two offsets around both DST changes, in
Tokyo's and Los Angeles's offsets near midnight, and in UTC. Every output
(the page, its history list, the updates page and feed, JSON-LD, the
sitemap) shows each in the site's zone, with the same day, and orders them
by instant, never by the text as written.
"""

from __future__ import annotations

import json
from datetime import datetime

from bs4 import BeautifulSoup
from conftest import Site, article

# (header as written, anchor, the instant in New York) in document order, not time order.
ENTRIES = [
    ("::: correction 2018-11-05T03:30+09:00", "correction-2018-11-05", "2018-11-04T13:30:00-05:00"),
    ("::: update 2018-11-04T01:30-04:00", "update-2018-11-04", "2018-11-04T01:30:00-04:00"),
    ("::: note 2018-11-04T01:10-05:00", "note-2018-11-04", "2018-11-04T01:10:00-05:00"),
    (
        "::: clarification 2018-11-04T23:30-08:00",
        "clarification-2018-11-04",
        "2018-11-05T02:30:00-05:00",
    ),
    ("::: update 2018-11-06", "update-2018-11-06", "2018-11-06T00:00:00-05:00"),
    ("::: correction 2018-11-06T04:59Z", "correction-2018-11-06", "2018-11-05T23:59:00-05:00"),
    (
        "::: editors-note 2019-03-10T03:01-04:00",
        "editors-note-2019-03-10",
        "2019-03-10T03:01:00-04:00",
    ),
    ("::: note 2019-03-10T01:59-05:00", "note-2019-03-10", "2019-03-10T01:59:00-05:00"),
]
NEWEST_FIRST = sorted(ENTRIES, key=lambda entry: datetime.fromisoformat(entry[2]), reverse=True)


def instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def build(site: Site) -> None:
    body = "Text.\n\n" + "\n".join(
        f"{header}\nEntry {anchor}.\n:::\n" for header, anchor, _ in ENTRIES
    )
    site.write("clock.md", article(title="Clock story", date="2018-11-01 09:00", body=body))
    site.build()


def test_every_output_shows_each_entry_on_its_day_in_the_site_zone(site: Site) -> None:
    build(site)
    page = site.html("clock-story/index.html")
    updates = site.html("updates/index.html")
    feed = site.xml("feeds/updates.atom.xml")
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    corrections = {item["url"].rsplit("#", 1)[1]: item for item in data["correction"]}
    for _, anchor, expected in ENTRIES:
        day = instant(expected).strftime("%-d %b %Y")
        aside = page.select_one(f"aside#{anchor}")
        listed = page.select_one(f'#revision-history a[href="#{anchor}"]').parent
        logged = updates.select_one(f'a[href$="#{anchor}"]').find_parent("li")
        item = next(e for e in feed.find_all("entry") if e.link["href"].endswith(f"#{anchor}"))
        shown = [
            aside["data-revision-date"],
            aside.time["datetime"],
            listed["data-revision-date"],
            listed.time["datetime"],
            logged["data-revision-date"],
            logged.time["datetime"],
            item.published.get_text(),
            item.updated.get_text(),
        ]
        if anchor in corrections:
            shown.append(corrections[anchor]["datePublished"])
        assert set(shown) == {expected}, (anchor, shown)  # same instant, same offset, same day
        for readable in (aside.time, listed.time, logged.time):
            assert readable.get_text().startswith(day), (anchor, readable.get_text())
        assert item.id.get_text().startswith(f"tag:news.example,{expected[:10]}:")


def test_every_list_is_ordered_by_instant_not_by_text(site: Site) -> None:
    build(site)
    expected = [anchor for _, anchor, _ in NEWEST_FIRST]
    page = site.html("clock-story/index.html")
    history = [a["href"][1:] for a in page.select("#revision-history li > a")]
    updates = [a["href"].rsplit("#", 1)[1] for a in site.html("updates/index.html").select(
        "main li a[href*='#']"
    )]  # fmt: skip
    feed = [e.link["href"].rsplit("#", 1)[1] for e in site.xml("feeds/updates.atom.xml")("entry")]
    assert history == updates == feed == expected
    latest = NEWEST_FIRST[0][2]
    assert page.select_one(".dt-updated")["datetime"] == latest
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["dateModified"] == latest
    corrections = [item["datePublished"] for item in data["correction"]]
    assert corrections == sorted(corrections, key=instant)  # oldest first, by instant
    assert site.xml("sitemap.xml").find("lastmod").get_text() == latest
    article_feed = site.xml("feeds/all.atom.xml").find("entry")
    assert instant(article_feed.updated.get_text()) == instant(latest)


def test_archives_file_a_story_under_the_year_it_shows(site: Site) -> None:
    """Published 01:00 on 1 January in Athens is 31 December in New York."""
    site.write("new-year.md", article(title="New year story", date="2019-01-01T01:00+02:00"))
    site.build()
    archives = site.html("archives.html")
    (section,) = archives.select("section.archive-year")
    assert section.h2.get_text() == "2018"
    assert section.time.get_text() == "31 Dec 2018"
    assert section.time["datetime"] == "2018-12-31T18:00:00-05:00"
    page = site.html("new-year-story/index.html")
    assert page.select_one(".dt-published")["datetime"] == "2018-12-31T18:00:00-05:00"
    card = BeautifulSoup((site.output / "index.html").read_text("utf-8"), "html.parser")
    assert card.select_one(".story-card__published time").get_text() == "31 Dec 2018"
