"""The Content-Security-Policy, in Chromium: every page carries it, nothing breaks under it.

Every page of the sample site declares a policy that runs no script and
loads no style or image from anywhere but the site (JSON-LD data blocks are
data, not script). One page of each type is loaded with the browser
reporting every violation, console message and ``securitypolicyviolation``
event: there must be none. The control: a page with script, an event
handler, an inline style and another site's image typed into an entry body
(raw HTML is the editor's) reports each, and none of it runs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import SAMPLE_SETTINGS
from dateline_editor.build import build_site
from dateline_editor.serve import devserver

from tools.audit import audit

from .audit_support import ROOT

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""


def visit(new_page: Any, url: str) -> tuple[Any, list[str]]:
    """Load ``url``; return the page and every CSP complaint the browser made."""
    page = new_page()
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(WATCH)  # through the DevTools protocol: no CSP applies to it
    page.goto(url, wait_until="load")
    complaints.extend(page.evaluate("window.__violations"))
    return page, complaints


def test_every_page_declares_the_policy(sample_output: Path) -> None:
    for path in sorted(sample_output.rglob("*.html")):
        head = BeautifulSoup(path.read_text("utf-8"), "html.parser").head
        metas = head.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert [meta["content"] for meta in metas] == [SAMPLE_SETTINGS["DATELINE_CSP"]], path
        first = head.find(["meta", "script", "link", "style"], recursive=False)
        assert first.get("charset") == "utf-8", path  # the policy comes before anything loads
        assert first.find_next_sibling("meta") in metas, path


@pytest.mark.parametrize("kind", list(audit.PAGE_TYPES))
def test_nothing_on_a_page_breaks_the_policy(kind, representative, server, new_page) -> None:
    if kind not in representative:
        pytest.skip(f"the sample site has no page of type {kind!r}")
    page, complaints = visit(new_page, server.url(representative[kind]))
    assert complaints == []
    assert page.evaluate("document.styleSheets.length") >= 1  # the site's stylesheet loaded
    rules = page.evaluate("Array.from(document.styleSheets).map((s) => s.cssRules.length)")
    assert sum(rules) > 50


BODY = """Title: Hostile story
Date: 2018-10-24 09:00

Text.

| left | right |
|:-----|------:|
| a    | 1     |

::: update 2018-10-30
An editor pasted <script>window.ran = "inline"</script> and
<img src="missing.png" onerror="window.ran = 'handler'"> and
<span style="color: red">a styled word</span> and
<img src="https://example.invalid/tracker.png" alt="">.
:::
"""


EVERYTHING = """Title: Everything Markdown makes
Date: 2018-10-24 09:00

"Quotes" -- and NASA's caps[^1], *AT&T*, a HTML abbreviation.

```python
def rate(volume: float) -> float:
    return volume * 2.45
```

| left | centre | right |
|:-----|:------:|------:|
| a    | b      | 1     |

Term
:   Its definition.

[^1]: A footnote.

*[HTML]: HyperText Markup Language

::: correction 2018-10-30 "With code"
An entry with `code` and a list:

- one
- two
:::
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[audit.StaticServer]:
    output = tmp_path_factory.mktemp("hostile") / "output"
    content = output.parent / "content"
    content.mkdir()
    (content / "hostile.md").write_text(BODY, encoding="utf-8")
    (content / "everything.md").write_text(EVERYTHING, encoding="utf-8")
    built = build_site(
        ROOT / "pelicanconf.py",
        output,
        {"PATH": str(content), "CACHE_PATH": str(output.parent / "cache")},
        quiet=True,
    )
    with audit.StaticServer(built) as running:
        yield running


def test_what_markdown_codehilite_and_typogrify_make_keeps_the_policy(hostile, new_page) -> None:
    page, complaints = visit(new_page, hostile.url("everything-markdown-makes/"))
    assert complaints == []
    for made in (".highlight .k", "sup a.footnote-ref", "abbr", "dl", "td.align-center", ".caps"):
        assert page.query_selector(made) is not None, made


def test_script_styles_and_images_an_editor_pastes_are_stopped(hostile, new_page) -> None:
    page, complaints = visit(new_page, hostile.url("hostile-story/"))
    assert page.evaluate("window.ran") is None  # neither the script nor the handler ran
    blocked = " ".join(complaints)
    for directive in ("script-src", "style-src", "img-src"):
        assert directive in blocked, complaints
    assert "example.invalid" in blocked
    color = page.evaluate("getComputedStyle(document.querySelector('aside span')).color")
    assert color != "rgb(255, 0, 0)"
    cells = page.query_selector_all("tbody td")
    alignment = [cell.evaluate("(td) => getComputedStyle(td).textAlign") for cell in cells]
    assert alignment == ["left", "right"]  # table alignment by class, allowed by the policy


def test_livereload_pages_still_reload_under_the_policy(sample_output, new_page) -> None:
    """``invoke livereload`` adds a script while serving; the served copy drops the policy."""
    counter = devserver.BuildCounter()
    server = devserver.make_server(str(sample_output), "127.0.0.1", 0, counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = new_page()
        host, port = server.server_address[:2]
        with page.expect_request(f"**{devserver.BUILD_URL}"):
            page.goto(f"http://{host}:{port}/updates/", wait_until="load")
        with page.expect_request(f"**{devserver.BUILD_URL}"):  # the first answer was read
            pass
        counter.bump()
        with page.expect_navigation():  # the next build reloads the page
            pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    served = (sample_output / "updates" / "index.html").read_text("utf-8")
    assert "Content-Security-Policy" in served and "<script>" not in served  # output/ as built
