"""The benchmark corpus as a Hugo site, for the ``hugo (full build)`` row of ``run.py``.

    python benchmarks/hugo_site.py make CONTENT SITE   # SITE from CONTENT/*.md (Pelican's)
    python benchmarks/hugo_site.py build SITE DEST     # one `hugo` build, one JSON line

``make`` converts each file's Pelican header (``Key: value`` lines) to YAML
front matter (title, date, modified → lastmod, category → categories, tags,
author(s) → authors, slug, summary) and leaves the body as it is: the
Dateline ``::: kind DATE "title"`` entry fences render as paragraphs, as in
the Pelican baseline. The layouts, written here, do comparable work to the
repository's theme under ``pelicanconf.py``: a base with head and a nav
listing the categories, article pages at ``/{slug}/``, home and term pages
paginated 10 a page (``DEFAULT_PAGINATION``), the categories, tags and
authors taxonomies, an archives page, a 404 page, feeds of the 100 latest
stories with full content for the home page and each category
(``FEED_ALL_ATOM``, ``CATEGORY_FEED_ATOM``, ``FEED_MAX_ITEMS``; no tag or
author feeds, as there), and the sitemap. The theme's static files are
copied as Pelican copies them.

``build`` runs ``hugo --quiet --destination DEST`` (DEST removed first) and
prints its wall time, CPU time and peak memory (``ru_maxrss`` of ``wait4``).
It is a small launcher so that the peak is Hugo's own: Linux gives a child
the peak of the process that started it, here this launcher, not the
benchmark runner with its corpus in memory.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MISSING = "hugo not found (Debian: apt-get install hugo)"

CONFIG = """\
baseURL = "http://127.0.0.1:8000/"
title = {title}
languageCode = "en"
timeZone = {zone}
paginate = {per_page}
rssLimit = 100
relativeURLs = true
disableKinds = []
enableRobotsTXT = false
cacheDir = {cache}

[taxonomies]
  category = "categories"
  tag = "tags"
  author = "authors"

