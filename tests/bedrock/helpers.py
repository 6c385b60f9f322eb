"""Small helpers shared by the Bedrock tests."""

import json
from typing import Any

LLAMA3 = ("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
          "<|start_header_id|>user<|end_header_id|>\n\n{text}<|eot_id|>\n<|start_header_id|>assistant<|end_header_id|>\n")
LLAMA4 = ("<|begin_of_text|><|header_start|>system<|header_end|>\n\nBe brief.<|eot|>"
          "<|header_start|>user<|header_end|>\n\n{text}<|eot|><|header_start|>assistant<|header_end|>\n\n")
WEATHER_TOOL = {"tools": [{"toolSpec": {
    "name": "get_weather", "description": "Current weather for a city",
    "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
}}]}


def user(text: str) -> list[dict[str, Any]]:
    """A one-turn Converse conversation."""
    return [{"role": "user", "content": [{"text": text}]}]


def body(**fields: Any) -> str:
    """A Llama native InvokeModel body."""
    return json.dumps(fields)


def add_headers(client: Any, **headers: str) -> Any:
    """Send extra headers (e.g. x-mock-fault) on every call of ``client``."""

    def add(request: Any, **_: Any) -> None:
        for name, value in headers.items():
            request.headers[name.replace("_", "-")] = value

    client.meta.events.register_first("before-sign.bedrock-runtime.*", add)
    return client


def error_code(exc: Any) -> str:
    """The botocore error code of a ClientError."""
    return str(exc.response["Error"]["Code"])
