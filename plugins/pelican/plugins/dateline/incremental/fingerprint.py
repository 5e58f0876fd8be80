"""What every page of a build depends on, besides its own values.

Every setting but where things go, Pelican's, Jinja's and Python's
versions, the plugin's own code, templates and stylesheet (the installed
package holds nothing else: it is exactly what shapes output), and every
template of the theme and its overrides.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import jinja2
import pelican

from .state import stable

_PLUGIN = Path(__file__).resolve().parent.parent
# Settings that say where things go, not what they are.
WHERE = {
    "OUTPUT_PATH",
    "DATELINE_REUSE_FROM",
    "DATELINE_TRACK_READS",
    "CACHE_PATH",
    "CACHE_CONTENT",
    "LOAD_CONTENT_CACHE",
    "CONTENT_CACHING_LAYER",
    "CHECK_MODIFIED_METHOD",
    "GZIP_CACHE",
}


def site_fingerprint(settings: dict[str, Any]) -> str:
    """Everything every page depends on; raises Unstable for a setting with no stable form."""
    digest = hashlib.sha256()
    for key in sorted(settings):
        if key not in WHERE:
            digest.update(f"{key}={stable(settings[key])}\n".encode())
    for package in (pelican, jinja2):
        digest.update(f"{package.__name__} {getattr(package, '__version__', '')}\n".encode())
    digest.update(sys.version.encode())
    theme = Path(settings.get("THEME", ""))
    folders = [
        _PLUGIN,  # its code, templates and stylesheet
        theme / "templates",
        *map(Path, settings.get("THEME_TEMPLATES_OVERRIDES", [])),
    ]
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()
