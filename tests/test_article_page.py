"""The article page keeps every hook of SPEC §2: dates, entries, history, JSON-LD."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from conftest import Site, article

NEW_YORK = ZoneInfo("America/New_York")
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?[+-]\d\d:\d\d$")

STORY = article(
    title="Ferry service suspended",
    date="2018-10-24 09:00",
    body="""
    The ferry stopped running on Tuesday.

    ::: update 2018-10-30 14:05 +01:00 "Timetable confirmed"
    The operator confirmed the winter timetable.
    :::

    ::: correction 2018-10-29 10:00
    An earlier version misnamed the operator. It is Harbour Lines.
    :::

    ::: note 2018-10-31
    A spokesperson responded. She said more later.
    :::

    ::: editors-note 2018-11-05 08:00Z
    This story was retitled. It used to say "cancelled".
    :::
    """,
)

# What STORY's entries must become, newest first: (anchor, kind, label, datetime, summary).
# 14:05 +01:00 is 09:05 in New York (EDT); 08:00Z on 5 Nov is 03:00 EST (DST ended on 4 Nov).
# fmt: off
ENTRIES = [
    ("editors-note-2018-11-05", "editors-note", "Editor's note", "2018-11-05T03:00:00-05:00",
     "This story was retitled."),
    ("note-2018-10-31", "note", "Note", "2018-10-31T00:00:00-04:00", "A spokesperson responded."),
    ("update-2018-10-30", "update", "Update", "2018-10-30T09:05:00-04:00", "Timetable confirmed"),
    ("correction-2018-10-29", "correction", "Correction", "2018-10-29T10:00:00-04:00",
     "An earlier version misnamed the operator."),
]
# fmt: on
PUBLISHED = "2018-10-24T09:00:00-04:00"


def text(node) -> str:
    """Visible text with white space folded and typographic apostrophes made plain."""
    return " ".join(node.get_text(" ").split()).replace("\u2019", "'")


def json_ld(page: BeautifulSoup) -> dict:
    scripts = page.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def build_story(site: Site, **overrides) -> BeautifulSoup:
    site.write("story.md", STORY)
    site.write("quiet.md", article(title="Quiet story", date="2018-10-25 10:00"))
    site.build(**overrides)
    return site.html("ferry-service-suspended/index.html")


def test_published_time_has_site_offset(site: Site) -> None:
    page = build_story(site)
    published = page.select("time.dt-published")
    assert [t["datetime"] for t in published] == [PUBLISHED]
    assert text(published[0])


def test_updated_time_links_to_history_with_entry_count(site: Site) -> None:
    page = build_story(site)
    updated = page.select('a[href="#revision-history"] time.dt-updated')
    assert [t["datetime"] for t in updated] == [ENTRIES[0][3]]
    assert text(updated[0])
    link = updated[0].find_parent("a")
    assert re.search(r"\b4\b", text(link)), text(link)


def test_each_entry_is_an_aside_in_place(site: Site) -> None:
    page = build_story(site)
    asides = page.select("aside.revision")
    # In document order: as written in the source.
    assert [a["id"] for a in asides] == [
        "update-2018-10-30",
        "correction-2018-10-29",
        "note-2018-10-31",
        "editors-note-2018-11-05",
    ]
    expected = {anchor: (kind, label, iso) for anchor, kind, label, iso, _ in ENTRIES}
    for aside in asides:
        kind, label, iso = expected[aside["id"]]
        assert aside["data-revision-kind"] == kind
        assert aside["data-revision-date"] == iso
        assert label in text(aside)
        assert aside.find("time")["datetime"] == iso
    assert "misnamed the operator" in text(page.find(id="correction-2018-10-29"))


def test_revision_history_lists_entries_newest_first_then_publication(site: Site) -> None:
    page = build_story(site)
    section = page.select_one("section#revision-history")
    assert section is not None
    assert text(section.find(re.compile(r"^h[1-6]$")))
    items = section.select("ol > li")
    entries = [li for li in items if li.has_attr("data-revision-kind")]
    assert len(entries) == len(ENTRIES)
    for li, (anchor, kind, label, iso, summary) in zip(entries, ENTRIES, strict=True):
        assert li["data-revision-kind"] == kind
        assert li["data-revision-date"] == iso
        assert li.find("time")["datetime"] == iso
        assert label in text(li)
        assert summary in text(li)
        assert li.select_one(f'a[href="#{anchor}"]') is not None
        assert page.find(id=anchor).name == "aside"
    last = items[-1]
    assert not last.has_attr("data-revision-kind")
    assert last.find("time")["datetime"] == PUBLISHED
    assert "published" in text(last).lower()


def test_article_without_entries_has_no_updated_time_or_history(site: Site) -> None:
    build_story(site)
    page = site.html("quiet-story/index.html")
    assert [t["datetime"] for t in page.select("time.dt-published")] == [
        "2018-10-25T10:00:00-04:00"
    ]
    assert page.select(".dt-updated") == []
    assert page.select("#revision-history") == []
    assert page.select("aside.revision") == []
    data = json_ld(page)
    assert data["datePublished"] == "2018-10-25T10:00:00-04:00"
    assert data["dateModified"] == data["datePublished"]
    assert "correction" not in data


@pytest.mark.parametrize(
    ("modified", "updated"),
    [
        ("2018-11-02 12:00", "2018-11-02T12:00:00-04:00"),  # later than the entry: wins
        ("2018-10-26 12:00", "2018-10-30T00:00:00-04:00"),  # earlier: the entry wins
    ],
)
def test_modified_later_than_latest_entry_is_the_updated_time(
    site: Site, modified: str, updated: str
) -> None:
    body = "Text.\n\n::: update 2018-10-30\nThe rates changed.\n:::\n"
    site.write("m.md", article(title="Modified story", body=body, modified=modified))
    site.build()
    page = site.html("modified-story/index.html")
    assert [t["datetime"] for t in page.select(".dt-updated")] == [updated]
    assert json_ld(page)["dateModified"] == updated


def test_every_datetime_is_in_site_zone_with_explicit_offset(site: Site) -> None:
    page = build_story(site)
    values = [tag["datetime"] for tag in page.find_all(attrs={"datetime": True})]
    values += [tag["data-revision-date"] for tag in page.select("[data-revision-date]")]
    assert len(values) >= 2 + 3 * len(ENTRIES)
    for value in values:
        assert ISO_WITH_OFFSET.match(value), value
        moment = datetime.fromisoformat(value)
        assert moment.utcoffset() == moment.astimezone(NEW_YORK).utcoffset(), value


def test_date_only_entry_is_start_of_day_in_site_zone(site: Site) -> None:
    body = "Text.\n\n::: note 2018-12-01\nWinter note.\n:::\n"
    site.write("w.md", article(title="Winter story", body=body))
    site.build()
    page = site.html("winter-story/index.html")
    assert page.find(id="note-2018-12-01")["data-revision-date"] == "2018-12-01T00:00:00-05:00"


def test_json_ld_describes_the_news_article(site: Site) -> None:
    page = build_story(site)
    data = json_ld(page)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Ferry service suspended"
    assert data["datePublished"] == PUBLISHED
    assert data["dateModified"] == page.select_one(".dt-updated")["datetime"] == ENTRIES[0][3]
    authors = data["author"] if isinstance(data["author"], list) else [data["author"]]
    assert [a["name"] for a in authors] == ["Test Desk"]
    corrections = data["correction"]
    corrections = corrections if isinstance(corrections, list) else [corrections]
    assert len(corrections) == 1
    assert corrections[0]["@type"] == "CorrectionComment"
    assert corrections[0]["datePublished"] == "2018-10-29T10:00:00-04:00"
    assert "misnamed the operator" in corrections[0]["text"]
    assert "<" not in corrections[0]["text"]


def test_headline_and_title_are_plain_text_with_typogrify(site: Site) -> None:
    title = "\"AT&T\" -- the 'NASA' deal"
    site.write("t.md", article(title=title, body="Text.\n\n::: update 2018-10-30\nMore.\n:::\n"))
    site.build(TYPOGRIFY=True)
    page = site.html("att-the-nasa-deal/index.html")
    headline = json_ld(page)["headline"]
    title_text = page.title.get_text()
    for value in (headline, title_text):
        assert "AT&T" in value and "NASA" in value and "deal" in value, value
        for markup in ("<span", "&amp;", "&#", "&nbsp;", "<"):
            assert markup not in value, value
    assert title_text.startswith(headline)


def test_entry_label_reads_as_in_every_list_while_typogrify_works_on_the_prose(
    site: Site,
) -> None:
    header = "::: update 2018-10-30 09:00 \"Council's 'final' -- NASA figure\""
    body = f'Text.\n\n{header}\n"Quoted" text.\n:::\n'
    site.write("t.md", article(title="Label story", body=body))
    site.build(TYPOGRIFY=True)
    page = site.html("label-story/index.html")
    aside = page.select_one("aside.revision")
    typed = "Council's 'final' -- NASA figure"
    assert aside.select_one(".revision__title").decode_contents() == typed
    assert aside.select_one(".revision__label time").decode_contents() == "30 Oct 2018, 09:00 EDT"
    assert page.select_one("#revision-history li a").get_text() == typed
    updates = site.html("updates/index.html").select_one(".revision-log__summary a")
    assert updates.get_text() == typed
    # The body, prose, is typogrified as Pelican does it.
    assert aside.select_one(".revision__body p").get_text() == "“Quoted”\xa0text."


def test_script_end_tag_in_a_correction_cannot_break_out_of_json_ld(site: Site) -> None:
    body = """
    Text.

    ::: correction 2018-10-30
    We printed `</script><script>alert(1)</script>` by mistake.
    :::
    """
    site.write("x.md", article(title="Script story", body=body))
    site.build()
    raw = (site.output / "script-story" / "index.html").read_text("utf-8")
    page = BeautifulSoup(raw, "html.parser")
    assert len(page.find_all("script")) == 1
    # The data block ends at the first </script: everything before it must be the JSON.
    start = raw.index(">", raw.index('<script type="application/ld+json"')) + 1
    end = raw.lower().index("</script", start)
    data = json.loads(raw[start:end])
    assert "</script><script>alert(1)</script>" in data["correction"][0]["text"]


def test_history_orders_by_instant_across_the_dst_fold(site: Site) -> None:
    # On 4 Nov 2018 New York saw 01:00-01:59 twice: 01:10 EST is after 01:30 EDT.
    body = """
    Text.

    ::: update 2018-11-04 05:30Z
    First 01:30.
    :::

    ::: note 2018-11-04 06:10Z
    Second 01:10.
    :::
    """
    site.write("fold.md", article(title="Fold story", body=body))
    site.build()
    page = site.html("fold-story/index.html")
    history = page.select("#revision-history li[data-revision-kind]")
    assert [li["data-revision-date"] for li in history] == [
        "2018-11-04T01:10:00-05:00",
        "2018-11-04T01:30:00-04:00",
    ]
    assert [t["datetime"] for t in page.select(".dt-updated")] == ["2018-11-04T01:10:00-05:00"]
    assert json_ld(page)["dateModified"] == "2018-11-04T01:10:00-05:00"
