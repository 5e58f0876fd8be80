"""Bad input and odd states: every problem of every file, an empty title, what
editors leave behind, a wrong TIMEZONE, odd file names, two editors at once,
hostile HTML in entries where no Content-Security-Policy applies, and pages
whose cost stays linear. Real builds, real processes, real feed parsing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import Site, article
from dateline_editor.build import BuildFailed
from jinja2 import ChoiceLoader, DictLoader, Environment
from pelican.plugins.dateline.outputs.filters import FILTERS
from pelican.plugins.dateline.outputs.inject import environment

DATELINE = str(Path(sys.executable).with_name("dateline"))


def refused(site: Site, **overrides) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        site.build(**overrides)
    return failure.value.lines


def test_every_problem_of_a_file_is_reported_not_only_the_first(site: Site) -> None:
    source = (
        "Title: Many problems\n"
        "Date: 2018-13-45\n"
        "\n"
        "Text.\n"
        "A bell \x07 here.\n"
        "\n"
        "And a form feed \x0c there.\n"
        "\n"
        "::: update 30/10/2018\n"
        "Bad date.\n"
        ":::\n"
    )
    site.write("many.md", source)
    lines = refused(site)
    assert [line.split(": ", 1)[0] for line in lines] == [
        "content/many.md:2",
        "content/many.md:5",
        "content/many.md:7",
        "content/many.md:9",
    ], lines
    assert "cannot read Date" in lines[0]
    assert "control character U+0007 at column 8" in lines[1]
    assert "control character U+000C at column 17" in lines[2]
    assert "'30/10/2018' is not a date" in lines[3]


@pytest.mark.parametrize("title", ["", "   ", "\u00a0\u00a0", "\u200b", "\t\u2060"])
def test_an_empty_title_is_refused_at_its_line(site: Site, title: str) -> None:
    site.write("empty.md", f"Date: 2018-10-24 09:00\nTitle: {title}\n\nText.\n")
    assert refused(site) == [
        "content/empty.md:2: the title is empty (or only spaces); write the headline after Title:"
    ]


def test_what_editors_leave_behind_is_not_content(site: Site) -> None:
    site.write("story.md", article(title="Story", body="Published text."))
    (site.root / "content" / ".#story.md").symlink_to("desk@host.12345:1700000000")  # Emacs
    site.write(".story.md.swp", "SECRET swap file")
    site.write(".draft.md", article(title="Hidden draft", body="SECRET hidden file."))
    site.write(".notes/plan.md", article(title="Hidden folder", body="SECRET hidden folder."))
    site.build()
    assert (site.output / "story" / "index.html").is_file()
    for path in site.output.rglob("*"):
        if path.is_file():
            assert b"SECRET" not in path.read_bytes(), path


def test_a_wrong_timezone_is_one_problem_naming_it(site: Site) -> None:
    for number in range(3):
        site.write(f"s{number}.md", article(title=f"Story {number}"))
    assert refused(site, TIMEZONE="") == [
        "TIMEZONE = '' is refused; it accepts a time zone name such as 'America/New_York', "
        "'Europe/London' or 'UTC'"
    ]
    assert len(refused(site, TIMEZONE="Mars/Olympus_Mons")) == 1


def test_a_line_break_in_a_file_name_does_not_split_its_problem(site: Site) -> None:
    site.write("two\nlines.md", article(body="Text.\n\n::: rumour 2018-10-30\nNo.\n:::\n"))
    (line,) = refused(site)
    assert line.startswith("content/two\\nlines.md:6: unknown entry kind 'rumour'")


def test_two_editors_adding_entries_at_once_lose_neither(site: Site) -> None:
    path = site.write("story.md", article(title="Busy story", body="The text."))
    entry = [DATELINE, "entry", "content/story.md", "--kind", "update", "--at", "2018-10-30"]
    processes = [
        subprocess.Popen(
            [*entry, "--text", f"Update number {number}."],
            cwd=site.root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(6)
    ]
    results = [(*process.communicate(timeout=120), process.returncode) for process in processes]
    assert [code for _, _, code in results] == [0] * 6, results
    text = path.read_text("utf-8")
    assert sorted(n for n in range(6) if f"Update number {n}." in text) == list(range(6))
    site.build()
    page = site.html("busy-story/index.html")
    assert len(page.select("aside.revision")) == 6


HOSTILE = """
Text.

