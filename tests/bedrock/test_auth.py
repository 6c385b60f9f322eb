"""Authentication: SigV4 (lenient or verified), Bedrock API keys as bearer tokens, missing credentials."""

from typing import Any

import httpx
import pytest
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.bedrock.conftest import MAVERICK, ClientFactory
from tests.bedrock.helpers import error_code, user
from tests.conftest import FAKE_AWS_KEY_ID, FAKE_AWS_SECRET

STRICT = {"sigv4_credentials": {FAKE_AWS_KEY_ID: FAKE_AWS_SECRET}}  # the suite's fake credentials, verified


def _authorization_of(client: Any) -> list[str]:
    seen: list[str] = []
    client.meta.events.register("before-send.bedrock-runtime.*", lambda request, **_: seen.append(
        request.headers.get("Authorization", b"").decode() if isinstance(request.headers.get("Authorization"), bytes)
        else str(request.headers.get("Authorization"))))
    return seen


def test_sigv4_is_accepted_leniently(client: Any) -> None:
    seen = _authorization_of(client)
    assert client.converse(modelId=MAVERICK, messages=user("hi"))["stopReason"] == "end_turn"
    assert seen[0].startswith(f"AWS4-HMAC-SHA256 Credential={FAKE_AWS_KEY_ID}/")
    assert "/us-east-1/bedrock/aws4_request" in seen[0]


def test_bearer_token_from_environment(make_tls_client: ClientFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore sends bearer tokens over HTTPS only (BOTOCORE auth.BearerAuth: "Bearer authorization
    # requires an HTTPS endpoint."), so this runs against the TLS server.
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "ABSKdGVzdGluZw==")
    client = make_tls_client()
    seen = _authorization_of(client)
    assert client.converse(modelId=MAVERICK, messages=user("hi"))["stopReason"] == "end_turn"
    assert seen == ["Bearer ABSKdGVzdGluZw=="]


def test_bearer_token_checked_against_configured_keys(make_tls_client: ClientFactory,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "ABSKwrong")
    client = make_tls_client(config={"api_keys": {"bedrock": ["ABSKright"]}})
    with pytest.raises(ClientError) as info:
        client.converse(modelId=MAVERICK, messages=user("hi"))
    assert error_code(info.value) == "AccessDeniedException"


def test_no_credentials(make_client: ClientFactory, bedrock_url: str) -> None:
    client = make_client(options={"signature_version": UNSIGNED})
    with pytest.raises(ClientError) as info:
        client.converse(modelId=MAVERICK, messages=user("hi"))
    assert error_code(info.value) == "AccessDeniedException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    raw = httpx.post(f"{bedrock_url}/model/{MAVERICK}/converse", json={"messages": user("hi")})
    # [obs] karthink/gptel#1397: capital "Message" and the coral.service namespace.
    assert raw.json() == {"Message": "Authorization header is missing"}
    assert raw.headers["x-amzn-errortype"] == "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/"


def test_strict_sigv4_good_signature(make_client: ClientFactory) -> None:
    client = make_client(config=STRICT)
    assert client.converse(modelId=MAVERICK, messages=user("hi"))["stopReason"] == "end_turn"
    profile = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama4-scout-17b-instruct-v1:0"
    stream = client.converse_stream(modelId=profile, messages=user("hi"))["stream"]  # %3A and %2F in the signed path
    assert "metadata" in list(stream)[-1]


@pytest.mark.parametrize(("key", "secret", "code"), [
    (FAKE_AWS_KEY_ID, "wrong-secret", "InvalidSignatureException"),
    ("AKIDUNKNOWN", FAKE_AWS_SECRET, "UnrecognizedClientException"),
])
def test_strict_sigv4_bad_credentials(make_client: ClientFactory, key: str, secret: str, code: str) -> None:
    client = make_client(config=STRICT, aws_access_key_id=key, aws_secret_access_key=secret)
    with pytest.raises(ClientError) as info:
        client.invoke_model(modelId=MAVERICK, body=b'{"prompt":"hi"}')
    assert error_code(info.value) == code
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    if code == "InvalidSignatureException":
        assert info.value.response["Error"]["Message"].startswith("The request signature we calculated does not match")


def test_tampered_body_fails_strict_verification(start_server: Any) -> None:
    url = f"{start_server(**STRICT).url}/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/converse"
    signed = AWSRequest("POST", url, data=b'{"messages":[]}', headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(FAKE_AWS_KEY_ID, FAKE_AWS_SECRET), "bedrock", "us-east-1").add_auth(signed)
    tampered = b'{"messages":[{"role":"user","content":[{"text":"x"}]}]}'
    response = httpx.post(url, content=tampered, headers=dict(signed.headers))
    assert response.status_code == 403 and response.headers["x-amzn-errortype"].startswith("InvalidSignatureException:")


def test_wrong_signing_name_is_rejected(bedrock_url: str) -> None:
    url = f"{bedrock_url}/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/converse"
    signed = AWSRequest("POST", url, data=b"{}", headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials("testing", "testing"), "bedrock-runtime", "us-east-1").add_auth(signed)
    response = httpx.post(url, content=b"{}", headers=dict(signed.headers))
    assert response.status_code == 403
    assert response.json()["message"].startswith("Credential should be scoped to correct service: 'bedrock'")
