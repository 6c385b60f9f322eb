"""The registry of provider facts: true to botocore's service model, and naming only kinds that exist."""

from typing import Any

import boto3
import botocore.session
import pytest
from botocore.utils import get_token_from_environment

from contracts import registry, schemas
from contracts.strategies import REQUEST_KINDS, base_request
from contracts.validate import KINDS, STREAM_KINDS

BEDROCK = registry.provider("bedrock")


@pytest.fixture(scope="module")
def model() -> Any:
    """botocore's own service model for bedrock-runtime (BR-MODEL)."""
    return botocore.session.get_session().get_service_model("bedrock-runtime")


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _stream_members(model: Any, operation: str) -> tuple[list[str], dict[str, str]]:
    """The event members and the exception members (camelCase -> shape name) of an operation's event stream."""
    stream = model.operation_model(_pascal(operation)).get_event_stream_output()
    members = stream.members.items()
    events = [name for name, shape in members if not shape.metadata.get("exception")]
    return events, {name: shape.name for name, shape in members if shape.metadata.get("exception")}


@pytest.mark.parametrize("name", [op.name for op in BEDROCK.operations if op.stream is not None])
def test_stream_exceptions_are_botocores_members(model: Any, name: str) -> None:
    events, exceptions = _stream_members(model, name)
    assert list(registry.stream_exceptions("bedrock", name).items()) == list(exceptions.items())
    assert list(BEDROCK.operation(name).stream.events) == events  # type: ignore[union-attr]


def test_converse_stream_has_no_model_timeout(model: Any) -> None:
    # The one place the two streams differ (BR-MODEL ConverseStreamOutput vs ResponseStream).
    assert "modelTimeoutException" in registry.stream_exceptions("bedrock", "invoke_model_with_response_stream")
    assert "modelTimeoutException" not in registry.stream_exceptions("bedrock", "converse_stream")


@pytest.mark.parametrize("op", BEDROCK.operations, ids=lambda op: op.name)
def test_bedrock_operations_match_the_service_model(model: Any, op: registry.Operation) -> None:
    theirs = model.operation_model(_pascal(op.name))
    assert (op.method, op.paths) == (theirs.http["method"], (theirs.http["requestUri"],))
    assert op.always_streams == theirs.has_event_stream_output


def test_bedrock_upstream_and_key_are_botocores(model: Any) -> None:
    client = boto3.client("bedrock-runtime", region_name="eu-west-3", aws_access_key_id="AKIAEXAMPLE",
                          aws_secret_access_key="x")  # fmt: skip
    assert registry.upstream_url("bedrock", "eu-west-3") == client.meta.endpoint_url
    assert registry.upstream_url("bedrock") == "https://bedrock-runtime.us-east-1.amazonaws.com"
    signing_name = model.metadata["signingName"]
    assert get_token_from_environment(signing_name, {BEDROCK.key_env: "token"}) == "token"


def _existing(provider: str) -> set[str]:
    return set(schemas.kinds(provider)) | {k for p, k in STREAM_KINDS if p == provider}


@pytest.mark.parametrize("facts", registry.PROVIDERS, ids=lambda p: p.name)
def test_every_kind_named_exists(facts: registry.Provider) -> None:
    for op in facts.operations:
        assert set(op.kinds) <= _existing(facts.name), op.name
        if op.stream is not None:
            assert (facts.name, op.stream.kind) in STREAM_KINDS
            assert op.stream.event in schemas.kinds(facts.name)
    assert facts.error in schemas.kinds(facts.name)


@pytest.mark.parametrize("facts", registry.PROVIDERS, ids=lambda p: p.name)
def test_every_schema_is_named_by_the_registry(facts: registry.Provider) -> None:
    assert set(facts.kinds) == _existing(facts.name)
    assert KINDS[facts.name] == facts.kinds


@pytest.mark.parametrize("facts", registry.PROVIDERS, ids=lambda p: p.name)
def test_operations_are_unique_and_paths_relative(facts: registry.Provider) -> None:
    names = [op.name for op in facts.operations]
    assert len(names) == len(set(names))
    routes = [(op.method, path) for op in facts.operations for path in op.paths]
    assert len(routes) == len(set(routes))
    assert all(path.startswith("/") and not path.endswith("/") for _, path in routes)
    assert facts.mount.startswith("/") and registry.MOUNTS[facts.name] == facts.mount
    assert facts.upstream.startswith("https://")


def test_openrouter_key_has_two_routes() -> None:
    op = registry.operation("openrouter", "get_key")
    assert (op.method, op.path, op.paths) == ("GET", "/key", ("/key", "/auth/key"))


def test_default_models_are_llama_4_maverick() -> None:
    for facts in registry.PROVIDERS:
        assert "maverick" in facts.default_model
        for kind in REQUEST_KINDS[facts.name]:
            request = base_request(facts.name, kind)
            assert request.get("model", facts.default_model) == facts.default_model


def test_lookups_name_what_is_known() -> None:
    with pytest.raises(registry.UnknownName, match="known: openrouter, aimlapi, bedrock"):
        registry.provider("openai")
    with pytest.raises(registry.UnknownName, match="aimlapi has no operation 'completions'"):
        registry.operation("aimlapi", "completions")
    assert registry.stream_exceptions("openrouter", "chat_completions") == {}
    assert registry.operation("aimlapi", "chat_completions").stream == registry.operation(
        "openrouter", "chat_completions").stream  # fmt: skip
