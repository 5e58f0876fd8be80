"""Site and editor tasks (Invoke), following Pelican's quickstart ``tasks.py``.

Each editor task is a thin wrapper over ``dateline_editor.commands``, the
same code the ``dateline`` command runs. ``invoke --list`` lists them;
``invoke --help TASK`` says what each takes.
"""

from __future__ import annotations

import contextlib
import shlex
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from invoke import Context, Exit, task

ROOT = Path(__file__).resolve().parent
# The packages in plugins/ (make build also installs them in .venv, editable).
sys.path.insert(0, str(ROOT / "plugins"))

from dateline_editor import commands  # noqa: E402
from dateline_editor.project import Project  # noqa: E402

CONFIG = {
    "settings_base": ROOT / "pelicanconf.py",
    "settings_publish": ROOT / "publishconf.py",
    "deploy_path": ROOT / "output",
    "host": "127.0.0.1",
    "port": 8000,
}


def _run(command, *args, settings=None, **kwargs) -> None:
    """Run ``commands.COMMAND`` on this site; a refusal exits non-zero, with no traceback."""
    with commands.report() as status:
        project = Project.load(ROOT, settings or CONFIG["settings_base"])
        command(project, *args, **kwargs)
    if status[0]:
        raise Exit(code=status[0])


def _build(settings: Path, output: Path | None = None) -> None:
    _run(commands.build, output or CONFIG["deploy_path"], settings=settings)


@task(help={"output": "folder to build into (default: output/)"})
def build(c, output=None):
    """Build the site with pelicanconf.py; output/ changes only if the build succeeds."""
    _build(CONFIG["settings_base"], Path(output) if output else None)


@task
def clean(c):
    """Remove the built site and Pelican's cache."""
    for path in (CONFIG["deploy_path"], ROOT / "cache"):
        shutil.rmtree(path, ignore_errors=True)


@task(pre=[clean])
def rebuild(c):
    """Build from scratch, ignoring any cache."""
    _build(CONFIG["settings_base"])


@task
def preview(c):
    """Build with publishconf.py (absolute URLs, as deployed)."""
    _build(CONFIG["settings_publish"])


@task(help={"pytest_args": "extra arguments for pytest, e.g. '-k feed -x'"})
def test(c, pytest_args=""):
    """Lint with ruff, then run the whole pytest suite (what CI runs)."""
    python = sys.executable
    c.run(f"{python} -m ruff check {ROOT}", pty=False)
    c.run(f"{python} -m pytest {pytest_args}", pty=False)


@task(
    help={
        "articles": "explainers in the generated corpus (default 100; the targets: 1000)",
        "runs": "runs of each build; the table shows medians (default 3)",
        "scale": "also build twice as many explainers (linear growth)",
        "json": "write the results here (default: benchmarks/results/articles-N.json)",
        "instructions": "count instructions with valgrind instead of timing (deterministic, slow)",
    }
)
def bench(c, articles=100, runs=3, scale=False, json=None, instructions=False):
    """Time Pelican alone vs Pelican with Dateline on a generated corpus (benchmarks/run.py)."""
    articles = int(articles)
    name = f"{'instructions' if instructions else 'articles'}-{articles}.json"
    target = Path(json) if json else ROOT / "benchmarks" / "results" / name
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--articles", str(articles)]
    command += ["--runs", str(int(runs)), "--json", str(target), *(["--scale"] if scale else [])]
    command += ["--instructions"] if instructions else []
    c.run(shlex.join(command), pty=False)


