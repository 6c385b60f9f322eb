"""Running ``mockserver serve`` to the end: where it listens, ``--ready-file``, and a clean stop on a signal.

The ready file is how a CI script in any language knows the server is up without guessing: once every
listener accepts connections, a small JSON document (``ready_document``) is written to the path atomically (a
temporary file in the same folder, then a rename, so a reader never sees half of it). It is removed when the
server exits cleanly: SIGINT (Ctrl-C), SIGTERM, or any error after it started; only SIGKILL leaves it behind.
"""

import contextlib
import gc
import json
import os
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn

from mockserver.engine.admin import PREFIX
from mockserver.errors import MockError

__all__ = ["Listening", "check_ready_file", "run_until_stopped", "write_atomically"]

_WILDCARDS = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1", "[::]": "::1"}


class Listening:
    """The addresses one ``serve`` run listens on: as bound (said on stderr) and as a client here dials them."""

    def __init__(
        self, scheme: str, host: str, sockets: list[socket.socket], admin_port: bool, mounts: Mapping[str, str]
    ) -> None:
        """``sockets`` as ``make_server`` bound them: the providers' first, then the admin port's if any."""
        self.scheme, self.host, self.admin_port, self.mounts = scheme, host, admin_port, dict(mounts)
        self.ports = [int(s.getsockname()[1]) for s in sockets]

    def _origin(self, host: str, port: int) -> str:
        host = host.strip("[]")
        return f"{self.scheme}://{f'[{host}]' if ':' in host else host}:{port}"

    def document(self) -> dict[str, Any]:
        """What the ready file holds: ``url``, ``port``, ``ports``, ``admin_url``, ``urls`` (per provider), ``pid``."""
        reach = _WILDCARDS.get(self.host, self.host)  # a wildcard is no address a client can dial
        url = self._origin(reach, self.ports[0])
        admin = self._origin(reach, self.ports[-1]) if self.admin_port else url
        return {"url": url, "port": self.ports[0], "ports": self.ports, "admin_url": f"{admin}/{PREFIX}",
                "urls": {name: url + mount for name, mount in self.mounts.items()}, "host": self.host,
                "pid": os.getpid()}  # fmt: skip

    def announce(self) -> None:
        """Say on stderr where the providers (and a separate admin port) listen, at the address as bound."""
        base = self._origin(self.host, self.ports[0])
        print(f"mockserver: serving {', '.join(base + m for m in self.mounts.values())}", file=sys.stderr)
        if self.admin_port:
            admin = self._origin(self.host, self.ports[-1])
            print(f"mockserver: admin API on {admin}/{PREFIX} only", file=sys.stderr)


def check_ready_file(path: Path) -> None:
    """Fail before binding when ``path`` cannot be written; remove a stale file an earlier run left."""
    folder = path.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK) or path.is_dir():
        raise MockError("Bad configuration", f"--ready-file {str(path)!r} cannot be written",
                        fix=f"Give a file path in an existing, writable folder (not {str(folder)!r}).")  # fmt: skip
    path.unlink(missing_ok=True)


def write_atomically(path: Path, document: Mapping[str, Any]) -> None:
    """Write ``document`` as JSON to a temporary file beside ``path``, then rename it over ``path``."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2)
            out.write("\n")
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_until_stopped(
    server: uvicorn.Server, sockets: list[socket.socket], listening: Listening, ready_file: Path | None
) -> int:
    """Serve until SIGINT or SIGTERM (exit status 0), writing ``ready_file`` once the listeners accept."""
    failed: list[str] = []
    startup = server.startup

    async def startup_then_ready(sockets: list[socket.socket] | None = None) -> None:
        await startup(sockets=sockets)
        # What start-up made (modules, schemas, fixtures, catalogues: ~30,000 objects the collector tracks) lives
        # as long as the process: kept out of every collection from now on. A full collection walked them all in
        # the middle of a burst (46 ms in one, during 500 paced streams: python -m benchmarks.paced); after this,
        # none happened there. O(1): no collection first (a start-up figure), startup's own garbage stays.
        gc.freeze()
        if ready_file is None or not server.started or server.should_exit:
            return
        try:
            write_atomically(ready_file, listening.document())
        except OSError as exc:
            failed.append(f"mockserver: cannot write --ready-file {ready_file}: {exc}")
            server.should_exit = True

    server.startup = startup_then_ready  # type: ignore[method-assign]  # uvicorn has no "started" hook
    try:
        with _stop_on_signals(server):
            server.run(sockets=sockets)
    finally:
        if ready_file is not None:
            ready_file.unlink(missing_ok=True)
    for line in failed:
        print(line, file=sys.stderr)
    return 2 if failed else 0


@contextlib.contextmanager
def _stop_on_signals(server: uvicorn.Server) -> Iterator[None]:
    """SIGINT and SIGTERM stop the server and return, so the ready file is removed and the exit status is 0.

    uvicorn handles both while it serves, then restores the previous handlers and raises the signal again
    (uvicorn/server.py ``capture_signals``): with the default ones SIGTERM would kill the process before any
    clean-up and SIGINT would print a ``KeyboardInterrupt`` traceback. These handlers only ask it to exit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        server.should_exit = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
