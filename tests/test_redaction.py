"""Redaction: words taken off the public record, everywhere, with a marker and an entry.

A name stands in a story's text, in a published entry and in the summary of
three committed versions, then in the current one; a redaction entry takes
it out. Built with the publishing rules (strict history, committed text
only) in a real git repository, every file of the output is searched for the
name, in every spelling HTML could give it.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime

import feedparser
import pytest
from conftest import Site, article
from dateline_editor.build import BuildFailed
from dateline_editor.publish.record import RECORD_PATH, changed_entries, load
from task_project import assert_clean_failure, copy_project, run_task

NAME = "Jane O'Doe"
STRICT = {
    "DATELINE_STRICT_HISTORY": True,
    "DATELINE_REQUIRE_COMMITTED": True,
    "DATELINE_WRITE_DRAFTS": False,
}
MARKER = "[Removed on 5 Nov 2018: privacy]"
CORRECTION = f"""
::: correction 2018-10-30 14:05 "Age corrected"
An earlier version said {NAME} was 43. She is 34.
:::
"""
REDACTION = f"""
::: redaction 2018-11-05 "A witness's name removed"
Reason: privacy
Removed: "{NAME}"
The name of a witness, removed at her request.
:::
"""


def hearing(*blocks: str, paragraph: str = "told the council about the flood") -> str:
    body = f"The witness {NAME} {paragraph}.\n\nThe council will vote in December.\n"
    return article(
        title="What the flood hearing heard",
        slug="flood-hearing",
        summary=f"{NAME} spoke at the hearing.",
        body=body + "".join(blocks),
    )


def spellings(words: str) -> set[str]:
    """``words`` as any output could hold them: typed, HTML-escaped, typogrified."""
    curly = words.replace("'", "\u2019")
    found = {words, curly, html.escape(words), html.escape(words, quote=False)}
    found |= {
        words.replace("'", "&#8217;"),
        words.replace("'", "&#39;"),
        words.replace("'", "&#x27;"),
    }
    found |= {
        json.dumps(words)[1:-1],
        json.dumps(curly)[1:-1],
        json.dumps(curly, ensure_ascii=False)[1:-1],
    }
    return found | {spelling.replace(" ", "&nbsp;") for spelling in set(found)}


def files_holding(site: Site, words: str) -> list[str]:
    wanted = spellings(words) | spellings(words.split()[-1])
    return [
        str(path.relative_to(site.output))
        for path in sorted(site.output.rglob("*"))
        if path.is_file() and any(w in path.read_text("utf-8", "replace") for w in wanted)
    ]


@pytest.fixture
def redacted(site: Site) -> dict[str, str]:
    """Three published versions holding the name, then the redaction."""
    site.overrides.update(STRICT)
    shas = {}
    site.write("hearing.md", hearing())
    shas["published"] = site.commit("publish", "2018-10-24T09:30:00-04:00")
    site.write("hearing.md", hearing(CORRECTION))
    shas["corrected"] = site.commit("correct", "2018-10-30T14:10:00-04:00")
    site.write(
        "hearing.md", hearing(CORRECTION, paragraph="told the council about the flood, twice")
    )
    shas["typo"] = site.commit("typo", "2018-10-31T10:00:00-04:00")
    site.build()
    assert files_holding(site, NAME)  # the test can find the name where it stands
    site.write(
        "hearing.md",
        hearing(CORRECTION, REDACTION, paragraph="told the council about the flood, twice"),
    )
    shas["redacted"] = site.commit("redact", "2018-11-05T10:00:00-05:00")
    site.build()
    return shas


def test_the_words_are_in_no_output_file(site: Site, redacted: dict[str, str]) -> None:
    assert files_holding(site, NAME) == []


def test_a_marker_stands_where_the_words_stood_in_every_version(
    site: Site, redacted: dict[str, str]
) -> None:
    page = site.html("flood-hearing/index.html")
    assert MARKER in page.select_one(".story__body p").get_text()
    assert MARKER in page.select_one("#correction-2018-10-30").get_text()
    for sha in (redacted["published"], redacted["corrected"], redacted["typo"]):
        version = site.html(f"flood-hearing/history/{sha}/index.html")
        assert MARKER in version.get_text(), sha
    history = site.html("flood-hearing/history/index.html")
    diffs = " ".join(diff.get_text() for diff in history.select(".diff"))
    assert MARKER in diffs
    assert page.select_one('meta[name="description"]')["content"].startswith(MARKER)


def test_the_redaction_is_on_the_record_like_any_entry(
    site: Site, redacted: dict[str, str]
) -> None:
    page = site.html("flood-hearing/index.html")
    removal = page.select_one("#redaction-2018-11-05")
    assert removal.select_one(".revision__kind").get_text() == "Removal"
    text = removal.get_text()
    assert "removed from this story for privacy reasons" in text
    assert "Reason:" not in text and "Removed:" not in text
    kinds = [
        li["data-revision-kind"] for li in page.select("#revision-history li[data-revision-kind]")
    ]
    assert kinds == ["redaction", "correction"]
    log = site.html("updates/index.html")
    assert [li["data-revision-kind"] for li in log.select("ol.revision-log li")] == [
        "redaction",
        "correction",
    ]
    for name in ("feeds/updates.atom.xml", "flood-hearing/updates.atom.xml"):
        feed = feedparser.parse((site.output / name).read_bytes())
        assert feed.entries[0].link.endswith("#redaction-2018-11-05")
    history_json = json.loads((site.output / "flood-hearing/history/index.json").read_text())
    assert [entry["kind"] for entry in history_json["versions"][0]["entries"]] == ["redaction"]
    assert history_json["versions"][0]["short"] == redacted["redacted"]


def test_deleting_the_words_from_the_source_is_accepted(
    site: Site, redacted: dict[str, str]
) -> None:
    text = (site.root / "content" / "hearing.md").read_text()
    kept, _, entry = text.partition("::: redaction")
    site.write("hearing.md", kept.replace(f" {NAME}", "") + "::: redaction" + entry)
    site.commit("names out of the source", "2018-11-05T11:00:00-05:00")
    site.build()
    assert files_holding(site, NAME) == []


def test_a_redaction_that_matches_nothing_is_refused_at_its_line(site: Site) -> None:
    site.overrides.update(STRICT)
    site.write("hearing.md", hearing())
    site.commit("publish", "2018-10-24T09:30:00-04:00")
    wrong = REDACTION.replace(NAME, "Joan Roe")
    site.write("hearing.md", hearing(wrong))
    site.commit("redact", "2018-11-05T10:00:00-05:00")
    with pytest.raises(BuildFailed) as refused:
        site.build()
    line = (
        hearing(wrong).splitlines().index('::: redaction 2018-11-05 "A witness\'s name removed"')
        + 1
    )
    (problem,) = refused.value.problems
    assert (problem.file, problem.line) == ("content/hearing.md", line)
    assert "nowhere in this story" in problem.message
    assert "Joan Roe" not in problem.message


def test_words_only_in_an_earlier_version_are_still_taken_out(site: Site) -> None:
    site.overrides.update(STRICT)
    site.write("hearing.md", hearing())
    old = site.commit("publish", "2018-10-24T09:30:00-04:00")
    site.write("hearing.md", hearing().replace(f" {NAME}", ""))
    site.commit("name out, silently", "2018-10-25T09:30:00-04:00")
    site.write("hearing.md", hearing(REDACTION).replace(f"The witness {NAME}", "The witness"))
    site.commit("redact", "2018-11-05T10:00:00-05:00")
    site.build()
    assert files_holding(site, NAME) == []
    assert MARKER in site.html(f"flood-hearing/history/{old}/index.html").get_text()


def test_a_redaction_commit_that_also_rewords_a_correction_is_refused(
    site: Site, redacted: dict[str, str]
) -> None:
    text = (site.root / "content" / "hearing.md").read_text()
    site.write("hearing.md", text.replace("She is 34.", "She is 35."))
    site.commit("redact and reword", "2018-11-05T12:00:00-05:00")
    with pytest.raises(BuildFailed) as refused:
        site.build()
    assert [
        "correction-2018-10-30" in p.message and "changed" in p.message
        for p in refused.value.problems
    ] == [True]


def test_a_scheduled_redaction_is_refused(site: Site) -> None:
    site.write("hearing.md", hearing(REDACTION.replace("2018-11-05", "2099-11-05")))
    with pytest.raises(BuildFailed) as refused:
        site.build(DATELINE_ALLOW_SCHEDULED=True)
    assert any("dated in the future" in p.message for p in refused.value.problems)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ('Removed: "Jane"\n', "needs a Reason:"),
        ("Reason: privacy\n", 'at least one Removed: "the exact words"'),
        ('Reason: spite\nRemoved: "Jane"\n', "'spite' is not a reason"),
        ("Reason: privacy\nRemoved: Jane\n", "in double quotes"),
    ],
)
def test_a_redaction_without_its_fields_is_refused(site: Site, fields: str, says: str) -> None:
    site.write("hearing.md", hearing(f"\n::: redaction 2018-11-05\n{fields}A note.\n:::\n"))
    with pytest.raises(BuildFailed) as refused:
        site.build()
    assert any(says in p.message for p in refused.value.problems), refused.value.problems


def test_words_in_the_title_need_a_slug_of_its_own(site: Site) -> None:
    text = article(title=f"What {NAME} told the hearing", body="Text.\n" + REDACTION)
    site.write("hearing.md", text)
    with pytest.raises(BuildFailed) as refused:
        site.build()
    assert any("add a Slug: line" in p.message for p in refused.value.problems)
    site.write("hearing.md", text.replace("Date:", "Slug: flood-hearing\nDate:"))
    site.build()
    assert files_holding(site, NAME) == []


def test_an_incremental_rebuild_after_a_redaction_serves_no_stale_page(site: Site) -> None:
    site.overrides.update(
        {
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": True,
            "CACHE_PATH": str(site.root / "cache"),
            "CONTENT_CACHING_LAYER": "generator",
        }
    )
    site.write("hearing.md", hearing(CORRECTION))
    site.write("other.md", article(title="Another story", body=f"It quotes {NAME} too."))
    site.commit("publish", "2018-10-30T15:00:00-04:00")
    site.build()
    site.build()  # the cache and the last build's pages are in place
    site.write("hearing.md", hearing(CORRECTION, REDACTION))
    site.write(
        "other.md", article(title="Another story", body=f"It quotes {NAME} too.\n{REDACTION}")
    )
    site.commit("redact", "2018-11-05T10:00:00-05:00")
    site.build()
    assert files_holding(site, NAME) == []


# --- dateline redact / invoke redact ---------------------------------------------


@pytest.fixture
def newsroom(tmp_path):
    """A project with the story published in two committed versions and built once."""
    root = copy_project(tmp_path / "project")
    site = Site(root)
    site.write("hearing.md", hearing())
    first = site.commit("publish", "2018-10-24T09:30:00-04:00")
    site.write("hearing.md", hearing(CORRECTION))
    second = site.commit("correct", "2018-10-30T14:10:00-04:00")
    assert run_task(root, "build").returncode == 0
    return root, first, second


def redact_task(root, *args: str):
    return run_task(root, "redact", "content/hearing.md", *args)


def test_redact_is_a_dry_run_that_lists_every_place_first(newsroom) -> None:
    root, first, second = newsroom
    story = root / "content" / "hearing.md"
    before = story.read_bytes()
    done = redact_task(root, "--text", NAME, "--reason", "privacy")
    assert done.returncode == 0, done.stderr
    assert story.read_bytes() == before
    assert "at line(s) 4, 6, 11" in done.stdout  # the summary, the text, the correction
    assert f"committed version {first} 2018-10-24" in done.stdout
    assert f"committed version {second} 2018-10-30" in done.stdout
    assert "flood-hearing/index.html (last build)" in done.stdout
    assert "run again with --write" in done.stdout


def test_redact_write_appends_the_entry_and_the_next_build_holds_no_word(newsroom) -> None:
    root, _, _ = newsroom
    story = root / "content" / "hearing.md"
    before = story.read_bytes()
    done = redact_task(
        root, "--text", NAME, "--reason", "privacy", "--note", "A witness's name.", "--write"
    )
    assert done.returncode == 0, done.stderr
    text = story.read_bytes()
    assert text.startswith(before)
    added = text[len(before) :].decode().splitlines()
    assert added[1].startswith("::: redaction ")
    assert added[2:] == ["Reason: privacy", f'Removed: "{NAME}"', "A witness's name.", ":::"]
    site = Site(root)
    site.commit("redact", datetime.now(UTC).isoformat(timespec="seconds"))
    assert run_task(root, "build").returncode == 0
    assert files_holding(site, NAME) == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--text", "Joan Roe", "--reason", "legal"], "nowhere in this story"),
        (["--text", NAME, "--reason", "spite"], "legal | privacy | safety"),
    ],
)
def test_redact_refuses_and_writes_nothing(newsroom, args: list[str], says: str) -> None:
    root, _, _ = newsroom
    story = root / "content" / "hearing.md"
    before = story.read_bytes()
    done = redact_task(root, *args, "--write")
    assert_clean_failure(done)
    assert says in done.stderr
    assert story.read_bytes() == before


def test_the_record_at_the_target_accepts_a_new_redaction_and_no_later_change(
    site: Site,
) -> None:
    """``publish`` compares the build's record of published entries with the target's.

    The record holds digests, never words, so it cannot tell which words left an
    entry: it accepts changed digests in a story that gains a redaction (strict
    history has checked the exact change), and nothing once that is published.
    """
    site.write("hearing.md", hearing(CORRECTION))
    site.build()
    before = load((site.output / RECORD_PATH).read_text(), "the target")
    site.write("hearing.md", hearing(CORRECTION.replace(f" {NAME}", ""), REDACTION))
    site.build()
    redacted = load((site.output / RECORD_PATH).read_text(), "the build")
    assert changed_entries(before, redacted, "the target", {}) == []
    assert NAME not in (site.output / RECORD_PATH).read_text()
    site.write(
        "hearing.md",
        hearing(CORRECTION.replace(f" {NAME}", "").replace("34.", "35."), REDACTION),
    )
    site.build()
    reworded = load((site.output / RECORD_PATH).read_text(), "the build")
    (problem,) = changed_entries(redacted, reworded, "the target", {})
    assert "correction-2018-10-30" in problem.message and "changed" in problem.message


def test_other_cases_and_curly_quotes_of_the_words_go_too(site: Site) -> None:
    site.write(
        "hearing.md",
        hearing("\nLater, JANE O\u2019DOE and jane o'doe were named again.\n", REDACTION),
    )
    site.build()
    assert files_holding(site, NAME) == []
    assert files_holding(site, "JANE O\u2019DOE") == []
    assert site.html("flood-hearing/index.html").get_text().count(MARKER) >= 3


# --- the red team's attempts ------------------------------------------------------


def with_removed(*phrases: str) -> str:
    lines = "".join(f'Removed: "{phrase}"\n' for phrase in phrases)
    return f"\n::: redaction 2018-11-05\nReason: privacy\n{lines}A name removed.\n:::\n"


@pytest.mark.parametrize("word", ["correction", ":::", "redaction", "Slug", "2018"])
def test_words_never_touch_the_stories_structure(site: Site, word: str) -> None:
    """Fences, anchors, field names and the fields that place a story stay whole."""
    prose = f"\nThe word {word} stands in the text too.\n"
    site.write("hearing.md", hearing(CORRECTION, prose, with_removed(NAME, word)))
    site.build()
    page = site.html("flood-hearing/index.html")
    assert [aside["id"] for aside in page.select("aside.revision")] == [
        "correction-2018-10-30",
        "redaction-2018-11-05",
    ]
    assert ":::" not in page.select_one(".story__body").get_text()
    assert page.select_one("time.dt-published")["datetime"].startswith("2018-10-24")


def test_a_shorter_phrase_cannot_leave_part_of_a_longer_one(site: Site) -> None:
    site.write("hearing.md", hearing(with_removed("Jane", NAME)))
    site.build()
    assert files_holding(site, NAME) == []
    assert files_holding(site, "O'Doe") == []


def test_a_phrase_is_whole_words_only(site: Site) -> None:
    prose = "\nAnother theatre, together with others, met there.\n"
    site.write("hearing.md", hearing(prose, with_removed(NAME, "the")))
    site.build()
    text = site.html("flood-hearing/index.html").select_one(".story__body").get_text()
    assert "[Removed on 5 Nov 2018: privacy] council" in text  # "the council"
    assert "Another theatre, together with others, met there." in text


@pytest.mark.parametrize(
    "typed",
    ["Jane O&#39;Doe", "Jane&nbsp;O'Doe", "Jane O&rsquo;Doe", "jane o\u2019doe", "Jane  O'Doe"],
)
def test_every_spelling_html_gives_the_words_goes(site: Site, typed: str) -> None:
    site.write("hearing.md", hearing(f"\nAgain: {typed}.\n", REDACTION))
    site.build()
    assert files_holding(site, NAME) == []
    assert typed not in (site.output / "flood-hearing/index.html").read_text()


@pytest.mark.parametrize(
    ("where", "text"),
    [
        (
            "a Slug: made of them",
            hearing(REDACTION).replace("Slug: flood-hearing", "Slug: jane-odoe-spoke"),
        ),
        ("a folder as category", hearing(REDACTION)),
    ],
)
def test_words_in_the_address_or_category_are_refused(site: Site, where: str, text: str) -> None:
    name = "Jane O'Doe/hearing.md" if "folder" in where else "hearing.md"
    site.write(name, text)
    with pytest.raises(BuildFailed) as refused:
        site.build()
    assert any("address or its category" in p.message for p in refused.value.problems), where


def test_a_marker_typed_into_a_published_entry_is_a_change(site: Site) -> None:
    site.overrides.update(STRICT)
    site.write("hearing.md", hearing(CORRECTION))
    site.commit("publish", "2018-10-30T15:00:00-04:00")
    faked = CORRECTION.replace("She is 34.", f"She is 34. {MARKER}")
    site.write("hearing.md", hearing(faked, REDACTION))
    site.commit("redact, and more", "2018-11-05T10:00:00-05:00")
    with pytest.raises(BuildFailed) as refused:
        site.build()
    assert any("correction-2018-10-30" in p.message for p in refused.value.problems)


def test_redact_follows_the_story_across_a_rename(newsroom) -> None:
    root, first, _ = newsroom
    site = Site(root)
    site.git("mv", "content/hearing.md", "content/flood.md")
    site.write("flood.md", hearing(CORRECTION).replace(f"The witness {NAME}", "The witness"))
    site.commit("rename, name out of the text", "2018-10-31T10:00:00-04:00")
    done = run_task(root, "redact", "content/flood.md", "--text", NAME, "--reason", "privacy")
    assert done.returncode == 0, done.stderr
    assert f"committed version {first} 2018-10-24" in done.stdout


def test_redacted_with_the_tool_and_built_with_publishconf(newsroom) -> None:
    """The editor's path: three published versions, `invoke redact --write`, a commit,
    and the publishing build (`invoke preview`: publishconf.py, strict, committed only)."""
    root, first, second = newsroom
    site = Site(root)
    site.write(
        "hearing.md", hearing(CORRECTION, paragraph="told the council about the flood, twice")
    )
    third = site.commit("typo", "2018-10-31T10:00:00-04:00")
    done = redact_task(root, "--text", NAME, "--reason", "legal", "--write")
    assert done.returncode == 0, done.stderr
    site.commit("redact", datetime.now(UTC).isoformat(timespec="seconds"))
    built = run_task(root, "preview")
    assert built.returncode == 0, built.stderr
    assert files_holding(site, NAME) == []
    for sha in (first, second, third):
        page = (site.output / "flood-hearing" / "history" / sha / "index.html").read_text()
        assert "[Removed on " in page and ": legal]" in page, sha
    assert (site.output / "flood-hearing/index.html").read_text().count("[Removed on ") >= 3
