"""Helpers shared by the browser and audit tests (imported by name: pytest
puts this folder on sys.path)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

from tools.audit import audit

ROOT = Path(__file__).resolve().parents[2]
REQUIRE = os.environ.get("DATELINE_REQUIRE_BROWSER", "") not in {"", "0"}


def unavailable(reason: str) -> NoReturn:
    """Skip because a tool is missing, or fail when CI requires the tools."""
    if REQUIRE:
        pytest.fail(f"DATELINE_REQUIRE_BROWSER is set, but {reason}", pytrace=False)
    pytest.skip(reason)


def need(*tools: str) -> None:
    missing = audit.missing_tools(*tools)
    if missing:
        unavailable("; ".join(missing))


def of_type(pages_by_type: dict[str, list[audit.Page]], kind: str) -> list[audit.Page]:
    """The pages of ``kind``; a type the sample site lacks skips (required ones
    are checked by test_sample_site_has_every_page_type)."""
    found = pages_by_type.get(kind, [])
    if not found:
        pytest.skip(f"the sample site has no page of type {kind!r} ({audit.PAGE_TYPES[kind]})")
    return found
