"""Dateline's cost on top of Pelican, measured side by side on one corpus.

    invoke bench                      # quick: 100 explainers
    invoke bench --articles 1000      # the targets of issue #7 (about 20 minutes)
    python benchmarks/run.py --articles 1000 --runs 3 --json results.json

Makes a seeded corpus (``corpus.py``: N explainers of 800–1,500 words, 5
entries each, one git commit per entry) and builds it with the repository's
own ``pelicanconf.py`` and theme, each build in a fresh process
(``build_once.py``), in turns so that a busy machine slows all alike:

* ``pelican``: Pelican without the plugin. Same settings, same theme: the
  theme's Dateline parts are guarded (``article.dateline is defined``) and
  render nothing; the plugin's Jinja filters are registered so the same
  templates render. Entries show as plain paragraphs.
* ``dateline, no history``: the plugin, content not read from git
  (``DATELINE_HISTORY = False``): the same pages as Pelican plus the updates
  page, the updates feed and the sitemap. **This is the full-build
  comparison**: it adds what Dateline adds to pages Pelican also writes.
* ``dateline, history (first build)``: with git history and nothing cached:
  every version of every explainer rendered once (a new clone's first build).
* ``dateline, history``: the full build as an editor or CI runs it after that
  first build: no output and no Pelican cache, the history cache in
  ``CACHE_PATH`` warm (versions are rendered once, ever). It writes 6× the
  pages Pelican writes (a history page per explainer, a page per older version).
* ``incremental``: the editor's loop: append one entry to one explainer (not
  committed), rebuild with Pelican's content cache
  (``CONTENT_CACHING_LAYER = "generator"``) into the same output folder,
  history on. Each run appends to another explainer.
* ``pelican incremental``: the same edit, Pelican alone, for reference.

Full builds start with no output folder and no Pelican cache. Times are the
wall time of ``build_site`` (staging folder, Pelican, swap), medians of
``--runs``; CPU is the process's user+system time, startup included; peak
memory is the build process's maximum resident set (``VmHWM``). The history pass
is the time of ``attach_histories`` inside the builds. With ``--scale``, the
full builds are repeated on a corpus twice the size, each in turn with its
counterpart on the first corpus (so both meet the same load).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import ZONE, append_entry, make_corpus  # noqa: E402


@dataclass
class Sample:
    seconds: float
    cpu: float
    peak_mib: float
    history_seconds: float | None


@dataclass
class Row:
    name: str
    samples: list[Sample] = field(default_factory=list)

    def median(self, attribute: str) -> float | None:
        values = [getattr(s, attribute) for s in self.samples if getattr(s, attribute) is not None]
        return statistics.median(values) if values else None

    def summary(self) -> dict:
        return {
            "name": self.name,
            "runs": len(self.samples),
            "seconds": self.median("seconds"),
            "seconds_all": [round(s.seconds, 3) for s in self.samples],
            "cpu_seconds": self.median("cpu"),
            "peak_mib": max((s.peak_mib for s in self.samples), default=None),
            "history_pass_seconds": self.median("history_seconds"),
        }


class Project:
    """A corpus with the repository's settings, and folders to build into."""

    def __init__(self, root: Path, articles: int, entries: int, seed: int) -> None:
        self.root = root
        self.articles = articles
        started = time.perf_counter()
        self.stories = make_corpus(root / "site", articles, entries, seed=seed, git=True)
        self.made_in = time.perf_counter() - started
        settings = (ROOT / "pelicanconf.py").read_text("utf-8")
        settings += (
            "\n# --- benchmark: the repository's theme and plugin ---\n"
            f"THEME = {str(ROOT / 'theme')!r}\n"
        )
        self.settings = root / "site" / "pelicanconf.py"
        self.settings.write_text(settings, "utf-8")
        exclude = root / "site" / ".git" / "info" / "exclude"
        exclude.write_text("/pelicanconf.py\n__pycache__/\n", "utf-8")
        self.edits = 0

    def build(
        self,
        variant: str,
        output: str,
        cache: str | None = None,
        content_cache: bool = False,
        fresh: bool = True,
    ) -> Sample:
        """One build in a fresh process. ``fresh``: no output folder, no Pelican cache."""
        target = self.root / output
        cache_path = self.root / (cache or f"cache-{output}")
        if fresh:
            shutil.rmtree(target, ignore_errors=True)
            for name in ("ArticlesGenerator", "PagesGenerator"):
                (cache_path / name).unlink(missing_ok=True)
            for stale in cache_path.glob("dateline-pages-*"):
                stale.unlink()
        command = self.command(variant, target, cache_path)
        if content_cache:
            command.append("--cache")
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            process = subprocess.Popen(command, cwd=self.settings.parent, stdout=out, stderr=err)
            _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage
            process.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            printed, problems = out.read().decode(), err.read().decode()
        if process.returncode:
            raise SystemExit(f"build failed ({variant}):\n{problems[-3000:]}")
        result = json.loads(printed.strip().splitlines()[-1])
        cpu = usage.ru_utime + usage.ru_stime
        peak = result["peak_mib"]  # VmHWM: wait4's maxrss includes this runner's own
        return Sample(result["seconds"], cpu, peak, result["history_seconds"])

    def command(self, variant: str, target: Path, cache_path: Path) -> list[str]:
        """``build_once.py`` for one build of this corpus."""
        return [
            sys.executable,
            str(HERE / "build_once.py"),
            str(self.settings),
            str(target),
            "--variant",
            variant,
            "--cache-path",
            str(cache_path),
        ]

    def append_entry(self) -> None:
        """Append an entry to the next explainer, as ``invoke entry`` would."""
        story = self.stories[(self.edits * 7919) % len(self.stories)]
        self.edits += 1
        path = self.root / "site" / "content" / f"{story.slug}.md"
        now = datetime.now(ZONE).replace(second=0, microsecond=0) - timedelta(minutes=1)
        append_entry(path, now)
        stamp = path.stat().st_mtime + 1  # Pelican compares modification times
        os.utime(path, (stamp, stamp))


