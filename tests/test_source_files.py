"""Edge cases of real source files, through real Pelican builds (SPEC §1, §2)."""

from __future__ import annotations

import pytest
from conftest import Site, article
from dateline_editor.build import BuildFailed

BODY = """
The ferry is suspended.

::: update 2018-10-30 14:05 "Ferry back"
The ferry runs again.
:::
"""

NEWLINES = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


def build_page(site: Site, source: bytes | str, name: str = "a.md"):
    """Write ``source`` as ``content/NAME``, build, return the article page's soup."""
    if isinstance(source, bytes):
        site.write_bytes(name, source)
    else:
        site.write(name, source)
    site.build()
    return site.html(f"{name.removesuffix('.md')}/index.html")


def build_errors(site: Site, source: bytes | str, name: str = "a.md") -> list[str]:
    if isinstance(source, bytes):
        site.write_bytes(name, source)
    else:
        site.write(name, source)
    with pytest.raises(BuildFailed) as failed:
        site.build()
    assert not site.output.exists()
    return failed.value.lines


def assert_one_update(page) -> None:
    """The page holds the entry of BODY, intact."""
    (aside,) = page.select("aside.revision")
    assert aside["id"] == "update-2018-10-30"
    assert aside["data-revision-date"] == "2018-10-30T14:05:00-04:00"
    assert aside.select_one(".revision__title").get_text() == "Ferry back"
    assert aside.select_one(".revision__body").get_text(strip=True) == "The ferry runs again."
    (item,) = page.select("#revision-history li[data-revision-kind]")
    assert item.a["href"] == "#update-2018-10-30"
    assert item.a.get_text() == "Ferry back"
    assert page.select_one("time.dt-updated")["datetime"] == "2018-10-30T14:05:00-04:00"
    assert ":::" not in page.select_one(".story__body").get_text()


@pytest.mark.parametrize("newline", ["crlf", "cr"])
def test_crlf_line_endings(site: Site, newline: str) -> None:
    source = article(title="Line endings", slug="a", body=BODY)
    page = build_page(site, source.replace("\n", NEWLINES[newline]).encode("utf-8"))
    assert page.select_one("h1").get_text() == "Line endings"
    assert_one_update(page)


@pytest.mark.parametrize("newline", ["lf", "crlf"])
def test_utf8_bom(site: Site, newline: str) -> None:
    source = article(title="With a BOM", slug="a", body=BODY).replace("\n", NEWLINES[newline])
    page = build_page(site, b"\xef\xbb\xbf" + source.encode("utf-8"))
    assert page.select_one("h1").get_text() == "With a BOM"
    assert page.select_one("time.dt-published")["datetime"] == "2018-10-24T09:00:00-04:00"
    assert_one_update(page)


def test_trailing_white_space_after_the_fences(site: Site) -> None:
    body = 'Intro.\n\n::: update 2018-10-30 14:05 "Ferry back"   \nThe ferry runs again.\n'
    body += ":::  \t \n"
    assert_one_update(build_page(site, article(slug="a", body=body)))


def test_trailing_white_space_with_crlf(site: Site) -> None:
    body = 'Intro.\n\n::: update 2018-10-30 14:05 "Ferry back"  \nThe ferry runs again.\n:::   \n'
    source = article(slug="a", body=body).replace("\n", "\r\n")
    assert_one_update(build_page(site, source.encode("utf-8")))


def test_block_at_the_very_end_without_a_final_newline(site: Site) -> None:
    source = article(slug="a", body=BODY).rstrip("\n")
    assert source.endswith(":::")
    assert_one_update(build_page(site, source))


def test_block_at_the_very_end_of_a_crlf_file_without_a_final_newline(site: Site) -> None:
    source = article(slug="a", body=BODY).rstrip("\n").replace("\n", "\r\n")
    assert_one_update(build_page(site, source.encode("utf-8")))


def test_non_ascii_titles(site: Site) -> None:
    page = build_page(
        site,
        article(
            title="Überschwemmung in Zürich: l’été — 東京",
            slug="a",
            body="""
            Intro.

            ::: correction 2018-10-30 "Straße gesperrt, Fähre 1,50 €"
            Die Straße ist gesperrt.
            :::

            ::: note 2018-10-31
            Ça va très bien. Deuxième phrase.
            :::
            """,
        ),
    )
    assert page.select_one("h1").get_text() == "Überschwemmung in Zürich: l’été — 東京"
    assert page.select_one(".revision__title").get_text() == "Straße gesperrt, Fähre 1,50 €"
    history = page.select("#revision-history li[data-revision-kind]")
    assert [item.a.get_text() for item in history] == [
        "Ça va très bien.",
        "Straße gesperrt, Fähre 1,50 €",
    ]
    assert [item.a["href"] for item in history] == ["#note-2018-10-31", "#correction-2018-10-30"]


