"""What ``invoke migrate`` prints and writes: a diff (or the files), and what needs a person.

The diff goes to standard output, so ``invoke migrate > notes.diff`` keeps
it; every note that was not converted is a ``file:line: message`` on
standard error, and makes the exit status 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pelican.plugins.dateline.problems import Problem

from ..errors import ToolError
from ..progress import step
from ..project import MARKDOWN_SUFFIXES, Project
from .notes import FileMigration, diff, migrate_file, write


def run_migrate(project: Project, paths: list[Path], apply: bool, order: str | None) -> None:
    """Migrate ``paths`` (default all content); raise ToolError if a note needs a person."""
    files = project.content_files(paths, MARKDOWN_SUFFIXES)
    step(f"looking for legacy notes in {len(files)} file(s)")
    migrations: list[FileMigration] = [migrate_file(project, path, order) for path in files]
    converted = sum(len(migration.converted) for migration in migrations)
    changed = [migration for migration in migrations if migration.converted]
    for migration in changed:
        if apply:
            write(migration)
            step(f"{project.display(migration.path)}: {len(migration.converted)} note(s) converted")
        else:
            sys.stdout.write(diff(project, migration))
    reported = [
        Problem(project.display(migration.path), note.start + 1, note.problem or "")
        for migration in migrations
        for note in migration.reported
    ]
    done = "converted" if apply else "to convert (rerun with --write to apply)"
    summary = f"migrate: {converted} note(s) {done} in {len(changed)} file(s)"
    if reported:
        raise ToolError(f"{summary}; {len(reported)} need a person", reported)
    step(summary)
