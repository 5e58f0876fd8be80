"""Dateline's cost on top of Pelican, and against Hugo, measured side by side on one corpus.

    invoke bench                      # quick: 100 explainers
    invoke bench --articles 1000      # the targets of issue #16 (1,000 and 10,000 explainers)
    python benchmarks/run.py --articles 1000 --runs 3 --scale --json results.json
    python benchmarks/run.py --articles 10000 --rows pelican,hugo,incremental,livereload

Makes a seeded corpus (``corpus.py``: N explainers of 800–1,500 words, 5
entries each, one git commit per entry) and builds it with the repository's
own ``pelicanconf.py`` and theme, each build in a fresh process
(``build_once.py``), in turns so that a busy machine slows all alike. Rows
(``--rows`` takes their ids, comma-separated; the others are skipped, and
the JSON says so):

* ``pelican`` (id ``pelican``): Pelican without the plugin. Same settings,
  same theme: the theme's Dateline parts are guarded (``article.dateline is
  defined``) and render nothing; the plugin's Jinja filters are registered
  so the same templates render. Entries show as plain paragraphs.
* ``dateline, no history`` (``nohistory``): the plugin, content not read
  from git (``DATELINE_HISTORY = False``): the same pages as Pelican plus the
  updates page, the updates feed and the sitemap.
* ``dateline, history (first build)`` (``first``): with git history and
  nothing cached: every version of every explainer rendered once (a new
  clone's first build). The first run fills the history cache the later
  rows share, so that slow build (≈25 min at 10,000) is done once.
* ``dateline, history`` (``history``): the full build as an editor or CI
  runs it after that first build: no output and no Pelican cache, the
  history cache in ``CACHE_PATH`` warm. It writes 6× the pages Pelican
  writes (a history page per explainer, a page per older version).
* ``hugo (full build)`` (``hugo``): ``hugo --quiet --destination DIR`` on the
  same corpus made into a Hugo site once (``hugo_site.py``: front matter
  converted, entries left as paragraphs, layouts of comparable work), fresh
  destination. Skipped, and said so, without ``hugo`` on the PATH.
* ``incremental`` (``incremental``): the editor's loop: append one entry to
  one explainer (not committed), rebuild with Pelican's content cache
  (``CONTENT_CACHING_LAYER = "generator"``) into the same output folder,
  history on. Each run appends to another explainer. From the second run on,
  the build starts from the folders of the site the one before replaced
  (the spare, ``dateline_editor/spare.py``), as an editor's builds do.
* ``pelican incremental`` (``pelican-incremental``): the same edit, Pelican
  alone, for reference.
* ``pelican floor: one page written`` (``pelican-floor``): the same edit,
  Pelican alone with its content cache, run in place with a writer that
  renders only the edited article's page (what ``WRITE_SELECTED`` did
  before Pelican removed it): it reads the site from the cache
  and runs every generator, but renders one page. Nothing that runs Pelican
  on the site can do less, so this is the lower bound of ``incremental``.
* ``livereload: save → served`` (``livereload``): the same edit with
  ``invoke livereload`` running (``livereload_once.py``: the editor's
  ``LiveReload`` loop with the incremental row's overrides): the time from
  the file being written to the article's page, fetched over HTTP every
  20 ms, holding the new entry. Wall time only.

Full builds start with no output folder and no Pelican cache. Times are the
wall time of ``build_site`` (staging folder, Pelican, swap) or of the
``hugo`` process, medians of ``--runs``; CPU is the process's user+system
time (Python's startup included); peak memory is the build process's
maximum resident set (``VmHWM``; Hugo's ``ru_maxrss``). The history pass is
the time of ``attach_histories`` inside the builds. With ``--scale``, the
full builds are repeated on a corpus twice the size, each in turn with its
counterpart on the first corpus (so both meet the same load).

Targets (issue #16): incremental ≤ 0.5 × Hugo's full build; livereload ≤
1 s; full build without history ≤ 1.05 × Pelican, with history and cached ≤
1.2 ×, a new clone's first history build ≤ 2 × (wall and CPU time each);
peak memory ≤ 1.2 × Pelican's (without and with history); with ``--scale``,
twice the articles ≤ 2.1 × the time (wall and CPU) for every full-build
row. The history pass ≤ 1 s targets of issue #7 are kept. Beside them, a
reference line holds Pelican's floor to the incremental target's limit: a
limit Pelican's floor misses, no build on Pelican can meet. A target whose
row was skipped is neither met nor failed: it says why it was skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import hugo_site  # noqa: E402
from corpus import ZONE, append_entry, make_corpus  # noqa: E402

# Row ids (for --rows) and the rows' names, in the order they are shown.
ROW_IDS = {
    "pelican": "pelican",
    "nohistory": "dateline, no history",
    "first": "dateline, history (first build)",
    "history": "dateline, history",
    "hugo": "hugo (full build)",
    "incremental": "incremental",
    "pelican-incremental": "pelican incremental",
    "pelican-floor": "pelican floor: one page written",
    "livereload": "livereload: save → served",
}
(
    PELICAN,
    NO_HISTORY,
    FIRST,
    HISTORY,
    HUGO,
    INCREMENTAL,
    PELICAN_INCREMENTAL,
    PELICAN_FLOOR,
    LIVERELOAD,
) = ROW_IDS.values()
FULL = (PELICAN, NO_HISTORY, HISTORY, HUGO)  # timed in turns, run after run
SCALED = (PELICAN, NO_HISTORY, FIRST, HISTORY, HUGO)  # repeated on twice the articles
VARIANTS = {PELICAN: "pelican", NO_HISTORY: "dateline-nohistory", HISTORY: "dateline"}
NEEDS_HISTORY_CACHE = (HISTORY, INCREMENTAL, LIVERELOAD)
HISTORY_CACHE = "cache-history"  # the history cache the later rows share
POLL = 0.02  # seconds between two requests to the live-reload server
STARTUP_TIMEOUT = 3600.0  # the live-reload loop's first (full) build


@dataclass
class Sample:
    seconds: float
    cpu: float | None = None
    peak_mib: float | None = None
    history_seconds: float | None = None
    done_seconds: float | None = None  # livereload: until the edit's every page is written


@dataclass
class Row:
    name: str
    samples: list[Sample] = field(default_factory=list)
    skipped: str | None = None  # why the row was not measured
    failed: str | None = None  # why its measurement stopped
    files: int | None = None  # files in the output of its last build
    log: str | None = None  # the end of what a failed live-reload loop printed

    def value(self, attribute: str) -> float | None:
        """The median of ``attribute`` over the samples (peak memory: the maximum)."""
        values = [getattr(s, attribute) for s in self.samples if getattr(s, attribute) is not None]
        if not values:
            return None
        return max(values) if attribute == "peak_mib" else statistics.median(values)

    def summary(self) -> dict:
        return {
            "name": self.name,
            "runs": len(self.samples),
            "seconds": self.value("seconds"),
            "seconds_all": [round(s.seconds, 3) for s in self.samples],
            "cpu_seconds": self.value("cpu"),
            "peak_mib": self.value("peak_mib"),
            "history_pass_seconds": self.value("history_seconds"),
            "done_seconds": self.value("done_seconds"),
            "output_files": self.files,
            "skipped": self.skipped,
            "failed": self.failed,
            "log": self.log,
        }


class LiveReloadFailed(Exception):
    """The live-reload loop did not serve what it was asked for in time."""


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
        self.hugo_site = root / "hugo"
        self.edits = 0

    def build(
        self,
        variant: str,
        output: str,
        cache: str | None = None,
        content_cache: bool = False,
        fresh: bool = True,
        clear: bool = False,
        selected: str | None = None,
    ) -> Sample:
        """One build in a fresh process. ``fresh``: no output folder, no Pelican cache;
        ``clear``: no cache at all (history included); ``selected``: Pelican in place,
        writing only that file."""
        target = self.root / output
        cache_path = self.root / (cache or f"cache-{output}")
        if clear:
            shutil.rmtree(cache_path, ignore_errors=True)
        if fresh:
            shutil.rmtree(target, ignore_errors=True)
            for name in ("ArticlesGenerator", "PagesGenerator"):
                (cache_path / name).unlink(missing_ok=True)
            for stale in cache_path.glob("dateline-pages-*"):
                stale.unlink()
        command = self.command(variant, target, cache_path)
        if content_cache:
            command.append("--cache")
        if selected:
            command += ["--selected", selected]
        printed, usage = _run_child(command, self.settings.parent, f"build failed ({variant})")
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

    def copy_build(self, output: str, to: str) -> None:
        """A copy of the build in ``output`` and of its cache, as if built into ``to``."""
        for source, target in ((output, to), (f"cache-{output}", f"cache-{to}")):
            shutil.rmtree(self.root / target, ignore_errors=True)
            shutil.copytree(self.root / source, self.root / target, symlinks=True)

    def make_hugo(self) -> None:
        """The corpus as a Hugo site (once; not timed)."""
        hugo_site.make_site(self.root / "site" / "content", self.hugo_site)

    def build_hugo(self, output: str = "out-hugo") -> Sample:
        """One ``hugo`` build into a fresh folder, through ``hugo_site.py``'s launcher
        (so that the peak memory is Hugo's, not this runner's)."""
        command = [sys.executable, str(HERE / "hugo_site.py"), "build", str(self.hugo_site)]
        command.append(str(self.root / output))
        printed, _ = _run_child(command, self.hugo_site, "hugo build failed")
        result = json.loads(printed.strip().splitlines()[-1])
        return Sample(result["seconds"], result["cpu"], result["peak_mib"])

    def append_entry(self, text: str = "", touch: bool = True) -> str:
        """Append an entry to the next explainer, as ``invoke entry`` would; return its slug.

        ``touch``: move the file's time a second on (Pelican compares modification
        times); the live-reload row leaves it as written, as an editor's save does."""
        story = self.stories[(self.edits * 7919) % len(self.stories)]
        self.edits += 1
        path = self.root / "site" / "content" / story.path
        now = datetime.now(ZONE).replace(second=0, microsecond=0) - timedelta(minutes=1)
        append_entry(path, now, text)
        if touch:
            stamp = path.stat().st_mtime + 1
            os.utime(path, (stamp, stamp))
        return story.slug

    def files(self, output: str) -> int:
        """How many files a build wrote into ``output``."""
        return sum(len(names) for _, _, names in os.walk(self.root / output))

    def commits(self) -> int:
        """The corpus repository's commit count."""
        done = subprocess.run(
            ["git", "rev-list", "--count", "HEAD"],
            cwd=self.root / "site",
            capture_output=True,
            text=True,
            check=True,
        )
        return int(done.stdout)


