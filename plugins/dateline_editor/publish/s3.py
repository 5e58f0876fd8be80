"""Deploy to an S3-compatible bucket: upload what changed, then delete what is stale.

Objects are compared by MD5 with their ETag (what S3 returns for a single
PUT), so an unchanged page is not sent again. Order matters to readers
mid-deploy: assets first, then pages, then feeds and the sitemap that point
at them, and stale objects are removed last.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..errors import ToolError
from ..progress import track
from .content_types import content_type


def _order(key: str) -> int:
    if key.endswith((".html", ".htm")):
        return 1
    if key.endswith(".xml"):
        return 2
    return 0


def deploy_s3(
    site: Path,
    bucket: str,
    prefix: str = "",
    endpoint_url: str | None = None,
    region: str | None = None,
) -> str:
    """Make ``s3://bucket/prefix`` hold exactly ``site``; return a summary."""
    try:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        raise ToolError("boto3 is not installed; run make build (requirements.txt)") from None
    prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
    client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None)
    local = {
        prefix + path.relative_to(site).as_posix(): path
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }
    try:
        remote = _listing(client, bucket, prefix)
        changed = sorted(
            (key for key, path in local.items() if remote.get(key) != _md5(path)),
            key=lambda key: (_order(key), key),
        )
        for key in track(changed, f"uploading to s3://{bucket}/{prefix}"):
            path = local[key]
            client.put_object(
                Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=content_type(path)
            )
        stale = sorted(set(remote) - set(local))
        for start in range(0, len(stale), 1000):
            batch = [{"Key": key} for key in stale[start : start + 1000]]
            client.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
    except ClientError as error:
        raise ToolError(f"S3 refused: {error}") from None
    except BotoCoreError as error:
        raise ToolError(f"cannot reach S3: {error}") from None
    return (
        f"S3: {len(changed)} uploaded, {len(local) - len(changed)} unchanged, "
        f"{len(stale)} deleted in s3://{bucket}/{prefix}"
    )


def _listing(client: Any, bucket: str, prefix: str) -> dict[str, str]:
    """Every key under ``prefix`` and its ETag (quotes removed)."""
    found: dict[str, str] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            found[item["Key"]] = item["ETag"].strip('"')
    return found


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
