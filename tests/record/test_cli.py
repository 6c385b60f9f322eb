"""`mockserver record` on the command line: usage errors, and a real process recording one call."""

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from mockserver.cli import main
from tests.record.conftest import OPENROUTER_KEY, _free_port, assert_no_secrets


def test_usage_errors_exit_2() -> None:
    assert main(["record"]) == 2  # neither --out nor --proxy-only
    assert main(["record", "--out", "x", "--upstream", "nowhere"]) == 2
    assert main(["record", "--out", "x", "--upstream", "azure=http://127.0.0.1:1"]) == 2


def test_record_process_writes_a_fixture(upstream: Any, tmp_path: Path) -> None:
    port, out = _free_port(), tmp_path / "cli"
    command = [sys.executable, "-m", "mockserver", "record", "--out", str(out), "--port", str(port),
               "--upstream", f"openrouter={upstream.url}/openrouter/api/v1"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/openrouter/api/v1/chat/completions"
        body = {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Hi"}]}
        deadline = time.monotonic() + 15
        while True:
            try:
                answer = httpx.post(url, json=body, headers={"authorization": f"Bearer {OPENROUTER_KEY}"})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "recorder did not start"
                time.sleep(0.05)
        assert answer.status_code == 200
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    [fixture] = out.glob("openrouter/chat_completions/*.json")
    assert json.loads(fixture.read_text())["match"]["user_message"] == "Hi"
    assert "recorded openrouter/chat_completions/scout-" in err  # no prompt text in names without --name-from-prompt
    assert_no_secrets(out)
