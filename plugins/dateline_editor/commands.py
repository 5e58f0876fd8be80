"""The editor's commands, once: what ``dateline`` (``cli``) and ``tasks.py`` both run.

Each takes plain values, prints its results (stdout for results, stderr for
progress), and raises ``ToolError`` when it refuses; ``report`` turns that
into the problem lines, a summary and an exit status, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from .build import BuildFailed, build_site
from .errors import ToolError
from .project import Project, working_directory


@contextlib.contextmanager
def report() -> Iterator[list[int]]:
    """Yield a one-item list holding the exit status; a ToolError sets it and is told.

    The problems go to stderr as the build prints them, then the summary
    (a refused build has none: it prints exactly its problems, as ``pelican``).
    """
    status = [0]
    try:
        yield status
    except ToolError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        if error.summary:
            print(error.summary, file=sys.stderr)
        status[0] = error.code


def build(project: Project, output: Path | None = None) -> None:
    """All-or-nothing build into ``output`` (default: the settings' OUTPUT_PATH)."""
    target = output or Path(project.settings["OUTPUT_PATH"])
    try:
        with working_directory(project.root):
            build_site(project.settings_file, target)
    except BuildFailed as failed:  # the output folder was left as it was
        raise ToolError("", failed.problems) from None


def new(project: Project, title: str, **fields: str) -> None:
    """Start an explainer with a complete header."""
    from .new import NewArticle, create_article

    path = create_article(project, NewArticle(title, **fields))
    print(f"created {project.display(path)}")


def entry(
    project: Project,
    path: Path,
    kind: str | None,
    title: str | None = None,
    text: str | None = None,
    file: str | None = None,
    at: str | None = None,
    stdin: TextIO = sys.stdin,
) -> None:
    """Append a dated entry, stamped now (or ``at``) with its UTC offset."""
    from .entry.text import entry_text
    from .entry.writer import EntryRequest, append_entry

    if not kind:
        raise ToolError("give the kind of entry: --kind update (or correction, note …)")
    body = entry_text(text, file, stdin)
    done = append_entry(project, path.resolve(), EntryRequest(kind, body, title, at))
    print(f"{project.display(done.path)}:{done.line}: added {done.anchor} ({done.display})")
    print(f"  {done.header}")


def redact(
    project: Project,
    path: Path,
    text: str | None,
    reason: str | None,
    note: str | None = None,
    title: str | None = None,
    write: bool = False,
) -> None:
    """Take words off the record: say where they stand; with ``write``, append the redaction."""
    from .entry.redact import Redaction
    from .entry.redact import redact as find_and_redact

    reach, done = find_and_redact(
        project, path, Redaction(text or "", (reason or "").lower(), note, title), write
    )
    print(f"the words stand in {project.display(path)}", end="")
    print(f" at line(s) {', '.join(map(str, reach.lines))}" if reach.lines else " in no line now")
    for version in reach.versions:
        print(f"  committed version {version}: its page, its diff and the history JSON change")
    for output in reach.outputs:
        print(f"  {output} (last build) will no longer hold them")
    if done is None:
        print("nothing was written (a dry run); run again with --write to append the redaction")
        return
    print(f"{project.display(done.path)}:{done.line}: added {done.anchor} ({done.display})")
    print(
        "  commit it, build and publish; the words stay in git: see docs/writing.md to purge them"
    )


def check(project: Project, paths: list[Path], as_json: bool = False) -> None:
    """Every problem: refusals, broken links and anchors; refuses if there is any."""
    from .check.run import CheckRun, run_check
    from .progress import step

    step(f"building with {project.display(project.settings_file)} into a temporary folder")
    with CheckRun(project) as run:
        problems = run_check(run, paths)
    if as_json:
        print(json.dumps([problem.as_dict() for problem in problems], indent=2))
    else:
        for problem in problems:
            print(problem)
    if problems:
        raise ToolError(f"check: {len(problems)} problem(s)")
    print("check: no problems", file=sys.stderr)


def migrate(project: Project, paths: list[Path], write: bool, date_order: str | None) -> None:
    """Turn legacy notes into entries (a diff, or the files with ``write``)."""
    from .migrate.task import run_migrate

    if date_order not in (None, "mdy", "dmy"):
        raise ToolError(f"--date-order must be mdy or dmy, not {date_order!r}")
    run_migrate(project, paths, write, date_order)


def publish(project: Project, output: Path | None, options: Mapping[str, Any]) -> None:
    """Build, refuse on any problem, deploy; ``options`` override DATELINE_DEPLOY_*."""
    from .publish.run import publish as publish_site
    from .publish.targets import resolve_target

    target = resolve_target(project, options)
    print(publish_site(project, target, output or Path(project.settings["OUTPUT_PATH"])))


def deploy_options(
    target: str | None = None,
    dest: str | None = None,
    bucket: str | None = None,
    prefix: str | None = None,
    endpoint_url: str | None = None,
    region: str | None = None,
    remote: str | None = None,
    branch: str | None = None,
    no_push: bool = False,
) -> dict[str, Any]:
    """The publish options, as the DATELINE_DEPLOY_* settings they override (None: not given)."""
    return {
        "DATELINE_DEPLOY_TARGET": target,
        "DATELINE_DEPLOY_RSYNC_DEST": dest,
        "DATELINE_DEPLOY_S3_BUCKET": bucket,
        "DATELINE_DEPLOY_S3_PREFIX": prefix,
        "DATELINE_DEPLOY_S3_ENDPOINT_URL": endpoint_url,
        "DATELINE_DEPLOY_S3_REGION": region,
        "DATELINE_DEPLOY_GITHUB_REMOTE": remote,
        "DATELINE_DEPLOY_GITHUB_BRANCH": branch,
        "DATELINE_DEPLOY_GITHUB_PUSH": False if no_push else None,
    }


def livereload(project: Project, output: Path | None, host: str, port: int) -> None:
    """Build, serve and rebuild on every change until interrupted."""
    from .serve.livereload import LiveReload

    with contextlib.suppress(KeyboardInterrupt):
        target = output or Path(project.settings["OUTPUT_PATH"])
        LiveReload(project, target).run(host, port)
