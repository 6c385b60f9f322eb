"""Every Converse member botocore accepts, answered as AWS answers it for Llama 4 (providers/bedrock/members.py).

Through boto3 against the in-process mock; a refusal is 400 ``ValidationException`` with the exact words.
"""

import json
from typing import Any

import jsonschema
import pytest
from botocore.exceptions import ClientError

from mockserver.providers.bedrock import members
from tests.bedrock.conftest import MAVERICK
from tests.bedrock.helpers import user

HELLO = user("Hello")
GUARDRAIL = {"guardrailIdentifier": "abc123xyz", "guardrailVersion": "1"}
SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}, "temp_c": {"type": "integer"}},
          "required": ["city", "temp_c"], "additionalProperties": False}  # fmt: skip



def _converse(client: Any, **fields: Any) -> dict[str, Any]:
    answer: dict[str, Any] = client.converse(modelId=MAVERICK, messages=HELLO, **fields)
    return answer


def _stream(client: Any, **fields: Any) -> dict[str, dict[str, Any]]:
    """The last event of each kind, by name."""
    events = client.converse_stream(modelId=MAVERICK, messages=HELLO, **fields)["stream"]
    return {name: payload for event in events for name, payload in event.items()}


def _refused(client: Any, **fields: Any) -> str:
    with pytest.raises(ClientError) as caught:
        _converse(client, **fields)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    return str(caught.value.response["Error"]["Message"])


@pytest.mark.parametrize(("member", "sent", "echoed"), [
    ("performanceConfig", {"latency": "standard"}, {"latency": "standard"}),
    ("performanceConfig", {}, {"latency": "standard"}),
    ("serviceTier", {"type": "default"}, {"type": "default"}),
])  # fmt: skip
def test_performance_and_tier_are_echoed(bedrock: Any, member: str, sent: dict[str, Any], echoed: Any) -> None:
    assert _converse(bedrock, **{member: sent})[member] == echoed
    assert _stream(bedrock, **{member: sent})["metadata"][member] == echoed


def test_nothing_is_echoed_when_nothing_is_sent(bedrock: Any) -> None:
    answer, metadata = _converse(bedrock), _stream(bedrock)["metadata"]
    for member in ("performanceConfig", "serviceTier", "trace", "additionalModelResponseFields"):
        assert member not in answer and member not in metadata


@pytest.mark.parametrize("fields", [
    {"requestMetadata": {"team": "search", "ticket": "T-42"}},
    {"promptVariables": {"city": {"text": "Paris"}}},  # ignored without a prompt resource as modelId (BR-MODEL)
    {"outputConfig": {"effort": "high"}},
])  # fmt: skip
def test_members_accepted_without_effect(bedrock: Any, fields: dict[str, Any]) -> None:
    plain, given = _converse(bedrock), _converse(bedrock, **fields)
    assert given["output"] == plain["output"] and given["usage"] == plain["usage"]


def test_response_field_paths_pick_from_the_native_llama_response(bedrock: Any) -> None:
    paths = ["/stop_reason", "/generation_token_count", "/not_in_the_response"]
    answer = _converse(bedrock, additionalModelResponseFieldPaths=paths)
    assert answer["additionalModelResponseFields"] == {"stop_reason": "stop",
                                                       "generation_token_count": answer["usage"]["outputTokens"]}
    stop = _stream(bedrock, additionalModelResponseFieldPaths=paths)["messageStop"]
    assert stop["additionalModelResponseFields"]["stop_reason"] == "stop"


def test_response_field_paths_that_match_nothing_are_omitted(bedrock: Any) -> None:
    assert "additionalModelResponseFields" not in _converse(bedrock, additionalModelResponseFieldPaths=["/nope"])


@pytest.mark.parametrize("path", ["stop_reason", "/a~2b"])
def test_a_malformed_json_pointer_is_refused(bedrock: Any, path: str) -> None:
    assert _refused(bedrock, additionalModelResponseFieldPaths=[path]) == members.BAD_POINTER.format(path=path)


@pytest.mark.parametrize("trace", ["enabled", "enabled_full"])
def test_guardrail_trace_when_enabled(bedrock: Any, trace: str) -> None:
    config = GUARDRAIL | {"trace": trace}
    answer = _converse(bedrock, guardrailConfig=config)
    assessment = answer["trace"]["guardrail"]
    coverage = assessment["inputAssessment"]["abc123xyz"]["invocationMetrics"]["guardrailCoverage"]
    assert coverage["textCharacters"] == {"guarded": len("Hello"), "total": len("Hello")}
    [output] = assessment["outputAssessments"]["abc123xyz"]
    text = answer["output"]["message"]["content"][0]["text"]
    assert output["invocationMetrics"]["guardrailCoverage"]["textCharacters"]["total"] == len(text)
    assert answer["stopReason"] == "end_turn"  # no guardrail definitions: the mock never intervenes
    metadata = _stream(bedrock, guardrailConfig=config | {"streamProcessingMode": "sync"})["metadata"]
    assert set(metadata["trace"]["guardrail"]) == {"inputAssessment", "outputAssessments"}


@pytest.mark.parametrize("config", [GUARDRAIL, GUARDRAIL | {"trace": "disabled"}], ids=["default", "disabled"])
def test_no_guardrail_trace_unless_enabled(bedrock: Any, config: dict[str, Any]) -> None:
    answer = _converse(bedrock, guardrailConfig=config)
    assert "trace" not in answer and answer["stopReason"] == "end_turn"
    assert "trace" not in _stream(bedrock, guardrailConfig=config)["metadata"]


def test_guard_content_is_what_the_guardrail_reads(bedrock: Any) -> None:
    guarded = [{"role": "user", "content": [{"text": "Context: "}, {"guardContent": {"text": {"text": "Paris"}}}]}]
    answer = bedrock.converse(modelId=MAVERICK, messages=guarded, guardrailConfig=GUARDRAIL | {"trace": "enabled"})
    metrics = answer["trace"]["guardrail"]["inputAssessment"]["abc123xyz"]["invocationMetrics"]
    assert metrics["guardrailCoverage"]["textCharacters"]["total"] == len("Paris")


def _output_config(schema: str) -> dict[str, Any]:
    return {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": schema, "name": "w"}}}}


def test_structured_output_follows_the_schema(bedrock: Any) -> None:
    # A turn no bundled fixture answers, so the reply is generated from the schema.
    ask = {"modelId": MAVERICK, "messages": user("Record one city"), "outputConfig": _output_config(json.dumps(SCHEMA))}
    answer = bedrock.converse(**ask)
    jsonschema.validate(json.loads(answer["output"]["message"]["content"][0]["text"]), SCHEMA)
    events = list(bedrock.converse_stream(**ask)["stream"])
    text = "".join(e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e)
    jsonschema.validate(json.loads(text), SCHEMA)


@pytest.mark.parametrize("schema", ["{not json", "[1, 2]"])
def test_a_structured_output_schema_must_be_a_json_object(bedrock: Any, schema: str) -> None:
    assert _refused(bedrock, outputConfig=_output_config(schema)) == members.BAD_SCHEMA
