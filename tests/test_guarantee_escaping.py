"""Text typed into a title, a label, a name or a slug is text everywhere.

Payloads that would run script, break out of an attribute, a ``<script>``
data block, an XML element or a CDATA section, plus a character reference
and bidi controls, go into every field an editor or a site's settings
control. Each output is parsed the way its reader parses it (HTML parser,
``json.loads`` on the data block as a browser delimits it, a strict XML
parser) and must hold the text exactly as typed, and no markup from it.

Policy, as the README states it: titles are text (the markup typogrify adds
is removed; ``<`` typed by an editor is shown); names, categories, tags and
kind labels are text; entry bodies and ``Summary:`` are Markdown, so raw
HTML there is the editor's (trusted, as in Pelican), and the pages'
Content-Security-Policy keeps any script in it from running.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import Site, article
from lxml import etree

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</script><script>alert(3)</script><!--",
    "AT&T & Sons ]]> 'single'",
    "Cost &lt; $5",
    "\u202eevil\u202c twin \u2067isolate\u2069",
]
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
SLUG = 'story"><img src=x onerror=alert(4)>'


def typed(text: str) -> str:
    """What readers must see: the text as typed, bidi controls aside."""
    return BIDI.sub("", text)


def as_name(text: str) -> str:
    """Pelican splits Authors: and Tags: at ';' as at ','."""
    return text.replace(";", ":")


def hostile_site(site: Site, payload: str, typogrify: bool) -> Path:
    line = " ".join(payload.split())
    entry_title = line.replace('"', "”")  # a header's title cannot hold a double quote
    body = f"""
    Text.

    ::: correction 2018-10-30 "{entry_title}"
    Corrected.
    :::

    ::: note 2018-10-31
    Use {html.escape(line)} carefully. More text.
    :::
    """
    names = as_name(line)
    source = article(
        title=line,
        body=body,
        authors=f"{names}, Second Writer",
        category=names,
        tags=f"{names}, plain",
        slug=SLUG,
    )
    site.write("hostile.md", source)
    kinds = {"correction": f"Correction {line}", "note": "Note"}
    site.build(TYPOGRIFY=typogrify, DATELINE_KINDS=kinds)
    return site.output


def pages(output: Path) -> dict[str, str]:
    return {
        path.relative_to(output).as_posix(): path.read_text("utf-8")
        for path in sorted(output.rglob("*.html"))
    }


def no_markup_from_payloads(name: str, document: BeautifulSoup) -> None:
    """Only the theme's own elements: one JSON-LD block at most, no image, no handler."""
    scripts = document.find_all("script")
    assert all(script.get("type") == "application/ld+json" for script in scripts), name
    assert document.find("img") is None, name
    for element in document.find_all(True):
        handlers = [attribute for attribute in element.attrs if attribute.startswith("on")]
        assert handlers == [], (name, element.name, handlers)


