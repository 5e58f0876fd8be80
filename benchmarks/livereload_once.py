"""The editor's live-reload loop on a benchmark corpus, run by ``run.py``.

    python benchmarks/livereload_once.py SETTINGS OUTPUT --port PORT [--cache-path DIR]
        [--variant dateline] [--layer generator] [--host 127.0.0.1]

Starts ``LiveReload`` (what ``invoke livereload`` and ``dateline livereload``
run: build, serve, rebuild on every change) with the overrides of the
``incremental`` row's builds (``build_once.py --cache``): the variant's
settings, ``CACHE_PATH`` and ``CONTENT_CACHING_LAYER``; the loop itself turns
Pelican's content cache on. SIGTERM stops it as Ctrl-C does.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_once import overrides_for  # noqa: E402  (puts plugins/ on the path)
from dateline_editor.project import Project  # noqa: E402
from dateline_editor.serve import livereload  # noqa: E402


def with_overrides(extra: dict[str, Any]) -> None:
    """Make every build of the loop apply ``extra`` on top of its own overrides."""
    build_site = livereload.build_site

    def build(settings_file: Any, output: Any = None, overrides: Any = None, quiet: bool = False):
        return build_site(settings_file, output, {**(overrides or {}), **extra}, quiet=quiet)

    livereload.build_site = build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("settings", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--variant", default="dateline")
    parser.add_argument("--layer", default="generator", help="CONTENT_CACHING_LAYER")
    parser.add_argument("--cache-path", type=Path, help="CACHE_PATH (default: beside SETTINGS)")
    options = parser.parse_args()
    settings = options.settings.resolve()
    extra = overrides_for(options.variant)
    extra["CACHE_PATH"] = str(options.cache_path or settings.parent / "cache")
    extra["CONTENT_CACHING_LAYER"] = options.layer
    with_overrides(extra)
    project = Project.load(settings.parent, settings.name)
    with contextlib.suppress(KeyboardInterrupt):
        livereload.LiveReload(project, options.output.resolve()).run(options.host, options.port)


if __name__ == "__main__":
    main()
