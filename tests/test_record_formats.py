"""The record, machine-readable: story feeds, version links, TimeMaps, history JSON.

One explainer is drafted, published, corrected and updated in a real git
repository; the site is built with Pelican and every new output is read
with the library a consumer would use: feeds with feedparser and the RFC
4287 schema, TimeMaps with an RFC 6690 parser, JSON with its JSON Schema
(docs/schemas/), JSON-LD with extruct, microformats with mf2py, the
sitemap with the sitemaps.org schema.
"""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import extruct
import feedparser
import jsonschema
import mf2py
import pytest
from conftest import ROOT, Site, article
from validators import parse_link_format, validate_atom, validate_sitemap

SCHEMAS = ROOT / "docs" / "schemas"
ORIGIN = "https://news.example"
PUBLISHED = "Councillors approved a 4 percent rise in water rates on Tuesday night."
CORRECTION = """
::: correction 2018-10-30 14:05 "Quarterly figure corrected"
An earlier version said households would pay $12.60 more a quarter. It is $15.10.
:::
"""
UPDATE = """
::: update 2018-11-02 09:30
The finance office published the new tariff table.
:::
"""


def rates(*blocks: str, **metadata: str) -> str:
    return article(title="How the water-rate rise works", body="\n".join(blocks), **metadata)


@pytest.fixture
def record_site(site: Site) -> dict[str, str]:
    """A draft, then three published versions (as published, corrected, updated),
    and a second story with no entries."""
    shas = {}
    site.write("rates.md", rates("Draft text.", status="draft"))
    shas["draft"] = site.commit("draft", "2018-10-23T10:00:00-04:00")
    site.write("rates.md", rates(PUBLISHED, image="images/rates.jpg"))
    site.write("ferry.md", article(title="Ferry timetable", body="The ferry runs hourly."))
    shas["published"] = site.commit("publish", "2018-10-24T09:30:00-04:00")
    site.write("rates.md", rates(PUBLISHED, CORRECTION, image="images/rates.jpg"))
    shas["corrected"] = site.commit("correct", "2018-10-30T14:10:00-04:00")
    site.write("rates.md", rates(PUBLISHED, CORRECTION, UPDATE, image="images/rates.jpg"))
    shas["updated"] = site.commit("update", "2018-11-02T09:40:00-04:00")
    site.build()
    return shas


def rels(page, rel: str) -> list[str]:
    return [link["href"] for link in page.find_all("link") if rel in link.get("rel", [])]


def path_of(address: str) -> str:
    return urlsplit(address).path


def atom(site: Site, name: str = "feeds/all.atom.xml") -> feedparser.FeedParserDict:
    """The feed at ``name``, valid against RFC 4287's schema, as feedparser reads it."""
    raw = (site.output / name).read_bytes()
    validate_atom(raw)
    return feedparser.parse(raw)


# --- follow this story ------------------------------------------------------


def test_each_story_has_its_own_feed_with_the_updates_feeds_ids(
    site: Site, record_site: dict[str, str]
) -> None:
    feed = atom(site, "how-the-water-rate-rise-works/updates.atom.xml")
    assert not feed.bozo
    assert [entry.link for entry in feed.entries] == [
        f"{ORIGIN}/how-the-water-rate-rise-works/#update-2018-11-02",
        f"{ORIGIN}/how-the-water-rate-rise-works/#correction-2018-10-30",
    ]
    site_wide = feedparser.parse((site.output / "feeds" / "updates.atom.xml").read_bytes())
    assert {entry.id for entry in feed.entries} == {entry.id for entry in site_wide.entries}
    assert feed.feed.id != site_wide.feed.id
    page = site.html("how-the-water-rate-rise-works/index.html")
    (alternate,) = [
        link
        for link in page.find_all("link", type="application/atom+xml")
        if "how-the-water-rate-rise-works" in link["href"]
    ]
    assert alternate["rel"] == ["alternate"]
    visible = page.select_one("#revision-history a.story-feed-link")
    assert path_of(visible["href"]) == path_of(alternate["href"])


def test_a_story_without_entries_has_an_empty_feed_to_follow(
    site: Site, record_site: dict[str, str]
) -> None:
    feed = atom(site, "ferry-timetable/updates.atom.xml")
    assert feed.entries == []
    # Its time is the story's, not the build's.
    assert feed.feed.updated == "2018-10-24T09:00:00-04:00"