::: correction 2018-10-30 "Hostile"
See <a href="javascript:alert(1)">this</a>, <a href="data:text/html;base64,PGI+eDwvYj4=">that</a>,
<img src="x.png" onerror="alert(2)"> and <script>alert(3)</script> the
[real report](https://council.example/report).
:::
"""


def test_hostile_html_in_an_entry_is_cut_from_feeds_and_json_ld(site: Site) -> None:
    import feedparser

    site.write("hostile.md", article(title="Hostile story", body=HOSTILE))
    site.build()
    raw = (site.output / "feeds" / "updates.atom.xml").read_text("utf-8")
    (entry,) = feedparser.parse(raw, sanitize_html=False).entries
    content = BeautifulSoup(entry.content[0].value, "html.parser")
    assert content.find_all("script") == [] and "alert(3)" not in content.get_text()
    for element in content.find_all(True):
        assert not [name for name in element.attrs if name.startswith("on")], element
        for name in ("href", "src"):
            assert not element.get(name, "").startswith(("javascript:", "data:")), element
    assert [a.get("href") for a in content.find_all("a")] == [
        None,
        None,
        "https://council.example/report",  # the real link stays
    ]
    page = site.html("hostile-story/index.html")
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    text = data["correction"][0]["text"]
    assert "<" not in text and "javascript:" not in text and "onerror" not in text
    # On the page it is the editor's HTML, as typed (the CSP keeps scripts from running).
    assert page.select_one("aside script").string == "alert(3)"


class Counted(list):
    """A list that counts how often it is walked through."""

    walks = 0

    def __iter__(self):
        Counted.walks += 1
        return super().__iter__()


def test_the_history_page_walks_the_entries_once_however_many(monkeypatch) -> None:
    from types import SimpleNamespace

    def page(count: int) -> int:
        entries = Counted(
            SimpleNamespace(
                anchor=f"update-2018-10-{n % 28 + 1:02d}-{n}", label="Update", summary="s"
            )
            for n in range(count)
        )
        versions = [
            SimpleNamespace(
                key=f"version-{n}", unsaved=False, first=n == count - 1, time=None, sha="abc",
                short="abc", save_as="", url="", added=[entries[n].anchor], diff=None,
            )
            for n in range(count)
        ]  # fmt: skip
        article = SimpleNamespace(title="T", url="t/", dateline=SimpleNamespace(entries=entries))
        history = SimpleNamespace(versions=versions, url="t/history/", incomplete=False)
        env = Environment(
            loader=ChoiceLoader(
                [
                    DictLoader({"base.html": "{% block content %}{% endblock %}"}),
                    environment().loader,
                ]
            ),
            autoescape=True,
        )
        env.filters.update(FILTERS)
        Counted.walks = 0
        html = env.get_template("dateline/history.html").render(
            article=article, history=history, SITEURL="", SITENAME="S", DATELINE_FEED_PATH=""
        )
        assert BeautifulSoup(html, "html.parser").select("ul.version__added li a")
        return Counted.walks

    assert page(10) == page(400) == 1


NOT_READ = (
    "this entry is not read as one: it stands inside an HTML block, an HTML comment or a "
    "code block; close that before the entry"
)


@pytest.mark.parametrize(
    "around",
    [
        ("<div>", "</div>"),  # an HTML block swallows the entry
        ("<!--", "-->"),  # a comment hides it
        ("<details><summary>More</summary>", "</details>"),
    ],
)
def test_an_entry_markdown_does_not_read_is_refused_never_dropped(site: Site, around) -> None:
    opening, closing = around
    body = f"Text.\n\n{opening}\n::: correction 2018-10-30\nA hidden correction.\n:::\n{closing}\n"
    site.write("boxed.md", article(title="Boxed", body=body))
    assert refused(site) == [f"content/boxed.md:7: {NOT_READ}"]


def test_a_raw_fence_line_is_refused_but_code_shows_as_code(site: Site) -> None:
    site.write(
        "code.md",
        article(title="Code", body="Example:\n\n    ::: note 2018-10-30\n    x\n    :::\n"),
    )
    site.write(
        "fenced.md",
        article(
            title="Fenced",
            body="```\n::: motion 2024-12-10\n:::\n\n::: note 2025-01-01\n:::\n```\n",
        ),
    )
    site.build()
    assert ":::" in site.html("code/index.html").select_one("pre code").get_text()
    assert site.html("fenced/index.html").select_one("pre code").get_text().count(":::") == 4
    listed = "- An item.\n\n    ::: note 2018-10-30\n    Not code: the item's paragraph.\n    :::\n"
    site.write("raw.md", article(title="Raw", body=listed))
    (line,) = refused(site)
    assert line.startswith("content/raw.md:") and "a ':::' line would show as text" in line


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_a_unicode_line_separator_in_the_header_does_not_split_it(site: Site, separator) -> None:
    """Python-Markdown and Pelican split the header at "\\n" only; so does Dateline."""
    site.write(
        "odd.md",
        f"Title: Odd{separator}Date: 1999-01-01\nDate: 2018-10-24 09:00\n\nText.\n\n"
        "::: update 2018-10-30\nAn update.\n:::\n",
    )
    site.build()
    (page,) = [path for path in site.output.glob("odd*/index.html")]
    html = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    assert html.select_one("time.dt-published")["datetime"] == "2018-10-24T09:00:00-04:00"
    assert [aside["id"] for aside in html.select("aside.revision")] == ["update-2018-10-30"]


@pytest.mark.parametrize("field", ["Title", "Date", "Modified", "Slug", "Status", "Lang", "Tags"])
def test_a_field_given_twice_is_refused_at_its_second_line(site: Site, field: str) -> None:
    values = {"Title": "Again", "Date": "2019-01-01", "Modified": "2019-01-02", "Slug": "again",
              "Status": "draft", "Lang": "fr", "Tags": "again"}  # fmt: skip
    header = {"Title": "Twice", "Date": "2018-10-24 09:00", field: values[field]}
    lines = [f"{key}: {value}" for key, value in header.items()]
    lines.insert(len(lines), f"{field}: {values[field]}")
    site.write("twice.md", "\n".join(lines) + "\n\nText.\n")
    first = next(n for n, line in enumerate(lines, 1) if line.startswith(f"{field}:"))
    assert refused(site) == [
        f"content/twice.md:{len(lines)}: {field}: is given twice "
        f"(lines {first} and {len(lines)}); keep one"
    ]
