"""What the fuzz suite sends: every operation of every provider and the admin API, as hostile wire requests.

A request starts from a realistic body for its operation (tools, response schemas, stop sequences, streams),
then takes a few mutations of the families the 112k-request fuzz run of issue #9 found bugs in: lone
surrogates, huge and non-finite numbers as raw JSON tokens, nesting near and past the limits, odd schema
keywords where schemas drive generation, wrong types anywhere, byte-level damage (truncation, invalid UTF-8,
other encodings), odd methods and paths, and every ``x-mock-*`` control with good and bad values.
"""

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

from contracts import registry
from tests.fuzz.bodies import count_tokens_bodies, damaged, mutated_bodies
from tests.fuzz.values import NON_JSON, SCALARS, TEXTS, VALUES

__all__ = ["ADMIN_ROUTES", "OPERATIONS", "Op", "Sent", "admin_requests", "hostile_requests"]

BEDROCK_MODEL = "us.meta.llama4-scout-17b-instruct-v1:0"


@dataclass(frozen=True, slots=True)
class Op:
    """One operation of one provider, as the registry lists it."""

    provider: str
    name: str
    method: str
    template: str
    """The path under the mount, with ``{params}``."""
    kind: str | None
    """The request body's kind (None: a read with no body)."""


OPERATIONS = [
    Op(p.name, op.name, op.method, p.mount + op.path, op.request or ("count-tokens" if op.method == "POST" else None))
    for p in registry.PROVIDERS
    for op in p.operations
]


@dataclass(slots=True)
class Sent:
    """One request as sent, with what the oracle needs to know about how it was made."""

    method: str
    target: str
    """Path and query string, as on the request line (percent-encoded or not)."""
    headers: dict[str, str]
    body: bytes
    provider: str | None = None
    operation: str | None = None
    tokens: list[str] = field(default_factory=list)
    """Raw tokens put into an otherwise valid JSON body (``NaN``, ``1e999999``...)."""
    damaged: bool = False
    """The body's bytes were mutated after serialisation (it may or may not still be JSON)."""
    routed: bool = False
    """Method and path are the operation's own (the request reaches it, unless refused before)."""

    @property
    def non_json(self) -> bool:
        """The operation's body is exactly a JSON document except for a NaN/Infinity/overflowing number token."""
        return self.routed and not self.damaged and any(t in NON_JSON for t in self.tokens)


# Headers ------------------------------------------------------------------------------------------------------

HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=30)
"""Header values as a server decodes them (latin-1, no control characters)."""
FAULTS = {
    "openrouter": ["402", "403", "408", "429", "500", "502", "503"],
    "aimlapi": ["401", "403", "429", "500", "502", "503", "504"],
    "bedrock": ["ThrottlingException", "ModelTimeoutException", "ServiceUnavailableException",
                "InternalServerException", "ValidationException", "AccessDeniedException"],
}  # fmt: skip
STREAM_FAULTS = ["error", "error@0", "error@2", "3", "throttlingException@1", "modelStreamErrorException",
                 "internalServerException@0", "9" * 5000, "error@" + "9" * 5000, "²", "٣", "@", "error@", "error@-1",
                 "1" * 9, "1" * 10]  # fmt: skip
QUIRKS = ["openrouter.usage_chunk=docs", "openrouter.usage_chunk=2025", "openrouter.credits=docs",
          "aimlapi.errors=problem-2026", "aimlapi.envelope=2026", "aimlapi.done=off", "bedrock.stream_mode=off",
          "bedrock.stream_mode=no-tools", "nope=1", "a=b=c", ",", "=", "aimlapi.errors"]  # fmt: skip
HEADER_NAMES = ["x-mock-fault", "x-mock-stream-fault", "x-mock-quirk", "x-mock-pace", "content-type", "authorization",
                "x-amz-date", "x-other", "x-mock-unknown"]  # fmt: skip
PACES = ["0", "nan", "inf", "-1", "1e999", "9" * 5000, "", "x", "-0", "0.0"]
CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "text/plain", "", "APPLICATION/JSON",
                 "application/vnd.api+json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                 "application/json; charset=utf-16", "application/problem+json"]  # fmt: skip
SIGV4 = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/bedrock/aws4_request, "
         "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64)  # fmt: skip

AUTHORIZATIONS = ["", "Bearer", "Bearer ", "Basic abc", "AWS4-HMAC-SHA256", SIGV4[:60], "Bearer " + "k" * 5000,
                  "AWS4-HMAC-SHA256 Credential=/, Signature="]  # fmt: skip


