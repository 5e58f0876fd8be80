"""Any theme: Dateline's theme, Pelican's notmyidea and simple, and a theme that knows
nothing of Dateline (tests/themes/column) all show readers the dateline, the
revision history and the JSON-LD, link the updates page, and get Dateline's
own pages (updates, history, version) from the plugin's templates.

Each builds a real site with Pelican, in a real git repository, and reads the
HTML with BeautifulSoup.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, Site, article, settings_text

COLUMN = ROOT / "tests" / "themes" / "column"

# A site as Pelican's quickstart writes it: Pelican's default URLs, no
# autoescape, no DIRECT_TEMPLATES of its own; only the plugin added.
FOREIGN_SETTINGS = """
AUTHOR = "Test Desk"
SITENAME = "Harbour & Vale"
SITEURL = "https://news.example"
PATH = "content"
THEME = {theme!r}
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
PLUGINS = ["dateline"]
DATELINE_ID_AUTHORITY = "news.example"
"""

THEMES = {
    "dateline": None,  # the repository's theme, with its own settings (conftest)
    "notmyidea": "notmyidea",
    "simple": "simple",
    "column": str(COLUMN),
}

STORY = article(
    title="Ferry timetable",
    date="2018-10-24 09:00",
    body="""
    The winter timetable starts in November.

    ::: correction 2018-10-30 14:05 "Fare <b>corrected</b> & restated"
    An earlier version gave the wrong fare. It is $4.50.
    :::

    ::: update 2018-11-02
    The operator confirmed the first sailing.
    :::
    """,
)
QUIET = article(title="A story with no entries", date="2018-10-20 08:00", body="Nothing changed.")


@pytest.fixture(params=list(THEMES))
def themed(site: Site, request: pytest.FixtureRequest) -> tuple[str, Site]:
    """A site of each theme with two commits: the story, then its entries."""
    name = request.param
    theme = THEMES[name]
    text = settings_text() if theme is None else FOREIGN_SETTINGS.format(theme=theme)
    (site.root / "pelicanconf.py").write_text(text, encoding="utf-8")
    site.write("story.md", STORY.split("::: correction")[0])
    site.write("quiet.md", QUIET)
    site.commit("Publish", when="2018-10-24T09:00:00-04:00")
    site.write("story.md", STORY)
    site.commit("Correct and update", when="2018-11-02T10:00:00-04:00")
    site.build()
    return name, site


def foreign(site: Site, theme: str | Path, extra: str = "") -> Site:
    """``site`` set up as a quickstart site with ``theme``, the story written."""
    settings = FOREIGN_SETTINGS.format(theme=str(theme)) + extra
    (site.root / "pelicanconf.py").write_text(settings, encoding="utf-8")
    site.write("story.md", STORY)
    return site


def story_page(name: str, site: Site, slug: str = "ferry-timetable") -> BeautifulSoup:
    relative = f"{slug}/index.html" if name == "dateline" else f"{slug}.html"
    return site.html(relative)


def assert_parts_once(page: BeautifulSoup, name: str = "") -> None:
    """Each of Dateline's parts once: the head part is several elements (JSON-LD,
    links to the record), each once."""
    for hook in ("dateline", "revision-history"):
        assert len(page.select(f'[data-dateline="{hook}"]')) == 1, (name, hook)
    head = [str(element) for element in page.select('[data-dateline="head"]')]
    assert len(head) == len(set(head)) >= 1, name
    assert len(page.select('script[type="application/ld+json"]')) == 1, name


def test_every_theme_shows_dateline_history_and_json_ld_once(themed) -> None:
    name, site = themed
    page = story_page(name, site)
    assert_parts_once(page, name)
    assert len(page.select('link[rel="version-history"]')) == 1, name
    published = page.select("time.dt-published")
    assert [time["datetime"] for time in published] == ["2018-10-24T09:00:00-04:00"]
    updated = page.select_one('a[href="#revision-history"] time.dt-updated')
    assert updated["datetime"] == "2018-11-02T00:00:00-04:00"
    history = page.select("section#revision-history ol li[data-revision-kind]")
    assert [li["data-revision-kind"] for li in history] == ["update", "correction"]
    assert [a["href"] for a in page.select("section#revision-history ol li > a:first-of-type")] == [
        "#update-2018-11-02",
        "#correction-2018-10-30",
    ]
    (data,) = [json.loads(s.string) for s in page.select('script[type="application/ld+json"]')]
    assert data["@type"] == "NewsArticle"
    assert data["datePublished"] == "2018-10-24T09:00:00-04:00"
    assert data["dateModified"] == updated["datetime"]
    assert [c["datePublished"] for c in data["correction"]] == ["2018-10-30T14:05:00-04:00"]


def test_dateline_parts_are_escaped_whatever_the_themes_autoescape(themed) -> None:
    name, site = themed
    page = story_page(name, site)
    titles = [a.get_text() for a in page.select("section#revision-history li a[href^='#']")]
    assert "Fare <b>corrected</b> & restated" in titles, name
    assert page.select("section#revision-history b") == []


def test_the_entries_stand_in_place_inside_the_story(themed) -> None:
    name, site = themed
    page = story_page(name, site)
    asides = page.select("aside.revision")
    assert [aside["id"] for aside in asides] == ["correction-2018-10-30", "update-2018-11-02"]
    dateline = page.select_one('[data-dateline="dateline"]')
    history = page.select_one('[data-dateline="revision-history"]')
    parts = (dateline, asides[0], history)
    order = [element for element in page.find_all(True) if any(element is p for p in parts)]
    assert order == list(parts), name


def test_every_theme_links_the_updates_page_feed_and_history(themed) -> None:
    name, site = themed
    page = story_page(name, site)
    links = {a["href"] for a in page.select("a[href]")}
    assert "https://news.example/updates/" in links
    assert "https://news.example/feeds/updates.atom.xml" in links
    assert "https://news.example/ferry-timetable/history/" in links
    updates = site.html("updates/index.html")
    story_url = "ferry-timetable/" if name == "dateline" else "ferry-timetable.html"
    assert [a["href"] for a in updates.select("ol.revision-log a")] == [
        f"https://news.example/{story_url}#update-2018-11-02",
        f"https://news.example/{story_url}#correction-2018-10-30",
    ]
    assert updates.title.get_text().startswith("Updates and corrections")
    history = site.html("ferry-timetable/history/index.html")
    assert len(history.select("li.version")) == 2
    (older,) = history.select("li.version a[href*='/history/']")
    version = site.html(older["href"].removeprefix("https://news.example/") + "index.html")
    assert version.select_one('meta[name="robots"]')["content"] == "noindex"
    assert "The winter timetable" in version.get_text()


def test_foreign_themes_get_the_stylesheet_of_the_parts(themed) -> None:
    name, site = themed
    links = [link["href"] for link in story_page(name, site).select('link[rel="stylesheet"]')]
    css = "https://news.example/dateline/dateline.css"
    if name == "dateline":  # it styles the parts itself (DATELINE_STYLESHEET_SAVE_AS = "")
        assert css not in links
        assert not (site.output / "dateline" / "dateline.css").exists()
    else:
        assert links.count(css) == 1
        assert (site.output / "dateline" / "dateline.css").read_text("utf-8").strip()


def test_no_updated_is_shown_for_a_story_without_entries(themed) -> None:
    name, site = themed
    page = story_page(name, site, "a-story-with-no-entries")
    assert "Updated" not in page.get_text()
    if name != "dateline":  # the theme's page, exactly: no Dateline part at all
        assert page.select("[data-dateline]") == []
        assert page.select('script[type="application/ld+json"]') == []


def test_a_theme_that_includes_the_parts_itself_gets_each_once(site: Site) -> None:
    overrides = site.root / "overrides"
    overrides.mkdir()
    (overrides / "article.html").write_text(
        '{% extends "!theme/article.html" %}\n'
        '{% block head %}{{ super() }}{% include "dateline/parts/head.html" %}{% endblock %}\n'
        "{% block content %}"
        '{% include "dateline/parts/dateline.html" %}'
        "{{ super() }}"
        '{% include "dateline/parts/revision_history.html" %}'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    foreign(site, "notmyidea", f"THEME_TEMPLATES_OVERRIDES = [{str(overrides)!r}]\n").build()
    page = site.html("ferry-timetable.html")
    assert_parts_once(page)
    # Where the recipe put it (before the theme's content block), not where
    # injection would have (inside it, before the story's text).
    dateline = page.select_one('[data-dateline="dateline"]')
    assert dateline.find_next_sibling("section")["id"] == "content"


def test_an_escaping_theme_still_gets_the_parts_once(site: Site) -> None:
    """With autoescape on, a theme printing {{ article.content }} shows escaped HTML
    (the site's choice); Dateline's parts still come once, at the end of the story."""
    foreign(site, COLUMN, 'JINJA_ENVIRONMENT = {"autoescape": True}\n').build()
    page = site.html("ferry-timetable.html")
    assert_parts_once(page)
    assert page.select_one("article.post").select_one("section#revision-history")


def test_injection_can_be_turned_off(site: Site) -> None:
    foreign(site, "notmyidea", "DATELINE_INJECT = False\n").build()
    page = site.html("ferry-timetable.html")
    assert page.select("[data-dateline]") == []
    assert [aside["id"] for aside in page.select("aside.revision")] == [
        "correction-2018-10-30",
        "update-2018-11-02",
    ]


def test_the_theme_wins_over_the_plugins_own_pages(site: Site) -> None:
    theme = site.root / "mytheme"
    shutil.copytree(COLUMN, theme)
    (theme / "templates" / "updates.html").write_text(
        '{% extends "base.html" %}{% block content %}<p id="mine">'
        "{{ updates_log|length }} updates</p>{% endblock %}",
        encoding="utf-8",
    )
    foreign(site, theme).build()
    assert site.html("updates/index.html").select_one("#mine").get_text() == "2 updates"


def test_history_pages_need_no_template_when_there_is_no_git(site: Site) -> None:
    foreign(site, "simple", "DATELINE_HISTORY = False\n").build()
    assert not (site.output / "ferry-timetable" / "history").exists()
    assert Path(site.output / "ferry-timetable.html").is_file()


def test_a_story_naming_the_hooks_does_not_hide_its_parts(site: Site) -> None:
    """Raw HTML or code in a story that carries the hooks is the story's, not the theme's."""
    foreign(site, COLUMN)
    site.write(
        "story.md",
        STORY.replace(
            "The winter timetable starts in November.",
            'The winter timetable starts in November. Themes write `data-dateline="dateline"`.\n\n'
            '<div data-dateline="revision-history" data-dateline-x="head">not a history</div>\n\n'
            '<p data-dateline="dateline">not a dateline</p>',
        ),
    )
    site.build()
    page = site.html("ferry-timetable.html")
    assert len(page.select("time.dt-published")) == 1
    assert len(page.select("section#revision-history")) == 1
    assert len(page.select('head script[type="application/ld+json"]')) == 1


@pytest.mark.parametrize("cut", ["</head>", "<head>\n", "</head>\n<body>"])
def test_a_theme_without_a_head_end_still_gets_the_head_part(site: Site, cut: str) -> None:
    theme = site.root / "headless"
    shutil.copytree(COLUMN, theme)
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text("utf-8").replace(cut, ""), encoding="utf-8")
    foreign(site, theme).build()
    text = (site.output / "ferry-timetable.html").read_text("utf-8")
    assert text.count('type="application/ld+json"') == 1
    assert text.count("ferry-timetable/updates.atom.xml") == 2  # in the head, and visible
    assert text.startswith("<!DOCTYPE html>")
    ld = BeautifulSoup(text, "html.parser").select_one('script[type="application/ld+json"]')
    assert json.loads(ld.string)["headline"] == "Ferry timetable"
    assert text.index('data-dateline="head"') < text.index("The winter timetable")


def test_a_theme_that_does_not_link_translations_gets_absolute_hreflang_links(site: Site) -> None:
    foreign(site, COLUMN, "RELATIVE_URLS = True\n")
    site.write(
        "story-fr.md",
        STORY.replace("Title: Ferry timetable", "Title: Horaire\nLang: fr\nSlug: ferry-timetable"),
    )
    site.build()
    page = site.html("ferry-timetable.html")
    links = {(link["hreflang"], link["href"]) for link in page.select("head link[hreflang]")}
    assert links == {
        ("en", "https://news.example/ferry-timetable.html"),
        ("fr", "https://news.example/ferry-timetable-fr.html"),
    }
