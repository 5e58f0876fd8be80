"""Shared fixtures: real Pelican builds of small sites in a temp folder."""

from __future__ import annotations

import os
import runpy
import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from dateline_editor.build import build_site

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SETTINGS = runpy.run_path(str(ROOT / "pelicanconf.py"))

SETTINGS = """
AUTHOR = "Test Desk"
SITENAME = "Test Explainer"
SITEURL = "https://news.example"
PATH = "content"
THEME = {theme!r}
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
PLUGINS = ["dateline"]
JINJA_ENVIRONMENT = {{"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}}
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "404"]
ARTICLE_URL = "{{slug}}/"
ARTICLE_SAVE_AS = "{{slug}}/index.html"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DATELINE_ID_AUTHORITY = "news.example"
# As in this repository's pelicanconf.py: what the Dateline theme expects.
DATELINE_STYLESHEET_SAVE_AS = ""
DATELINE_CSP = {csp!r}
"""


def settings_text(theme: Path = ROOT / "theme") -> str:
    """A test site's pelicanconf.py, with the Dateline theme unless ``theme`` says."""
    return SETTINGS.format(theme=str(theme), csp=SAMPLE_SETTINGS["DATELINE_CSP"])


def article(
    title: str = "An explainer",
    date: str = "2018-10-24 09:00",
    body: str = "Some text.",
    **metadata: str,
) -> str:
    """Markdown source of an article: a metadata header, a blank line, the body."""
    header = {"Title": title, "Date": date, **{k.title(): v for k, v in metadata.items()}}
    lines = [f"{key}: {value}" for key, value in header.items()]
    return "\n".join(lines) + "\n\n" + textwrap.dedent(body).strip("\n") + "\n"


@dataclass
class Site:
    """A throwaway Pelican project using the real Dateline theme and plugin."""

    root: Path
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def output(self) -> Path:
        return self.root / "output"

    def write(self, name: str, text: str, encoding: str = "utf-8") -> Path:
        path = self.root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding=encoding)
        return path

    def write_bytes(self, name: str, data: bytes) -> Path:
        path = self.root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def build(self, quiet: bool = True, **overrides: Any) -> Path:
        """Build into ``output/``; raises dateline_editor.build.BuildFailed when refused.

        ``quiet=False`` lets warnings through to the log (and to ``caplog``).
        """
        return build_site(
            self.root / "pelicanconf.py",
            self.output,
            {**self.overrides, **overrides},
            quiet=quiet,
        )

    def git(self, *args: str, when: str = "2018-10-24T09:00:00-04:00") -> str:
        """Run git in the site's folder with a fixed author, committer and date."""
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "Desk",
            "GIT_AUTHOR_EMAIL": "desk@news.example",
            "GIT_COMMITTER_NAME": "Desk",
            "GIT_COMMITTER_EMAIL": "desk@news.example",
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def commit(self, message: str, when: str) -> str:
        """Commit everything under content/ at ``when``; return the short sha."""
        if not (self.root / ".git").exists():
            self.git("init", "-q", "-b", "main")
        self.git("add", "-A", "content")
        self.git("commit", "-q", "-m", message, when=when)
        return self.git("rev-parse", "--short=7", "HEAD")

    def html(self, relative: str) -> BeautifulSoup:
        return BeautifulSoup((self.output / relative).read_text("utf-8"), "html.parser")

    def xml(self, relative: str) -> BeautifulSoup:
        return BeautifulSoup((self.output / relative).read_text("utf-8"), "xml")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "pelicanconf.py").write_text(
        settings_text(),
        encoding="utf-8",
    )
    # Pelican resolves PATH against the working directory, as `make build` does.
    monkeypatch.chdir(root)
    return Site(root)
