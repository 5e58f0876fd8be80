"""What readers do, in headless Chromium on the built sample site: follow the
"Updated" link and the history links, read without JavaScript, on a 390 px
phone, on paper, in the dark, and with the keyboard alone."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from tools.audit import audit

from .audit_support import ROOT, of_type

PHONE = {"width": 390, "height": 844}

# --- Helpers ---------------------------------------------------------------------------


def words(text: str) -> set[str]:
    """Lower-cased runs of letters and digits: what "every word" is compared by."""
    return {word.casefold() for word in re.findall(r"[^\W_]+", html.unescape(text))}


_ENTRY_HEADER = re.compile(r"^:::\s+\S+\s+\S+.*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def source_words(markdown: str) -> tuple[set[str], set[str]]:
    """Words of an article's source: (title, body). The body keeps entry titles
    and bodies and drops their ``:::`` headers (kind and date are shown as a
    label and a formatted time) and link targets."""
    header, _, body = markdown.partition("\n\n")
    title = re.search(r"^Title:\s*(.*)$", header, re.MULTILINE)[1]
    kept: list[str] = []
    in_code = False
    for line in body.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
        elif not in_code and _ENTRY_HEADER.match(line):
            quoted = re.search(r'"(.*)"\s*$', line)
            kept.append(quoted[1] if quoted else "")
            continue
        elif not in_code and line.strip() == ":::":
            continue
        kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"(!?\[[^\]]*\])\([^)]*\)", r"\1", text)  # [text](target) -> [text]
    text = re.sub(r"^\s*\[[^\]]+\]:\s*\S+.*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"^\s*\d+[.)]\s", " ", text, flags=re.MULTILINE)  # list numbers: ::marker
    return words(title), words(text)


def article_sources() -> dict[str, Path]:
    """Each sample article's source file, by slug."""
    sources = {}
    for path in sorted((ROOT / "content").glob("*.md")):
        slug = re.search(r"^Slug:\s*(\S+)", path.read_text("utf-8"), re.MULTILINE)
        sources[slug[1] if slug else path.stem] = path
    return sources


def articles(pages_by_type: dict[str, list[audit.Page]]) -> list[audit.Page]:
    return pages_by_type.get("article-with-entries", []) + pages_by_type.get(
        "article-without-entries", []
    )


def in_viewport(page: Any, selector: str) -> dict[str, float]:
    return page.evaluate(
        """(selector) => {
            const r = document.querySelector(selector).getBoundingClientRect();
            const max = document.documentElement.scrollHeight - innerHeight;
            return {top: r.top, bottom: r.bottom, height: innerHeight,
                    atEnd: Math.abs(scrollY - max) < 2, scrollY};
        }""",
        selector,
    )


def assert_landed(page: Any, anchor: str) -> None:
    """``#anchor`` is the URL's fragment, the :target, and scrolled to the top."""
    page.wait_for_function("(a) => location.hash === '#' + a", arg=anchor)
    # Scrolling follows the fragment; on a busy machine a frame or two later.
    page.wait_for_function(
        """(a) => {
            const r = document.getElementById(a).getBoundingClientRect();
            const max = document.documentElement.scrollHeight - innerHeight;
            return r.top >= -1 && (r.top < 80 || Math.abs(scrollY - max) < 2);
        }""",
        arg=anchor,
    )
    assert page.evaluate("document.querySelector(':target')?.id") == anchor
    box = in_viewport(page, f'[id="{anchor}"]')
    assert box["top"] >= -1, f"#{anchor} starts above the viewport: {box}"
    # Scrolled so that it starts near the top, unless the page cannot scroll further.
    assert box["top"] < 80 or (box["atEnd"] and box["top"] < box["height"]), f"#{anchor}: {box}"


# --- The "Updated" link and the revision history ------------------------------------------


