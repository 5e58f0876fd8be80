"""axe-core in headless Chromium: no violation of WCAG 2.2 A/AA or of axe's best
practices on any page of the sample site, in the light and in the dark scheme."""

from __future__ import annotations

import pytest

from tools.audit import audit

from .audit_support import of_type


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(audit.PAGE_TYPES))
def test_axe_finds_no_violation(kind, scheme, pages_by_type, server, new_page):
    checked = of_type(pages_by_type, kind)
    page = new_page(color_scheme=scheme)
    problems = []
    for built in checked:
        page.goto(server.url(built), wait_until="load")
        for line in audit.describe_violations(audit.run_axe(page)):
            problems.append(f"{built.path}: {line}")
    assert not problems, "\n".join(problems)


def test_axe_really_checks(new_page, server):
    """axe runs and reports: a page with a contrast failure is caught."""
    page = new_page()
    page.goto(server.url("404.html"), wait_until="load")
    page.evaluate(
        """() => {
            const p = document.createElement("p");
            p.textContent = "Barely visible";
            p.style.cssText = "color:#bbb;background:#fff";  // CSSOM: the CSP allows it
            document.querySelector("main").append(p);
        }"""
    )
    assert "color-contrast" in {v["id"] for v in audit.run_axe(page)}
