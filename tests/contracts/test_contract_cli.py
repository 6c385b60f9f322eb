"""The ``contracts`` command line: exit codes 0 (valid), 1 (violations), 2 (usage)."""

import json
from pathlib import Path

import pytest
from contract_helpers import CAPTURES

from contracts.cli import main


def test_valid_files_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(p) for p in sorted((CAPTURES / "openrouter").glob("chat-stream-*.sse"))]
    assert main(["validate", "--provider", "openrouter", "--kind", "chat-stream", *files]) == 0
    out = capsys.readouterr().out
    assert "finish_reason 'length' repeated [stream.finish-reason]" in out  # info is printed
    assert out.count(": ok (") == len(files)


def test_binary_stream_exits_0() -> None:
    stream = CAPTURES / "bedrock" / "converse-stream-llama32-trimmed.eventstream"
    assert main(["validate", "--provider", "bedrock", "--kind", "converse-stream", str(stream)]) == 0


def test_violations_exit_1_and_print_path_severity_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "error.json"
    bad.write_text(json.dumps({"error": {"code": "429", "message": "slow down"}}))
    assert main(["validate", "--provider", "openrouter", "--kind", "error", str(bad)]) == 1
    assert "$.error.code: error: '429' is not of type 'integer' [schema]" in capsys.readouterr().out


def test_info_only_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = tmp_path / "error.json"
    extra.write_text(json.dumps({"message": "x", "surprise": True}))
    assert main(["validate", "--provider", "bedrock", "--kind", "error", str(extra)]) == 0
    assert "info: unknown field 'surprise'" in capsys.readouterr().out
    assert main(["validate", "--quiet", "--provider", "bedrock", "--kind", "error", str(extra)]) == 0
    assert "surprise" not in capsys.readouterr().out


def test_invalid_json_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert main(["validate", "--provider", "aimlapi", "--kind", "chat-response", str(broken)]) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--provider", "openrouter", "--kind", "nope", "x.json"],
        ["validate", "--provider", "nope", "--kind", "error", "x.json"],
        ["validate", "--provider", "bedrock", "--kind", "error"],
        ["validate", "--provider", "bedrock", "--kind", "error", "/does/not/exist.json"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_checks_lists_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checks"]) == 0
    assert "eventstream.prelude-crc" in capsys.readouterr().out
