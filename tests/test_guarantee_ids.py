"""Identifiers outlive rebuilds, other articles, a new domain and appended entries.

Anchors (``#correction-2018-10-30``), the updates feed's entry ids
(``tag:DATELINE_ID_AUTHORITY,DAY:/URL#ANCHOR``) and the history page's
version addresses (``SLUG/history/SHA/``) are what archivers, feed readers
and links from other sites hold on to; each step below must keep every one
of them that already existed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from conftest import Site, article

FIRST = """
Text of the first version.

::: correction 2018-10-30 "Rate corrected"
The rate is $2.45.
:::

::: update 2018-10-30
The council voted.
:::
"""
LATER = "\n::: update 2018-10-30\nA second update that day.\n:::\n"
LATEST = "\n::: note 2018-11-02\nA note.\n:::\n"


def story(body: str) -> str:
    return article(title="Rates story", date="2018-10-24 09:00", body=body)


def identifiers(site: Site) -> dict[str, str]:
    """Every identifier of the story, by what it names, as site-relative addresses."""
    page = site.html("rates-story/index.html")
    found = {f"anchor {aside['id']}": aside["id"] for aside in page.select("aside.revision")}
    for entry in site.xml("feeds/updates.atom.xml").find_all("entry"):
        link = urlsplit(entry.link["href"])
        if link.path == "/rates-story/":
            found[f"feed id {link.fragment}"] = entry.id.get_text()
    history = site.html("rates-story/history/index.html")
    found["history"] = urlsplit(page.select_one(".history-link a")["href"]).path
    for version in history.select("li.version"):
        read = version.select_one('a[href*="/history/"]')
        found[version["id"]] = urlsplit(read["href"]).path if read else "current"
        if read:
            assert (site.output / found[version["id"]].strip("/") / "index.html").is_file()
    for link in page.select("#revision-history a.revision-history__version"):
        anchor = link.find_parent("li").a["href"]
        found[f"version of {anchor}"] = urlsplit(link["href"]).fragment
    return found


def kept(before: dict[str, str], after: dict[str, str]) -> dict[str, tuple[str, str | None]]:
    """What changed among the identifiers that existed before (the current version aside)."""
    return {
        name: (value, after.get(name))
        for name, value in before.items()
        if after.get(name) != value and value != "current"
    }


def test_identifiers_survive_rebuilds_other_articles_a_new_domain_and_new_entries(
    site: Site,
) -> None:
    site.write("rates.md", story(FIRST))
    site.commit("published", "2018-10-24T08:30:00-04:00")
    site.write("rates.md", story(FIRST + LATER))
    site.commit("second update", "2018-10-30T18:00:00-04:00")
    site.build()
    first = identifiers(site)
    assert first["anchor update-2018-10-30-2"] == "update-2018-10-30-2"
    assert first["feed id correction-2018-10-30"] == (
        "tag:news.example,2018-10-30:/rates-story/#correction-2018-10-30"
    )
    assert first["history"] == "/rates-story/history/"
    assert len([name for name in first if name.startswith("version-")]) == 2

    site.build()
    assert identifiers(site) == first

    site.write(
        "other.md", article(title="Another story", body="Text.\n\n::: update 2018-10-31\nX.\n:::")
    )
    site.commit("another story", "2018-10-31T10:00:00-04:00")
    site.build()
    assert identifiers(site) == first

    site.build(SITEURL="https://harbourvale.example", FEED_DOMAIN="https://harbourvale.example")
    assert identifiers(site) == first
    feed = (site.output / "feeds/updates.atom.xml").read_text("utf-8")
    assert "https://harbourvale.example/rates-story/#correction-2018-10-30" in feed  # links move

    site.write("rates.md", story(FIRST + LATER + LATEST))
    site.commit("a note", "2018-11-02T12:00:00-04:00")
    site.build()
    after = identifiers(site)
    assert kept(first, after) == {}
    assert set(after) - set(first) == {
        "anchor note-2018-11-02",
        "feed id note-2018-11-02",
        "version of #note-2018-11-02",
        next(name for name in after if name.startswith("version-") and name not in first),
    }