def test_two_entries_of_the_same_kind_on_the_same_day(site: Site) -> None:
    page = build_page(
        site,
        article(
            slug="a",
            body="""
            Intro.

            ::: update 2018-10-30 09:00
            Morning.
            :::

            Middle.

            ::: update 2018-10-30 16:00
            Afternoon.
            :::
            """,
        ),
    )
    assert [aside["id"] for aside in page.select("aside.revision")] == [
        "update-2018-10-30",
        "update-2018-10-30-2",
    ]
    history = page.select("#revision-history li[data-revision-kind]")
    assert [item.a["href"] for item in history] == ["#update-2018-10-30-2", "#update-2018-10-30"]
    assert [item.a.get_text() for item in history] == ["Afternoon.", "Morning."]


def test_summary_metadata_does_not_lose_entries(site: Site) -> None:
    source = article(slug="a", summary="A *short* summary.", body=BODY)
    assert_one_update(build_page(site, source))


# --- refused input: file and line --------------------------------------------------

BAD_KIND = article(
    title="Bad kind",
    category="Transport",
    body="""
    Intro.

    ::: rumor 2018-10-30
    Something.
    :::
    """,
)


def test_bad_kind_reports_the_source_line(site: Site) -> None:
    assert BAD_KIND.split("\n")[6] == "::: rumor 2018-10-30"
    (line,) = build_errors(site, BAD_KIND)
    assert line.startswith("content/a.md:7: unknown entry kind 'rumor'")


@pytest.mark.parametrize("newline", ["crlf", "cr"])
def test_line_numbers_do_not_depend_on_line_endings(site: Site, newline: str) -> None:
    source = BAD_KIND.replace("\n", NEWLINES[newline]).encode("utf-8")
    (line,) = build_errors(site, source)
    assert line.startswith("content/a.md:7: unknown entry kind 'rumor'")


def test_bom_does_not_shift_line_numbers(site: Site) -> None:
    source = b"\xef\xbb\xbf" + BAD_KIND.replace("\n", "\r\n").encode("utf-8")
    (line,) = build_errors(site, source)
    assert line.startswith("content/a.md:7: unknown entry kind 'rumor'")


@pytest.mark.parametrize("newline", ["lf", "crlf"])
def test_every_problem_of_every_file_with_its_line(site: Site, newline: str) -> None:
    first = article(
        title="First",
        tags="ferry, storm",
        summary="Two problems.",
        body="""
        ::: update 30/10/2018
        Bad date.
        :::

        ```
        :::
        ```

        ::: note 2018-10-20 "Before publication"
        Too early.
        :::

        > ::: note 2018-10-31
        """,
    )
    second = article(
        title="Second",
        body="""
        Intro.

        :::

        ::: correction 2018-10-30

        :::

        ::: update 2018-10-31
        Never closed.
        """,
    )
    site.write_bytes("b.md", second.replace("\n", NEWLINES[newline]).encode("utf-8"))
    lines = build_errors(site, first.replace("\n", NEWLINES[newline]).encode("utf-8"))
    assert [line.split(" ", 1)[0] for line in lines] == [
        "content/a.md:6:",
        "content/a.md:14:",
        "content/a.md:18:",
        "content/b.md:6:",
        "content/b.md:8:",
        "content/b.md:12:",
    ]
    assert "'30/10/2018' is not a date" in lines[0]
    assert "entry note-2018-10-20 is dated" in lines[1]
    assert "before the article's Date:" in lines[1]
    assert "outside lists and block quotes" in lines[2]
    assert "closing ::: without an open entry" in lines[3]
    assert "entry has no text" in lines[4]
    assert "never closed" in lines[5]
    assert not any("Traceback" in line for line in lines)


def test_refused_build_leaves_the_previous_output(site: Site) -> None:
    good = article(title="Good", slug="a", body=BODY)
    page = build_page(site, good)
    assert_one_update(page)
    site.write("a.md", good.replace("::: update", "::: rumour"))
    with pytest.raises(BuildFailed) as failed:
        site.build()
    assert failed.value.lines[0].startswith("content/a.md:7: unknown entry kind 'rumour'")
    assert_one_update(site.html("a/index.html"))


def test_a_control_character_is_refused_at_its_line(site: Site) -> None:
    # Invisible in an editor, but no feed can carry it: refused, never a crash.
    site.write("a.md", article(body="Text.\n\n::: note 2018-10-30\nA bell \x07 rang.\n:::\n"))
    with pytest.raises(BuildFailed) as refused:
        site.build()
    assert refused.value.lines == [
        "content/a.md:7: control character U+0007 at column 8 cannot be published "
        "(feeds and XML refuse it); delete it"
    ]
