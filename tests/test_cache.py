"""Builds served from Pelican's content cache show the same entries as fresh ones."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from conftest import Site, article
from dateline_editor.build import BuildFailed

LAYERS = pytest.mark.parametrize("layer", ["reader", "generator"])

ALPHA = article(
    title="Alpha story",
    date="2018-10-20 09:00",
    body="""
    Alpha text.

    ::: update 2018-10-30 14:05 +01:00 "Rates confirmed"
    The council confirmed the rates.
    :::

    ::: correction 2018-10-31
    We had the wrong name. It is Smith.
    :::

    ::: update 2018-10-30 18:00
    A second update that day.
    :::
    """,
)
BETA = article(
    title="Beta story",
    date="2018-10-21 09:00",
    body="Beta text.\n\n::: note 2018-10-29\nA note on beta.\n:::\n",
)


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Markdown conversion in this test: none means the cache served the content."""
    calls: list[str] = []
    convert = markdown.Markdown.convert

    def counting(self, source: str) -> str:
        calls.append(source)
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", counting)
    return calls


def cached(site: Site, layer: str) -> dict:
    return {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": str(site.root / "cache"),
        "CONTENT_CACHING_LAYER": layer,
    }


def items(page: BeautifulSoup, selector: str) -> list[tuple]:
    return [
        (
            li["data-revision-kind"],
            li["data-revision-date"],
            tuple(a["href"] for a in li.find_all("a")),
            " ".join(li.get_text(" ").split()),
        )
        for li in page.select(selector)
    ]


def snapshot(site: Site) -> dict:
    """What readers see of the entries, across the article pages, updates page and feed."""
    seen: dict = {}
    for slug in ("alpha-story", "beta-story"):
        page = site.html(f"{slug}/index.html")
        seen[slug] = {
            "asides": [
                (a["id"], a["data-revision-kind"], a["data-revision-date"])
                for a in page.select("aside.revision")
            ],
            "history": items(page, "#revision-history li[data-revision-kind]"),
            "updated": [t["datetime"] for t in page.select(".dt-updated")],
        }
    seen["updates"] = items(site.html("updates/index.html"), "main li[data-revision-kind]")
    feed = (site.output / "feeds/updates.atom.xml").read_text("utf-8")
    seen["feed_ids"] = re.findall(r"<entry[ >].*?<id>(.*?)</id>", feed, re.DOTALL)
    return seen


def touch_later(path: Path) -> None:
    """Make sure Pelican's mtime check sees the edit, however fast the test is."""
    stamp = path.stat().st_mtime + 10
    os.utime(path, (stamp, stamp))


@LAYERS
def test_cached_rebuild_shows_the_same_entries(
    site: Site, layer: str, conversions: list[str]
) -> None:
    site.write("alpha.md", ALPHA)
    site.write("beta.md", BETA)
    site.build(**cached(site, layer))
    first = snapshot(site)
    assert [a[0] for a in first["alpha-story"]["asides"]] == [
        "update-2018-10-30",
        "correction-2018-10-31",
        "update-2018-10-30-2",
    ]
    assert len(first["updates"]) == len(first["feed_ids"]) == 4

    conversions.clear()
    site.build(**cached(site, layer))
    assert conversions == []  # served from the cache
    assert snapshot(site) == first


@LAYERS
def test_refused_file_is_still_refused_from_the_cache(
    site: Site, layer: str, conversions: list[str]
) -> None:
    site.write("alpha.md", ALPHA)
    bad = article(
        title="Bad story",
        body="Text.\n\n::: updaet 2018-10-30\nA typo in the kind.\n:::\n\n"
        "::: update 2099-01-01\nNot yet.\n:::\n",
    )
    site.write("bad.md", bad)
    lines = bad.splitlines()
    expected = [
        f"content/bad.md:{lines.index('::: updaet 2018-10-30') + 1}:",
        f"content/bad.md:{lines.index('::: update 2099-01-01') + 1}:",
    ]
    for build in ("fresh", "cached"):
        conversions.clear()
        with pytest.raises(BuildFailed) as refused:
            site.build(**cached(site, layer))
        assert [line.split(" ", 1)[0] for line in refused.value.lines] == expected, build
    assert conversions == []  # the second build read nothing afresh
    assert not (site.output / "bad-story").exists()


@LAYERS
def test_cached_rebuild_shows_an_appended_entry(site: Site, layer: str) -> None:
    path = site.write("alpha.md", ALPHA)
    site.write("beta.md", BETA)
    site.build(**cached(site, layer))
    before = snapshot(site)

    path.write_text(ALPHA + "\n::: clarification 2018-11-03 10:00\nWe meant the north pier.\n:::\n")
    touch_later(path)
    site.build(**cached(site, layer))
    after = snapshot(site)

    new = ("clarification-2018-11-03", "clarification", "2018-11-03T10:00:00-04:00")
    assert after["alpha-story"]["asides"] == [*before["alpha-story"]["asides"], new]
    assert after["alpha-story"]["updated"] == ["2018-11-03T10:00:00-04:00"]
    assert after["alpha-story"]["history"][0][:2] == new[1:]
    assert after["alpha-story"]["history"][1:] == before["alpha-story"]["history"]
    assert after["updates"][0][:2] == new[1:]
    assert after["updates"][1:] == before["updates"]
    assert after["feed_ids"][1:] == before["feed_ids"]
    assert after["feed_ids"][0].endswith("/alpha-story/#clarification-2018-11-03")
    assert after["beta-story"] == before["beta-story"]


@LAYERS
def test_cached_article_takes_the_json_ld_settings_of_this_build(site: Site, layer: str) -> None:
    site.write("alpha.md", ALPHA)
    site.build(**cached(site, layer), SITENAME="Old Name")
    site.build(**cached(site, layer), SITENAME="New Name", DATELINE_CORRECTION_KINDS=[])
    script = site.html("alpha-story/index.html").select_one('script[type="application/ld+json"]')
    data = json.loads(script.string)
    assert data["publisher"]["name"] == "New Name"
    assert "correction" not in data
