"""What the inspector reads: each journal entry's id, answer, response, stream timing and strict-mode miss, the
new admin routes (the page, one request, the fixtures) and their guard, through real clients on a real server."""

import json
from typing import Any

import httpx
import openai
import pytest

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.engine.outcome import STREAM_BYTES, STREAM_EVENTS, StreamLog
from mockserver.http import MockRequest
from tests.conftest import RunningServer

MAVERICK = "meta-llama/llama-4-maverick"
KEY = "sk-or-v1-" + "1e" * 24  # obviously fake
TOKEN = "fake-admin-token-0000"


def _client(url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{url}/openrouter/api/v1", api_key=KEY, max_retries=0)


def _journal(url: str, **query: str) -> dict[str, Any]:
    answer = httpx.get(f"{url}/__admin/requests", params=query)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


@pytest.mark.mockserver(strict=True)
def test_entries_say_what_answered_and_keep_the_response(mockserver_url: str) -> None:
    with _client(mockserver_url) as client:
        client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": "Hello"}])
        with pytest.raises(openai.NotFoundError):
            client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": "Hello, zebra"}])
        list(client.chat.completions.create(model=MAVERICK, stream=True, metadata={"fixture": "recorded-probe"},
                                            messages=[{"role": "user", "content": "Hi"}]))  # fmt: skip
    hit, miss, recorded = _journal(mockserver_url)["requests"]
    assert [e["id"] for e in (hit, miss, recorded)] == [0, 1, 2]
    assert (hit["source"], hit["fixture"]) == ("fixture", "conversations/hello.json")
    assert hit["response"]["body"]["choices"][0]["message"]["content"].startswith("Hello!")
    assert hit["response"]["headers"]["content-type"].startswith("application/json") and hit["elapsed_ms"] >= 0
    assert (recorded["source"], recorded["fixture"]) == ("recorded", "openrouter/chat_completions/"
                                                         "recorded-maverick-stream.json")  # fmt: skip
    assert miss["source"] is None and miss["status"] == 404
    closest = {c["fixture"]: c["failed"] for c in miss["miss"]["closest"]}
    assert closest["conversations/hello.json"] == [{"matcher": "user_message", "reason": "last user message is "
                                                    "'Hello, zebra', fixture wants exactly 'Hello'"}]  # fmt: skip
    assert miss["miss"]["title"] == "No fixture matched" and "--strict" in miss["miss"]["fix"]
    assert hit["miss"] is None and recorded["miss"] is None


def test_stream_events_keep_their_order_timing_and_bytes(mockserver_url: str) -> None:
    with _client(mockserver_url) as client:
        chunks = client.chat.completions.create(model=MAVERICK, stream=True,
                                                messages=[{"role": "user", "content": "count to ten"}])  # fmt: skip
        said = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    [entry] = _journal(mockserver_url)["requests"]
    stream = entry["response"]["stream"]
    assert stream["state"] == "complete" and stream["untimed"] == 0
    events = stream["events"]
    assert len(events) == stream["pieces"] and sum(e["size"] for e in events) == stream["bytes"]
    times = [e["at_ms"] for e in events]
    assert times == sorted(times) and times[0] >= entry["elapsed_ms"] - 0.001  # sent after the engine answered
    assert events[-1]["text"] == "data: [DONE]\n\n"
    content = [json.loads(e["text"][6:])["choices"][0]["delta"].get("content") or "" for e in events
               if e["text"].startswith("data: {") and json.loads(e["text"][6:])["choices"]]  # fmt: skip
    assert "".join(content) == said


def test_bedrock_event_stream_frames_are_decoded(bedrock_client: Any, mockserver_url: str) -> None:
    answer = bedrock_client.invoke_model_with_response_stream(
        modelId="us.meta.llama4-scout-17b-instruct-v1:0", body=json.dumps({"prompt": "Hi", "max_gen_len": 20}))
    assert list(answer["body"])
    [entry] = _journal(mockserver_url)["requests"]
    events = entry["response"]["stream"]["events"]
    assert {e["event"] for e in events} == {"chunk"}
    assert "generation" in events[0]["payload"]["decoded"]  # the chunk's base64 bytes, read


@pytest.fixture
def bedrock_client(mockserver_url: str) -> Any:
    import boto3

    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{mockserver_url}/bedrock")
    yield client
    client.close()


def test_a_stream_the_client_left_says_so() -> None:
    core = MockCore()
    body = json.dumps({"model": MAVERICK, "stream": True, "messages": [{"role": "user", "content": "count to ten"}]})
    response = core.handle(MockRequest.build("POST", "/openrouter/api/v1/chat/completions",
                                             {"authorization": f"Bearer {KEY}"}, body.encode()))  # fmt: skip
    pieces = response.paced()
    next(pieces), next(pieces)
    pieces.close()  # what a transport does when the client goes away
    [entry] = [e.to_dict() for e in core.journal.entries()]
    assert entry["response"]["stream"]["state"] == "closed by the client"
    assert entry["response"]["stream"]["pieces"] == 1  # the second piece was taken but never confirmed sent


def test_the_stream_log_is_bounded() -> None:
    log = StreamLog(0.0, lambda: 0.0)
    piece = b"x" * 1000
    for _ in range(STREAM_EVENTS + 50):
        log.sent(0.0, piece)
    log.ended(True)
    view = log.to_dict("text/event-stream")
    assert view["pieces"] == STREAM_EVENTS + 50 and view["untimed"] == 50 and len(view["events"]) == STREAM_EVENTS
    kept = [e for e in view["events"] if "text" in e]
    assert len(kept) == STREAM_BYTES // 1000 and all("size" in e for e in view["events"])


def test_filters_since_limit_and_one_request(mockserver_url: str) -> None:
    with _client(mockserver_url) as client:
        for text in ("Hello", "Hi", "Hello"):
            client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": text}])
    httpx.get(f"{mockserver_url}/aimlapi/v1/models")
    assert [e["id"] for e in _journal(mockserver_url, since="1")["requests"]] == [2, 3]
    assert [e["id"] for e in _journal(mockserver_url, limit="2")["requests"]] == [2, 3]
    assert [e["id"] for e in _journal(mockserver_url, source="generated")["requests"]] == [1]
    assert [e["id"] for e in _journal(mockserver_url, status="200", provider="aimlapi")["requests"]] == [3]
    assert _journal(mockserver_url, limit="0")["newest"] == 3
    one = httpx.get(f"{mockserver_url}/__admin/requests/1").json()
    assert one["id"] == 1 and one["body"]["messages"][0]["content"] == "Hi"
    gone = httpx.get(f"{mockserver_url}/__admin/requests/99")
    assert gone.status_code == 404 and gone.headers["x-should-retry"] == "false"
    bad = httpx.get(f"{mockserver_url}/__admin/requests", params={"since": "yesterday"})
    assert bad.status_code == 400 and "since" in bad.json()["detail"]


def test_fixtures_listing(mockserver_url: str) -> None:
    added = {"provider": "openrouter", "operation": "chat_completions", "name": "zebra", "times": 2,
             "match": {"user_message_contains": "zebra" * 100}, "reply": {"content": "Stripes."}}  # fmt: skip
    assert httpx.post(f"{mockserver_url}/__admin/fixtures", json=added).status_code == 201
    listing = httpx.get(f"{mockserver_url}/__admin/fixtures").json()
    first = listing["fixtures"][0]
    assert [first[k] for k in ("name", "kind", "runtime", "times", "used")] == ["zebra", "reply", True, 2, 0]
    assert len(first["match"]["user_message_contains"]) == 301 and first["reply"]["content"] == "Stripes."
    names = {f["name"]: f for f in listing["fixtures"]}
    assert names["openrouter/chat_completions/recorded-maverick-stream.json"]["response"]["framing"] == "sse"
    assert names["conversations/hello.json"]["provenance"]["source"]
    assert listing["count"] == len(listing["fixtures"])


@pytest.fixture(scope="module")
def guarded() -> Any:
    server = RunningServer(MockCore(MockConfig(admin_token=TOKEN)))
    yield server
    server.stop()


def test_the_page_needs_no_token_but_the_data_does(guarded: RunningServer) -> None:
    page = httpx.get(f"{guarded.url}/__admin/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert '<script src="/__admin/inspector.js"' in page.text and "http" not in page.text.replace("http-equiv", "")
    script = httpx.get(f"{guarded.url}/__admin/inspector.js")
    assert script.status_code == 200 and "textContent" in script.text and "innerHTML" not in script.text
    assert httpx.get(f"{guarded.url}/__admin/inspector.css").headers["content-type"] == "text/css"
    for path in ("requests", "requests/0", "fixtures", "metrics"):
        assert httpx.get(f"{guarded.url}/__admin/{path}").status_code == 401, path
        assert httpx.get(f"{guarded.url}/__admin/{path}", headers={"x-mock-admin-token": TOKEN}).status_code in (
            200, 404)  # fmt: skip
    foreign = httpx.get(f"{guarded.url}/__admin/", headers={"host": "evil.example"})
    assert foreign.status_code == 403  # the DNS-rebinding guard covers the page too
    cross = httpx.get(f"{guarded.url}/__admin/inspector.js", headers={"origin": "http://evil.example"})
    assert cross.status_code == 403