@pytest.mark.parametrize("how", ["click", "keyboard"])
def test_updated_link_scrolls_to_and_focuses_the_revision_history(
    how, pages_by_type, server, new_page
):
    page = new_page(viewport=PHONE)
    for built in of_type(pages_by_type, "article-with-entries"):
        page.goto(server.url(built), wait_until="load")
        link = page.locator('.dateline a[href="#revision-history"]')
        assert "Updated" in link.inner_text()
        if how == "click":
            link.click()
        else:
            link.focus()
            page.keyboard.press("Enter")
        assert_landed(page, "revision-history")
        focused = page.evaluate("document.activeElement.id")
        assert focused == "revision-history", f"{built.path}: focus is on #{focused!r}"
        # The next Tab goes on from the history, to its first link.
        page.keyboard.press("Tab")
        assert page.evaluate(
            "document.getElementById('revision-history').contains(document.activeElement)"
        ), built.path


def test_each_history_link_lands_on_its_entry(pages_by_type, server, new_page):
    page = new_page(viewport=PHONE)
    for built in of_type(pages_by_type, "article-with-entries"):
        page.goto(server.url(built), wait_until="load")
        anchors = page.eval_on_selector_all(
            "#revision-history li[data-revision-kind] > a[href^='#']",
            "links => links.map(a => a.getAttribute('href').slice(1))",
        )
        kinds = page.eval_on_selector_all(
            "#revision-history li[data-revision-kind]",
            "items => items.map(li => li.dataset.revisionKind)",
        )
        assert anchors and len(anchors) == len(kinds), built.path
        for anchor, kind in zip(anchors, kinds, strict=True):
            page.locator(f"#revision-history a[href='#{anchor}']").click()
            assert_landed(page, anchor)
            target = page.locator(f'[id="{anchor}"]')
            assert target.evaluate("e => e.matches('aside.revision')"), anchor
            assert target.get_attribute("data-revision-kind") == kind
            # Keyboard users go on from the entry, not from the top of the page.
            page.keyboard.press("Tab")
            assert page.evaluate(
                """(a) => {
                    const entry = document.getElementById(a), now = document.activeElement;
                    const after = entry.compareDocumentPosition(now);
                    return entry.contains(now) || !!(after & Node.DOCUMENT_POSITION_FOLLOWING);
                }""",
                anchor,
            ), f"{built.path}#{anchor}: Tab did not go on from the entry"


def test_updates_log_links_land_on_their_entries(pages_by_type, server, new_page):
    page = new_page(viewport=PHONE)
    updates = of_type(pages_by_type, "updates")[0]
    page.goto(server.url(updates), wait_until="load")
    hrefs = page.eval_on_selector_all(
        ".revision-log a[href*='#']", "links => links.map(a => a.href)"
    )
    assert hrefs
    for href in hrefs:
        page.goto(href, wait_until="load")
        assert_landed(page, href.rsplit("#", 1)[1])


# --- Without JavaScript ------------------------------------------------------------------


def test_without_javascript_every_word_is_there(pages_by_type, sample_output, server, new_page):
    """Every word of each article's source — text, entries, their titles — and of
    its revision history is rendered (and not hidden by CSS) with JavaScript off."""
    page = new_page(java_script_enabled=False)
    sources = article_sources()
    checked = 0
    for built in articles(pages_by_type):
        slug = built.path.split("/")[0]
        title, body = source_words(sources[slug].read_text("utf-8"))
        page.goto(server.url(built), wait_until="load")
        assert page.evaluate("typeof window.axe") == "undefined"
        shown_title = words(page.inner_text("h1"))
        shown = words(page.inner_text("article"))
        assert title <= shown_title, f"{built.path}: missing {sorted(title - shown_title)}"
        assert body <= shown, f"{built.path}: missing {sorted(body - shown)}"
        static = BeautifulSoup((sample_output / built.path).read_text("utf-8"), "html.parser")
        history = static.find(id="revision-history")
        if history is not None:
            expected = words(history.get_text(" "))
            rendered = words(page.inner_text("#revision-history"))
            assert expected <= rendered, f"{built.path}: {sorted(expected - rendered)}"
            for aside in static.select("aside.revision"):
                expected = words(aside.get_text(" "))
                rendered = words(page.inner_text(f'[id="{aside["id"]}"]'))
                assert expected <= rendered, f"{built.path}: {sorted(expected - rendered)}"
        checked += 1
    assert checked == len(sources)


