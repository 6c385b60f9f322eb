"""``mockserver fixtures import``: vcrpy cassettes recorded from real clients (httpx, requests) against a local
mock under the providers' real URLs, and HAR files built from local traffic, become fixtures that replay byte
for byte through a strict mock; what is not imported is reported with the reason."""

import base64
import copy
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import vcr
import yaml
from vcr.serializers import yamlserializer

from mockserver.cli import main
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.inprocess.server import ServerThread

UPSTREAM = {"/openrouter/api/v1": "https://openrouter.ai/api/v1", "/aimlapi/v1": "https://api.aimlapi.com/v1",
            "/bedrock": "https://bedrock-runtime.eu-west-1.amazonaws.com"}  # fmt: skip
OR_KEY, AIML_KEY, BEDROCK_KEY = "sk-or-v1-fake0000import", "fake-aimlapi-key-0000", "ABSKZmFrZWZha2VmYWtlZmFrZQ00"
SCOUT, BEDROCK = "meta-llama/llama-4-scout", "us.meta.llama4-scout-17b-instruct-v1%3A0"
MESSAGES = [{"role": "user", "content": "Name a bird."}]
CONVERSE = {"messages": [{"role": "user", "content": [{"text": "Name a fish."}]}]}
PROMPT = {"prompt": "<|begin_of_text|><|header_start|>user<|header_end|>\n\nName a tree.<|eot|>"}


def calls(base: str) -> list[tuple[str, str, dict[str, str], Any]]:
    """(client, URL on the mock, headers, JSON body) of each recorded call: both OpenAI vocabularies and Bedrock."""
    bearer = lambda key: {"authorization": f"Bearer {key}"}  # noqa: E731
    return [
        ("httpx", f"{base}/openrouter/api/v1/chat/completions", bearer(OR_KEY), {"model": SCOUT, "messages": MESSAGES}),
        ("httpx", f"{base}/openrouter/api/v1/chat/completions", bearer(OR_KEY),
         {"model": SCOUT, "messages": MESSAGES, "stream": True}),
        ("requests", f"{base}/aimlapi/v1/chat/completions", bearer(AIML_KEY),
         {"model": SCOUT, "messages": MESSAGES, "stream": True}),
        ("requests", f"{base}/bedrock/model/{BEDROCK}/converse", bearer(BEDROCK_KEY), CONVERSE),
        ("httpx", f"{base}/bedrock/model/{BEDROCK}/converse-stream", bearer(BEDROCK_KEY), CONVERSE),
        ("requests", f"{base}/bedrock/model/{BEDROCK}/invoke-with-response-stream", bearer(BEDROCK_KEY), PROMPT),
        ("httpx", f"{base}/bedrock/model/{BEDROCK}/invoke", bearer(BEDROCK_KEY), PROMPT),
    ]  # fmt: skip


def send(client: str, url: str, headers: dict[str, str], body: Any) -> bytes:
    if client == "httpx":
        return httpx.post(url, json=body, headers=headers).raise_for_status().content
    response = requests.post(url, json=body, headers=headers, timeout=30)
    response.raise_for_status()
    return response.content


