"""The built sample site, read as files: every page type is there, the Nu HTML
Checker finds nothing on any of them, and the newsroom conventions hold."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlparse
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from tools.audit import audit

from . import audit_support
from .audit_support import ROOT, need, of_type

ZONE = ZoneInfo("America/New_York")  # pelicanconf.py's TIMEZONE


def soup(output: Path, page: audit.Page) -> BeautifulSoup:
    return BeautifulSoup((output / page.path).read_text("utf-8"), "html.parser")


@pytest.mark.parametrize("required", [False, True])
def test_missing_tools_skip_or_fail_when_required(required, monkeypatch):
    monkeypatch.setattr(audit, "missing_tools", lambda *tools: ["Chromium not found"])
    monkeypatch.setattr(audit_support, "REQUIRE", required)
    expected = pytest.fail.Exception if required else pytest.skip.Exception
    with pytest.raises(expected, match="Chromium not found"):
        audit_support.need("chromium")


def test_sample_site_has_every_page_type(pages_by_type):
    missing = [kind for kind in audit.REQUIRED_TYPES if kind not in pages_by_type]
    assert not missing, f"the sample site builds no page of type {missing}"


# --- The Nu HTML Checker -----------------------------------------------------------


@pytest.fixture(scope="session")
def vnu_messages(sample_output, pages):
    """One run of vnu.jar over every HTML page, the stylesheet and the favicon."""
    need("java", "vnu")
    files = [sample_output / page.path for page in pages]
    files += sorted((sample_output / "theme").rglob("*.css"))
    files += sorted((sample_output / "theme").rglob("*.svg"))
    return audit.run_vnu(files, sample_output)


@pytest.mark.parametrize("kind", list(audit.PAGE_TYPES))
def test_vnu_finds_no_error_or_warning(kind, pages_by_type, vnu_messages):
    checked = {page.path for page in of_type(pages_by_type, kind)}
    found = [m for m in audit.failures(vnu_messages) if m.file in checked]
    assert not found, "\n".join(map(str, found))


def test_vnu_finds_nothing_in_theme_assets(vnu_messages):
    found = [m for m in audit.failures(vnu_messages) if m.file.startswith("theme/")]
    assert not found, "\n".join(map(str, found))


def test_vnu_really_checks(tmp_path):
    """The checker runs and reports: a broken page is not passed silently."""
    need("java", "vnu")
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html><title>x</title><p><div></p>", "utf-8")
    found = audit.failures(audit.run_vnu([broken], tmp_path))
    assert any(m.severity == "error" for m in found)
    assert any(m.severity == "warning" for m in found)  # no lang on <html>


# --- Newsroom conventions, on every page ------------------------------------------------


@pytest.mark.parametrize("kind", list(audit.PAGE_TYPES))
def test_head_has_title_description_canonical_and_open_graph(kind, pages_by_type, sample_output):
    for page in of_type(pages_by_type, kind):
        doc = soup(sample_output, page)
        where = page.path
        assert doc.html.get("lang"), where
        title = doc.title.get_text(strip=True)
        assert title.endswith("— The Harbour Vale Explainer") or title == (
            "The Harbour Vale Explainer"
        ), where
        description = doc.find("meta", attrs={"name": "description"})
        assert description and len(description["content"].strip()) > 20, where
        og = {m["property"]: m["content"] for m in doc.find_all("meta", property=True)}
        for prop in ("og:site_name", "og:title", "og:type"):
            assert og.get(prop, "").strip(), f"{where}: no {prop}"
        assert og["og:description"] == description["content"], where
        canonical = doc.find("link", rel="canonical")
        if kind == "404":
            assert canonical is None, "a 404 page has no address of its own"
            continue
        if kind == "version":  # noindex, and no canonical: the two together confuse crawlers
            assert canonical is None, where
            robots = doc.find("meta", attrs={"name": "robots"})
            assert robots and robots["content"] == "noindex", where
            continue
        assert canonical is not None, where
        href = canonical["href"]
        assert urlparse(href).scheme in {"http", "https"}, f"{where}: relative canonical {href}"
        assert urlparse(href).path == "/" + page.url_path, where
        assert og["og:url"] == href, where


def test_titles_are_unique(pages, sample_output):
    seen: dict[str, str] = {}
    for page in pages:
        title = soup(sample_output, page).title.get_text(strip=True)
        assert title not in seen, f"{page.path} and {seen.get(title)} share {title!r}"
        seen[title] = page.path


@pytest.mark.parametrize("kind", list(audit.PAGE_TYPES))
def test_skip_link_landmarks_and_one_h1(kind, pages_by_type, sample_output):
    for page in of_type(pages_by_type, kind):
        doc = soup(sample_output, page)
        first_link = doc.body.find("a", href=True)
        assert "skip-link" in first_link.get("class", []), page.path
        assert first_link["href"] == "#main", page.path
        mains = doc.find_all("main")
        assert len(mains) == 1 and mains[0].get("id") == "main", page.path
        assert len(doc.find_all("h1")) == 1, page.path
        assert doc.find("nav", attrs={"aria-label": "Main"}) is not None, page.path


def test_favicon_and_stylesheet_are_served_from_the_site(pages, sample_output):
    for page in pages:
        doc = soup(sample_output, page)
        icon = doc.find("link", rel="icon")
        assert icon is not None, page.path
        for link in (icon, doc.find("link", rel="stylesheet")):
            href = link["href"]
            assert not urlparse(href).netloc, f"{page.path}: {href} is fetched from elsewhere"
            target = urljoin("http://site.invalid/" + page.path, href)
            assert (sample_output / urlparse(target).path.lstrip("/")).is_file(), href


def test_no_scripts_inline_styles_or_outside_resources(pages, sample_output):
    """JS-free and ready for a strict CSP: JSON-LD data blocks are the only scripts."""
    for page in pages:
        doc = soup(sample_output, page)
        for script in doc.find_all("script"):
            assert script.get("type") == "application/ld+json", page.path
            assert not script.get("src"), page.path
        assert not doc.find_all("style"), page.path
        assert not doc.find_all(style=True), f"{page.path}: inline style"
        for tag in doc.find_all(True):
            handlers = [name for name in tag.attrs if name.lower().startswith("on")]
            assert not handlers, f"{page.path}: {tag.name} has {handlers}"
        for tag in doc.find_all(["img", "iframe", "video", "audio", "source", "embed"]):
            assert not urlparse(tag.get("src", "")).netloc, f"{page.path}: {tag}"


def test_theme_ships_no_javascript_or_web_fonts():
    static = ROOT / "theme" / "static"
    assert not list(static.rglob("*.js"))
    assert not [p for p in static.rglob("*") if p.suffix in {".woff", ".woff2", ".ttf", ".otf"}]
    css = (static / "css" / "dateline.css").read_text("utf-8")
    assert "@import" not in css and "url(" not in css


# --- Newsroom conventions, on article pages -------------------------------------------------

_WHEN = r"\d{1,2} [A-Z][a-z]{2} \d{4}(, \d{2}:\d{2} [A-Z]{2,5})?"
DATELINE = re.compile(rf"^Published {_WHEN}( · Updated {_WHEN} \(\d+ entr(y|ies)\))?$")


def _zone_ok(time_tag) -> bool:
    """A time shown with hours carries the site zone's abbreviation at that instant."""
    text = " ".join(time_tag.get_text(" ").split())
    if ":" not in text:
        return True
    moment = datetime.fromisoformat(time_tag["datetime"])
    return text.endswith(moment.astimezone(ZONE).tzname())


