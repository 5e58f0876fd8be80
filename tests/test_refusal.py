"""Refused builds: every problem as ``content/file.md:LINE: message``, output/ untouched."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Site, article
from dateline_editor.build import BuildFailed

PROBLEM_LINE = re.compile(r"^content/[\w./-]+\.md:\d+: \S")

GOOD = article(title="Good story", body="Text.\n\n::: update 2018-10-30\nAll fine.\n:::\n")


def line_of(source: str, header: str) -> int:
    """1-based line of ``header`` in ``source``, as an editor's editor shows it."""
    return source.splitlines().index(header) + 1


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def refused_lines(site: Site, **overrides) -> list[str]:
    with pytest.raises(BuildFailed) as refused:
        site.build(**overrides)
    lines = refused.value.lines
    for line in lines:
        assert PROBLEM_LINE.match(line), line
        assert "Traceback" not in line
    return lines


def test_every_problem_of_every_file_is_reported_in_order(site: Site) -> None:
    # Lines 6 and 14 of one file: sorted as numbers, not as text ("13" < "7").
    one = article(
        title="Bad one",
        body="""
        Text.

        ::: updaet 2018-10-30
        Unknown kind.
        :::

        More text.

        More text.

        ::: update 30/10/2018
        Not an ISO date.
        :::
        """,
    )
    two = article(
        title="Bad two",
        body="""
        Text.

        ::: correction 2018-02-30
        No such day.
        :::

        ::: note 2018-10-30
        :::
        """,
    )
    site.write("bad-two.md", two)
    site.write("bad-one.md", one)
    site.write("good.md", GOOD)
    lines = refused_lines(site)
    assert [line.split(" ", 1)[0] for line in lines] == [
        f"content/bad-one.md:{line_of(one, '::: updaet 2018-10-30')}:",
        f"content/bad-one.md:{line_of(one, '::: update 30/10/2018')}:",
        f"content/bad-two.md:{line_of(two, '::: correction 2018-02-30')}:",
        f"content/bad-two.md:{line_of(two, '::: note 2018-10-30')}:",
    ]
    assert [line_of(one, "::: updaet 2018-10-30"), line_of(one, "::: update 30/10/2018")] == [6, 14]


def test_refused_build_leaves_previous_output_byte_for_byte(site: Site) -> None:
    site.write("good.md", GOOD)
    site.build()
    before = snapshot(site.output)
    siblings = sorted(p.name for p in site.root.iterdir())
    assert "good-story/index.html" in before

    site.write("good.md", GOOD.replace("All fine.", "Edited text."))
    site.write("bad.md", article(title="Bad", body="Text.\n\n::: update 2018-10-30\nOpen.\n"))
    refused_lines(site)
    assert snapshot(site.output) == before
    assert sorted(p.name for p in site.root.iterdir()) == siblings  # no half-built folder


@pytest.mark.parametrize(
    ("header", "refused"),
    [
        ("::: update 2018-10-29", True),  # the day before Date:
        ("::: update 2018-10-30 09:00", True),  # same day, before 15:00
        ("::: update 2018-10-30 13:59 -05:00", True),  # 14:59 in New York
        ("::: update 2018-10-30", False),  # date-only, the publication day
        ("::: update 2018-10-30 15:00", False),  # the very minute of publication
        ("::: update 2018-10-30 20:30 +01:00", False),  # 15:30 in New York
    ],
)
def test_entry_dated_before_publication_is_refused(site: Site, header: str, refused: bool) -> None:
    source = article(
        title="Dated story",
        date="2018-10-30 15:00",
        body=f"Text.\n\n{header}\nSomething changed.\n:::\n",
    )
    site.write("dated.md", source)
    if refused:
        lines = refused_lines(site)
        assert [line.split(" ", 1)[0] for line in lines] == [
            f"content/dated.md:{line_of(source, header)}:"
        ]
    else:
        site.build()
        page = site.html("dated-story/index.html")
        assert len(page.select("aside.revision")) == 1


def test_future_entry_is_refused(site: Site) -> None:
    body = "Text.\n\n::: update 2099-12-31 09:00\nSoon.\n:::\n"
    source = article(title="Future story", body=body)
    site.write("future.md", source)
    lines = refused_lines(site)
    assert [line.split(" ", 1)[0] for line in lines] == [
        f"content/future.md:{line_of(source, '::: update 2099-12-31 09:00')}:"
    ]
    assert not site.output.exists()


# --- `invoke build`, as an editor runs it ------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real project (tasks.py, pelicanconf.py, plugins, theme), own content."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("tasks.py", "pelicanconf.py"):
        shutil.copy2(ROOT / name, root / name)
    for name in ("plugins", "theme"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "content").mkdir()
    (root / "content" / "good.md").write_text(GOOD, encoding="utf-8")
    return root


def invoke_build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def test_invoke_build_succeeds_and_writes_the_site(project: Path) -> None:
    done = invoke_build(project)
    assert done.returncode == 0, done.stderr
    assert (project / "output" / "index.html").is_file()
    assert 'id="update-2018-10-30"' in (project / "output/good-story/index.html").read_text()


def test_invoke_build_refuses_with_file_lines_and_no_traceback(project: Path) -> None:
    assert invoke_build(project).returncode == 0
    before = snapshot(project / "output")
    bad = article(title="Bad story", body="Text.\n\n::: update 10.30.2018\nWrong date.\n:::\n")
    (project / "content" / "bad.md").write_text(bad, encoding="utf-8")

    done = invoke_build(project)
    assert done.returncode != 0
    line = line_of(bad, "::: update 10.30.2018")
    assert re.search(rf"^content/bad\.md:{line}: \S", done.stderr, re.MULTILINE), done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert snapshot(project / "output") == before
