"""The line scanner: entry blocks (0-based lines) and problems (1-based lines)."""

from __future__ import annotations

import textwrap
from zoneinfo import ZoneInfo

import pytest
from pelican.plugins.dateline.entries.scan import scan
from pelican.plugins.dateline.settings import DEFAULTS

KINDS = DEFAULTS["DATELINE_KINDS"]
ZONE = ZoneInfo("America/New_York")


def scan_text(text: str):
    """Scan dedented ``text``; return the blocks and the problems."""
    return scan(textwrap.dedent(text).strip("\n").split("\n"), KINDS, ZONE)


def spans(blocks) -> list[tuple[int, int]]:
    return [(block.start, block.end) for block in blocks]


def problem_lines(problems) -> list[int]:
    return [problem.line for problem in problems]


def test_blocks_with_zero_based_lines() -> None:
    blocks, problems = scan_text(
        """
        Intro paragraph.

        ::: note 2018-10-30 "Amazon responds"
        Body.

        More body.
        :::

        ::: CORRECTION 2018-10-31T14:05Z
        Fixed.
        :::
        """
    )
    assert problems == []
    assert spans(blocks) == [(2, 6), (8, 10)]
    assert [block.header.kind for block in blocks] == ["note", "correction"]
    assert blocks[0].header.title == "Amazon responds"
    assert blocks[1].header.has_time is True


def test_no_entries_no_problems() -> None:
    assert scan_text("Just text.\n\nMore text: ::: not a fence.") == ([], [])


def test_closing_line_may_have_trailing_white_space() -> None:
    blocks, problems = scan(["::: note 2018-10-30   ", "Body.", ":::  \t"], KINDS, ZONE)
    assert problems == []
    assert spans(blocks) == [(0, 2)]


def test_header_directly_after_a_paragraph_line() -> None:
    blocks, problems = scan(
        ["Paragraph.", "::: note 2018-10-30", "Body.", ":::", "Next."], KINDS, ZONE
    )
    assert problems == []
    assert spans(blocks) == [(1, 3)]


# --- code fences -------------------------------------------------------------

FENCES = ["```", "~~~", "````", "~~~~~"]


@pytest.mark.parametrize("fence", FENCES)
def test_fenced_code_is_never_an_entry(fence: str) -> None:
    lines = [
        "Text.",
        "",
        f"{fence}markdown",
        "::: note 2018-01-01",
        "code",
        ":::",
        ":::",
        "> ::: note 2018-01-01",
        "- ::: note 2018-01-01",
        fence,
        "",
        "After.",
    ]
    assert scan(lines, KINDS, ZONE) == ([], [])


@pytest.mark.parametrize("fence", FENCES)
def test_fenced_code_inside_an_entry_body(fence: str) -> None:
    lines = [
        "::: update 2018-10-30",
        "The syntax is:",
        "",
        fence,
        "::: note 2018-01-01",
        "Body.",
        ":::",
        fence,
        "",
        "Done.",
        ":::",
    ]
    blocks, problems = scan(lines, KINDS, ZONE)
    assert problems == []
    assert spans(blocks) == [(0, 10)]
    assert blocks[0].header.kind == "update"


@pytest.mark.parametrize(
    ("opening", "not_closing"),
    [("```", "~~~"), ("~~~", "```"), ("````", "```"), ("```", "````")],
)
def test_a_code_block_closes_only_with_its_own_fence(opening: str, not_closing: str) -> None:
    lines = [opening, not_closing, ":::", "::: note 2018-01-01", not_closing, opening]
    assert scan(lines, KINDS, ZONE) == ([], [])


@pytest.mark.parametrize("fence", ["```", "~~~"])
def test_unclosed_code_fence_does_not_hide_a_following_entry(fence: str) -> None:
    lines = [fence, "Not really code.", "", "::: note 2018-10-30", "Body.", ":::"]
    blocks, problems = scan(lines, KINDS, ZONE)
    assert problems == []
    assert spans(blocks) == [(3, 5)]


@pytest.mark.parametrize("fence", ["```", "~~~"])
def test_unclosed_code_fence_does_not_hide_a_following_problem(fence: str) -> None:
    lines = [fence, "Not really code.", "", ":::"]
    assert problem_lines(scan(lines, KINDS, ZONE)[1]) == [4]


# --- problems ----------------------------------------------------------------


def test_unclosed_entry() -> None:
    blocks, problems = scan_text(
        """
        Intro.

        ::: note 2018-10-30
        Body that never ends.
        """
    )
    assert blocks == []
    assert problem_lines(problems) == [3]
    assert "never closed" in problems[0].message


def test_stray_closing_fence() -> None:
    blocks, problems = scan_text(
        """
        Intro.

        :::

        More.
        """
    )
    assert blocks == []
    assert problem_lines(problems) == [3]
    assert "closing ::: without an open entry" in problems[0].message


