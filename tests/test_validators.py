"""The validators themselves: each accepts a real valid document and rejects a broken one.

Without this a validator that accepted everything would pass every test that uses it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest
from feedgenerator import Atom1Feed
from lxml import etree
from validators import Link, parse_link_format, validate_atom, validate_sitemap

ATOM = "{http://www.w3.org/2005/Atom}"

SITEMAP = b"""\
<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url>
    <loc>https://news.example/ferry-fares/</loc>
    <lastmod>2025-01-02T03:04:05+00:00</lastmod>
    <xhtml:link rel="alternate" hreflang="fr" href="https://news.example/fr/ferry-fares/"/>
    <xhtml:link rel="alternate" hreflang="x-default" href="https://news.example/ferry-fares/"/>
  </url>
</urlset>
"""

# The link-format TimeMap of RFC 7089, Section 5.1.1, with its line breaks and indentation.
TIMEMAP = """\
<http://a.example.org>;rel="original",
    <http://arxiv.example.net/timemap/http://a.example.org>
      ; rel="self";type="application/link-format"
      ; from="Tue, 20 Jun 2000 18:02:59 GMT"
      ; until="Wed, 09 Apr 2008 20:30:51 GMT",
    <http://arxiv.example.net/timegate/http://a.example.org>
      ; rel="timegate",
    <http://arxiv.example.net/web/20000620180259/http://a.example.org>
      ; rel="first memento";datetime="Tue, 20 Jun 2000 18:02:59 GMT"
      ; license="http://creativecommons.org/publicdomain/zero/1.0/",
    <http://arxiv.example.net/web/20091027204954/http://a.example.org>
       ; rel="last memento";datetime="Tue, 27 Oct 2009 20:49:54 GMT"
       ; license="http://creativecommons.org/publicdomain/zero/1.0/",
    <http://arxiv.example.net/web/20000621011731/http://a.example.org>
      ; rel="memento";datetime="Wed, 21 Jun 2000 01:17:31 GMT"
      ; license="http://creativecommons.org/publicdomain/zero/1.0/",
    <http://arxiv.example.net/web/20000621044156/http://a.example.org>
      ; rel="memento";datetime="Wed, 21 Jun 2000 04:41:56 GMT"
      ; license="http://creativecommons.org/publicdomain/zero/1.0/"
"""


def atom_feed() -> bytes:
    """A one-entry feed as feedgenerator, the library Pelican uses, writes it."""
    feed = Atom1Feed(
        title="Test Explainer",
        link="https://news.example/",
        description="",
        feed_url="https://news.example/feeds/all.atom.xml",
        author_name="Test Desk",
    )
    feed.add_item(
        title="Ferry fares",
        link="https://news.example/ferry-fares/",
        description="<p>Fares rise in May.</p>",
        unique_id="tag:news.example,2018-10-24:/ferry-fares/",
        pubdate=datetime(2018, 10, 24, 13, 0, tzinfo=UTC),
        updateddate=datetime(2018, 10, 25, 13, 0, tzinfo=UTC),
    )
    return feed.writeString("utf-8").encode()


def test_atom_feed_from_feedgenerator_is_valid() -> None:
    validate_atom(atom_feed())


def test_atom_entry_without_id_is_invalid() -> None:
    feed = etree.fromstring(atom_feed())
    entry_id = feed.find(f"{ATOM}entry/{ATOM}id")
    entry_id.getparent().remove(entry_id)
    with pytest.raises(AssertionError, match="entry"):
        validate_atom(etree.tostring(feed))


def test_atom_rejects_text_that_is_not_xml() -> None:
    with pytest.raises(AssertionError, match="not well-formed"):
        validate_atom(b"<feed xmlns='http://www.w3.org/2005/Atom'>")


def test_sitemap_with_hreflang_links_is_valid() -> None:
    validate_sitemap(SITEMAP)


def test_sitemap_lastmod_must_be_a_w3c_datetime() -> None:
    broken = SITEMAP.replace(b"2025-01-02T03:04:05+00:00", b"yesterday")
    with pytest.raises(AssertionError, match="lastmod"):
        validate_sitemap(broken)


def test_sitemap_hreflang_link_needs_its_language() -> None:
    broken = SITEMAP.replace(b' hreflang="fr"', b"")
    with pytest.raises(AssertionError, match="hreflang"):
        validate_sitemap(broken)


def test_timemap_of_rfc_7089() -> None:
    links = parse_link_format(TIMEMAP)
    assert [link.target for link in links] == [
        "http://a.example.org",
        "http://arxiv.example.net/timemap/http://a.example.org",
        "http://arxiv.example.net/timegate/http://a.example.org",
        "http://arxiv.example.net/web/20000620180259/http://a.example.org",
        "http://arxiv.example.net/web/20091027204954/http://a.example.org",
        "http://arxiv.example.net/web/20000621011731/http://a.example.org",
        "http://arxiv.example.net/web/20000621044156/http://a.example.org",
    ]
    assert [link.rels for link in links] == [
        {"original"},
        {"self"},
        {"timegate"},
        {"first", "memento"},
        {"last", "memento"},
        {"memento"},
        {"memento"},
    ]
    mementos = [link for link in links if "memento" in link.rels]
    assert [parsedate_to_datetime(link.params["datetime"]) for link in mementos] == [
        datetime(2000, 6, 20, 18, 2, 59, tzinfo=UTC),
        datetime(2009, 10, 27, 20, 49, 54, tzinfo=UTC),
        datetime(2000, 6, 21, 1, 17, 31, tzinfo=UTC),
        datetime(2000, 6, 21, 4, 41, 56, tzinfo=UTC),
    ]
    assert links[1].params == {
        "rel": "self",
        "type": "application/link-format",
        "from": "Tue, 20 Jun 2000 18:02:59 GMT",
        "until": "Wed, 09 Apr 2008 20:30:51 GMT",
    }


def test_link_format_values_tokens_and_quoted_pairs() -> None:
    assert parse_link_format(
        '</a>;REL=next;ct=40;obs;title="say \\"hi\\"";title*=UTF-8\'en\'%E2%82%AC'
    ) == [
        Link(
            "/a",
            {
                "rel": "next",
                "ct": "40",
                "obs": "",
                "title": 'say "hi"',
                "title*": "UTF-8'en'%E2%82%AC",
            },
        )
    ]


@pytest.mark.parametrize("text", ["", " \n\t "])
def test_empty_link_format_document_has_no_links(text: str) -> None:
    assert parse_link_format(text) == []


@pytest.mark.parametrize(
    "text",
    [
        '<http://a.example.org>;rel="original',  # unterminated quote
        'http://a.example.org>;rel="original"',  # missing "<"
        "<http://a.example.org;rel=original",  # missing ">"
        '<http://a.example.org>;rel="original" junk, <http://b.example.org>',  # junk between links
        '<http://a.example.org>;rel="original" <http://b.example.org>',  # missing ","
        '<http://a.example.org>;rel="original",',  # trailing ","
        '<http://a.example.org>;rel="Original"',  # not a relation type
        '<http://a.example.org>;rel="first  "',  # trailing space inside relation-types
        "<http://a.example.org>;rel = original",  # whitespace around "="
        "<http://a.example.org>;rel=original;rel=memento",  # rel twice
        "<http://a example.org>;rel=original",  # space in the URI-Reference
        '<http://a.example.org>;title*="x"',  # ext-value is never quoted
    ],
)
def test_malformed_link_format_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_link_format(text)
