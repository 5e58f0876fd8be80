"""A live session takes a one-story edit in place, and the site is a fresh build's.

``dateline livereload`` keeps its last build in memory and, after an edit of
one story, re-renders only the pages that read it (``incremental/live.py``).
Each edit below is taken by the session, then the same site is built from
nothing into a folder of its own: the two trees must be identical, byte for
byte. Whatever the session cannot vouch for, it hands to a whole build, and
that too must end as a fresh build's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Site, article
from dateline_editor.project import Project
from dateline_editor.serve.livereload import Change, LiveReload
from test_content_model import EN, FR, FRENCH, PAGE
from test_incremental import STORIES, assert_same, full_build, inodes, touch_later, tree
from test_redaction import CORRECTION, NAME, REDACTION, hearing


class Session:
    """``LiveReload``'s build and edit steps, driven one at a time (no server)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.said: list[str] = []
        self.loop = LiveReload(Project.load(site.root), site.output, self.said.append)
        assert self.loop.build(ignore_cache=True), self.said
        self.builds = 0

    def save(self, name: str, text: str) -> bool:
        """Save ``content/name``; True if the session took it in place (else it built)."""
        path = self.site.root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        touch_later(path)
        change = [Change(path, ignore_cache=False)]
        if self.loop.update(change):
            return True
        self.builds += 1
        self.loop.build(ignore_cache=False)
        return False

    def append(self, name: str, entry: str) -> bool:
        path = self.site.root / "content" / name
        return self.save(name, path.read_text(encoding="utf-8") + "\n" + entry + "\n")

    def assert_fresh(self, name: str) -> None:
        """The served site is, byte for byte, what a build from nothing makes."""
        served = tree(self.site.output)
        assert not [path for path in served if "dateline-partial" in path]
        assert_same(served, full_build(self.site, name))


def settings(site: Site, text: str) -> None:
    """Settings for every build (the session reads pelicanconf.py, as livereload does)."""
    with (site.root / "pelicanconf.py").open("a", encoding="utf-8") as file:
        file.write("\n" + text + "\n")


NOTE = '::: note 2018-10-24 11:00 "Agenda"\nThe agenda is online.\n:::'


@pytest.mark.parametrize("in_git", [True, False], ids=["git", "no-git"])
def test_an_appended_entry_is_taken_in_place(site: Site, in_git: bool) -> None:
    for name, text in STORIES.items():
        site.write(name, text)
    if in_git:
        site.commit("publish", "2018-10-23T12:00:00-04:00")
    live = Session(site)
    before = inodes(site.output)
    assert live.append("harbour.md", NOTE), live.said
    live.assert_fresh("full-1")
    after = inodes(site.output)
    kept = {name for name in after if before.get(name) == after[name]}
    assert "what-the-ferry-timetable-change-means/index.html" in kept  # read nothing changed
    assert "category/transport.html" in kept
    assert "how-the-harbour-vote-works/index.html" not in kept
    assert "index.html" not in kept  # it lists the story's updated time
    assert "updates/index.html" not in kept
    # Again, the same story; then another; then a correction in the middle of one.
    assert live.append("harbour.md", "::: update 2018-10-25 09:00\nIt passed.\n:::")
    live.assert_fresh("full-2")
    assert live.append("rates.md", "::: clarification 2018-10-25 10:00\nPer year.\n:::")
    live.assert_fresh("full-3")
    ferry = (site.root / "content" / "ferry.md").read_text(encoding="utf-8")
    edited = (
        ferry.replace("7:10", "7:15") + "\n::: correction 2018-10-25 11:00\n7:15, not 7:10.\n:::\n"
    )
    assert live.save("ferry.md", edited)
    live.assert_fresh("full-4")
    assert live.builds == 0


def test_translations_and_pages_are_taken_in_place(site: Site) -> None:
    settings(
        site,
        f"DATELINE_LABELS = {FRENCH!r}\n"
        'ARTICLE_LANG_URL = "{slug}-{lang}/"\n'
        'ARTICLE_LANG_SAVE_AS = "{slug}-{lang}/index.html"\n'
        'PAGE_URL = "pages/{slug}/"\nPAGE_SAVE_AS = "pages/{slug}/index.html"',
    )
    site.write("fares.md", EN)
    site.write("fares-fr.md", FR)
    site.write("pages/about.md", PAGE)
    site.commit("publish", "2018-11-02T12:00:00-04:00")
    live = Session(site)
    assert live.append("fares-fr.md", "::: note 2018-11-03 09:00\nLe quai est ouvert.\n:::")
    live.assert_fresh("full-fr")
    assert b"Le quai est ouvert" in (site.output / "fr" / "updates" / "index.html").read_bytes()
    assert live.append("fares.md", "::: note 2018-11-03 10:00\nThe pier is open.\n:::")
    live.assert_fresh("full-en")
    assert live.append("pages/about.md", "::: note 2018-11-03 11:00\nAnd every correction.\n:::")
    live.assert_fresh("full-page")
    assert live.builds == 0


