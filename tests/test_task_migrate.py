"""`invoke migrate`: legacy free-text notes become entries; nothing ambiguous is guessed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from dateline_editor.build import build_site
from dateline_editor.migrate.notes import find_notes
from task_project import assert_clean_failure, copy_project, run_task

ZONE = ZoneInfo("America/New_York")
PUBLISHED = date(2018, 10, 28)


def one_note(text: str, order: str | None = None, published: date = PUBLISHED):
    notes = find_notes(["Title: T", "Date: 2018-10-28", "", *text.split("\n")], order, published)
    assert len(notes) == 1, notes
    note = notes[0]
    return note.kind, note.stamp.header(ZONE) if note.stamp else None, list(note.body), note.problem


@pytest.mark.parametrize(
    ("text", "kind", "header", "body"),
    [
        (
            "Note 10.30.2018 – The spokesperson responded.",
            "note",
            "2018-10-30",
            ["The spokesperson responded."],
        ),
        (
            "Update (Nov. 2, 2018): The council voted.",
            "update",
            "2018-11-02",
            ["The council voted."],
        ),
        ("**Correction (Oct. 30):** It is $12.", "correction", "2018-10-30", ["It is $12."]),
        (
            "Clarification, 2 November 2018: Two wards.",
            "clarification",
            "2018-11-02",
            ["Two wards."],
        ),
        (
            "*Updated 11/30/2018 at 3:15 p.m.*\nThe mayor spoke.",
            "update",
            "2018-11-30T15:15-05:00",
            ["The mayor spoke."],
        ),
        ("Correction 30/10/2018 — Wrong name.", "correction", "2018-10-30", ["Wrong name."]),
        ("UPDATE — Nov. 2: Late vote.", "update", "2018-11-02", ["Late vote."]),
        ("**UPDATE** — Oct. 31: Vote.", "update", "2018-10-31", ["Vote."]),
        ("_Editor’s Note, Nov. 3, 2018 — Expanded._", "editors-note", "2018-11-03", ["Expanded."]),
        (
            "editors' note (november 3rd, 2018): lower case.",
            "editors-note",
            "2018-11-03",
            ["lower case."],
        ),
        (
            "[UPDATE 10/30/2018 4:30 p.m. ET: Named.]",
            "update",
            "2018-10-30T16:30-04:00",
            ["Named."],
        ),
        (
            "UPDATE, Friday, Nov. 2, 2018, 4:30 PM PT: Later.",
            "update",
            "2018-11-02T16:30-07:00",
            ["Later."],
        ),
        ("Update 2 Nov 2018 at 14:20 - Text.", "update", "2018-11-02T14:20-04:00", ["Text."]),
        ("Corrected on 2018-10-31: ISO too.", "correction", "2018-10-31", ["ISO too."]),
        ("Update (Jan. 3): New year.", "update", "2019-01-03", ["New year."]),  # after Date:
        ("Update: Nov. 2, 2018 — Colon first.", "update", "2018-11-02", ["Colon first."]),
        ("Update 11.2.18: Two-digit year.", "update", None, None),  # 2 Nov or 11 Feb
        # Notes written as sentences: the sentence is the entry; its words say the kind.
        (
            "This article was amended on 7 November 2018 to clarify that it covers two wards.",
            "clarification",
            "2018-11-07",
            ["This article was amended on 7 November 2018 to clarify that it covers two wards."],
        ),
        (
            "*This article was amended on 7 November 2018 because an earlier version gave "
            "the wrong rate.*",
            "correction",
            "2018-11-07",
            [
                "This article was amended on 7 November 2018 because an earlier version gave "
                "the wrong rate."
            ],
        ),
        (
            "This story has been updated on Nov. 8, 2018 at 9:05 a.m. ET.",
            "update",
            "2018-11-08T09:05-05:00",
            ["This story has been updated on Nov. 8, 2018 at 9:05 a.m. ET."],
        ),
        (
            "[Updated Nov. 6, 2018, with comment from the mayor.]",
            "update",
            "2018-11-06",
            ["Updated Nov. 6, 2018, with comment from the mayor."],
        ),
        ("[Updated 11/06/2018] The mayor spoke.", "update", None, None),  # 11 June or 6 Nov
        (
            "Correction: Nov. 7, 2018\nAn earlier version misstated the vote.",
            "correction",
            "2018-11-07",
            ["An earlier version misstated the vote."],
        ),
        (
            "***Correction (Nov. 7, 2018)***: The vote was 6-1.",
            "correction",
            "2018-11-07",
            ["The vote was 6-1."],
        ),
        (
            "Editor's note (Nov. 7, 2018): This story was expanded.",
            "editors-note",
            "2018-11-07",
            ["This story was expanded."],
        ),
    ],
)
def test_legacy_notes_are_read(
    text: str, kind: str, header: str | None, body: list[str] | None
) -> None:
    found = one_note(text)
    assert found[0] == kind
    if header is None:
        assert found[1] is None and "could be" in found[3]
    else:
        assert found[1:] == (header, body, None)


@pytest.mark.parametrize(
    ("text", "order", "header"),
    [
        ("UPDATE 3/4: Delayed.", "mdy", "2019-03-04"),  # before Date: in 2018, so 2019
        ("UPDATE 3/4: Delayed.", "dmy", "2019-04-03"),
        ("Note 10.11.2018: Either.", "mdy", "2018-10-11"),
        ("Note 10.11.2018: Either.", "dmy", "2018-11-10"),
        ("Note 30.10.2018: Never ambiguous.", "mdy", "2018-10-30"),
    ],
)
def test_date_order_settles_ambiguous_dates(text: str, order: str, header: str) -> None:
    assert one_note(text, order)[1] == header


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Correction: An earlier version misspelled a name.", "has no date"),
        ("Editor's note: This story was updated.", "has no date"),
        ("UPDATE 3/4: The vote was delayed.", "'3/4' could be 4 March or 3 April"),
        ("Note 10.11.2018: Which day?", "could be 11 October 2018 or 10 November 2018"),
        ("Update Nov. 2 at 3:15: Which hour?", "could be morning or afternoon"),
        ("Correction 2/30/2018: No such day.", "not a real date"),
        ("*Updated Nov. 2, 2018*", "has no text"),
        ("UPDATE, 4:15 p.m. ET: The mayor spoke.", "gives a time (4:15 p.m. ET) but no day"),
        ("[Updated at 4:15 p.m. ET]", "gives a time (4:15 p.m. ET) but no day"),
        ("An earlier version of this article misstated the rate.", "has no date"),
        ("This story has been corrected.", "has no date"),
        (
            "This article was amended on 7 November 2018 to remove a reference.",
            "does not say what kind of change it was (its words say no kind)",
        ),
        (
            "This article was amended on 7 November 2018 to correct and clarify the rate.",
            "its words say clarification and correction",
        ),
        ("Update (: the council", "looks like a note (Update (: the council…)"),
        ("**Correction**: (see below)", "has no date"),
    ],
)
def test_notes_that_need_a_person_are_reported(text: str, problem: str) -> None:
    assert problem in one_note(text)[3]


@pytest.mark.parametrize(
    "text",
    [
        "Updated figures show a rise.",
        "Note that the council meets weekly.",
        "Update 1.5 million residents got letters.",
        "Update-to-date maps are online.",
        "Corrections officers voted.",
        "[Update](https://example.org) here.",
        "Correction: May 5 people attended?",  # "May 5" is text after a colon, not a date
        "This story was updated weekly by volunteers.",
        "The article was amended by the council in March.",
        "An earlier version of the plan called for three wards.",
        "Updates are posted to the council's site.",
    ],
)
def test_ordinary_prose_is_left_alone(text: str) -> None:
    notes = find_notes(["Title: T", "", text], None, PUBLISHED)
    if text.startswith("Correction:"):  # a label and a colon: an undated note, reported
        assert [(note.stamp, "has no date" in (note.problem or "")) for note in notes] == [
            (None, True)
        ]
    else:  # not converted, and not reported either
        assert notes == []


ARCHIVE = """\
Title: Legacy story
Date: 2018-10-28 09:00
Category: Archive

