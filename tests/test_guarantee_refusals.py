"""Hostile and malformed input, end to end through ``invoke build`` (what ``make build`` runs).

One refused build holds every bad file of the catalogue: the build reports
all problems of all files, so each case is one exact ``file:line: message``
line of its stderr. A second build holds what must be accepted, however odd:
tabs, code that looks like an entry, CRLF, a 10 MB article, 1,000 entries.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import article
from task_project import copy_project, run_task, tree

KINDS = "update, correction, clarification, note, editors-note, redaction"
NOT_A_DATE = (
    "is not a date Dateline accepts; write YYYY-MM-DD, optionally followed by HH:MM "
    "and an offset such as +01:00 or Z"
)
NOT_TOP_LEVEL = (
    "entries must start at the beginning of a line, outside lists and block quotes; "
    "move the ::: block out of it"
)
OUT_OF_RANGE = "is out of range; UTC offsets run from -12:00 to +14:00"
NOT_UTF8 = "is not UTF-8; save the file as UTF-8 (Dateline reads no other encoding)"
NOT_UTF8_PLURAL = NOT_UTF8.replace("is not", "are not", 1)
STATUSES = "published, hidden, draft, skip"
DATE = "2018-10-24 09:00"  # every article's Date:, in New York


@dataclass(frozen=True)
class Case:
    """One bad file and the exact lines the build must print for it."""

    name: str
    source: str | bytes
    expected: tuple[tuple[str, str], ...]  # (a line of the source, or "@N" for line N; message)

    @property
    def path(self) -> str:
        return f"content/{self.name}.md"

    def lines(self) -> list[str]:
        text = self.source if isinstance(self.source, str) else self.source.decode("latin-1")
        found = []
        for where, message in self.expected:
            line = int(where[1:]) if where.startswith("@") else text.splitlines().index(where) + 1
            found.append(f"{self.path}:{line}: {message}")
        return found


def one(where: str, message: str) -> tuple[tuple[str, str], ...]:
    return ((where, message),)


def entry_case(name: str, header: str, message: str, body: str = "Something changed.") -> Case:
    """An article whose one entry has ``header``; the problem is on the header's line."""
    source = article(title=name, date=DATE, body=f"Text.\n\n{header}\n{body}\n:::\n")
    return Case(name, source, ((header, message),))


def bad_header(name: str, written: str, message: str) -> Case:
    return entry_case(name, f"::: update {written}", message)


def not_a_date(name: str, written: str, token: str | None = None) -> Case:
    return bad_header(name, written, f"'{token or written}' {NOT_A_DATE}")


NESTED = article(
    title="nested",
    date=DATE,
    body="Text.\n\n::: update 2018-10-30\nOuter.\n::: note 2018-10-31\nInner.\n:::\n:::\n",
)
DEEP_LIST = article(title="deep", date=DATE, body="".join(f"{'  ' * i}- x\n" for i in range(600)))
LONG_TOKEN = "9" * 1_000_000

