"""Command line: ``mockserver serve [--host] [--port] [--fixtures] [--strict] [--provider] [--seed] [--api-key]
[--admin-token] [--admin-host] [--admin-port] [--ready-file] [--header-timeout] [--body-timeout] ...``."""

import argparse
import dataclasses
import ipaddress
import os
import sys
from datetime import datetime
from pathlib import Path

from contracts.registry import NAMES as PROVIDERS
from mockserver.behaviour.quirks import check_quirks
from mockserver.clock import Clock, FrozenClock
from mockserver.config import DEFAULT_FIXTURES, MockConfig, ServerLimits
from mockserver.core import all_providers
from mockserver.errors import MockError
from mockserver.record import cli as record_cli
from mockserver.serving import Listening, check_ready_file, run_until_stopped

__all__ = ["main"]

QUIRKS = {q.name: q for p in all_providers() for q in p.quirks}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, separate so tests can inspect it."""
    parser = argparse.ArgumentParser(
        prog="mockserver", description="Offline mock of OpenRouter, AI/ML API and Bedrock for Llama 4."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("quirks", help="list the docs-vs-traffic switches and their values")
    matrix = commands.add_parser("capabilities", help="print the capability matrix of every model, with sources")
    matrix.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES, help="catalogues to read")
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
    serve.add_argument("--ready-file", type=Path, metavar="PATH", help="once listening, write JSON (url, port, "
                       "ports, admin_url, urls, pid) to PATH atomically, for CI scripts to wait on; removed on a "
                       "clean exit (SIGINT or SIGTERM, exit status 0)")  # fmt: skip
    _add_admin_arguments(serve)
    _add_limit_arguments(serve)
    record_cli.add_commands(commands)
    return parser


def _add_admin_arguments(serve: argparse.ArgumentParser) -> None:
    admin = serve.add_argument_group("admin API (/__admin)")
    admin.add_argument(
        "--admin-token",
        default=os.environ.get("MOCKSERVER_ADMIN_TOKEN") or None,
        metavar="TOKEN",
        help="require this token on /__admin (x-mock-admin-token: TOKEN or Authorization: Bearer TOKEN); default "
        "$MOCKSERVER_ADMIN_TOKEN; without it, --api-key keys are required there, and with neither admin is open",
    )
    admin.add_argument(
        "--admin-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer admin requests whose Host is NAME (repeatable; * for any); default: localhost, "
        "127.0.0.1, [::1] and the --host address",
    )
    admin.add_argument(
        "--admin-port", type=int, metavar="PORT", help="serve /__admin only on this port (default: on --port)"
    )
    admin.add_argument(
        "--journal-bodies",
        choices=["truncated", "full"],
        default="truncated",
        help="journal bodies over 64 KiB as their first 64 KiB (default) or whole",
    )


def _add_limit_arguments(serve: argparse.ArgumentParser) -> None:
    limits, defaults = serve.add_argument_group("slow and idle clients"), ServerLimits()
    limits.add_argument("--header-timeout", type=float, default=defaults.header_timeout, metavar="SECONDS",
                        help="408 and close when a request's headers take longer (default %(default)s)")
    limits.add_argument("--body-timeout", type=float, default=defaults.body_timeout, metavar="SECONDS",
                        help="408 and close when a body takes longer after its headers (default %(default)s)")
    limits.add_argument("--keep-alive-timeout", type=int, default=defaults.keep_alive_timeout, metavar="SECONDS",
                        help="close a keep-alive connection idle this long (default %(default)s)")
    limits.add_argument("--send-timeout", type=float, default=defaults.send_timeout, metavar="SECONDS",
                        help="drop a client that reads nothing of a reply this long (default %(default)s)")
    limits.add_argument("--max-connections", type=int, default=defaults.max_connections, metavar="N",
                        help="open connections; beyond, the longest idle is closed, else 503 (default %(default)s, "
                        "at most the open-file limit less 100)")
    limits.add_argument("--max-header-bytes", type=int, default=defaults.max_header_bytes, metavar="BYTES",
                        help="431 and close beyond this many header bytes (default %(default)s)")  # fmt: skip


def limits_from_args(args: argparse.Namespace) -> ServerLimits:
    """The listener limits of ``serve``'s arguments; ``MockError`` for a value that is not positive."""
    for flag in ("header_timeout", "body_timeout", "keep_alive_timeout", "send_timeout", "max_connections",
                 "max_header_bytes"):  # fmt: skip
        if not getattr(args, flag) > 0:
            name = "--" + flag.replace("_", "-")
            raise MockError("Bad configuration", f"{name} {getattr(args, flag)}", fix=f"Give {name} a positive value.")
    return ServerLimits(
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout,
        keep_alive_timeout=args.keep_alive_timeout,
        send_timeout=args.send_timeout,
        max_connections=args.max_connections,
        max_header_bytes=args.max_header_bytes,
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a ``--host`` value) is reachable from this machine only."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
    admin_hosts = list(args.admin_host)
    if args.host not in ("0.0.0.0", "::", ""):  # a wildcard is no name a client uses
        admin_hosts.append(args.host)
    return MockConfig(
        fixtures_dir=args.fixtures,
        strict=args.strict,
        seed=args.seed,
        root_provider=args.provider,
        api_keys=keys,
        quirks=quirks,
        pace=args.pace,
        rate_limits=args.rate_limits,
        admin_token=args.admin_token,
        admin_hosts=admin_hosts,
        journal_bodies=args.journal_bodies,
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


def _print_capabilities(fixtures: Path) -> int:
    from mockserver.core import MockCore, capability_rows

    rows = capability_rows(MockCore(MockConfig(fixtures_dir=fixtures)))
    if not rows:
        print("mockserver: no capability rows in the catalogues", file=sys.stderr)
        return 1
    width = max(len(model) for _, model, *_ in rows)
    print(f"{'provider':<11} {'model':<{width}} {'feature':<28} supported  source")
    for provider, model, feature, supported, source in rows:
        print(f"{provider:<11} {model:<{width}} {feature:<28} {'yes' if supported else 'no':<10} {source}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "quirks":
        for known in QUIRKS.values():
            print(f"{known.name} = {' | '.join(known.choices)}  (default {known.default})")
            print(f"    {known.summary}\n    source: {known.source}")
        return 0
    if args.command == "capabilities":
        return _print_capabilities(args.fixtures)
    if args.command in record_cli.COMMANDS:
        return record_cli.run(args)
    from mockserver.app import create_app
    from mockserver.inprocess.server import fit_connections, make_server

    try:
        clock = clock_from_args(args)
        config = config_from_args(args)
        app = create_app(config=config, clock=clock)
        limits = limits_from_args(args)
        if args.ready_file is not None:
            check_ready_file(args.ready_file)
    except MockError as exc:
        print(f"mockserver: {exc.title}: {exc.detail}. {exc.fix}", file=sys.stderr)
        return 2
    fitted = fit_connections(limits.max_connections)
    if fitted < limits.max_connections:
        print(f"mockserver: --max-connections lowered to {fitted} to fit the open-file limit", file=sys.stderr)
        limits = dataclasses.replace(limits, max_connections=fitted)
    try:
        server, sockets = make_server(
            app, host=args.host, port=args.port, admin_port=args.admin_port, limits=limits, log_level=args.log_level,
            ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile,
            date_header=not isinstance(clock, FrozenClock),  # frozen: no wall-clock Date header either
        )  # fmt: skip
    except OSError as exc:
        print(f"mockserver: cannot listen on {args.host}: {exc}", file=sys.stderr)
        return 2
    listening = Listening("https" if args.ssl_certfile else "http", args.host, sockets, args.admin_port is not None,
                          {p.name: p.mount for p in app.state.core.providers.values()})  # fmt: skip
    listening.announce()
    if not is_loopback(args.host):
        _warn_beyond_loopback(args.host, config)
    return run_until_stopped(server, sockets, listening, args.ready_file)


def _warn_beyond_loopback(host: str, config: MockConfig) -> None:
    guarded = bool(config.admin_token or any(config.api_keys.values()))
    lines = [
        f"WARNING: --host {host} listens beyond this machine: anyone who can reach it can call the mock",
        "and its admin API (the journal holds request bodies; fixtures can be added; state can be reset).",
        "The admin API takes a token: --admin-token TOKEN (or $MOCKSERVER_ADMIN_TOKEN)."
        if not guarded
        else "The admin API requires a token (--admin-token, else the --api-key keys).",
        "Admin requests must name localhost, 127.0.0.1, [::1] or the --host address in Host; add the names",
        "your clients use with --admin-host NAME. Bind 127.0.0.1 (the default) to keep all of it local.",
    ]
    print("\n".join(f"mockserver: {line}" for line in lines), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
