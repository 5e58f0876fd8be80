"""Property-based tests (Hypothesis) of the parser, the build and the entry writer.

* Any text is either read, or refused with Dateline's own problems, each on a
  line of the file: never another exception, never a line that is not there.
* Any text through a real build: a site, or ``file:line: message`` lines.
* An entry written by ``invoke entry``'s writer reads back as itself, and the
  file only grows; a refusal writes nothing.
* Appending entries never changes the anchors of the ones before.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import settings_text
from dateline_editor.build import BuildFailed, build_site
from dateline_editor.entry.writer import EntryRequest, append_entry
from dateline_editor.errors import ToolError
from dateline_editor.project import Project
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pelican.plugins.dateline import prepare
from pelican.plugins.dateline.entries.reader import (
    ENTRIES,
    PROBLEMS,
    DatelineMarkdownReader,
    SourceError,
)
from pelican.plugins.dateline.entries.scan import scan
from pelican.plugins.dateline.entries.syntax import parse_header
from pelican.plugins.dateline.model import check_entries
from pelican.settings import DEFAULT_CONFIG
from task_project import copy_project

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2018, 11, 20, 12, 0, tzinfo=ZONE)
KINDS = ["update", "correction", "clarification", "note", "editors-note"]
HEADER = "Title: A story\nDate: 2018-10-24 09:00\n\n"
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- what editors type, well and badly ------------------------------------------------

dates = st.one_of(
    st.dates().map(lambda day: f"{day.year:04d}-{day.month:02d}-{day.day:02d}"),
    st.sampled_from(["2018-10-30", "2018-02-30", "10.30.2018", "30/10/2018", "Oct", "2018-10"]),
)
times = st.one_of(
    st.just(""),
    st.builds(lambda h, m: f" {h:02d}:{m:02d}", st.integers(0, 25), st.integers(0, 61)),
    st.sampled_from(["T14:05", " 9:05", "T01:30", " 02:30", "T14:05:30"]),
)
offsets = st.one_of(
    st.just(""),
    st.sampled_from(["Z", "+01:00", "-05:00", " +14:00", "-12:00", "+14:30", "+0530", "-13:00"]),
)
titles = st.one_of(st.just(""), st.text(max_size=12).map(lambda text: f' "{text}"'))
headers = st.builds(
    lambda fence, kind, space, day, time, offset, title: (
        f"{fence}{space}{kind}{space}{day}{time}{offset}{title}"
    ),
    st.sampled_from([":::", ":::", "::: ", "  :::", "- :::", "> :::"]),
    st.one_of(st.sampled_from(KINDS), st.text(max_size=6)),
    st.sampled_from([" ", "\t", "  ", " \t"]),
    dates,
    times,
    offsets,
    titles,
)
lines = st.one_of(
    headers,
    st.sampled_from([":::", "::: ", "```", "~~~", "", "", "- item", "> quoted", "    code"]),
    st.text(max_size=20).map(lambda text: text.replace("\n", " ")),
)
bodies = st.lists(lines, max_size=16)
newlines = st.sampled_from(["\n", "\r\n"])


def reader_settings() -> dict[str, Any]:
    """Pelican's defaults, configured by the plugin as a build configures them."""
    chosen = {**DEFAULT_CONFIG, "TIMEZONE": "America/New_York"}
    prepare(chosen)
    return chosen


@pytest.fixture(scope="module")
def reader() -> DatelineMarkdownReader:
    return DatelineMarkdownReader(reader_settings())


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("property")


@QUICK
@given(body=bodies, newline=newlines)
def test_any_text_is_read_or_refused_at_a_line_of_the_file(
    reader: DatelineMarkdownReader, scratch: Path, body: list[str], newline: str
) -> None:
    source = (HEADER + "\n".join(body) + "\n").replace("\n", newline)
    path = scratch / "story.md"
    path.write_bytes(source.encode("utf-8"))
    count = len(re.split(r"\r\n|\r|\n", source))  # lines as Markdown (and editors) count them
    try:
        _, metadata = reader.read(str(path))
    except SourceError as refused:  # Dateline's own, with its line
        event("unreadable")
        assert all(1 <= problem.line <= count for problem in refused.problems)
        return
    entries = metadata[ENTRIES]
    _, late = check_entries(entries, metadata["date"], NOW, allow_scheduled=False)
    for problem in [*metadata[PROBLEMS], *late]:
        assert 1 <= problem.line <= count, problem
        assert problem.message
    anchors = [entry.anchor for entry in entries]
    assert len(anchors) == len(set(anchors))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("property-site")
    (root / "content").mkdir()
    (root / "pelicanconf.py").write_text(settings_text(), encoding="utf-8")
    return root


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, header=st.sampled_from([HEADER, "Title: A story\n\n", "Date: 2018\n\n", ""]))
def test_any_text_builds_or_is_refused_with_file_lines(site: Path, body: list[str], header: str):
    source = header + "\n".join(body) + "\n"
    (site / "content" / "story.md").write_text(source, encoding="utf-8")
    count = len(re.split(r"\r\n|\r|\n", source))
    previous = os.getcwd()
    os.chdir(site)
    try:
        build_site(site / "pelicanconf.py", site / "output", quiet=True)
    except BuildFailed as refused:
        event("refused")
        for line in refused.lines:
            match = re.fullmatch(r"content/story\.md:(\d+): \S.*", line)
            assert match, line
            assert 1 <= int(match[1]) <= count, line
    finally:
        os.chdir(previous)
    assert not list(site.glob(".output-building-*"))