[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS"]

[params]
  description = {description}
"""

# Term feeds for categories only (Pelican: CATEGORY_FEED_ATOM, no tag or author feeds).
NO_FEEDS = "---\ntitle: {title}\ncascade:\n  outputs: [HTML]\n---\n"

LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} — {{ site.Title }}{{ end }}</title>
{{ with .Params.summary }}<meta name="description" content="{{ . | plainify }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:site_name" content="{{ site.Title }}">
<meta property="og:title" content="{{ .Title }}">
<link rel="icon" href="{{ "theme/favicon.svg" | relURL }}" type="image/svg+xml">
<link rel="stylesheet" href="{{ "theme/css/dateline.css" | relURL }}">
{{ with site.Home.OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" \
href="{{ .Permalink }}" title="{{ site.Title }}: all stories">{{ end }}
{{ if eq .Kind "term" }}{{ with .OutputFormats.Get "rss" }}<link rel="alternate" \
type="application/rss+xml" href="{{ .Permalink }}">{{ end }}{{ end }}
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><div class="container">
<p class="site-title"><a href="{{ "/" | relURL }}" rel="home">{{ site.Title }}</a></p>
<nav class="site-nav" aria-label="Main"><ul>
<li><a href="{{ "/" | relURL }}">Home</a></li>
{{ range site.Taxonomies.categories.Alphabetical }}\
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></li>{{ end }}
</ul></nav>
</div></header>
<main id="main" class="container">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><div class="container">
<a href="{{ "archives/" | relURL }}">Archives</a> · <a href="{{ "tags/" | relURL }}">Topics</a>
· <a href="{{ "authors/" | relURL }}">Authors</a>
</div></footer>
</body>
</html>
""",
    "partials/byline.html": """\
<p class="byline">By {{ range $i, $a := .GetTerms "authors" }}{{ if $i }}, {{ end }}\
<a href="{{ $a.RelPermalink }}">{{ $a.Title }}</a>{{ end }}
· <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">\
{{ .Date.Format "January 2, 2006 3:04 PM" }}</time></p>
""",
    "partials/story_list.html": """\
<ol class="story-list">
{{ range . }}<li class="story-item">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
{{ partial "byline.html" . }}
{{ with .Params.summary }}<div class="summary">{{ . | markdownify }}</div>{{ end }}
</li>
{{ end }}</ol>
""",
    "partials/pagination.html": """\
{{ $p := .Paginator }}{{ if gt $p.TotalPages 1 }}<nav class="pagination">
{{ if $p.HasPrev }}<a href="{{ $p.Prev.URL }}" rel="prev">Newer</a>{{ end }}
<span>Page {{ $p.PageNumber }} of {{ $p.TotalPages }}</span>
{{ if $p.HasNext }}<a href="{{ $p.Next.URL }}" rel="next">Older</a>{{ end }}
</nav>{{ end }}
""",
    "_default/single.html": """\
{{ define "main" }}<article class="story">
<header class="story__header">
{{ range .GetTerms "categories" }}<p class="story__kicker">\
<a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}
<h1 class="story__title">{{ .Title }}</h1>
{{ partial "byline.html" . }}
{{ if ne .Lastmod .Date }}<p>Updated \
<time>{{ .Lastmod.Format "January 2, 2006" }}</time></p>{{ end }}
</header>
<div class="story__body">
{{ .Content }}
</div>
{{ with .GetTerms "tags" }}<footer class="story__footer"><ul class="tag-list">
{{ range . }}<li><a href="{{ .RelPermalink }}" rel="tag">{{ .Title }}</a></li>{{ end }}
</ul></footer>{{ end }}
</article>{{ end }}
""",
    "index.html": """\
{{ define "main" }}<header class="page-header"><h1>Latest stories\
{{ if gt .Paginator.PageNumber 1 }} (page {{ .Paginator.PageNumber }}){{ end }}</h1>
{{ if eq .Paginator.PageNumber 1 }}<p class="page-intro">{{ site.Params.description }}</p>{{ end }}
</header>
{{ partial "story_list.html" .Paginator.Pages }}
{{ partial "pagination.html" . }}{{ end }}
""",
    "_default/term.html": """\
{{ define "main" }}<header class="page-header"><h1>{{ .Title }}\
{{ if gt .Paginator.PageNumber 1 }} (page {{ .Paginator.PageNumber }}){{ end }}</h1></header>
{{ partial "story_list.html" .Paginator.Pages }}
{{ partial "pagination.html" . }}{{ end }}
""",
    "_default/taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul class="term-list">{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}
</ul>{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ partial "story_list.html" .Pages }}{{ end }}
""",
    "archives/list.html": """\
{{ define "main" }}<h1>Archives</h1>
{{ range site.RegularPages.GroupByDate "2006" }}<h2>{{ .Key }}</h2><ul>
{{ range .Pages }}<li><time>{{ .Date.Format "Jan 2" }}</time> \
<a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}{{ end }}
""",
    "404.html": """\
{{ define "main" }}<h1>Not found</h1>
<p>No page here. <a href="{{ "/" | relURL }}">The latest stories</a>.</p>{{ end }}
""",
    "_default/rss.xml": """\
{{- $pages := site.RegularPages -}}
{{- if eq .Kind "term" }}{{ $pages = .Pages }}{{ end -}}
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} — {{ site.Title }}{{ end }}</title>
<link>{{ .Permalink }}</link>
<description>{{ site.Params.description }}</description>
<language>{{ site.LanguageCode }}</language>
{{ with .OutputFormats.Get "RSS" }}<atom:link href="{{ .Permalink }}" rel="self" \
type="application/rss+xml"/>{{ end }}
{{ range first site.Config.Services.RSS.Limit $pages.ByDate.Reverse }}<item>
<title>{{ .Title }}</title>
<link>{{ .Permalink }}</link>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
<guid>{{ .Permalink }}</guid>
<description>{{ .Params.summary | markdownify | html }}</description>
<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">\
{{ .Content | html }}</content:encoded>
</item>
{{ end }}</channel>
</rss>
""",
}

_FIELDS = {
    "title": "title",
    "date": "date",
    "modified": "lastmod",
    "slug": "slug",
    "summary": "summary",
}
_LISTS = {"category": "categories", "tags": "tags", "author": "authors", "authors": "authors"}


def front_matter(header: str) -> str:
    """Pelican's ``Key: value`` header as YAML front matter (values JSON-quoted)."""
    lines = ["---"]
    for line in header.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key in _FIELDS:
            shown = _date(value) if key in ("date", "modified") else value
            lines.append(f"{_FIELDS[key]}: {json.dumps(shown)}")
        elif key in _LISTS:
            items = [item.strip() for item in value.split(",") if item.strip()]
            lines.append(f"{_LISTS[key]}: {json.dumps(items)}")
    return "\n".join([*lines, "---"]) + "\n"