CATALOGUE: list[Case] = [
    entry_case(
        "unknown-kind", "::: updaet 2018-10-30", f"unknown entry kind 'updaet'; use one of: {KINDS}"
    ),
    bad_header(
        "no-date", '"Title only"', "entry 'update' has no date; write it as ::: update YYYY-MM-DD"
    ),
    not_a_date("dotted-date", "10.30.2018"),
    not_a_date("slashed-date", "30/10/2018"),
    not_a_date("month-name", "Oct 30", "Oct"),
    not_a_date("month-only", "2018-10"),
    not_a_date("basic-iso", "20181030"),
    not_a_date("arabic-indic-digits", "٢٠١٨-١٠-٣٠"),
    not_a_date("seconds", "2018-10-30T14:05:30"),
    not_a_date("offset-without-colon", "2018-10-30T14:05+0530"),
    bad_header("february-30", "2018-02-30", "2018-02-30 is not a real date"),
    bad_header("month-13", "2018-13-01", "2018-13-01 is not a real date"),
    bad_header("year-zero", "0000-01-01", "0000-01-01 is not a real date"),
    bad_header("last-day-of-time", "9999-12-31", "9999-12-31 is out of range; check the year"),
    bad_header("hour-24", "2018-10-30 24:00", "24:00 is not a real time"),
    bad_header("minute-60", "2018-10-30 14:60", "14:60 is not a real time"),
    bad_header(
        "one-digit-hour",
        "2018-10-30 9:05",
        "unexpected '9:05' after the date (a time is written HH:MM); "
        'put a title in double quotes: "Like this"',
    ),
    bad_header("offset-east", "2018-10-30T14:05+14:30", f"offset +14:30 {OUT_OF_RANGE}"),
    bad_header("offset-west", "2018-10-30T14:05-13:00", f"offset -13:00 {OUT_OF_RANGE}"),
    bad_header("offset-minutes", "2018-10-30T14:05+05:75", f"offset +05:75 {OUT_OF_RANGE}"),
    bad_header(
        "skipped-hour",
        "2019-03-10 02:30",
        "2019-03-10 02:30 never happened in America/New_York (the clocks skipped it); "
        "write the time with its UTC offset, such as +01:00",
    ),
    bad_header(
        "repeated-hour",
        "2018-11-04 01:30",
        "2018-11-04 01:30 happened twice in America/New_York (the clocks went back); add the "
        "UTC offset to say which: 2018-11-04T01:30-04:00 (the first) or "
        "2018-11-04T01:30-05:00 (the second)",
    ),
    bad_header(
        "unclosed-title",
        '2018-10-30 "Rates',
        'entry title is not closed; end it with a double quote (")',
    ),
    bad_header(
        "empty-title", '2018-10-30 ""', 'entry title is empty; remove the "" or write a title'
    ),
    not_a_date("megabyte-token", LONG_TOKEN, "9" * 39 + "…"),
    Case(
        "unterminated",
        article(title="unterminated", date=DATE, body="Text.\n\n::: update 2018-10-30\nOpen.\n"),
        (("::: update 2018-10-30", "entry is never closed; end it with a line holding only :::"),),
    ),
    Case(
        "stray-close",
        article(title="stray", date=DATE, body="Text.\n\n:::\n\nMore.\n"),
        (
            (
                ":::",
                "closing ::: without an open entry; remove it, or open the entry above with "
                'a header such as ::: update 2018-10-30 "Title"',
            ),
        ),
    ),
    Case(
        "nested",
        NESTED,
        (
            (
                "::: note 2018-10-31",
                "a new entry starts before the entry opened at line 6 is closed; entries do "
                "not nest, so close it first with a line holding only :::",
            ),
            (
                "@11",
                "closing ::: without an open entry; remove it, or open the entry above with "
                'a header such as ::: update 2018-10-30 "Title"',
            ),
        ),
    ),
    entry_case(
        "empty-body",
        "::: update 2018-10-30",
        "entry has no text; write what changed between its header and the closing :::",
        body="",
    ),
    entry_case(
        "blank-body",
        "::: note 2018-10-30",
        "entry has no text; write what changed between its header and the closing :::",
        body=" \t \n\t",
    ),
    entry_case(
        "before-publication",
        "::: update 2018-10-20",
        "entry update-2018-10-20 is dated 20 Oct 2018, before the article's Date: "
        "(2018-10-24T09:00:00-04:00); fix the date of the entry or of the article",
    ),
    entry_case(
        "future",
        "::: correction 2099-01-01 09:00",
        "entry correction-2099-01-01 is dated in the future (1 Jan 2099, 09:00 EST); fix the "
        "date, or set DATELINE_ALLOW_SCHEDULED = True to hold it back until then",
    ),
    Case(
        "repeated-title",
        article(
            title="repeated",
            date=DATE,
            body='Text.\n\n::: correction 2018-10-30 "Rate corrected"\nOne.\n:::\n\n'
            '::: correction 2018-10-31 "RATE  corrected"\nTwo.\n:::\n',
        ),
        (
            (
                '::: correction 2018-10-31 "RATE  corrected"',
                "entry title 'RATE corrected' is already used by the entry at line 6; give "
                "each entry its own title, or leave the title out",
            ),
        ),
    ),
    Case(
        "in-a-list",
        article(title="list", date=DATE, body="- item\n- ::: update 2018-10-30\n  Text.\n"),
        (("- ::: update 2018-10-30", NOT_TOP_LEVEL),),
    ),
    Case(
        "in-a-block-quote",
        article(title="quote", date=DATE, body="> Quoted.\n>\n> ::: note 2018-10-30\n> Text.\n"),
        (("> ::: note 2018-10-30", NOT_TOP_LEVEL),),
    ),
    Case(
        "indented-two",
        article(title="indented", date=DATE, body="Text.\n\n  ::: note 2018-10-30\nText.\n"),
        (("  ::: note 2018-10-30", NOT_TOP_LEVEL),),
    ),
    Case(
        "invalid-utf8",
        article(title="bytes", date=DATE, body="Text.\n\nThe fee is 5 \x00 a month.\n")
        .encode("utf-8")
        .replace(b"\x00", b"\xff\xfe"),
        one("The fee is 5 \xff\xfe a month.", f"bytes 0xff 0xfe at column 14 {NOT_UTF8_PLURAL}"),
    ),
    Case(
        "latin-1-title",
        "Title: Café rates\nDate: 2018-10-24 09:00\n\nText.\n".encode("latin-1"),
        one("@1", f"byte 0xe9 at column 11 {NOT_UTF8}"),
    ),
    Case(
        "bad-article-date",
        "Title: Bad date\nDate: 2018-13-45\n\nText.\n",
        (("Date: 2018-13-45", "cannot read Date: '2018-13-45' is not a valid date"),),
    ),
    Case(
        "no-title", "Date: 2018-10-24\n\nText.\n", (("@1", "the file has no Title: line; add one"),)
    ),
    Case(
        "unknown-status",
        "Title: Status\nDate: 2018-10-24\nStatus: publishd\n\nText.\n",
        one("Status: publishd", f"unknown Status: 'publishd'; use one of: {STATUSES}"),
    ),
    Case(
        "nested-600-deep",
        DEEP_LIST,
        (
            (
                "@1",
                "the Markdown is nested too deeply to render (lists or block quotes inside "
                "each other hundreds of levels deep)",
            ),
        ),
    ),
]