def test_story_feeds_can_be_left_out(site: Site, record_site: dict[str, str]) -> None:
    site.build(DATELINE_STORY_FEED_PATH="")
    assert [path.parent.name for path in site.output.rglob("*.atom.xml")] == ["feeds", "feeds"]
    assert not (site.output / "how-the-water-rate-rise-works/updates.atom.xml").exists()
    page = site.html("how-the-water-rate-rise-works/index.html")
    assert not page.select("a.story-feed-link")
    assert [link["href"] for link in page.find_all("link", type="application/atom+xml")] == [
        f"{ORIGIN}/feeds/all.atom.xml",
        f"{ORIGIN}/feeds/updates.atom.xml",
    ]


# --- version link relations (RFC 5829) --------------------------------------


def test_story_and_version_pages_link_each_other(site: Site, record_site: dict[str, str]) -> None:
    base = f"{ORIGIN}/how-the-water-rate-rise-works"
    corrected, published = record_site["corrected"], record_site["published"]
    page = site.html("how-the-water-rate-rise-works/index.html")
    assert rels(page, "version-history") == [f"{base}/history/"]
    assert rels(page, "predecessor-version") == [f"{base}/history/{corrected}/"]
    newer = site.html(f"how-the-water-rate-rise-works/history/{corrected}/index.html")
    assert rels(newer, "latest-version") == rels(newer, "original") == [f"{base}/"]
    assert rels(newer, "version-history") == [f"{base}/history/"]
    assert rels(newer, "successor-version") == [f"{base}/"]
    assert rels(newer, "predecessor-version") == [f"{base}/history/{published}/"]
    oldest = site.html(f"how-the-water-rate-rise-works/history/{published}/index.html")
    assert rels(oldest, "successor-version") == [f"{base}/history/{corrected}/"]
    assert rels(oldest, "predecessor-version") == []
    for each in (
        page,
        newer,
        oldest,
        site.html("how-the-water-rate-rise-works/history/index.html"),
    ):
        assert rels(each, "timemap") == [f"{base}/history/timemap.link"]
    # Every link leads to a file of the build.
    for href in {*rels(page, "predecessor-version"), *rels(newer, "predecessor-version")}:
        assert (site.output / path_of(href).strip("/") / "index.html").is_file()


def test_the_draft_version_is_in_no_record(site: Site, record_site: dict[str, str]) -> None:
    draft = record_site["draft"]
    for path in site.output.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".link", ".xml"}:
            assert draft not in path.read_text("utf-8"), path
    assert not (site.output / "how-the-water-rate-rise-works" / "history" / draft).exists()


# --- Memento TimeMap (RFC 7089) ---------------------------------------------


def test_the_timemap_lists_every_older_version_as_a_memento(
    site: Site, record_site: dict[str, str]
) -> None:
    base = f"{ORIGIN}/how-the-water-rate-rise-works"
    text = (site.output / "how-the-water-rate-rise-works/history/timemap.link").read_text()
    links = parse_link_format(text)
    by_rel = {rel: link for link in links for rel in link.rels}
    assert by_rel["original"].target == f"{base}/"
    assert by_rel["self"].target == f"{base}/history/timemap.link"
    assert by_rel["self"].params["type"] == "application/link-format"
    mementos = [link for link in links if "memento" in link.rels]
    assert [path_of(link.target) for link in mementos] == [
        f"/how-the-water-rate-rise-works/history/{record_site['published']}/",
        f"/how-the-water-rate-rise-works/history/{record_site['corrected']}/",
    ]
    assert "first" in mementos[0].rels and "last" in mementos[-1].rels
    times = [parsedate_to_datetime(link.params["datetime"]) for link in mementos]
    # Public from the article's Date: (09:00), and when the correction was committed.
    assert [moment.isoformat() for moment in times] == [
        "2018-10-24T13:30:00+00:00",
        "2018-10-30T18:10:00+00:00",
    ]
    assert by_rel["self"].params["from"] == mementos[0].params["datetime"]
    assert by_rel["self"].params["until"] == mementos[-1].params["datetime"]
    for link in mementos:
        assert (site.output / path_of(link.target).strip("/") / "index.html").is_file()


def test_a_headers_file_gives_version_pages_memento_headers(
    site: Site, record_site: dict[str, str]
) -> None:
    site.build(DATELINE_HEADERS_PATH="_headers")
    rules: dict[str, dict[str, str]] = {}
    for line in (site.output / "_headers").read_text().splitlines():
        if line and not line.startswith(" "):
            current = rules.setdefault(line, {})
        elif line.strip():
            name, _, value = line.strip().partition(": ")
            current[name] = value
    corrected = rules[f"/how-the-water-rate-rise-works/history/{record_site['corrected']}/"]
    assert parsedate_to_datetime(corrected["Memento-Datetime"]).isoformat() == (
        "2018-10-30T18:10:00+00:00"
    )
    (original, timemap) = parse_link_format(corrected["Link"])
    assert original.rels == {"original"} and timemap.rels == {"timemap"}
    assert rules["/how-the-water-rate-rise-works/history/timemap.link"] == {
        "Content-Type": "application/link-format"
    }
    assert "Memento-Datetime" not in rules["/how-the-water-rate-rise-works/"]