# --- A 390 px phone ------------------------------------------------------------------------


def test_no_horizontal_scrolling_at_390px(pages, server, new_page):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    wide = []
    for built in pages:
        page.goto(server.url(built), wait_until="load")
        sizes = page.evaluate(
            """() => ({
                doc: document.documentElement.scrollWidth,
                body: document.body.scrollWidth,
                view: innerWidth,
                overflowX: getComputedStyle(document.body).overflowX
                    + getComputedStyle(document.documentElement).overflowX,
            })"""
        )
        assert sizes["view"] == PHONE["width"]
        assert "hidden" not in sizes["overflowX"] and "clip" not in sizes["overflowX"]
        if max(sizes["doc"], sizes["body"]) > sizes["view"]:
            wide.append(f"{built.path}: {sizes}")
    assert not wide, "\n".join(wide)


# --- On paper ---------------------------------------------------------------------------------


def test_print_keeps_entries_and_history_and_hides_navigation(pages_by_type, server, new_page):
    page = new_page()
    page.emulate_media(media="print")
    for built in of_type(pages_by_type, "article-with-entries"):
        page.goto(server.url(built), wait_until="load")
        assert page.evaluate("matchMedia('print').matches")
        for selector in (
            "h1",
            ".dateline",
            ".story__body",
            "aside.revision",
            "aside.revision .revision__label",
            "aside.revision .revision__body",
            "#revision-history",
            "#revision-history li",
        ):
            found = page.locator(selector)
            assert found.count(), f"{built.path}: no {selector}"
            for index in range(found.count()):
                assert found.nth(index).is_visible(), f"{built.path}: {selector} hidden in print"
        for selector in (".skip-link", ".site-nav", ".site-footer__nav", ".pagination"):
            found = page.locator(selector)
            for index in range(found.count()):
                assert found.nth(index).is_hidden(), f"{built.path}: {selector} printed"
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 5_000


# --- In the dark ------------------------------------------------------------------------------


def _luminance(rgb: str) -> float:
    values = [float(v) / 255 for v in re.findall(r"[\d.]+", rgb)[:3]]
    linear = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colour_scheme_is_followed_with_strong_contrast(scheme, representative, server, new_page):
    """The page follows the reader's scheme; axe checks every colour pair in both
    (test_browser_axe.py), this checks the scheme actually switched."""
    page = new_page(color_scheme=scheme)
    for built in representative.values():
        page.goto(server.url(built), wait_until="load")
        colours = page.evaluate(
            """() => ({bg: getComputedStyle(document.body).backgroundColor,
                       fg: getComputedStyle(document.body).color})"""
        )
        bg, fg = _luminance(colours["bg"]), _luminance(colours["fg"])
        assert (bg < fg) == (scheme == "dark"), f"{built.path}: {colours}"
        ratio = (max(bg, fg) + 0.05) / (min(bg, fg) + 0.05)
        assert ratio >= 7, f"{built.path}: body text contrast {ratio:.1f}:1 in {scheme}"


# --- With the keyboard alone ---------------------------------------------------------------

_FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = (c) => {
        const [r, g, b] = parse(c).slice(0, 3).map((v) => v / 255)
            .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    let bgEl = el, bg = "rgb(255, 255, 255)";
    while (bgEl) {
        const c = getComputedStyle(bgEl).backgroundColor, p = parse(c);
        if (p.length >= 3 && (p.length < 4 || p[3] > 0)) { bg = c; break; }
        bgEl = bgEl.parentElement;
    }
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    const l1 = lum(s.outlineColor), l2 = lum(bg);
    return {
        index: Array.from(document.querySelectorAll("a[href]")).indexOf(el),
        tag: el.tagName.toLowerCase(),
        text: (el.innerText || el.getAttribute("href") || "").trim().slice(0, 60),
        focusVisible: el.matches(":focus-visible"),
        outline: s.outlineStyle !== "none" ? parseFloat(s.outlineWidth) : 0,
        contrast: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05),
        // The ring (outline, its offset, the halo) is in view, or as much of
        // the element as the viewport can hold.
        inView: (() => {
            const ring = Math.max(parseFloat(s.outlineOffset) + parseFloat(s.outlineWidth), 0);
            if (!(r.width > 0 && r.height > 0)) return false;
            if (r.height + 2 * ring > innerHeight) return r.top < innerHeight && r.bottom > 0;
            return r.top - ring >= -0.5 && r.bottom + ring <= innerHeight + 0.5
                && r.left - ring >= -0.5 && r.right + ring <= innerWidth + 0.5;
        })(),
        box: {x: r.x, y: r.y, width: r.width, height: r.height},
    };
}"""

_VISIBLE_LINKS = """() => Array.from(document.querySelectorAll("a[href]"))
    .map((a, i) => [a, i])
    .filter(([a]) => a.getClientRects().length > 0
        && getComputedStyle(a).visibility !== "hidden")
    .map(([a, i]) => i)"""


def tab_through(page: Any, limit: int) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until focus comes round again."""
    stops: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(_FOCUS_STATE)
        if state is None:
            if stops:
                break
            continue
        key = (state["index"], state["tag"], state["text"])
        if key in seen:
            break
        seen.add(key)
        stops.append(state)
    return stops


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_keyboard_reaches_every_link_with_a_visible_focus_ring(
    viewport, representative, server, new_page
):
    size = PHONE if viewport == "phone" else {"width": 1280, "height": 900}
    problems = []
    for scheme in ("light", "dark"):
        page = new_page(viewport=size, color_scheme=scheme)
        for kind, built in representative.items():
            page.goto(server.url(built), wait_until="load")
            links = set(page.evaluate(_VISIBLE_LINKS))
            stops = tab_through(page, limit=len(links) + 40)
            where = f"{kind} ({built.path}, {scheme})"
            assert stops and stops[0]["text"] == "Skip to main content", where
            reached = {stop["index"] for stop in stops if stop["index"] >= 0}
            if links - reached:
                problems.append(f"{where}: Tab never reaches links {sorted(links - reached)}")
            for stop in stops:
                if not stop["focusVisible"] or stop["outline"] < 2 or stop["contrast"] < 3:
                    problems.append(f"{where}: weak focus ring on {stop}")
                if not stop["inView"]:
                    problems.append(f"{where}: focused element not in view: {stop}")
    assert not problems, "\n".join(problems)


def test_focus_ring_changes_pixels_around_each_link(representative, server, new_page):
    """Not only styled: the ring is drawn (not clipped away) around every stop."""
    page = new_page()
    built = representative["article-with-entries"]
    page.goto(server.url(built), wait_until="load")
    links = set(page.evaluate(_VISIBLE_LINKS))
    seen: set[tuple[Any, ...]] = set()
    unchanged = []
    for _ in range(len(links) + 40):
        page.keyboard.press("Tab")
        state = page.evaluate(_FOCUS_STATE)
        if state is None:
            break
        key = (state["index"], state["tag"], state["text"])
        if key in seen:
            break
        seen.add(key)
        box = state["box"]
        clip = {
            "x": max(box["x"] - 8, 0),
            "y": max(box["y"] - 8, 0),
            "width": box["width"] + 16,
            "height": min(box["height"] + 16, 900),
        }
        focused = page.screenshot(clip=clip)
        page.evaluate("document.activeElement.blur()")
        if focused == page.screenshot(clip=clip):
            unchanged.append(state)
    # blur() keeps the place in the tab order, so the walk covered every link.
    assert links <= {index for index, _, _ in seen}
    assert not unchanged, f"no visible focus change on {unchanged}"


def test_skip_link_appears_on_focus_and_moves_focus_to_main(representative, server, new_page):
    page = new_page(viewport=PHONE)
    page.goto(server.url(representative["article-with-entries"]), wait_until="load")
    skip = page.locator(".skip-link")
    assert skip.bounding_box()["y"] + skip.bounding_box()["height"] <= 0
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main'")
    assert page.evaluate("document.activeElement.id") == "main"