def test_stray_closing_fence_after_a_good_entry() -> None:
    blocks, problems = scan_text(
        """
        ::: note 2018-10-30
        Body.
        :::
        :::
        """
    )
    assert spans(blocks) == [(0, 2)]
    assert problem_lines(problems) == [4]
    assert "without an open entry" in problems[0].message


@pytest.mark.parametrize("body", [[], [""], ["", "   ", "\t", ""]])
def test_empty_body(body: list[str]) -> None:
    lines = ["Intro.", "", "::: correction 2018-10-30", *body, ":::"]
    blocks, problems = scan(lines, KINDS, ZONE)
    assert blocks == []
    assert problem_lines(problems) == [3]
    assert "entry has no text" in problems[0].message


def test_nested_entry() -> None:
    _, problems = scan_text(
        """
        Intro.

        ::: note 2018-10-30
        Outer.
        ::: update 2018-10-31
        Inner.
        :::
        """
    )
    assert problem_lines(problems) == [5]
    assert "entries do not nest" in problems[0].message
    assert "opened at line 3" in problems[0].message


def test_bad_header_reports_one_problem_not_a_stray_close() -> None:
    blocks, problems = scan_text(
        """
        ::: rumor 2018-10-30
        Body.
        :::
        """
    )
    assert blocks == []
    assert problem_lines(problems) == [1]
    assert "unknown entry kind 'rumor'" in problems[0].message


@pytest.mark.parametrize(
    "line",
    [
        "> ::: note 2018-10-30",
        ">::: note 2018-10-30",
        "> > ::: note 2018-10-30",
        "> :::",
        "- ::: note 2018-10-30",
        "* ::: note 2018-10-30",
        "+ ::: note 2018-10-30",
        "1. ::: note 2018-10-30",
        "12) ::: note 2018-10-30",
        "  - ::: note 2018-10-30",
        "- > ::: note 2018-10-30",
        " ::: note 2018-10-30",
        "   :::",
    ],
)
def test_entry_not_at_top_level(line: str) -> None:
    lines = ["Intro.", "", "Paragraph.", line, "Body.", ""]
    blocks, problems = scan(lines, KINDS, ZONE)
    assert blocks == []
    assert problem_lines(problems) == [4]
    assert "outside lists and block quotes" in problems[0].message


def test_entry_inside_a_block_quote_with_its_body() -> None:
    blocks, problems = scan_text(
        """
        Intro.

        > ::: note 2018-10-30
        > Quoted body.
        > :::
        """
    )
    assert blocks == []
    assert problem_lines(problems) == [3, 5]


def test_entry_inside_a_list_item() -> None:
    blocks, problems = scan_text(
        """
        - First item.
        - ::: note 2018-10-30
          Body.
          :::
        """
    )
    assert blocks == []
    assert problem_lines(problems) == [2, 4]


@pytest.mark.parametrize(
    "line",
    ["Ratio 2:::3 is text.", "A line ending in :::", "1.5 ::: x", "    ::: indented code"],
)
def test_colons_elsewhere_are_text(line: str) -> None:
    assert scan(["Intro.", "", line, ""], KINDS, ZONE) == ([], [])


def test_every_problem_is_reported_and_scanning_goes_on() -> None:
    blocks, problems = scan_text(
        """
        Title: Many problems
        Date: 2018-10-24

        ::: rumor 2018-10-30
        Unknown kind.
        :::

        ::: note 2018-10-30
        A good entry.
        :::

        :::

        ::: update 10.30.2018
        Bad date.
        :::

        > ::: note 2018-10-31

        ::: note 2018-11-01
        :::

        ::: correction 2018-11-02 "Good too"
        Fixed.
        :::

        ```
        :::
        ```

        ::: clarification 2018-11-03
        Never closed.
        """
    )
    assert spans(blocks) == [(7, 9), (22, 24)]
    assert problem_lines(problems) == [4, 12, 14, 18, 20, 31]
    messages = [problem.message for problem in problems]
    assert "unknown entry kind" in messages[0]
    assert "without an open entry" in messages[1]
    assert "'10.30.2018' is not a date" in messages[2]
    assert "outside lists and block quotes" in messages[3]
    assert "no text" in messages[4]
    assert "never closed" in messages[5]


def test_dash_without_space_is_text_not_a_list_item() -> None:
    # Markdown reads "-:::" as a paragraph, so it is not an entry inside a list.
    blocks, problems = scan_text("Intro.\n\n-::: not a list\n")
    assert (blocks, problems) == ([], [])


def test_fence_with_an_info_string_python_markdown_rejects_is_not_code() -> None:
    # fenced_code takes "```python" but not "```python extra": the latter is text,
    # so an entry after it is still an entry.
    blocks, _ = scan_text("```python extra\n\n::: note 2018-10-30\nText.\n:::\n\n```\n")
    assert spans(blocks) == [(2, 4)]
