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


def _native_finish_reason(tmp_path: Path) -> Path:
    document = json.loads((CAPTURES / "openrouter" / "chat-response-2026-trimmed.json").read_text())
    document["choices"][0]["finish_reason"] = "end_turn"  # provider-native, in the normalised field
    path = tmp_path / "native.json"
    path.write_text(json.dumps(document))
    return path


def test_warnings_are_printed_and_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    native = _native_finish_reason(tmp_path)
    assert main(["validate", "--provider", "openrouter", "--kind", "chat-response", str(native)]) == 0
    out = capsys.readouterr().out
    assert '$.choices[0].finish_reason: warning: "end_turn" is not a documented value' in out
    assert f"{native}: ok (0 errors, 1 warnings, 0 info)" in out


def test_strict_makes_warnings_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    native = _native_finish_reason(tmp_path)
    argv = ["validate", "--strict", "--provider", "openrouter", "--kind", "chat-response", str(native)]
    assert main(argv) == 1
    assert f"{native}: FAIL (0 errors, 1 warnings, 0 info)" in capsys.readouterr().out


def test_strict_passes_clean_files_and_ignores_info(tmp_path: Path) -> None:
    """Switch-off: --strict alone fails nothing; only warnings (and errors) do, never info."""
    clean = str(CAPTURES / "openrouter" / "chat-response-2026-trimmed.json")
    assert main(["validate", "--strict", "--provider", "openrouter", "--kind", "chat-response", clean]) == 0
    extra = tmp_path / "error.json"
    extra.write_text(json.dumps({"message": "x", "surprise": True}))  # an unknown field: info
    assert main(["validate", "--strict", "--provider", "bedrock", "--kind", "error", str(extra)]) == 0


def test_errors_exit_1_in_both_modes(tmp_path: Path) -> None:
    bad = tmp_path / "error.json"
    bad.write_text(json.dumps({"error": {"code": "429", "message": "slow down"}}))
    for strict in ([], ["--strict"]):
        assert main(["validate", *strict, "--provider", "openrouter", "--kind", "error", str(bad)]) == 1
