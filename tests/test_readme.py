"""Every Python example in README.md runs exactly as written (only the quick-start port is changed)."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
PYTEST_EXAMPLES = [b for b in BLOCKS if "def test_" in b]
CLIENT_EXAMPLES = [b for b in BLOCKS if "def test_" not in b]


def test_readme_has_the_promised_examples() -> None:
    text = "\n".join(PYTEST_EXAMPLES)
    for needle in ("OpenAI(", "AsyncOpenAI(", "boto3.client(", "mockserver_url"):
        assert needle in text
    assert len(CLIENT_EXAMPLES) >= 3


def test_quick_start_snippets_run_against_a_server(server) -> None:
    for block in CLIENT_EXAMPLES:
        code = block.replace("http://127.0.0.1:8080", server.url)
        namespace: dict[str, object] = {}
        exec(compile(code, str(README), "exec"), namespace)  # our own README
        reply = namespace.get("reply") or namespace.get("response")
        assert reply is not None


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
