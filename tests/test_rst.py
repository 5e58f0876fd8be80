"""reStructuredText stories carry entries as directives, with the same grammar,
refusals and outputs as ``:::`` blocks in Markdown. Real Pelican builds with
docutils, a real git repository, and the real ``dateline entry``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from conftest import Site
from dateline_editor.build import BuildFailed

DATELINE = str(Path(sys.executable).with_name("dateline"))

STORY = """Water rates
###########

:date: 2018-10-24 09:00
:slug: water-rates

The rate rises in July.

.. correction:: 2018-10-30 14:05 "Rate corrected"

   An earlier version gave the wrong figure.

   It is 4 percent.

.. note:: Mind the gap: an admonition of docutils, not an entry.

.. note:: 2018-10-31

   A spokesperson responded.
"""


def refused(site: Site) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        site.build()
    return failure.value.lines


def test_directives_are_entries_with_the_same_outputs(site: Site) -> None:
    site.write("rates.rst", STORY)
    site.build()
    page = site.html("water-rates/index.html")
    asides = page.select("aside.revision")
    assert [(a["id"], a["data-revision-kind"], a["data-revision-date"]) for a in asides] == [
        ("correction-2018-10-30", "correction", "2018-10-30T14:05:00-04:00"),
        ("note-2018-10-31", "note", "2018-10-31T00:00:00-04:00"),
    ]
    assert [p.get_text() for p in asides[0].select(".revision__body p")] == [
        "An earlier version gave the wrong figure.",
        "It is 4 percent.",
    ]
    assert asides[0].select_one(".revision__title").get_text() == "Rate corrected"
    assert page.select_one("div.admonition.note").get_text().strip().endswith("not an entry.")
    history = page.select("#revision-history li[data-revision-kind]")
    assert [li["data-revision-kind"] for li in history] == ["note", "correction"]
    assert page.select_one("time.dt-updated")["datetime"] == "2018-10-31T00:00:00-04:00"
    feed = feedparser.parse((site.output / "feeds" / "updates.atom.xml").read_bytes())
    assert [entry.link.rsplit("#", 1)[1] for entry in feed.entries] == [
        "note-2018-10-31",
        "correction-2018-10-30",
    ]


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (".. update:: 10.30.2018\n\n   Bad date.\n", 9,
         "'10.30.2018' is not a date Dateline accepts"),
        (".. update:: 2018-10-30\n", 9, "entry has no text"),
        ("- a list\n\n  .. update:: 2018-10-30\n\n     Inside it.\n", 11,
         "entries must stand at the top level of the document"),
        ("::: update 2018-10-30\nThe Markdown way.\n:::\n", 9,
         "in reStructuredText an entry is a directive: write .. KIND:: YYYY-MM-DD"),
        (".. update:: 2018-10-30 \"Same\"\n\n   One.\n\n.. note:: 2018-10-31 \"same\"\n\n   Two.\n",
         13, "entry title 'same' is already used by the entry at line 9"),
    ],
)  # fmt: skip
def test_bad_directives_are_refused_at_their_line(site: Site, body, line, message) -> None:
    site.write("bad.rst", STORY.split("The rate")[0] + "Text.\n\n" + body)
    problems = [p for p in refused(site) if p.startswith("content/bad.rst:")]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"content/bad.rst:{line}: {message}"), problems


def test_a_file_docutils_cannot_read_is_refused_at_its_line(site: Site) -> None:
    site.write("broken.rst", "Broken\n######\n\n:date: 2018-10-24\n\nText.\n\nSee `unclosed.\n")
    lines = refused(site)
    assert lines[0].startswith("content/broken.rst:8: reStructuredText cannot read this"), lines


def test_dateline_entry_writes_the_directive_form_in_a_rst_file(site: Site) -> None:
    path = site.write("rates.rst", STORY)
    entry = [DATELINE, "entry", "content/rates.rst", "--kind", "update", "--at", "2018-11-02 10:00"]
    done = subprocess.run(
        [*entry, "--title", "Vote set", "--text", "The council votes on Tuesday."],
        cwd=site.root, capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert path.read_text("utf-8").endswith(
        '\n.. update:: 2018-11-02T10:00-04:00 "Vote set"\n\n   The council votes on Tuesday.\n'
    )
    site.build()
    assert site.html("water-rates/index.html").select_one("aside#update-2018-11-02")


def test_the_history_of_a_rst_story_is_read_and_kept_append_only(site: Site) -> None:
    site.write("rates.rst", STORY.split(".. correction")[0])
    site.commit("publish", "2018-10-24T09:00:00-04:00")
    site.write("rates.rst", STORY)
    site.commit("correct", "2018-10-31T10:00:00-04:00")
    site.build()
    history = site.html("water-rates/history/index.html")
    assert len(history.select("li.version")) == 2
    added = [a["href"].rsplit("#", 1)[1] for a in history.select(".version__added a")]
    assert added == ["correction-2018-10-30", "note-2018-10-31"]
    assert "It is 4 percent" in " ".join(i.get_text() for i in history.select(".diff ins"))
    older = history.select("li.version a[href*='/history/']")[0]["href"]
    version = site.html(older.removeprefix("https://news.example/") + "index.html")
    assert "The rate rises in July." in version.get_text()
    site.write("rates.rst", STORY.replace("It is 4 percent.", "It is 5 percent."))
    site.commit("quietly reword", "2018-11-01T10:00:00-04:00")
    (problem,) = refused(site)
    assert "entry correction-2018-10-30 was published in" in problem and "changed" in problem
