"""`invoke entry`: a well-formed entry stamped now (or --at), appended atomically, read back."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import article
from dateline_editor.article import read_article
from dateline_editor.build import build_site
from dateline_editor.entry.writer import EntryRequest, append_entry
from dateline_editor.errors import ToolError
from dateline_editor.project import Project
from pelican.plugins.dateline.entries.scan import scan
from task_project import assert_clean_failure, copy_project, run_task

ZONE = ZoneInfo("America/New_York")
STORY = article(
    title="Harbour story",
    date="2018-10-24 09:00",
    body="Text.\n\n::: update 2018-10-30\nThe first update.\n:::\n",
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "project")
    (root / "content" / "story.md").write_text(STORY, encoding="utf-8")
    return root


def entry(project: Path, *args: str, **kwargs) -> object:
    return run_task(project, "entry", "content/story.md", *args, **kwargs)


def test_entry_is_stamped_now_with_its_offset_and_appended(project: Path) -> None:
    path = project / "content" / "story.md"
    original = path.read_bytes()
    before = datetime.now(ZONE).replace(second=0, microsecond=0)
    done = entry(project, "--kind", "Correction", "--title", "Name corrected", "--text",
                 "We misspelled the harbourmaster's name.\n\nIt is *Quaystead*.\n")  # fmt: skip
    after = datetime.now(ZONE)
    assert done.returncode == 0, done.stderr

    text = path.read_bytes()
    assert text.startswith(original)  # append-only: nothing before it moved
    added = text[len(original) :].decode("utf-8").split("\n")
    header = added[1]
    assert added[0] == ""  # one blank line between the old text and the entry
    assert header.startswith("::: correction ") and header.endswith(' "Name corrected"')
    when = datetime.fromisoformat(header.split()[2])
    assert when.utcoffset() == when.astimezone(ZONE).utcoffset()  # explicit, the zone's own
    assert before <= when <= after
    assert added[2:] == [
        "We misspelled the harbourmaster's name.",
        "",
        "It is *Quaystead*.",
        ":::",
        "",
    ]
    line = len(original.decode().splitlines()) + 2
    assert done.stdout.startswith(f"content/story.md:{line}: added correction-")

    # It reads back as the same entry through the real build.
    build_site(project / "pelicanconf.py", project / "output", quiet=True)
    page = (project / "output" / "harbour-story" / "index.html").read_text(encoding="utf-8")
    anchor = f"correction-{when.date().isoformat()}"
    assert f'id="{anchor}"' in page
    assert f'data-revision-date="{when.astimezone(ZONE).isoformat()}"' in page


def test_entry_text_from_stdin_file_and_editor(project: Path, tmp_path: Path) -> None:
    piped = entry(project, "--kind", "note", "--at", "2018-10-31", stdin="Piped text.\n")
    assert piped.returncode == 0, piped.stderr

    notes = tmp_path / "note.md"
    notes.write_text("From a file.\n", encoding="utf-8")
    from_file = entry(project, "--kind", "note", "--at", "2018-10-31", "--file", str(notes))
    assert from_file.returncode == 0, from_file.stderr

    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\nopen(sys.argv[1], 'w').write('Typed in the editor.\\n')\n", encoding="utf-8"
    )
    edited = entry(project, "--kind", "note", "--at", "2018-10-31",
                   env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""})  # fmt: skip
    assert edited.returncode == 0, edited.stderr

    text = (project / "content" / "story.md").read_text(encoding="utf-8")
    assert text.endswith(
        "::: note 2018-10-31\nPiped text.\n:::\n\n"
        "::: note 2018-10-31\nFrom a file.\n:::\n\n"
        "::: note 2018-10-31\nTyped in the editor.\n:::\n"
    )
    assert "added note-2018-10-31-3" in edited.stdout  # anchors never renamed


@pytest.mark.parametrize(
    ("at", "written"),
    [
        ("2018-10-30 14:05", "2018-10-30T14:05-04:00"),  # EDT
        ("2018-11-05T09:00", "2018-11-05T09:00-05:00"),  # EST, after the change
        ("2018-10-30T20:05+01:00", "2018-10-30T20:05+01:00"),  # the editor's own offset kept
        ("2018-10-30T20:05Z", "2018-10-30T20:05+00:00"),
    ],
)
def test_entry_at_back_dates_with_an_explicit_offset(project: Path, at: str, written: str) -> None:
    done = entry(project, "--kind", "update", "--at", at, "--text", "Back-dated.")
    assert done.returncode == 0, done.stderr
    assert f"::: update {written}\nBack-dated.\n:::\n" in (
        project / "content" / "story.md"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "update", "--title", 'The "new" plan', "--text", "x"], "double quote"),
        (["--kind", "update", "--text", "Fine.\n:::\nNot fine."], "line 2 of the entry text"),
        (["--kind", "update", "--at", "2099-01-01 09:00", "--text", "x"], "in the future"),
        (["--text", "x"], "give the kind of entry"),
        (["--kind", "update"], "no entry text"),
    ],
)
def test_entry_refuses_and_writes_nothing(project: Path, args: list[str], message: str) -> None:
    path = project / "content" / "story.md"
    original = path.read_bytes()
    done = entry(project, *args, env={"EDITOR": "", "VISUAL": ""})
    assert_clean_failure(done)
    assert message in done.stderr
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == ["story.md"]  # no temp file left


@pytest.mark.parametrize(
    ("kind", "text", "at", "message"),
    [
        ("update", "Fine.\n::: note 2018-10-30", None, "starts with ':::'"),
        ("update", "> :::\nquoted", None, "(line 1 of the entry text)"),
        ("update", "x", "2018-10-23", "before the article's Date:"),
        ("update", "x", "2018-10-24 08:59", "before the article's Date:"),
        ("update", "x", "10.30.2018", "'10.30.2018' is not a date"),
        ("update", "x", "2018-02-30", "not a real date"),
        ("update", "x", '2018-10-30 "title"', "is not a date"),
        ("updaet", "x", None, "unknown entry kind 'updaet'"),
        ("update", "  \n\n", None, "the entry has no text"),
    ],
)
def test_entry_refusals_in_process(
    project: Path, kind: str, text: str, at: str | None, message: str
) -> None:
    path = project / "content" / "story.md"
    original = path.read_bytes()
    with pytest.raises(ToolError) as refused:
        append_entry(Project.load(project), path, EntryRequest(kind, text, at=at))
    assert message in "\n".join([str(refused.value), *refused.value.lines])
    assert path.read_bytes() == original


def test_entry_refuses_an_article_the_build_refuses(project: Path) -> None:
    path = project / "content" / "story.md"
    path.write_text(STORY + "\n::: update 30/10/2018\nBad date.\n:::\n", encoding="utf-8")
    original = path.read_bytes()
    done = entry(project, "--kind", "update", "--text", "x")
    assert_clean_failure(done)
    line = original.decode().splitlines().index("::: update 30/10/2018") + 1
    assert f"content/story.md:{line}: '30/10/2018' is not a date" in done.stderr
    assert path.read_bytes() == original


def test_entry_keeps_crlf_and_a_missing_final_newline(project: Path) -> None:
    path = project / "content" / "story.md"
    path.write_bytes(STORY.rstrip("\n").replace("\n", "\r\n").encode())
    done = entry(project, "--kind", "note", "--at", "2018-10-31", "--text", "One.\nTwo.")
    assert done.returncode == 0, done.stderr
    assert path.read_bytes().endswith(b":::\r\n\r\n::: note 2018-10-31\r\nOne.\r\nTwo.\r\n:::\r\n")


def test_entry_help_names_every_option(project: Path) -> None:
    done = run_task(project, "--help", "entry")
    assert done.returncode == 0
    for option in ("--kind", "--title", "--text", "--file", "--at"):
        assert option in done.stdout


BODIES = [
    "One line.",
    "Para one.\n\nPara two with **bold** and a [link](https://example.org).",
    "- a list\n- of things\n\n> a quote\n> that goes on",
    "Trailing spaces for a hard break  \nnext line",
    "```\ncode with ::: inside\n```",
    "Text.\n\n    ::: indented four spaces is code\n\nMore text.",
    "Ünïcödé — “quotes” and 1,000 € \t tabs",
]


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("title", [None, "A title: with colon, and ‘quotes’"])
def test_entry_always_parses_back_to_the_same_entry(
    project: Path, body: str, title: str | None
) -> None:
    site = Project.load(project)
    path = project / "content" / "story.md"
    now = datetime(2018, 11, 4, 1, 30, tzinfo=ZONE).replace(fold=1)  # the repeated hour: EST
    done = append_entry(site, path, EntryRequest("clarification", body, title), now=now)
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, problems = scan(lines, site.kinds, ZONE)
    assert problems == []
    block = next(block for block in blocks if block.start == done.line - 1)
    assert lines[block.start + 1 : block.end] == body.split("\n")
    assert block.header.kind == "clarification"
    assert block.header.title == title
    # The same instant: 01:30 EST, not the 01:30 EDT an hour earlier. (Compare in
    # UTC: Python never calls a time in a DST fold equal to one in another zone.)
    assert block.header.when.astimezone(UTC) == now.astimezone(UTC)
    assert lines[block.start].split()[2] == "2018-11-04T01:30-05:00"
    reading = read_article(site, path, now=now.astimezone(UTC) + timedelta(minutes=1))
    assert reading.problems == []


def test_entry_refuses_if_the_file_changed_while_writing(project: Path, monkeypatch) -> None:
    from dateline_editor.entry import writer as entry_writer

    site = Project.load(project)
    path = project / "content" / "story.md"
    real_check = entry_writer._check_article

    def editor_saves_meanwhile(*args, **kwargs):
        reading = real_check(*args, **kwargs)
        path.write_text(STORY + "\nAn editor's own edit.\n", encoding="utf-8")
        return reading

    monkeypatch.setattr(entry_writer, "_check_article", editor_saves_meanwhile)
    with pytest.raises(ToolError, match="changed while we were working"):
        append_entry(site, path, EntryRequest("note", "x", at="2018-10-31"))
    assert path.read_text(encoding="utf-8") == STORY + "\nAn editor's own edit.\n"


def test_entry_never_writes_what_does_not_read_back(project: Path) -> None:
    """An entry ending in an indented code block is lost by the Markdown step when
    codehilite is on (Pelican's default): the tool must refuse it, not write it."""
    site = Project.load(project)
    path = project / "content" / "story.md"
    original = path.read_bytes()
    body = "Text.\n\n    an indented code block, last"
    try:
        done = append_entry(site, path, EntryRequest("note", body, at="2018-10-31"))
    except ToolError as refused:
        assert "would not read back as written" in str(refused)
        assert path.read_bytes() == original
    else:  # the Markdown step keeps such entries now: then it must read back whole
        reading = read_article(site, path)
        assert [entry.line for entry in reading.entries][-1] == done.line
