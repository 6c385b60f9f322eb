"""``contracts check``: examples and properties within a budget, reports, exit codes, keys kept secret."""

import json
import socket
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contracts.checks import CHECKS
from contracts.cli import main
from contracts.registry import MOUNTS
from contracts.targets import open_target

PROVIDERS = ("openrouter", "aimlapi", "bedrock")
# The example cases a faithful mock answers per provider, mock-only fault cases included (a local target).
_OPENAI_STYLE = {"example:models", "example:chat", "example:chat-stream", "example:tools",
                 "example:error-invalid-param", "example:error-no-key"}  # fmt: skip
EXAMPLES = {
    "openrouter": _OPENAI_STYLE | {"example:fault-429", "example:mid-stream-error", "example:responses",
                                   "example:responses-stream-tools", "example:responses-stateless",
                                   "example:responses-mid-stream-error", "example:messages",
                                   "example:messages-stream-tools", "example:messages-error-invalid-param",
                                   "example:messages-mid-stream-error", "example:models-count",
                                   "example:reasoning", "example:reasoning-stream", "example:routing-sort",
                                   "example:error-no-endpoints"},
    "aimlapi": _OPENAI_STYLE | {"example:fault-403", "example:retired-model"},
    "bedrock": {"example:invoke", "example:invoke-stream", "example:converse", "example:converse-stream",
                "example:converse-tools", "example:error-invalid-param", "example:error-bare-model-id",
                "example:fault-throttling", "example:stream-fault"},
}  # fmt: skip
_KEY_VARS = ("OPENROUTER_API_KEY", "AIMLAPI_API_KEY", "AWS_BEARER_TOKEN_BEDROCK", "AWS_ACCESS_KEY_ID",
             "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")  # fmt: skip


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials from the developer's environment leak into these runs."""
    for name in _KEY_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def mock_url(start_server: Callable[..., Any]) -> str:
    """The root URL of the faithful mock."""
    url: str = start_server().url
    return url


def _check(tmp_path: Path, provider: str, base: str, *extra: str) -> tuple[int, dict[str, Any], str]:
    report, junit = tmp_path / f"{provider}.json", tmp_path / f"{provider}.xml"
    code = main(["check", "--provider", provider, "--base-url", base, "--report", str(report),
                 "--junit", str(junit), *extra])  # fmt: skip
    return code, json.loads(report.read_text()) if report.exists() else {}, junit.read_text() if junit.exists() else ""


@pytest.mark.parametrize("provider", PROVIDERS)
def test_faithful_mock_passes_with_exit_0(
    provider: str, mock_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, junit = _check(tmp_path, provider, mock_url + MOUNTS[provider])
    out, err = capsys.readouterr()
    assert code == 0, out
    assert report["passed"] and report["requests_sent"] == 30 == len(report["results"])
    examples = {r["name"] for r in report["results"] if r["name"].startswith("example:")}
    assert examples == EXAMPLES[provider]  # this provider's examples, every one of them, and no other's
    assert report["summary"]["examples"] == len(EXAMPLES[provider])
    assert report["summary"]["properties"] == 30 - len(EXAMPLES[provider])  # the rest of the budget
    assert any(r["label"] for r in report["results"])  # invalid property cases say what they break
    suite = ET.fromstring(junit)
    assert (suite.get("tests"), suite.get("failures")) == ("30", "0")
    assert "no drift" in out and "[ 30/30]" in err  # summary on stdout, progress on stderr


def test_same_seed_same_requests_and_report(mock_url: str, tmp_path: Path) -> None:
    base = mock_url + MOUNTS["openrouter"]
    first = _check(tmp_path, "openrouter", base)[1]
    second = _check(tmp_path, "openrouter", base)[1]
    # Ids, created, latencies differ between the two runs; the report holds none of them.
    assert first == second
    other = _check(tmp_path, "openrouter", base, "--seed", "7")[1]
    assert [r["request"] for r in other["results"]] != [r["request"] for r in first["results"]]


@pytest.mark.parametrize(("budget", "examples", "properties"), [(3, 3, 0), (23, 21, 2)])
def test_budget_caps_requests(mock_url: str, tmp_path: Path, budget: int, examples: int, properties: int) -> None:
    code, report, _ = _check(tmp_path, "openrouter", mock_url + MOUNTS["openrouter"], "--max-requests", str(budget))
    assert code == 0
    assert report["requests_sent"] == budget
    assert (report["summary"]["examples"], report["summary"]["properties"]) == (examples, properties)


@pytest.mark.parametrize(
    ("provider", "how", "secret"),
    [
        ("openrouter", "flag", "sk-or-v1-0123456789abcdefSECRET"),
        ("aimlapi", "env:AIMLAPI_API_KEY", "aiml-secret-4f5e6d7c8b9a"),
        ("bedrock", "env:AWS_BEARER_TOKEN_BEDROCK", "ABSKsecretBedrockKey0123456789"),
        ("bedrock", "env:AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"),
    ],
)
def test_keys_never_reach_output_or_reports(
    provider: str, how: str, secret: str, mock_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    extra: list[str] = []
    if how == "flag":
        extra = ["--api-key", secret]
    else:
        monkeypatch.setenv(how.split(":")[1], secret)
        if how.endswith("AWS_SECRET_ACCESS_KEY"):
            monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE")
    code, _, _ = _check(tmp_path, provider, mock_url + MOUNTS[provider], "--max-requests", "6", *extra)
    out, err = capsys.readouterr()
    assert code == 0
    for text in (out, err, *(p.read_text() for p in tmp_path.iterdir())):
        assert secret not in text


def test_target_uses_the_scheme_the_credentials_call_for(monkeypatch: pytest.MonkeyPatch) -> None:
    assert open_target("openrouter", "http://127.0.0.1:1/openrouter/api/v1").auth_scheme == "bearer"  # dummy key
    assert open_target("bedrock", "http://127.0.0.1:1/bedrock").auth_scheme == "sigv4"  # fake SigV4 keys
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "ABSKtoken")
    target = open_target("bedrock", "http://127.0.0.1:1/bedrock")
    assert (target.auth_scheme, target.secrets) == ("bearer", ["ABSKtoken"])
    assert "ABSKtoken" not in repr(target)


CLOSED = "{closed}"  # a port bound for the test and never listened on: refused, and no other process can take it


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--provider", "openrouter", "--base-url", f"http://127.0.0.1:{CLOSED}/api/v1"], "cannot reach"),
        (["--provider", "openrouter", "--base-url", "https://openrouter.ai/api/v1"], "no credentials for live"),
        (["--provider", "aimlapi", "--base-url", "ftp://example.test/v1"], "must be an http(s) URL"),
        (["--provider", "bedrock", "--base-url", "http://127.0.0.1:1/bedrock", "--max-requests", "0"], "at least 1"),
        (["--provider", "nope", "--base-url", "http://127.0.0.1:1"], "invalid choice"),
    ],
)
def test_usage_and_connection_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as held:  # bound, not listening: a port chosen at collection could be taken by then
        held.bind(("127.0.0.1", 0))
        closed = str(held.getsockname()[1])
        assert main(["check", *[a.replace(CLOSED, closed) for a in argv]]) == 2
    assert message in capsys.readouterr().err


def test_checks_lists_the_checker_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checks"]) == 0
    out = capsys.readouterr().out
    for name in ("http.status", "http.content-type", "error.status-match", "bedrock.error-type", "fault.delivered"):
        assert name in CHECKS and name in out
