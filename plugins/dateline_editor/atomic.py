"""Write files so that no reader, build or crash ever sees half of one.

Both helpers write a hidden temporary file beside the target (Pelican skips
hidden files), flush it to disk, and then move it into place in one step.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import ToolError


def _temporary(path: Path, data: bytes, mode: int) -> Path:
    handle, name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".dateline-tmp", dir=path.parent
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(name, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def create_new(path: Path, data: bytes) -> None:
    """Create ``path`` holding ``data``; refuse if it exists, even if it appears meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path, data, 0o644)
    try:
        os.link(temporary, path)  # fails, atomically, if path exists
    except FileExistsError:
        raise ToolError(f"{path}: already exists; nothing was written") from None
    except OSError:  # no hard links here (some network or FAT disks): exclusive create
        _create_exclusively(path, data)
    finally:
        os.unlink(temporary)


def _create_exclusively(path: Path, data: bytes) -> None:
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise ToolError(f"{path}: already exists; nothing was written") from None
    with os.fdopen(handle, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


@contextlib.contextmanager
def one_at_a_time(path: Path) -> Iterator[None]:
    """Hold ``path``'s folder while a tool reads and rewrites ``path``.

    Two ``dateline entry`` on one story at once then run one after the
    other, each reading what the other wrote: neither entry is lost. The
    folder is locked, not the file, whose inode each write replaces.
    """
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)


def replace_file(path: Path, data: bytes, expected: bytes) -> None:
    """Put ``data`` in place of ``path``, which must still hold ``expected``.

    The check catches a save from an editor between our read and our write;
    the file then stays as the other writer left it.
    """
    mode = path.stat().st_mode & 0o7777
    temporary = _temporary(path, data, mode)
    try:
        if path.read_bytes() != expected:
            raise ToolError(f"{path}: changed while we were working on it; nothing was written")
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