def json_ld_as_a_browser_reads_it(raw: str) -> dict:
    """The data block ends at the first ``</script`` (any case), whatever JSON says."""
    start = raw.index(">", raw.index('<script type="application/ld+json"')) + 1
    return json.loads(raw[start : raw.lower().index("</script", start)])


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_payloads_are_text_in_pages_json_ld_and_feeds(site: Site, payload: str) -> None:
    output = hostile_site(site, payload, typogrify=False)
    text = typed(" ".join(payload.split()))
    for name, raw in pages(output).items():
        document = BeautifulSoup(raw, "html.parser")
        no_markup_from_payloads(name, document)
        assert not BIDI.search(str(document.head)), name  # bodies are Markdown: theirs kept

    story_dir = next(path for path in output.iterdir() if path.name.startswith("story"))
    raw = (story_dir / "index.html").read_text("utf-8")
    story = BeautifulSoup(raw, "html.parser")
    assert story.h1.get_text() == text
    assert story.title.get_text() == f"{text} — Test Explainer"
    assert story.find("meta", property="og:title")["content"] == text
    name = typed(as_name(" ".join(payload.split())))
    assert story.select_one(".byline a").get_text() == name
    assert story.select_one(".story__kicker a").get_text() == name
    assert story.select_one(".tag-list a").get_text() == name
    for part in (story.h1, story.select_one(".byline"), story.select_one("#revision-history")):
        assert not BIDI.search(str(part))
    aside = story.select_one("aside.revision--correction")
    assert aside.select_one(".revision__kind").get_text() == f"Correction {text}"
    assert aside.select_one(".revision__title").get_text() == text.replace('"', "”")
    summaries = [a.get_text() for a in story.select("#revision-history li > a")]
    assert summaries == [f"Use {text} carefully.", text.replace('"', "”")]

    data = json_ld_as_a_browser_reads_it(raw)
    assert data["headline"] == text
    assert [author["name"] for author in data["author"]] == [name, "Second Writer"]

    updates = BeautifulSoup((output / "updates/index.html").read_text("utf-8"), "html.parser")
    assert [h2.get_text() for h2 in updates.select(".revision-log__story")] == [text, text]
    assert not BIDI.search(str(updates.main))

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for feed in ("feeds/all.atom.xml", "feeds/updates.atom.xml"):
        tree = etree.parse(str(output / feed), parser)
        atom = {"a": "http://www.w3.org/2005/Atom"}
        titles = tree.xpath("//a:entry/a:title/text()", namespaces=atom)
        assert all(text in title for title in titles) and titles, (feed, titles)
        names = tree.xpath("//a:entry/a:author/a:name/text()", namespaces=atom)
        assert names and all(name in author for author in names), (feed, names)
        assert not BIDI.search("".join(titles + names)), feed
    updates_feed = etree.parse(str(output / "feeds/updates.atom.xml"), parser)
    summaries = updates_feed.xpath(
        "//a:entry/a:summary/text()", namespaces={"a": "http://www.w3.org/2005/Atom"}
    )
    # type="html": the summary is HTML whose text is the entry's first sentence.
    assert sorted(BeautifulSoup(s, "html.parser").get_text() for s in summaries) == sorted(
        [text.replace('"', "”"), f"Use {text} carefully."]
    )
    etree.parse(str(output / "sitemap.xml"), parser)


@pytest.mark.parametrize("payload", PAYLOADS[:3], ids=range(3))
def test_payload_titles_keep_their_words_through_typogrify(site: Site, payload: str) -> None:
    output = hostile_site(site, payload, typogrify=True)
    for name, raw in pages(output).items():
        no_markup_from_payloads(name, BeautifulSoup(raw, "html.parser"))
    story_dir = next(path for path in output.iterdir() if path.name.startswith("story"))
    raw = (story_dir / "index.html").read_text("utf-8")
    story = BeautifulSoup(raw, "html.parser")
    words = re.findall(r"\w+", payload)  # typogrify may curl the quotes, never drop a word
    for shown in (story.h1.get_text(), json_ld_as_a_browser_reads_it(raw)["headline"]):
        assert re.findall(r"\w+", shown) == words, shown


def test_escaping_a_title_never_changes_its_address(site: Site) -> None:
    site.write("old.md", article(title="Why <em>script</em> tags matter", body="Text."))
    site.build()
    page = site.html("why-script-tags-matter/index.html")  # Pelican's slug, as before
    assert page.h1.get_text() == "Why <em>script</em> tags matter"


def test_raw_html_in_an_entry_body_is_the_editors(site: Site) -> None:
    """Bodies are Markdown: raw HTML passes, as in Pelican (the CSP stops scripts)."""
    body = """
    Text.

    ::: update 2018-10-30
    A <abbr title="Harbour Vale Council">HVC</abbr> vote. <script>alert(5)</script>
    :::
    """
    site.write("raw.md", article(title="Raw story", body=body))
    site.build()
    page = site.html("raw-story/index.html")
    assert page.select_one("aside abbr")["title"] == "Harbour Vale Council"
    assert page.select_one("aside script").string == "alert(5)"
    assert 'http-equiv="Content-Security-Policy"' in str(page.head)
