"""The ``record``, ``fixtures check`` and ``fixtures import`` subcommands."""

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from mockserver.config import DEFAULT_FIXTURES
from mockserver.errors import MockError

__all__ = ["add_commands", "run"]

COMMANDS = ("record", "fixtures")


def add_commands(commands: Any) -> None:
    """Add ``record`` and ``fixtures check`` to the CLI's subparsers."""
    record = commands.add_parser(
        "record", help="proxy to the real providers at the mock's mounts and write what they answer as fixtures"
    )
    record.add_argument("--out", type=Path, help="fixtures folder to write (<provider>/<operation>/<name>.json)")
    record.add_argument("--proxy-only", action="store_true", help="forward and stream back, write nothing")
    record.add_argument(
        "--upstream",
        action="append",
        default=[],
        metavar="PROVIDER=URL",
        help="send PROVIDER's requests to URL instead of the real service (repeatable)",
    )
    record.add_argument(
        "--region", help="AWS region to re-sign Bedrock SigV4 requests for (default: the one the client signed)"
    )
    record.add_argument(
        "--name-from-prompt",
        action="store_true",
        help="name fixture files after the last user message (redacted); default: model family, stream and hash",
    )
    record.add_argument("--host", default="127.0.0.1", help="bind address (default loopback only: 127.0.0.1)")
    record.add_argument("--port", type=int, default=8080)
    fixtures = commands.add_parser("fixtures", help="maintain a fixtures folder")
    actions = fixtures.add_subparsers(dest="action", required=True)
    check = actions.add_parser("check", help="list recorded fixtures older than --max-age; exit 1 if any")
    check.add_argument("--max-age", default="30d", help="e.g. 30d, 12h, 2w (default 30d)")
    check.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES, help="folder to check (default: bundled)")
    imports = actions.add_parser(
        "import", help="turn VCR.py / pytest-recording cassettes and HAR files into fixtures; report what is skipped"
    )
    imports.add_argument("files", nargs="+", type=Path, metavar="FILE", help="cassette (YAML or JSON) or HAR file")
    imports.add_argument("--out", type=Path, required=True, help="fixtures folder to write")


def run(args: argparse.Namespace) -> int:
    """Run ``record`` or ``fixtures check``; returns the exit status (2 for bad usage).

    Args:
        args: parsed arguments of either command (see ``add_commands``).
    """
    if args.command == "fixtures" and args.action == "import":
        return _import(args.files, args.out)
    if args.command == "fixtures":
        return _check(args.fixtures, args.max_age)
    return _record(args)


def _check(root: Path, max_age: str) -> int:
    from mockserver.record.stale import parse_age, stale_fixtures

    try:
        limit = parse_age(max_age)
    except ValueError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    stale, dated = stale_fixtures(root, limit)
    for item in stale:
        print(f"{item.path.relative_to(root)}: recorded {item.recorded_at:%Y-%m-%d}, {item.age.days} days old")
    print(f"mockserver: {len(stale)} of {dated} recorded fixture(s) older than {max_age}", file=sys.stderr)
    return 1 if stale else 0


def _import(files: list[Path], out: Path) -> int:
    from mockserver.record.importer import import_files

    report = import_files(files, out)
    for where, path in report.written:
        print(f"{where}: {path.relative_to(out)}")
    for skipped in report.skipped:
        print(f"{skipped.where}: skipped: {skipped.reason}", file=sys.stderr)
    for path, reason in report.failed:
        print(f"mockserver: {path}: {reason}", file=sys.stderr)
    print(f"mockserver: imported {len(report.written)} fixture(s), skipped {len(report.skipped)}, "
          f"{len(report.failed)} file(s) unreadable", file=sys.stderr)  # fmt: skip
    return 1 if report.failed or not report.written else 0


def _record(args: argparse.Namespace) -> int:
    import uvicorn

    from mockserver.record.proxy import RecorderConfig, create_recorder_app, parse_upstreams

    if args.out is None and not args.proxy_only:
        print("mockserver: record needs --out DIR (or --proxy-only)", file=sys.stderr)
        return 2
    try:
        config = RecorderConfig(
            None if args.proxy_only else args.out,
            parse_upstreams(args.upstream),
            args.region,
            name_from_prompt=args.name_from_prompt,
        )
        app = create_recorder_app(config)
    except MockError as exc:
        print(f"mockserver: {exc.title}: {exc.detail}. {exc.fix}", file=sys.stderr)
        return 2
    logging.basicConfig(format="mockserver: %(message)s")
    logging.getLogger("mockserver.record").setLevel(logging.INFO)
    recorder = app.state.recorder
    for spec in recorder.providers.values():
        target = recorder.config.upstreams.get(spec.name, spec.upstream_base_url)
        print(f"mockserver: http://{args.host}:{args.port}{spec.mount} -> {target}", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning")
    return 0
