"""Fixtures for the audits of the real sample site, in a real browser.

The sample site (``content/`` with ``pelicanconf.py``) is built once per test
session into a temp folder and served on 127.0.0.1; the checks read it as
readers' tools do: the Nu HTML Checker, axe-core and Chromium driven by
Playwright.

Where Chromium, Java, Playwright or the npm tools are missing, these tests
skip and say what to install — unless ``DATELINE_REQUIRE_BROWSER=1`` is set
(.ci/run sets it): then they fail, so CI can never skip them silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dateline_editor.build import build_site

from tools.audit import audit

from .audit_support import ROOT, need


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site, built with the real pelicanconf.py into a temp folder."""
    output = tmp_path_factory.mktemp("sample") / "output"
    return build_site(
        ROOT / "pelicanconf.py",
        output,
        {"CACHE_PATH": str(output.parent / "cache")},
        quiet=True,
    )


@pytest.fixture(scope="session")
def pages(sample_output: Path) -> list[audit.Page]:
    return audit.discover_pages(sample_output)


@pytest.fixture(scope="session")
def pages_by_type(pages: list[audit.Page]) -> dict[str, list[audit.Page]]:
    grouped: dict[str, list[audit.Page]] = {}
    for page in pages:
        grouped.setdefault(page.kind, []).append(page)
    return grouped


@pytest.fixture(scope="session")
def representative(pages: list[audit.Page], sample_output: Path) -> dict[str, audit.Page]:
    return audit.representatives(pages, sample_output)


@pytest.fixture(scope="session")
def server(sample_output: Path) -> Iterator[audit.StaticServer]:
    with audit.StaticServer(sample_output) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    need("playwright", "chromium", "axe")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = audit.launch_chromium(playwright)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """``new_page(**context_options)``: a page in a fresh browser context."""
    contexts = []

    def make(**options: Any) -> Any:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        # Every wait is for a condition; this only bounds a wait that never ends
        # (generous: a busy machine is slow, not wrong).
        context.set_default_timeout(180_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
