"""Time the folder work of a rebuild: a fresh staging folder against the spare.

    python benchmarks/folders.py OUTPUT SPARE [--turns fsfs]

``OUTPUT`` is a built site (``run.py --keep DIR`` leaves one in
``DIR/n/out-inc``), ``SPARE`` the spare its builds keep
(``DIR/n/cache-history/dateline-spare-folders``). Each turn puts a link to
every file of ``OUTPUT`` into a staging folder beside it, as a rebuild that
reuses every page does, and then disposes of the folder it replaced:

* ``f`` (fresh): into an empty folder, every folder made; the replaced one
  removed, as builds did before the spare;
* ``s`` (spare): into the spare's folders (``spare.take``: its files
  removed), the folders left empty removed (``spare.prune``), the replaced
  one kept as the spare again (``spare.keep``).

Only the file system's work is timed: no page is rendered or compared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from dateline_editor.spare import keep, prune, take


def files_of(output: Path) -> list[str]:
    return [
        os.path.relpath(os.path.join(folder, name), output)
        for folder, _, names in os.walk(output)
        for name in names
    ]


def link_all(output: Path, files: list[str], staging: str) -> None:
    made: set[str] = set()
    for relative in files:
        target = os.path.join(staging, relative)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        os.link(output / relative, target)


def fresh(output: Path, files: list[str]) -> str:
    staging = tempfile.mkdtemp(dir=output.parent)
    start = time.perf_counter()
    link_all(output, files, staging)
    linked = time.perf_counter()
    shutil.rmtree(staging)  # the same shape as the site a build replaces
    done = time.perf_counter()
    return (
        f"fresh: folders made and files linked {linked - start:.2f} s, "
        f"replaced site removed {done - linked:.2f} s, total {done - start:.2f} s"
    )


def spared(output: Path, files: list[str], spare: Path) -> str:
    staging = Path(tempfile.mkdtemp(dir=output.parent))
    start = time.perf_counter()
    taken = take(spare, staging)
    if taken is None:
        raise SystemExit(f"no spare to take at {spare}")
    lock, folders = taken
    emptied = time.perf_counter()
    link_all(output, files, str(staging))
    linked = time.perf_counter()
    prune(folders)
    pruned = time.perf_counter()
    os.close(lock)
    if not keep(staging, spare):
        raise SystemExit(f"the spare could not be kept at {spare}")
    done = time.perf_counter()
    return (
        f"spare: taken and emptied {emptied - start:.2f} s, files linked {linked - emptied:.2f} s, "
        f"empty folders removed {pruned - linked:.2f} s, kept {done - pruned:.2f} s, "
        f"total {done - start:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("spare", type=Path)
    parser.add_argument("--turns", default="sfsf", help="f: fresh, s: spare, in this order")
    options = parser.parse_args()
    output = options.output.resolve()
    files = files_of(output)
    folders = sum(1 for _ in os.walk(output))
    print(f"{len(files)} files in {folders} folders", flush=True)
    for turn in options.turns:
        timed = fresh(output, files) if turn == "f" else spared(output, files, options.spare)
        print(timed, flush=True)


if __name__ == "__main__":
    main()