def build(project: Path) -> subprocess.CompletedProcess[str]:
    return run_task(project, "build", timeout=600)


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], dict, str]:
    """A built project; then every bad file of the catalogue added and built at once."""
    project = copy_project(tmp_path_factory.mktemp("refused") / "project")
    content = project / "content"
    good = article(title="Good story", date=DATE, body="Text.\n\n::: update 2018-10-30\nOK.\n:::\n")
    (content / "good.md").write_text(good, encoding="utf-8")
    first = build(project)
    assert first.returncode == 0, first.stderr
    before = tree(project / "output")
    for case in CATALOGUE:
        data = case.source if isinstance(case.source, bytes) else case.source.encode("utf-8")
        (content / f"{case.name}.md").write_bytes(data)
    done = build(project)
    assert done.returncode == 1, done.stdout + done.stderr
    for noise in ("Traceback", "Could not process", "ERROR"):  # only Dateline's lines
        assert noise not in done.stdout + done.stderr
    return project, done.stderr.splitlines(), before, done.stdout


def test_catalogue_is_large_enough() -> None:
    assert len({case.name for case in CATALOGUE}) == len(CATALOGUE) >= 40


@pytest.mark.parametrize("case", CATALOGUE, ids=lambda case: case.name)
def test_each_bad_input_is_refused_with_its_file_line_and_message(refused, case: Case) -> None:
    _, stderr, _, _ = refused
    mine = [line for line in stderr if line.startswith(f"{case.path}:")]
    assert mine == case.lines()


def test_a_refused_build_reports_every_problem_and_nothing_else(refused) -> None:
    project, stderr, before, _ = refused
    expected = [line for case in CATALOGUE for line in case.lines()]
    problems = [line for line in stderr if re.match(r"^content/\S+\.md:\d+: ", line)]
    assert sorted(problems) == sorted(expected)
    assert stderr == problems  # exactly the problems, as `pelican` prints them: no log noise
    assert tree(project / "output") == before
    assert not list(project.glob(".output-*"))


# --- accepted, however odd ---------------------------------------------------------------

TABS = article(
    title="Tabs story",
    date=DATE,
    body=':::\tupdate\t2018-10-30\t"Tabbed title"\nTabs around the parts.\n:::\n\n'
    '::: \t note   2018-10-30\t14:05   "Spaced title"\nRuns of white space.\n:::\n',
)
CODE = article(
    title="Code story",
    date=DATE,
    body="```\n::: update 2018-10-30\nnot an entry\n:::\n```\n\n"
    "~~~text\n:::\n~~~\n\n    ::: note 2099-01-01\n    indented code\n\nText.\n",
)
CRLF = article(
    title="Windows story", date=DATE, body="Text.\n\n::: update 2018-10-30\nCRLF.\n:::\n"
)
SAME_DAY = article(
    title="Same day story",
    date="2018-10-30 15:00",
    body="Text.\n\n::: update 2018-10-30\nA date-only entry on the publication day.\n:::\n",
)
WORDS = ["the", "council", "voted", "to", "raise", "water", "rates", "by", "four", "percent"]
ENTRIES = 1000


