"""Time Dateline's git history pass on a generated repository.

    python benchmarks/history_pass.py [--articles 1000] [--versions 6]

Makes N explainers and commits them V times (each commit appends an entry to
every explainer), then times the one-pass read (``read_history``) and the
batch read of every version's text (``read_blobs``), the median of 5 runs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from pelican.plugins.dateline.history.gitlog import read_blobs, read_history

WORDS = [
    "council",
    "water",
    "rates",
    "budget",
    "harbour",
    "ferry",
    "ramp",
    "vote",
    "residents",
    "plan",
    "cost",
    "year",
    "engineers",
    "said",
    "would",
    "could",
    "the",
    "of",
    "a",
    "to",
    "in",
    "on",
    "after",
    "before",
    "because",
]


def _git(root: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    env |= {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org"}
    env |= {"GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def make_repository(root: Path, articles: int, versions: int, seed: int = 1) -> Path:
    """``articles`` files of ~1,000 words, committed ``versions`` times."""
    rng = random.Random(seed)
    content = root / "content"
    content.mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    bodies = {n: " ".join(rng.choice(WORDS) for _ in range(1000)) for n in range(articles)}
    for version in range(versions):
        for n, body in bodies.items():
            entries = "".join(
                f"\n::: update 2018-11-{v + 1:02d}\nUpdate {v} of story {n}.\n:::\n"
                for v in range(version)
            )
            (content / f"story-{n}.md").write_text(
                f"Title: Story {n}\nDate: 2018-10-24 09:00\n\n{body}\n{entries}"
            )
        _git(root, "add", "-A")
        _git(
            root,
            "commit",
            "-q",
            "-m",
            f"version {version}",
            when=f"2018-11-{version + 1:02d}T12:00:00",
        )
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--versions", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        content = make_repository(Path(folder), options.articles, options.versions)
        passes, blobs = [], []
        for _ in range(options.runs):
            start = time.perf_counter()
            history = read_history(content)
            middle = time.perf_counter()
            texts = read_blobs(history.root, (v.blob for vs in history.files.values() for v in vs))
            passes.append(middle - start)
            blobs.append(time.perf_counter() - middle)
        versions = sum(len(vs) for vs in history.files.values())
        print(f"{len(history.files)} files, {versions} versions, {len(texts)} texts read")
        print(f"history pass (rev-parse + log + status): median {statistics.median(passes):.3f} s")
        print(f"every version's text (cat-file --batch):  median {statistics.median(blobs):.3f} s")


if __name__ == "__main__":
    main()