The story text, with a [link](https://example.org).

Note 10.30.2018 – The spokesperson responded.

Update (Nov. 2, 2018): The council voted
five to two.

Correction: An earlier version misspelled a name.

**Correction (Oct. 30):** The figure was $12, not $15.

UPDATE 3/4: The vote was delayed.

*Updated 11/02/2018 at 3:15 p.m.*
The mayor spoke.

Clarification, 2 November 2018: The plan covers two wards.

This article was amended on 3 November 2018 to clarify where the wards meet.

UPDATE, 4:15 p.m. ET: The mayor left.

```
Update (Nov. 2, 2018): inside code, left alone
```

::: update 2018-11-05
Update (Nov. 2, 2018): inside an entry, left alone.
:::
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "project")
    (root / "content" / "legacy.md").write_text(ARCHIVE, encoding="utf-8")
    return root


def test_migrate_shows_a_diff_and_reports_what_needs_a_person(project: Path) -> None:
    done = run_task(project, "migrate")
    assert_clean_failure(done)  # four notes need a person
    assert (project / "content" / "legacy.md").read_text(encoding="utf-8") == ARCHIVE
    assert done.stdout.startswith("--- a/content/legacy.md\n+++ b/content/legacy.md\n")
    assert "-Note 10.30.2018 – The spokesperson responded.\n+::: note 2018-10-30\n" in done.stdout
    assert "+::: correction 2018-10-30\n+The figure was $12, not $15.\n+:::\n" in done.stdout
    lines = ARCHIVE.splitlines()
    reported = [line for line in done.stderr.splitlines() if line.startswith("content/")]
    starts = [
        "Correction: An earlier version misspelled a name.",
        "UPDATE 3/4: The vote was delayed.",
        "*Updated 11/02/2018 at 3:15 p.m.*",
        "UPDATE, 4:15 p.m. ET: The mayor left.",
    ]
    assert [line.split(" ", 1)[0] for line in reported] == [
        f"content/legacy.md:{lines.index(start) + 1}:" for start in starts
    ]
    assert "migrate: 5 note(s) to convert" in done.stderr
    assert (
        "+::: clarification 2018-11-03\n"
        " This article was amended on 3 November 2018 to clarify where the wards meet.\n+:::\n"
    ) in done.stdout


