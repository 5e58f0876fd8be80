"""The development server of ``invoke livereload``: Pelican's handler, plus reloads.

Each HTML page is served with a few lines of script that ask
``/__dateline/build`` once a second and reload the page after a new build.
The script is added while serving, never written to ``output/``, so what is
deployed is exactly what was built.
"""

from __future__ import annotations

import io
import json
import os
import re
import threading
from http.server import ThreadingHTTPServer
from typing import Any

from pelican.server import ComplexHTTPRequestHandler

BUILD_URL = "/__dateline/build"
_POLICY = re.compile(rb'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', re.IGNORECASE)
_SCRIPT = (
    "<script>(function(){var seen=null;setInterval(function(){"
    f"fetch('{BUILD_URL}',{{cache:'no-store'}}).then(function(r){{return r.json()}})"
    ".then(function(d){if(seen!==null&&d.build!==seen){location.reload()}seen=d.build})"
    ".catch(function(){})},1000)})();</script>"
)


class BuildCounter:
    """How many builds have finished; pages reload when it changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def bump(self) -> None:
        with self._lock:
            self.count += 1


def with_reload_script(html: bytes) -> bytes:
    """``html`` with the reload script just before ``</body>`` (or at the end).

    The page's Content-Security-Policy runs no script, so it is left out of
    the page while serving it here (``output/`` keeps it).
    """
    html = _POLICY.sub(b"", html, count=1)
    script = _SCRIPT.encode()
    at = html.lower().rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


class ReloadingHandler(ComplexHTTPRequestHandler):
    """Serve ``base_path`` like ``invoke serve``, with the reload script in HTML."""

    base_path: str
    counter: BuildCounter

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == BUILD_URL:
            body = json.dumps({"build": self.counter.count}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def send_head(self) -> Any:
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if not path.endswith((".html", ".htm")) or not os.path.isfile(path):
            return super().send_head()
        with open(path, "rb") as page:
            body = with_reload_script(page.read())
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def make_server(root: str, host: str, port: int, counter: BuildCounter) -> ThreadingHTTPServer:
    """A threaded server for ``root`` (which builds may replace under it)."""
    handler = type("Handler", (ReloadingHandler,), {"base_path": root, "counter": counter})
    return _Server((host, port), handler)


class _Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