@task(help={"port": "port to serve on (default 8000)"})
def serve(c, port=None):
    """Serve output/ on http://127.0.0.1:8000 (Ctrl-C stops)."""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    port = int(port or CONFIG["port"])

    class AddressReuseTCPServer(RootedHTTPServer):
        allow_reuse_address = True

    server = AddressReuseTCPServer(
        str(CONFIG["deploy_path"]), (CONFIG["host"], port), ComplexHTTPRequestHandler
    )
    print(f"Serving output/ at http://{CONFIG['host']}:{port}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


# --- Editor and deploy tasks: each parses its options and runs dateline_editor.commands.


def _paths(c: Context, paths: list[str] | None) -> list[Path]:
    """PATH options plus anything after ``--``, relative to where the editor stands."""
    given = [*(paths or []), *shlex.split(c.remainder or "")]
    return [Path(path).resolve() for path in given]


@task(
    positional=["title"],
    help={
        "title": "the headline, in quotes",
        "category": "Category: (default: the site's DEFAULT_CATEGORY)",
        "tags": "Tags:, comma-separated, e.g. 'water, budget'",
        "slug": "the URL slug (default: made from the title, as Pelican does)",
        "summary": "Summary: one sentence for lists and feeds",
        "authors": "Authors: (default: the site's AUTHOR)",
    },
)
def new(c, title, category="", tags="", slug="", summary="", authors=""):
    """Start an explainer: content/SLUG.md with a complete header and Date: now."""
    fields = {"category": category, "tags": tags, "slug": slug}
    _run(commands.new, title, summary=summary, authors=authors, **fields)


@task(
    positional=["path"],
    help={
        "path": "the article to add to, e.g. content/water-rate-increase.md",
        "kind": "update, correction, clarification, note or editors-note",
        "title": "optional title for history lists (no double quotes)",
        "text": "the entry's Markdown (else --file, standard input, or $EDITOR)",
        "file": "read the entry's Markdown from this file ('-' = standard input)",
        "at": "back-date: YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or with an offset (default: now)",
    },
)
def entry(c, path, kind=None, title=None, text=None, file=None, at=None):
    """Append a dated entry to an article, stamped now with its UTC offset."""
    _run(commands.entry, Path(path), kind, title, text, file, at)


@task(
    positional=["path"],
    help={
        "path": "the story, e.g. content/water-rate-increase.md",
        "text": "the exact words to remove",
        "reason": "legal, privacy or safety",
        "note": "an optional public note: what was removed, in general terms",
        "title": "optional title for history lists (no double quotes)",
        "write": "append the redaction (default: a dry run listing what changes)",
    },
)
def redact(c, path, text=None, reason=None, note=None, title=None, write=False):
    """Take words off the public record, everywhere, with a redaction entry."""
    _run(commands.redact, Path(path), text, reason, note, title, write)


@task(
    iterable=["path"],
    help={
        "path": "only report problems in this file or folder (repeatable; or list after --)",
        "json": "print a JSON list of {file, line, message} for tools",
        "settings": "settings file to check with (default: pelicanconf.py)",
    },
)
def check(c, path=None, json=False, settings=None):
    """Report every problem: refused entries, broken links and #anchors (non-zero if any)."""
    _run(commands.check, _paths(c, path), json, settings=settings)


@task(
    iterable=["path"],
    help={
        "path": "a file or folder to migrate (repeatable; default: all content)",
        "write": "change the files in place (default: print a unified diff)",
        "date_order": "how to read dates like 10.11.2018: mdy or dmy (never guessed)",
    },
)
def migrate(c, path=None, write=False, date_order=None):
    """Turn legacy notes ('Update (Nov. 2, 2018): …') into ::: entries."""
    _run(commands.migrate, _paths(c, path), write, date_order)


@task(
    help={
        "port": "port to serve on (default 8000)",
        "settings": "settings file (default: pelicanconf.py)",
    }
)
def livereload(c, port=None, settings=None):
    """Build, serve output/ and rebuild on every change to content, theme or settings."""
    port = int(port or CONFIG["port"])
    _run(commands.livereload, CONFIG["deploy_path"], CONFIG["host"], port, settings=settings)


@task(
    help={
        "target": "rsync, github-pages or s3 (default: DATELINE_DEPLOY_TARGET)",
        "dest": "rsync destination, 'user@host:/path/' or a folder",
        "bucket": "S3 bucket",
        "prefix": "S3 key prefix",
        "endpoint_url": "S3-compatible endpoint URL (default: AWS)",
        "region": "S3 region",
        "remote": "git remote for GitHub Pages (default: origin)",
        "branch": "branch for GitHub Pages (default: gh-pages)",
        "no_push": "GitHub Pages: commit the branch but do not push it",
        "settings": "settings file (default: publishconf.py)",
    }
)
def publish(
    c,
    target=None,
    dest=None,
    bucket=None,
    prefix=None,
    endpoint_url=None,
    region=None,
    remote=None,
    branch=None,
    no_push=False,
    settings=None,
):
    """Build with publishconf.py, refuse if check finds problems, deploy the finished build."""
    options = commands.deploy_options(
        target, dest, bucket, prefix, endpoint_url, region, remote, branch, no_push
    )
    settings = settings or CONFIG["settings_publish"]
    _run(commands.publish, CONFIG["deploy_path"], options, settings=settings)


# --- Reader-experience audit and screenshots (development tooling: tools/audit/) ---------


@contextlib.contextmanager
def _audited() -> Iterator[None]:
    """An audit that cannot run says why, with no traceback."""
    from tools.audit.audit import AuditError

    try:
        yield
    except AuditError as error:
        for line in error.details:
            print(line, file=sys.stderr)
        raise Exit(error.summary, code=1) from None


def _built(output) -> Path:
    """``output`` (default output/), built with pelicanconf.py first if it is empty."""
    folder = Path(output).resolve() if output else CONFIG["deploy_path"]
    if not (folder / "index.html").is_file():
        print(f"{folder} has no site yet: building it first")
        _build(CONFIG["settings_base"], folder)
    return folder


@task(
    help={
        "output": "built site to audit (default: output/, built first if empty)",
        "min_score": "lowest Lighthouse score accepted in each category (default 98)",
        "reports": "folder to keep each page type's Lighthouse JSON report in",
        "only": "comma-separated page types, e.g. 'article-with-entries,404'",
    }
)
def audit(c, output=None, min_score=98, reports=None, only=None):
    """Serve the site on 127.0.0.1; Lighthouse (mobile), vnu and axe per page type."""
    from tools.audit.audit import audit_site

    with _audited():
        ok = audit_site(_built(output), int(min_score), Path(reports) if reports else None, only)
    if not ok:
        raise Exit("audit: some page type is below target (see above)", code=1)


@task(
    help={
        "output": "built site (default: output/, built first if empty)",
        "dest": "folder for the PNGs (default: screenshots/)",
        "variants": "comma-separated subset of desktop,phone,dark,print",
        "only": "comma-separated page types, e.g. 'article-with-entries,updates'",
    }
)
def screenshots(c, output=None, dest="screenshots", variants=None, only=None):
    """PNGs of each page type (desktop, phone, dark, print) for editors, no server needed."""
    from tools.audit.audit import screenshot_site

    with _audited():
        written = screenshot_site(_built(output), Path(dest).resolve(), variants, only)
    print(f"{len(written)} screenshot(s) in {Path(dest).resolve()}; open index.html there")
