"""Node clients for the suite: npm installs tests/node/package-lock.json into tests/node/node_modules (ours, ignored).

Where node or npm is missing (or the registry cannot be reached) the tests that need them are skipped, saying why.
"""

import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _installed() -> bool:
    marker = HERE / "node_modules" / ".package-lock.json"  # npm writes it after a complete install
    return marker.is_file() and marker.stat().st_mtime >= (HERE / "package-lock.json").stat().st_mtime


@pytest.fixture(scope="session")
def node() -> str:
    """The node binary, with tests/node's packages installed (npm ci, once per lock file change)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not on PATH: the Node client tests need Node.js 20+ and npm")
    if not _installed():
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)], capture_output=True,
                              text=True, timeout=600, check=False)  # fmt: skip
        if done.returncode != 0:
            pytest.skip(f"npm ci in tests/node failed (registry unreachable?): {done.stderr.strip()[-400:]}")
    return node


@contextlib.contextmanager
def serve(*flags: str) -> Iterator[str]:
    """``mockserver serve`` as a user starts it, in its own process, waited for by ``--ready-file``; its base URL."""
    with tempfile.TemporaryDirectory() as folder:
        ready = Path(folder) / "ready.json"
        process = subprocess.Popen([sys.executable, "-m", "mockserver", "serve", "--port", "0", "--ready-file",
                                    str(ready), *flags], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        try:
            for _ in range(800):
                if ready.is_file():
                    break
                if process.poll() is not None:
                    said = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"mockserver serve exited: {said}")
                time.sleep(0.025)
            yield str(json.loads(ready.read_text())["url"])
        finally:
            process.terminate()
            process.wait(10)
            if process.stderr is not None:
                process.stderr.close()