@st.composite
def _headers(draw: st.DrawFn, provider: str | None, *, wire: bool) -> dict[str, str]:
    headers: dict[str, str] = {"content-type": "application/json"}
    if provider == "bedrock":
        if draw(st.booleans()):  # Llama 4 refuses some streams by default: let more of them reach rendering
            headers["x-mock-quirk"] = "bedrock.stream_mode=on"
        if draw(st.booleans()):
            headers |= {"authorization": SIGV4, "x-amz-date": "20260101T000000Z"}
        else:
            headers["authorization"] = "Bearer bedrock-api-key-test"
    else:
        headers["authorization"] = "Bearer sk-or-v1-fuzz0000000000000000000000000000"
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 1, 2, 3]))):
        name = draw(st.sampled_from(HEADER_NAMES))
        if name == "x-mock-fault":
            value = draw(st.sampled_from([*FAULTS.get(provider or "", ["500"]), "999", "9" * 5000, "", " 500 "]))
        elif name == "x-mock-stream-fault":
            value = draw(st.sampled_from(STREAM_FAULTS))
        elif name == "x-mock-quirk":
            value = draw(st.sampled_from(QUIRKS))
        elif name == "x-mock-pace":
            value = draw(st.sampled_from(PACES))
        elif name == "content-type":
            value = draw(st.sampled_from(CONTENT_TYPES))
        elif name == "authorization":
            value = draw(st.sampled_from(AUTHORIZATIONS))
        else:
            value = draw(HEADER_TEXT)
        if name == "authorization" and value == "":
            headers.pop("authorization", None)
        else:
            headers[name] = value if not wire else value.strip()
    return headers


# Paths --------------------------------------------------------------------------------------------------------

SEGMENTS = ["*", "%0A", "%00", "%ZZ", "%", "%E2%80%A8", "%ED%A0%80", "..", ".", "%2e%2e", "%2F", "x" * 3000, "é",
            "\ud800", "a b", "", "models", "__admin"]  # fmt: skip
MODEL_IDS = [quote(BEDROCK_MODEL, safe=""), BEDROCK_MODEL, "meta.llama4-scout-17b-instruct-v1%3A0",
             quote("arn:aws:bedrock:us-east-1:123456789012:inference-profile/" + BEDROCK_MODEL, safe=""),
             "nope", "a" * 3000, "%ED%A0%80", "us.meta.llama4-maverick-17b-instruct-v1%3A0", "-" * 2049]  # fmt: skip

QUERIES = ["id=gen-1-x", "id=", "id=%ED%A0%80", "id=%ff", "a=1&a=2", "%", "id=\ud800"]


@st.composite
def _target(draw: st.DrawFn, op: Op, *, wire: bool) -> tuple[str, bool]:
    params = {"modelId": draw(st.sampled_from(MODEL_IDS)), "author": "meta-llama",
              "slug": draw(st.sampled_from(["llama-4-scout", "nope", "%0A"]))}  # fmt: skip
    path = op.template
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    how = draw(st.integers(0, 24))  # 0, 1, 3: one path in eight leaves the operation
    segments = path.split("/")
    first = 1 if draw(st.integers(0, 3)) == 0 else len(registry.MOUNTS[op.provider].split("/"))  # after the mount
    if how == 0:
        segments.insert(draw(st.integers(first, len(segments))), draw(st.sampled_from(SEGMENTS)))
    elif how == 1:
        segments[draw(st.integers(min(first, len(segments) - 1), len(segments) - 1))] = draw(st.sampled_from(SEGMENTS))
    elif how == 2:
        segments.append("")
    path = "/".join(segments) if how != 3 else "*"
    routed = how >= 2 and how != 3
    if op.name == "get_generation" or draw(st.integers(0, 7)) == 0:
        path += "?" + draw(st.sampled_from(QUERIES))
    if wire:  # a request line carries printable ASCII only: everything else percent-encoded, as a client would
        path = path if path == "*" else quote(path, safe="/%?=&*:;,+@!$'()~", errors="surrogatepass")
    return path, routed  # 0, 1: a segment changed; 3: "*"; a trailing slash (2) still routes


METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "FOO", "M-SEARCH"]


