"""Editor and site tasks (Invoke), following Pelican's quickstart conventions.

Run ``invoke --list`` for the tasks and ``invoke --help TASK`` for each one.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from dateline.build import BuildFailed, build_site  # noqa: E402

CONFIG = {
    "settings_base": ROOT / "pelicanconf.py",
    "settings_publish": ROOT / "publishconf.py",
    "deploy_path": ROOT / "output",
    "host": "127.0.0.1",
    "port": 8000,
}


def _build(settings: Path, output: Path | None = None) -> None:
    try:
        build_site(settings, output or CONFIG["deploy_path"])
    except BuildFailed as failed:
        for line in failed.lines:
            print(line, file=sys.stderr)
        raise Exit(
            f"build refused: {len(failed.lines)} problem(s); output/ was left as it was",
            code=1,
        ) from None


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
