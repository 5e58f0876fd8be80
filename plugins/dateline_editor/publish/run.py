"""``invoke publish``: build with publishconf.py, check, deploy the finished build.

The build goes into a private folder, never into a folder a server or
another build is using. It is checked with every ``check`` source (the
build's own refusals, links and anchors, and whatever rules are registered
later); only a build with no problem is deployed, whole, and then put in
place as ``output/`` so what was deployed can be looked at.
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
        step(f"deploying to {target.describe()}")
        summary = deploy(target, site, project)
        _put_in_place(site, output)
        return summary
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _put_in_place(site: Path, output: Path) -> None:
    """Replace ``output`` with the deployed build, by renames (as builds do)."""
    retired = None
    if output.exists():
        retired = output.with_name(f".{output.name}-retired-{os.getpid()}")
        os.rename(output, retired)
    os.rename(site, output)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