def test_migrate_write_builds_with_the_entries_in_place(project: Path) -> None:
    done = run_task(project, "migrate", "--write", "--date-order", "mdy")
    assert done.returncode == 1  # the undated correction and update still need a person
    assert "7 note(s) converted in 1 file(s); 2 need a person" in done.stderr
    text = (project / "content" / "legacy.md").read_text(encoding="utf-8")
    assert "::: update 2018-11-02T15:15-04:00\nThe mayor spoke.\n:::" in text
    assert "::: update 2019-03-04\nThe vote was delayed.\n:::" in text
    assert "Correction: An earlier version misspelled a name." in text
    assert "Update (Nov. 2, 2018): inside code, left alone" in text

    build_site(project / "pelicanconf.py", project / "output", quiet=True)
    page = BeautifulSoup(
        (project / "output" / "legacy-story" / "index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    assert [aside["id"] for aside in page.select("aside.revision")] == [
        "note-2018-10-30",
        "update-2018-11-02",
        "correction-2018-10-30",
        "update-2019-03-04",
        "update-2018-11-02-2",
        "clarification-2018-11-02",
        "clarification-2018-11-03",
        "update-2018-11-05",
    ]
    assert len(page.select("#revision-history li[data-revision-kind]")) == 8

    again = run_task(project, "migrate", "--write", "--date-order", "mdy")
    assert "0 note(s) converted" in again.stderr
    assert (project / "content" / "legacy.md").read_text(encoding="utf-8") == text


def test_migrate_refuses_a_bad_date_order_and_has_help(project: Path) -> None:
    done = run_task(project, "migrate", "--date-order", "ymd")
    assert_clean_failure(done)
    assert "--date-order must be mdy or dmy" in done.stderr
    helped = run_task(project, "--help", "migrate")
    assert "--write" in helped.stdout and "--date-order" in helped.stdout