def upstream_url(url: str, base: str) -> str:
    for mount, real in UPSTREAM.items():
        if url.startswith(base + mount):
            return real + url[len(base + mount) :]
    return url


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    """The mock standing in for the real providers while the cassettes are recorded."""
    running = ServerThread(MockCore(MockConfig(fixtures_dir=tmp_path_factory.mktemp("none"), seed=7)))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def cassette(upstream: ServerThread, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cassette recorded by vcrpy itself, each request's URL rewritten to the provider's real one."""
    path = tmp_path_factory.mktemp("cassettes") / "providers.yaml"

    def rewrite(request: Any) -> Any:
        request.uri = upstream_url(request.uri, upstream.url)
        return request

    with vcr.VCR(before_record_request=rewrite, record_mode="all").use_cassette(str(path)):
        for call in calls(upstream.url):
            send(*call)
        httpx.get(f"{upstream.url}/openrouter/api/v1/models")  # an operation the mock answers itself
        httpx.get(f"{upstream.url}/__admin/health")  # not a provider URL: the host stays 127.0.0.1
    return path


def replay(root: Path, base: str) -> list[bytes]:
    """Every call again, through a strict mock serving only the imported fixtures."""
    strict = ServerThread(MockCore(MockConfig(fixtures_dir=root, strict=True, seed=99)))
    try:
        return [send(tool, url.replace(base, strict.url), headers, body) for tool, url, headers, body in calls(base)]
    finally:
        strict.stop()


def test_a_vcrpy_cassette_imports_and_replays_byte_for_byte(
    cassette: Path, upstream: ServerThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fixtures", "import", str(cassette), "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 7
    assert "providers.yaml#8: skipped: openrouter list_models: unsupported operation" in err
    assert "providers.yaml#9: skipped: not a provider URL (http://127.0.0.1:" in err
    recorded = [item["response"]["body"]["string"] for item in yaml.safe_load(cassette.read_text())["interactions"]]
    as_bytes = [r if isinstance(r, bytes) else r.encode() for r in recorded[:7]]
    assert replay(tmp_path, upstream.url) == as_bytes
    streams = sorted(p.name.rsplit(".", 1)[1] for p in tmp_path.rglob("*") if p.suffix in (".sse", ".eventstream"))
    assert streams == ["eventstream", "eventstream", "sse", "sse"]
    written = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())
    assert OR_KEY not in written and BEDROCK_KEY not in written and AIML_KEY not in written
    document = json.loads(next(tmp_path.glob("openrouter/chat_completions/*-stream-*.json")).read_text())
    assert document["provenance"]["source"] == "mockserver fixtures import providers.yaml#2"
    assert document["provenance"]["upstream_url"] == "https://openrouter.ai/api/v1/chat/completions"
    assert document["match"] == {"model": SCOUT, "user_message": "Name a bird.", "stream": True, "has_tools": False,
                                 "tool_result": False, "turns": 1}  # fmt: skip


def test_gzip_bodies_as_vcrpy_keeps_them_are_decoded(
    cassette: Path, upstream: ServerThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = yaml.safe_load(cassette.read_text())
    for item in document["interactions"][:7]:
        body = item["response"]["body"]["string"]
        item["response"]["body"]["string"] = gzip.compress(body if isinstance(body, bytes) else body.encode())
        item["response"]["headers"]["Content-Encoding"] = ["gzip"]
    broken = copy.deepcopy(document["interactions"][0])
    broken["response"]["body"]["string"] = b"\x1f\x8bnot gzip"
    document["interactions"].append(broken)
    path = tmp_path / "gzip.yaml"
    path.write_text(yamlserializer.serialize(document))  # vcrpy's own serializer
    out = tmp_path / "fixtures"
    assert main(["fixtures", "import", str(path), "--out", str(out)]) == 0
    assert "gzip.yaml#10: skipped: undecodable body: the gzip body does not decompress" in capsys.readouterr().err
    plain = [i["response"]["body"]["string"] for i in yaml.safe_load(cassette.read_text())["interactions"][:7]]
    assert replay(out, upstream.url) == [p if isinstance(p, bytes) else p.encode() for p in plain]


def test_a_har_file_imports_and_replays_byte_for_byte(
    upstream: ServerThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries, recorded = [], []
    for _, url, headers, body in calls(upstream.url):
        response = httpx.post(url, json=body, headers=headers)
        recorded.append(response.content)
        binary = "eventstream" in response.headers["content-type"]
        content = {"size": len(response.content), "mimeType": response.headers["content-type"],
                   "text": base64.b64encode(response.content).decode() if binary else response.text}  # fmt: skip
        if binary:
            content["encoding"] = "base64"
        entries.append({
            "startedDateTime": "2026-12-01T10:00:00.000Z",
            "request": {"method": "POST", "url": upstream_url(url, upstream.url), "httpVersion": "HTTP/1.1",
                        "headers": [{"name": k, "value": v} for k, v in headers.items()],
                        "postData": {"mimeType": "application/json", "text": json.dumps(body)}},
            "response": {"status": response.status_code, "statusText": "OK", "httpVersion": "HTTP/1.1",
                         "headers": [{"name": k, "value": v} for k, v in response.headers.items()],
                         "content": content},
        })  # fmt: skip
    first = entries[0]
    extra = [
        {**first, "request": {**first["request"], "url": "https://example.com/v1/chat/completions"}},
        {**first, "response": {**first["response"], "content": {"encoding": "base64", "text": "%%%"}}},
        {**first, "response": {**first["response"], "status": 429}},
        {**first, "response": {**first["response"], "content": {"size": 0}}},
        {**first, "request": {**first["request"], "postData": {"text": '{"model": 5}'}}},
    ]
    har = tmp_path / "session.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"},
                                       "entries": entries + extra}}))  # fmt: skip
    out = tmp_path / "fixtures"
    assert main(["fixtures", "import", str(har), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "session.har#8: skipped: not a provider URL (https://example.com/v1/chat/completions)" in err
    assert "session.har#9: skipped: undecodable body: content.text is not base64" in err
    assert "session.har#10: skipped: openrouter chat_completions: status 429" in err
    assert "session.har#11: skipped: undecodable body: the HAR entry kept no response text" in err
    assert "session.har#12: skipped: openrouter chat_completions: the request body is not one the provider" in err
    assert replay(out, upstream.url) == recorded
    document = json.loads(next((out / "bedrock" / "converse").glob("*-stream-*.json")).read_text())
    assert document["provenance"]["recorded_at"] == "2026-12-01T10:00:00Z"  # the entry's startedDateTime
    assert document["response"]["framing"] == "eventstream"


def test_keys_in_recorded_bodies_are_cut_as_the_recorder_cuts_them(tmp_path: Path) -> None:
    body = {"id": "gen-1", "object": "chat.completion", "created": 1, "model": SCOUT,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": f"your key is {OR_KEY}"}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}  # fmt: skip
    har = tmp_path / "leak.har"
    har.write_text(json.dumps({"log": {"entries": [{
        "request": {"method": "POST", "url": "https://openrouter.ai/api/v1/chat/completions",
                    "headers": [{"name": "Authorization", "value": f"Bearer {OR_KEY}"}],
                    "postData": {"text": json.dumps({"model": SCOUT, "messages": MESSAGES})}},
        "response": {"status": 200, "headers": [{"name": "content-type", "value": "application/json"}],
                     "content": {"text": json.dumps(body)}}}]}}))  # fmt: skip
    assert main(["fixtures", "import", str(har), "--out", str(tmp_path / "out")]) == 0
    written = "".join(p.read_text() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert OR_KEY not in written and "your key is REDACTED" in written


def test_a_file_that_is_no_cassette_is_reported_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.yaml").write_text("just: notes\n")
    (tmp_path / "bad.yaml").write_text("interactions: [\n")
    files = [str(tmp_path / "notes.yaml"), str(tmp_path / "bad.yaml"), str(tmp_path / "missing.har")]
    assert main(["fixtures", "import", *files, "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "notes.yaml: not a VCR.py cassette (no `interactions`) nor a HAR file (no `log`)" in err
    assert "bad.yaml: neither JSON nor YAML" in err
    assert "missing.har: cannot be read" in err