def test_a_site_with_its_own_headers_file_keeps_it(site: Site, caplog) -> None:
    site.write("extra/_headers", "/*\n  X-Frame-Options: DENY\n")
    site.write("rates.md", rates(PUBLISHED, CORRECTION))
    site.commit("publish", "2018-10-30T15:00:00-04:00")
    site.build(
        quiet=False,
        DATELINE_HEADERS_PATH="_headers",
        STATIC_PATHS=["extra/_headers"],
        EXTRA_PATH_METADATA={"extra/_headers": {"path": "_headers"}},
    )
    assert (site.output / "_headers").read_text() == "/*\n  X-Frame-Options: DENY\n"
    assert "has its own _headers" in caplog.text


# --- history as JSON ----------------------------------------------------------


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"dateline-{name}.schema.json").read_text("utf-8"))


def valid(document: dict, name: str) -> dict:
    jsonschema.validate(document, schema(name), format_checker=jsonschema.FormatChecker())
    return document


def test_the_history_json_lists_each_version_and_the_entries_it_added(
    site: Site, record_site: dict[str, str]
) -> None:
    raw = (site.output / "how-the-water-rate-rise-works/history/index.json").read_text()
    document = valid(json.loads(raw), "history")
    base = f"{ORIGIN}/how-the-water-rate-rise-works"
    assert document["url"] == f"{base}/"
    assert document["timemap"] == f"{base}/history/timemap.link"
    shorts = [version["short"] for version in document["versions"]]
    assert shorts == [record_site["updated"], record_site["corrected"], record_site["published"]]
    current, corrected, first = document["versions"]
    assert current["current"] and current["url"] == f"{base}/"
    assert corrected["url"] == f"{base}/history/{record_site['corrected']}/"
    assert [entry["anchor"] for entry in corrected["entries"]] == ["correction-2018-10-30"]
    assert corrected["entries"][0] == {
        "anchor": "correction-2018-10-30",
        "kind": "correction",
        "time": "2018-10-30T14:05:00-04:00",
        "title": "Quarterly figure corrected",
        "url": f"{base}/#correction-2018-10-30",
    }
    assert first["words_changed"] is None and first["entries"] == []
    assert corrected["words_changed"] > 0
    for version in document["versions"]:
        datetime.fromisoformat(version["datetime"])
    history = site.html("how-the-water-rate-rise-works/history/index.html")
    (alternate,) = history.find_all("link", type="application/json")
    assert alternate["href"] == f"{base}/history/index.json"
    assert [item["id"] for item in history.select("li.version")] == [
        f"version-{short}" for short in shorts
    ]


def test_uncommitted_and_scheduled_text_stay_out_of_the_json(site: Site) -> None:
    site.write("rates.md", rates(PUBLISHED, CORRECTION))
    site.commit("publish", "2018-10-30T15:00:00-04:00")
    scheduled = "\n::: update 2099-01-01\nA vote is expected.\n:::\n"
    site.write("rates.md", rates(PUBLISHED, CORRECTION, scheduled))
    site.commit("scheduled", "2018-10-31T09:00:00-04:00")
    site.write("rates.md", rates(PUBLISHED, CORRECTION, scheduled, "Uncommitted words here."))
    site.build(DATELINE_ALLOW_SCHEDULED=True)
    raw = (site.output / "how-the-water-rate-rise-works/history/index.json").read_text()
    document = valid(json.loads(raw), "history")
    assert "unsaved" not in raw and "Uncommitted" not in raw and "2099" not in raw
    assert all(version["id"] for version in document["versions"])
    updates = (site.output / "updates/index.json").read_text()
    assert "2099" not in updates and "expected" not in updates
    timemap = (site.output / "how-the-water-rate-rise-works/history/timemap.link").read_text()
    assert "unsaved" not in timemap


