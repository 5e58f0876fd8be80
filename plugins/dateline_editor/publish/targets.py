"""Where ``invoke publish`` sends the site: the DATELINE_DEPLOY_* settings.

The target is set once in ``publishconf.py``; a task option overrides a
setting for one run. Credentials never go here: rsync and git use your SSH
setup, S3 uses the usual AWS variables or profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican.plugins.dateline.settings import DEFAULTS

from ..errors import ToolError
from ..project import Project

TARGETS = ("rsync", "github-pages", "s3")

# The DATELINE_DEPLOY_* settings, with their defaults (the plugin's registry).
DEPLOY_DEFAULTS = {
    name: value for name, value in DEFAULTS.items() if name.startswith("DATELINE_DEPLOY_")
}


@dataclass(frozen=True)
class Target:
    """A resolved deploy target: its kind and every DATELINE_DEPLOY_* value."""

    kind: str
    values: Mapping[str, Any]

    def get(self, name: str) -> Any:
        return self.values[f"DATELINE_DEPLOY_{name}"]

    @property
    def goes_live(self) -> bool:
        """Whether a deploy puts the site where readers (and hubs) fetch it: every
        target does, but GitHub Pages with DATELINE_DEPLOY_GITHUB_PUSH off, which
        only commits the branch in the local repository."""
        return not (self.kind == "github-pages" and not self.get("GITHUB_PUSH"))

    def describe(self) -> str:
        if self.kind == "rsync":
            return f"rsync to {self.get('RSYNC_DEST')}"
        if self.kind == "github-pages":
            push = f", pushed to {self.get('GITHUB_REMOTE')}" if self.get("GITHUB_PUSH") else ""
            return f"GitHub Pages branch {self.get('GITHUB_BRANCH')}{push}"
        prefix = self.get("S3_PREFIX").strip("/")
        return f"s3://{self.get('S3_BUCKET')}/{prefix}" + (
            f" at {self.get('S3_ENDPOINT_URL')}" if self.get("S3_ENDPOINT_URL") else ""
        )


def resolve_target(project: Project, overrides: Mapping[str, Any]) -> Target:
    """The target from the settings, with ``overrides`` (non-None task options) on top."""
    values = {
        name: project.settings.get(name, default) for name, default in DEPLOY_DEFAULTS.items()
    }
    values.update({name: value for name, value in overrides.items() if value is not None})
    unknown = set(values) - set(DEPLOY_DEFAULTS)
    assert not unknown, unknown
    kind = values["DATELINE_DEPLOY_TARGET"]
    if not kind:
        raise ToolError(
            "no deploy target: set DATELINE_DEPLOY_TARGET in publishconf.py "
            f"({', '.join(TARGETS)}), or give --target"
        )
    if kind not in TARGETS:
        raise ToolError(f"unknown deploy target {kind!r}; use one of: {', '.join(TARGETS)}")
    needed = {"rsync": ["RSYNC_DEST"], "s3": ["S3_BUCKET"], "github-pages": ["GITHUB_BRANCH"]}
    for name in needed[kind]:
        if not values[f"DATELINE_DEPLOY_{name}"]:
            raise ToolError(
                f"the {kind} target needs DATELINE_DEPLOY_{name} in publishconf.py "
                f"(or --{_option(name)})"
            )
    if kind == "rsync":
        from .rsync import check_rsync

        check_rsync(values["DATELINE_DEPLOY_RSYNC_DEST"], project.root)
    return Target(kind, values)


def _option(name: str) -> str:
    return {"RSYNC_DEST": "dest", "S3_BUCKET": "bucket", "GITHUB_BRANCH": "branch"}[name]


def deploy(target: Target, site: Path, project: Project) -> str:
    """Send the finished ``site`` folder to ``target``; return a one-line summary."""
    if target.kind == "rsync":
        from .rsync import deploy_rsync

        return deploy_rsync(site, target.get("RSYNC_DEST"), project.root, target.get("RSYNC_SSH"))
    if target.kind == "github-pages":
        from .github_pages import deploy_github_pages

        return deploy_github_pages(
            site,
            project.root,
            remote=target.get("GITHUB_REMOTE"),
            branch=target.get("GITHUB_BRANCH"),
            push=bool(target.get("GITHUB_PUSH")),
            cname=target.get("GITHUB_CNAME"),
            message=f"Publish {project.settings.get('SITENAME', 'the site')}",
        )
    from .s3 import deploy_s3

    return deploy_s3(
        site,
        bucket=target.get("S3_BUCKET"),
        prefix=target.get("S3_PREFIX") or "",
        endpoint_url=target.get("S3_ENDPOINT_URL"),
        region=target.get("S3_REGION"),
    )
