"""The Python-Markdown extension: entries rendered in place, and kept on ``md.dateline``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import markdown
import pytest
from bs4 import BeautifulSoup
from conftest import article
from pelican.plugins.dateline.entries.markdown_ext import DatelineExtension

NEW_YORK = ZoneInfo("America/New_York")


def convert(source: str, **config):
    """Convert ``source``; return the Markdown instance, the HTML and its soup."""
    md = markdown.Markdown(
        extensions=[
            "extra",
            "meta",
            DatelineExtension(**{"timezone": "America/New_York", **config}),
        ]
    )
    html = md.convert(source)
    return md, html, BeautifulSoup(html, "html.parser")


def convert_body(body: str, **config):
    """Convert an article (two metadata lines, a blank line, then ``body``)."""
    return convert(article(body=body), **config)


def anchors(soup: BeautifulSoup) -> list[str]:
    return [aside["id"] for aside in soup.select("aside.revision")]


# --- the aside ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "kind", "label"),
    [
        ("update", "update", "Update"),
        ("correction", "correction", "Correction"),
        ("clarification", "clarification", "Clarification"),
        ("note", "note", "Note"),
        ("editors-note", "editors-note", "Editor’s note"),
        ("Editors-Note", "editors-note", "Editor’s note"),
        ("CORRECTION", "correction", "Correction"),
    ],
)
def test_aside_attributes_and_label(written: str, kind: str, label: str) -> None:
    md, _, soup = convert_body(f"Intro.\n\n::: {written} 2018-10-30\nBody text.\n:::\n")
    assert md.dateline.problems == []
    (aside,) = soup.select("aside")
    assert aside["class"] == ["revision", f"revision--{kind}"]
    assert aside["id"] == f"{kind}-2018-10-30"
    assert aside["data-revision-kind"] == kind
    assert aside["data-revision-date"] == "2018-10-30T00:00:00-04:00"
    assert aside.select_one("strong.revision__kind").get_text() == label
    assert aside.select_one("p.revision__label time")["datetime"] == "2018-10-30T00:00:00-04:00"
    assert aside.select_one("p.revision__label time").get_text() == "30 Oct 2018"
    assert aside.select_one("span.revision__title") is None
    (entry,) = md.dateline.entries
    assert (entry.kind, entry.label, entry.anchor) == (kind, label, f"{kind}-2018-10-30")


@pytest.mark.parametrize(
    ("when", "iso", "shown"),
    [
        ("2018-10-30 14:05", "2018-10-30T14:05:00-04:00", "30 Oct 2018, 14:05 EDT"),
        ("2018-10-30T14:05+01:00", "2018-10-30T09:05:00-04:00", "30 Oct 2018, 09:05 EDT"),
        ("2018-12-03 09:30 Z", "2018-12-03T04:30:00-05:00", "3 Dec 2018, 04:30 EST"),
        ("2018-12-03", "2018-12-03T00:00:00-05:00", "3 Dec 2018"),
    ],
)
def test_times_are_written_in_the_site_zone(when: str, iso: str, shown: str) -> None:
    md, _, soup = convert_body(f"::: update {when}\nBody.\n:::")
    aside = soup.select_one("aside.revision")
    assert aside["data-revision-date"] == iso
    assert aside.time["datetime"] == iso
    assert aside.time.get_text() == shown
    (entry,) = md.dateline.entries
    assert entry.iso == iso
    assert entry.when.tzinfo == NEW_YORK


@pytest.mark.parametrize(
    "title",
    ["Smith & Sons — café", "Fares < $5, not > $3", "Rates *rise* 5_000%", "Smith & <Sons>"],
)
def test_title_in_the_label_is_plain_text(title: str) -> None:
    # The label shows the title exactly as the history list does: as text.
    md, _, soup = convert_body(f'::: note 2018-10-30 "{title}"\nBody.\n:::')
    assert md.dateline.entries[0].title == title
    span = soup.select_one("span.revision__title")
    assert span.get_text() == title
    assert span.find() is None  # no markup inside


def test_body_is_markdown() -> None:
    md, _, soup = convert_body(
        """
        ::: correction 2018-10-30
        An *earlier* version **misstated** the [fare](https://ferry.example/fares).

        - first item
        - second item

        > "We participated with a number of other companies."

        ```
        ::: note 2018-01-01
        :::
        ```

        Last paragraph.
        :::
        """
    )
    assert md.dateline.problems == []
    assert len(md.dateline.entries) == 1
    body = soup.select_one("aside.revision > div.revision__body")
    assert [child.name for child in body.find_all(recursive=False)] == [
        "p",
        "ul",
        "blockquote",
        "pre",
        "p",
    ]
    assert body.p.em.get_text() == "earlier"
    assert body.p.strong.get_text() == "misstated"
    assert body.p.a["href"] == "https://ferry.example/fares"
    assert [li.get_text() for li in body.select("ul > li")] == ["first item", "second item"]
    assert body.blockquote.p.get_text().startswith('"We participated')
    assert body.pre.code.get_text() == "::: note 2018-01-01\n:::\n"
    assert soup.select_one("aside p.revision__label") is not None


def test_entry_body_html_is_the_rendered_body() -> None:
    md, html, _ = convert_body(
        """
        Intro.

        ::: update 2018-10-30 "Fares"
        Fares *rise* on [Monday](https://x.example/).

        - one
        - two
        :::

        ::: note 2018-10-31
        A note.
        :::
        """
    )
    first, second = md.dateline.entries
    assert first.body_html == (
        '<p>Fares <em>rise</em> on <a href="https://x.example/">Monday</a>.</p>\n'
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    )
    assert second.body_html == "<p>A note.</p>"
    for entry in (first, second):
        assert f'<div class="revision__body">{entry.body_html}\n</div>' in html
    # No placeholder survives in the page.
    assert "\x02" not in html
    assert "\x03" not in html
    assert "dateline-" not in html


# --- summaries -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "body", "summary"),
    [
        ('"The title wins"', "First sentence. Second.", "The title wins"),
        ("", "First sentence. Second sentence.", "First sentence."),
        (
            "",
            "The *council* [voted](https://x.example) today. Then it rained.",
            "The council voted today.",
        ),
        ("", "The U.S. Senate voted on Tuesday. It passed.", "The U.S. Senate voted on Tuesday."),
        ("", "Did it pass? Nobody knows.", "Did it pass?"),
        ("", "It passed! Finally.", "It passed!"),
        ("", 'She said "no." Then she left.', 'She said "no."'),
        ("", "Smith &amp; Sons said so. More.", "Smith & Sons said so."),
        ("", "No full stop at all", "No full stop at all"),
        ("", "One line\ncontinued here. Second.", "One line continued here."),
        ("", "Only sentence.\n\nSecond paragraph.", "Only sentence."),
        (
            "",
            '> "We participated with others." Said Amazon.\n\nOur words.',
            '"We participated with others."',
        ),
        ("", "- A list item first. More.\n- Second item.", "A list item first."),
    ],
)
def test_summary_is_the_title_or_the_first_sentence(header: str, body: str, summary: str) -> None:
    md, _, _ = convert_body(f"::: note 2018-10-30 {header}\n{body}\n:::")
    assert md.dateline.problems == []
    assert md.dateline.entries[0].summary == summary


def test_long_first_sentence_is_cut_at_a_word_with_an_ellipsis() -> None:
    sentence = " ".join(["The harbour authority said the ramp"] * 10) + " was fine."
    md, _, _ = convert_body(f"::: note 2018-10-30\n{sentence} Second sentence.\n:::")
    summary = md.dateline.entries[0].summary
    assert summary.endswith("…")
    assert len(summary) <= 160
    assert len(summary) > 120
    assert sentence.startswith(summary[:-1])
    assert sentence[len(summary) - 1] == " "  # cut between words


def test_summary_length_is_configurable() -> None:
    md, _, _ = convert_body(
        "::: note 2018-10-30\nThe ferry will not run this week at all. Sorry.\n:::",
        summary_length=20,
    )
    assert md.dateline.entries[0].summary == "The ferry will not…"


# --- anchors -----------------------------------------------------------------

ENTRIES = """
::: note 2018-10-30
One.
:::

::: note 2018-10-30T09:00
Two.
:::

::: update 2018-10-30
Three.
:::

::: NOTE 2018-10-30 23:00
Four.
:::

::: note 2018-10-31
Five.
:::
"""


def test_anchors_count_the_same_kind_on_the_same_day() -> None:
    md, _, soup = convert_body(ENTRIES)
    expected = [
        "note-2018-10-30",
        "note-2018-10-30-2",
        "update-2018-10-30",
        "note-2018-10-30-3",
        "note-2018-10-31",
    ]
    assert anchors(soup) == expected
    assert [entry.anchor for entry in md.dateline.entries] == expected


def test_anchor_uses_the_date_as_written() -> None:
    # 23:30 at -09:00 is already the 31st in New York.
    _, _, soup = convert_body("::: note 2018-10-30T23:30-09:00\nLate.\n:::")
    assert anchors(soup) == ["note-2018-10-30"]
    assert soup.aside["data-revision-date"] == "2018-10-31T04:30:00-04:00"


@pytest.mark.parametrize(
    "appended",
    [
        "::: note 2018-10-30\nSix.\n:::",
        "::: note 2018-10-29\nAn earlier date, appended later.\n:::",
        "::: correction 2018-11-02\nSix.\n:::",
    ],
)
def test_appending_an_entry_keeps_earlier_anchors(appended: str) -> None:
    _, _, before = convert_body(ENTRIES)
    _, _, after = convert_body(ENTRIES + "\n" + appended)
    assert anchors(after)[:-1] == anchors(before)
    assert len(anchors(after)) == len(anchors(before)) + 1
    assert len(set(anchors(after))) == len(anchors(after))


def test_appended_same_day_entry_gets_the_next_number() -> None:
    _, _, soup = convert_body(ENTRIES + "\n::: note 2018-10-30\nSix.\n:::")
    assert anchors(soup)[-1] == "note-2018-10-30-4"


# --- where entries stand ---------------------------------------------------------


def test_entry_near_the_top() -> None:
    md, _, soup = convert_body(
        '::: update 2018-10-30 "Ferry back"\nThe ferry runs again.\n:::\n\nThe story.'
    )
    assert [child.name for child in soup.find_all(recursive=False)] == ["aside", "p"]
    assert soup.find("p", recursive=False).get_text() == "The story."
    assert md.dateline.entries[0].summary == "Ferry back"


def test_entry_beside_the_paragraph_it_corrects() -> None:
    md, _, soup = convert_body(
        """
        The fare is $4.
        ::: correction 2018-10-30
        The fare is $3.
        :::
        The ferry leaves at noon.
        """
    )
    assert md.dateline.problems == []
    top = soup.find_all(recursive=False)
    assert [child.name for child in top] == ["p", "aside", "p"]
    assert top[0].get_text() == "The fare is $4."
    assert top[1].select_one(".revision__body").get_text(strip=True) == "The fare is $3."
    assert top[2].get_text() == "The ferry leaves at noon."


def test_entries_between_headings_and_lists() -> None:
    _, _, soup = convert_body(
        """
        ## What happened

        - a list
        - of facts

        ::: update 2018-10-30
        More facts.
        :::

        ## What next
        """
    )
    assert [child.name for child in soup.find_all(recursive=False)] == ["h2", "ul", "aside", "h2"]
    assert [li.get_text() for li in soup.select("ul > li")] == ["a list", "of facts"]


def test_entry_at_the_very_end_without_a_final_newline() -> None:
    source = article(body="Intro.\n\n::: note 2018-10-30\nLast words.\n:::").rstrip("\n")
    assert source.endswith(":::")
    md, _, soup = convert(source)
    assert md.dateline.problems == []
    assert anchors(soup) == ["note-2018-10-30"]
    assert soup.select_one(".revision__body").get_text(strip=True) == "Last words."
    assert md.dateline.entries[0].body_html == "<p>Last words.</p>"


def test_entry_only_body_without_metadata() -> None:
    md, _, soup = convert("::: note 2018-10-30\nAlone.\n:::")
    assert anchors(soup) == ["note-2018-10-30"]
    assert md.dateline.entries[0].line == 1


def test_two_entries_without_a_blank_line_between() -> None:
    md, _, soup = convert_body("::: note 2018-10-30\nOne.\n:::\n::: update 2018-10-31\nTwo.\n:::")
    assert anchors(soup) == ["note-2018-10-30", "update-2018-10-31"]
    assert [entry.body_html for entry in md.dateline.entries] == ["<p>One.</p>", "<p>Two.</p>"]


def test_colons_in_code_are_not_entries() -> None:
    md, _, soup = convert_body("~~~\n::: note 2018-10-30\nCode.\n:::\n~~~\n\nText.")
    assert md.dateline.entries == []
    assert md.dateline.problems == []
    assert soup.select("aside") == []
    assert soup.pre.code.get_text() == "::: note 2018-10-30\nCode.\n:::\n"


# --- configuration and line numbers ----------------------------------------------


def test_configurable_kinds_and_labels() -> None:
    kinds = {"update": "Latest", "Retraction": "Retraction notice"}
    md, _, soup = convert_body(
        "::: retraction 2018-10-30\nWe retract.\n:::\n\n::: update 2018-10-31\nNew.\n:::",
        kinds=kinds,
    )
    assert md.dateline.problems == []
    assert [strong.get_text() for strong in soup.select("strong.revision__kind")] == [
        "Retraction notice",
        "Latest",
    ]
    assert soup.aside["class"] == ["revision", "revision--retraction"]
    assert anchors(soup) == ["retraction-2018-10-30", "update-2018-10-31"]


def test_a_kind_not_configured_is_a_problem() -> None:
    md, _, soup = convert_body(
        "Intro.\n\n::: note 2018-10-30\nA note.\n:::", kinds={"update": "Update"}
    )
    assert md.dateline.entries == []
    assert soup.select("aside") == []
    ((problem),) = md.dateline.problems
    assert problem.line == 6
    assert "unknown entry kind 'note'; use one of: update" in problem.message


def test_line_numbers_count_the_metadata_header() -> None:
    source = article(
        title="Ferry",
        date="2018-10-24 09:00",
        category="Transport",
        tags="ferry, storm",
        body="""
        Intro.

        ::: update 2018-10-30
        Body.
        :::

        ::: note 2018-13-01
        Bad date.
        :::

        :::
        """,
    )
    # Title, Date, Category, Tags, blank: the body starts on line 6.
    assert source.split("\n")[7] == "::: update 2018-10-30"
    md, _, _ = convert(source)
    assert [entry.line for entry in md.dateline.entries] == [8]
    assert [(problem.line, problem.message) for problem in md.dateline.problems] == [
        (12, "2018-13-01 is not a real date"),
        (16, md.dateline.problems[1].message),
    ]
    assert "without an open entry" in md.dateline.problems[1].message
    assert md.Meta["title"] == ["Ferry"]
    assert md.Meta["tags"] == ["ferry, storm"]


def test_a_new_conversion_starts_afresh() -> None:
    md = markdown.Markdown(extensions=["meta", DatelineExtension(timezone="America/New_York")])
    md.convert("::: note 2018-10-30\nOne.\n:::\n\n:::")
    assert len(md.dateline.entries) == 1
    assert len(md.dateline.problems) == 1
    md.reset()
    html = md.convert("::: note 2018-10-30\nAgain.\n:::")
    assert [entry.anchor for entry in md.dateline.entries] == ["note-2018-10-30"]
    assert md.dateline.problems == []
    assert 'id="note-2018-10-30"' in html


def test_entry_when_is_aware_in_the_site_zone() -> None:
    md, _, _ = convert_body("::: note 2018-10-30 14:05\nBody.\n:::")
    (entry,) = md.dateline.entries
    assert entry.when == datetime(2018, 10, 30, 14, 5, tzinfo=NEW_YORK)
    assert entry.has_time is True
    assert entry.display == "30 Oct 2018, 14:05 EDT"


def test_body_uses_article_references_and_raw_html() -> None:
    md, html, soup = convert_body(
        """
        See [the fares][fares].

        ::: correction 2018-10-30
        The [fare table][fares] & <span class="fix">this</span> changed.
        :::

        [fares]: https://ferry.example/fares
        """
    )
    (entry,) = md.dateline.entries
    assert entry.body_html == (
        '<p>The <a href="https://ferry.example/fares">fare table</a> &amp; '
        '<span class="fix">this</span> changed.</p>'
    )
    assert f'<div class="revision__body">{entry.body_html}\n</div>' in html
    assert entry.summary == "The fare table & this changed."
    assert soup.p.a["href"] == "https://ferry.example/fares"


def test_footnote_reference_is_not_part_of_the_summary() -> None:
    md, _, _ = convert_body(
        "::: note 2018-10-30\nThe figure was revised[^1].\n:::\n\n[^1]: Source.\n"
    )
    assert md.dateline.entries[0].summary == "The figure was revised."


def test_body_ending_in_a_code_block_keeps_its_entry() -> None:
    # Pelican's default codehilite clears the blocks it replaces; the entry survives.
    md = markdown.Markdown(
        extensions=["extra", "codehilite", "meta", DatelineExtension(timezone="America/New_York")]
    )
    html = md.convert("Intro.\n\n::: note 2018-10-30\nThe fix:\n\n    x = 1\n:::\n\nAfter.\n")
    [entry] = md.dateline.entries
    assert "x = 1" in entry.body_html
    assert "\x02" not in html and "\x03" not in html


def test_a_site_with_the_toc_extension_reads_its_entries(site) -> None:
    """toc runs the postprocessors on its table of contents too: that fragment holds
    no entry, and must not make the document's entries look unread."""
    site.write(
        "story.md",
        article(body="## Background\n\nText.\n\n::: correction 2018-10-30\nA fix.\n:::\n"),
    )
    site.build(
        MARKDOWN={
            "extensions": ["markdown.extensions.toc", "markdown.extensions.extra"],
            "output_format": "html5",
        }
    )
    page = site.html("an-explainer/index.html")
    assert [aside["id"] for aside in page.select("aside.revision")] == ["correction-2018-10-30"]
    assert page.select_one("h2#background")
