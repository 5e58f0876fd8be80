"""Where the text of a new entry comes from: --text, --file, standard input or $EDITOR.

The order is fixed so scripts and people both get what they expect: an
explicit option wins; text piped in comes next; otherwise the editor's own
editor opens, like ``git commit``.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from ..errors import ToolError


def entry_text(
    text: str | None,
    file: str | None,
    stdin: TextIO,
    environ: Mapping[str, str] = os.environ,
) -> str:
    """The entry's Markdown, from the first source that has some."""
    if text is not None and file is not None:
        raise ToolError("give the entry text with --text or --file, not both")
    if text is not None:
        return text
    if file == "-":
        return stdin.read()
    if file is not None:
        try:
            return Path(file).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ToolError(f"{file}: no such file (--file)") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ToolError(f"{file}: cannot read it as UTF-8 text: {error}") from None
    if not _is_terminal(stdin):
        piped = stdin.read()
        if piped.strip():
            return piped
    editor = environ.get("VISUAL") or environ.get("EDITOR")
    if editor:
        return _from_editor(editor)
    raise ToolError(
        'no entry text: give --text "…", --file PATH, pipe it on standard input, '
        "or set $EDITOR to write it in your editor"
    )


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _from_editor(editor: str) -> str:
    """Open ``editor`` on an empty Markdown file and return what was saved."""
    with tempfile.TemporaryDirectory(prefix="dateline-entry-") as folder:
        path = Path(folder) / "ENTRY.md"
        path.write_text("", encoding="utf-8")
        try:
            done = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except FileNotFoundError:
            raise ToolError(f"cannot start the editor {editor!r} ($EDITOR)") from None
        if done.returncode != 0:
            raise ToolError(f"the editor exited with status {done.returncode}; nothing was written")
        return path.read_text(encoding="utf-8-sig")
