"""The ``dateline`` command: the editor's tasks in any Pelican site.

    dateline [-s SETTINGS] build|new|entry|redact|check|migrate|publish|livereload …

Run it in the site's folder: it reads that site's ``pelicanconf.py``
(``publishconf.py`` for ``publish``), or the file given with ``-s``, and so
its ``PATH``, ``TIMEZONE`` and ``DATELINE_*`` settings. ``dateline COMMAND
--help`` says what each takes.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from . import commands
from .errors import ToolError
from .project import Project

_KINDS = "update, correction, clarification, note or editors-note"


def _version() -> str:
    try:
        return metadata.version("dateline")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="dateline",
        description="Dated, typed entries for Pelican explainers: the editor's tasks.",
    )
    main.add_argument("--version", action="version", version=f"dateline {_version()}")
    main.add_argument(
        "-s",
        "--settings",
        type=Path,
        help="settings file (default: pelicanconf.py here; publishconf.py for publish)",
    )
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = sub.add_parser("build", help="build the site; the output changes only if it succeeds")
    build.add_argument("-o", "--output", type=Path, help="folder to build into")

    new = sub.add_parser("new", help="start an explainer with a complete header and Date: now")
    new.add_argument("title", help="the headline, in quotes")
    new.add_argument("--category", default="", help="Category: (default: DEFAULT_CATEGORY)")
    new.add_argument("--tags", default="", help="Tags:, comma-separated")
    new.add_argument("--slug", default="", help="the URL slug (default: from the title)")
    new.add_argument("--summary", default="", help="Summary: one sentence for lists and feeds")
    new.add_argument("--authors", default="", help="Authors: (default: AUTHOR)")

    entry = sub.add_parser("entry", help="append a dated entry, stamped now with its UTC offset")
    entry.add_argument("path", type=Path, help="the story, e.g. content/water-rate-increase.md")
    entry.add_argument("--kind", required=True, help=_KINDS)
    entry.add_argument("--title", help="optional title for history lists (no double quotes)")
    source = entry.add_mutually_exclusive_group()
    source.add_argument("--text", help="the entry's Markdown (else --file, stdin or $EDITOR)")
    source.add_argument("--file", help="read the entry's Markdown from this file ('-': stdin)")
    entry.add_argument("--at", help="back-date: YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or with an offset")

    redact = sub.add_parser("redact", help="take words off the record, with a redaction entry")
    redact.add_argument("path", type=Path, help="the story, e.g. content/water-rate-increase.md")
    redact.add_argument("--text", required=True, help="the exact words to remove")
    redact.add_argument("--reason", required=True, choices=["legal", "privacy", "safety"])
    redact.add_argument(
        "--note", help="an optional public note: what was removed, in general terms"
    )
    redact.add_argument("--title", help="optional title for history lists (no double quotes)")
    redact.add_argument("--write", action="store_true", help="append it (default: a dry run)")

    check = sub.add_parser("check", help="every refusal, broken link and #anchor (exit 1 if any)")
    check.add_argument("paths", nargs="*", type=Path, help="only these files or folders")
    check.add_argument("--json", action="store_true", help="a JSON list of {file, line, message}")

    migrate = sub.add_parser("migrate", help="turn legacy notes into ::: entries")
    migrate.add_argument("paths", nargs="*", type=Path, help="files or folders (default: all)")
    migrate.add_argument("--write", action="store_true", help="change the files (default: a diff)")
    migrate.add_argument(
        "--date-order", choices=("mdy", "dmy"), help="how to read 10.11.2018 (never guessed)"
    )

    publish = sub.add_parser("publish", help="build, refuse on any problem, deploy")
    publish.add_argument("-o", "--output", type=Path, help="keep the deployed build here")
    publish.add_argument("--target", help="rsync, github-pages or s3")
    publish.add_argument("--dest", help="rsync destination: 'user@host:/path/' or a folder")
    publish.add_argument("--bucket", help="S3 bucket")
    publish.add_argument("--prefix", help="S3 key prefix")
    publish.add_argument("--endpoint-url", help="S3-compatible endpoint URL")
    publish.add_argument("--region", help="S3 region")
    publish.add_argument("--remote", help="git remote for GitHub Pages")
    publish.add_argument("--branch", help="branch for GitHub Pages")
    publish.add_argument("--no-push", action="store_true", help="GitHub Pages: do not push")

    live = sub.add_parser("livereload", help="build, serve, rebuild on every change")
    live.add_argument("-o", "--output", type=Path, help="folder to build into and serve")
    live.add_argument("--host", default="127.0.0.1")
    live.add_argument("--port", type=int, default=8000)
    return main


def _project(args: argparse.Namespace) -> Project:
    if args.settings is not None:
        settings = args.settings.resolve()
        return Project.load(settings.parent, settings.name)
    here = Path.cwd()
    name = "publishconf.py" if args.command == "publish" else "pelicanconf.py"
    if name == "publishconf.py" and not (here / name).is_file():
        raise ToolError(f"{name}: no such settings file here; give -s SETTINGS")
    return Project.load(here, name)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "output", None) is not None:  # from here, not from the settings' folder
        args.output = Path.cwd() / args.output
    with commands.report() as status:
        project = _project(args)
        if args.command == "build":
            commands.build(project, args.output)
        elif args.command == "new":
            fields = ("category", "tags", "slug", "summary", "authors")
            commands.new(project, args.title, **{name: getattr(args, name) for name in fields})
        elif args.command == "entry":
            commands.entry(project, args.path, args.kind, args.title, args.text, args.file, args.at)
        elif args.command == "redact":
            commands.redact(
                project, args.path, args.text, args.reason, args.note, args.title, args.write
            )
        elif args.command == "check":
            commands.check(project, [path.resolve() for path in args.paths], args.json)
        elif args.command == "migrate":
            paths = [path.resolve() for path in args.paths]
            commands.migrate(project, paths, args.write, args.date_order)
        elif args.command == "publish":
            names = ("target", "dest", "bucket", "prefix", "endpoint_url", "region", "remote")
            options = {name: getattr(args, name) for name in (*names, "branch", "no_push")}
            commands.publish(project, args.output, commands.deploy_options(**options))
        elif args.command == "livereload":
            commands.livereload(project, args.output, args.host, args.port)
    return status[0]


if __name__ == "__main__":
    sys.exit(main())
