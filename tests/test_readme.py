"""Every Python example in README.md runs exactly as written (only the quick-start port is changed)."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunningServer

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
PYTEST_EXAMPLES = [b for b in BLOCKS if "def test_" in b]
CLIENT_EXAMPLES = [b for b in BLOCKS if "def test_" not in b]
QUICK_START_CLIENTS = ("openai", "requests", "boto3")  # one quick-start snippet per provider, each with its client


def _client_of(block: str) -> str:
    return next((c for c in QUICK_START_CLIENTS if f"import {c}" in block or f"from {c} import" in block), "?")


QUICK_START = {_client_of(b): b for b in CLIENT_EXAMPLES}


def test_readme_has_the_promised_examples() -> None:
    text = "\n".join(PYTEST_EXAMPLES)
    for needle in ("OpenAI(", "AsyncOpenAI(", "boto3.client(", "mockserver_url"):
        assert needle in text
    assert len(CLIENT_EXAMPLES) == len(QUICK_START) == len(QUICK_START_CLIENTS)
    assert set(QUICK_START) == set(QUICK_START_CLIENTS)


def _reply_text(client: str, namespace: dict[str, Any]) -> str:
    """What the snippet got back, checked as a successful chat reply for the model the README asks for."""
    if client == "openai":  # OpenRouter: a ChatCompletion (the SDK raises on error statuses)
        reply = namespace["reply"]
        assert reply.model == "meta-llama/llama-4-maverick" and reply.choices[0].message.role == "assistant"
        assert reply.choices[0].finish_reason == "stop"
        return str(reply.choices[0].message.content)
    if client == "requests":  # AI/ML API: requests does not raise, so the status is the promise
        response = namespace["response"]
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        document = response.json()
        # AI/ML API answers with the upstream name, meta-llama/Llama-4-Scout-17B-16E-Instruct (wire-contracts §2.3)
        assert document["object"] == "chat.completion" and "llama-4-scout" in document["model"].lower()
        assert document["choices"][0]["message"]["role"] == "assistant"
        return str(document["choices"][0]["message"]["content"])
    reply = namespace["reply"]  # Bedrock Converse
    assert reply["ResponseMetadata"]["HTTPStatusCode"] == 200 and reply["stopReason"] == "end_turn"
    assert reply["output"]["message"]["role"] == "assistant" and reply["usage"]["outputTokens"] > 0
    return str(reply["output"]["message"]["content"][0]["text"])


@pytest.mark.parametrize("client", QUICK_START_CLIENTS)
def test_quick_start_snippet_gets_a_reply(server: RunningServer, client: str) -> None:
    code = QUICK_START[client].replace("http://127.0.0.1:8080", server.url)
    namespace: dict[str, Any] = {}
    exec(compile(code, str(README), "exec"), namespace)  # our own README
    assert _reply_text(client, namespace).strip()


def test_pytest_examples_run_as_a_user_would(tmp_path: Path) -> None:
    imports = "import boto3\nimport httpx\nimport pytest\nfrom openai import AsyncOpenAI, OpenAI\n"
    (tmp_path / "test_readme_examples.py").write_text(imports + "\n\n".join(PYTEST_EXAMPLES), encoding="utf-8")
    (tmp_path / "conftest.py").write_text(textwrap.dedent("""
        import pytest

        @pytest.fixture
        def anyio_backend():
            return "asyncio"

        @pytest.fixture(autouse=True)
        def fake_aws(monkeypatch):
            for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                                "AWS_DEFAULT_REGION": "us-east-1"}.items():
                monkeypatch.setenv(name, value)
            monkeypatch.delenv("AWS_BEARER_TOKEN_BEDROCK", raising=False)
    """), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(PYTEST_EXAMPLES)} passed" in result.stdout
