"""The recorder refuses traversal and SSRF, sends its own AWS credentials only to AWS, and writes no secret.

Secrets are planted in the prompt (not in any header, so only their shape gives them away) and echoed back by
the upstream in one JSON body and in streams cut into 7-character deltas, so every secret is split across
events; then every written file (and the text each written stream spells out) is searched for them.
"""

import base64
import http.client
import json
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from contracts.wire.eventstream import decode_messages, encode_event
from mockserver.behaviour.fixtures import split_frames
from mockserver.errors import MockError
from mockserver.record import RecorderConfig, create_recorder_app
from mockserver.record.redact import Redactor
from mockserver.record.scrub import scrub
from tests.record.conftest import OPENROUTER_KEY, RECORDER_KEY_ID, RunningApp

MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1:0"
AWS_KEY_ID = "AKIA" + "Z7Q3EXAMPLE2K3Y9"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYz9EXAMPLEK"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDx" + "Zm9vYmFyYmF6" * 12
BEARER = "tok_live_9f8e7d6c5b4a3f2e1d0c"
SK_OR = "sk-or-v1-" + "0123456789abcdef" * 4
PASSWORD = "hunter2-correct-horse"
PLANTED = [AWS_KEY_ID, AWS_SECRET, SESSION_TOKEN, BEARER, SK_OR, PASSWORD, OPENROUTER_KEY]
PROMPT = (f"Keep these safe: aws_access_key_id={AWS_KEY_ID} aws_secret_access_key={AWS_SECRET} "
          f"aws_session_token={SESSION_TOKEN} Authorization: Bearer {BEARER} my openrouter key {SK_OR} "
          f"password: {PASSWORD}")
RECORDER_TOKEN = "FwoGZXIvYXdzEBYaDrecorder-session-token-do-not-send-elsewhere"