# --- invoke entry's writer ----------------------------------------------------------------

STORY = HEADER + "Text.\n\n::: update 2018-10-30\nThe first update.\n:::\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = copy_project(tmp_path_factory.mktemp("writer") / "project")
    (root / "content" / "story.md").write_text(STORY, encoding="utf-8")
    return Project.load(root)


moments = st.datetimes(
    min_value=datetime(2018, 10, 24, 9, 0), max_value=datetime(2018, 11, 20, 11, 0)
).map(lambda moment: moment.replace(second=0, microsecond=0))
ats = st.one_of(
    st.none(),
    moments.map(lambda moment: moment.strftime("%Y-%m-%d")),
    moments.map(lambda moment: moment.strftime("%Y-%m-%d %H:%M")),
    st.builds(
        lambda moment, hours: (
            moment.replace(tzinfo=ZONE)
            .astimezone(ZoneInfo("UTC"))
            .astimezone(timezone(timedelta(hours=hours)))
            .isoformat(timespec="minutes")
        ),
        moments,
        st.integers(-12, 14),
    ),
)
entry_texts = st.lists(
    st.one_of(
        *[st.text(max_size=30).map(lambda text: text.replace("\n", " "))] * 2,
        *[st.sampled_from(["The fee is $2.45.", "", "    ::: code", "> quote", "- *em*"])] * 2,
        st.sampled_from(["::: update 2018-10-30", ":::", "\t", "\r"]),
    ),
    min_size=1,
    max_size=6,
).map("\n".join)


@QUICK
@given(
    kind=st.one_of(*[st.sampled_from([*KINDS, " Correction", "NOTE"])] * 3, st.text(max_size=5)),
    title=st.one_of(st.none(), st.sampled_from(["Rate corrected", "‘Quoted’ <b>"]), st.text()),
    text=entry_texts,
    at=ats,
)
def test_an_appended_entry_reads_back_as_itself_or_nothing_is_written(
    project: Project, kind: str, title: str | None, text: str, at: str | None
) -> None:
    path = project.root / "content" / "story.md"
    path.write_text(STORY, encoding="utf-8")
    before = path.read_bytes()
    try:
        done = append_entry(project, path, EntryRequest(kind, text, title, at), now=NOW)
    except ToolError:
        event("refused")
        assert path.read_bytes() == before  # a refusal writes nothing
        return
    event("written")
    after = path.read_bytes()
    assert after.startswith(before)  # append-only
    lines = after.decode("utf-8").split("\n")
    blocks, problems = scan(lines, project.kinds, ZONE)
    assert problems == []
    first, new = blocks
    assert (first.start, first.end) == (5, 7)  # the entry that was there, where it was
    header = parse_header(lines[new.start][3:], project.kinds, ZONE)
    assert header.kind == kind.strip().lower()
    assert header.title == (" ".join(title.split()) if title else None)
    assert new.start + 1 == done.line
    written = "\n".join(lines[new.start + 1 : new.end])
    assert written.strip() == text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if at is not None:
        asked = parse_header(f"{kind.lower().strip()} {' '.join(at.split())}", project.kinds, ZONE)
        assert header.when == asked.when and header.has_time == asked.has_time
    assert done.anchor.startswith(f"{header.kind}-{header.date_text}")


# --- anchors ------------------------------------------------------------------------------

entry_headers = st.lists(
    st.tuples(st.sampled_from(KINDS[:3]), st.sampled_from(["2018-10-30", "2018-10-31"])),
    min_size=1,
    max_size=12,
)


@QUICK
@given(entries=entry_headers, cut=st.integers(0, 12))
def test_appending_entries_never_changes_earlier_anchors(
    reader: DatelineMarkdownReader, scratch: Path, entries: list[tuple[str, str]], cut: int
) -> None:
    def anchors(chosen: list[tuple[str, str]]) -> list[str]:
        blocks = "".join(f"::: {kind} {day}\nText.\n:::\n\n" for kind, day in chosen)
        path = scratch / "anchors.md"
        path.write_text(HEADER + blocks, encoding="utf-8")
        _, metadata = reader.read(str(path))
        return [entry.anchor for entry in metadata[ENTRIES]]

    earlier = entries[: min(cut, len(entries))]
    everything = anchors(entries)
    assert everything[: len(earlier)] == anchors(earlier)
    assert len(set(everything)) == len(everything)
