"""Entries, HTML and diffs of committed versions, by git blob id, made once and kept.

A committed text never changes, so neither does anything derived from it:
its entries, its HTML, its diff against another. They live in ``CACHE_PATH``
in one SQLite file, keyed on everything else that shapes them (the Markdown
settings, the entry kinds, the zone, the plugin's code that makes them,
Markdown's and Pygments' versions): the file never serves a stale result,
and a new fingerprint empties it. The same file keeps the last ``git log``,
read again only when HEAD moves.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sqlite3
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from importlib import metadata
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..entries.redaction import Removal, key_of, redact
from ..text import text_blocks
from .diff import TextDiff, diff_text
from .gitlog import (
    BlobReader,
    FileVersion,
    RepoHistory,
    blob_id,
    cached_part,
    decode,
    read_history,
)
from .versions import EntrySnapshot, TextFacts, facts_of

logger = logging.getLogger(__name__)

_PLUGIN = Path(__file__).resolve().parent.parent
# The plugin's modules whose code shapes what the store keeps: entries, HTML, diffs.
_SHAPING = (
    "entries/syntax.py",
    "entries/scan.py",
    "entries/markdown_ext.py",
    "model.py",
    "problems.py",
    "text.py",
    "settings.py",
    "history/versions.py",
    "history/diff.py",
    "entries/header.py",
    "entries/rst.py",
    "entries/entry.py",
    "entries/redaction.py",
)
_SQL_CHUNK = 500  # bound parameters per query (SQLite allows 999 on old builds)
_BATCH = 50  # results kept in memory before they are written to the cache (and shared)


def read_repository(content: Path, settings: dict[str, Any]) -> RepoHistory:
    """``read_history``, not reading the log again while HEAD has not moved."""
    db = _open_cache(settings, _fingerprint(settings)) if caching(settings) else None
    if db is None:
        return read_history(content)
    key = f"log:{Path(content).resolve()}"
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        known = pickle.loads(zlib.decompress(row[0])) if row else None
        repo = read_history(content, known)
        if known is None or repo.files is not known[2][0]:
            relative = os.path.relpath(Path(content).resolve(), repo.root)
            value = (repo.head, relative, cached_part(repo))
            with db:
                db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    (key, zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)),
                )
    except (sqlite3.Error, pickle.PickleError, zlib.error, EOFError) as error:
        logger.debug("Dateline history: log cache not used: %s", error)
        return read_history(content)
    finally:
        db.close()
    return repo


class HistoryStore:
    """Entries, HTML and diffs of versions, by blob id, made once and kept.

    With ``DATELINE_HISTORY_CACHE`` off (or no writable ``CACHE_PATH``) the
    same store lives for one build only.
    """

    def __init__(self, root: Path, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.reader = BlobReader(root)
        self.fingerprint = _fingerprint(settings)
        self.texts: dict[str, str] = {}  # uncommitted texts, by the blob id they would get
        self.paths: dict[str, str] = {}  # each blob's file: its syntax (Markdown, reST)
        self.fresh: dict[str, dict[str, bytes]] = {"entries": {}, "renders": {}, "diffs": {}}
        self.recent: OrderedDict[str, tuple[str, str | None]] = OrderedDict()
        self.markdown: Any = None
        self.keep: set[str] | None = None
        self.db = _open_cache(settings, self.fingerprint) if caching(settings) else None

    # --- the pass: what every committed version says ----------------------------

    def facts(
        self, versions: Iterable[tuple[str, str]], kinds: dict[str, str], zone: ZoneInfo
    ) -> dict[str, TextFacts]:
        """What each (blob, path) this copy has says (a shallow clone lacks some).

        An entry stands unchanged in every later version of its file: each is
        kept in memory once, however many versions hold it.
        """
        paths = dict(versions)
        self.paths.update(paths)
        wanted = list(paths)
        found = {blob: pickle.loads(data) for blob, data in self._rows("entries", wanted)}
        missing = [blob for blob in wanted if blob not in found]
        for blob, data in self.reader.stream(missing):
            if data is None:
                continue
            found[blob] = facts_of(decode(data), paths[blob], kinds, zone)
            self._keep("entries", blob, found[blob])
        once: dict[EntrySnapshot, EntrySnapshot] = {}
        for said in found.values():
            for anchor, snapshot in said.entries.items():
                said.entries[anchor] = once.setdefault(snapshot, snapshot)
        return found

    def learn(
        self, versions: Iterable[tuple[str, str]], kinds: dict[str, str], zone: ZoneInfo
    ) -> None:
        """Store what the (blob, path)s the cache does not know yet say."""
        paths = dict(versions)
        self.paths.update(paths)
        wanted = list(paths)
        known = set(self._keys("entries", wanted)) | self.fresh["entries"].keys()
        for blob, data in self.reader.stream([b for b in wanted if b not in known]):
            if data is not None:
                self._keep("entries", blob, facts_of(decode(data), paths[blob], kinds, zone))

    def _keys(self, table: str, keys: list[str]) -> Iterable[str]:
        for (key,) in self._select(table, "key", keys):
            yield key

    def _select(self, table: str, columns: str, keys: list[str]) -> Iterable[tuple[Any, ...]]:
        """``columns`` of the stored rows among ``keys``, a chunk of keys per query."""
        if self.db is None:
            return
        for start in range(0, len(keys), _SQL_CHUNK):
            chunk = keys[start : start + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT {columns} FROM {table} WHERE key IN ({marks})"
            yield from self.db.execute(query, chunk)

    def add_text(self, data: bytes, text: str, path: str) -> str:
        """An uncommitted text: its blob id, under which it renders like any other."""
        blob = blob_id(data)
        self.texts[blob] = text
        self.paths[blob] = path
        return blob

    def keep_only(self, blobs: Iterable[str]) -> None:
        """Blobs still in the repository's history: the cache forgets the others."""
        self.keep = set(blobs)

    # --- pages: HTML and diffs, on demand -------------------------------------

    def rendered(self, blob: str, removals: tuple[Removal, ...] = ()) -> tuple[str, str | None]:
        """(html, title) of one version, rendered with the site's Markdown settings,
        the words of ``removals`` (the story's redactions) cut from its source."""
        key = f"{blob}:{key_of(removals)}" if removals else blob
        if key in self.recent:
            self.recent.move_to_end(key)
            return self.recent[key]
        stored = self._row("renders", key)
        if stored is None:
            result = self._render(redact(self.text(blob), removals), self.paths.get(blob, ""))
            if blob not in self.texts:  # only committed texts are kept
                self._keep("renders", key, result)
        else:
            result = pickle.loads(stored)
        self.recent[key] = result
        if len(self.recent) > 16:  # one article's versions; never the whole site
            self.recent.popitem(last=False)
        return result

    def text(self, blob: str) -> str:
        """The source text of a version, as committed (or as saved, uncommitted)."""
        if blob in self.texts:
            return self.texts[blob]
        data = self.reader.get(blob)
        return decode(data) if data is not None else ""

    def diff(self, old: str, new: str, removals: tuple[Removal, ...] = ()) -> TextDiff:
        key = f"{old}:{new}:{key_of(removals)}" if removals else f"{old}:{new}"
        stored = self._row("diffs", key)
        if stored is not None:
            return pickle.loads(stored)
        rendered = (self.rendered(old, removals)[0], self.rendered(new, removals)[0])
        result = diff_text(text_blocks(rendered[0]), text_blocks(rendered[1]))
        if old not in self.texts and new not in self.texts:
            self._keep("diffs", key, result)
        return result

    def _render(self, source: str, path: str) -> tuple[str, str | None]:
        if path.endswith(".rst"):
            from ..entries.rst import render_rst  # not in the second process (docutils)

            return render_rst(source, self.settings)
        if self.markdown is None:
            from markdown import Markdown  # imported by the second process only if it renders

            self.markdown = Markdown(**self.settings["MARKDOWN"])
        md = self.markdown.reset()
        html = md.convert(source)
        titles = getattr(md, "Meta", {}).get("title") or [None]
        return html, titles[0]

    def warm(self, lineages: Iterable[list[FileVersion]]) -> None:
        """Render the versions of each Markdown file that has more than one, and the
        diff of each to the one before, into the cache, one file at a time.

        The second process does this on a new clone's first build, while Pelican
        reads: the history pages then find most versions made. What the cache
        holds already (this build's own pages may have made it meanwhile) is
        passed over; the first file published is done first, the reverse of the
        order the pages ask for them, so the two processes meet once.
        """
        if self.db is None:
            return
        todo = []
        for lineage in lineages:
            if not lineage or not is_markdown(lineage[-1].path):
                continue
            blobs = [v.blob for v in lineage]
            blobs = [blob for i, blob in enumerate(blobs) if i == 0 or blob != blobs[i - 1]]
            if len(blobs) < 2:
                # One version: no page shows its rendering (the story's page is
                # Pelican's); the diff that needs it comes with a second version.
                continue
            self.paths.update((v.blob, v.path) for v in lineage)
            todo.append((lineage[0].commit.time, blobs))
        files = [blobs for _, blobs in sorted(todo, key=lambda item: item[0])]
        made = self._made(files)  # a cached build: all of it, in a few queries
        for blobs in files:
            pairs = [f"{old}:{new}" for old, new in pairwise(blobs)]
            if made.issuperset(blobs) and made.issuperset(pairs):
                continue
            if self.db is None:
                return  # the cache failed (and said so in the debug log)
            made |= self._made([blobs])  # what the pages made meanwhile
            for blob in blobs:
                if blob not in made:
                    self.rendered(blob)
            for (old, new), pair in zip(pairwise(blobs), pairs, strict=True):
                if pair not in made:
                    self.diff(old, new)
            self.save()  # the build's own process reads them now

    def _made(self, files: list[list[str]]) -> set[str]:
        """The renders (blob) and diffs (``old:new``) of ``files``' versions the cache holds."""
        blobs = [blob for versions in files for blob in versions]
        pairs = [f"{old}:{new}" for versions in files for old, new in pairwise(versions)]
        return set(self._keys("renders", blobs)) | set(self._keys("diffs", pairs))

    # --- the SQLite file ------------------------------------------------------

    def _rows(self, table: str, keys: list[str]) -> Iterable[tuple[str, bytes]]:
        fresh = self.fresh[table]
        for key in keys:
            if key in fresh:
                yield key, zlib.decompress(fresh[key])
        stored = [key for key in keys if key not in fresh]
        for key, value in self._select(table, "key, value", stored):
            yield key, zlib.decompress(value)

    def _row(self, table: str, key: str) -> bytes | None:
        fresh = self.fresh[table].get(key)
        if fresh is not None:
            return zlib.decompress(fresh)
        if self.db is None:
            return None
        row = self.db.execute(f"SELECT value FROM {table} WHERE key = ?", (key,)).fetchone()
        return zlib.decompress(row[0]) if row else None

    def _keep(self, table: str, key: str, value: Any) -> None:
        """Remember a result; written out in batches, so memory stays flat."""
        if self.db is None and table == "renders":
            return  # no cache: a rendering is needed once, by the page being written
        self.fresh[table][key] = zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)
        if self.db is not None and sum(map(len, self.fresh.values())) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        assert self.db is not None
        try:
            with self.db:
                for table, rows in self.fresh.items():
                    self.db.executemany(
                        f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)",
                        rows.items(),
                    )
        except sqlite3.Error as error:
            logger.debug("Dateline history cache not saved: %s", error)
            self.db.close()
            self.db = None
            return
        for rows in self.fresh.values():
            rows.clear()

    def reopen(self) -> None:
        """Use the store again after ``close`` (a live session's next edit)."""
        self.keep = None  # pruned already, when it closed
        self.db = _open_cache(self.settings, self.fingerprint) if caching(self.settings) else None

    def save(self) -> None:
        """Write what is kept so far, for another process to read."""
        if self.db is not None:
            self._flush()

    def close(self) -> None:
        """Write what this build made, forget blobs gone from the history; stop git."""
        self.reader.close()
        if self.db is None:
            return
        self._flush()
        db, self.db = self.db, None
        if db is None:
            return
        try:
            if self.keep is not None:
                with db:
                    self._forget(db)
        except sqlite3.Error as error:
            logger.debug("Dateline history cache not pruned: %s", error)
        finally:
            db.close()

    def _forget(self, db: sqlite3.Connection) -> None:
        assert self.keep is not None
        db.execute("CREATE TEMP TABLE keep (key TEXT PRIMARY KEY)")
        db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in self.keep))
        for table in ("entries", "renders"):
            db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM keep)")
        db.execute(
            "DELETE FROM diffs WHERE substr(key, 1, 40) NOT IN (SELECT key FROM keep) "
            "OR substr(key, 42) NOT IN (SELECT key FROM keep)"
        )