def ten_megabytes() -> str:
    paragraph = " ".join(WORDS * 8) + "."
    count = 10_000_000 // (len(paragraph) + 2) + 1
    body = "\n\n".join(paragraph for _ in range(count))
    body += "\n\n::: correction 2018-10-30\nThe big story, corrected.\n:::\n"
    return article(title="Big story", date=DATE, body=body)


def thousand_entries() -> str:
    blocks = []
    for number in range(ENTRIES):
        day = date(2018, 10, 24) + timedelta(days=number // 4)
        blocks.append(f"::: update {day.isoformat()}\nUpdate number {number}.\n:::\n")
    return article(title="Long story", date=DATE, body="Text.\n\n" + "\n".join(blocks))


@pytest.fixture(scope="module")
def accepted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("accepted") / "project")
    content = project / "content"
    for name, text in {"tabs": TABS, "code": CODE, "same-day": SAME_DAY}.items():
        (content / f"{name}.md").write_text(text, encoding="utf-8")
    (content / "crlf.md").write_bytes(("\ufeff" + CRLF).replace("\n", "\r\n").encode("utf-8"))
    big = ten_megabytes()
    assert len(big.encode("utf-8")) >= 10_000_000
    (content / "big.md").write_text(big, encoding="utf-8")
    (content / "long.md").write_text(thousand_entries(), encoding="utf-8")
    done = build(project)
    assert done.returncode == 0, done.stderr
    return project / "output"


def page(output: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((output / slug / "index.html").read_text("utf-8"), "html.parser")


def test_tabs_and_runs_of_spaces_in_a_header_are_read_as_one_space(accepted) -> None:
    story = page(accepted, "tabs-story")
    asides = story.select("aside.revision")
    assert [a["id"] for a in asides] == ["update-2018-10-30", "note-2018-10-30"]
    assert [" ".join(a.select_one(".revision__title").get_text().split()) for a in asides] == [
        "Tabbed title",
        "Spaced title",
    ]
    assert asides[1]["data-revision-date"] == "2018-10-30T14:05:00-04:00"


def test_colons_in_code_crlf_bom_and_publication_day_entries_build(accepted) -> None:
    output = accepted
    code = page(output, "code-story")
    assert code.select("aside.revision") == []
    assert ":::" in code.select_one(".story__body").get_text()
    assert [a["id"] for a in page(output, "windows-story").select("aside")] == ["update-2018-10-30"]
    assert [a["id"] for a in page(output, "same-day-story").select("aside")] == [
        "update-2018-10-30"
    ]


def test_a_ten_megabyte_article_builds(accepted) -> None:
    output = accepted
    big = (output / "big-story" / "index.html").read_text("utf-8")
    assert len(big) > 10_000_000
    assert 'id="correction-2018-10-30"' in big


def test_a_thousand_entries_build_with_distinct_anchors(accepted) -> None:
    output = accepted
    story = page(output, "long-story")
    anchors = [aside["id"] for aside in story.select("aside.revision")]
    assert len(anchors) == len(set(anchors)) == ENTRIES
    assert anchors[:5] == [
        "update-2018-10-24",
        "update-2018-10-24-2",
        "update-2018-10-24-3",
        "update-2018-10-24-4",
        "update-2018-10-25",
    ]
    history = story.select("#revision-history li[data-revision-kind]")
    assert len(history) == ENTRIES
    # The updates log, 100 a page (DATELINE_UPDATES_PER_PAGE), followed page by page.
    listed, pages, address = [], [], "updates/index.html"
    while address:
        updates = BeautifulSoup((output / address).read_text("utf-8"), "html.parser")
        pages.append(len(updates.select("main li[data-revision-kind]")))
        listed += [a["href"] for a in updates.select("main .revision-log__summary a")]
        older = updates.select_one('main a[rel="next"]')
        address = older and older["href"].removeprefix("../")
    assert pages == [100] * 10 + [5]  # ENTRIES + the others' 5
    assert len(set(listed)) == ENTRIES + 5
    feed = BeautifulSoup((output / "feeds/updates.atom.xml").read_text("utf-8"), "xml")
    assert len(feed.find_all("entry")) == 100  # DATELINE_FEED_MAX_ITEMS
