"""A seeded, realistic corpus of explainers for the benchmarks.

    python benchmarks/corpus.py DEST [--articles 1000] [--entries 5] [--no-git]

Each explainer has 800–1,500 words of varied Markdown (headings, paragraphs
with emphasis, links and inline code, bullet and numbered lists, block
quotes, the odd table or code block) and K dated entries of every kind,
mostly appended at the end, some placed after the paragraph they correct.
With git (the default) the project is a repository whose history is what an
editor would leave: one commit publishing each explainer at its ``Date:``,
then one commit per entry, dated when the entry was added. The repository is
written in one ``git fast-import`` stream, so 6,000 commits take seconds.

The same seed always gives the same files and the same commits.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

WORDS = """
council water rates budget harbour ferry ramp vote residents plan cost year engineers
district school board funding hospital clinic nurses wait times housing rent tenants
landlord zoning permit bridge repair transit bus route fares station platform schedule
police report data survey census population growth jobs wages employers union strike
contract negotiation mayor deputy commissioner agency department state federal grant
program pilot study consultants estimate forecast deficit surplus reserve bond levy
property tax assessment appeal hearing meeting agenda minutes motion amendment ballot
election turnout precinct candidate campaign donation filing records request response
spokesperson statement interview analysis figures percent million thousand quarter
monthly annual increase decrease change delay closure opening expansion warehouse
freight trucks traffic study noise parking lane crossing signal safety inspection flood
levee storm drainage sewer pipes lead replacement treatment plant capacity drought
reservoir supply demand conservation rebate discount households income
""".split()  # noqa: SIM905
GLUE = "the of a to in on for with by after before because while under over and or but".split()  # noqa: SIM905
KINDS = ["update", "update", "update", "correction", "clarification", "note", "editors-note"]
CATEGORIES = [
    "Local government",
    "Transport",
    "Housing",
    "Health",
    "Education",
    "Environment",
    "Business",
    "Public safety",
]
TAGS = [f"{word}" for word in WORDS[:48]]
AUTHORS = [
    "Odessa Brightwater",
    "Marcus Vale",
    "Priya Holloway",
    "Tomas Greyfell",
    "Ines Saltmarsh",
    "Jonah Reed",
    "Amara Quill",
    "Felix Harrow",
    "Sunita Crane",
    "Leo Marsh",
    "Hana Ortega",
    "Gideon Pike",
]
OFFSETS = ["-05:00", "-04:00", "+00:00", "+01:00", "Z"]
ZONE = ZoneInfo("America/New_York")  # the TIMEZONE of pelicanconf.py
START = datetime(2019, 1, 7, 9, 0, tzinfo=ZONE)


@dataclass
class Explainer:
    """One article: its header, its body, and its entries in the order added."""

    slug: str
    published: datetime  # aware, in ZONE
    header: str
    body: list[str]  # top-level Markdown blocks
    entries: list[tuple[datetime, str, int]] = field(default_factory=list)
    # (when added, the entry's Markdown, position: index of the body block it follows)

    @property
    def path(self) -> str:
        """Its file under ``content/``: a folder per 100 explainers, as a newsroom files
        them (a flat folder of 10,000 makes every commit write a 10,000-entry tree)."""
        return f"{int(self.slug.rsplit('-', 1)[1]) // 100:03d}/{self.slug}.md"

    def text(self, count: int | None = None) -> str:
        """The file after its first ``count`` entries (all by default)."""
        blocks = list(self.body)
        shown = self.entries if count is None else self.entries[:count]
        inserted = 0
        for _, markdown, position in shown:
            if position < 0:
                blocks.append(markdown)
            else:
                blocks.insert(position + 1 + inserted, markdown)
                inserted += 1
        return self.header + "\n\n" + "\n\n".join(blocks) + "\n"


class _Writer:
    """Sentences, paragraphs and blocks from a seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = 0

    def sentence(self, low: int = 8, high: int = 24, marks: bool = True) -> str:
        rng = self.rng
        count = rng.randint(low, high)
        words = [
            rng.choice(WORDS) if rng.random() < 0.6 else rng.choice(GLUE) for _ in range(count)
        ]
        self.words += count
        if marks:
            roll = rng.random()
            at = rng.randrange(count)
            if roll < 0.12:
                words[at] = f"*{words[at]}*"
            elif roll < 0.2:
                words[at] = f"**{words[at]}**"
            elif roll < 0.28:
                words[at] = (
                    f"[{words[at]}](https://records.example.org/{words[at]}/{rng.randint(1, 999)})"
                )
            elif roll < 0.32:
                words[at] = f"`{words[at]}-{rng.randint(1, 99)}`"
            elif roll < 0.4:
                words[at] = f"{rng.randint(2, 98)}.{rng.randint(0, 9)} percent"
            elif roll < 0.45:
                words[at] = f"${rng.randint(1, 900):,}.{rng.randint(10, 99)}"
        text = " ".join(words)
        end = rng.choice([".", ".", ".", ".", "?", "."])
        if marks and rng.random() < 0.1:
            text = f'"{text}," the {rng.choice(WORDS)} said'
        return text[0].upper() + text[1:] + end

    def paragraph(self, low: int = 2, high: int = 6) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def block(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.08:
            return "## " + self.sentence(3, 7, marks=False).rstrip(".?")
        if roll < 0.16:
            return "\n".join(f"- {self.sentence(5, 14)}" for _ in range(rng.randint(3, 6)))
        if roll < 0.21:
            return "\n".join(f"{n}. {self.sentence(5, 14)}" for n in range(1, rng.randint(3, 6)))
        if roll < 0.27:
            return "> " + self.paragraph(1, 3)
        if roll < 0.29:
            rows = [
                f"| {rng.choice(WORDS)} | {rng.randint(1, 9999):,} | {rng.randint(1, 99)}% |"
                for _ in range(rng.randint(3, 6))
            ]
            self.words += 3 * len(rows)
            return "| Item | Amount | Share |\n| --- | ---: | ---: |\n" + "\n".join(rows)
        if roll < 0.3:
            lines = [f"{rng.choice(WORDS)} = {rng.randint(1, 999)}" for _ in range(3)]
            return "```\n" + "\n".join(lines) + "\n```"
        return self.paragraph()


def explainer(number: int, entries: int, rng: random.Random) -> Explainer:
    """Explainer ``number`` with ``entries`` entries, published in 2019–2024."""
    write = _Writer(rng)
    title = write.sentence(5, 10, marks=False).rstrip(".?")
    slug = f"story-{number:05d}"
    published = START + timedelta(minutes=rng.randrange(0, 6 * 365 * 24 * 60 - 90 * 24 * 60))
    target = rng.randint(800, 1500)
    body: list[str] = []
    while write.words < target:
        body.append(write.block())
    tags = ", ".join(sorted(rng.sample(TAGS, rng.randint(2, 4))))
    authors = ", ".join(rng.sample(AUTHORS, rng.choice([1, 1, 1, 2])))
    published = published.astimezone(ZONE)  # a real wall-clock time, DST included
    header = "\n".join(
        [
            f"Title: {title}",
            f"Date: {published:%Y-%m-%d %H:%M}",
            f"Category: {rng.choice(CATEGORIES)}",
            f"Tags: {tags}",
            f"Authors: {authors}",
            f"Slug: {slug}",
            f"Summary: {write.sentence(12, 24)}",
        ]
    )
    story = Explainer(slug, published, header, body)
    when = published
    for _ in range(entries):
        when += timedelta(minutes=rng.randint(60, 20 * 24 * 60))
        kind = rng.choice(KINDS)
        when = when.astimezone(ZONE)
        if rng.random() < 0.5:
            stamp = f"{when:%Y-%m-%d}"  # the start of that day in ZONE: never too early
        else:
            offset = rng.choice(OFFSETS)
            hours = 0 if offset == "Z" else int(offset[:3])
            shown = when.astimezone(ZoneInfo("UTC")) + timedelta(hours=hours)
            stamp = f"{shown:%Y-%m-%dT%H:%M}{offset}"
        title_part = (
            f' "{write.sentence(3, 7, marks=False).rstrip(".?")}"' if rng.random() < 0.4 else ""
        )
        paragraphs = [write.paragraph(1, 3) for _ in range(rng.randint(1, 2))]
        if rng.random() < 0.2:
            paragraphs.append("> " + write.sentence())
        entry = f"::: {kind} {stamp}{title_part}\n" + "\n\n".join(paragraphs) + "\n:::"
        position = rng.randrange(len(body)) if rng.random() < 0.15 else -1
        # Committed a few minutes after the time it carries.
        story.entries.append((when + timedelta(minutes=rng.randint(1, 30)), entry, position))
    return story


def make_corpus(
    root: Path, articles: int, entries: int, seed: int = 7, git: bool = True
) -> list[Explainer]:
    """Write ``root/content/*/*.md`` (and, with ``git``, the repository in ``root``)."""
    rng = random.Random(seed)
    stories = [explainer(number, entries, rng) for number in range(articles)]
    content = root / "content"
    for story in stories:
        path = content / story.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(story.text(), "utf-8")
    if git:
        _commit_history(root, stories)
    return stories


def git_env() -> dict[str, str]:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    env |= {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org"}
    env |= {"GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    return env


def _commit_history(root: Path, stories: list[Explainer]) -> None:
    """Publication and one commit per entry, in time order, via ``git fast-import``."""
    events = [(story.published, story.slug, 0, story) for story in stories]
    events += [
        (when, story.slug, index + 1, story)
        for story in stories
        for index, (when, _, _) in enumerate(story.entries)
    ]
    events.sort(key=lambda event: (event[0], event[1], event[2]))
    chunks: list[bytes] = []
    for mark, (when, slug, count, story) in enumerate(events, start=1):
        text = story.text(count).encode()
        message = f"{slug}: {'publish' if count == 0 else f'entry {count}'}".encode()
        stamp = int(when.timestamp())
        chunks.append(
            b"commit refs/heads/main\nmark :%d\n" % mark
            + b"author Bench <bench@example.org> %d +0000\n" % stamp
            + b"committer Bench <bench@example.org> %d +0000\n" % stamp
            + b"data %d\n%s\n" % (len(message), message)
            + (b"from :%d\n" % (mark - 1) if mark > 1 else b"")
            + b"M 100644 inline content/%s\n" % story.path.encode()
            + b"data %d\n%s\n" % (len(text), text)
        )
    env = git_env()
    run = {"cwd": root, "env": env, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q", "-b", "main"], **run)
    subprocess.run(["git", "fast-import", "--quiet"], input=b"".join(chunks), **run)
    # The files on disk are the last commit's; refresh the index to match them.
    subprocess.run(["git", "reset", "-q", "--hard"], **run)


def append_entry(path: Path, when: datetime, text: str = "") -> str:
    """Append one entry to ``path`` as ``invoke entry`` would; return the entry."""
    body = text or (
        "The council published the full figures after this story appeared; the "
        "totals above now match them."
    )
    entry = f"::: update {when.isoformat(timespec='minutes')}\n{body}\n:::\n"
    source = path.read_text("utf-8")
    path.write_text(source.rstrip("\n") + "\n\n" + entry, "utf-8")
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-git", action="store_true")
    options = parser.parse_args()
    stories = make_corpus(
        options.dest, options.articles, options.entries, options.seed, not options.no_git
    )
    words = [len(story.text().split()) for story in stories]
    print(
        f"{len(stories)} explainers in {options.dest / 'content'}, "
        f"{min(words)}–{max(words)} words each (entries included)"
    )


if __name__ == "__main__":
    main()
