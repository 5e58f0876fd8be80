"""All-or-nothing builds: Pelican writes into a fresh folder beside ``output/``,
which replaces ``output/`` only when the build succeeded.

A refused or failed build therefore leaves the last good site exactly as it
was, and a static host syncing ``output/`` never sees half a site.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.log import init as init_logging
from pelican.settings import read_settings

from .generator import BuildRefused


class BuildFailed(Exception):
    """The build did not produce a site; ``lines`` say why, one problem a line."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class _ErrorCounter(logging.Handler):
    """Pelican logs a file it cannot read and goes on; Dateline refuses instead."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().replace("\n", " "))


def build_site(
    settings_file: str | Path,
    output: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    quiet: bool = False,
) -> Path:
    """Build with ``settings_file`` into ``output`` (default: its OUTPUT_PATH).

    Returns the output folder; raises BuildFailed and leaves ``output``
    untouched when the input is refused or anything else goes wrong.
    """
    init_logging(level=logging.ERROR if quiet else logging.WARNING)
    settings = read_settings(str(settings_file), override=dict(overrides or {}))
    final = Path(output or settings["OUTPUT_PATH"]).resolve()
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}-building-", dir=final.parent))
    counter = _ErrorCounter()
    logging.getLogger().addHandler(counter)
    try:
        settings["OUTPUT_PATH"] = str(staging)
        Pelican(settings).run()
        if counter.messages:
            raise BuildFailed([f"error: {message}" for message in counter.messages])
        _swap(staging, final)
    except BuildRefused as refused:
        raise BuildFailed(refused.problems) from None
    except BuildFailed:
        raise
    except Exception as error:  # a theme or settings bug: say what, not where
        raise BuildFailed([f"error: {type(error).__name__}: {error}"]) from error
    finally:
        logging.getLogger().removeHandler(counter)
        shutil.rmtree(staging, ignore_errors=True)
    return final


def _swap(staging: Path, final: Path) -> None:
    """Put ``staging`` in place of ``final`` with two renames."""
    staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    retired = None
    if final.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{final.name}-old-", dir=final.parent))
        os.rename(final, retired / final.name)
    os.rename(staging, final)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
