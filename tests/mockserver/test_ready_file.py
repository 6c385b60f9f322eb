"""``mockserver serve --ready-file PATH``: written atomically once the listeners accept, removed on a clean exit."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.serving import Listening, write_atomically

STALE = "stale: from a run that was killed"


def _start(ready: Path, *flags: str, cwd: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--ready-file", str(ready), *flags]
    return subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _current(ready: Path) -> bool:
    try:
        return ready.read_text(encoding="utf-8") != STALE
    except FileNotFoundError:
        return False


def _wait_for(ready: Path, process: subprocess.Popen[str]) -> dict[str, Any]:
    """What a CI script does: wait for the file (or the process's end), then read it."""
    deadline = time.monotonic() + 60
    while not _current(ready):
        assert process.poll() is None, f"mockserver serve exited: {process.communicate()[1]}"
        assert time.monotonic() < deadline, "no ready file"
        time.sleep(0.02)
    document: dict[str, Any] = json.loads(ready.read_text(encoding="utf-8"))
    return document


def _stop(process: subprocess.Popen[str], sig: int) -> tuple[int, str]:
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=20)
    return process.returncode, stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_ready_file_names_a_listening_server_and_goes_on_a_clean_exit(tmp_path: Path, sig: int) -> None:
    ready = tmp_path / "ci" / "mockserver.json"
    ready.parent.mkdir()
    ready.write_text(STALE, encoding="utf-8")  # a killed run's file is replaced (CI scripts remove it first)
    process = _start(ready, cwd=tmp_path)
    try:
        document = _wait_for(ready, process)
        assert document["pid"] == process.pid
        port = document["port"]
        assert isinstance(port, int) and port > 0 and document["ports"] == [port]
        assert document["url"] == f"http://127.0.0.1:{port}" and document["host"] == "127.0.0.1"
        assert document["admin_url"] == f"http://127.0.0.1:{port}/__admin"
        assert document["urls"] == {"openrouter": f"http://127.0.0.1:{port}/openrouter/api/v1",
                                    "aimlapi": f"http://127.0.0.1:{port}/aimlapi/v1",
                                    "bedrock": f"http://127.0.0.1:{port}/bedrock"}  # fmt: skip
        # The file is there only once the listener answers: the first request after it succeeds.
        assert httpx.get(f"{document['admin_url']}/health").json()["status"] == "ok"
        models = httpx.get(f"{document['urls']['openrouter']}/models")
        assert models.status_code == 200 and models.json()["data"]
        assert [p.name for p in ready.parent.iterdir()] == ["mockserver.json"]  # no temporary file left beside it
    finally:
        status, stderr = _stop(process, sig)
    assert status == 0, stderr
    assert not ready.exists()
    assert "Traceback" not in stderr


def test_ready_file_with_an_admin_port_names_both(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    process = _start(ready, "--admin-port", "0", cwd=tmp_path)
    try:
        document = _wait_for(ready, process)
        port, admin_port = document["ports"]
        assert port == document["port"] and admin_port != port
        assert document["admin_url"] == f"http://127.0.0.1:{admin_port}/__admin"
        assert httpx.get(f"{document['admin_url']}/health").status_code == 200
        assert httpx.get(f"{document['url']}/__admin/health").status_code == 404  # not on the providers' port
    finally:
        status, stderr = _stop(process, signal.SIGTERM)
    assert status == 0, stderr
    assert not ready.exists()


def test_a_ready_file_in_a_missing_folder_is_refused_before_listening(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--port", "0", "--ready-file",
                           str(tmp_path / "missing" / "ready.json")], capture_output=True, text=True, timeout=60,
                          check=False)  # fmt: skip
    assert done.returncode == 2
    assert "--ready-file" in done.stderr and "existing, writable folder" in done.stderr
    assert "serving" not in done.stderr


def test_the_ready_file_is_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "ready.json"
    write_atomically(target, {"url": "http://127.0.0.1:1"})
    write_atomically(target, {"url": "http://127.0.0.1:2"})
    assert json.loads(target.read_text(encoding="utf-8")) == {"url": "http://127.0.0.1:2"}
    with pytest.raises(TypeError):  # fails halfway through the JSON: the old file stays, no temporary is left
        write_atomically(target, {"url": "http://127.0.0.1:3", "oops": object()})
    assert json.loads(target.read_text(encoding="utf-8")) == {"url": "http://127.0.0.1:2"}
    assert [p.name for p in tmp_path.iterdir()] == ["ready.json"]
    assert oct(os.stat(target).st_mode & 0o777) == "0o644"


@pytest.mark.parametrize(
    ("host", "url"),
    [("127.0.0.1", "http://127.0.0.1"), ("0.0.0.0", "http://127.0.0.1"), ("::", "http://[::1]"),
     ("::1", "http://[::1]"), ("[::1]", "http://[::1]"), ("localhost", "http://localhost")],
)  # fmt: skip
def test_the_ready_url_is_one_a_client_here_can_dial(host: str, url: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = sock.getsockname()[1]
        document = Listening("http", host, [sock], False, {"bedrock": "/bedrock"}).document()
    assert document["url"] == f"{url}:{port}" and document["urls"] == {"bedrock": f"{url}:{port}/bedrock"}
    assert document["host"] == host
