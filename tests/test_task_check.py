"""`invoke check`: every refusal of the build plus broken links and anchors, as file:line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import article
from dateline_editor.check.links import Site
from dateline_editor.check.run import SOURCES, CheckRun, Problem, register_source, run_check
from dateline_editor.project import Project
from task_project import assert_clean_failure, copy_project, run_task

GOOD = article(
    title="Harbour story",
    date="2018-10-24 09:00",
    body="""
    Text with a [working link](../ferry-story/#update-2018-10-30) and an
    [outside link](https://example.org/nowhere/) and [mail](mailto:desk@news.example).

    ::: update 2018-10-30
    All fine.
    :::
    """,
)
FERRY = article(
    title="Ferry story",
    date="2018-10-25 09:00",
    summary="Ferries.",
    body="Ferry text.\n\n::: update 2018-10-30\nRunning again.\n:::\n",
)
BAD_DATES = article(
    title="Bad dates",
    summary="Bad.",
    body="""
    Text.

    ::: update 10.30.2018
    Not ISO.
    :::

    ::: correction 2018-10-31
    Never closed.
    """,
)
BROKEN_LINKS = article(
    title="Broken links",
    summary="Links.",
    body="""
    Intro.

    See the [missing page](../no-such-story/) and
    the [missing anchor](../ferry-story/#correction-2018-10-30).

    Back to [the top](#top) or [the text](#main), to [nothing](#nowhere), and to
    [record](#revision-history), which an article without entries does not have.
    """,
)


def line_of(source: str, text: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if text in line)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "project")
    (root / "content" / "good.md").write_text(GOOD, encoding="utf-8")
    (root / "content" / "ferry.md").write_text(FERRY, encoding="utf-8")
    return root


def test_check_passes_a_good_site_and_the_sample_site(project: Path, tmp_path: Path) -> None:
    done = run_task(project, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "check: no problems" in done.stderr
    assert done.stdout == ""
    assert not (project / "output").exists()  # it builds into a temporary folder

    sample = copy_project(tmp_path / "sample", sample_content=True)
    assert run_task(sample, "check").returncode == 0


def test_check_reports_refusals_of_every_file_as_json(project: Path) -> None:
    (project / "content" / "bad.md").write_text(BAD_DATES, encoding="utf-8")
    (project / "content" / "worse.md").write_text(
        article(title="Worse", summary="W.", body="::: updaet 2018-10-30\nx\n:::\n"),
        encoding="utf-8",
    )
    done = run_task(project, "check", "--json")
    assert_clean_failure(done)
    problems = json.loads(done.stdout)
    assert [(p["file"], p["line"]) for p in problems] == [
        ("content/bad.md", line_of(BAD_DATES, "10.30.2018")),
        ("content/bad.md", line_of(BAD_DATES, "::: correction")),
        ("content/worse.md", 5),
    ]
    assert all(set(p) == {"file", "line", "message"} for p in problems)
    assert "is not a date Dateline accepts" in problems[0]["message"]

    # With PATHS, only those files' problems (as options, or after --).
    only = run_task(project, "check", "--path", "content/worse.md")
    assert_clean_failure(only)
    assert only.stdout.splitlines() == [
        "content/worse.md:5: unknown entry kind 'updaet'; use one of: "
        "update, correction, clarification, note, editors-note, redaction"
    ]
    same = run_task(project, "check", "--", "content/worse.md")
    assert same.stdout == only.stdout
    assert run_task(project, "check", "--", "content/good.md").returncode == 0


def test_check_reports_broken_links_and_anchors_at_their_source_line(project: Path) -> None:
    (project / "content" / "links.md").write_text(BROKEN_LINKS, encoding="utf-8")
    done = run_task(project, "check")
    assert_clean_failure(done)
    lines = done.stdout.splitlines()
    page = line_of(BROKEN_LINKS, "../no-such-story/")
    anchor = line_of(BROKEN_LINKS, "correction-2018-10-30")
    nowhere = line_of(BROKEN_LINKS, "#nowhere")
    history = line_of(BROKEN_LINKS, "#revision-history")
    assert [line.split(" ", 1)[0] for line in lines] == [
        f"content/links.md:{page}:",
        f"content/links.md:{anchor}:",
        f"content/links.md:{nowhere}:",
        f"content/links.md:{history}:",
    ]
    assert (
        "'../no-such-story/' on /broken-links/index.html: no page or file at /no-such-story/"
        in lines[0]
    )
    assert "no element with id 'correction-2018-10-30' on /ferry-story/index.html" in lines[1]
    assert "no element with id 'nowhere'" in lines[2]
    assert "no element with id 'revision-history'" in lines[3]
    assert "check: 4 problem(s)" in done.stderr


def test_links_resolve_relative_root_and_absolute_urls(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "news" / "a").mkdir(parents=True)
    (site / "news" / "a" / "index.html").write_text('<h2 id="here">A</h2>', encoding="utf-8")
    (site / "feed.xml").write_text("<feed/>", encoding="utf-8")
    (site / "index.html").write_text(
        "\n".join(
            [
                '<a href="news/a/">ok</a> <a href="news/a/#here">ok</a>',
                '<a href="/news/a/index.html#here">ok</a> <link href="feed.xml">',
                '<a href="https://x.example/news/a/">ok</a> <a href="https://other.example/">ext</a>',
                '<a href="news/b/">bad</a> <img src="/missing.png">',
                '<a href="https://x.example/news/a/#gone">bad</a> <a name="named"></a>',
                '<a href="#named">ok</a> <a href="#">ok</a> <a href="tel:+15551234">ok</a>',
            ]
        ),
        encoding="utf-8",
    )
    broken = [(b.link.line, b.link.url) for b in Site(site, "https://x.example").broken()]
    assert broken == [(4, "news/b/"), (4, "/missing.png"), (5, "https://x.example/news/a/#gone")]


def test_a_new_source_of_problems_joins_check(project: Path) -> None:
    """How the history's append-only rules will plug in: one more source."""

    def no_todo(run: CheckRun):
        for path in run.project.content_files():
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if "TODO" in line:
                    yield Problem(run.project.display(path), number, "remove the TODO")

    (project / "content" / "good.md").write_text(GOOD + "\nTODO: more\n", encoding="utf-8")
    register_source("todo", no_todo)
    try:
        with CheckRun(Project.load(project)) as run:
            problems = run_check(run)
    finally:
        del SOURCES["todo"]
    assert [str(problem) for problem in problems] == [
        f"content/good.md:{len(GOOD.splitlines()) + 2}: remove the TODO"
    ]


def test_check_has_help(project: Path) -> None:
    done = run_task(project, "--help", "check")
    assert done.returncode == 0
    assert "--json" in done.stdout and "--path" in done.stdout


def test_check_refuses_a_silently_changed_published_entry(tmp_path: Path) -> None:
    """pelicanconf only warns; check holds the record to publish's standard."""
    project = copy_project(tmp_path / "project")
    (project / "content" / "ferry.md").write_text(FERRY, encoding="utf-8")
    git = ["git", "-c", "user.name=Desk", "-c", "user.email=desk@news.example"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "content"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "publish"], cwd=project, check=True)
    edited = FERRY.replace("Running again.", "Running again, mostly.")
    (project / "content" / "ferry.md").write_text(edited, encoding="utf-8")

    done = run_task(project, "check")
    assert done.returncode != 0
    line = edited.splitlines().index("::: update 2018-10-30") + 1
    assert f"content/ferry.md:{line}: entry update-2018-10-30 was published in " in done.stdout