@st.composite
def hostile_requests(draw: st.DrawFn, ops: list[Op] | None = None, *, wire: bool = False) -> Sent:
    """One hostile request to one of ``ops`` (all operations by default)."""
    op = draw(st.sampled_from(ops or OPERATIONS))
    method = op.method if draw(st.integers(0, 5)) else draw(st.sampled_from(METHODS))
    body, tokens, damaged = b"", [], False
    if op.kind == "count-tokens":
        body, tokens, damaged = draw(count_tokens_bodies())
    elif op.kind is not None:
        body, tokens, damaged = draw(mutated_bodies(op.kind))
    elif draw(st.integers(0, 5)) == 0:
        body, damaged = draw(st.binary(max_size=32)), True
    headers = draw(_headers(op.provider, wire=wire))
    target, routed = draw(_target(op, wire=wire))
    return Sent(method, target, headers, body, op.provider, op.name, tokens, damaged, routed and method == op.method)


# The admin API ------------------------------------------------------------------------------------------------

ADMIN_ROUTES = [("GET", "health"), ("GET", "requests"), ("DELETE", "requests"), ("POST", "reset"),
                ("POST", "fixtures"), ("GET", "fixtures"), ("PUT", "requests"), ("GET", "nope")]  # fmt: skip
_WEIGHTED = ADMIN_ROUTES + [("POST", "fixtures")] * 6  # most admin requests carry a hostile fixture
_MATCHERS = ["model", "user_message", "user_message_contains", "stream", "has_tools", "tool_result", "turns",
             "seed", "body", "providers", "nope"]  # fmt: skip
_NAMES = st.sampled_from(["openrouter", "aimlapi", "bedrock", "chat_completions", "converse", "invoke_model", "x"])


@st.composite
def _fixture(draw: st.DrawFn) -> dict[str, Any]:
    """A fixture document: mostly well formed, with hostile matcher values, replies and recorded responses."""
    match = draw(st.dictionaries(st.sampled_from(_MATCHERS), st.one_of(TEXTS, SCALARS, VALUES), max_size=3))
    if draw(st.booleans()):
        reply = {"content": draw(st.one_of(TEXTS, SCALARS)),
                 "tool_calls": draw(st.sampled_from([[], [{"name": "f", "arguments": {"a": "\ud800"}}],
                                                     [{"name": 5}], "x", [{"arguments": []}]])),
                 "usage": draw(st.sampled_from([{}, {"prompt_tokens": -1}, {"completion_tokens": "x"},
                                                {"prompt_tokens": 10**300}, []]))}  # fmt: skip
        document: dict[str, Any] = {"reply": draw(st.sampled_from([reply, {}, "text", None, []]))}
    else:
        status = draw(st.sampled_from([200, 201, 204, 304, 400, 429, 100, 199, 600, 999, -1, "200", 2.5, True]))
        headers = draw(st.sampled_from([{}, {"x-a": "b"}, {"x-a": "\u2028é"}, {"x-a": 5}, {"content-length": "9"},
                                        {"a b": "c"}, {"x-a": "a\r\nb: c"}, []]))  # fmt: skip
        body = draw(st.one_of(VALUES, st.just({"choices": []})))
        document = {"response": {"status": status, "headers": headers, "body": body}}
    if draw(st.integers(0, 2)):  # well formed around a hostile reply or response: it gets served
        match = draw(st.sampled_from([{}, {"model": "scout"}, {"user_message": "Hello"}, {"stream": False}]))
        document |= {"match": match}
        if draw(st.booleans()):
            document |= {"provider": "openrouter", "operation": "chat_completions"}
        return document
    document |= {"match": match if draw(st.integers(0, 5)) else draw(SCALARS)}
    if draw(st.booleans()):
        document |= {"provider": draw(_NAMES), "operation": draw(_NAMES)}
    if draw(st.integers(0, 3)) == 0:
        document[draw(st.sampled_from(["times", "name", "provenance", "file"]))] = draw(SCALARS)
    return document


@st.composite
def admin_requests(draw: st.DrawFn, *, wire: bool = False, fixtures: bool = True) -> Sent:
    """One request to the admin API: known and unknown routes, odd methods and queries, hostile fixtures."""
    method, route = draw(st.sampled_from([r for r in _WEIGHTED if fixtures or r[1] != "fixtures"]))
    method = method if draw(st.integers(0, 4)) else draw(st.sampled_from(METHODS))
    target = "/__admin/" + route
    if route == "requests" and draw(st.booleans()):
        target += "?" + draw(st.sampled_from(["provider=openrouter", "model=%ED%A0%80", "operation=\ud800", "%"]))
    body = b""
    if route == "fixtures":
        document = draw(_fixture())
        body = json.dumps(document).encode()
        if draw(st.integers(0, 3)) == 0:
            body = draw(damaged(body))
    if wire:
        target = quote(target, safe="/%?=&", errors="surrogatepass")
    return Sent(method, target, {"content-type": "application/json"}, body, None, f"admin {route}")
