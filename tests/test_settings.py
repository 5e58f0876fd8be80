"""One registry of settings: every DATELINE_* name with its default, its check and
its doc; docs/settings.md lists exactly these; a wrong value is refused by name.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, Site, article
from dateline_editor.build import BuildFailed
from pelican.plugins.dateline.settings import DEFAULTS, REGISTRY, RETIRED, settings_problems

ROW = re.compile(r"^\| `(DATELINE_[A-Z0-9_]+)` \| `(.*?)` \| (.+) \|$")


def test_the_settings_page_lists_exactly_the_settings_with_their_defaults() -> None:
    rows = [ROW.match(line) for line in (ROOT / "docs" / "settings.md").read_text().splitlines()]
    documented = {row[1]: row[2] for row in rows if row}
    assert documented == {setting.name: repr(setting.default) for setting in REGISTRY}


def test_every_setting_the_code_reads_is_in_the_registry() -> None:
    sources = [*(ROOT / "plugins").rglob("*.py"), *(ROOT / "plugins").rglob("*.html")]
    sources += [*(ROOT / "theme").rglob("*.html"), ROOT / "tasks.py", ROOT / "pelicanconf.py"]
    used = set()
    for source in sources:
        used.update(re.findall(r"\bDATELINE_[A-Z0-9_]*[A-Z0-9]\b", source.read_text("utf-8")))
    used -= {"DATELINE_DEPLOY_"}  # the prefix, in the deploy module
    assert used - set(DEFAULTS) - set(RETIRED) == set()
    assert set(DEFAULTS) - used == set(), "a setting nothing reads"


def test_every_default_passes_its_own_check() -> None:
    assert settings_problems(dict(DEFAULTS)) == []
    for setting in REGISTRY:
        assert setting.doc and setting.group


@pytest.mark.parametrize(
    ("name", "value", "accepts"),
    [
        ("DATELINE_UPDATES_SAVE_AS", "../../etc/updates.html", "no '..'"),
        ("DATELINE_VERSION_SAVE_AS", "{slug}/{versoin}/index.html", "{version}"),
        ("DATELINE_FEED_PATH", "/var/www/feed.xml", "not absolute"),
        ("DATELINE_STYLESHEET_SAVE_AS", "a/../../b.css", "no '..'"),
        ("DATELINE_FEED_MAX_ITEMS", 0, "a whole number, 1 or more"),
        ("DATELINE_KINDS", {"update": ""}, "a dict of kind -> label"),
        ("DATELINE_KINDS", {'x" onmouseover="alert(1)': "X"}, "lower-case letters"),
        ("DATELINE_CORRECTION_KINDS", "correction", "a list of kinds"),
        ("DATELINE_HISTORY", 1, "True or False"),
        ("DATELINE_DEPLOY_TARGET", "ftp", "'rsync'"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_setting(name, value, accepts) -> None:
    (problem,) = settings_problems({name: value})
    assert str(problem).startswith(f"{name} = {value!r} is refused; it accepts ")
    assert accepts in str(problem)


def test_a_build_with_a_wrong_setting_is_refused_before_reading(site: Site) -> None:
    site.write("a.md", article())
    with pytest.raises(BuildFailed) as refused:
        site.build(DATELINE_UPDATES_PER_PAGE=-1, DATELINE_SITEMAP_PATH="../sitemap.xml")
    assert [line.split(" = ")[0] for line in refused.value.lines] == [
        "DATELINE_SITEMAP_PATH",
        "DATELINE_UPDATES_PER_PAGE",
    ]
    assert not site.output.exists()


def test_content_with_entries_is_not_published_raw_when_the_plugin_is_missing(site: Site) -> None:
    site.write("a.md", article(body="Text.\n\n::: update 2018-10-30\nNew.\n:::\n"))
    with pytest.raises(BuildFailed) as refused:
        site.build(PLUGINS=["datelines"])  # a typo: Pelican cannot load it
    lines = refused.value.lines
    assert any("Cannot load plugin `datelines`" in line for line in lines), lines
    assert "content/a.md:6: this entry would be published as raw ':::' text" in "\n".join(lines)
    assert not site.output.exists()
