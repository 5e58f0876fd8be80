"""``invoke publish``: build with publishconf.py, check, deploy the finished build.

The build goes into a private folder, never into a folder a server or
another build is using. It is checked with every ``check`` source (the
build's own refusals, links and anchors, and whatever rules are registered
later); only a build with no problem is deployed, whole, and then put in
place as ``output/`` so what was deployed can be looked at. Then the WebSub
hub, if one is set, is told of the feeds it has not accepted yet (``websub``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..check.run import CheckRun, run_check
from ..errors import ToolError
from ..progress import step
from ..project import Project
from . import record, websub
from .targets import Target, deploy


def publish(project: Project, target: Target, output: Path) -> str:
    """Build, check and deploy; return the deploy summary. Raises ToolError on refusal."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{output.name}-publish-", dir=output.parent))
    try:
        site_dir = scratch / "site"
        step(f"building with {project.display(project.settings_file)}")
        with CheckRun(project, build_into=site_dir) as run:
            problems = run_check(run)
            if problems:
                raise ToolError(
                    f"publish refused: {len(problems)} problem(s); nothing was deployed",
                    problems,
                )
            site = run.site()
            assert site is not None  # no problems means the build succeeded
            sources = _stories(run)
        step(f"comparing with the record of what is published at {target.describe()}")
        _check_record(project, target, site, sources)
        step(f"deploying to {target.describe()}")
        summary = deploy(target, site, project)
        record.keep(project, target, site)
        _put_in_place(site, output)
        hub = project.setting("DATELINE_WEBSUB_HUB")
        if hub:
            websub.tell_hub(project, target, output, hub)
        return summary
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _stories(run: CheckRun) -> dict[str, str]:
    """Each story's address (as the record names it), and the file that writes it."""
    found = {}
    for page, source in run.sources_of_pages.items():
        url = page[: -len("index.html")] if page.endswith("/index.html") else page
        found.setdefault(url, run.project.display(source))
    return found


def _check_record(project: Project, target: Target, site: Path, sources: dict[str, str]) -> None:
    """Refuse when an entry that is published would vanish or change (``record``)."""
    published = record.published_record(project, target)
    if published is None:
        return  # the first publish to this target
    old, where = published
    new = record.load((site / record.RECORD_PATH).read_text("utf-8"), "the new build")
    problems = record.changed_entries(old, new, where, sources)
    if problems:
        raise ToolError(
            f"publish refused: {len(problems)} published entr{'y' if len(problems) == 1 else 'ies'}"
            " would change or vanish; nothing was deployed",
            problems,
        )


def _put_in_place(site: Path, output: Path) -> None:
    """Replace ``output`` with the deployed build, by renames (as builds do)."""
    retired = None
    if output.exists():
        retired = output.with_name(f".{output.name}-retired-{os.getpid()}")
        os.rename(output, retired)
    os.rename(site, output)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
