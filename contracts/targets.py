"""Where contract checks send their requests: a mock or a live provider, behind one ``Target.send``."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from contracts import registry
from contracts.validate import UsageError

__all__ = [
    "Exchange",
    "Target",
    "TargetError",
    "open_target",
    "public_url",
]

# A base URL on a provider's registered domain (openrouter.ai, aimlapi.com, amazonaws.com) is live.
_LIVE_HOSTS = tuple(".".join((urlsplit(p.upstream_url()).hostname or "").split(".")[-2:]) for p in registry.PROVIDERS)
_DUMMY_KEY = "mockkit-dummy-key"  # the mock accepts any non-empty key by default (MockConfig.api_keys)


class TargetError(Exception):
    """The target cannot be reached or used (connection refused, timeout, no credentials)."""


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request sent and the response received, as the checks see them."""

    operation: str
    body: Any
    """The JSON request body (``None`` for a GET)."""
    status: int
    headers: Mapping[str, str]
    """Response headers, names lower-cased."""
    content: bytes


@dataclass(slots=True)
class Target:
    """A provider API at a base URL, with the credentials to call it."""

    provider: str
    base_url: str
    """What an SDK is given: ``.../api/v1`` (OpenRouter), ``.../v1`` (AI/ML API), the endpoint (Bedrock)."""
    model: str
    live: bool
    region: str = registry.DEFAULT_REGION
    timeout: float = 60.0
    sent: int = 0
    """Requests sent so far (the budget counts these)."""
    _key: str | None = field(default=None, repr=False)
    _aws: tuple[str, str, str | None] | None = field(default=None, repr=False)
    _client: httpx.Client | None = field(default=None, repr=False)

    @property
    def secrets(self) -> list[str]:
        """Every credential string, so reports can prove they hold none of them."""
        found = [self._key] if self._key else []
        if self._aws:
            found.extend(s for s in self._aws[1:] if s)
        return [s for s in found if s != _DUMMY_KEY]

    @property
    def auth_scheme(self) -> str:
        """``bearer``, ``sigv4`` or ``none``, for reports (never the credential itself)."""
        return "bearer" if self._key else "sigv4" if self._aws else "none"

    def send(
        self,
        operation: str,
        body: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
        model: str | None = None,
    ) -> Exchange:
        """Send one request and read the whole response; raises ``TargetError`` when unreachable."""
        op = registry.operation(self.provider, operation)
        # {modelId} is the percent-encoded model id, as the AWS SDKs send it (`%3A` for the colon,
        # wire-contracts §3.1); other path parameters are not sent by the checks.
        url = self.base_url + op.path.format(modelId=quote(model or self.model, safe=""))
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        sent_headers = {"accept": "application/json"} if data is None else {"content-type": "application/json"}
        sent_headers.update(headers or {})
        if authenticated:
            sent_headers.update(self._auth_headers(op.method, url, data, sent_headers))
        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout)
        self.sent += 1
        try:
            response = self._client.request(op.method, url, content=data, headers=sent_headers)
        except httpx.TransportError as exc:
            raise TargetError(f"cannot reach {self.provider} at {self.base_url}: {type(exc).__name__}: {exc}") from exc
        lowered = {k.lower(): v for k, v in response.headers.items()}
        return Exchange(operation, body, response.status_code, lowered, response.content)

    def _auth_headers(self, method: str, url: str, data: bytes | None, headers: Mapping[str, str]) -> dict[str, str]:
        if self._key is not None:
            # Bearer for OpenRouter and AI/ML API (OR-SPEC, AIML-SPEC) and for Bedrock API keys
            # (botocore auth.BearerAuth, wire-contracts §3.2).
            return {"authorization": f"Bearer {self._key}"}
        if self._aws is None:
            return {}
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        request = AWSRequest(method=method, url=url, data=data or b"", headers=dict(headers))
        # The signing name is "bedrock", not "bedrock-runtime" (BR-MODEL metadata.signingName).
        SigV4Auth(Credentials(*self._aws), "bedrock", self.region).add_auth(request)
        return {k: v for k, v in request.headers.items() if k.lower() not in headers}

    def close(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            self._client.close()
            self._client = None


def _is_live(base_url: str) -> bool:
    host = urlsplit(base_url).hostname or ""
    return any(host == h or host.endswith("." + h) for h in _LIVE_HOSTS)


def public_url(url: str) -> str:
    """The URL without user info, query or fragment, fit for a report."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def open_target(
    provider: str,
    base_url: str,
    api_key: str | None = None,
    *,
    model: str | None = None,
    region: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> Target:
    """Build a target, taking credentials from the arguments or the environment.

    Args:
        provider: ``openrouter``, ``aimlapi`` or ``bedrock``.
        base_url: the provider's base URL (see ``Target.base_url``); a host of openrouter.ai,
            aimlapi.com or amazonaws.com makes the target live.
        api_key: the key (a Bedrock API key for Bedrock); else ``OPENROUTER_API_KEY``,
            ``AIMLAPI_API_KEY`` or ``AWS_BEARER_TOKEN_BEDROCK`` / AWS credentials from ``env``.
            A non-live target without one gets a dummy key (the mock accepts any).
        model: the model id to call; defaults to Llama 4 Maverick for the provider.
        region: the AWS region (Bedrock); else ``AWS_REGION``, ``AWS_DEFAULT_REGION`` or us-east-1.
        env: the environment to read (defaults to ``os.environ``).
        timeout: seconds per request.

    Raises ``UsageError`` for an unknown provider or a malformed URL, and ``TargetError`` for a
    live target without credentials.
    """
    env = os.environ if env is None else env
    try:
        facts = registry.provider(provider)
    except registry.UnknownName as exc:
        raise UsageError(str(exc)) from None
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--base-url must be an http(s) URL, got {public_url(base_url)!r}")
    live = _is_live(base_url)
    region = region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or registry.DEFAULT_REGION
    target = Target(provider, base_url.rstrip("/"), model or facts.default_model, live, region, timeout)
    key = api_key or env.get(facts.key_env) or None
    if key:
        target._key = key
    elif provider == "bedrock":
        target._aws = _aws_credentials(env, live)
    if target._key is None and target._aws is None:
        if live:
            raise TargetError(f"no credentials for live {provider}: pass --api-key or set {facts.key_env}")
        target._key = _DUMMY_KEY
    return target


def _aws_credentials(env: Mapping[str, str], live: bool) -> tuple[str, str, str | None] | None:
    access, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    if access and secret:
        return access, secret, env.get("AWS_SESSION_TOKEN")
    if not live:
        # Never sign requests to a mock with someone's real profile; fake keys do (moto's habit).
        return "AKIAMOCKKITEXAMPLE", "mockkit-fake-secret", None
    import botocore.session

    found = botocore.session.get_session().get_credentials()
    if found is None:
        return None
    frozen = found.get_frozen_credentials()
    return frozen.access_key, frozen.secret_key, frozen.token