def pieces(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


# -- an upstream that repeats the prompt back, in every framing -------------------------------------------------


async def _openrouter(request: Request) -> Response:
    body = json.loads(await request.body())
    said = "You said: " + body["messages"][-1]["content"] + " (key " + request.headers["authorization"][7:] + ")"
    if not body.get("stream"):
        document = {"id": "gen-1", "object": "chat.completion", "model": body["model"],
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": said}}]}
        return Response(json.dumps(document, indent=2), media_type="application/json")

    async def events() -> AsyncIterator[bytes]:
        yield b": OPENROUTER PROCESSING\n\n"
        for piece in pieces(said):
            chunk = {"id": "gen-1", "model": body["model"], "choices": [{"index": 0, "delta": {"content": piece}}]}
            yield f"data: {json.dumps(chunk)}\n\n".encode()
        yield b"data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


async def _converse_stream(request: Request) -> Response:
    said = "You said: " + json.loads(await request.body())["messages"][-1]["content"][0]["text"]
    frames = [encode_event("messageStart", b'{"role":"assistant","p":"abcdefghijklmnopqrstuvwxyzABCDEFGH"}')]
    frames += [encode_event("contentBlockDelta", json.dumps(
        {"contentBlockIndex": 0, "delta": {"text": piece}, "p": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO"}).encode())
        for piece in pieces(said)]  # fmt: skip
    frames += [encode_event("contentBlockStop", b'{"contentBlockIndex":0}'),
               encode_event("messageStop", b'{"stopReason":"end_turn"}')]
    return Response(b"".join(frames), media_type="application/vnd.amazon.eventstream")


async def _invoke_stream(request: Request) -> Response:
    said = "You said: " + json.loads(await request.body())["prompt"]
    frames = [encode_event("chunk", json.dumps({"bytes": base64.b64encode(json.dumps(
        {"generation": piece, "stop_reason": None}).encode()).decode(), "p": "abcdefghijklmnop"}).encode())
        for piece in pieces(said)]  # fmt: skip
    return Response(b"".join(frames), media_type="application/vnd.amazon.eventstream")


@pytest.fixture(scope="module")
def echo() -> Iterator[RunningApp]:
    app = RunningApp(app=Starlette(routes=[
        Route("/api/v1/chat/completions", _openrouter, methods=["POST"]),
        Route("/model/{model}/converse-stream", _converse_stream, methods=["POST"]),
        Route("/model/{model}/invoke-with-response-stream", _invoke_stream, methods=["POST"]),
    ]))  # fmt: skip
    yield app
    app.stop()


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., RunningApp]]:
    running: list[RunningApp] = []

    def start(**fields: Any) -> RunningApp:
        running.append(RunningApp(app=create_recorder_app(RecorderConfig(tmp_path / "rec", **fields))))
        return running[-1]

    yield start
    for app in running:
        app.stop()


def spelled_out(path: Path) -> str:
    """The text a written stream spells out when its deltas are joined (where a split secret would reappear)."""
    data = path.read_bytes()
    if path.suffix == ".sse":
        events = [json.loads(line[6:]) for frame in split_frames(data, "sse") for line in frame.splitlines()
                  if line.startswith(b"data: {")]  # fmt: skip
        return "".join(e["choices"][0]["delta"].get("content", "") for e in events)
    text = ""
    for message in decode_messages(data):  # CRCs must still be right after the scrubbing
        payload = json.loads(message.payload)
        if "bytes" in payload:
            text += json.loads(base64.b64decode(payload["bytes"]))["generation"]
        else:
            text += payload.get("delta", {}).get("text", "")
    return text


def assert_nothing_planted(folder: Path) -> None:
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files, "nothing was recorded"
    for path in files:
        data = path.read_bytes()
        spelled = spelled_out(path) if path.suffix in (".sse", ".eventstream") else ""
        for secret in PLANTED:
            assert secret.encode() not in data, f"{secret[:8]}… in {path.name}"
            assert secret not in spelled, f"{secret[:8]}… spelled out by the events of {path.name}"
            assert secret not in str(path)
        assert "keep" not in path.name.lower() and "safe" not in path.name.lower()  # no prompt text in names


def test_secrets_in_prompts_are_cut_from_json_and_from_streams_split_into_deltas(
    echo: RunningApp, start: Callable[..., RunningApp], tmp_path: Path
) -> None:
    recorder = start(upstreams={"openrouter": f"{echo.url}/api/v1", "bedrock": echo.url})
    auth = {"authorization": f"Bearer {OPENROUTER_KEY}"}
    url = f"{recorder.url}/openrouter/api/v1/chat/completions"
    chat = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": PROMPT}]}
    for stream in (False, True):
        answer = httpx.post(url, json={**chat, "stream": stream}, headers=auth)
        assert answer.status_code == 200 and (SK_OR in answer.text or stream)  # the client gets what was said
    bedrock = {"authorization": "Bearer ABSKQmVkcm9ja0FQSUtleS10ZXN0LWtleQ==", "content-type": "application/json"}
    converse = {"messages": [{"role": "user", "content": [{"text": PROMPT}]}]}
    assert httpx.post(f"{recorder.url}/bedrock/model/{MAVERICK}/converse-stream", json=converse,
                      headers=bedrock).status_code == 200  # fmt: skip
    assert httpx.post(f"{recorder.url}/bedrock/model/{MAVERICK}/invoke-with-response-stream",
                      json={"prompt": PROMPT}, headers=bedrock).status_code == 200  # fmt: skip
    out = tmp_path / "rec"
    assert len(list(out.rglob("*.json"))) == 4 and len(list(out.rglob("*.eventstream"))) == 2
    assert_nothing_planted(out)
    transcript = spelled_out(next(out.rglob("*.sse")))
    assert transcript.startswith("You said: Keep these safe: aws_access_key_id=REDACTED")  # the rest is kept
    for fixture in out.rglob("*.json"):
        assert "REDACTED" in json.loads(fixture.read_text())["match"]["user_message"]


def test_names_carry_prompt_text_only_when_asked(echo: RunningApp, start: Callable[..., RunningApp],
                                                 tmp_path: Path) -> None:  # fmt: skip
    recorder = start(upstreams={"openrouter": f"{echo.url}/api/v1"}, name_from_prompt=True)
    chat = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": f"Hello {SK_OR}"}]}
    httpx.post(f"{recorder.url}/openrouter/api/v1/chat/completions", json=chat,
               headers={"authorization": f"Bearer {OPENROUTER_KEY}"})  # fmt: skip
    [fixture] = (tmp_path / "rec").rglob("*.json")
    assert fixture.name.startswith("hello-redacted-")


def test_a_key_split_across_sse_events_leaves_no_fragment_and_other_bytes_stay() -> None:
    def event(text: str) -> bytes:
        return f'data: {{"choices":[{{"delta":{{"content":{json.dumps(text)}}}}}]}}\n\n'.encode()

    frames = [b": keep-alive\n\n", *(event(p) for p in pieces(f"key {SK_OR} ok", 5)), event(" bye")]
    clean = scrub(frames, "sse", Redactor({}))
    assert len(clean) == len(frames) and clean[0] == frames[0]
    said = "".join(json.loads(f[6:])["choices"][0]["delta"]["content"] for f in clean[1:])
    assert said == "key REDACTED ok bye"
    assert clean[-1] == frames[-1]  # an event holding no part of the key keeps its bytes


# -- where requests may go -------------------------------------------------------------------------------------


class Upstream:
    """An httpx transport standing in for the network: records what was sent where, answers a Converse."""

    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return httpx.Response(200, json={"output": {"message": {"role": "assistant", "content": [{"text": "hi"}]}},
                                         "stopReason": "end_turn", "usage": {"inputTokens": 1, "outputTokens": 1,
                                                                             "totalTokens": 2}})  # fmt: skip


def _sigv4(region: str) -> dict[str, str]:
    return {"authorization": f"AWS4-HMAC-SHA256 Credential=AKIACLIENTEXAMPLE/20260101/{region}/bedrock/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=00", "x-amz-date": "20260101T000000Z",
            "x-amz-security-token": "client-session-token", "content-type": "application/json"}  # fmt: skip


CONVERSE = {"messages": [{"role": "user", "content": [{"text": "Hi"}]}]}


@pytest.fixture
def canary() -> Iterator[tuple[int, list[bytes]]]:
    """A bare TCP listener on loopback: the host an attacker names; records every connection's first bytes."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    seen.append(connection.recv(65536))
                except OSError:
                    seen.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], seen
    stop.set()
    thread.join()
    listener.close()


def test_a_region_naming_another_host_is_refused_and_nothing_connects(
    start: Callable[..., RunningApp], canary: tuple[int, list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SESSION_TOKEN", RECORDER_TOKEN)
    port, seen = canary
    recorder = start()  # no --upstream: the Bedrock host is built from the region, on the real network transport
    for region in (f"x@127.0.0.1:{port}#", f"127.0.0.1:{port}", "us-east-1.evil.example#", "US-EAST-1"):
        answer = httpx.post(f"{recorder.url}/bedrock/model/{MAVERICK}/converse", json=CONVERSE,
                            headers=_sigv4(region))  # fmt: skip
        assert seen == [], region  # the recorder never connected to the host the client named
        assert answer.status_code == 400, (region, answer.text)
        assert answer.json()["title"] == "Region refused" and answer.json()["mock"] is True


def test_the_recorders_credentials_go_to_the_regions_aws_host_only(
    start: Callable[..., RunningApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SESSION_TOKEN", RECORDER_TOKEN)
    upstream = Upstream()
    recorder = start(transport=httpx.MockTransport(upstream))
    answer = httpx.post(f"{recorder.url}/bedrock/model/{MAVERICK}/converse", json=CONVERSE,
                        headers=_sigv4("us-west-2"))  # fmt: skip
    assert answer.status_code == 200, answer.text
    [sent] = upstream.sent
    assert sent.url.host == "bedrock-runtime.us-west-2.amazonaws.com" and sent.url.scheme == "https"
    assert sent.headers["x-amz-security-token"] == RECORDER_TOKEN  # the recorder's own, re-signed for AWS
    assert f"Credential={RECORDER_KEY_ID}/" in sent.headers["authorization"]
    assert "/us-west-2/bedrock/aws4_request" in sent.headers["authorization"]


@pytest.mark.parametrize(("provider", "url"), [
    ("bedrock", "https://bedrock-runtime.x@127.0.0.1:9#.amazonaws.com/model/m/converse"),
    ("bedrock", "http://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse"),
    ("bedrock", "https://bedrock-runtime.us-east-1.amazonaws.com.evil.example/model/m/converse"),
    ("openrouter", "https://openrouter.ai.evil.example/api/v1/chat/completions"),
    ("openrouter", "https://user@openrouter.ai/api/v1/chat/completions"),
    ("aimlapi", "https://openrouter.ai/v1/chat/completions"),
])  # fmt: skip
def test_only_the_providers_own_hosts_pass_the_last_check(tmp_path: Path, provider: str, url: str) -> None:
    recorder = create_recorder_app(RecorderConfig(tmp_path)).state.recorder
    spec = recorder.providers[provider]
    recorder.destinations.check(spec, recorder.destinations.base(spec, "us-east-1") + "/x")  # its own: fine
    with pytest.raises(MockError, match="Upstream refused"):
        recorder.destinations.check(spec, url)


def test_a_bad_region_option_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(MockError, match="Region refused"):
        create_recorder_app(RecorderConfig(tmp_path, region="x@evil.example#"))


@pytest.mark.parametrize("path", [
    "/openrouter/api/v1/../../../v1/keys",
    "/openrouter/api/v1/%2e%2e/%2E%2E/keys",
    "/openrouter/api/v1/chat/..%2F..%2Fkeys",
    "/openrouter/api/v1/./chat/completions",
    "/bedrock/model/..%5C..%5Cx/converse",
])  # fmt: skip
def test_dot_segments_are_refused_before_anything_is_sent(start: Callable[..., RunningApp], path: str) -> None:
    upstream = Upstream()
    recorder = start(transport=httpx.MockTransport(upstream))
    connection = http.client.HTTPConnection("127.0.0.1", recorder.port, timeout=10)
    try:  # http.client sends the path as given; httpx would remove the dot segments itself
        connection.request("POST", path, body=b"{}", headers={"authorization": f"Bearer {OPENROUTER_KEY}",
                                                             "content-type": "application/json"})  # fmt: skip
        answer = connection.getresponse()
        problem = json.loads(answer.read())
    finally:
        connection.close()
    assert answer.status == 400 and problem["title"] == "Path not forwarded", problem
    assert upstream.sent == []


def test_empty_segments_are_normalised_and_forwarded(start: Callable[..., RunningApp]) -> None:
    upstream = Upstream()
    recorder = start(transport=httpx.MockTransport(upstream))
    httpx.get(f"{recorder.url}/openrouter/api/v1//models", headers={"authorization": f"Bearer {OPENROUTER_KEY}"})
    [sent] = upstream.sent
    assert str(sent.url) == "https://openrouter.ai/api/v1/models"


# -- shapes ----------------------------------------------------------------------------------------------------


def test_secret_keys_and_session_tokens_are_found_beside_what_marks_them() -> None:
    redact = Redactor({}).text
    csv = f"User name,Access key ID,Secret access key\nalice,{AWS_KEY_ID},{AWS_SECRET}\n"  # IAM's credentials.csv
    assert redact(csv) == "User name,Access key ID,Secret access key\nalice,REDACTED,REDACTED\n"
    temporary = "ASIA" + AWS_KEY_ID[4:]
    opaque = "Zm9vYmFyYmF6" * 12  # a session token without the STS prefix: only its neighbour gives it away
    assert redact(f"{temporary} {opaque}") == "REDACTED REDACTED"
    assert redact(f'"SessionToken": "{opaque}"') == '"SessionToken": "REDACTED"'


def test_look_alikes_far_from_any_key_are_kept() -> None:
    redact = Redactor({}).text
    kept = [
        AWS_SECRET,  # 40 characters of base64, but nothing says it is a secret key
        "Zm9vYmFyYmF6" * 12,  # long base64 (an image, a payload) with no session-token hint
        "0123456789abcdef" * 4,  # a sha256
        "pip install sk-learn-pipeline-examples",
        '{"usage": {"prompt_tokens": 12345678901}, "max_tokens": 4096}',
    ]
    for text in kept:
        assert redact(text) == text
    far = f"{AWS_KEY_ID}{' and so on' * 40} {AWS_SECRET}"  # the 40 characters are 400 away from the key id
    assert redact(far) == far.replace(AWS_KEY_ID, "REDACTED")


@pytest.mark.parametrize(("method", "path"), [("PROPFIND", "/openrouter/api/v1/models"), ("GET", "*"),
                                              ("M-SEARCH", "/nowhere")])  # fmt: skip
def test_odd_methods_and_paths_get_the_mocks_own_error(start: Callable[..., RunningApp], method: str,
                                                        path: str) -> None:
    upstream = Upstream()
    recorder = start(transport=httpx.MockTransport(upstream))
    connection = http.client.HTTPConnection("127.0.0.1", recorder.port, timeout=10)
    try:
        connection.request(method, path)
        answer = connection.getresponse()
        body = answer.read()
    finally:
        connection.close()
    # Every request reaches the recorder, as on the mock: never starlette's plain-text 404/405.
    assert answer.status < 500 and answer.getheader("content-type", "").startswith("application/"), body
