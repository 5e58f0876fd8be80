"""Installable: the wheel (and ``pip install .``) into a fresh venv gives a working
``PLUGINS = ["dateline"]`` with no ``PLUGIN_PATHS`` and a ``dateline`` command
that works on that site, with that site's settings.

The venvs are real (``python -m venv``, ``pip install``), the site unrelated to
this repository (Pelican's default theme, a London newsroom), and every
command runs as a newsroom would run it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

SITE_SETTINGS = """
SITENAME = "The London Desk"
SITEURL = "https://desk.example"
PATH = "content"
TIMEZONE = "Europe/London"
PLUGINS = ["dateline"]
"""
STORY = """Title: Bridge closure
Date: 2024-05-02 08:00

The bridge closes for repairs on Monday.

::: correction 2024-05-03 "Date corrected"
An earlier version gave the wrong day.
:::
"""


def run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", folder, ROOT)
    (built,) = folder.glob("dateline-*.whl")
    return built


def fresh_venv(folder: Path, *install: str | Path) -> Path:
    run(sys.executable, "-m", "venv", folder)
    run(folder / "bin" / "python", "-m", "pip", "install", "--quiet", *install)
    return folder / "bin"


def make_site(folder: Path) -> Path:
    (folder / "content").mkdir(parents=True)
    (folder / "pelicanconf.py").write_text(SITE_SETTINGS, encoding="utf-8")
    (folder / "content" / "bridge.md").write_text(STORY, encoding="utf-8")
    return folder


def test_the_wheel_holds_the_plugin_its_templates_and_the_tools_only(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.split("/")[0] for name in names if not name.startswith("dateline-")}
    assert packages == {"pelican", "dateline_editor"}
    plugin = [name for name in names if name.startswith("pelican/")]
    assert all(name.startswith("pelican/plugins/dateline/") for name in plugin)
    assert "pelican/__init__.py" not in names and "pelican/plugins/__init__.py" not in names
    for data in (
        "templates/dateline/updates.html",
        "templates/dateline/history.html",
        "templates/dateline/version.html",
        "templates/dateline/parts/revision_history.html",
        "static/dateline.css",
    ):
        assert f"pelican/plugins/dateline/{data}" in names
    assert not [name for name in names if "audit" in name or "__pycache__" in name]
    metadata = (
        zipfile.ZipFile(wheel)
        .read(next(name for name in names if name.endswith("METADATA")))
        .decode()
    )
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    core = [line for line in requires if "extra ==" not in line]
    assert any(re.search(r"pelican<5,>=4\.9|pelican>=4\.9,<5", line) for line in core), core
    assert not [line for line in core if "==" in line], core


def test_the_wheel_in_a_fresh_venv_builds_an_unrelated_site(wheel: Path, tmp_path) -> None:
    bin_ = fresh_venv(tmp_path / "venv", wheel)
    site = make_site(tmp_path / "london")
    run(bin_ / "pelican", "content", cwd=site)  # Pelican's quickstart Makefile runs this
    page = BeautifulSoup(
        (site / "output" / "bridge-closure.html").read_text("utf-8"), "html.parser"
    )
    assert page.select_one("aside#correction-2024-05-03")
    assert page.select_one('section#revision-history li[data-revision-kind="correction"]')
    assert page.select_one("time.dt-updated")["datetime"] == "2024-05-03T00:00:00+01:00"
    assert page.select('script[type="application/ld+json"]')
    assert (site / "output" / "updates" / "index.html").is_file()
    assert (site / "output" / "dateline" / "dateline.css").is_file()
    assert ":::" not in page.get_text()


def test_the_dateline_command_works_on_that_site_with_its_settings(wheel: Path, tmp_path) -> None:
    bin_ = fresh_venv(tmp_path / "venv", wheel)
    site = make_site(tmp_path / "london")
    helps = [run(bin_ / "dateline", "--help", cwd=site).stdout]
    for command in ("build", "new", "entry", "check", "migrate", "publish"):
        helps.append(run(bin_ / "dateline", command, "--help", cwd=site).stdout)
    assert all("usage: dateline" in text for text in helps)
    done = run(
        bin_ / "dateline",
        "entry",
        "content/bridge.md",
        "--kind",
        "update",
        "--text",
        "The bridge reopened.",
        cwd=site,
    )
    offset = datetime.now(ZoneInfo("Europe/London")).strftime("%z")
    stamp = f"{offset[:3]}:{offset[3:]}"  # +00:00 in winter, +01:00 in summer
    assert re.search(rf"::: update \d{{4}}-\d\d-\d\dT\d\d:\d\d{re.escape(stamp)}", done.stdout)
    checked = run(bin_ / "dateline", "check", cwd=site)
    assert "check: no problems" in checked.stderr
    run(bin_ / "dateline", "build", cwd=site)
    assert (site / "output" / "bridge-closure.html").is_file()


def test_pip_install_of_the_source_tree_works_too(tmp_path) -> None:
    bin_ = fresh_venv(tmp_path / "venv", ROOT)
    site = make_site(tmp_path / "london")
    run(bin_ / "pelican", "content", cwd=site)
    assert "revision-history" in (site / "output" / "bridge-closure.html").read_text("utf-8")
    version = run(bin_ / "dateline", "--version").stdout
    assert re.fullmatch(r"dateline \d+\.\d+\.\d+\n", version)