@pytest.mark.parametrize("kind", ["article-with-entries", "article-without-entries"])
def test_byline_date_is_labelled_and_visible(kind, pages_by_type, sample_output):
    for page in of_type(pages_by_type, kind):
        doc = soup(sample_output, page)
        line = doc.select_one(".story__header .dateline")
        text = " ".join(line.get_text(" ").replace("\xa0", " ").split())
        assert DATELINE.match(text), f"{page.path}: {text!r}"
        assert ("Updated" in text) == (kind == "article-with-entries"), page.path
        for time_tag in line.find_all("time"):
            assert _zone_ok(time_tag), f"{page.path}: {time_tag}"
        assert doc.select_one(".byline").get_text().startswith("By "), page.path


def test_entries_show_their_time_in_the_site_zone(pages_by_type, sample_output):
    for page in of_type(pages_by_type, "article-with-entries"):
        doc = soup(sample_output, page)
        times = doc.select("aside.revision .revision__label time")
        times += doc.select("#revision-history time")
        assert times, page.path
        for time_tag in times:
            offset = datetime.fromisoformat(time_tag["datetime"]).utcoffset()
            assert (
                offset == datetime.fromisoformat(time_tag["datetime"]).astimezone(ZONE).utcoffset()
            ), f"{page.path}: {time_tag['datetime']} not in the site zone"
            assert _zone_ok(time_tag), f"{page.path}: {time_tag}"


def test_corrections_are_labelled_corrections_everywhere(pages_by_type, sample_output):
    corrections = 0
    for page in pages_by_type["article-with-entries"]:
        doc = soup(sample_output, page)
        for aside in doc.select('aside.revision[data-revision-kind="correction"]'):
            corrections += 1
            assert aside.select_one(".revision__kind").get_text(strip=True) == "Correction"
            item = doc.select_one(f'#revision-history a[href="#{aside["id"]}"]').parent
            assert item.select_one(".revision-history__kind").get_text(strip=True) == "Correction"
    assert corrections, "the sample site should show at least one correction"
    updates = soup(sample_output, pages_by_type["updates"][0])
    logged = updates.select('[data-revision-kind="correction"] .revision-log__kind')
    assert len(logged) == corrections
    assert {tag.get_text(strip=True) for tag in logged} == {"Correction"}


def test_article_structured_data_matches_the_page(pages_by_type, sample_output):
    for kind in ("article-with-entries", "article-without-entries"):
        for page in pages_by_type[kind]:
            doc = soup(sample_output, page)
            data = json.loads(doc.find("script", type="application/ld+json").string)
            assert data["@type"] == "NewsArticle"
            assert data["headline"] == doc.h1.get_text(strip=True).replace("\xa0", " ")
            published = doc.select_one(".dateline .dt-published")["datetime"]
            assert data["datePublished"] == published
            updated = doc.select_one(".dateline .dt-updated")
            assert data["dateModified"] == (updated["datetime"] if updated else published)
