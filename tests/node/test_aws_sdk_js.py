"""The AWS SDK for JavaScript v3, unmodified (its default HTTP/2 handler), runs all four Bedrock operations
against ``mockserver serve`` over http:// (prior knowledge) and https:// (ALPN h2)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.node.conftest import HERE, serve


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_default_client_runs_all_four_operations(node: str, scheme: str, tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    flags = ("--ssl-certfile", str(cert), "--ssl-keyfile", str(key)) if scheme == "https" else ()
    with serve(*flags) as url:
        assert url.startswith(f"{scheme}://")
        env = {**os.environ, "MOCK_BEDROCK_URL": f"{url}/bedrock", "NODE_DEBUG": "http2",
               "NODE_EXTRA_CA_CERTS": str(cert), "AWS_REGION": "us-east-1"}  # fmt: skip
        done = subprocess.run([node, str(HERE / "bedrock_all.mjs")], capture_output=True, text=True, env=env,
                              timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    # NODE_DEBUG=http2 logs the client's sessions: the SDK really spoke HTTP/2, not a fallback.
    assert "Http2Session client: created" in done.stderr
    out = json.loads(done.stdout)
    assert out["converse"]["text"] and out["converse"]["stopReason"] == "end_turn"
    assert out["converse"]["usage"]["totalTokens"] > 0 and out["converse"]["requestId"]
    events = out["converseStream"]["events"]
    assert events[0] == "messageStart" and events[-2:] == ["messageStop", "metadata"]
    assert "contentBlockDelta" in events and out["converseStream"]["text"]
    assert out["invokeModel"]["generation"] and out["invokeModel"]["stop_reason"] == "stop"
    chunks = out["invokeModelWithResponseStream"]
    assert len(chunks) > 1 and chunks[-1]["stop_reason"] == "stop"
    assert "".join(c["generation"] for c in chunks) == out["invokeModel"]["generation"]
