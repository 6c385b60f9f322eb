"""The ``contracts`` command line: ``contracts validate --provider P --kind K FILE...``."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from contracts.checks import CHECKS, Severity
from contracts.validate import KINDS, STREAM_KINDS, UsageError, validate

__all__ = ["main"]

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="contracts", description="Contract checks for Llama 4 provider wire formats.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("validate", help="validate captured documents or raw stream transcripts")
    check.add_argument("--provider", required=True, choices=sorted(KINDS))
    check.add_argument(
        "--kind",
        required=True,
        help="; ".join(f"{p}: {', '.join(kinds)}" for p, kinds in KINDS.items()),
    )
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--quiet", action="store_true", help="print errors and warnings only, not info")
    commands.add_parser("checks", help="list the named checks")
    return parser


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    if args.kind not in KINDS[args.provider]:
        print(f"contracts: unknown kind {args.kind!r} for {args.provider}; known: {', '.join(KINDS[args.provider])}",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    status = EXIT_OK
    for path in args.files:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            print(f"contracts: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
        # SSE transcripts are text; event streams stay bytes; JSON documents are parsed by validate().
        document: bytes | str = raw
        if (args.provider, args.kind) in STREAM_KINDS and args.provider != "bedrock":
            document = raw.decode("utf-8", errors="replace")
        try:
            violations = validate(args.provider, args.kind, document)
        except UsageError as exc:
            print(f"contracts: {exc}", file=sys.stderr)
            return EXIT_USAGE
        errors = sum(v.severity is Severity.ERROR for v in violations)
        for v in violations:
            if not (args.quiet and v.severity is Severity.INFO):
                print(f"{path}: {v}", file=out)
        print(f"{path}: {'FAIL' if errors else 'ok'} ({errors} errors, {len(violations) - errors} other)", file=out)
        if errors:
            status = EXIT_VIOLATIONS
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return 0 when valid, 1 on error violations, 2 on usage errors."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.command == "checks":
        for c in CHECKS.values():
            print(f"{c.name:26} {c.severity:8} {c.summary}")
        return EXIT_OK
    return _validate(args, sys.stdout)
