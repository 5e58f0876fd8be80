"""The replaced site kept as the next build's spare folders (``dateline_editor/spare.py``).

A build starts from the folders of the site it last replaced: what must hold
is that no file crosses over (a file of the spare is a link to one the web
server is serving), that two builds never share a spare, and that a build
refused halfway through writing leaves the served site as it was.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from conftest import Site, article
from dateline_editor.build import BuildFailed
from dateline_editor.spare import SPARE, keep, take
from test_incremental import cached, full_build, inodes, tree


def a_served_site(root: Path) -> tuple[Path, Path]:
    """A spare whose files are links to a served site's, and one that leads out of it."""
    served = root / "output"
    (served / "story" / "history" / "abc1234").mkdir(parents=True)
    (served / "story" / "index.html").write_text("served page")
    (served / "story" / "history" / "abc1234" / "index.html").write_text("served version")
    spare = root / "cache" / SPARE
    (spare / "story" / "history" / "abc1234").mkdir(parents=True)
    (spare / "empty").mkdir()
    os.link(served / "story" / "index.html", spare / "story" / "index.html")
    os.link(
        served / "story" / "history" / "abc1234" / "index.html",
        spare / "story" / "history" / "abc1234" / "index.html",
    )
    os.symlink(served / "story", spare / "story" / "link-out")
    return served, spare


def test_a_taken_spare_keeps_its_folders_and_no_file(tmp_path: Path) -> None:
    served, spare = a_served_site(tmp_path)
    staging = tmp_path / ".output-building-x"
    staging.mkdir()
    taken = take(spare, staging)
    assert taken is not None
    lock, folders = taken
    try:
        assert not spare.exists()
        left = sorted(str(p.relative_to(staging)) for p in staging.rglob("*"))
        assert left == ["empty", "story", "story/history", "story/history/abc1234"]
        assert all(Path(folder).is_dir() for folder in folders)
        assert folders.index(str(staging / "story")) < folders.index(
            str(staging / "story" / "history")
        )  # parents first, so that removing them in reverse takes children first
        # The served site lost nothing: links were removed, not what they lead to.
        assert (served / "story" / "index.html").read_text() == "served page"
        assert (served / "story" / "history" / "abc1234" / "index.html").exists()
        other = os.open(staging, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):  # the build that took it holds it
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(other)
    finally:
        os.close(lock)


def test_a_spare_another_build_holds_is_not_taken(tmp_path: Path) -> None:
    _, spare = a_served_site(tmp_path)
    staging = tmp_path / ".output-building-x"
    staging.mkdir()
    held = os.open(spare, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert take(spare, staging) is None
        assert list(staging.iterdir()) == []
        assert (spare / "story" / "index.html").exists()
    finally:
        os.close(held)


def test_a_second_spare_is_not_kept_over_the_first(tmp_path: Path) -> None:
    _, spare = a_served_site(tmp_path)
    replaced = tmp_path / ".output-building-y"
    (replaced / "page").mkdir(parents=True)
    assert not keep(replaced, spare)
    assert (replaced / "page").is_dir() and (spare / "story" / "index.html").exists()
    fresh = tmp_path / "elsewhere" / SPARE
    assert keep(replaced, fresh)
    assert (fresh / "page").is_dir() and not replaced.exists()


def test_a_build_that_fails_while_writing_leaves_the_served_site_whole(site: Site) -> None:
    """With a spare in place, a static file changed and a template that breaks once
    pages are being written: the served site keeps every byte and every inode."""
    site.write("harbour.md", article(title="Harbour", body="::: note 2018-10-24\nA note.\n:::"))
    site.write("ferry.md", article(title="Ferry", date="2018-10-25 09:00"))
    site.write_bytes("images/map.svg", b"<svg>first</svg>")
    site.build(**cached(site))
    site.build(**cached(site))
    assert (site.root / "cache" / SPARE).is_dir()
    served, links = tree(site.output), inodes(site.output)

    site.write_bytes("images/map.svg", b"<svg>second, larger</svg>")
    site.write("ferry.md", article(title="Ferry", date="2018-10-25 09:00", body="Changed."))
    broken = site.root / "broken"
    broken.mkdir()
    (broken / "archives.html").write_text("{{ no_such_function() }}")
    with pytest.raises(BuildFailed):
        site.build(**cached(site), THEME_TEMPLATES_OVERRIDES=[str(broken)])
    assert tree(site.output) == served
    assert inodes(site.output) == links

    site.build(**cached(site))
    assert tree(site.output) == full_build(site, "full")
    assert (site.output / "images" / "map.svg").read_bytes() == b"<svg>second, larger</svg>"
