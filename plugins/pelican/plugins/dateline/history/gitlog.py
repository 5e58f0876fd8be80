"""Read the content folder's git history in one pass.

A few git processes per build, whatever the size of the site: ``rev-parse``
(where, which HEAD, shallow?), one ``log`` over the content folder, one
``ls-tree`` of HEAD, and one ``cat-file --batch`` that streams the text of
the versions needed (none that the ``store`` already knows from an earlier
build); ``hash-object`` only for files whose bytes differ from HEAD's.
Never one process per file: that costs 0.1–0.3 s a file.

The log is every commit of HEAD's ancestry that touched a file, in
topological order (``--full-history -m``: no merge hides the branch it
came from; dates never decide what came first), each file followed through
renames. What is "current" is HEAD's blob, or the bytes in the working tree
when they differ from it, whatever ``git status`` says (a file marked
``--skip-worktree``, ignored, or a symbolic link out of the repository).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_RECORD, _FIELD = "\x1e", "\x1f"


class HistoryUnavailable(Exception):
    """Why there is no history to show: said once, in one line of the build log."""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    time: datetime  # committer time, aware (UTC); shown in the site's zone
    order: int  # its place in the topological order of HEAD's ancestry

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True, slots=True)
class FileVersion:
    """One committed state of one file: which commit, which blob, under what path."""

    commit: Commit
    blob: str
    path: str  # relative to the repository root, as it was then


@dataclass(slots=True)
class RepoHistory:
    """Every file's committed versions, oldest first (topological order).

    ``files`` follows each file present at HEAD back through its renames;
    ``ended`` holds the lineages a deletion cut (a file removed, perhaps
    added again later under its old or another name). ``head`` maps each
    path at HEAD to its blob.
    """

    root: Path
    head: str
    shallow: bool
    files: dict[str, list[FileVersion]] = field(default_factory=dict)
    ended: list[list[FileVersion]] = field(default_factory=list)
    blobs: dict[str, str] = field(default_factory=dict)  # path at HEAD -> blob

    def versions(self, path: Path) -> list[FileVersion]:
        return self.files.get(self.relative(path), [])

    def head_blob(self, path: Path) -> str | None:
        return self.blobs.get(self.relative(path))

    def relative(self, path: Path) -> str:
        return Path(os.path.relpath(Path(os.path.abspath(path)), self.root)).as_posix()


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(
        ["git", "-C", str(root), *args],
        input=stdin,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HistoryUnavailable(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def head_commit(folder: Path) -> str | None:
    """The commit checked out where ``folder`` is (None outside git, or before a commit)."""
    try:
        return _git(folder, "rev-parse", "HEAD").decode().strip()
    except (HistoryUnavailable, OSError):
        return None


def read_history(content: Path, known: tuple[str, str, Any] | None = None) -> RepoHistory:
    """The history of every file under ``content``; raises HistoryUnavailable.

    ``known`` is (HEAD, pathspec, (files, ended, blobs)) from an earlier build:
    while HEAD has not moved (the editor's loop: edit, build, edit…), git's
    log and tree are not read again.
    """
    if shutil.which("git") is None:
        raise HistoryUnavailable("git is not installed")
    content = Path(content).resolve()
    try:
        where = _git(content, "rev-parse", "--show-toplevel", "--is-shallow-repository", "HEAD")
    except HistoryUnavailable as error:
        raise HistoryUnavailable(f"{content} is not in a git repository with commits") from error
    top, shallow, head = where.decode().split()
    root = Path(top).resolve()
    pathspec = os.path.relpath(content, root)
    history = RepoHistory(root=root, head=head, shallow=shallow == "true")
    if known is not None and known[:2] == (head, pathspec) and not history.shallow:
        history.files, history.ended, history.blobs = known[2]
    else:
        history.files, history.ended = _read_log(root, pathspec)
        history.blobs = _read_tree(root, pathspec)
    return history


def cached_part(history: RepoHistory) -> tuple[Any, ...]:
    """What ``read_history`` may take from an earlier build (``known[2]``)."""
    return (history.files, history.ended, history.blobs)


def _read_log(root: Path, pathspec: str) -> dict[str, list[FileVersion]]:
    log = _git(
        root,
        "log",
        "--full-history",
        "-m",
        "--topo-order",
        "--reverse",
        "-M",
        "--raw",
        "--no-abbrev",
        "-z",
        f"--format={_RECORD}%H{_FIELD}%ct",
        "--",
        pathspec,
    )
    return _parse_log(log.decode("utf-8", "surrogateescape"))


def _parse_log(text: str) -> tuple[dict[str, list[FileVersion]], list[list[FileVersion]]]:
    """Follow each file through adds, edits, renames and deletions.

    With ``-m`` a merge is listed once per parent; its change to a file is
    counted once.
    """
    lineages: dict[str, list[FileVersion]] = {}
    ended: list[list[FileVersion]] = []
    commits: dict[str, Commit] = {}
    seen: set[tuple[str, str]] = set()
    for record in text.split(_RECORD)[1:]:
        header, _, changes = record.partition("\0")
        sha, epoch = header.split(_FIELD)
        commit = commits.get(sha)
        if commit is None:
            commit = commits[sha] = Commit(
                sha, datetime.fromtimestamp(int(epoch), UTC), len(commits)
            )
        tokens = iter(changes.lstrip("\n").split("\0"))
        for token in tokens:
            if not token.startswith(":"):
                continue
            _, _, _, blob, status = token[1:].split(" ")
            path = next(tokens)
            if status[0] in "RC":
                old, path = path, next(tokens)
                if (sha, path) in seen:
                    continue
                lineage = lineages.pop(old, []) if status[0] == "R" else []
                lineages[path] = [*lineage, FileVersion(commit, blob, path)]
            elif (sha, path) in seen:
                continue
            elif status == "D":
                gone = lineages.pop(path, None)
                if gone:
                    ended.append(gone)
            else:
                lineages.setdefault(path, []).append(FileVersion(commit, blob, path))
            seen.add((sha, path))
    return lineages, ended


def _read_tree(root: Path, pathspec: str) -> dict[str, str]:
    """Each file's blob at HEAD (``ls-tree``: what is committed, not the index)."""
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", "HEAD", "--", pathspec)
    blobs = {}
    for entry in listing.decode("utf-8", "surrogateescape").split("\0"):
        if entry:
            meta, _, path = entry.partition("\t")
            _, kind, blob = meta.split(" ")
            if kind == "blob":
                blobs[path] = blob
    return blobs


def worktree_blobs(root: Path, paths: list[Path]) -> dict[Path, str]:
    """The blob id git would give each file as it is now (its filters applied).

    One ``hash-object --stdin-paths`` for all of them: only files whose bytes
    differ from HEAD's are asked, to tell a real edit from a line-ending filter.
    """
    if not paths:
        return {}
    listing = "".join(f"{path}\n" for path in paths).encode("utf-8", "surrogateescape")
    out = _git(root, "hash-object", "--stdin-paths", stdin=listing).decode().split()
    return dict(zip(paths, out, strict=True))


def blob_id(data: bytes) -> str:
    """The id git gives a file with these bytes (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class BlobReader:
    """One ``git cat-file --batch`` for a whole build, started on first use.

    ``stream`` reads many blobs in one go (the input is fed from a thread, so
    git decompresses the next blob while Python works on this one, and no
    text is kept longer than its caller keeps it); ``get`` reads one more
    when a page needs it. A blob a shallow clone lacks comes back as None.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._process: subprocess.Popen[bytes] | None = None

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            self._process = subprocess.Popen(
                ["git", "-C", str(self.root), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        return self._process

    def stream(self, blobs: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
        """Each of ``blobs`` with its bytes, in order; consume it to the end."""
        wanted = list(blobs)
        if not wanted:
            return
        process = self._started()
        assert process.stdin is not None

        def feed() -> None:
            with contextlib.suppress(OSError, ValueError):  # git stopped, or closed
                process.stdin.write("".join(f"{sha}\n" for sha in wanted).encode())
                process.stdin.flush()

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        answered = 0
        try:
            for sha in wanted:
                yield sha, self._answer()
                answered += 1
        finally:
            if answered < len(wanted):
                # Left early (the caller raised): git would block on answers no one
                # reads, and the feeder on git. Stop git; the next use starts one.
                process.kill()
                self.close()
            feeder.join()

    def get(self, blob: str) -> bytes | None:
        process = self._started()
        assert process.stdin is not None
        process.stdin.write(f"{blob}\n".encode())
        process.stdin.flush()
        return self._answer()

    def _answer(self) -> bytes | None:
        out = self._started().stdout
        assert out is not None
        header = out.readline()
        if not header:
            raise HistoryUnavailable("git cat-file stopped answering")
        fields = header.split()
        if fields[-1] == b"missing":  # cut off by a shallow clone
            return None
        size = int(fields[2])
        data = out.read(size + 1)  # the object, then a newline
        return data[:size]

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            assert process.stdin is not None
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def decode(data: bytes) -> str:
    """A blob's text, as Pelican would read the file."""
    return data.decode("utf-8-sig", "replace")


def read_blobs(root: Path, blobs: Iterable[str]) -> dict[str, str]:
    """The text of many blobs from one ``git cat-file --batch``."""
    reader = BlobReader(root)
    try:
        return {
            sha: decode(data)
            for sha, data in reader.stream(dict.fromkeys(blobs))
            if data is not None
        }
    finally:
        reader.close()
