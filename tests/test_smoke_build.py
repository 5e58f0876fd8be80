"""The sample site in content/ builds, with every entry in place."""

from __future__ import annotations

import shutil

from conftest import ROOT, Site


def test_sample_site_builds_with_entries(site: Site) -> None:
    shutil.rmtree(site.root / "content")
    shutil.copytree(ROOT / "content", site.root / "content")
    site.build()
    page = site.html("ferry-suspension-north-slip/index.html")
    anchors = [aside["id"] for aside in page.select("aside.revision")]
    assert "update-2025-10-14" in anchors
    assert "update-2025-10-14-2" in anchors
    assert len(page.select("#revision-history li[data-revision-kind]")) == len(anchors)