def _date(value: str) -> str:
    """``2019-01-07 09:00`` as ``2019-01-07T09:00:00`` (Hugo reads it in ``timeZone``)."""
    day, _, clock = value.partition(" ")
    if not clock:
        return day
    if clock.count(":") == 1:
        clock += ":00"
    return f"{day}T{clock}"


def convert(source: str) -> str:
    """One Pelican Markdown file as a Hugo one: front matter, then the body unchanged."""
    header, _, body = source.partition("\n\n")
    return front_matter(header) + "\n" + body


def _settings() -> dict[str, str]:
    """The repository's ``pelicanconf.py`` values the Hugo site uses (as TOML strings)."""
    settings = runpy.run_path(str(ROOT / "pelicanconf.py"))
    return {
        "title": json.dumps(settings.get("SITENAME", "Dateline")),
        "zone": json.dumps(settings.get("TIMEZONE") or "UTC"),
        "per_page": str(int(settings.get("DEFAULT_PAGINATION") or 10)),
        "description": json.dumps(settings.get("DATELINE_SITE_DESCRIPTION", "")),
    }


def make_site(content: Path, site: Path) -> int:
    """Write the Hugo site for ``content/*.md`` into ``site``; return the article count."""
    shutil.rmtree(site, ignore_errors=True)
    pages = site / "content"
    pages.mkdir(parents=True)
    config = CONFIG.format(cache=json.dumps(str(site.resolve() / "hugo-cache")), **_settings())
    (site / "hugo.toml").write_text(config, "utf-8")
    for name, text in LAYOUTS.items():
        path = site / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    for taxonomy in ("tags", "authors"):
        (pages / taxonomy).mkdir()
        (pages / taxonomy / "_index.md").write_text(
            NO_FEEDS.format(title=taxonomy.title()), "utf-8"
        )
    (pages / "archives").mkdir()
    (pages / "archives" / "_index.md").write_text('---\ntitle: "Archives"\n---\n', "utf-8")
    static = ROOT / "theme" / "static"
    if static.is_dir():
        shutil.copytree(static, site / "static" / "theme")
    count = 0
    for source in sorted(content.rglob("*.md")):
        (pages / source.name).write_text(convert(source.read_text("utf-8")), "utf-8")
        count += 1
    return count


def build(site: Path, destination: Path) -> dict:
    """One ``hugo`` build of ``site`` into a fresh ``destination``: times and peak."""
    hugo = shutil.which("hugo")
    if hugo is None:
        raise SystemExit(MISSING)
    shutil.rmtree(destination, ignore_errors=True)
    command = [hugo, "--quiet", "--destination", str(destination)]
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=site, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status):
            err.seek(0)
            raise SystemExit(f"hugo failed:\n{err.read().decode()[-3000:]}")
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
    }


def version() -> str | None:
    """``hugo version``'s line, or None without Hugo."""
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    done = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("make", help="write a Hugo site for a folder of Pelican Markdown")
    make.add_argument("content", type=Path)
    make.add_argument("site", type=Path)
    timed = sub.add_parser("build", help="one timed hugo build; prints one JSON line")
    timed.add_argument("site", type=Path)
    timed.add_argument("destination", type=Path)
    options = parser.parse_args()
    if options.command == "make":
        count = make_site(options.content, options.site)
        print(f"{count} articles in {options.site}", file=sys.stderr)
    else:
        print(json.dumps(build(options.site, options.destination.resolve())))


if __name__ == "__main__":
    main()
