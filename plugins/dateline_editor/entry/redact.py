"""``dateline redact``: take words off the public record, with an entry that says so.

A dry run by default: it lists where the words stand (the story's lines,
each committed version that holds them, each file of the last build), so an
editor under time pressure sees what will change before anything does.
``--write`` appends the redaction entry with ``dateline entry``'s safeguards
(checked first, atomic, read back). The words stay in the newsroom's git
repository: docs/writing.md says how to purge them from it.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from pelican.plugins.dateline.entries import redaction
from pelican.plugins.dateline.entries.redaction import (
    REASONS,
    Removal,
    is_field_line,
    pattern,
    takes_out,
    without_fields,
)

from ..errors import ToolError
from ..project import Project
from .writer import Appended, EntryRequest, append_entry

_READABLE = {".html", ".htm", ".xml", ".json", ".link", ".txt", ".css", ".js", "", ".md"}


@dataclass(frozen=True)
class Redaction:
    """What the editor asked to remove, and why."""

    words: str
    reason: str
    note: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Reach:
    """Where the words stand now."""

    lines: list[int]  # of the story's source
    versions: list[str]  # "SHORT DATE" of each committed version holding them
    outputs: list[str]  # files of the last build holding them


def redact(
    project: Project, path: Path, asked: Redaction, write: bool
) -> tuple[Reach, Appended | None]:
    """Find where ``asked.words`` stand; with ``write``, append the redaction."""
    words = " ".join(asked.words.split())
    if len(words) < 2:
        raise ToolError('give the exact words to remove: --text "…"')
    if asked.reason not in REASONS:
        raise ToolError(f"give the reason: --reason {' | '.join(REASONS)}")
    if not path.is_file():
        raise ToolError(f"{project.display(path)}: no such article")
    if path.suffix == ".rst":
        raise ToolError(
            f"{project.display(path)}: redactions are read in Markdown stories only, for now"
        )
    reach = Reach(
        lines=_lines(path, words),
        versions=_versions(project, path, words),
        outputs=_outputs(Path(project.settings["OUTPUT_PATH"]), words),
    )
    if not reach.lines and not reach.versions:
        raise ToolError(
            f"{project.display(path)}: the words are nowhere in this story or in any committed "
            "version of it; copy them exactly as they were published; nothing was written"
        )
    if not write:
        return reach, None
    body = [f"Reason: {asked.reason}", f'Removed: "{words}"']
    if asked.note:
        body.append(asked.note)
    request = EntryRequest("redaction", "\n".join(body), asked.title)
    return reach, append_entry(project, path.resolve(), request)


def _lines(path: Path, words: str) -> list[int]:
    """The lines of the story's source the redaction cuts the words from."""
    lines = path.read_text("utf-8-sig").split("\n")
    text = "\n".join("" if is_field_line(line) else line for line in lines)
    cut = redaction.redact(text, [Removal("", 0, "", (words,), "\0")]).split("\n")
    return [number for number, line in enumerate(cut, 1) if "\0" in line]


def _versions(project: Project, path: Path, words: str) -> list[str]:
    """Each committed version of ``path`` (across renames) that holds the words: one
    ``git log`` and one ``git cat-file --batch``, whatever the number of versions."""
    where = str(path.resolve().relative_to(project.root.resolve()))
    log = _git(project, "log", "--follow", "--format=%x00%H %h %cs", "--name-only", "--", where)
    if log is None:
        return []
    commits = []  # (sha, short, day, the file's path in that commit)
    for record in log.split("\0")[1:]:
        lines = [line for line in record.splitlines() if line.strip()]
        if len(lines) >= 2:
            sha, short, day = lines[0].split(" ")
            commits.append((sha, short, day, lines[-1]))
    if not commits:
        return []
    batch = "".join(f"{sha}:{name}\n" for sha, _, _, name in commits)
    done = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=project.root, input=batch.encode(), capture_output=True
    )
    found, data, at = [], done.stdout, 0
    for _, short, day, _ in commits:
        head_end = data.index(b"\n", at)
        head = data[at:head_end].split()
        at = head_end + 1
        if len(head) < 3 or head[1] != b"blob":
            continue
        size = int(head[2])
        text = data[at : at + size].decode("utf-8", "replace")
        at += size + 1
        if takes_out(without_fields(text), words):
            found.append(f"{short} {day}")
    return found


def _outputs(output: Path, words: str) -> list[str]:
    """Files of the last build that hold the words, in any spelling HTML gives them."""
    found = []
    for file in sorted(output.rglob("*")) if output.is_dir() else []:
        readable = file.is_file() and file.suffix in _READABLE
        if readable and pattern(words).search(file.read_text("utf-8", "replace")):
            found.append(str(file.relative_to(output)))
    return found


def _git(project: Project, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=project.root, capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return done.stdout if done.returncode == 0 else None
