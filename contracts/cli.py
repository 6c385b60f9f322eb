"""The ``contracts`` command line: ``contracts validate|check|checks``."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from contracts import check as checker
from contracts import html
from contracts.checks import CHECKS, Severity, failing
from contracts.targets import TargetError, open_target
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
    check.add_argument("--strict", action="store_true", help="warnings fail too (exit 1), e.g. an undocumented value")
    commands.add_parser("checks", help="list the named checks")
    run = commands.add_parser("check", help="send example and generated requests to a target and report drift")
    run.add_argument("--provider", required=True, choices=sorted(KINDS))
    run.add_argument("--base-url", required=True, help="the provider base URL an SDK would use (mock or live)")
    run.add_argument("--api-key", help="key (Bedrock: API key); prefer the env: OPENROUTER_API_KEY, AIMLAPI_API_KEY, "
                     "AWS_BEARER_TOKEN_BEDROCK or AWS credentials")  # fmt: skip
    run.add_argument("--model", help="model id (default: Llama 4 Maverick for the provider)")
    run.add_argument("--region", help="AWS region for Bedrock SigV4 (default: AWS_REGION or us-east-1)")
    run.add_argument("--max-requests", type=int, default=30, help="request budget; live calls cost money (30)")
    run.add_argument("--seed", type=int, default=0, help="seed for the generated requests (0)")
    run.add_argument("--timeout", type=float, default=60.0, help="seconds per request (60)")
    run.add_argument("--report", type=Path, help="write the JSON report here")
    run.add_argument("--junit", type=Path, help="write JUnit XML here")
    run.add_argument("--html", type=Path, help="write the report as one self-contained HTML page here")
    run.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    run.add_argument("--strict", action="store_true", help="warnings are drift too (exit 1), e.g. an undocumented "
                     "value of an open enum")  # fmt: skip
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
        counts = {severity: sum(v.severity is severity for v in violations) for severity in Severity}
        for v in violations:
            if not (args.quiet and v.severity is Severity.INFO):
                print(f"{path}: {v}", file=out)
        fails = failing(violations, strict=args.strict)
        print(f"{path}: {'FAIL' if fails else 'ok'} ({counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} "
              f"warnings, {counts[Severity.INFO]} info)", file=out)  # fmt: skip
        if fails:
            status = EXIT_VIOLATIONS
    return status


def _check(args: argparse.Namespace, out: TextIO) -> int:
    if args.max_requests < 1:
        print("contracts: --max-requests must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        target = open_target(args.provider, args.base_url, args.api_key, model=args.model, region=args.region,
                             timeout=args.timeout)  # fmt: skip
    except (UsageError, TargetError) as exc:
        print(f"contracts: {exc}", file=sys.stderr)
        return EXIT_USAGE
    secrets = target.secrets

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        report = checker.run(target, max_requests=args.max_requests, seed=args.seed,
                             progress=None if args.quiet else progress, strict=args.strict)  # fmt: skip
    except TargetError as exc:
        print(f"contracts: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        target.close()
    try:
        if args.report:
            args.report.write_text(report.to_json(secrets), encoding="utf-8")
        if args.junit:
            args.junit.write_text(report.to_junit(secrets), encoding="utf-8")
        if args.html:
            args.html.write_text(html.render(report, secrets), encoding="utf-8")
    except OSError as exc:
        print(f"contracts: cannot write report: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    print(report.summary(secrets), file=out)
    return EXIT_OK if report.passed else EXIT_VIOLATIONS


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI: ``validate`` files, ``check`` a target, or list the ``checks``.

    Args:
        argv: the arguments after the program name (defaults to ``sys.argv[1:]``).

    Returns 0 when everything conforms, 1 on drift (error-severity violations; with ``--strict``
    warnings too), 2 on a usage or connection error. Info (unknown fields) never fails.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.command == "checks":
        for c in CHECKS.values():
            print(f"{c.name:26} {c.severity:8} {c.summary}")
        return EXIT_OK
    if args.command == "check":
        return _check(args, sys.stdout)
    return _validate(args, sys.stdout)
