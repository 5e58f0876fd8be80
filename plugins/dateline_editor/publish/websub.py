"""Tell the WebSub hub (``DATELINE_WEBSUB_HUB``) which feeds a publish changed.

Readers' apps subscribe at the hub a feed names (``rel="hub"``), and the hub
fetches the feed again only when told; untold, the subscribers wait for their
next poll. WebSub leaves the telling to each hub; the form they share
(PubSubHubbub 0.4, pubsubhubbub.appspot.com, Superfeedr) is one POST of
``hub.mode=publish&hub.url=FEED`` per feed, ``FEED`` being the feed's own
``rel="self"`` address, the topic subscribers know it by.

"Changed" means: not what the hub last accepted. Each hub has a record, in
``.dateline/websub/`` of the project (beside ``.dateline/published/``), of
the digest of each feed's bytes when the hub answered 2xx for it. Only an
accepted ping updates it, so a feed the hub was not told of (a failing hub,
a deploy that did not go live) is told by the next publish; a ``preview``
build in ``output/`` changes nothing here.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import shlex
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

from ..progress import step
from ..project import Project
from .targets import Target

ATOM = "{http://www.w3.org/2005/Atom}"
TIMEOUT = 10  # seconds a hub has to answer: it only queues a fetch
TOLD = Path(".dateline", "websub")  # in the project: one record per hub


def told_path(project: Project, hub: str) -> Path:
    """Where the record of what ``hub`` accepted is kept."""
    return project.root / TOLD / f"{hashlib.sha256(hub.encode()).hexdigest()[:16]}.json"


def tell_hub(project: Project, target: Target, site: Path, hub: str) -> None:
    """After a deploy of ``site`` to ``target``: tell ``hub`` of the feeds it has not accepted.

    The site is already deployed, so nothing here raises: a failed ``publish``
    would tell the editor the story is not out when it is.
    """
    if not target.goes_live:
        step(
            f"the hub at {hub} is not told: {target.describe()} was not pushed "
            "(DATELINE_DEPLOY_GITHUB_PUSH = False), so its feeds are not live; "
            "the next publish that pushes tells it"
        )
        return
    record = told_path(project, hub)
    accepted = _read_told(project, record)
    feeds = feed_digests(site, hub)
    topics = [topic for topic, digest in feeds.items() if accepted.get(topic) != digest]
    if not topics:
        step(f"no feed that names the hub at {hub} changed since it last accepted them")
        return
    now: dict[str, str] = {}
    try:
        for done, topic in enumerate(topics):
            try:
                _ping(hub, topic)
            except _HubFailed as failed:
                _say_untold(hub, topics[done:], str(failed))
                return
            now[topic] = feeds[topic]
            step(f"told the hub at {hub} that {topic} changed")
    finally:  # even when interrupted: what the hub accepted is not told twice
        if now:
            _write_told(project, record, hub, {**accepted, **now})


def feed_digests(site: Path, hub: str) -> dict[str, str]:
    """The self address of each Atom feed in ``site`` that names ``hub``, with the
    sha256 of its bytes.
    """
    feeds: dict[str, str] = {}
    for path in sorted(site.rglob("*.xml")):
        data = path.read_bytes()
        topic = _topic(data, hub)
        if topic is not None:
            feeds.setdefault(topic, hashlib.sha256(data).hexdigest())
    return feeds


def _topic(data: bytes, hub: str) -> str | None:
    """The feed's ``rel="self"`` address, if ``data`` is an Atom feed naming ``hub``.

    A feed without a self link has no address to subscribe to: not a topic.
    """
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    if root.tag != f"{ATOM}feed":
        return None
    links = {(link.get("rel"), link.get("href")) for link in root.findall(f"{ATOM}link")}
    if ("hub", hub) not in links:
        return None
    return next((href for rel, href in links if rel == "self" and href), None)


def _read_told(project: Project, record: Path) -> dict[str, str]:
    """What the hub accepted, by topic; nothing when there is no readable record."""
    try:
        kept = json.loads(record.read_text("utf-8"))
    except FileNotFoundError:
        return {}  # this hub was never told from this project
    except (OSError, ValueError):
        kept = None
    feeds = kept.get("feeds") if isinstance(kept, dict) else None
    if not isinstance(feeds, dict) or not all(isinstance(v, str) for v in feeds.values()):
        step(
            f"{project.display(record)} is not a record of what the hub accepted: every feed counts"
        )
        return {}
    return feeds


def _write_told(project: Project, record: Path, hub: str, feeds: dict[str, str]) -> None:
    """Keep what the hub accepted; a failure is said, as the hub was told all the same."""
    text = json.dumps({"hub": hub, "feeds": dict(sorted(feeds.items()))}, indent=2) + "\n"
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        partial = record.with_suffix(".partial")
        partial.write_text(text, "utf-8")
        partial.replace(record)
    except OSError as error:
        print(
            f"the hub at {hub} was told, but {project.display(record)} could not be written "
            f"({error.strerror or error}): the next publish tells it again",
            file=sys.stderr,
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST becomes a GET in urllib; a hub that moved is a failure to say."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class _HubFailed(Exception):
    """Why the hub was not told."""


def _ping(hub: str, topic: str) -> None:
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": topic}).encode("ascii")
    request = urllib.request.Request(
        hub,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with _opener.open(request, timeout=TIMEOUT):
            pass  # urllib raises HTTPError for every answer but 2xx
    except urllib.error.HTTPError as error:
        raise _HubFailed(f"it answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise _HubFailed(f"it could not be reached ({error.reason})") from None
    except TimeoutError:
        raise _HubFailed(f"it did not answer within {TIMEOUT} s") from None
    except (OSError, http.client.HTTPException) as error:
        raise _HubFailed(f"the connection failed ({str(error) or type(error).__name__})") from None


def _say_untold(hub: str, topics: list[str], reason: str) -> None:
    """The deploy stands: say so first, then that publish retries, and how to tell it by hand."""
    print(
        f"deployed; the hub at {hub} was not told of {len(topics)} feed(s): {reason}; "
        "the next publish tells it again, or tell it now with:",
        file=sys.stderr,
    )
    for topic in topics:
        command = ["curl", "--fail", "--data", "hub.mode=publish"]
        command += ["--data-urlencode", f"hub.url={topic}", hub]
        print(f"  {shlex.join(command)}", file=sys.stderr)
