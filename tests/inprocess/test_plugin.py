"""The pytest plugin: fixtures, the ``mockserver`` marker and ini options, and a fresh project using it."""

import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from mockserver.config import DEFAULT_FIXTURES
from mockserver.core import MockCore
from mockserver.inprocess import BedrockMock, HttpxMock


def test_defaults(mockserver_core: MockCore) -> None:
    config = mockserver_core.config
    assert (config.fixtures_dir, config.strict, config.seed) == (DEFAULT_FIXTURES, False, 0)


@pytest.mark.mockserver(fixtures="fixtures", strict=True, seed=3)
def test_marker_configures_the_core(mockserver_core: MockCore, request: pytest.FixtureRequest) -> None:
    config = mockserver_core.config
    assert (config.fixtures_dir, config.strict, config.seed) == (request.config.rootpath / "fixtures", True, 3)


def test_in_process_fixtures_share_one_core(openrouter_mock: HttpxMock, aimlapi_mock: HttpxMock,
                                            bedrock_mock: BedrockMock, mockserver_core: MockCore) -> None:
    assert openrouter_mock.core is aimlapi_mock.core is bedrock_mock.core is mockserver_core


@pytest.mark.mockserver(raise_on_mock_error=False, strict=True)
def test_marker_can_turn_mock_errors_into_responses(openrouter_mock: HttpxMock) -> None:
    answer = httpx.post("https://openrouter.ai/api/v1/chat/completions", headers={"authorization": "Bearer k"},
                        json={"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "zebra?"}]})
    assert answer.status_code == 404 and answer.headers["x-mock-error"] == "true"


@pytest.mark.mockserver(seed=5)
def test_mockserver_url_gets_a_server_per_configuration(mockserver_url: str) -> None:
    assert httpx.get(f"{mockserver_url}/__admin/health").status_code == 200


def test_a_fresh_project_with_strict_markers_and_ini_options(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text(textwrap.dedent("""\
        [pytest]
        addopts = --strict-markers --strict-config -p no:cacheprovider
        filterwarnings = error
        mockserver_strict = true
        mockserver_seed = 7
    """))
    (tmp_path / "test_user.py").write_text(textwrap.dedent("""\
        import pytest
        from openai import OpenAI
        from mockserver.inprocess import MockAssertionError

        def test_ini(openrouter_mock):
            assert openrouter_mock.core.config.strict and openrouter_mock.core.config.seed == 7
            client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="sk-or-v1-test")
            with pytest.raises(MockAssertionError):
                client.chat.completions.create(model="meta-llama/llama-4-scout",
                                               messages=[{"role": "user", "content": "zebra?"}])

        @pytest.mark.mockserver(strict=False)
        def test_marker(openrouter_mock):
            client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="sk-or-v1-test")
            assert client.chat.completions.create(model="meta-llama/llama-4-scout",
                                                  messages=[{"role": "user", "content": "zebra?"}]).choices

        def test_unused():
            assert True
    """))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_plugin_import_is_light() -> None:
    code = ("import sys, mockserver.pytest_plugin; "
            "names = ('boto3', 'botocore', 'openai', 'uvicorn', 'starlette', 'httpx2'); "
            "heavy = [m for m in names if m in sys.modules]; "
            "print(heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True)
    assert result.stdout.strip() == "[]"
