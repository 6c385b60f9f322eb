"""Bedrock request authentication: SigV4 (optionally verified) or a Bedrock API key as a bearer token.

botocore sends ``Authorization: Bearer <token>`` instead of SigV4 when ``AWS_BEARER_TOKEN_BEDROCK``
is set (BOTOCORE handlers ``_should_prefer_bearer_auth``, auth ``BearerAuth``); the SigV4 signing
name is ``bedrock``, not ``bedrock-runtime`` (BR-MODEL metadata.signingName).
"""

from mockserver.engine.call import Call
from mockserver.errors import ProviderError
from mockserver.providers.bedrock.errors import CORAL_NS, exception
from mockserver.providers.bedrock.sigv4 import parse_authorization, signature_matches

__all__ = ["authenticate"]

SIGNING_NAME = "bedrock"


def _denied(name: str, message: str | None = None, key: str = "message") -> ProviderError:
    return exception(name, message, namespace=CORAL_NS, message_key=key)


def authenticate(call: Call) -> str:
    """The caller (bearer key or access key id), or the error AWS gives for missing or bad credentials."""
    header = (call.request.header("authorization") or "").strip()
    if not header:
        # [obs] karthink/gptel#1397: 403, AccessDeniedException in the coral.service namespace, capital "Message".
        raise _denied("AccessDeniedException", "Authorization header is missing", key="Message")
    scheme, _, rest = header.partition(" ")
    if scheme.lower() == "bearer":
        keys = call.config.api_keys.get("bedrock") or []
        if not rest.strip() or (keys and rest.strip() not in keys):
            # [3p] aws-solutions-library-samples/guidance-for-claude-code-with-amazon-bedrock#785 (rejected key).
            raise _denied("AccessDeniedException", "Invalid API Key format")
        return rest.strip()
    if scheme != "AWS4-HMAC-SHA256":
        raise _denied("IncompleteSignatureException", _incomplete(header))
    auth = parse_authorization(header)
    dated = "x-amz-date" in call.request.headers or "date" in call.request.headers
    if auth is None or not dated:
        raise _denied("IncompleteSignatureException", _incomplete(header))
    if auth.service != SIGNING_NAME:
        # AWS wording for a wrong scope (assumed; same form as other SigV4 services' errors).
        message = f"Credential should be scoped to correct service: '{SIGNING_NAME}'. "
        raise _denied("InvalidSignatureException", message)
    secrets = call.config.sigv4_credentials
    if not secrets:
        return auth.access_key  # lenient: any well-formed signature is accepted
    secret = secrets.get(auth.access_key)
    if secret is None:
        raise _denied("UnrecognizedClientException")
    if not signature_matches(call.request, auth, secret):
        raise _denied("InvalidSignatureException")
    return auth.access_key  # quotas are per account; the access key id stands for it


def _incomplete(header: str) -> str:
    # Wording of AWS's SigV4 front door for an unparseable header ([obs] aws-samples/
    # amazon-elasticsearch-service-with-authentication#4; same front door, another service).
    return (
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
        "parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires "
        f"existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={header}"
    )