def test_an_updates_log_with_nothing_due_yet_is_an_empty_list(site: Site) -> None:
    site.write("rates.md", rates(PUBLISHED, "\n::: update 2099-01-01\nA vote is expected.\n:::\n"))
    site.build(DATELINE_ALLOW_SCHEDULED=True)
    text = (site.output / "updates/index.json").read_text("utf-8")
    document = valid(json.loads(text), "updates")
    assert document["entries"] == []
    assert text == json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def test_the_updates_log_as_json(site: Site, record_site: dict[str, str]) -> None:
    text = (site.output / "updates/index.json").read_text("utf-8")
    document = valid(json.loads(text), "updates")
    # Written an entry at a time, laid out as the whole document at once would be.
    assert text == json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    assert [entry["anchor"] for entry in document["entries"]] == [
        "update-2018-11-02",
        "correction-2018-10-30",
    ]
    feed = feedparser.parse((site.output / "feeds" / "updates.atom.xml").read_bytes())
    assert [entry["id"] for entry in document["entries"]] == [entry.id for entry in feed.entries]
    assert document["entries"][0]["story"] == {
        "url": f"{ORIGIN}/how-the-water-rate-rise-works/",
        "title": "How the water-rate rise works",
        "lang": "en",
    }
    updates = site.html("updates/index.html")
    (alternate,) = updates.find_all("link", type="application/json")
    assert alternate["href"] == f"{ORIGIN}/updates/index.json"


# --- Pelican's own feeds ------------------------------------------------------


def test_pelican_feeds_get_ids_of_their_own_stable_across_a_new_address(site: Site) -> None:
    site.write("rates.md", rates(PUBLISHED, CORRECTION, category="Council"))
    site.write("ferry.md", article(title="Ferry timetable", body="Hourly.", category="Transport"))
    site.build(CATEGORY_FEED_ATOM="feeds/{slug}.atom.xml")
    before = {
        name: atom(site, name)
        for name in ("feeds/all.atom.xml", "feeds/council.atom.xml", "feeds/transport.atom.xml")
    }
    ids = [feed.feed.id for feed in before.values()]
    assert len(set(ids)) == 3
    assert ids[0] == "tag:news.example,2000-01-01:/feeds/all.atom.xml"
    site.build(
        CATEGORY_FEED_ATOM="feeds/{slug}.atom.xml",
        SITEURL="https://explainers.example.org",
        DATELINE_ID_DATE="2018-01-01",
    )
    after = atom(site)
    assert {entry.id for entry in after.entries} == {
        entry.id for entry in before["feeds/all.atom.xml"].entries
    }
    assert after.feed.id == "tag:news.example,2018-01-01:/feeds/all.atom.xml"
    assert after.entries[0].link.startswith("https://explainers.example.org/")


def test_pelican_feeds_keep_the_ids_plain_pelican_gave_a_site_at_its_root(site: Site) -> None:
    site.write("rates.md", rates(PUBLISHED))
    site.build(DATELINE_PELICAN_FEEDS=False)
    plain = atom(site)
    site.build()
    fixed = atom(site)
    assert [entry.id for entry in fixed.entries] == [entry.id for entry in plain.entries]
    assert plain.feed.id == f"{ORIGIN}/"  # what Pelican gives every feed
    assert fixed.feed.id != plain.feed.id


def test_pelican_feeds_have_absolute_links_and_languages_in_a_development_build(
    site: Site,
) -> None:
    site.write("rates.md", rates(PUBLISHED, "[The ferry]({filename}/ferry.md)"))
    site.write("ferry.md", article(title="Ferry timetable", body="Hourly.", lang="en"))
    site.write(
        "ferry-fr.md",
        article(
            title="Horaires du bac", body="Toutes les heures.", lang="fr", slug="ferry-timetable"
        ),
    )
    site.build(
        SITEURL="",
        RELATIVE_URLS=True,
        FEED_DOMAIN="http://127.0.0.1:8000",
        TRANSLATION_FEED_ATOM="feeds/all-{lang}.atom.xml",
    )
    feed = atom(site)
    assert feed.feed.link == "http://127.0.0.1:8000/"
    assert not feed.feed.id.startswith("tag:None")
    for entry in feed.entries:
        assert entry.link.startswith("http://127.0.0.1:8000/")
        assert entry.id.startswith("tag:news.example,")
    rates_entry = next(e for e in feed.entries if "water" in e.link)
    assert 'href="http://127.0.0.1:8000/ferry-timetable/"' in rates_entry.content[0].value
    french = atom(site, "feeds/all-fr.atom.xml")
    assert [entry.title_detail.language for entry in french.entries] == ["fr"]


# --- JSON-LD and microformats ---------------------------------------------------