def is_markdown(path: str) -> bool:
    """Whether ``path`` is a Markdown text (the second process renders no other)."""
    return path.rsplit(".", 1)[-1].lower() in ("md", "markdown", "mkd", "mdown")


def caching(settings: dict[str, Any]) -> bool:
    return bool(settings.get("DATELINE_HISTORY_CACHE", True))


def _open_cache(settings: dict[str, Any], fingerprint: str | None) -> sqlite3.Connection | None:
    """The cache file for these settings; started afresh when its fingerprint is not theirs."""
    if fingerprint is None:
        return None
    path = Path(settings["CACHE_PATH"]) / "dateline-history.sqlite"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            db = sqlite3.connect(path, timeout=30)
            with db:
                db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB)")
                row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            if row is None or row[0] == fingerprint:
                break
            db.close()  # made for other settings or code: start afresh
            path.unlink()
        with db:
            for table in ("entries", "renders", "diffs"):
                db.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value BLOB)")
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('fingerprint', ?)",
                (fingerprint,),
            )
    except (OSError, sqlite3.Error) as error:
        logger.debug("Dateline history cache not used: %s", error)
        return None
    return db


def _fingerprint(settings: dict[str, Any]) -> str | None:
    """Everything besides the text that shapes entries, HTML and diffs."""
    shaping = repr(
        (
            sorted(settings["MARKDOWN"].items(), key=str),
            settings["DATELINE_KINDS"],
            settings.get("TIMEZONE"),
        )
    )
    if " at 0x" in shaping:  # an object with no stable description: cache nothing
        return None
    digest = hashlib.sha256(shaping.encode())
    for module in _SHAPING:
        digest.update((_PLUGIN / module).read_bytes())
    for package in ("markdown", "pygments"):
        try:
            digest.update(f"{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} -".encode())
    return digest.hexdigest()