FULL = ("pelican", "dateline, no history", "dateline, history")
VARIANTS = {"pelican": "pelican", "dateline, no history": "dateline-nohistory"}


def measure(
    project: Project, runs: int, history_first: int, doubled: Project | None
) -> tuple[dict[str, Row], dict[str, Row] | None]:
    """All rows; with ``doubled``, its full builds run in turn with the others,
    so that both sizes meet the same load on a shared machine."""
    rows = {
        name: Row(name)
        for name in (
            *FULL[:1],
            *FULL[1:2],
            "dateline, history (first build)",
            *FULL[2:],
            "incremental",
            "pelican incremental",
        )
    }
    scaled = {name: Row(name) for name in FULL} if doubled else None
    say = _progress(project.articles)
    for run in range(history_first):
        say(f"first build with history, run {run + 1}/{history_first}")
        rows["dateline, history (first build)"].samples.append(
            project.build("dateline", "out-first", cache=f"cache-first-{run}")
        )
    # The history cache the later builds share: filled once, not timed.
    for each in (project, doubled) if doubled else (project,):
        say(f"filling the history cache ({each.articles} articles)")
        each.build("dateline", "out-warm", cache="cache-history")
    for run in range(runs):
        say(f"full builds, run {run + 1}/{runs}")
        for name in FULL:
            for each, table in ((project, rows), (doubled, scaled)):
                if each is None or table is None:
                    continue
                variant = VARIANTS.get(name, "dateline")
                output = f"out-{variant}"
                cache = "cache-history" if variant == "dateline" else None
                table[name].samples.append(each.build(variant, output, cache=cache))
    say("incremental builds")
    project.build("dateline", "out-inc", cache="cache-history", content_cache=True)
    project.build("pelican", "out-pelican-inc", content_cache=True)
    for _ in range(runs):
        project.append_entry()
        rows["incremental"].samples.append(
            project.build(
                "dateline", "out-inc", cache="cache-history", content_cache=True, fresh=False
            )
        )
        rows["pelican incremental"].samples.append(
            project.build("pelican", "out-pelican-inc", content_cache=True, fresh=False)
        )
    return rows, scaled