def _run_child(command: list[str], cwd: Path, failure: str) -> tuple[str, os.struct_rusage]:
    """Run ``command``; its standard output and its own rusage (``wait4``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        printed, problems = out.read().decode(), err.read().decode()
    if process.returncode:
        raise SystemExit(f"{failure}:\n{problems[-3000:]}")
    return printed, usage


Pair = tuple[Project, dict[str, Row]]
Say = Callable[[str], None]


def measure(
    project: Project, options: argparse.Namespace, doubled: Project | None, skipped: dict
) -> tuple[dict[str, Row], dict[str, Row] | None]:
    """All rows; with ``doubled``, its full builds run in turn with the others,
    so that both sizes meet the same load on a shared machine."""
    rows = {name: Row(name, skipped=skipped.get(name)) for name in ROW_IDS.values()}
    scaled = {name: Row(name, skipped=skipped.get(name)) for name in SCALED} if doubled else None
    pairs: list[Pair] = [(project, rows)]
    if doubled and scaled:
        pairs.append((doubled, scaled))
    say = _progress(project.articles)
    if not rows[HUGO].skipped:
        for each, _ in pairs:
            say(f"making the Hugo site ({each.articles} articles, not timed)")
            each.make_hugo()
    first_builds(pairs, options.first_runs, say)
    full_builds(pairs, options.runs, say)
    incremental_builds(project, rows, options.runs, say)
    if not rows[LIVERELOAD].skipped:
        say(f"livereload: {options.runs} edit(s) saved and served")
        live_reload(project, rows[LIVERELOAD], options.runs, options.timeout)
    return rows, scaled


def first_builds(pairs: list[Pair], runs: int, say: Say) -> None:
    """The first builds with history; the first of them fills the shared history
    cache (else, when a later row needs it, an untimed build fills it)."""
    for run in range(runs):
        for each, table in pairs:
            row = table[FIRST]
            if row.skipped:
                continue
            say(f"first build with history ({each.articles} articles), run {run + 1}/{runs}")
            cache = HISTORY_CACHE if run == 0 else f"cache-first-{run}"
            row.samples.append(each.build("dateline", "out-first", cache=cache, clear=True))
            row.files = each.files("out-first")
            if run:
                shutil.rmtree(each.root / cache, ignore_errors=True)
    for each, table in pairs:
        needed = any(name in table and not table[name].skipped for name in NEEDS_HISTORY_CACHE)
        if table[FIRST].skipped and needed:
            say(f"filling the history cache ({each.articles} articles, not timed)")
            each.build("dateline", "out-warm", cache=HISTORY_CACHE, clear=True)


def full_build(project: Project, name: str) -> tuple[Sample, str]:
    """One full build of row ``name``, and the folder it wrote."""
    if name == HUGO:
        return project.build_hugo("out-hugo"), "out-hugo"
    variant = VARIANTS[name]
    output = f"out-{variant}"
    cache = HISTORY_CACHE if variant == "dateline" else None
    return project.build(variant, output, cache=cache), output


def full_builds(pairs: list[Pair], runs: int, say: Say) -> None:
    for run in range(runs):
        say(f"full builds, run {run + 1}/{runs}")
        for name in FULL:
            for each, table in pairs:
                row = table[name]
                if row.skipped:
                    continue
                sample, output = full_build(each, name)
                row.samples.append(sample)
                if run == runs - 1:
                    row.files = each.files(output)


def incremental_builds(project: Project, rows: dict[str, Row], runs: int, say: Say) -> None:
    """One appended entry, rebuilt with the content cache (Dateline and Pelican), and
    Pelican's floor: the same edit, only the article's page written."""
    builds = {
        INCREMENTAL: ("dateline", "out-inc", HISTORY_CACHE),
        PELICAN_INCREMENTAL: ("pelican", "out-pelican-inc", None),
        PELICAN_FLOOR: ("pelican", "out-pelican-floor", None),
    }
    chosen = {name: build for name, build in builds.items() if not rows[name].skipped}
    if not chosen:
        return
    say("incremental builds")
    for name, (variant, output, cache) in chosen.items():
        if name == PELICAN_FLOOR and PELICAN_INCREMENTAL in chosen:
            project.copy_build(chosen[PELICAN_INCREMENTAL][1], output)  # the same build
        else:
            project.build(variant, output, cache=cache, content_cache=True)
    for _ in range(runs):
        slug = project.append_entry()
        for name, (variant, output, cache) in chosen.items():
            selected = f"{slug}/index.html" if name == PELICAN_FLOOR else None
            rows[name].samples.append(
                project.build(
                    variant,
                    output,
                    cache=cache,
                    content_cache=True,
                    fresh=False,
                    selected=selected,
                )
            )
            rows[name].files = project.files(output)


def live_reload(project: Project, row: Row, runs: int, timeout: float) -> None:
    """Run the live-reload loop; time each saved entry until its page is served."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    output = project.root / "out-live"
    shutil.rmtree(output, ignore_errors=True)
    command = [sys.executable, str(HERE / "livereload_once.py"), str(project.settings)]
    command += [str(output), "--port", str(port)]
    command += ["--cache-path", str(project.root / HISTORY_CACHE)]
    printed = project.root / "livereload.log"
    with printed.open("wb") as log:
        server = subprocess.Popen(
            command, cwd=project.settings.parent, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _served(f"{base}/{project.stories[0].slug}/", None, STARTUP_TIMEOUT, server)
            for _ in range(runs):
                row.samples.append(_save_and_serve(project, base, timeout, server, printed))
            row.files = project.files("out-live")
        except LiveReloadFailed as failed:
            row.failed, row.log = str(failed), printed.read_text("utf-8", "replace")[-1500:]
            print(f"livereload row failed: {row.failed}; the loop printed:\n{row.log}", flush=True)
        finally:
            _stop(server)


def _save_and_serve(
    project: Project, base: str, timeout: float, server: subprocess.Popen, printed: Path
) -> Sample:
    """Append an entry with a marker; the time until its page holds the marker.
    Then wait for the edit to be over (the loop prints that it updated or built
    the site), so the next edit starts on a quiet loop."""
    finished = _finished(printed)
    marker = f"lrmark{secrets.token_hex(6)}"
    text = f"A live-reload benchmark edit, {marker}, saved while the site is served."
    slug = project.append_entry(text, touch=False)
    saved = time.perf_counter()
    _served(f"{base}/{slug}/", marker, timeout, server)
    seconds = time.perf_counter() - saved
    deadline = time.perf_counter() + timeout
    while _finished(printed) <= finished:
        _check_alive(server, deadline, "the loop did not say the edit was done")
        time.sleep(POLL)
    return Sample(seconds, done_seconds=time.perf_counter() - saved)


def _finished(printed: Path) -> int:
    """How many builds or in-place edits the loop has said it finished."""
    text = printed.read_text("utf-8", errors="replace")
    return len(re.findall(r"^(?:built|updated) in ", text, re.MULTILINE))


def _served(url: str, marker: str | None, timeout: float, server: subprocess.Popen) -> None:
    """Poll ``url`` until it answers 200 (and its body holds ``marker``)."""
    deadline = time.perf_counter() + timeout
    wanted = marker.encode() if marker else b""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if wanted in response.read():
                    return
        except (urllib.error.URLError, OSError):
            pass
        shown = f"{url} with {marker}" if marker else url
        _check_alive(server, deadline, f"{shown} not served within {timeout:g} s")
        time.sleep(POLL)


def _check_alive(server: subprocess.Popen, deadline: float, late: str) -> None:
    if server.poll() is not None:
        raise LiveReloadFailed(f"the live-reload loop exited ({server.returncode})")
    if time.perf_counter() > deadline:
        raise LiveReloadFailed(late)


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM (the loop stops as on Ctrl-C), then a kill if it does not exit."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def count_instructions(project: Project) -> dict:
    """Instructions executed by each full build, counted by valgrind (callgrind).

    Unlike time on a shared machine, the count does not move from run to run
    (hash seed fixed), so both builds run at once, one per core. Memory stalls
    are not counted: it is the CPU work each build asks for, not its time.
    """
    counts = {}
    started = {}
    for name in (PELICAN, NO_HISTORY):
        variant = VARIANTS[name]
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
    pelican = counts[PELICAN]
    return {
        "instructions": counts,
        "targets": [
            {
                "target": "full build ≤ 1.05 × Pelican (instructions)",
                "value": _ratio(counts[NO_HISTORY], pelican),
                "limit": 1.05,
                "met": counts[NO_HISTORY] <= 1.05 * pelican,
            }
        ],
    }


def _progress(articles: int) -> Say:
    started = time.perf_counter()

    def say(message: str) -> None:
        print(
            f"[{time.perf_counter() - started:6.0f} s] {articles} articles: {message}", flush=True
        )

    return say


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


@dataclass
class Target:
    name: str
    limit: float
    value: float | None = None
    skipped: str | None = None
    failed: str | None = None

    def summary(self) -> dict:
        met = None if self.skipped else self.value is not None and self.value <= self.limit
        return {
            "target": self.name,
            "value": self.value,
            "limit": self.limit,
            "met": met,
            "skipped": self.skipped,
            "failed": self.failed,
        }


def compare(
    name: str, limit: float, row: Row, attribute: str = "seconds", base: Row | None = None
) -> Target:
    """``row``'s ``attribute`` (over ``base``'s, when given) against ``limit``."""
    rows = [row] if base is None else [row, base]
    for each in rows:
        if each.skipped:
            return Target(name, limit, skipped=f"{each.name}: {each.skipped}")
    for each in rows:
        if each.failed:
            return Target(name, limit, failed=f"{each.name}: {each.failed}")
    value = row.value(attribute)
    if base is not None:
        value = _ratio(value, base.value(attribute))
    return Target(name, limit, value=value)


def targets(
    base: dict[str, Row], scaled: dict[str, Row] | None, options: argparse.Namespace
) -> list[Target]:
    """Issue #16's targets (and issue #7's history pass)."""
    pelican, no_history, history, first = (base[n] for n in (PELICAN, NO_HISTORY, HISTORY, FIRST))
    versions = f"{options.articles} × {options.entries + 1} versions"
    found = [
        compare("incremental ≤ 0.5 × Hugo's full build", 0.5, base[INCREMENTAL], base=base[HUGO]),
        compare(
            "reference: Pelican's floor (one page written) ≤ 0.5 × Hugo's full build",
            0.5,
            base[PELICAN_FLOOR],
            base=base[HUGO],
        ),
        compare("livereload: entry served ≤ 1 s after the save", 1.0, base[LIVERELOAD]),
    ]
    for label, row, limit in (
        ("full build, no history", no_history, 1.05),
        ("full build, history, cached", history, 1.2),
        ("first build with history (new clone)", first, 2.0),
    ):
        found.append(compare(f"{label} ≤ {limit:g} × Pelican", limit, row, base=pelican))
        found.append(
            compare(f"{label} ≤ {limit:g} × Pelican (CPU time)", limit, row, "cpu", pelican)
        )
    found += [
        compare("peak memory ≤ 1.2 × Pelican (no history)", 1.2, no_history, "peak_mib", pelican),
        compare("peak memory ≤ 1.2 × Pelican (history)", 1.2, history, "peak_mib", pelican),
        compare(f"history pass ≤ 1 s ({versions}, nothing cached)", 1.0, first, "history_seconds"),
        compare(f"history pass ≤ 1 s ({versions}, cached)", 1.0, history, "history_seconds"),
    ]
    if scaled is None:
        scaling = "2 × the articles ≤ 2.1 × the time (every full-build row)"
        return [*found, Target(scaling, 2.1, skipped="run with --scale")]
    for name in SCALED:
        found.append(
            compare(
                f"2 × the articles ≤ 2.1 × the time ({name})", 2.1, scaled[name], base=base[name]
            )
        )
        found.append(
            compare(
                f"2 × the articles ≤ 2.1 × the CPU time ({name})",
                2.1,
                scaled[name],
                "cpu",
                base[name],
            )
        )
    return found


def report(
    base: dict[str, Row],
    scaled: dict[str, Row] | None,
    options: argparse.Namespace,
    header: dict,
) -> dict:
    rows = {name: row.summary() for name, row in base.items()}
    pelican = rows[PELICAN]
    for name, row in rows.items():
        timed = name != LIVERELOAD  # a latency, not a build: no ratio to a build
        row["x_pelican"] = _ratio(row["seconds"], pelican["seconds"]) if timed else None
        row["x_pelican_cpu"] = _ratio(row["cpu_seconds"], pelican["cpu_seconds"])
        row["x_pelican_memory"] = _ratio(row["peak_mib"], pelican["peak_mib"])
    every = [*base.values(), *(scaled or {}).values()]
    return {
        **header,
        "runs": options.runs,
        "rows": rows,
        "scaled_rows": {name: row.summary() for name, row in scaled.items()} if scaled else None,
        "rows_skipped": {row.name: row.skipped for row in base.values() if row.skipped},
        "rows_failed": {row.name: row.failed for row in every if row.failed},
        "targets": [target.summary() for target in targets(base, scaled, options)],
    }


def _header(options: argparse.Namespace, project: Project, doubled: Project | None) -> dict:
    """What was run, when, where, on what corpus (taken before the builds)."""
    machine = _machine()
    machine["corpus_commits"] = project.commits()
    if doubled:
        machine["scaled_corpus_commits"] = doubled.commits()
    return {
        "command": " ".join(["python", "benchmarks/run.py", *sys.argv[1:]]),
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": machine,
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
        "commit": _commit(),
        "pelican": _version("pelican"),
        "hugo": hugo_site.version(),
    }


def _commit() -> str | None:
    """This repository's commit, with " dirty" when the working tree has changes."""

    def git(*args: str) -> str | None:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    head = git("rev-parse", "HEAD")
    if head is None:
        return None
    return f"{head} dirty" if git("status", "--porcelain") else head


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _cell(value: float | int | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def table(result: dict) -> str:
    machine = result["machine"]
    lines = [
        f"{result['articles']} explainers × {result['entries']} entries, "
        f"medians of {result['runs']} run(s); machine: {machine['cpus']} CPUs, "
        f"{machine['cpu']}, {machine['memory']}; commit {machine['commit']}",
        "",
        "| build | time (s) | × Pelican | CPU (s) | peak memory (MiB) | × Pelican "
        "| history pass (s) | files |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in result["rows"].items():
        if row["skipped"] or row["failed"]:
            why = f"skipped: {row['skipped']}" if row["skipped"] else f"failed: {row['failed']}"
            lines.append(f"| {name} | {why} | | | | | | |")
            continue
        lines.append(
            f"| {name} | {_cell(row['seconds'], '.2f')} | {_cell(row['x_pelican'], '.2f')} "
            f"| {_cell(row['cpu_seconds'], '.2f')} | {_cell(row['peak_mib'], '.0f')} "
            f"| {_cell(row['x_pelican_memory'], '.2f')} "
            f"| {_cell(row['history_pass_seconds'], '.2f')} | {_cell(row['output_files'], 'd')} |"
        )
    live = result["rows"].get(LIVERELOAD, {})
    if live.get("done_seconds") is not None:
        lines += [
            "",
            f"livereload: the entry is served {live['seconds']:.2f} s after the save; the "
            f"edit's every page is written {live['done_seconds']:.2f} s after it (medians).",
        ]
    if result["scaled_rows"]:
        lines += ["", f"Twice the articles ({2 * result['articles']}):", ""]
        lines += [
            "| build | time (s) | CPU (s) | peak memory (MiB) | files |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for name, row in result["scaled_rows"].items():
            if row["skipped"]:
                lines.append(f"| {name} | skipped: {row['skipped']} | | | |")
                continue
            lines.append(
                f"| {name} | {_cell(row['seconds'], '.2f')} | {_cell(row['cpu_seconds'], '.2f')} "
                f"| {_cell(row['peak_mib'], '.0f')} | {_cell(row['output_files'], 'd')} |"
            )
    lines += ["", "| target | measured | limit | met |", "| --- | ---: | ---: | --- |"]
    for target in result["targets"]:
        if target["skipped"]:
            met = f"skipped ({target['skipped']})"
        elif target["failed"]:
            met = f"no (failed: {target['failed']})"
        else:
            met = "yes" if target["met"] else "no"
        shown = _cell(target["value"], ".3f")
        lines.append(f"| {target['target']} | {shown} | {target['limit']:.2f} | {met} |")
    return "\n".join(lines)


def chosen_rows(text: str | None) -> set[str]:
    """The rows ``--rows`` names (ids or names), all rows without it."""
    if not text:
        return set(ROW_IDS.values())
    known = {**ROW_IDS, **{name: name for name in ROW_IDS.values()}}
    chosen = set()
    for part in (part.strip() for part in text.split(",")):
        if part and part not in known:
            raise SystemExit(f"--rows: no row {part!r}; the rows are {', '.join(ROW_IDS)}")
        if part:
            chosen.add(known[part])
    return chosen


def skipped_rows(options: argparse.Namespace) -> dict[str, str]:
    """The rows this run will not measure, and why."""
    chosen = chosen_rows(options.rows)
    skipped = {name: "not in --rows" for name in ROW_IDS.values() if name not in chosen}
    if HUGO in chosen and shutil.which("hugo") is None:
        skipped[HUGO] = hugo_site.MISSING
    if FIRST in chosen and options.first_runs < 1:
        skipped[FIRST] = "--first-runs 0"
    return {name: skipped[name] for name in ROW_IDS.values() if name in skipped}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--entries", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3, help="runs of each build (median)")
    parser.add_argument(
        "--first-runs", type=int, default=1, help="runs of the slow first build with history"
    )
    parser.add_argument("--scale", action="store_true", help="also build twice the articles")
    parser.add_argument(
        "--rows", help=f"only these rows, comma-separated (default: all): {', '.join(ROW_IDS)}"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        help="seconds the livereload row waits for an edit to be served (default 600)",
    )
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
    skipped = skipped_rows(options)
    for name, why in skipped.items():
        print(f"row skipped: {name}: {why}", flush=True)
    folder = options.keep or Path(tempfile.mkdtemp(prefix="dateline-bench-"))
    try:
        project = Project(folder / "n", options.articles, options.entries, options.seed)
        print(
            f"corpus of {options.articles} explainers made in {project.made_in:.1f} s", flush=True
        )
        doubled = None
        if options.scale:
            doubled = Project(folder / "2n", 2 * options.articles, options.entries, options.seed)
        header = _header(options, project, doubled)
        base, scaled = measure(project, options, doubled, skipped)
        result = report(base, scaled, options, header)
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
        result = {**_header(options, project, None), **count_instructions(project)}
    finally:
        if options.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    counts = result["instructions"]
    print("\n| build | instructions (10⁹) | × Pelican |\n| --- | ---: | ---: |")
    for name, count in counts.items():
        print(f"| {name} | {count / 1e9:.2f} | {count / counts[PELICAN]:.3f} |")
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
        print(f"\nwritten to {options.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
