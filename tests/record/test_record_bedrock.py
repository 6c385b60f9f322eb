"""Record Bedrock through the proxy with boto3 (re-signed SigV4) and a bearer key, then replay strictly."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from contracts.wire.eventstream import decode_messages
from mockserver.behaviour.fixtures import split_frames
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest
from tests.record.conftest import (
    BEDROCK_API_KEY,
    CLIENT_KEY_ID,
    CLIENT_SECRET,
    RunningApp,
    assert_no_secrets,
)

MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1:0"
PROMPT = ("<|begin_of_text|><|header_start|>user<|header_end|>\n\nName three colours<|eot|>"
          "<|header_start|>assistant<|header_end|>\n\n")
CONVERSE = {"messages": [{"role": "user", "content": [{"text": "Name three colours"}]}]}
# Any well-formed SigV4 header passes a lenient mock (mockserver/providers/bedrock/auth.py).
FAKE_SIGV4 = {"authorization": "AWS4-HMAC-SHA256 Credential=AKIAREPLAY0000000000/20260101/us-east-1/bedrock/"
              "aws4_request, SignedHeaders=host;x-amz-date, Signature=00", "x-amz-date": "20260101T000000Z",
              "content-type": "application/json"}


def _client(base: str) -> Any:
    # A fresh Session per client, so these credentials stay out of boto3's default session (tests/bedrock).
    session = boto3.session.Session(aws_access_key_id=CLIENT_KEY_ID, aws_secret_access_key=CLIENT_SECRET)
    return session.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{base}/bedrock",
                          config=Config(retries={"max_attempts": 1}))


def _replay(folder: Path, path: str, body: dict[str, Any]) -> Any:
    core = MockCore(MockConfig(fixtures_dir=folder, strict=True))
    return core.handle(MockRequest.build("POST", f"/bedrock/model/{path}", FAKE_SIGV4, json.dumps(body).encode()))


def _only(folder: Path, operation: str) -> tuple[dict[str, Any], Path]:
    [path] = sorted((folder / "bedrock" / operation).glob("*.json"))
    return json.loads(path.read_text()), path.parent


def test_all_four_operations_record_and_replay(
    recorder: RunningApp, tmp_path: Path, start_server: Callable[..., Any]
) -> None:
    client = _client(recorder.url)
    invoke_body = {"prompt": PROMPT, "max_gen_len": 64}
    invoked = json.loads(client.invoke_model(modelId=MAVERICK, body=json.dumps(invoke_body))["body"].read())
    streamed = [json.loads(e["chunk"]["bytes"]) for e in
                client.invoke_model_with_response_stream(modelId=MAVERICK, body=json.dumps(invoke_body))["body"]]
    conversed = client.converse(modelId=MAVERICK, **CONVERSE)
    events = list(client.converse_stream(modelId=MAVERICK, **CONVERSE)["stream"])
    client.close()
    out = tmp_path / "rec"
    assert {p.parent.name for p in out.glob("bedrock/*/*.json")} == {"invoke_model", "converse"}
    operations = sorted(json.loads(p.read_text())["provenance"]["operation"] for p in out.glob("bedrock/*/*.json"))
    assert operations == ["converse", "converse_stream", "invoke_model", "invoke_model_with_response_stream"]

    # Streams: one file frame per upstream frame, replayed frame for frame, byte for byte.
    encoded = MAVERICK.replace(":", "%3A")
    for operation, path, body, count in (
        ("invoke_model", f"{encoded}/invoke-with-response-stream", invoke_body, len(streamed)),
        ("converse", f"{encoded}/converse-stream", CONVERSE, len(events)),
    ):
        fixtures = [json.loads(p.read_text()) for p in (out / "bedrock" / operation).glob("*.json")]
        [fixture] = [f for f in fixtures if f["match"]["stream"]]
        assert fixture["match"]["model"] == MAVERICK and fixture["response"]["framing"] == "eventstream"
        transcript = (out / "bedrock" / operation / fixture["response"]["file"]).read_bytes()
        frames = split_frames(transcript, "eventstream")
        assert len(frames) == count == len(fixture["provenance"]["timing"]["chunks_ms"])
        assert len(decode_messages(transcript)) == count  # CRCs intact
        replayed = _replay(out, path, body)
        assert replayed.status == 200 and replayed.content() == transcript and len(replayed.chunks) == count

    # The same SDK calls against a strict server reading the recorded folder get the recorded answers.
    served = start_server(fixtures_dir=out, strict=True)
    again = _client(served.url)
    assert json.loads(again.invoke_model(modelId=MAVERICK, body=json.dumps(invoke_body))["body"].read()) == invoked
    assert again.converse(modelId=MAVERICK, **CONVERSE)["output"] == conversed["output"]
    assert [json.loads(e["chunk"]["bytes"]) for e in again.invoke_model_with_response_stream(
        modelId=MAVERICK, body=json.dumps(invoke_body))["body"]] == streamed
    assert list(again.converse_stream(modelId=MAVERICK, **CONVERSE)["stream"]) == events
    with pytest.raises(ClientError):
        again.converse(modelId=MAVERICK, messages=[{"role": "user", "content": [{"text": "Something else"}]}])
    again.close()
    assert_no_secrets(out)


def test_bearer_key_is_forwarded_as_is_and_never_written(recorder: RunningApp, tmp_path: Path) -> None:
    headers = {"authorization": f"Bearer {BEDROCK_API_KEY}", "content-type": "application/json"}
    response = httpx.post(f"{recorder.url}/bedrock/model/{MAVERICK}/converse", json=CONVERSE, headers=headers)
    assert response.status_code == 200, response.text
    fixture, _ = _only(tmp_path / "rec", "converse")
    assert fixture["match"]["user_message"] == "Name three colours"
    assert_no_secrets(tmp_path / "rec")


def test_without_credentials_to_re_sign_the_recorder_answers_with_its_own_error(
    recorder: RunningApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    session = boto3.session.Session(aws_access_key_id=CLIENT_KEY_ID, aws_secret_access_key=CLIENT_SECRET)
    signed = session.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{recorder.url}/bedrock",
                            config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as failed:
        signed.converse(modelId=MAVERICK, **CONVERSE)
    signed.close()
    answer = failed.value.response
    assert 400 <= answer["ResponseMetadata"]["HTTPStatusCode"] < 500
    headers = answer["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-should-retry"] == "false" and headers["content-type"] == "application/problem+json"
    assert not (tmp_path / "rec").exists()
