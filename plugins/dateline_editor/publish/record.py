"""The public record across deploys: what was published stays published.

Every build carries a record of its entries (``dateline/record.json``: each
story's entries with anchor, kind, time and a digest of the text). Before a
deploy, the record at the target (or, where the target has none, the copy
kept from the last publish to that target, in ``.dateline/published/`` of
the project, where no setting moves it) is compared with the new build's: an entry that
was published must still be there, word for word, unless the new build has
a due entry whose first line says ``Amends:`` or ``Retracts:`` it. This holds
when git's history does not: after ``commit --amend``, a rebase, a
force-push, or from a fresh clone that never saw the old commits.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from pelican.plugins.dateline.entries.redaction import KIND as REDACTION
from pelican.plugins.dateline.outputs.record import RECORD_PATH
from pelican.plugins.dateline.problems import Problem

from ..errors import ToolError
from ..project import Project
from .targets import Target

KEPT = Path(".dateline", "published")  # in the project: one record per target


def kept_path(project: Project, target: Target) -> Path:
    """Where the record of the last publish to ``target`` is kept."""
    described = target.describe()
    name = re.sub(r"[^A-Za-z0-9]+", "-", described).strip("-")[:60]
    digest = hashlib.sha256(described.encode()).hexdigest()[:12]
    return project.root / KEPT / f"{name}-{digest}.json"


def load(text: str, where: str) -> dict[str, Any]:
    try:
        record = json.loads(text)
    except ValueError:
        raise ToolError(f"the record at {where} is not JSON; nothing was deployed") from None
    if not isinstance(record, dict) or not isinstance(record.get("stories"), dict):
        raise ToolError(f"the record at {where} is not a Dateline record; nothing was deployed")
    return record


def published_record(project: Project, target: Target) -> tuple[dict[str, Any], str] | None:
    """The record of what is published: at the target, else the copy of the last publish."""
    text = _at_target(project, target, RECORD_PATH)
    where = target.describe()
    if text is None:
        kept = kept_path(project, target)
        if not kept.is_file():
            return None
        text, where = kept.read_text("utf-8"), f"{project.display(kept)} (the last publish)"
    return load(text, where), where


def keep(project: Project, target: Target, site: Path) -> None:
    """After a deploy: a copy of what is now published, for when the target loses it."""
    kept = kept_path(project, target)
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(".partial")
    partial.write_bytes((site / RECORD_PATH).read_bytes())
    partial.replace(kept)


def changed_entries(
    old: dict[str, Any], new: dict[str, Any], where: str, sources: dict[str, str]
) -> list[Problem]:
    """Published entries the new build dropped or changed without an entry saying so.

    ``sources`` maps a story's address to the file that writes it, to name it.
    """
    problems = []
    for url, story in sorted(old["stories"].items()):
        now = {entry["anchor"]: entry for entry in new["stories"].get(url, {}).get("entries", [])}
        declared = {  # by a due entry (the only ones in a record), not by the entry itself
            entry["declares"][1]: entry["declares"][0]
            for entry in now.values()
            if entry.get("declares") and entry["declares"][1] != entry["anchor"]
        }
        # A redaction published for the first time changes the digests of the entries
        # whose words it takes out; strict history (publishconf.py) has checked that
        # it changed nothing else.
        published = {entry["anchor"] for entry in story.get("entries", [])}
        redacted = any(
            entry["kind"] == REDACTION and anchor not in published for anchor, entry in now.items()
        )
        file = sources.get(url, "")
        for entry in story.get("entries", []):
            anchor = entry["anchor"]
            kept = now.get(anchor)
            if kept is None and declared.get(anchor) != "retracts":
                why = (
                    "is not in this build"
                    if url in new["stories"] or file
                    else f"is not in this build, nor is its story ({url})"
                )
                problems.append(
                    Problem(
                        file,
                        0,
                        f"entry {anchor} of /{url} was published ({where} has it) and {why}; "
                        f"restore it (to withdraw it, append an entry whose first line is "
                        f"'Retracts: {anchor}')",
                    )
                )
            elif (
                kept is not None
                and kept["digest"] != entry["digest"]
                and anchor not in declared
                and not redacted
            ):
                problems.append(
                    Problem(
                        file,
                        0,
                        f"entry {anchor} of /{url} was published ({where} has it) and its text "
                        f"has changed since; restore it and append a new entry (to amend it, "
                        f"append an entry whose first line is 'Amends: {anchor}')",
                    )
                )
    return problems


def _at_target(project: Project, target: Target, path: str) -> str | None:
    """The record file at the target, or None when the target has none."""
    if target.kind == "rsync":
        return _by_rsync(target.get("RSYNC_DEST"), target.get("RSYNC_SSH"), path)
    if target.kind == "github-pages":
        return _on_branch(
            project.root, target.get("GITHUB_REMOTE"), target.get("GITHUB_BRANCH"), path
        )
    return _in_bucket(target, path)


def _by_rsync(dest: str, ssh: str | None, path: str) -> str | None:
    with tempfile.TemporaryDirectory(prefix="dateline-record-") as folder:
        copy = Path(folder) / "record.json"
        command = [
            "rsync",
            *(["--rsh", ssh] if ssh else []),
            dest.rstrip("/") + "/" + path,
            str(copy),
        ]
        done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if done.returncode == 0:
            return copy.read_text("utf-8")
        if "No such file or directory" in done.stderr:
            return None
        raise ToolError(
            f"cannot read the record of what is published at {dest} (rsync: "
            f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}); "
            "nothing was deployed"
        )


def _on_branch(repo: Path, remote: str, branch: str, path: str) -> str | None:
    with contextlib.suppress(OSError):
        subprocess.run(
            [
                "git",
                "fetch",
                "--quiet",
                remote,
                f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}",
            ],
            cwd=repo,
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
    for ref in (f"refs/remotes/{remote}/{branch}", f"refs/heads/{branch}"):
        shown = subprocess.run(
            ["git", "show", f"{ref}:{path}"],
            cwd=repo,
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
        if shown.returncode == 0:
            return shown.stdout.decode("utf-8")
    return None


def _in_bucket(target: Target, path: str) -> str | None:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    prefix = target.get("S3_PREFIX").strip("/")
    key = f"{prefix}/{path}" if prefix else path
    client = boto3.client(
        "s3",
        endpoint_url=target.get("S3_ENDPOINT_URL") or None,
        region_name=target.get("S3_REGION") or None,
    )
    try:
        return client.get_object(Bucket=target.get("S3_BUCKET"), Key=key)["Body"].read().decode()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise ToolError(f"cannot read the record of what is published: {error}") from None
    except BotoCoreError as error:
        raise ToolError(f"cannot reach S3 to read the published record: {error}") from None