def test_json_ld_names_the_author_page_image_and_publisher(
    site: Site, record_site: dict[str, str]
) -> None:
    site.build(DATELINE_PUBLISHER_LOGO="images/logo.png")
    raw = (site.output / "how-the-water-rate-rise-works/index.html").read_text()
    (data,) = extruct.extract(raw, base_url=f"{ORIGIN}/", syntaxes=["json-ld"])["json-ld"]
    assert data["image"] == [f"{ORIGIN}/images/rates.jpg"]
    assert data["author"] == [
        {"@type": "Person", "name": "Test Desk", "url": f"{ORIGIN}/author/test-desk.html"}
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Test Explainer",
        "url": f"{ORIGIN}/",
        "logo": {"@type": "ImageObject", "url": f"{ORIGIN}/images/logo.png"},
    }
    page = site.html("how-the-water-rate-rise-works/index.html")
    assert [meta["content"] for meta in page.find_all("meta", property="og:image")] == [
        f"{ORIGIN}/images/rates.jpg"
    ]


def test_microformats_an_article_and_the_updates_feed(
    site: Site, record_site: dict[str, str]
) -> None:
    raw = (site.output / "how-the-water-rate-rise-works/index.html").read_text()
    parsed = mf2py.parse(doc=raw, url=f"{ORIGIN}/how-the-water-rate-rise-works/")
    (entry,) = [item for item in parsed["items"] if "h-entry" in item["type"]]
    url = f"{ORIGIN}/how-the-water-rate-rise-works/"
    assert entry["properties"]["url"] == [url]
    assert entry["properties"]["uid"] == [url]
    updates = mf2py.parse(doc=(site.output / "updates/index.html").read_text(), url=f"{ORIGIN}/")
    (feed,) = [item for item in updates["items"] if "h-feed" in item["type"]]
    children = feed["children"]
    assert [child["type"] for child in children] == [["h-entry"], ["h-entry"]]
    assert children[0]["properties"]["url"] == [f"{url}#update-2018-11-02"]
    (published,) = children[0]["properties"]["published"]
    assert datetime.fromisoformat(published).isoformat() == "2018-11-02T09:30:00-04:00"
    assert children[1]["properties"]["category"] == ["Correction"]


# --- sitemap and robots ---------------------------------------------------------


def test_the_sitemap_lists_the_updates_and_history_pages(
    site: Site, record_site: dict[str, str]
) -> None:
    raw = (site.output / "sitemap.xml").read_bytes()
    validate_sitemap(raw)
    rows = {
        url.loc.get_text(): (url.lastmod.get_text() if url.lastmod else None)
        for url in site.xml("sitemap.xml").find_all("url")
    }
    assert rows[f"{ORIGIN}/updates/"] == "2018-11-02T09:30:00-04:00"
    assert rows[f"{ORIGIN}/how-the-water-rate-rise-works/history/"] == ("2018-11-02T09:40:00-04:00")
    assert not [loc for loc in rows if "/history/" in loc and not loc.endswith("/history/")]
    robots = (site.output / "robots.txt").read_text()
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in robots.splitlines()


def test_a_site_with_its_own_robots_txt_keeps_it(site: Site) -> None:
    site.write("extra/robots.txt", "User-agent: *\nDisallow: /drafts/\n")
    site.write("rates.md", rates(PUBLISHED))
    site.build(
        STATIC_PATHS=["extra/robots.txt"],
        EXTRA_PATH_METADATA={"extra/robots.txt": {"path": "robots.txt"}},
    )
    assert (site.output / "robots.txt").read_text() == "User-agent: *\nDisallow: /drafts/\n"


# --- WebSub -------------------------------------------------------------------


def test_entry_feeds_name_the_websub_hub(site: Site, record_site: dict[str, str]) -> None:
    hub = "https://hub.example/"
    site.build(DATELINE_WEBSUB_HUB=hub)
    for name in ("feeds/updates.atom.xml", "how-the-water-rate-rise-works/updates.atom.xml"):
        links = atom(site, name).feed.links
        assert [link.href for link in links if link.rel == "hub"] == [hub]
    all_feed = feedparser.parse((site.output / "feeds/all.atom.xml").read_bytes())
    assert not [link for link in all_feed.feed.links if link.rel == "hub"]


def test_outputs_are_the_same_in_two_builds(site: Site, record_site: dict[str, str]) -> None:
    """Nothing here depends on the time of the build."""
    names = [
        "updates/index.json",
        "how-the-water-rate-rise-works/history/index.json",
        "how-the-water-rate-rise-works/history/timemap.link",
        "ferry-timetable/updates.atom.xml",
        "feeds/updates.atom.xml",
        "sitemap.xml",
    ]
    first = {name: (site.output / name).read_bytes() for name in names}
    site.build()
    assert {name: (site.output / name).read_bytes() for name in names} == first
