"""Command line: ``mockserver serve [--host] [--port] [--fixtures] [--strict] [--provider] [--seed] [--api-key]``."""

import argparse
import sys
from datetime import datetime
from pathlib import Path

from contracts.registry import NAMES as PROVIDERS
from mockserver.behaviour.quirks import check_quirks
from mockserver.clock import Clock, FrozenClock
from mockserver.config import DEFAULT_FIXTURES, MockConfig
from mockserver.core import all_providers
from mockserver.errors import MockError
from mockserver.record import cli as record_cli

__all__ = ["main"]

QUIRKS = {q.name: q for p in all_providers() for q in p.quirks}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, separate so tests can inspect it."""
    parser = argparse.ArgumentParser(
        prog="mockserver", description="Offline mock of OpenRouter, AI/ML API and Bedrock for Llama 4."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("quirks", help="list the docs-vs-traffic switches and their values")
    serve = commands.add_parser("serve", help="serve all providers over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default loopback only: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--fixtures", type=Path, default=DEFAULT_FIXTURES, help="fixtures folder (default: the bundled one)"
    )
    serve.add_argument(
        "--strict",
        action="store_true",
        help="answer unmatched requests with the mock's 404 instead of a generated reply",
    )
    serve.add_argument("--provider", choices=PROVIDERS, help="also serve this provider at its upstream's own paths")
    serve.add_argument("--seed", type=int, default=0, help="seeds generated replies, ids and every random choice")
    serve.add_argument(
        "--freeze-time",
        metavar="WHEN",
        help="stop the clock at WHEN (epoch seconds or ISO 8601): with --seed, answers are byte-identical across runs",
    )
    serve.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="PROVIDER=KEY",
        help="accept only these keys for PROVIDER (repeatable); default: any non-empty key",
    )
    serve.add_argument(
        "--bedrock-stream-mode",
        choices=["on", "off", "no-tools"],
        help="shorthand for --quirk bedrock.stream_mode=VALUE",
    )
    serve.add_argument(
        "--ssl-certfile",
        type=Path,
        help="serve HTTPS with this certificate (botocore sends bearer tokens only over HTTPS)",
    )
    serve.add_argument("--ssl-keyfile", type=Path, help="the certificate's private key")
    serve.add_argument(
        "--quirk",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="choose docs or traffic behaviour where they disagree (repeatable); see `mockserver quirks`",
    )
    serve.add_argument(
        "--pace",
        type=float,
        default=0.0,
        metavar="FACTOR",
        help="pace replies by the catalogue's latency/throughput: 0 off (default), 1 real time, 0.1 ten times faster",
    )
    serve.add_argument(
        "--rate-limits", action="store_true", help="enforce the catalogue's quotas with the providers' own 429s"
    )
    serve.add_argument("--log-level", default="warning")
    record_cli.add_commands(commands)
    return parser


def config_from_args(args: argparse.Namespace) -> MockConfig:
    """Turn parsed arguments into a ``MockConfig``."""
    keys: dict[str, list[str]] = {}
    for item in args.api_key:
        provider, sep, key = item.partition("=")
        if not sep or provider not in PROVIDERS or not key:
            raise MockError(
                "Bad configuration",
                f"--api-key {item!r}",
                fix="Use --api-key PROVIDER=KEY, e.g. openrouter=sk-or-v1-test.",
            )
        keys.setdefault(provider, []).append(key)
    quirks = dict(item.partition("=")[::2] for item in args.quirk)
    if args.bedrock_stream_mode:
        quirks["bedrock.stream_mode"] = args.bedrock_stream_mode
    check_quirks(quirks, QUIRKS, "--quirk")
    return MockConfig(
        fixtures_dir=args.fixtures,
        strict=args.strict,
        seed=args.seed,
        root_provider=args.provider,
        api_keys=keys,
        quirks=quirks,
        pace=args.pace,
        rate_limits=args.rate_limits,
    )


def clock_from_args(args: argparse.Namespace) -> Clock:
    """The real clock, or one frozen at ``--freeze-time``."""
    value = getattr(args, "freeze_time", None)
    if value is None:
        return Clock()
    try:
        return FrozenClock(float(value))
    except ValueError:
        pass
    try:
        return FrozenClock(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        raise MockError(
            "Bad configuration",
            f"--freeze-time {value!r}",
            fix="Use epoch seconds or ISO 8601, e.g. 2026-01-01T00:00:00Z.",
        ) from None


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "quirks":
        for known in QUIRKS.values():
            print(f"{known.name} = {' | '.join(known.choices)}  (default {known.default})")
            print(f"    {known.summary}\n    source: {known.source}")
        return 0
    if args.command in record_cli.COMMANDS:
        return record_cli.run(args)
    import uvicorn

    from mockserver.app import create_app

    try:
        clock = clock_from_args(args)
        app = create_app(config=config_from_args(args), clock=clock)
    except MockError as exc:
        print(f"mockserver: {exc.title}: {exc.detail}. {exc.fix}", file=sys.stderr)
        return 2
    scheme = "https" if args.ssl_certfile else "http"
    mounts = ", ".join(f"{scheme}://{args.host}:{args.port}{p.mount}" for p in app.state.core.providers.values())
    print(f"mockserver: serving {mounts}", file=sys.stderr)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        access_log=False,
        log_level=args.log_level,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        date_header=not isinstance(clock, FrozenClock),  # frozen: no wall-clock Date header either
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
