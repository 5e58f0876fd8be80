"""One timed build, run by ``benchmarks/run.py`` in a fresh process.

    python benchmarks/build_once.py SETTINGS OUTPUT [--variant dateline] [--cache]
        [--layer generator] [--ignore-cache] [--selected PATH] [--profile FILE]

Prints one JSON line: the build's wall time (``build_site``: staging folder,
Pelican, swap), the time of Dateline's git history pass inside it, and the
process's peak memory. Variants:

* ``pelican``: the same settings and theme without the plugin. The theme's
  Dateline parts are guarded (``article.dateline is defined``) and render
  nothing; its Jinja filters (``plain``, ``isotime``…) are registered as
  the plugin would, so both builds render the same templates. The one place
  that reads the model unguarded (the archives group by
  ``dateline.published.year``) reads Pelican's ``date.year`` instead.
* ``dateline``: the plugin, with history from git when the content is in a
  repository.
* ``dateline-nohistory``: the plugin with ``DATELINE_HISTORY = False``.

With ``--selected PATH`` the build is Pelican's own run into OUTPUT, in
place, with a writer that renders and writes only that one file: Pelican
reads the content (from its cache) and runs every generator, but renders
one page. It is the least work any process that runs Pelican on the
site can do, whatever the plugin does.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from dateline_editor import build as editor_build  # noqa: E402
from dateline_editor.build import build_site  # noqa: E402
from pelican.plugins.dateline.history import attach as history_pass  # noqa: E402
from pelican.plugins.dateline.outputs.filters import FILTERS  # noqa: E402
from pelican.plugins.dateline.outputs.inject import TEMPLATES  # noqa: E402

# Where the theme reads Dateline's model without a guard, what Pelican alone has.
_UNGUARDED = {"groupby('dateline.published.year')": "groupby('date.year')"}


def _pelican_templates(theme: Path) -> str:
    """Copies of the theme's templates that read ``article.dateline`` unguarded,
    reading Pelican's own fields instead (so far: the archives' year grouping)."""
    folder = Path(tempfile.mkdtemp(prefix="pelican-templates-"))
    for template in (theme / "templates").glob("*.html"):
        text = template.read_text("utf-8")
        changed = text
        for unguarded, plain in _UNGUARDED.items():
            changed = changed.replace(unguarded, plain)
        if changed != text:
            (folder / template.name).write_text(changed, "utf-8")
    return str(folder)


def overrides_for(variant: str) -> dict:
    if variant == "pelican":
        return {
            "PLUGINS": [],
            "JINJA_FILTERS": dict(FILTERS),
            # The plugin's partials, which the theme includes: guarded, they render
            # nothing without the plugin's model.
            "THEME_TEMPLATES_OVERRIDES": [_pelican_templates(ROOT / "theme"), str(TEMPLATES)],
        }
    if variant == "dateline-nohistory":
        return {"DATELINE_HISTORY": False}
    if variant == "dateline":
        return {}
    raise SystemExit(f"unknown variant {variant!r}")


def _peak_kib() -> int:
    """This process's peak resident memory. Not ``ru_maxrss``: Linux carries that
    over ``exec`` from the parent that started us (the benchmark runner)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _run_selected(settings: Path, output: Path, selected: str, overrides: dict) -> None:
    """Pelican's own run in place, rendering and writing only ``selected``.

    Pelican removed ``WRITE_SELECTED`` (it now only warns), so a writer of
    Pelican's ``get_writer`` signal does what it did: every other page and
    feed is passed over before its template is rendered.
    """
    from pelican import Pelican, signals
    from pelican.settings import read_settings
    from pelican.writers import Writer

    wanted = str(output / selected)

    class SelectedWriter(Writer):
        def write_file(self, name: str, *args, **kwargs) -> None:
            if name and os.path.join(self.output_path, name) == wanted:
                super().write_file(name, *args, **kwargs)

        def write_feed(self, elements, context, path=None, *args, **kwargs) -> None:
            if path and os.path.join(self.output_path, path) == wanted:
                super().write_feed(elements, context, path, *args, **kwargs)

    signals.get_writer.connect(lambda pelican: SelectedWriter, weak=False)
    overrides |= {"OUTPUT_PATH": str(output), "DELETE_OUTPUT_DIRECTORY": False}
    Pelican(read_settings(str(settings), override=overrides)).run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("settings", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--variant", default="dateline")
    parser.add_argument("--cache", action="store_true", help="Pelican's content cache on")
    parser.add_argument("--layer", default="generator", help="CONTENT_CACHING_LAYER")
    parser.add_argument("--ignore-cache", action="store_true", help="write the cache only")
    parser.add_argument("--cache-path", type=Path, help="CACHE_PATH (default: beside SETTINGS)")
    parser.add_argument("--selected", help="only write this file (relative to OUTPUT), in place")
    parser.add_argument("--profile", type=Path, help="write cProfile stats here")
    options = parser.parse_args()
    overrides = overrides_for(options.variant)
    if options.variant == "pelican":
        # The baseline renders the corpus's entries as plain paragraphs, which is
        # what it is for, into a folder of Pelican's (no record of a Dateline
        # build): build_site would rightly refuse both on a real site.
        editor_build._check_plugin_loaded = lambda pelican: None
        editor_build._not_ours = lambda final: []
    overrides["CACHE_PATH"] = str(options.cache_path or options.settings.parent / "cache")
    if options.cache:
        overrides |= {
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": not options.ignore_cache,
            "CONTENT_CACHING_LAYER": options.layer,
        }
    else:
        overrides |= {"CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}

    spent = []
    attach = history_pass.attach_histories

    def timed_attach(*args, **kwargs):
        start = time.perf_counter()
        try:
            return attach(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    # The generator imported the name; time it where it is called.
    from pelican.plugins.dateline.outputs import generator

    generator.attach_histories = timed_attach
    profiler = cProfile.Profile() if options.profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    if options.selected:
        _run_selected(options.settings, options.output, options.selected, overrides)
    else:
        build_site(options.settings, options.output, overrides, quiet=True)
    if profiler:
        profiler.disable()
        profiler.dump_stats(options.profile)
    seconds = time.perf_counter() - start
    peak_kib = _peak_kib()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "history_seconds": sum(spent) if spent else None,
                "peak_mib": peak_kib / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
