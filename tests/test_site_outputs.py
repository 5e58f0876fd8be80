"""Site-wide outputs of SPEC §2: the updates page, the feeds and the sitemap."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from urllib.parse import urljoin

import pytest
from conftest import Site, article
from dateline_editor.build import BuildFailed

SITEURL = "https://news.example"
OFFSET = re.compile(r"[+-]\d\d:\d\d$")

ALPHA = article(
    title="Alpha story",
    date="2018-10-20 09:00",
    body="""
    Alpha text.

    ::: update 2018-10-30 01:00 +01:00
    Alpha changed late at night in Europe. More text.
    :::

    ::: correction 2018-10-31 "Name fixed"
    We had the *wrong* name.
    :::

    ::: update 2018-11-02 09:00
    Morning update of the day.
    :::

    ::: update 2018-11-02 15:00
    Afternoon update of the day.
    :::
    """,
)
BETA = article(
    title="Beta story",
    date="2018-10-21 09:00",
    body="""
    Beta text.

    ::: note 2018-10-29 22:00 -04:00
    Beta note in the evening.
    :::

    ::: clarification 2018-11-01T12:00Z "What we meant"
    We meant the other pier.
    :::
    """,
)

# Every entry, newest first by instant: (slug, anchor, kind label, article title, summary, time).
# 2018-10-29 22:00-04:00 (02:00Z on the 30th) is *after* 2018-10-30 01:00+01:00 (00:00Z).
# fmt: off
LOG = [
    ("alpha-story", "update-2018-11-02-2", "Update", "Alpha story",
     "Afternoon update of the day.", "2018-11-02T15:00:00-04:00"),
    ("alpha-story", "update-2018-11-02", "Update", "Alpha story",
     "Morning update of the day.", "2018-11-02T09:00:00-04:00"),
    ("beta-story", "clarification-2018-11-01", "Clarification", "Beta story",
     "What we meant", "2018-11-01T08:00:00-04:00"),
    ("alpha-story", "correction-2018-10-31", "Correction", "Alpha story",
     "Name fixed", "2018-10-31T00:00:00-04:00"),
    ("beta-story", "note-2018-10-29", "Note", "Beta story",
     "Beta note in the evening.", "2018-10-29T22:00:00-04:00"),
    ("alpha-story", "update-2018-10-30", "Update", "Alpha story",
     "Alpha changed late at night in Europe.", "2018-10-29T20:00:00-04:00"),
]
# fmt: on
UPDATED = {
    "alpha-story": "2018-11-02T15:00:00-04:00",
    "beta-story": "2018-11-01T08:00:00-04:00",
    "gamma-story": "2018-10-22T09:00:00-04:00",  # no entries: its publication time
}


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def same_instant(value: str, expected: str) -> bool:
    """``value`` has an explicit offset and is the same moment as ``expected``."""
    moment, wanted = datetime.fromisoformat(value), datetime.fromisoformat(expected)
    return bool(OFFSET.search(value)) and moment == wanted


def build_news(site: Site, **overrides) -> None:
    site.write("alpha.md", ALPHA)
    site.write("beta.md", BETA)
    site.write("gamma.md", article(title="Gamma story", date="2018-10-22 09:00"))
    site.write(
        "draft.md",
        article(
            title="Draft story",
            status="draft",
            body="Draft.\n\n::: update 2018-10-28\nDRAFTMARK entry.\n:::\n",
        ),
    )
    site.write(
        "hidden.md",
        article(
            title="Hidden story",
            status="hidden",
            body="Hidden.\n\n::: update 2018-10-28\nHIDDENMARK entry.\n:::\n",
        ),
    )
    site.build(**overrides)


def feed_entries(site: Site) -> list:
    return site.xml("feeds/updates.atom.xml").find_all("entry")


# --- the updates page --------------------------------------------------------


def test_updates_page_lists_every_entry_newest_first_by_instant(site: Site) -> None:
    build_news(site)
    page = site.html("updates/index.html")
    items = page.select("main li[data-revision-kind]")
    assert [item["data-revision-date"] for item in items] == [row[5] for row in LOG]
    for item, (slug, anchor, label, title, summary, iso) in zip(items, LOG, strict=True):
        links = [urljoin(f"{SITEURL}/updates/", a["href"]) for a in item.find_all("a")]
        assert f"{SITEURL}/{slug}/#{anchor}" in links
        assert item.find("time")["datetime"] == iso
        assert label in text(item)
        assert title in text(item)
        assert summary in text(item)


def test_updates_pages_split_the_log_newest_first(site: Site) -> None:
    build_news(site, DATELINE_UPDATES_PER_PAGE=4)
    first, second = site.html("updates/index.html"), site.html("updates/index2.html")
    dates = [
        item["data-revision-date"]
        for page in (first, second)
        for item in page.select("main li[data-revision-kind]")
    ]
    assert dates == [row[5] for row in LOG]
    assert not (site.output / "updates/index3.html").exists()
    assert first.select_one('main a[rel="next"]')["href"] == f"{SITEURL}/updates/index2.html"
    assert first.select_one('main a[rel="prev"]') is None
    assert second.select_one('main a[rel="prev"]')["href"] == f"{SITEURL}/updates/index.html"
    assert second.select_one('main a[rel="next"]') is None
    assert "Page 2 of 2" in text(second.select_one("main .pagination"))
    assert second.h1.get_text() == "Updates and corrections, page 2"
    assert second.title.get_text().startswith("Updates and corrections, page 2 — ")
    assert first.h1.get_text() == "Updates and corrections"
    canonical = [page.select_one('link[rel="canonical"]')["href"] for page in (first, second)]
    assert canonical == [f"{SITEURL}/updates/", f"{SITEURL}/updates/index2.html"]


def test_updates_on_one_page_when_not_paginated(site: Site) -> None:
    build_news(site, DATELINE_UPDATES_PER_PAGE=0)
    page = site.html("updates/index.html")
    assert len(page.select("main li[data-revision-kind]")) == len(LOG)
    assert page.select_one("main .pagination") is None
    assert not (site.output / "updates/index2.html").exists()


def test_updates_page_orders_by_instant_across_the_dst_fold(site: Site) -> None:
    # On 4 Nov 2018 New York saw 01:00-01:59 twice: 01:10 EST is after 01:30 EDT.
    edt = "Text.\n\n::: update 2018-11-04 05:30Z\nFirst 01:30.\n:::\n"
    est = "Text.\n\n::: note 2018-11-04 06:10Z\nSecond 01:10.\n:::\n"
    site.write("edt.md", article(title="Summer time story", body=edt))
    site.write("est.md", article(title="Winter time story", body=est))
    site.build()
    items = site.html("updates/index.html").select("main li[data-revision-kind]")
    assert [item["data-revision-date"] for item in items] == [
        "2018-11-04T01:10:00-05:00",
        "2018-11-04T01:30:00-04:00",
    ]
    entries = feed_entries(site)
    assert [e.find("link")["href"].rsplit("#", 1)[1] for e in entries] == [
        "note-2018-11-04",
        "update-2018-11-04",
    ]


def test_drafts_and_hidden_articles_stay_out_of_site_outputs(site: Site) -> None:
    build_news(site)
    outputs = {
        "updates/index.html": (site.output / "updates/index.html").read_text("utf-8"),
        "feeds/updates.atom.xml": (site.output / "feeds/updates.atom.xml").read_text("utf-8"),
        "sitemap.xml": (site.output / "sitemap.xml").read_text("utf-8"),
    }
    for name, content in outputs.items():
        for leak in (
            "DRAFTMARK",
            "HIDDENMARK",
            "Draft story",
            "Hidden story",
            "draft-story",
            "hidden-story",
        ):
            assert leak not in content, (name, leak)
    assert len(site.html("updates/index.html").select("main li[data-revision-kind]")) == len(LOG)


# --- the Atom feed of entries -------------------------------------------------


def test_updates_feed_has_one_entry_per_revision(site: Site) -> None:
    build_news(site)
    entries = feed_entries(site)
    assert len(entries) == len(LOG)
    for entry, (slug, anchor, _label, _title, _summary, iso) in zip(entries, LOG, strict=True):
        assert entry.find("link")["href"] == f"{SITEURL}/{slug}/#{anchor}"
        for tag in ("published", "updated"):
            value = entry.find(tag).get_text().strip()
            assert same_instant(value, iso), (anchor, tag, value, iso)


def test_updates_feed_content_is_the_entry_body_as_html(site: Site) -> None:
    build_news(site)
    entries = {e.find("link")["href"]: e for e in feed_entries(site)}
    correction = entries[f"{SITEURL}/alpha-story/#correction-2018-10-31"]
    content = correction.find("content")
    assert content["type"] == "html"
    assert "<em>wrong</em>" in content.get_text()
    assert "pier" not in content.get_text()  # only this entry's body


def test_updates_feed_ids_are_stable_distinct_and_not_from_build_time(site: Site) -> None:
    build_news(site)
    first = [e.find("id").get_text().strip() for e in feed_entries(site)]
    site.write("later.md", article(title="Later story", date="2018-11-10 09:00"))
    build_news(site)
    second = [e.find("id").get_text().strip() for e in feed_entries(site)]
    assert first == second
    assert len(set(first)) == len(LOG)  # update-2018-11-02 and -2 differ
    today = date.today()
    for entry_id in first:
        assert today.isoformat() not in entry_id
        assert str(today.year) not in entry_id


# --- the article feed and the sitemap -----------------------------------------


def test_article_feed_updated_is_the_articles_updated_time(site: Site) -> None:
    build_news(site)
    feed = site.xml("feeds/all.atom.xml")
    updated = {
        entry.find("link")["href"]: entry.find("updated").get_text().strip()
        for entry in feed.find_all("entry")
    }
    assert set(updated) == {f"{SITEURL}/{slug}/" for slug in UPDATED}
    for slug, iso in UPDATED.items():
        value = updated[f"{SITEURL}/{slug}/"]
        assert same_instant(value, iso), (slug, value, iso)


def test_sitemap_lastmod_is_each_articles_updated_time(site: Site) -> None:
    build_news(site)
    sitemap = site.xml("sitemap.xml")
    lastmod = {
        url.find("loc").get_text().strip(): url.find("lastmod").get_text().strip()
        for url in sitemap.find_all("url")
        if url.find("lastmod") is not None
    }
    for slug, iso in UPDATED.items():
        value = lastmod[f"{SITEURL}/{slug}/"]
        assert same_instant(value, iso), (slug, value, iso)


# --- scheduled entries ---------------------------------------------------------

SCHEDULED = article(
    title="Scheduled story",
    date="2018-10-20 09:00",
    body="""
    Text.

    ::: update 2018-10-30 10:00
    A past update.
    :::

    ::: correction 2099-01-01 09:00 "SCHEDULEDTITLE"
    SCHEDULEDMARK correction not yet due.
    :::
    """,
)
PAST = "2018-10-30T10:00:00-04:00"


def test_scheduled_entry_stays_out_of_hooks_until_due(site: Site) -> None:
    site.write("s.md", SCHEDULED)
    site.build(DATELINE_ALLOW_SCHEDULED=True)
    page = site.html("scheduled-story/index.html")
    assert [a["id"] for a in page.select("aside.revision")] == ["update-2018-10-30"]
    assert [t["datetime"] for t in page.select(".dt-updated")] == [PAST]
    history = page.select("#revision-history li[data-revision-kind]")
    assert [li["data-revision-date"] for li in history] == [PAST]
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["dateModified"] == PAST
    assert "correction" not in data
    updates = site.html("updates/index.html").select("main li[data-revision-kind]")
    assert [li["data-revision-date"] for li in updates] == [PAST]
    assert len(feed_entries(site)) == 1
    lastmod = site.xml("sitemap.xml").find("lastmod").get_text().strip()
    assert same_instant(lastmod, PAST)


def test_scheduled_entry_leaves_no_trace_in_any_output_file(site: Site) -> None:
    site.write("s.md", SCHEDULED)
    site.build(DATELINE_ALLOW_SCHEDULED=True)
    leaks = sorted(
        (str(path.relative_to(site.output)), word)
        for path in site.output.rglob("*")
        if path.is_file() and path.suffix in {".html", ".xml"}
        for word in ("SCHEDULEDMARK", "SCHEDULEDTITLE", "2099")
        if word in path.read_text("utf-8")
    )
    assert leaks == []


def test_scheduled_entry_is_refused_without_the_setting(site: Site) -> None:
    site.write("s.md", SCHEDULED)
    line = SCHEDULED.splitlines().index('::: correction 2099-01-01 09:00 "SCHEDULEDTITLE"') + 1
    with pytest.raises(BuildFailed) as refused:
        site.build()
    assert len(refused.value.lines) == 1
    assert refused.value.lines[0].startswith(f"content/s.md:{line}: ")
