"""Command line: ``mockserver serve [--host] [--port] [--fixtures] [--strict] [--provider] [--seed] [--api-key]``."""

import argparse
import sys
from pathlib import Path

from mockserver.config import DEFAULT_FIXTURES, MockConfig
from mockserver.errors import MockError
from mockserver.behaviour.quirks import QUIRKS, check_quirks
from mockserver.record import cli as record_cli

__all__ = ["main"]

PROVIDERS = ["openrouter", "aimlapi", "bedrock"]


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
    serve.add_argument("--seed", type=int, default=0, help="mixed into generated replies")
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
    check_quirks(quirks, "--quirk")
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
        app = create_app(config=config_from_args(args))
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
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