def test_an_edit_over_committed_history_is_taken_in_place(site: Site) -> None:
    site.write("harbour.md", STORIES["harbour.md"])
    site.commit("publish", "2018-10-22T12:00:00-04:00")
    site.write("harbour.md", STORIES["harbour.md"] + "\n" + NOTE + "\n")
    site.commit("note", "2018-10-24T11:05:00-04:00")
    live = Session(site)
    assert live.append("harbour.md", "::: update 2018-10-25 09:00\nIt passed.\n:::")
    live.assert_fresh("full-unsaved")
    history = (site.output / "how-the-harbour-vote-works" / "history" / "index.json").read_text()
    assert '"datetime": "2018-10-24T11:05:00-04:00"' in history
    # Back to the committed text: the page of the version the edit had made older goes.
    unsaved = set(tree(site.output))
    assert live.save("harbour.md", STORIES["harbour.md"] + "\n" + NOTE + "\n")
    live.assert_fresh("full-reverted")
    assert set(tree(site.output)) < unsaved
    assert live.append("harbour.md", "::: update 2018-10-25 09:00\nIt passed.\n:::")
    # A commit is a new history: the next edit builds the whole site.
    site.commit("update", "2018-10-25T09:05:00-04:00")
    assert not live.append("harbour.md", "::: note 2018-10-25 10:00\nThe minutes.\n:::")
    assert "a new commit" in live.said[-2]
    live.assert_fresh("full-committed")
    assert live.append("harbour.md", "::: note 2018-10-25 11:00\nThe video.\n:::")
    live.assert_fresh("full-again")


def test_an_edit_of_a_page_that_is_not_a_story_keeps_every_history(site: Site) -> None:
    site.write("harbour.md", STORIES["harbour.md"])
    site.write("pages/contact.md", "Title: Contact\n\nWrite to the desk.\n")
    site.commit("publish", "2018-10-22T12:00:00-04:00")
    live = Session(site)
    assert live.save("pages/contact.md", "Title: Contact\n\nWrite to the news desk.\n")
    live.assert_fresh("full")
    assert (site.output / "how-the-harbour-vote-works" / "history" / "index.html").is_file()


def test_a_redaction_builds_the_whole_site(site: Site) -> None:
    site.write("hearing.md", hearing(CORRECTION))
    site.commit("publish", "2018-10-30T14:10:00-04:00")
    live = Session(site)
    assert not live.append("hearing.md", REDACTION.strip())
    assert "redaction" in live.said[-2]
    live.assert_fresh("full")
    assert not [path for path, data in tree(site.output).items() if data and NAME.encode() in data]


def test_what_the_session_cannot_vouch_for_builds_the_whole_site(site: Site) -> None:
    for name, text in STORIES.items():
        site.write(name, text)
    live = Session(site)
    harbour = (site.root / "content" / "harbour.md").read_text(encoding="utf-8")
    # A title is in every list that names the story.
    assert not live.save("harbour.md", harbour.replace("How the harbour", "How the port"))
    assert "header fields" in live.said[-2]
    live.assert_fresh("full-title")
    # A new story.
    assert not live.save("budget.md", article(title="The budget", date="2018-10-25 09:00"))
    live.assert_fresh("full-new")
    # A refused edit: the last good site stays, and the session builds until one passes.
    before = tree(site.output)
    assert not live.append("rates.md", "::: correction 2099-01-01\nNot yet.\n:::")
    assert any("rates.md" in line for line in live.said)
    assert tree(site.output) == before
    fixed = (site.root / "content" / "rates.md").read_text(encoding="utf-8")
    assert not live.save("rates.md", fixed.replace("2099-01-01", "2018-10-26"))
    live.assert_fresh("full-fixed")
    assert live.append("rates.md", "::: note 2018-10-27 09:00\nThe bills.\n:::")
    live.assert_fresh("full-after")


def test_a_scheduled_entry_come_due_builds_the_whole_site(site: Site) -> None:
    settings(site, "DATELINE_ALLOW_SCHEDULED = True")
    soon = "::: update 2099-01-01 09:00\nScheduled.\n:::"
    site.write("harbour.md", STORIES["harbour.md"] + "\n" + soon + "\n")
    site.write("ferry.md", STORIES["ferry.md"])
    live = Session(site)
    assert live.append("ferry.md", NOTE)  # not due yet
    live.assert_fresh("full-before")
    dateline = next(g for g in live.loop.live.generators if hasattr(g, "next_due"))
    assert dateline.next_due.year == 2099
    dateline.next_due = dateline.next_due.replace(year=2000)  # as if the clock had passed it
    assert not live.append("ferry.md", "::: note 2018-10-24 12:00\nLater.\n:::")
    assert "due" in live.said[-2]
    live.assert_fresh("full-after")


def test_livereload_reads_only_what_it_renders(site: Site, tmp_path: Path) -> None:
    """The notes of what each page read survive a build that reuses the page."""
    for name, text in STORIES.items():
        site.write(name, text)
    live = Session(site)
    assert live.loop.build(ignore_cache=False)  # every page reused: their notes kept
    assert live.append("harbour.md", NOTE)
    live.assert_fresh("full")


def test_a_site_sorted_by_modified_builds_the_whole_site(site: Site) -> None:
    """An entry changes a story's ``modified``: where that orders a list, it moves."""
    settings(site, 'ARTICLE_ORDER_BY = "reversed-modified"')
    for name, text in STORIES.items():
        site.write(name, text)
    live = Session(site)
    assert not live.append("ferry.md", NOTE)
    assert "ARTICLE_ORDER_BY does not sort by header fields" in live.said[-2]
    live.assert_fresh("full")


def test_a_site_filter_that_reads_the_context_builds_the_whole_site(site: Site) -> None:
    """Such a filter may read any story, and nothing notes which: no page can be kept."""
    settings(
        site,
        "import functools, operator\nfrom jinja2 import pass_context\n"
        # context[name]: a function Pelican's content cache can keep
        'JINJA_FILTERS = {"stories": pass_context(functools.partial(operator.getitem))}',
    )
    for name, text in STORIES.items():
        site.write(name, text)
    live = Session(site)
    assert not live.append("ferry.md", NOTE)
    assert "JINJA_FILTERS stories reads the whole template context" in live.said[-2]
    live.assert_fresh("full")
