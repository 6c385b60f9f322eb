"""The Bedrock runtime operation table (BR-MODEL ``operations[*].http``)."""

from mockserver.engine.routing import Route

__all__ = ["ROUTES"]

# {modelId} is one path segment; the SDK percent-encodes ':' and '/' in it (%3A, %2F), and the core
# decodes each segment after splitting, so an ARN stays one segment (wire-contracts §3.1).
ROUTES = [
    Route("POST", "/model/{modelId}/invoke", "invoke_model"),
    Route("POST", "/model/{modelId}/invoke-with-response-stream", "invoke_model_with_response_stream"),
    Route("POST", "/model/{modelId}/converse", "converse"),
    Route("POST", "/model/{modelId}/converse-stream", "converse_stream"),
    Route("POST", "/model/{modelId}/count-tokens", "count_tokens"),
]