def count_instructions(project: Project) -> dict:
    """Instructions executed by each full build, counted by valgrind (callgrind).

    Unlike time on a shared machine, the count does not move from run to run
    (hash seed fixed), so both builds run at once, one per core. Memory stalls
    are not counted: it is the CPU work each build asks for, not its time.
    """
    counts = {}
    started = {}
    for name, variant in VARIANTS.items():
        target = project.root / f"out-valgrind-{variant}"
        shutil.rmtree(target, ignore_errors=True)
        valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
        command = valgrind + project.command(
            variant, target, project.root / f"cache-valgrind-{variant}"
        )
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        started[name] = subprocess.Popen(
            command,
            cwd=project.settings.parent,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    for name, process in started.items():
        _, errors = process.communicate()
        collected = re.search(r"Collected : (\d+)", errors)
        if process.returncode or not collected:
            raise SystemExit(f"valgrind build failed ({name}):\n{errors[-3000:]}")
        counts[name] = int(collected[1])
    pelican = counts["pelican"]
    return {
        "instructions": counts,
        "targets": [
            {
                "target": "full build ≤ 1.05 × Pelican (instructions)",
                "value": _ratio(counts["dateline, no history"], pelican),
                "limit": 1.05,
                "met": counts["dateline, no history"] <= 1.05 * pelican,
            }
        ],
    }


def _progress(articles: int):
    started = time.perf_counter()

    def say(message: str) -> None:
        print(
            f"[{time.perf_counter() - started:6.0f} s] {articles} articles: {message}", flush=True
        )

    return say


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def report(base: dict[str, Row], scaled: dict[str, Row] | None, options) -> dict:
    rows = {name: row.summary() for name, row in base.items() if row.samples}
    pelican = rows["pelican"]
    for row in rows.values():
        row["x_pelican"] = _ratio(row["seconds"], pelican["seconds"])
        row["x_pelican_cpu"] = _ratio(row["cpu_seconds"], pelican["cpu_seconds"])
        row["x_pelican_memory"] = _ratio(row["peak_mib"], pelican["peak_mib"])
    full = rows["dateline, no history"]
    history = rows["dateline, history"]
    incremental = rows["incremental"]
    first = rows.get("dateline, history (first build)")
    versions = f"{options.articles} × {options.entries + 1} versions"
    targets = [
        ("full build ≤ 1.05 × Pelican", full["x_pelican"], 1.05),
        ("full build ≤ 1.05 × Pelican (CPU time)", full["x_pelican_cpu"], 1.05),
        (
            f"history pass ≤ 1 s ({versions}, nothing cached)",
            first["history_pass_seconds"] if first else None,
            1.0,
        ),
        (f"history pass ≤ 1 s ({versions}, cached)", history["history_pass_seconds"], 1.0),
        (
            "incremental ≤ 0.25 × full build (Pelican's)",
            _ratio(incremental["seconds"], pelican["seconds"]),
            0.25,
        ),
        (
            "incremental ≤ 0.25 × full build (Dateline's, history on)",
            _ratio(incremental["seconds"], history["seconds"]),
            0.25,
        ),
        ("peak memory ≤ 1.2 × Pelican (no history)", full["x_pelican_memory"], 1.2),
        ("peak memory ≤ 1.2 × Pelican (history)", history["x_pelican_memory"], 1.2),
    ]
    scaled_rows = None
    if scaled:
        scaled_rows = {name: row.summary() for name, row in scaled.items()}
        for name in scaled_rows:
            targets.append(
                (
                    f"2 × the articles ≤ 2.1 × the time ({name})",
                    _ratio(scaled_rows[name]["seconds"], rows[name]["seconds"]),
                    2.1,
                )
            )
            targets.append(
                (
                    f"2 × the articles ≤ 2.1 × the CPU time ({name})",
                    _ratio(scaled_rows[name]["cpu_seconds"], rows[name]["cpu_seconds"]),
                    2.1,
                )
            )
    result = {
        **_header(options),
        "runs": options.runs,
        "rows": rows,
        "scaled_rows": scaled_rows,
        "targets": [
            {
                "target": name,
                "value": value,
                "limit": limit,
                "met": value is not None and value <= limit,
            }
            for name, value, limit in targets
        ],
    }
    return result


def _header(options: argparse.Namespace) -> dict:
    """What was run, when, where, on what corpus."""
    return {
        "command": " ".join(["python", "benchmarks/run.py", *sys.argv[1:]]),
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": _machine(),
        "articles": options.articles,
        "entries": options.entries,
    }


def _machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_before": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def table(result: dict) -> str:
    lines = [
        f"{result['articles']} explainers × {result['entries']} entries, "
        f"medians of {result['runs']} run(s); machine: {result['machine']['cpus']} CPUs, "
        f"{result['machine']['cpu']}, {result['machine']['memory']}",
        "",
        "| build | time (s) | × Pelican | CPU (s) | peak memory (MiB) | × Pelican "
        "| history pass (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in result["rows"].items():
        history = row["history_pass_seconds"]
        lines.append(
            f"| {name} | {row['seconds']:.2f} | {row['x_pelican']:.2f} | {row['cpu_seconds']:.2f} "
            f"| {row['peak_mib']:.0f} | {row['x_pelican_memory']:.2f} | "
            f"{'' if history is None else f'{history:.2f}'} |"
        )
    if result["scaled_rows"]:
        lines += ["", f"Twice the articles ({2 * result['articles']}):", ""]
        lines += [
            "| build | time (s) | CPU (s) | peak memory (MiB) |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, row in result["scaled_rows"].items():
            lines.append(
                f"| {name} | {row['seconds']:.2f} | {row['cpu_seconds']:.2f} "
                f"| {row['peak_mib']:.0f} |"
            )
    lines += ["", "| target | measured | limit | met |", "| --- | ---: | ---: | --- |"]
    for target in result["targets"]:
        value = target["value"]
        shown = "–" if value is None else f"{value:.3f}"
        met = "yes" if target["met"] else "no"
        lines.append(f"| {target['target']} | {shown} | {target['limit']:.2f} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--entries", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3, help="runs of each build (median)")
    parser.add_argument(
        "--first-runs", type=int, default=1, help="runs of the slow first build with history"
    )
    parser.add_argument("--scale", action="store_true", help="also build twice the articles")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="where to write the results (default: print)")
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temp folder)")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="instead of timing: count the instructions of the two full builds with valgrind",
    )
    options = parser.parse_args(argv)
    if options.instructions:
        return instructions_main(options)
    folder = options.keep or Path(tempfile.mkdtemp(prefix="dateline-bench-"))
    try:
        project = Project(folder / "n", options.articles, options.entries, options.seed)
        print(
            f"corpus of {options.articles} explainers made in {project.made_in:.1f} s", flush=True
        )
        doubled = None
        if options.scale:
            doubled = Project(folder / "2n", 2 * options.articles, options.entries, options.seed)
        base, scaled = measure(project, options.runs, options.first_runs, doubled)
        result = report(base, scaled, options)
    finally:
        if options.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(table(result))
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
        print(f"\nwritten to {options.json}")
    return 0


def instructions_main(options: argparse.Namespace) -> int:
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    folder = options.keep or Path(tempfile.mkdtemp(prefix="dateline-bench-"))
    try:
        project = Project(folder / "n", options.articles, options.entries, options.seed)
        print(f"{options.articles} explainers: counting instructions (slow: ~1.5 s an article)")
        result = {**_header(options), **count_instructions(project)}
    finally:
        if options.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    counts = result["instructions"]
    print("\n| build | instructions (10⁹) | × Pelican |\n| --- | ---: | ---: |")
    for name, count in counts.items():
        print(f"| {name} | {count / 1e9:.2f} | {count / counts['pelican']:.3f} |")
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
        print(f"\nwritten to {options.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
