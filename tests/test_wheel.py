"""The wheel a user installs works on its own: built from this tree, installed into a fresh venv (dependencies from
PyPI, through pip's cache), its ``mockserver serve`` started from an unrelated folder answers every provider."""

import contextlib
import json
import os
import subprocess
import sys
import time
import venv
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from openai import OpenAI

ROOT = Path(__file__).resolve().parent.parent
CHAT = {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Hello"}]}


def _run(*command: str | Path, cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)  # fmt: skip
    assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A fresh venv holding only the wheel built from this tree and its dependencies; its bin folder and env."""
    folder = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", folder / "dist", ROOT, cwd=folder, env=env)
    wheel = next((folder / "dist").glob("llama_mockkit-*.whl"))
    venv.create(folder / "venv", with_pip=False)  # this pip installs into it (--python): no ensurepip, no bytecode
    bin_dir = folder / "venv" / "bin"
    _run(sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "-q", "--no-compile", wheel,
         cwd=folder, env=env)  # fmt: skip
    yield bin_dir, env


def test_the_wheel_carries_the_fixtures_and_finds_them(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bin_dir, env = installed
    code = "import mockserver.config as c; print(c.__file__); print(c.DEFAULT_FIXTURES)"
    where = _run(bin_dir / "python", "-c", code, cwd=tmp_path, env=env).split()
    module, fixtures = Path(where[0]), Path(where[1])
    assert bin_dir.parent in module.parents, "the test must import the installed copy, not this source tree"
    assert fixtures == module.parent / "_fixtures"
    source = sorted(p.relative_to(ROOT / "fixtures") for p in (ROOT / "fixtures").rglob("*") if p.is_file())
    shipped = sorted(p.relative_to(fixtures) for p in fixtures.rglob("*") if p.is_file())
    assert shipped == source and "openrouter/models.json" in map(str, shipped)
    assert all((fixtures / p).read_bytes() == (ROOT / "fixtures" / p).read_bytes() for p in source)


def test_the_installed_commands_run(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bin_dir, env = installed
    assert "serve" in _run(bin_dir / "mockserver", "--help", cwd=tmp_path, env=env)
    assert "--ready-file" in _run(bin_dir / "mockserver", "serve", "--help", cwd=tmp_path, env=env)
    assert "openrouter.usage" in _run(bin_dir / "mockserver", "quirks", cwd=tmp_path, env=env)
    capabilities = _run(bin_dir / "mockserver", "capabilities", cwd=tmp_path, env=env)  # reads the catalogues
    assert "meta.llama4-maverick-17b-instruct-v1:0" in capabilities
    assert "check" in _run(bin_dir / "contracts", "--help", cwd=tmp_path, env=env)


@contextlib.contextmanager
def _serving(bin_dir: Path, env: dict[str, str], cwd: Path) -> Iterator[dict[str, object]]:
    ready = cwd / "ready.json"
    process = subprocess.Popen([bin_dir / "mockserver", "serve", "--port", "0", "--ready-file", ready], cwd=cwd,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not ready.is_file():
            assert process.poll() is None, f"mockserver serve exited: {process.communicate()[1][-3000:]}"
            assert time.monotonic() < deadline, "mockserver serve wrote no ready file"
            time.sleep(0.05)
        yield json.loads(ready.read_text(encoding="utf-8"))
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_the_installed_server_answers_every_provider(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bin_dir, env = installed
    with _serving(bin_dir, env, tmp_path) as ready:
        urls = ready["urls"]
        assert isinstance(urls, dict)
        openrouter = OpenAI(base_url=urls["openrouter"], api_key="sk-or-v1-test", max_retries=0)
        reply = openrouter.chat.completions.create(model="meta-llama/llama-4-maverick",
                                                   messages=[{"role": "user", "content": "Hello"}])  # fmt: skip
        assert reply.choices[0].message.content and reply.choices[0].finish_reason == "stop"
        aimlapi = httpx.post(f"{urls['aimlapi']}/chat/completions", json=CHAT,
                             headers={"Authorization": "Bearer aiml-test"})  # fmt: skip
        assert aimlapi.status_code == 200, aimlapi.text
        assert aimlapi.json()["choices"][0]["message"]["content"]
        bedrock = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=urls["bedrock"])
        converse = bedrock.converse(modelId="us.meta.llama4-maverick-17b-instruct-v1:0",
                                    messages=[{"role": "user", "content": [{"text": "Hello"}]}])  # fmt: skip
        assert converse["stopReason"] == "end_turn" and converse["output"]["message"]["content"][0]["text"]
        journal = httpx.get(f"{ready['admin_url']}/requests").json()
        assert [(e["provider"], e["status"]) for e in journal["requests"]] == [
            ("openrouter", 200), ("aimlapi", 200), ("bedrock", 200)]  # fmt: skip
